"""Baseline understanding comes from one documented rule (issue 11 item 3).

The expected values are worked by hand from the packaged rule (data/rollout.yaml
``understanding_rule``): familiar 0.8, unfamiliar 0.2, half-life 1 year, as of 2026; PP 30/2019
last practised 2022 (4 years -> retention 0.5**4 = 0.0625), PP 46/2011 2021 (5 years ->
0.03125); shared elements 0.5 / 0.4 / 0.3 (weighted_kpi); new elements: curve 0.5, hasil
thresholds 0.2, multi-source rating 0.3.
"""

import pytest

from kinerja_sim import understanding as und
from kinerja_sim.compare import compare_scenarios
from kinerja_sim.errors import InputError
from kinerja_sim.scenario import SCENARIO_DIR, load_scenario


def u(familiarity):
    return 0.2 + 0.6 * familiarity


HAND_WORKED = {
    "status_quo": u(1.0),                                    # today's practice
    "permenpanrb_6_2022": u(1 - 0.2),                        # thresholds 90/110, not 75/120
    "permenpanrb_6_2022_kurva": u(1 - 0.2 - 0.5),            # + the SE 03/2023 curve
    "pp30_2019_70_30": u(0.5 + 0.5 * 0.5 ** 4),              # 4 years unpractised
    "pp30_2019_60_40": u((0.5 + 0.5 * 0.5 ** 4) * (1 - 0.3)),  # + 360-degree ratings
    "pp46_2011": u(0.4 + 0.6 * 0.5 ** 5),                    # 5 years unpractised
    "kpi_objektif_binjai": u(0.3),                           # never practised
    "kpi_objektif_binjai_rollout": u(0.3),                   # sosialisasi acts later, in-run
}


@pytest.mark.parametrize("name", sorted(HAND_WORKED))
def test_bundled_scenarios_get_the_hand_worked_understanding(name):
    a = load_scenario(name).understanding
    assert a.source == "rule"
    assert a.value == pytest.approx(HAND_WORKED[name], abs=1e-12)
    assert a.low <= a.value <= a.high


def test_no_bundled_scenario_types_its_understanding():
    for path in SCENARIO_DIR.glob("*.yaml"):
        assert "understanding_baseline" not in path.read_text(), path.name


def test_the_status_quo_is_understood_best_and_a_new_scheme_least():
    values = {n: load_scenario(n).understanding.value for n in HAND_WORKED}
    assert max(values, key=values.get) == "status_quo"
    assert values["kpi_objektif_binjai"] < values["pp30_2019_70_30"] < values["status_quo"]


def test_range_is_the_rule_at_the_ends_of_its_plausible_ranges():
    a = load_scenario("status_quo").understanding
    lo, hi = und.rule_ranges()["familiar"]
    assert (a.low, a.high) == pytest.approx((lo, hi))  # the practised scheme: familiar only
    k = load_scenario("kpi_objektif_binjai").understanding
    r = und.rule_ranges()
    # never practised: unfamiliar + (familiar - unfamiliar) * shared, monotone in each
    ends = [f0 + (f1 - f0) * s for f0 in r["unfamiliar"] for f1 in r["familiar"]
            for s in r["shared_with_practice.weighted_kpi"]]
    assert (k.low, k.high) == pytest.approx((min(ends), max(ends)))


def test_a_longer_half_life_raises_the_understanding_of_a_former_scheme():
    short = load_scenario("pp46_2011").understanding.value
    long_ = load_scenario("pp46_2011", {"rollout.understanding_rule.half_life_years": 2.0}
                          ).understanding.value
    assert long_ == pytest.approx(u(0.4 + 0.6 * 0.5 ** 2.5))
    assert long_ > short


def test_a_value_set_in_the_scenario_overrides_the_rule_and_says_so():
    a = load_scenario("pp46_2011", {"rollout.understanding_baseline": 0.61}).understanding
    assert (a.value, a.low, a.high, a.source) == (0.61, 0.61, 0.61, "scenario")


def test_rule_settings_the_rule_does_not_read_are_inert_errors():
    with pytest.raises(InputError, match="understanding_rule.half_life_years: has no effect"):
        load_scenario("status_quo", {"rollout.understanding_rule.half_life_years": 2.0})
    with pytest.raises(InputError, match="understanding_baseline is set"):
        load_scenario("pp46_2011", {"rollout.understanding_baseline": 0.5,
                                    "rollout.understanding_rule.familiar": 0.7})


def test_an_unknown_practice_scenario_is_an_input_error():
    with pytest.raises(InputError, match="practice_scenario"):
        load_scenario("pp46_2011", {"rollout.understanding_rule.practice_scenario": "nope"})


def test_the_understanding_drives_the_simulated_initial_understanding():
    from kinerja_sim.simulate import simulate

    sc = load_scenario("pp30_2019_70_30")
    sim = simulate(None, sc, seed=3, periods=1, replications=1)
    assert sim.panel["understanding"][0, 0] == pytest.approx(sc.understanding.value)


def test_every_comparison_shows_the_understanding_assumption_with_its_range():
    cmp = compare_scenarios(["pp46_2011"], "status_quo", periods=1, replications=1)
    table = cmp.assumptions
    assert list(table["scenario"]) == ["status_quo", "pp46_2011"]
    row = table.set_index("scenario").loc["pp46_2011"]
    a = load_scenario("pp46_2011").understanding
    assert (row["value"], row["low"], row["high"]) == pytest.approx((a.value, a.low, a.high))
    assert row["assumption"] == "understanding_baseline" and row["source"] == "rule"
