"""weighted_kpi: weights by indicator name and rumpun, normalisations, thresholds, curve."""


import numpy as np
import pytest
from scheme_fixtures import INDICATOR_NAMES, make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import weighted_kpi as wk

RUMPUN = ("pelayanan", "kesehatan", "pendidikan", "teknis")


def params(**over):
    return wk.params_from(over)


def test_weights_by_name_and_renormalisation_over_present_slots():
    p = params(indicator_weights={"default": {"complaint_response_time": 2.0,
                                              "service_quality": 1.0}},
               behaviour_weight=0.0)
    # employee 0 has both IKI (capaian 120 -> capped 120? no: 110 and 80)
    # employee 1 has only service_quality in slot 1 (slot 0 empty)
    m = make_measurements(2, 2, indicator=[[0, 1], [-1, 1]],
                          target=[[100.0, 100.0], [np.nan, 100.0]],
                          realisation=[[110.0, 80.0], [np.nan, 80.0]])
    res = wk.score(m, make_org(2), p)
    assert res.extra["hasil"][0] == pytest.approx((2 * 110 + 1 * 80) / 3)
    assert res.extra["hasil"][1] == pytest.approx(80.0)  # weights renormalised over 1 slot


def test_rumpun_specific_set_and_unlisted_weight():
    p = params(indicator_weights={"default": {"service_quality": 3.0},
                                  "by_rumpun": {"kesehatan": {"vaccinations_delivered": 4.0}},
                                  "unlisted_weight": 1.0},
               behaviour_weight=0.0)
    m = make_measurements(2, 2, indicator=[[1, 2], [1, 2]], target=100.0,
                          realisation=[[100.0, 50.0], [100.0, 50.0]])
    res = wk.score(m, make_org(2, rumpun=[0, 1]), p)
    assert res.extra["hasil"][0] == pytest.approx((3 * 100 + 1 * 50) / 4)  # default set
    assert res.extra["hasil"][1] == pytest.approx((1 * 100 + 4 * 50) / 5)  # kesehatan set


def test_missing_realisation_scores_zero_not_dropped():
    m = make_measurements(1, 2, indicator=[[0, 1]], target=100.0,
                          realisation=[[100.0, np.nan]])
    res = wk.score(m, make_org(1), params(behaviour_weight=0.0))
    assert res.extra["hasil"][0] == pytest.approx(50.0)


def test_target_ratio_cap_and_behaviour_weight():
    m = make_measurements(1, 1, target=100.0, realisation=150.0, perilaku=80.0)
    res = wk.score(m, make_org(1), params())
    assert res.score[0] == pytest.approx(0.7 * 120 + 0.3 * 80)


def test_percentile_within_unit_hand_example():
    # unit 0, same indicator: capaian 10, 20, 20, 40 -> mid-rank percentiles 0, 50, 50, 100;
    # unit 1 has one person -> 50; a different indicator in unit 0 is its own group -> 50
    real = [[10.0], [20.0], [20.0], [40.0], [30.0], [99.0]]
    m = make_measurements(6, 1, indicator=[[0], [0], [0], [0], [0], [1]], target=100.0,
                          realisation=real)
    org = make_org(6, unit=[0, 0, 0, 0, 1, 0])
    p = params(normalisation={"method": "percentile_within_unit"}, behaviour_weight=0.0)
    res = wk.score(m, org, p)
    assert res.extra["hasil"].tolist() == pytest.approx([0, 50, 50, 100, 50, 50])


def test_percentile_function_directly():
    v = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 5.0])
    key = np.array([0, 0, 0, 0, 1, 1])
    # group 0: 1 -> rank 1, 2,2 -> rank 2.5, 3 -> rank 4 over n=4; group 1 tie -> 50, 50
    assert wk.percentile_within_groups(v, key).tolist() == pytest.approx(
        [100.0, 0.0, 50.0, 50.0, 50.0, 50.0])


def test_zscore_within_unit():
    m = make_measurements(4, 1, target=100.0, realisation=[[90.0], [100.0], [110.0], [70.0]])
    org = make_org(4, unit=[0, 0, 0, 1])
    p = params(normalisation={"method": "zscore_within_unit"}, behaviour_weight=0.0)
    res = wk.score(m, org, p)
    z = np.array([-1.0, 0.0, 1.0]) / np.std([90.0, 100.0, 110.0]) * 10.0
    assert res.extra["hasil"][:3] == pytest.approx(100 + 10 * z)
    assert res.extra["hasil"][3] == pytest.approx(100.0)  # one-person group: sd 0 -> z 0


def test_thresholds_per_method():
    m = make_measurements(5, 1, target=100.0,
                          realisation=[[49.99], [50.0], [70.0], [90.0], [110.0]])
    res = wk.score(m, make_org(5), params(behaviour_weight=0.0))
    assert res.predikat.tolist() == [0, 1, 2, 3, 4]
    assert res.labels[4] == "Sangat Baik"


def test_unknown_indicator_and_rumpun_names_are_listed():
    p = params(indicator_weights={"default": {"vaksinasi": 1.0},
                                  "by_rumpun": {"kesehatann": {"service_quality": 1.0},
                                                "teknis": {"bogus": 2.0}}})
    m = make_measurements(1, 1)
    with pytest.raises(InputError) as exc:
        wk.score(m, make_org(1, rumpun_names=RUMPUN), p)
    msg = str(exc.value)
    assert "3 problems" in msg
    assert "scheme.params.indicator_weights.default.vaksinasi" in msg
    assert "scheme.params.indicator_weights.by_rumpun.kesehatann" in msg
    assert "scheme.params.indicator_weights.by_rumpun.teknis.bogus" in msg


def test_all_zero_weights_is_an_error_not_nan():
    p = params(indicator_weights={"default": {INDICATOR_NAMES[0]: 0.0}})
    with pytest.raises(InputError, match="weight 0"):
        wk.score(make_measurements(1, 1), make_org(1), p)


def test_unknown_param_key_and_method():
    with pytest.raises(InputError) as exc:
        wk.params_from({"normalisation": {"method": "rank", "capp": 1}})
    msg = str(exc.value)
    assert "scheme.params.normalisation.method" in msg
    assert "scheme.params.normalisation.capp" in msg


def test_optional_distribution_uses_score_as_merit():
    n = 10
    m = make_measurements(n, 1, target=100.0, realisation=np.linspace(115, 119, n)[:, None],
                          perilaku=100.0)
    p = params(distribution={"enabled": True})
    res = wk.score(m, make_org(n, org_predikat=[4]), p)  # Istimewa: Sangat Baik <= 70 %
    assert res.predikat_raw.tolist() == [4] * n
    assert res.predikat.tolist() == [3, 3, 3] + [4] * 7
    assert res.adjustment["n_moved"] == 3
    assert wk.score(m, make_org(n, org_predikat=[4]), params()).adjustment == {"enabled": False}


@pytest.mark.parametrize("method", ["zscore_within_unit", "percentile_within_unit"])
def test_within_unit_normalisation_on_a_million_rows(method):
    rng = np.random.default_rng(3)
    n, k = 1_000_000, 3
    ind = rng.integers(0, len(INDICATOR_NAMES), (n, k))
    m = make_measurements(n, k, indicator=ind, target=100.0,
                          realisation=rng.normal(100, 15, (n, k)).clip(1))
    org = make_org(n, unit=rng.integers(0, 2000, n))
    p = params(normalisation={"method": method})
    res = wk.score(m, org, p)
    assert np.isfinite(res.score).all()
    assert res.score.shape == (n,) and 0 <= res.score.min() <= res.score.max() <= 120


def test_distribution_rules_default_to_the_6_2022_rules():
    from kinerja_sim.schemes import permenpanrb_6_2022 as s622

    assert wk.default_params().distribution.rules == s622.default_params().distribution.rules


# --- gaps found by mutation testing (docs/testing.md "Mutation testing") ---------------------


def test_weight_table_values_default_rumpun_set_and_unlisted():
    # default set: service_quality 3; kesehatan has its own set (vaccinations 4) and so does
    # not inherit service_quality 3; every name not in the applicable set gets unlisted 0.5
    p = params(indicator_weights={"default": {"service_quality": 3.0},
                                  "by_rumpun": {"kesehatan": {"vaccinations_delivered": 4.0}},
                                  "unlisted_weight": 0.5})
    t = wk.weight_table(p, INDICATOR_NAMES, RUMPUN)
    assert t.shape == (4, 5)
    assert t[0].tolist() == [0.5, 3.0, 0.5, 0.5, 0.5]  # pelayanan: default set
    assert t[1].tolist() == [0.5, 0.5, 4.0, 0.5, 0.5]  # kesehatan: its own set
    assert t[3].tolist() == [0.5, 3.0, 0.5, 0.5, 0.5]  # teknis: default set


def test_weight_table_messages_name_file_path_and_expectation():
    p = params(indicator_weights={"default": {"vaksinasi": 1.0},
                                  "by_rumpun": {"kesehatann": {"service_quality": 1.0},
                                                "teknis": {"bogus": 2.0}}})
    with pytest.raises(InputError) as exc:
        wk.weight_table(p, INDICATOR_NAMES, RUMPUN)
    assert [str(q) for q in exc.value.problems] == [
        "<scenario>: scheme.params.indicator_weights.default.vaksinasi: unknown indicator name "
        "(expected a name in the indicator catalogue)",
        "<scenario>: scheme.params.indicator_weights.by_rumpun.kesehatann: unknown rumpun "
        "(expected one of ['pelayanan', 'kesehatan', 'pendidikan', 'teknis'])",
        "<scenario>: scheme.params.indicator_weights.by_rumpun.teknis.bogus: unknown indicator "
        "name (expected a name in the indicator catalogue)",
    ]
    with pytest.raises(InputError) as exc:
        wk.weight_table(p, INDICATOR_NAMES, RUMPUN, file="w.yaml", prefix="")
    assert [q.location for q in exc.value.problems] == [
        "indicator_weights.default.vaksinasi", "indicator_weights.by_rumpun.kesehatann",
        "indicator_weights.by_rumpun.teknis.bogus"]
    assert {q.file for q in exc.value.problems} == {"w.yaml"}


def test_weights_domains_zero_allowed_negative_refused():
    assert params(indicator_weights={"unlisted_weight": 0.0,
                                     "default": {"service_quality": 1.0}}
                  ).indicator_weights.unlisted_weight == 0.0
    for over, loc in (({"unlisted_weight": -0.1}, "unlisted_weight"),
                      ({"default": {"service_quality": -1.0}}, "default.service_quality"),
                      ({"by_rumpun": {"kesehatan": {"service_quality": -1.0}}},
                       "by_rumpun.kesehatan.service_quality")):
        with pytest.raises(InputError) as exc:
            params(indicator_weights=over)
        assert [q.location for q in exc.value.problems] == [
            f"scheme.params.indicator_weights.{loc}"]


def test_unlisted_weight_zero_drops_unlisted_iki_from_the_mean():
    # service_quality weight 1, the other IKI unlisted at weight 0: hasil = 80 (not (80+40)/2)
    p = params(indicator_weights={"default": {"service_quality": 1.0}, "unlisted_weight": 0.0},
               behaviour_weight=0.0)
    m = make_measurements(1, 2, indicator=[[1, 0]], realisation=[[80.0, 40.0]])
    assert wk.score(m, make_org(1), p).extra["hasil"] == pytest.approx([80.0])


def test_normalisation_domains():
    for over, loc in (({"cap": 0.0}, "cap"), ({"zscore_scale": 0.0}, "zscore_scale"),
                      ({"missing_slot_score": -1.0}, "missing_slot_score")):
        with pytest.raises(InputError) as exc:
            params(normalisation=over)
        assert [q.location for q in exc.value.problems] == [
            f"scheme.params.normalisation.{loc}"]


@pytest.mark.parametrize(("bw", "ok"), [(-0.01, False), (0.0, True), (1.0, True),
                                        (1.01, False)])
def test_behaviour_weight_is_within_0_and_1(bw, ok):
    if ok:
        assert params(behaviour_weight=bw).behaviour_weight == bw
    else:
        with pytest.raises(InputError, match="scheme.params.behaviour_weight"):
            params(behaviour_weight=bw)


@pytest.mark.parametrize("method", ["target_ratio", "zscore_within_unit",
                                    "percentile_within_unit"])
def test_thresholds_must_be_four_strictly_ascending(method):
    with pytest.raises(InputError) as exc:
        params(thresholds={method: [50.0, 70.0, 70.0, 110.0]})
    assert [(q.location, q.message.split("; got")[0]) for q in exc.value.problems] == [
        (f"scheme.params.thresholds.{method}",
         "Value error, thresholds must be strictly ascending")]
    for wrong in ([50.0, 70.0, 90.0], [50.0, 70.0, 90.0, 110.0, 130.0]):
        with pytest.raises(InputError, match=f"scheme.params.thresholds.{method}"):
            params(thresholds={method: wrong})


def test_each_method_bands_with_its_own_thresholds():
    # capaian 60 for one person: target_ratio 60 -> code 1 with the default 50/70/90/110;
    # with zscore thresholds shifted to 10/20/30/40, the one-person z is 0 -> 100 + 0 -> code 4
    # while target_ratio still gives 1 (each method reads its own list)
    m = make_measurements(1, 1, realisation=60.0)
    over = {"zscore_within_unit": [10.0, 20.0, 30.0, 40.0]}
    assert wk.score(m, make_org(1), params(behaviour_weight=0.0, thresholds=over)
                    ).predikat.tolist() == [1]
    z = params(behaviour_weight=0.0, thresholds=over,
               normalisation={"method": "zscore_within_unit"})
    res = wk.score(m, make_org(1), z)
    assert res.score.tolist() == pytest.approx([100.0])
    assert res.predikat.tolist() == [4] and res.predikat.dtype == np.int8


def test_zscore_centre_and_scale_come_from_the_parameters():
    # capaian 90, 110 in one unit: z = -1, +1 (population sd 10); centre 50, scale 5 -> 45, 55
    m = make_measurements(2, 1, realisation=[[90.0], [110.0]])
    p = params(behaviour_weight=0.0, normalisation={"method": "zscore_within_unit",
                                                    "zscore_centre": 50.0, "zscore_scale": 5.0})
    assert wk.score(m, make_org(2), p).extra["hasil"] == pytest.approx([45.0, 55.0])


def test_cap_and_missing_slot_score_come_from_the_parameters():
    # R/T 200 % capped at 150 (not the default 120); the missing IKI scores 30
    p = params(behaviour_weight=0.0, normalisation={"cap": 150.0, "missing_slot_score": 30.0})
    m = make_measurements(1, 2, indicator=[[0, 1]], realisation=[[200.0, np.nan]])
    assert wk.score(m, make_org(1), p).extra["hasil"] == pytest.approx([(150 + 30) / 2])


def test_missing_realisation_is_left_out_of_the_percentile_group():
    # unit 0, indicator 0: capaian 10, 30 and one missing. The group is {10, 30} (n = 2):
    # percentiles 0 and 100; the missing one scores missing_slot_score 0. Counting it in the
    # group would give 3 members.
    m = make_measurements(3, 1, realisation=[[10.0], [30.0], [np.nan]])
    p = params(behaviour_weight=0.0, normalisation={"method": "percentile_within_unit"})
    assert wk.score(m, make_org(3), p).extra["hasil"] == pytest.approx([0.0, 100.0, 0.0])


def test_within_unit_groups_are_per_unit_and_indicator():
    # same unit, two indicators, two people each: each (unit, indicator) is its own group.
    # Key = unit * 5 + indicator: unit 1 indicator 0 (key 5) must not meet unit 0 indicator 5
    m = make_measurements(4, 1, indicator=[[0], [0], [1], [1]],
                          realisation=[[10.0], [20.0], [100.0], [50.0]])
    p = params(behaviour_weight=0.0, normalisation={"method": "percentile_within_unit"})
    assert wk.score(m, make_org(4), p).extra["hasil"] == pytest.approx([0, 100, 100, 0])
    m2 = make_measurements(2, 1, indicator=[[0], [0]], realisation=[[10.0], [20.0]])
    res = wk.score(m2, make_org(2, unit=[0, 1]), p)
    assert res.extra["hasil"] == pytest.approx([50.0, 50.0])  # two groups of one


def test_zscore_groups_with_large_or_negative_keys():
    # keys far apart (dense codes are used) and negative keys group like small ones
    v = np.array([1.0, 3.0, 10.0, 20.0])
    for key in (np.array([0, 0, 1, 1]), np.array([9_000_000, 9_000_000, 7, 7]),
                np.array([-4, -4, -1, -1])):
        assert wk.zscore_within_groups(v, key).tolist() == pytest.approx([-1, 1, -1, 1])


def test_zscore_of_a_constant_group_is_zero_even_for_large_values():
    # seven equal values 1e9 + 0.1: the float mean is off by rounding, so the computed sd is
    # about 1.2e-7, not 0. That is noise relative to the values (tolerance 1e-12 x |mean|
    # = 1e-3), so z must be 0, not +-1 from dividing noise by noise
    v = np.array([1e9 + 0.1] * 7)
    assert wk.zscore_within_groups(v, np.zeros(7, dtype=np.int64)).tolist() == [0.0] * 7


def test_percentile_of_nothing_is_empty_and_singletons_are_50():
    assert wk.percentile_within_groups(np.array([]), np.array([], dtype=np.int64)).size == 0
    out = wk.percentile_within_groups(np.array([7.0, 3.0, 3.0, 1.0]), np.array([2, 1, 1, 0]))
    assert out.tolist() == pytest.approx([50.0, 50.0, 50.0, 50.0])
    # three distinct in one group, given out of order: ranks 1, 2, 3 -> 0, 50, 100
    out = wk.percentile_within_groups(np.array([30.0, 10.0, 20.0]), np.array([4, 4, 4]))
    assert out.tolist() == pytest.approx([100.0, 0.0, 50.0])


def test_normalise_dispatch_on_the_method():
    v, key = np.array([90.0, 110.0]), np.array([0, 0])
    assert wk.normalise_within_groups(v, key, params()).tolist() == [90.0, 110.0]
    pz = params(normalisation={"method": "zscore_within_unit"})
    assert wk.normalise_within_groups(v, key, pz).tolist() == pytest.approx([90.0, 110.0])
    pp = params(normalisation={"method": "percentile_within_unit"})
    assert wk.normalise_within_groups(v, key, pp).tolist() == pytest.approx([0.0, 100.0])


def test_only_zero_weight_iki_names_the_rows_and_the_parameter():
    p = params(indicator_weights={"default": {INDICATOR_NAMES[0]: 0.0}})
    m = make_measurements(3, 1, indicator=[[0], [1], [0]])
    with pytest.raises(InputError) as exc:
        wk.score(m, make_org(3), p)
    assert [str(q) for q in exc.value.problems] == [
        "<measurements>: rows 1, 3, column 'indicator': 2 employee(s) have only IKI of weight 0 "
        "(expected scheme.params.indicator_weights > 0 for at least one IKI of each employee)"]


def test_score_result_fields_and_behaviour_mix():
    # hasil 100 (R = T), perilaku 60, behaviour_weight 0.25: 0.75 x 100 + 0.25 x 60 = 90 -> Baik
    m = make_measurements(1, 1, perilaku=60.0)
    res = wk.score(m, make_org(1), params(behaviour_weight=0.25))
    assert res.score == pytest.approx([90.0]) and res.merit == pytest.approx([90.0])
    assert res.extra["hasil"] == pytest.approx([100.0])
    assert res.extra["perilaku"] == pytest.approx([60.0])
    assert res.predikat_raw.tolist() == [3] and res.predikat.tolist() == [3]
    assert res.labels == wk.LABELS


def test_score_checks_its_inputs():
    with pytest.raises(InputError, match="no IKI slot"):
        wk.score(make_measurements(1, 1, indicator=-1), make_org(1), params())


def test_percentile_matches_mid_ranks_in_large_interleaved_groups():
    # 300 values with many ties in 3 interleaved groups: each group's percentile is
    # 100 x (mid-rank - 1) / (n - 1), mid-ranks taken independently with scipy's rankdata
    from scipy.stats import rankdata

    rng = np.random.default_rng(7)
    v = rng.integers(0, 20, 300).astype(float)
    key = rng.integers(0, 3, 300)
    out = wk.percentile_within_groups(v, key)
    for g in range(3):
        sel = key == g
        expected = 100 * (rankdata(v[sel], method="average") - 1) / (sel.sum() - 1)
        assert out[sel] == pytest.approx(expected)


def test_percentile_ties_do_not_run_across_groups():
    # group 0: 1, 5 -> 0, 100; group 1: 5, 9 -> 0, 100 (the two 5s are in different groups)
    out = wk.percentile_within_groups(np.array([1.0, 5.0, 5.0, 9.0]), np.array([0, 0, 1, 1]))
    assert out.tolist() == pytest.approx([0.0, 100.0, 0.0, 100.0])


def test_percentile_of_one_value_is_50():
    assert wk.percentile_within_groups(np.array([42.0]), np.array([3])).tolist() == [50.0]


def test_zscore_of_nothing_is_empty():
    assert wk.zscore_within_groups(np.array([]), np.array([], dtype=np.int64)).size == 0


@pytest.mark.parametrize("method", ["zscore_within_unit", "percentile_within_unit"])
def test_everyone_missing_scores_missing_slot_score(method):
    # no realisation at all: the within-unit groups are empty and every IKI scores 25
    p = params(behaviour_weight=0.0, normalisation={"method": method, "missing_slot_score": 25.0})
    m = make_measurements(2, 1, realisation=np.nan)
    assert wk.score(m, make_org(2), p).extra["hasil"] == pytest.approx([25.0, 25.0])


def test_params_from_errors_name_the_scenario_file_and_key_path():
    with pytest.raises(InputError) as exc:
        wk.params_from({"behaviour_weight": 2.0})
    assert [str(q).split(":")[:2] for q in exc.value.problems] == [
        ["<scenario>", " scheme.params.behaviour_weight"]]


def test_score_checks_the_organisation_too():
    with pytest.raises(InputError, match="OPD code outside org_predikat"):
        wk.score(make_measurements(1, 1), make_org(1, opd=1), params())
