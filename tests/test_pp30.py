"""PP 30/2019 (regulation.md §2): cap, weights, band edges."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import pp30_2019 as pp30

P = pp30.default_params()


@pytest.mark.parametrize(
    ("x", "innovation", "label"),
    [
        (0.0, False, "Sangat Kurang"),
        (49.99, False, "Sangat Kurang"),
        (50.0, False, "Kurang"),
        (69.99, False, "Kurang"),
        (70.0, False, "Cukup"),
        (89.99, False, "Cukup"),
        (90.0, False, "Baik"),
        (109.99, False, "Baik"),
        (109.99, True, "Baik"),
        (110.0, False, "Baik"),
        (110.0, True, "Sangat Baik"),
        (120.0, True, "Sangat Baik"),
        (120.0, False, "Baik"),
        (120.01, True, "Baik"),  # above the Sangat Baik band (Baik is 90 <= x)
        (89.99, True, "Cukup"),
    ],
)
def test_band_edges(x, innovation, label):
    code = pp30.predikat_from_score(np.array([x]), np.array([innovation]), P)[0]
    assert pp30.LABELS[int(code)] == label


def test_labels():
    assert pp30.LABELS == ("Sangat Kurang", "Kurang", "Cukup", "Baik", "Sangat Baik")


def _score(m, params=P):
    return pp30.score(m, make_org(m.n), params)


def test_capaian_capped_at_120():
    m = make_measurements(1, 2, target=10, realisation=[[20.0, 11.0]], perilaku=100)
    res = _score(m)
    assert res.extra["skp"][0] == pytest.approx((120 + 110) / 2)
    assert res.score[0] == pytest.approx(0.7 * 115 + 0.3 * 100)


def test_default_weights_70_30_and_peer_preset_60_40():
    m = make_measurements(1, 1, target=10, realisation=10, perilaku=60)
    assert _score(m).score[0] == pytest.approx(0.7 * 100 + 0.3 * 60)  # 88
    peer = pp30.params_from({"weights_preset": "with_peer_subordinate_input"})
    assert _score(m, peer).score[0] == pytest.approx(0.6 * 100 + 0.4 * 60)  # 84
    explicit = pp30.params_from({"weights": {"skp": 0.5, "perilaku": 0.5}})
    assert _score(m, explicit).score[0] == pytest.approx(80.0)


def test_perilaku_is_mean_of_seven():
    ratings = np.array([[100, 90, 80, 70, 60, 50, 40]], dtype=float)
    m = make_measurements(1, 1, perilaku=ratings)
    assert _score(m).extra["perilaku"][0] == pytest.approx(70.0)


def test_missing_realisation_scores_zero_and_slot_weights():
    m = make_measurements(1, 2, target=10, realisation=[[10.0, np.nan]], utama=[[True, False]])
    assert _score(m).extra["skp"][0] == pytest.approx(50.0)
    heavy = pp30.params_from({"slot_weights": {"utama": 3.0, "tambahan": 1.0}})
    assert _score(m, heavy).extra["skp"][0] == pytest.approx(75.0)


def test_sangat_baik_needs_innovation_end_to_end():
    m = make_measurements(2, 1, target=10, realisation=12, perilaku=100,
                          innovation=[True, False])
    res = _score(m)
    assert res.score == pytest.approx([114.0, 114.0])
    assert res.predikat.tolist() == [4, 3]


def test_unknown_preset_and_key_rejected_with_paths():
    with pytest.raises(InputError) as exc:
        pp30.params_from({"weights_preset": "360", "bands": {"baik": 90}})
    msg = str(exc.value)
    assert "scheme.params.weights_preset" in msg
    assert "scheme.params.bands.baik" in msg


# --- gaps found by mutation testing (docs/testing.md "Mutation testing") ---------------------


def test_nan_score_is_refused_with_its_count():
    with pytest.raises(ValueError, match=r"^predikat_from_score: 2 NaN score\(s\)$"):
        pp30.predikat_from_score(np.array([np.nan, 90.0, np.nan]), np.zeros(3, bool), P)


def test_every_band_edge_is_read_from_the_parameters():
    # shifted bands Kurang 10, Cukup 20, Baik 30, Sangat Baik 40..50: each code must follow the
    # parameter, not the Pasal 41(5) numbers
    p = pp30.params_from({"bands": {"kurang_min": 10, "cukup_min": 20, "baik_min": 30,
                                    "sangat_baik_min": 40, "sangat_baik_max": 50}})
    x = np.array([9.99, 10, 19.99, 20, 29.99, 30, 39.99, 40, 50, 50.01])
    codes = pp30.predikat_from_score(x, np.ones(x.size, bool), p)
    assert codes.tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 3]


def test_innovation_not_required_when_the_parameter_says_so():
    # sangat_baik_requires_innovation: false -> 110..120 is Sangat Baik without an innovation
    p = pp30.params_from({"bands": {"sangat_baik_requires_innovation": False}})
    codes = pp30.predikat_from_score(np.array([109.99, 110.0, 120.0, 120.01]),
                                     np.zeros(4, bool), p)
    assert codes.tolist() == [3, 4, 4, 3]


def test_predikat_codes_are_int8():
    assert pp30.predikat_from_score(np.array([95.0]), np.array([False]), P).dtype == np.int8


def test_equal_band_edges_are_accepted_and_descending_ones_refused():
    # kurang_min <= cukup_min <= ... : equal edges are allowed (an empty band)
    p = pp30.params_from({"bands": {"kurang_min": 70, "cukup_min": 70}})
    assert pp30.predikat_from_score(np.array([70.0]), np.array([False]), p).tolist() == [2]
    for key, value in (("kurang_min", 71), ("cukup_min", 91), ("baik_min", 111),
                       ("sangat_baik_min", 121)):
        with pytest.raises(InputError) as exc:
            pp30.params_from({"bands": {key: value}})
        # the message, then "; got" and the offending block
        assert [str(q).split("; got")[0] for q in exc.value.problems] == [
            "<scenario>: scheme.params.bands: Value error, need kurang_min <= cukup_min <= "
            "baik_min <= sangat_baik_min <= sangat_baik_max"]


def test_slot_weights_zero_is_allowed_for_one_kind_but_not_both():
    only_utama = pp30.params_from({"slot_weights": {"utama": 1.0, "tambahan": 0.0}})
    assert only_utama.slot_weights.tambahan == 0.0
    only_tambahan = pp30.params_from({"slot_weights": {"utama": 0.0, "tambahan": 1.0}})
    assert only_tambahan.slot_weights.utama == 0.0
    with pytest.raises(InputError) as exc:
        pp30.params_from({"slot_weights": {"utama": 0.0, "tambahan": 0.0}})
    assert [str(q).split("; got")[0] for q in exc.value.problems] == [
        "<scenario>: scheme.params.slot_weights: Value error, at least one of utama/tambahan "
        "must be > 0"]
    with pytest.raises(InputError) as exc:
        pp30.params_from({"slot_weights": {"utama": -0.5, "tambahan": 2.0}})
    assert [q.location for q in exc.value.problems] == ["scheme.params.slot_weights.utama"]
    with pytest.raises(InputError) as exc:
        pp30.params_from({"slot_weights": {"utama": 2.0, "tambahan": -0.5}})
    assert [q.location for q in exc.value.problems] == ["scheme.params.slot_weights.tambahan"]


def test_capaian_cap_must_be_positive_and_missing_score_non_negative():
    with pytest.raises(InputError) as exc:
        pp30.params_from({"capaian": {"cap": 0.0, "missing_score": -1.0}})
    assert [q.location for q in exc.value.problems] == [
        "scheme.params.capaian.cap", "scheme.params.capaian.missing_score"]
    assert pp30.params_from({"capaian": {"cap": 0.5, "missing_score": 0.0}}).capaian.cap == 0.5


def test_cap_and_missing_score_come_from_the_parameters():
    # R/T = 20/10 -> 200 %, capped at 150 here (not 120); the missing IKI scores 40 here
    p = pp30.params_from({"capaian": {"cap": 150.0, "missing_score": 40.0}})
    m = make_measurements(1, 2, target=10, realisation=[[20.0, np.nan]])
    assert pp30.skp_score(m, p) == pytest.approx([(150 + 40) / 2])


def test_slot_weights_weight_utama_and_tambahan_separately():
    # utama at 100 %, tambahan at 50 %; weights utama 1, tambahan 3: (100 + 3 x 50) / 4 = 62.5
    p = pp30.params_from({"slot_weights": {"utama": 1.0, "tambahan": 3.0}})
    m = make_measurements(1, 2, target=10, realisation=[[10.0, 5.0]], utama=[[True, False]])
    assert pp30.skp_score(m, p) == pytest.approx([62.5])


def test_lower_is_better_iki_uses_the_special_condition_formula():
    # T = 8, R = 9, lower is better: (2 - 9/8) x 100 = 87.5 (regulation.md §1.2)
    m = make_measurements(1, 1, target=8, realisation=9, higher_is_better=False)
    assert pp30.skp_score(m, P) == pytest.approx([87.5])


def test_only_zero_weight_iki_is_an_input_error_naming_the_rows():
    p = pp30.params_from({"slot_weights": {"utama": 1.0, "tambahan": 0.0}})
    m = make_measurements(3, 1, utama=[[True], [False], [False]])
    with pytest.raises(InputError) as exc:
        pp30.skp_score(m, p)
    assert [str(q) for q in exc.value.problems] == [
        "<measurements>: rows 2, 3: 2 employee(s) have only IKI of zero slot weight "
        "(expected slot_weights > 0 for utama and tambahan in use)"]


def test_score_result_fields():
    # first: SKP 100 (R = T), perilaku 60: final 0.7 x 100 + 0.3 x 60 = 88 -> Cukup (70..90)
    m = make_measurements(2, 1, realisation=[[100.0], [50.0]], perilaku=60)
    res = _score(m)
    # second: SKP 50, final 0.7 x 50 + 0.3 x 60 = 53 -> Kurang
    assert res.score == pytest.approx([88.0, 53.0])
    assert res.merit == pytest.approx([88.0, 53.0])
    assert res.predikat.tolist() == [2, 1]
    assert res.predikat_raw.tolist() == [2, 1]
    assert res.labels == pp30.LABELS
    assert res.extra["skp"] == pytest.approx([100.0, 50.0])
    assert res.extra["perilaku"] == pytest.approx([60.0, 60.0])
    assert res.rating_hasil is None and res.rating_perilaku is None


def test_score_checks_its_inputs():
    m = make_measurements(1, 1, perilaku=101)
    with pytest.raises(InputError, match="BerAKHLAK rating"):
        _score(m)


def test_default_params_are_the_packaged_pasal_41_values():
    b = P.bands
    assert (b.kurang_min, b.cukup_min, b.baik_min, b.sangat_baik_min, b.sangat_baik_max) == (
        50.0, 70.0, 90.0, 110.0, 120.0)
    assert P.capaian.cap == 120.0 and P.effective_weights.skp == 0.7


def test_innovation_may_be_given_as_0_1_integers():
    # a 0/1 column read from a spreadsheet means the same as False/True
    codes = pp30.predikat_from_score(np.array([115.0, 115.0]), np.array([1, 0]), P)
    assert codes.tolist() == [4, 3]


def test_score_checks_the_organisation_too():
    m = make_measurements(1, 1)
    with pytest.raises(InputError, match="OPD code outside org_predikat"):
        pp30.score(m, make_org(1, opd=1), P)
