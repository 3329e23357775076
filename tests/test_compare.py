"""Baseline vs reform with common random numbers; winners and losers; small-group suppression."""

from __future__ import annotations

import numpy as np
import pytest

from kinerja_sim import compare, outcomes, simulate
from kinerja_sim.scenario import load_scenario


@pytest.fixture(scope="module")
def runs(small_workforce):
    base = simulate(small_workforce, load_scenario("status_quo"), periods=3, replications=4)
    kurva = simulate(small_workforce, load_scenario("permenpanrb_6_2022_kurva"), periods=3,
                     replications=4)
    return base, kurva


def test_comparing_a_run_with_itself_gives_zero_deltas(runs):
    base, _ = runs
    c = compare(base, base)
    deltas = c.headline[c.headline["scenario"] == base.scenario.name].dropna(subset=["delta_mean"])
    finite = deltas[np.isfinite(deltas["delta_mean"])]
    assert len(finite) > 20
    assert (finite["delta_mean"] == 0).all()
    wl = c.winners_losers
    kept = wl[~wl["suppressed"]]
    assert (kept["share_up"] == 0).all() and (kept["mean_tpp_change"] == 0).all()


def test_reform_deltas_and_winners_losers(runs):
    base, kurva = runs
    c = compare(base, kurva)
    row = c.headline.set_index(["scenario", "metric"]).loc[
        (kurva.scenario.name, "predikat.share_baik")]
    assert row["delta_mean"] < -0.1  # the curve caps Baik at 70 % per OPD
    assert row["delta_lo"] <= row["delta_mean"] <= row["delta_hi"]
    moved = c.headline.set_index(["scenario", "metric"]).loc[
        (kurva.scenario.name, "distribution.moved"), "mean"]
    assert moved > 0
    wl = c.winners_losers
    assert set(wl["dimension"]) == set(outcomes.GROUP_COLUMNS)
    small = wl[wl["n"] < 10]
    assert small["suppressed"].all()
    assert small[["share_up", "share_down", "mean_tpp_change"]].isna().all().all()
    big = wl[wl["n"] >= 10]  # shown, unless hidden to protect a small group (complementary)
    assert (~big["suppressed"] | (big["suppression"] == "complementary")).all()
    assert big.loc[~big["suppressed"], "share_down"].notna().all()
    # people moved down lose rupiah on average
    by_gender = wl[(wl["dimension"] == "gender")]
    assert (by_gender["mean_tpp_change"] < 0).all()


def test_delta_equals_difference_of_paired_replications(runs):
    base, kurva = runs
    pb, pk = outcomes.per_replication(base), outcomes.per_replication(kurva)
    c = compare(base, kurva).headline.set_index(["scenario", "metric"])
    d = pk["allowance.gini"][:, -1] - pb["allowance.gini"][:, -1]
    assert c.loc[(kurva.scenario.name, "allowance.gini"), "delta_mean"] == pytest.approx(d.mean())


def test_mismatched_runs_are_refused(runs, small_workforce):
    base, _ = runs
    other = simulate(small_workforce, load_scenario("status_quo"), periods=3, replications=2)
    with pytest.raises(ValueError, match="common random numbers"):
        compare(base, other)


def test_group_table_suppresses_small_groups(runs):
    base, _ = runs
    g = outcomes.group_table(base)
    small = g[g["n"] < 10]
    assert not small.empty and small["suppressed"].all()
    assert small[["mean_residual", "share_sangat_baik", "mean_tpp"]].isna().all().all()


def test_trajectories_have_every_period(runs):
    base, _ = runs
    tr = outcomes.trajectories(base)
    assert set(tr["period"]) == {0, 1, 2}
    row = tr[(tr["metric"] == "motivation.index")]
    assert (row["lo"] <= row["mean"]).all() and (row["mean"] <= row["hi"]).all()
