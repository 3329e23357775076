"""PermenPANRB 6/2022 (regulation.md §1.4-1.6): ratings, matrix, leader rule, curve."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import permenpanrb_6_2022 as s622
from kinerja_sim.schemes.base import ATAS, BAWAH, SESUAI

P = s622.default_params()
NO_CURVE = s622.params_from({"distribution": {"enabled": False}})

# The 3x3 matrix of regulation.md §1.5, typed independently: [hasil][perilaku]
MATRIX = {
    ("Di Atas Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Di Atas Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Di Atas Ekspektasi", "Di Atas Ekspektasi"): "Sangat Baik",
    ("Sesuai Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Sesuai Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Sesuai Ekspektasi", "Di Atas Ekspektasi"): "Baik",
    ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi"): "Sangat Kurang",
    ("Di Bawah Ekspektasi", "Sesuai Ekspektasi"): "Butuh Perbaikan",
    ("Di Bawah Ekspektasi", "Di Atas Ekspektasi"): "Butuh Perbaikan",
}
LEVEL = {"Di Bawah Ekspektasi": 0, "Sesuai Ekspektasi": 1, "Di Atas Ekspektasi": 2}
# IKI capaian and BerAKHLAK ratings that produce each level under the default thresholds
CAPAIAN_FOR = {0: 80.0, 1: 100.0, 2: 115.0}
PERILAKU_FOR = {0: 70.0, 1: 85.0, 2: 95.0}


def test_labels():
    assert s622.LABELS == ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik",
                           "Sangat Baik")


@pytest.mark.parametrize(("hasil", "perilaku"), list(MATRIX))
def test_matrix_cell(hasil, perilaku):
    expected = MATRIX[(hasil, perilaku)]
    h, p = LEVEL[hasil], LEVEL[perilaku]
    assert s622.LABELS[s622.matrix_codes(P)[h, p]] == expected
    # end to end: one IKI and seven BerAKHLAK ratings at the levels wanted
    m = make_measurements(1, 1, target=100.0, realisation=CAPAIAN_FOR[h],
                          perilaku=PERILAKU_FOR[p])
    res = s622.score(m, make_org(1), NO_CURVE)
    assert (res.rating_hasil[0], res.rating_perilaku[0]) == (h, p)
    assert s622.LABELS[res.predikat[0]] == expected


def _hasil(realisations, utama):
    realisations = np.atleast_2d(np.asarray(realisations, dtype=float))
    n, k = realisations.shape
    m = make_measurements(n, k, target=100.0, realisation=realisations, utama=utama)
    return s622.rating_hasil(m, P).tolist()


def test_rating_hasil_majority_rules():
    T, F = True, False
    assert _hasil([120, 120, 100], [T, T, T]) == [ATAS]
    assert _hasil([120, 120, 80], [T, T, F]) == [ATAS]  # a tambahan below does not block
    assert _hasil([120, 120, 80], [F, T, T]) == [SESUAI]  # a utama below blocks Di Atas
    assert _hasil([120, 100], [T, T]) == [SESUAI]  # exactly half above is not a majority
    assert _hasil([80, 80, 120], [F, F, F]) == [BAWAH]
    assert _hasil([80, 120], [T, T]) == [SESUAI]  # half below is not a majority either
    assert _hasil([80, 100, 120], [T, T, T]) == [SESUAI]


def test_rating_hasil_thresholds_and_direction():
    assert _hasil([[89.99], [90.0], [109.99], [110.0]], True) == [BAWAH, SESUAI, SESUAI, ATAS]
    m = make_measurements(2, 1, target=8.0, realisation=[[9.0], [6.5]], higher_is_better=False)
    assert s622.rating_hasil(m, P).tolist() == [BAWAH, ATAS]  # 87.5 %, 118.75 %


def test_missing_realisation_counts_as_below():
    T = True
    assert _hasil([[np.nan, np.nan]], [T, T]) == [BAWAH]
    assert _hasil([[np.nan, 120, 120]], [[T, T, T]]) == [SESUAI]  # and blocks Di Atas if utama
    assert _hasil([[np.nan, 120, 120]], [[False, T, T]]) == [ATAS]


def test_empty_slots_do_not_count():
    m = make_measurements(1, 3, indicator=[[0, -1, -1]], target=[[100.0, np.nan, np.nan]],
                          realisation=[[120.0, np.nan, np.nan]])
    assert s622.rating_hasil(m, P).tolist() == [ATAS]


def test_rating_perilaku_majority():
    four_high = np.array([[95, 95, 95, 95, 80, 80, 80]], dtype=float)
    three_high = np.array([[95, 95, 95, 80, 80, 80, 80]], dtype=float)
    four_low = np.array([[70, 70, 70, 70, 95, 95, 95]], dtype=float)
    edges = np.array([[75.99, 76, 90.99, 91, 91, 91, 91]], dtype=float)
    for ratings, expected in ((four_high, ATAS), (three_high, SESUAI), (four_low, BAWAH),
                              (edges, ATAS)):
        m = make_measurements(1, 1, perilaku=ratings)
        assert s622.rating_perilaku(m, P).tolist() == [expected]


@pytest.mark.parametrize(("org_code", "expected"),
                         [(4, ATAS), (3, SESUAI), (2, BAWAH), (1, BAWAH), (0, BAWAH)])
def test_leader_as_employee_rating_hasil_is_org_predikat(org_code, expected):
    # both employees have weak IKI (Di Bawah); only the head takes the OPD's predikat
    m = make_measurements(2, 1, target=100.0, realisation=50.0, perilaku=95.0)
    org = make_org(2, is_opd_head=[True, False], org_predikat=[org_code])
    res = s622.score(m, org, NO_CURVE)
    assert res.rating_hasil.tolist() == [expected, BAWAH]
    assert res.extra["rating_hasil_own"].tolist() == [BAWAH, BAWAH]


def test_curve_applied_per_opd_with_heads_excluded():
    n = 11  # 1 head + 10 staff in an OPD rated Baik, everyone Sesuai/Sesuai -> raw Baik
    real = np.full((n, 1), 100.0)
    real[:, 0] += np.arange(n) * 0.5  # merit rises with index
    m = make_measurements(n, 1, target=100.0, realisation=real, perilaku=85.0)
    org = make_org(n, is_opd_head=[True] + [False] * 10, org_predikat=[3])
    res = s622.score(m, org, P)
    assert res.predikat_raw.tolist() == [3] * n
    # Baik <= 70 % of the 10 staff: the three lowest-merit staff move to Butuh Perbaikan
    assert res.predikat.tolist() == [3, 2, 2, 2] + [3] * 7
    adj = res.adjustment
    assert adj["enabled"] and adj["n_moved"] == 3
    assert adj["group_size"].tolist() == [10]
    assert np.isnan(res.score).all()
    off = s622.score(m, org, NO_CURVE)
    assert off.predikat.tolist() == [3] * n and off.adjustment == {"enabled": False}


def test_merit_is_documented_composite():
    m = make_measurements(3, 1, target=100.0, realisation=[[90.0], [100.0], [130.0]],
                          perilaku=[[70.0], [80.0], [90.0]])
    res = s622.score(m, make_org(3), NO_CURVE)
    cap = np.array([90.0, 100.0, 120.0])  # capped at 120
    per = np.array([70.0, 80.0, 90.0])
    z = lambda x: (x - x.mean()) / x.std()  # noqa: E731
    assert res.merit == pytest.approx(z(cap) + z(per))


def test_param_errors_list_dotted_paths():
    with pytest.raises(InputError) as exc:
        s622.params_from({"hasil": {"majorty": 0.6},
                          "matrix": {"cells": {"Di Atas Ekspektasi": {
                              "Di Atas Ekspektasi": "Luar Biasa"}}}})
    msg = str(exc.value)
    assert "scheme.params.hasil.majorty" in msg and "unknown key" in msg
    assert "scheme.params.matrix.cells.Di Atas Ekspektasi.Di Atas Ekspektasi" in msg


# --- gaps found by mutation testing (docs/testing.md "Mutation testing") ---------------------

T, F = True, False


def test_level_thresholds_must_be_ordered_equal_allowed():
    with pytest.raises(InputError) as exc:
        s622.params_from({"hasil": {"sesuai_from": 100.0, "atas_from": 99.0}})
    assert [(q.location, q.message.split("; got")[0]) for q in exc.value.problems] == [
        ("scheme.params.hasil", "Value error, atas_from must be >= sesuai_from")]
    assert [q.file for q in exc.value.problems] == ["<scenario>"]
    with pytest.raises(InputError, match="scheme.params.perilaku: Value error, atas_from"):
        s622.params_from({"perilaku": {"sesuai_from": 90.0, "atas_from": 80.0}})
    # equal edges: no Sesuai band; 100 is Di Atas, 99.99 Di Bawah
    p = s622.params_from({"hasil": {"sesuai_from": 100.0, "atas_from": 100.0}})
    m = make_measurements(2, 1, realisation=[[99.99], [100.0]])
    assert s622.rating_hasil(m, p).tolist() == [BAWAH, ATAS]


@pytest.mark.parametrize(("majority", "ok"), [(-0.01, F), (0.0, T), (0.99, T), (1.0, F)])
def test_majority_share_is_in_0_to_below_1(majority, ok):
    if ok:
        assert s622.params_from({"hasil": {"majority": majority}}).hasil.majority == majority
    else:
        with pytest.raises(InputError, match="scheme.params.hasil.majority"):
            s622.params_from({"hasil": {"majority": majority}})


def test_default_majority_is_one_half_when_not_given():
    assert s622.LevelParams(sesuai_from=1.0, atas_from=2.0).majority == 0.5
    assert s622.HasilParams(sesuai_from=1.0, atas_from=2.0).utama_below_blocks_atas is True


def test_hasil_majority_share_comes_from_the_parameters():
    # two of three IKI above (share 0.667): above a 0.6 majority -> Di Atas; not above 0.7
    m = make_measurements(1, 3, realisation=[[120.0, 120.0, 100.0]])
    assert s622.rating_hasil(m, s622.params_from({"hasil": {"majority": 0.6}})).tolist() == [
        ATAS]
    assert s622.rating_hasil(m, s622.params_from({"hasil": {"majority": 0.7}})).tolist() == [
        SESUAI]
    low = make_measurements(1, 3, realisation=[[80.0, 80.0, 100.0]])
    assert s622.rating_hasil(low, s622.params_from({"hasil": {"majority": 0.7}})).tolist() == [
        SESUAI]
    assert s622.rating_hasil(low, s622.params_from({"hasil": {"majority": 0.6}})).tolist() == [
        BAWAH]


def test_utama_block_can_be_switched_off():
    m = make_measurements(1, 3, realisation=[[120.0, 120.0, 80.0]], utama=True)
    assert s622.rating_hasil(m, P).tolist() == [SESUAI]
    off = s622.params_from({"hasil": {"utama_below_blocks_atas": False}})
    assert s622.rating_hasil(m, off).tolist() == [ATAS]


def test_hasil_thresholds_come_from_the_parameters():
    p = s622.params_from({"hasil": {"sesuai_from": 50.0, "atas_from": 60.0}})
    m = make_measurements(4, 1, realisation=[[49.99], [50.0], [59.99], [60.0]])
    assert s622.rating_hasil(m, p).tolist() == [BAWAH, SESUAI, SESUAI, ATAS]


def test_perilaku_thresholds_and_majority_come_from_the_parameters():
    # four of seven at 60 (>= atas_from 60 here) and three at 40 (< sesuai_from 50)
    ratings = np.array([[60, 60, 60, 60, 40, 40, 40]], dtype=float)
    m = make_measurements(1, 1, perilaku=ratings)
    p = s622.params_from({"perilaku": {"sesuai_from": 50.0, "atas_from": 60.0}})
    assert s622.rating_perilaku(m, p).tolist() == [ATAS]  # 4/7 > 0.5
    p6 = s622.params_from({"perilaku": {"sesuai_from": 50.0, "atas_from": 60.0,
                                        "majority": 0.6}})
    assert s622.rating_perilaku(m, p6).tolist() == [SESUAI]  # 4/7 = 0.571, 3/7 below
    p4 = s622.params_from({"perilaku": {"sesuai_from": 50.0, "atas_from": 60.0,
                                        "majority": 0.4}})
    # 3/7 = 0.43 below > 0.4: Di Bawah wins over Di Atas
    assert s622.rating_perilaku(m, p4).tolist() == [BAWAH]


def test_majority_rating_directly():
    # shares: (above, below) of 4
    out = s622.majority_rating(np.array([3, 2, 1, 0, 2]), np.array([0, 0, 3, 2, 2]),
                               np.array([4, 4, 4, 4, 4]), 0.5)
    assert out.tolist() == [ATAS, SESUAI, BAWAH, SESUAI, SESUAI]
    assert out.dtype == np.int8
    blocked = s622.majority_rating(np.array([3, 3]), np.array([0, 0]), np.array([4, 4]), 0.5,
                                   blocked=np.array([True, False]))
    assert blocked.tolist() == [SESUAI, ATAS]


def test_leader_map_comes_from_the_parameters_and_must_be_complete():
    m = make_measurements(1, 1, realisation=50.0, perilaku=85.0)
    org = make_org(1, is_opd_head=True, org_predikat=[3])  # OPD Baik
    p = s622.params_from({"distribution": {"enabled": False},
                          "leader_rating_hasil": {"map": {"Baik": "Di Atas Ekspektasi"}}})
    assert s622.score(m, org, p).rating_hasil.tolist() == [ATAS]
    with pytest.raises(ValueError, match=r"map needs every organisation predikat; missing "
                                         r"\['Sangat Kurang', 'Kurang'\]"):
        s622.LeaderParams(map={"Istimewa": "Di Atas Ekspektasi", "Baik": "Sesuai Ekspektasi",
                               "Butuh Perbaikan": "Di Bawah Ekspektasi"})


def test_matrix_comes_from_the_parameters_and_must_be_complete():
    cells = {"Sesuai Ekspektasi": {"Sesuai Ekspektasi": "Sangat Baik"}}
    p = s622.params_from({"matrix": {"cells": cells}})
    assert s622.matrix_codes(p)[SESUAI, SESUAI] == 4
    assert s622.matrix_codes(p).dtype == np.int8
    full = s622.matrix_codes(P)
    # regulation.md §1.5, rows hasil Bawah/Sesuai/Atas, columns perilaku Bawah/Sesuai/Atas
    assert full.tolist() == [[0, 2, 2], [1, 3, 3], [1, 3, 4]]
    row = {"Di Bawah Ekspektasi": "Sangat Kurang", "Sesuai Ekspektasi": "Baik"}
    with pytest.raises(ValueError, match="matrix row 'Di Atas Ekspektasi' must give all three"):
        s622.MatrixParams(cells={"Di Bawah Ekspektasi": {**row, "Di Atas Ekspektasi": "Baik"},
                                 "Sesuai Ekspektasi": {**row, "Di Atas Ekspektasi": "Baik"},
                                 "Di Atas Ekspektasi": row})
    with pytest.raises(ValueError, match="matrix row 'Sesuai Ekspektasi' must give all three"):
        s622.MatrixParams(cells={"Di Bawah Ekspektasi": {**row, "Di Atas Ekspektasi": "Baik"},
                                 "Di Atas Ekspektasi": {**row, "Di Atas Ekspektasi": "Baik"}})


def test_merit_parameters_domains_and_use():
    for over, loc in (({"capaian_cap": 0.0}, "capaian_cap"), ({"weight_hasil": -1.0},
                      "weight_hasil"), ({"weight_perilaku": -1.0}, "weight_perilaku")):
        with pytest.raises(InputError) as exc:
            s622.params_from({"merit": over})
        assert [q.location for q in exc.value.problems] == [f"scheme.params.merit.{loc}"]
    # capaian 90, 100, 130; cap 100 -> 90, 100, 100; weight_hasil 2, weight_perilaku 0
    m = make_measurements(3, 1, realisation=[[90.0], [100.0], [130.0]],
                          perilaku=[[70.0], [80.0], [90.0]])
    p = s622.params_from({"distribution": {"enabled": False},
                          "merit": {"capaian_cap": 100.0, "weight_hasil": 2.0,
                                    "weight_perilaku": 0.0}})
    res = s622.score(m, make_org(3), p)
    cap = np.array([90.0, 100.0, 100.0])
    assert res.merit == pytest.approx(2 * (cap - cap.mean()) / cap.std())
    assert res.extra["capaian_mean"] == pytest.approx(cap)
    assert res.extra["perilaku_mean"] == pytest.approx([70.0, 80.0, 90.0])


def test_merit_missing_capaian_counts_zero_and_empty_slot_is_left_out():
    # row 1: IKI 100 and a missing one -> mean (100 + 0)/2 = 50; row 2: IKI 100 and an empty
    # slot -> 100
    nan = np.nan
    m = make_measurements(2, 2, indicator=[[0, 1], [0, -1]], target=[[100.0, 100.0],
                          [100.0, nan]], realisation=[[100.0, nan], [100.0, nan]])
    res = s622.score(m, make_org(2), NO_CURVE)
    assert res.extra["capaian_mean"] == pytest.approx([50.0, 100.0])


def test_merit_z_is_taken_per_population_and_is_zero_when_constant():
    import dataclasses

    # population 0: capaian 90, 110 (z -1, +1); population 1: 100, 120 (z -1, +1);
    # perilaku constant 80 -> z 0
    m = make_measurements(4, 1, realisation=[[90.0], [110.0], [100.0], [120.0]],
                          perilaku=80.0)
    org = dataclasses.replace(make_org(4), population=np.array([0, 0, 1, 1]))
    assert s622.score(m, org, NO_CURVE).merit == pytest.approx([-1.0, 1.0, -1.0, 1.0])
    # perilaku 70, 90 | 80, 100 per population: z -1, +1 in each, so merit -2, 2, -2, 2
    mp = make_measurements(4, 1, realisation=[[90.0], [110.0], [100.0], [120.0]],
                           perilaku=[[70.0], [90.0], [80.0], [100.0]])
    assert s622.score(mp, org, NO_CURVE).merit == pytest.approx([-2.0, 2.0, -2.0, 2.0])
    # one population: mean 105, sd sqrt(125): 90 -> -15 / 11.18
    one = s622.score(m, make_org(4), NO_CURVE).merit
    assert one == pytest.approx((np.array([90, 110, 100, 120]) - 105) / np.sqrt(125))
    flat = make_measurements(2, 1, realisation=100.0, perilaku=80.0)
    assert s622.score(flat, make_org(2), NO_CURVE).merit.tolist() == [0.0, 0.0]


def test_score_result_fields():
    m = make_measurements(1, 1, realisation=115.0, perilaku=95.0)  # Atas x Atas
    res = s622.score(m, make_org(1), NO_CURVE)
    assert res.predikat.tolist() == [4] and res.predikat.dtype == np.int8
    assert res.predikat_raw.tolist() == [4] and res.predikat_raw.dtype == np.int8
    assert res.rating_hasil.tolist() == [ATAS] and res.rating_perilaku.tolist() == [ATAS]
    assert np.isnan(res.score).all() and res.labels == s622.LABELS


def test_score_checks_its_inputs():
    with pytest.raises(InputError, match="non-positive target"):
        s622.score(make_measurements(1, 1, target=0.0), make_org(1), NO_CURVE)


def test_merit_z_divides_by_a_small_sd_too():
    # capaian 100 and 101: mean 100.5, population sd 0.5 (below 1), z = -1, +1; perilaku
    # constant
    m = make_measurements(2, 1, realisation=[[100.0], [101.0]], perilaku=80.0)
    assert s622.score(m, make_org(2), NO_CURVE).merit == pytest.approx([-1.0, 1.0])


def test_score_checks_the_organisation_too():
    with pytest.raises(InputError, match="OPD code outside org_predikat"):
        s622.score(make_measurements(1, 1), make_org(1, opd=1), NO_CURVE)


def test_majority_rating_accepts_blocked_as_0_1_integers():
    out = s622.majority_rating(np.array([3, 3]), np.array([0, 0]), np.array([4, 4]), 0.5,
                               blocked=np.array([1, 0]))
    assert out.tolist() == [SESUAI, ATAS]
