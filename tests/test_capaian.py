"""IKI achievement formula (regulation.md §1.2) and shared helpers."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes.capaian import band, capaian, check_inputs, level3, masked_mean


def test_higher_is_better_ratio():
    assert capaian(50.0, 45.0, True) == pytest.approx(90.0)
    assert capaian(2.0, 3.0, True) == pytest.approx(150.0)


def test_lower_is_better_worked_examples():
    # regulation §1.2: target 7 months, result 6.5 -> about 107 %; target 8, result 9 -> 87.5 %
    assert capaian(7.0, 6.5, False) == pytest.approx(100 * (1 + (1 - 6.5 / 7)), abs=1e-12)
    assert capaian(7.0, 6.5, False) == pytest.approx(107.142857, abs=1e-6)
    assert capaian(8.0, 9.0, False) == pytest.approx(87.5)


def test_floor_at_zero_and_cap():
    assert capaian(10.0, 25.0, False) == 0.0  # (2 - 2.5) * 100 = -50 -> 0
    assert capaian(10.0, 30.0, True, cap=120) == 120.0
    assert capaian(10.0, 11.0, True, cap=120) == pytest.approx(110.0)


def test_vectorised_and_nan_propagates():
    out = capaian(np.array([10.0, 10.0, np.nan, 10.0]), np.array([5.0, np.nan, 5.0, 5.0]),
                  np.array([True, True, True, False]), cap=120)
    assert out[0] == pytest.approx(50.0)
    assert np.isnan(out[1]) and np.isnan(out[2])
    assert out[3] == pytest.approx(120.0)  # lower-better (2 - 0.5) * 100 = 150, capped


def test_nonpositive_target_raises():
    with pytest.raises(ValueError, match="target"):
        capaian(np.array([0.0, 5.0]), np.array([1.0, 1.0]), True)


def test_band_lower_bound_inclusive_and_nan():
    codes = band(np.array([50.99, 51.0, 90.99, 91.0]), [51, 61, 76, 91])
    assert codes.tolist() == [0, 1, 3, 4]
    with pytest.raises(ValueError):
        band(np.array([np.nan]), [51, 61, 76, 91])


def test_level3_nan_is_below():
    assert level3(np.array([89.99, 90.0, 109.99, 110.0, np.nan]), 90, 110).tolist() == [
        0, 1, 1, 2, 0]


def test_masked_mean():
    v = np.array([[1.0, 3.0, np.nan], [2.0, np.nan, np.nan]])
    mask = np.array([[True, True, False], [True, False, False]])
    assert masked_mean(v, mask).tolist() == [2.0, 2.0]
    assert masked_mean(v, mask, np.array([[1.0, 3.0, 0.0], [1.0, 1.0, 1.0]]))[0] == 2.5


def test_check_inputs_lists_every_problem():
    m = make_measurements(3, 2, indicator=np.array([[0, -1], [-1, -1], [0, 1]]),
                          target=np.array([[10.0, np.nan], [np.nan, np.nan], [0.0, 5.0]]),
                          perilaku=np.array([[80.0], [120.0], [np.nan]]))
    with pytest.raises(InputError) as exc:
        check_inputs(m, make_org(3))
    msg = str(exc.value)
    assert "3 problems" in msg
    assert "no IKI slot" in msg and "rows 2" in msg
    assert "non-positive target" in msg and "rows 3" in msg
    assert "BerAKHLAK" in msg and "rows 2, 3" in msg


def test_registry_lists_four_schemes_and_rejects_unknown_names():
    from kinerja_sim.schemes import SCHEMES, get_scheme

    assert set(SCHEMES) == {"pp46_2011", "pp30_2019", "permenpanrb_6_2022", "weighted_kpi"}
    for name, mod in SCHEMES.items():
        assert get_scheme(name) is mod
        assert len(mod.LABELS) == 5
        assert type(mod.default_params()) is mod.Params
    with pytest.raises(InputError) as exc:
        get_scheme("pp53_2010")
    msg = str(exc.value)
    assert "scheme.name" in msg and "pp46_2011" in msg and "weighted_kpi" in msg


# --- gaps found by mutation testing (docs/testing.md "Mutation testing") ---------------------

import dataclasses  # noqa: E402

from kinerja_sim.schemes.capaian import row_any, row_count, rows_text  # noqa: E402


def test_nonpositive_target_message_counts_them_and_nan_target_is_allowed():
    with pytest.raises(ValueError, match=r"^capaian: 2 target\(s\) <= 0; a target must be > 0$"):
        capaian(np.array([0.0, -1.0, 5.0]), np.array([1.0, 1.0, 1.0]), True)
    # a NaN target (empty slot) is not an error: NaN out
    out = capaian(np.array([np.nan, 4.0]), np.array([1.0, 1.0]), True)
    assert np.isnan(out[0]) and out[1] == pytest.approx(25.0)
    assert capaian(1e-9, 1e-9, True) == pytest.approx(100.0)  # just above 0 is a target


def test_capaian_edges_floor_exactly_at_2t_and_no_cap_by_default():
    # lower is better, R = 2T: (2 - 2) x 100 = 0, the floor's edge; R/T = 3 without cap: 300
    assert capaian(10.0, 20.0, False) == 0.0
    assert capaian(10.0, 30.0, True) == pytest.approx(300.0)
    assert capaian(10.0, 0.0, True) == 0.0
    # cap exactly reached stays, cap below 100 applies to lower-is-better too
    assert capaian(10.0, 12.0, True, cap=120) == pytest.approx(120.0)
    assert capaian(10.0, 9.0, False, cap=105) == pytest.approx(105.0)  # 110 -> 105
    assert np.ndim(capaian(10.0, 5.0, True)) == 0


def test_capaian_broadcasts_target_realisation_and_direction():
    out = capaian(np.array([[10.0], [20.0]]), np.array([5.0, 10.0]), np.array([True, False]))
    # row T 10: R 5 higher 50, R 10 lower (2 - 1) 100; row T 20: 25, (2 - 0.5) 150
    assert out.ravel().tolist() == pytest.approx([50.0, 100.0, 25.0, 150.0])


def test_row_count_and_row_any():
    mask = np.array([[True, False, True], [False, False, False], [True, True, True]])
    assert row_count(mask).tolist() == [2, 0, 3]
    assert row_count(mask).dtype == np.int64
    assert row_any(mask).tolist() == [True, False, True]
    assert row_count(np.array([[1, 0, 2]])).tolist() == [2]  # non-bool is read as bool


def test_masked_mean_weights_and_empty_rows():
    v = np.array([[10.0, 20.0], [30.0, 40.0]])
    mask = np.array([[True, True], [False, False]])
    out = masked_mean(v, mask)
    assert out[0] == pytest.approx(15.0) and np.isnan(out[1])
    w = np.array([[1.0, 3.0], [1.0, 1.0]])
    out = masked_mean(v, mask, w)
    assert out[0] == pytest.approx((10 + 60) / 4) and np.isnan(out[1])
    # a 0/1 integer mask without weights counts like a bool mask
    assert masked_mean(v, np.array([[1, 0], [0, 1]])).tolist() == pytest.approx([10.0, 40.0])


def test_band_nan_message_and_int8_codes():
    with pytest.raises(ValueError, match=r"^band: 2 NaN score\(s\)$"):
        band(np.array([np.nan, 1.0, np.nan]), [51, 61, 76, 91])
    codes = band(np.array([0.0, 61.0, 75.99, 76.0, 1000.0]), [51, 61, 76, 91])
    assert codes.tolist() == [0, 2, 2, 3, 4] and codes.dtype == np.int8


def test_level3_codes_are_int8():
    out = level3(np.array([0.0, 95.0, 200.0]), 90, 110)
    assert out.tolist() == [0, 1, 2] and out.dtype == np.int8


def test_rows_text_is_one_based_and_shortened_after_ten():
    assert rows_text(np.array([0, 4])) == "rows 1, 5"
    assert rows_text(np.arange(10)) == "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
    assert rows_text(np.arange(12)) == "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ... (12 in total)"
    assert rows_text(np.arange(5), limit=2) == "rows 1, 2 ... (5 in total)"


def _problems(m, org=None):
    with pytest.raises(InputError) as exc:
        check_inputs(m, org)
    return [str(q) for q in exc.value.problems]


def test_check_inputs_exact_messages():
    m = make_measurements(3, 2, indicator=np.array([[0, -1], [-1, -1], [0, 1]]),
                          target=np.array([[10.0, np.nan], [np.nan, np.nan], [0.0, 5.0]]),
                          perilaku=np.array([[80.0], [120.0], [np.nan]]))
    assert _problems(m, make_org(3)) == [
        "<measurements>: rows 2, column 'indicator': 1 employee(s) have no IKI slot "
        "(indicator >= 0)",
        "<measurements>: rows 3, column 'target': 1 employee(s) have an IKI with a missing or "
        "non-positive target (expected target > 0)",
        "<measurements>: rows 2, 3, column 'perilaku': 2 employee(s) have a BerAKHLAK rating "
        "that is missing or outside 0..100 (expected 0 <= rating <= 100)",
    ]


def test_check_inputs_rating_edges_0_and_100_are_valid():
    check_inputs(make_measurements(2, 1, perilaku=[[0.0], [100.0]]), make_org(2))
    assert len(_problems(make_measurements(1, 1, perilaku=-0.01))) == 1
    assert len(_problems(make_measurements(1, 1, perilaku=100.01))) == 1


def test_check_inputs_target_nan_or_negative_in_use_but_not_in_empty_slots():
    nan = np.nan
    m = make_measurements(3, 2, indicator=[[0, -1], [0, 0], [0, 0]],
                          target=[[10.0, -3.0], [10.0, nan], [-1.0, 10.0]])
    assert _problems(m) == [
        "<measurements>: rows 2, 3, column 'target': 2 employee(s) have an IKI with a missing "
        "or non-positive target (expected target > 0)"]


def test_check_inputs_indicator_code_outside_the_catalogue():
    m = make_measurements(1, 2, indicator=[[0, 5]], indicator_names=("a", "b", "c", "d", "e"))
    assert _problems(m) == ["<measurements>: indicator: code 5 outside the catalogue "
                            "(expected -1..4)"]
    check_inputs(make_measurements(1, 1, indicator=4))  # the last code is valid


def test_check_inputs_indicator_must_be_2d():
    m = dataclasses.replace(make_measurements(2, 1), indicator=np.array([0, 0]))
    assert _problems(m) == ["<measurements>: indicator: must be a 2-D (n, K) array"]


def test_check_inputs_shape_problems_name_each_array_and_the_expected_shape():
    m = make_measurements(2, 3)
    bad = dataclasses.replace(m, quality=np.zeros((2, 2)), cost_realisation=np.zeros((3, 3)),
                              perilaku=np.zeros((2, 6)), late=np.zeros((2, 3)),
                              days_absent=np.zeros(3), innovation=np.zeros((2, 1)))
    org = dataclasses.replace(make_org(2), unit=np.zeros(3), kelas_jabatan=np.zeros((2, 1)))
    assert _problems(bad, org) == [
        "<measurements>: quality: shape (2, 2) (expected (2, 3))",
        "<measurements>: cost_realisation: shape (3, 3) (expected (2, 3))",
        "<measurements>: perilaku: shape (2, 6) (expected (2, 7))",
        "<measurements>: late: shape (2, 3) (expected (2, 4))",
        "<measurements>: days_absent: shape (3,) (expected (2,))",
        "<measurements>: innovation: shape (2, 1) (expected (2,))",
        "<organisation>: unit: shape (3,) (expected (2,))",
        "<organisation>: kelas_jabatan: shape (2, 1) (expected (2,))",
    ]


@pytest.mark.parametrize("name", ["target", "realisation", "higher_is_better", "utama",
                                  "quality", "time_target", "time_realisation", "cost_target",
                                  "cost_realisation"])
def test_check_inputs_checks_the_shape_of_every_slot_array(name):
    bad = dataclasses.replace(make_measurements(2, 3), **{name: np.zeros((2, 4))})
    assert _problems(bad) == [f"<measurements>: {name}: shape (2, 4) (expected (2, 3))"]


@pytest.mark.parametrize("name", ["opd", "unit", "jenis_jabatan", "rumpun", "is_opd_head",
                                  "kelas_jabatan"])
def test_check_inputs_checks_the_shape_of_every_organisation_array(name):
    bad = dataclasses.replace(make_org(2), **{name: np.zeros(1)})
    assert _problems(make_measurements(2, 1), bad) == [
        f"<organisation>: {name}: shape (1,) (expected (2,))"]


def test_check_inputs_organisation_codes():
    m = make_measurements(2, 1)
    assert _problems(m, make_org(2, opd=[0, 2], org_predikat=(3, 3))) == [
        "<organisation>: opd: OPD code outside org_predikat (expected 0..1)"]
    assert _problems(m, make_org(2, opd=[-1, 0], org_predikat=(3, 3))) == [
        "<organisation>: opd: OPD code outside org_predikat (expected 0..1)"]
    assert _problems(m, make_org(2, opd=[0, 1], org_predikat=(5, 0))) == [
        "<organisation>: org_predikat: organisation predikat code outside 0..4"]
    assert _problems(m, make_org(2, opd=[0, 1], org_predikat=(-1, 4))) == [
        "<organisation>: org_predikat: organisation predikat code outside 0..4"]
    check_inputs(m, make_org(2, opd=[0, 1], org_predikat=(0, 4)))  # both end codes valid


def test_capaian_output_shape_follows_whichever_input_is_an_array():
    # only the realisation is an array
    assert capaian(10.0, np.array([5.0, 10.0]), True).tolist() == pytest.approx([50.0, 100.0])
    # only the direction is an array: R/T 0.5 -> 50 higher-better, (2 - 0.5) x 100 lower-better
    assert capaian(10.0, 5.0, np.array([True, False])).tolist() == pytest.approx([50.0, 150.0])


def test_capaian_of_scalars_is_a_python_float():
    assert isinstance(capaian(10.0, 5.0, True), float)


def test_direction_and_masks_may_be_0_1_integers():
    assert capaian(10.0, np.array([5.0, 5.0]), np.array([1, 0])).tolist() == pytest.approx(
        [50.0, 150.0])
    assert row_any(np.array([[1, 0, 2], [0, 0, 0]])).tolist() == [True, False]


def test_target_below_one_is_a_valid_target():
    check_inputs(make_measurements(1, 1, target=0.5, realisation=0.5), make_org(1))
