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
