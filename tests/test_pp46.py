"""PP 46/2011 + PerKa BKN 1/2013 (regulation.md §3): worked examples with exact values."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import pp46_2011 as pp46

P = pp46.default_params()


@pytest.mark.parametrize(
    ("t", "r", "expected"),
    [
        (12, 12, 76.0),  # on time
        (12, 10, (21.12 - 10) / 12 * 100),  # 16.7 % saving, first branch: 92.67
        (12, 9.12, 100.0),  # exactly 24 % saving: still first branch
        (100, 76, 100.0),
        (12, 9, 75.0),  # 25 % saving, second branch: 76 - (101 - 100)
        (100, 75, 75.0),
        (100, 50, 76 - (126 - 100)),  # 50 % saving: 50
        (12, 0, 0.0),  # 100 % saving: 76 - (176 - 100)
        (12, 13, (21.12 - 13) / 12 * 100),  # late: 67.67
        (10, 20, -24.0),  # very late: the formula is not floored
    ],
)
def test_waktu_score_both_branches(t, r, expected):
    assert float(pp46.waktu_score(t, r, P.time_cost_formula)) == pytest.approx(expected,
                                                                                abs=1e-9)


def test_waktu_score_values_typed_out():
    assert float(pp46.waktu_score(12, 10)) == pytest.approx(92.6666666667, abs=1e-9)
    assert float(pp46.waktu_score(12, 9)) == pytest.approx(75.0, abs=1e-12)
    assert np.isnan(pp46.waktu_score(12, np.nan))


def test_activity_value_divides_by_3_or_4():
    assert float(pp46.activity_value(100, 80, 76)) == pytest.approx(256 / 3)
    assert float(pp46.activity_value(100, 80, 76, np.nan)) == pytest.approx(256 / 3)
    assert float(pp46.activity_value(100, 80, 76, 76)) == pytest.approx(83.0)
    both = pp46.activity_value([100, 100], [80, 80], [76, 76], [np.nan, 100])
    assert both.tolist() == pytest.approx([256 / 3, 89.0])


def _score(m, structural=False):
    org = make_org(m.n, jenis_jabatan=0 if structural else 4)
    return pp46.score(m, org, P)


def test_final_is_60_40_of_skp_and_perilaku():
    m = make_measurements(1, 1, target=10, realisation=10, quality=80, time_target=12,
                          time_realisation=12, perilaku=80)
    res = _score(m)
    skp = (100 + 80 + 76) / 3
    assert res.extra["skp"][0] == pytest.approx(skp)
    assert res.extra["perilaku"][0] == pytest.approx(80.0)
    assert res.score[0] == pytest.approx(0.6 * skp + 0.4 * 80)  # 83.2
    assert res.score[0] == pytest.approx(83.2)
    assert res.predikat[0] == 3 and res.labels[3] == "Baik"


def test_cost_aspect_makes_it_divide_by_four_and_skp_is_mean_of_activities():
    m = make_measurements(1, 2, target=10, realisation=10, quality=80, time_target=12,
                          time_realisation=12, cost_target=[1e6, np.nan],
                          cost_realisation=[0.9e6, np.nan], perilaku=80)
    res = _score(m)
    biaya = (1.76 - 0.9) * 100  # 10 % saving -> 86
    a1 = (100 + 80 + 76 + biaya) / 4
    a2 = (100 + 80 + 76) / 3
    assert res.extra["skp"][0] == pytest.approx((a1 + a2) / 2)


def test_lower_is_better_kuantitas_is_direction_adjusted():
    m = make_measurements(1, 1, target=8, realisation=9, higher_is_better=False, quality=80,
                          perilaku=80)
    assert _score(m).extra["skp"][0] == pytest.approx((87.5 + 80 + 76) / 3)


def test_missing_realisation_counts_kuantitas_as_zero_not_dropped():
    m = make_measurements(1, 2, target=10, realisation=[[10.0, np.nan]], quality=80,
                          perilaku=80)
    res = _score(m)
    assert res.extra["skp"][0] == pytest.approx(((100 + 80 + 76) / 3 + (0 + 80 + 76) / 3) / 2)
    assert res.extra["n_missing_aspects"][0] == 1


def test_kepemimpinan_only_for_structural():
    ratings = np.array([[90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 100.0]])  # BerAKHLAK order
    m = make_measurements(1, 1, perilaku=ratings)
    # aspects: orientasi 90, integritas 80, komitmen (50+70)/2, disiplin 80,
    # kerja_sama (60+100)/2, kepemimpinan (40+100)/2
    five = (90 + 80 + 60 + 80 + 80) / 5
    six = (90 + 80 + 60 + 80 + 80 + 70) / 6
    assert _score(m, structural=False).extra["perilaku"][0] == pytest.approx(five)
    assert _score(m, structural=True).extra["perilaku"][0] == pytest.approx(six)
    assert five != pytest.approx(six)


@pytest.mark.parametrize(
    ("x", "label"),
    [(0, "Buruk"), (50, "Buruk"), (50.99, "Buruk"), (51, "Kurang"), (60.99, "Kurang"),
     (61, "Cukup"), (75.99, "Cukup"), (76, "Baik"), (90.5, "Baik"), (90.99, "Baik"),
     (91, "Sangat Baik"), (130, "Sangat Baik")],
)
def test_band_edges(x, label):
    code = int(pp46.predikat_from_score(np.array([x]), P)[0])
    assert pp46.LABELS[code] == label


def test_labels_order():
    assert pp46.LABELS == ("Buruk", "Kurang", "Cukup", "Baik", "Sangat Baik")


def test_vectorised_many_employees_end_to_end():
    n = 5
    m = make_measurements(n, 1, realisation=np.array([[10.0], [9.0], [8.0], [5.0], [0.0]]),
                          target=10, quality=80, perilaku=80)
    res = _score(m)
    skp = (np.array([100, 90, 80, 50, 0]) + 80 + 76) / 3
    assert res.score == pytest.approx(0.6 * skp + 0.4 * 80)
    assert res.predikat.dtype == np.int8
    assert res.predikat.tolist() == pp46.predikat_from_score(res.score, P).tolist()


def test_unknown_param_key_reports_dotted_path():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"time_cost_formula": {"kk": 1.8}})
    assert "scheme.params.time_cost_formula.kk" in str(exc.value)
    assert "unknown key" in str(exc.value)


def test_unknown_berakhlak_source_rejected():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"perilaku_aspects": {"disiplin": {"sources": ["rajin"]}}})
    assert "scheme.params.perilaku_aspects.disiplin.sources" in str(exc.value)


def test_weights_must_sum_to_one():
    with pytest.raises(InputError, match="scheme.params.weights"):
        pp46.params_from({"weights": {"skp": 0.7, "perilaku": 0.4}})


def test_nonpositive_time_target_is_an_input_error():
    m = make_measurements(1, 1, time_target=0.0)
    with pytest.raises(InputError, match="time or cost target"):
        _score(m)


# --- gaps found by mutation testing (docs/testing.md "Mutation testing") ---------------------


def test_waktu_formula_constants_come_from_the_parameters():
    # k 2.0, threshold 10 %, second branch 50 - (first - 80):
    # T 10, R 10: eff 0 -> first (2 - 1) x 100 = 100
    # T 10, R 9: eff 10 (at the threshold) -> first (2 - 0.9) x 100 = 110
    # T 10, R 8.99: eff 10.1 -> second 50 - ((2 - 0.899) x 100 - 80) = 19.9
    # T 10, R 8: eff 20 -> second 50 - (120 - 80) = 10
    f = pp46.params_from({"time_cost_formula": {"k": 2.0, "threshold_eff_pct": 10.0,
                                                "second_branch_base": 50.0,
                                                "second_branch_pivot": 80.0}}).time_cost_formula
    out = pp46.waktu_score(np.array([10.0, 10, 10, 10]), np.array([10.0, 9, 8.99, 8]), f)
    assert out.tolist() == pytest.approx([100.0, 110.0, 19.9, 10.0], abs=1e-9)


def test_waktu_nan_target_gives_nan_not_a_branch():
    out = pp46.waktu_score(np.array([np.nan, 12.0]), np.array([12.0, 12.0]), P.time_cost_formula)
    assert np.isnan(out[0]) and out[1] == pytest.approx(76.0)


def test_perilaku_five_aspects_or_six_for_structural_per_row():
    # BerAKHLAK order: pelayanan 70, akuntabel 80, kompeten 60, harmonis 90, loyal 100,
    # adaptif 50, kolaboratif 40. Aspects (pp46_2011.yaml): orientasi 70, integritas 80,
    # komitmen (100 + 60)/2 = 80, disiplin 80, kerja_sama (90 + 40)/2 = 65,
    # kepemimpinan (50 + 40)/2 = 45. Five: 375/5 = 75; six: 420/6 = 70
    p = np.array([[70.0, 80, 60, 90, 100, 50, 40]] * 2)
    out = pp46.perilaku_score(p, np.array([False, True]), P)
    assert out.tolist() == pytest.approx([75.0, 70.0])


def test_structural_only_defaults_to_false_for_an_aspect():
    # kepemimpinan given without structural_only: it then counts for everyone (six aspects)
    p46 = pp46.params_from({"perilaku_aspects": {"kepemimpinan": {"sources": ["adaptif"],
                                                                   "structural_only": False}}})
    assert p46.perilaku_aspects.orientasi_pelayanan.structural_only is False
    ratings = np.array([[70.0, 80, 60, 90, 100, 40, 40]])
    # five as above = 75 x 5 = 375, + kepemimpinan (adaptif) 40 -> 415 / 6
    assert pp46.perilaku_score(ratings, np.array([False]), p46) == pytest.approx([415 / 6])


def test_aspect_sources_must_be_known_and_not_empty():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"perilaku_aspects": {"disiplin": {"sources": ["rajin"]},
                                               "integritas": {"sources": []}}})
    msgs = {q.location: q.message.split("; got")[0] for q in exc.value.problems}
    assert msgs["scheme.params.perilaku_aspects.disiplin.sources"] == (
        "Value error, unknown BerAKHLAK value(s) ['rajin']; expected one of "
        "('berorientasi_pelayanan', 'akuntabel', 'kompeten', 'harmonis', 'loyal', 'adaptif', "
        "'kolaboratif')")
    assert "scheme.params.perilaku_aspects.integritas.sources" in msgs
    assert len(msgs) == 2


def test_band_thresholds_four_strictly_ascending_non_negative():
    for bad in ([51.0, 51.0, 76.0, 91.0], [61.0, 51.0, 76.0, 91.0]):
        with pytest.raises(InputError) as exc:
            pp46.params_from({"bands": {"thresholds": bad}})
        assert [q.message.split("; got")[0] for q in exc.value.problems] == [
            "Value error, thresholds must be strictly ascending"]
    for wrong_length in ([51.0, 61.0, 76.0], [51.0, 61.0, 76.0, 91.0, 95.0]):
        with pytest.raises(InputError, match="scheme.params.bands.thresholds"):
            pp46.params_from({"bands": {"thresholds": wrong_length}})
    with pytest.raises(InputError, match=r"scheme.params.bands.thresholds.0"):
        pp46.params_from({"bands": {"thresholds": [-1.0, 61.0, 76.0, 91.0]}})
    shifted = pp46.params_from({"bands": {"thresholds": [0.0, 10.0, 20.0, 30.0]}})
    assert pp46.predikat_from_score(np.array([0.0, 9.99, 10, 30]), shifted).tolist() == [
        1, 1, 2, 4]


def test_weights_sum_message_and_tolerance():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"weights": {"skp": 0.5, "perilaku": 0.4}})
    assert [str(q).split("; got {")[0] for q in exc.value.problems] == [
        "<scenario>: scheme.params.weights: Value error, skp + perilaku must be 1; got 0.9"]
    # a rounding difference far below 1e-9 is accepted, one of 1e-6 is not
    assert pp46.params_from({"weights": {"skp": 0.6, "perilaku": 0.4 + 1e-12}}).weights.skp == 0.6
    with pytest.raises(InputError):
        pp46.params_from({"weights": {"skp": 0.6, "perilaku": 0.4 + 1e-6}})
    with pytest.raises(InputError) as exc:
        pp46.params_from({"weights": {"skp": -0.5, "perilaku": 1.5}})
    assert [q.location for q in exc.value.problems] == ["scheme.params.weights.skp"]
    with pytest.raises(InputError) as exc:
        pp46.params_from({"weights": {"skp": 1.5, "perilaku": -0.5}})
    assert [q.location for q in exc.value.problems] == ["scheme.params.weights.perilaku"]
    # the end weights are allowed: all SKP
    assert pp46.params_from({"weights": {"skp": 1.0, "perilaku": 0.0}}).weights.perilaku == 0.0


def test_kuantitas_cap_comes_from_the_parameters():
    # R/T = 12/10 -> kuantitas 120 (no cap by default); cap 110 -> 110.
    # activity (kuantitas + kualitas 100 + waktu 76) / 3
    m = make_measurements(1, 1, target=10, realisation=12, quality=100, perilaku=50)
    assert _score(m).extra["skp"] == pytest.approx([(120 + 100 + 76) / 3])
    capped = pp46.params_from({"kuantitas": {"cap": 110.0}})
    res = pp46.score(m, make_org(1), capped)
    assert res.extra["skp"] == pytest.approx([(110 + 100 + 76) / 3])
    with pytest.raises(InputError, match="scheme.params.kuantitas.cap"):
        pp46.params_from({"kuantitas": {"cap": 0.0}})


def test_skp_predikat_and_final_predikat_are_banded_separately():
    # SKP (120 + 100 + 76) / 3 = 98.67 -> Sangat Baik (>= 91); perilaku 50;
    # final 0.6 x 98.67 + 0.4 x 50 = 79.2 -> Baik (76..91)
    m = make_measurements(1, 1, target=10, realisation=12, quality=100, perilaku=50)
    res = _score(m)
    assert res.score == pytest.approx([79.2])
    assert res.merit == pytest.approx([79.2])
    assert res.extra["skp_predikat"].tolist() == [4]
    assert res.predikat.tolist() == [3] and res.predikat_raw.tolist() == [3]
    assert res.labels == pp46.LABELS


def test_every_missing_aspect_is_counted_and_scored_by_the_parameter():
    # row 1: realisation, quality, time realisation and cost realisation all missing, with a
    # cost target: 4 missing aspects; row 2 complete without cost aspect; row 3: only the
    # time realisation missing. The empty second slot (NaN everywhere) counts for nobody.
    nan = np.nan
    m = make_measurements(
        3, 2, indicator=[[0, -1]] * 3, target=[[10.0, nan]] * 3,
        realisation=[[nan, nan], [10.0, nan], [10.0, nan]],
        quality=[[nan, nan], [80.0, nan], [80.0, nan]],
        time_realisation=[[nan, nan], [12.0, nan], [nan, nan]],
        cost_target=[[100.0, nan], [nan, nan], [nan, nan]],
        cost_realisation=[[nan, nan], [nan, nan], [nan, nan]])
    res = _score(m)
    assert res.extra["n_missing_aspects"].tolist() == [4, 0, 1]
    assert res.extra["n_missing_aspects"].dtype == np.int64
    # missing aspects score 0: row 1 (0 x 4)/4 = 0; row 2 (100 + 80 + 76)/3; row 3 (100+80+0)/3
    assert res.extra["skp"] == pytest.approx([0.0, 256 / 3, 60.0])
    half = pp46.params_from({"missing": {"missing_aspect_score": 50.0}})
    res = pp46.score(m, make_org(3), half)
    # row 1: (50 x 4)/4 = 50; row 3: (100 + 80 + 50)/3
    assert res.extra["skp"] == pytest.approx([50.0, 256 / 3, 230 / 3])
    with pytest.raises(InputError, match="scheme.params.missing.missing_aspect_score"):
        pp46.params_from({"missing": {"missing_aspect_score": -1.0}})


def test_cost_aspect_uses_the_waktu_formula_on_cost():
    # cost T 100, R 80: eff 20 <= 24 -> (1.76 - 0.8) x 100 = 96; activity (100+80+76+96)/4 = 88
    m = make_measurements(1, 1, quality=80, cost_target=100.0, cost_realisation=80.0)
    assert _score(m).extra["skp"] == pytest.approx([88.0])


def test_time_or_cost_target_at_or_below_zero_names_the_rows():
    nan = np.nan
    m = make_measurements(4, 2, indicator=[[0, -1]] * 4, target=[[10.0, nan]] * 4,
                          time_target=[[12.0, 0.0], [0.0, 12.0], [12.0, 12.0], [12.0, 12.0]],
                          cost_target=[[nan, -5.0], [nan, nan], [-1.0, nan], [nan, nan]])
    # row 1: the bad time/cost targets are in the empty slot -> not an error
    with pytest.raises(InputError) as exc:
        _score(m)
    assert [str(q) for q in exc.value.problems] == [
        "<measurements>: rows 2, 3, column 'time_target/cost_target': 2 employee(s) have a "
        "time or cost target <= 0 (expected > 0 or empty)"]


def test_score_checks_the_organisation_too():
    with pytest.raises(InputError, match="OPD code outside org_predikat"):
        pp46.score(make_measurements(1, 1), make_org(1, opd=1), P)


def test_time_and_cost_targets_below_one_are_valid_but_zero_cost_is_not():
    # half a month and a cost target of Rp 0.5 are > 0, so allowed. T 0.5, R 0.5 -> waktu 76;
    # cost T 0.5, R 0.5 -> biaya 76; activity (100 + 80 + 76 + 76) / 4 = 83
    m = make_measurements(1, 1, quality=80, time_target=0.5, time_realisation=0.5,
                          cost_target=0.5, cost_realisation=0.5)
    assert _score(m).extra["skp"] == pytest.approx([83.0])
    with pytest.raises(InputError, match="time or cost target <= 0"):
        _score(make_measurements(1, 1, cost_target=0.0, cost_realisation=0.0))


def test_score_uses_the_scenario_time_cost_formula_for_waktu_and_biaya():
    # k 2.0 instead of 1.76: on time (R = T) waktu = (2 - 1) x 100 = 100 and biaya likewise;
    # activity (100 + 80 + 100 + 100) / 4 = 95
    p = pp46.params_from({"time_cost_formula": {"k": 2.0}})
    m = make_measurements(1, 1, quality=80, cost_target=100.0, cost_realisation=100.0)
    assert pp46.score(m, make_org(1), p).extra["skp"] == pytest.approx([95.0])


def test_missing_cost_realisation_alone_scores_missing_and_still_divides_by_four():
    # kuantitas 100, kualitas 80, waktu 76, cost target given but no realisation -> biaya 0:
    # (100 + 80 + 76 + 0) / 4 = 64; with missing_aspect_score 40: (256 + 40) / 4 = 74
    m = make_measurements(1, 1, quality=80, cost_target=100.0, cost_realisation=np.nan)
    res = _score(m)
    assert res.extra["skp"] == pytest.approx([64.0])
    assert res.extra["n_missing_aspects"].tolist() == [1]
    p40 = pp46.params_from({"missing": {"missing_aspect_score": 40.0}})
    assert pp46.score(m, make_org(1), p40).extra["skp"] == pytest.approx([74.0])


def test_perilaku_is_per_employee():
    # two employees with different ratings each get their own mean (five aspects, all equal)
    p = np.array([[60.0] * 7, [90.0] * 7])
    assert pp46.perilaku_score(p, np.array([False, False]), P).tolist() == pytest.approx(
        [60.0, 90.0])
