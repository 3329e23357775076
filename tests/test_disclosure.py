"""Complementary suppression: the differencing attack recovers no suppressed group cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_sim import outcomes
from kinerja_sim.cli import predikat_by_opd
from kinerja_sim.compare import winners_losers
from kinerja_sim.metrics import metrics_param
from kinerja_sim.metrics.disclosure import (
    publishable_groups,
    suppress_complementary,
    suppression_pattern,
)

MIN_N = metrics_param("min_group_size")


@pytest.fixture(scope="module")
def sims():
    from kinerja_sim import simulate
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import synthesize

    wf = synthesize("binjai", seed=5, n=600)  # golongan I has 4 employees, five OPDs 9
    base = simulate(wf, load_scenario("status_quo"), seed=1, periods=1, replications=2)
    reform = simulate(wf, load_scenario("permenpanrb_6_2022_kurva"), seed=1, periods=1,
                      replications=2)
    return base, reform


def _truth(sim, dim: str) -> pd.DataFrame:
    """The unsuppressed group values, computed here from the panel (replication means)."""
    labels = sim.employees[dim].astype(str).to_numpy()
    pred = sim.panel["predikat"][:, -1]
    tpp = sim.panel["tpp_total"][:, -1]
    rows = []
    for g in sorted(set(labels)):
        m = labels == g
        rows.append({"group": g, "n": int(m.sum()),
                     "share_sangat_baik": float(np.mean([(p[m] == 4).mean() for p in pred])),
                     "mean_tpp": float(np.mean([t[m].mean() for t in tpp]))})
    return pd.DataFrame(rows).set_index("group")


def _attack(published: pd.DataFrame, truth: pd.DataFrame, col: str) -> dict[str, float]:
    """Differencing: the overall total (N x overall mean, published in the headline) minus
    every shown n x value, divided by the n of a hidden cell -- exact when it hides alone."""
    total = float((truth["n"] * truth[col]).sum())
    shown = published[~published[col].isna()]
    rest = total - float((shown["n"] * shown[col]).sum())
    hidden = published[published[col].isna()]
    return {g: rest / n for g, n in zip(hidden["group"], hidden["n"], strict=True)}


def _identifiable(n_hidden: np.ndarray) -> list[bool]:
    """For each hidden cell: is its value a linear function of what is published?  One
    equation per dimension (sum of n x value over hidden cells = known); cell j is derivable
    iff its unit vector lies in the row space of that system."""
    a = np.asarray(n_hidden, dtype=float)[None, :]
    rank = np.linalg.matrix_rank(a)
    out = []
    for j in range(a.shape[1]):
        e = np.zeros((1, a.shape[1]))
        e[0, j] = 1
        out.append(np.linalg.matrix_rank(np.vstack([a, e])) == rank)
    return out


@pytest.mark.parametrize("dim", ["golongan", "opd"])
def test_differencing_attack_recovers_nothing_from_the_group_table(sims, dim):
    sim = sims[0]
    table = outcomes.group_table(sim)
    pub = table[table["dimension"] == dim].reset_index(drop=True)
    truth = _truth(sim, dim)
    primary = pub.loc[pub["suppression"] == "primary", "group"].tolist()
    assert primary, "the fixture must have small groups to protect"
    for col in ("share_sangat_baik", "mean_tpp"):
        # the attack is real: on primary-only suppression it recovers the cell to 12 digits
        naive = pub.copy()
        comp = naive["suppression"] == "complementary"
        naive.loc[comp, col] = truth.loc[naive.loc[comp, "group"], col].to_numpy()
        if (naive["suppression"] == "primary").sum() == 1:
            (g, got), = _attack(naive, truth, col).items()
            assert got == pytest.approx(truth.loc[g, col], rel=1e-12, abs=1e-12)
        # ...and on the published table it recovers nothing: no hidden cell is a linear
        # function of what is shown (n, shown values, the total) ...
        hidden = pub[pub[col].isna()]
        assert len(hidden) >= 2 and not any(_identifiable(hidden["n"].to_numpy()))
        if col == "mean_tpp":
            # ... and two different truths publish the identical table: move some rupiah
            # between the first two hidden groups (both means stay positive)
            a, b = hidden["group"].iloc[:2]
            d = 0.5 * min(truth.loc[a, col] * truth.loc[a, "n"],
                          truth.loc[b, col] * truth.loc[b, "n"])
            other = truth.copy()
            other.loc[a, col] += d / other.loc[a, "n"]
            other.loc[b, col] -= d / other.loc[b, "n"]
            assert (other[col] > 0).all() and not np.isclose(other.loc[a, col],
                                                              truth.loc[a, col])
            assert _attack(pub, other, col) == pytest.approx(_attack(pub, truth, col))
    hidden = pub[pub["suppressed"]]
    assert len(hidden) >= 2 and hidden["n"].sum() >= MIN_N
    assert pub["n"].notna().all()  # sizes stay visible


def test_golongan_i_is_protected_by_a_complementary_cell(sims):
    pub = outcomes.group_table(sims[0])
    gol = pub[pub["dimension"] == "golongan"].set_index("group")
    assert gol.loc["I", "suppression"] == "primary" and gol.loc["I", "n"] < MIN_N
    comp = gol[gol["suppression"] == "complementary"]
    assert len(comp) == 1 and comp["n"].iloc[0] == gol.loc[gol["n"] >= MIN_N, "n"].min()


def test_winners_losers_suppression_is_complementary(sims):
    base, reform = sims
    wl = winners_losers(base, reform)
    for dim, part in wl.groupby("dimension"):
        hidden = part[part["suppressed"]]
        if len(hidden):
            assert len(hidden) >= 2 and hidden["n"].sum() >= MIN_N, dim
            assert hidden[["share_up", "share_down", "mean_tpp_change"]].isna().all().all()
        assert (part.loc[part["n"] < MIN_N, "suppressed"]).all()


def test_predikat_by_opd_hides_no_single_row(sims):
    df = sims[0].final
    table = predikat_by_opd(df)
    hidden = table["total"].isna()
    sizes = df["opd"].astype(str).value_counts()
    assert hidden.sum() >= 2 and sizes[table.index[hidden]].sum() >= MIN_N
    # the overall distribution minus the shown rows gives only the hidden rows' sum
    overall = df["predikat"].value_counts()
    shown = table.loc[~hidden].drop(columns="total").sum()
    rest = (overall - shown.reindex(overall.index, fill_value=0)).astype(int)
    for opd in table.index[hidden]:
        own = df.loc[df["opd"].astype(str) == opd, "predikat"].value_counts()
        assert not rest.equals(own.reindex(rest.index, fill_value=0).astype(int)), opd


def test_single_small_group_gets_the_next_smallest_as_complement():
    assert suppression_pattern([3, 50, 40, 60], 10).tolist() == [
        "primary", "", "complementary", ""]
    # two small groups together still under min_n: one more cell goes
    assert suppression_pattern([3, 4, 100, 90], 10).tolist() == [
        "primary", "primary", "", "complementary"]
    # enough small groups protect each other
    assert suppression_pattern([2, 3, 9, 40], 10).tolist() == [
        "primary", "primary", "primary", ""]
    assert suppression_pattern([12, 15], 10).tolist() == ["", ""]
    assert suppression_pattern([3, 500], 10).tolist() == ["primary", "complementary"]


def test_pattern_depends_on_sizes_only_and_ties_break_by_order():
    a = suppression_pattern([5, 20, 20, 30], 10)
    assert a.tolist() == ["primary", "complementary", "", ""]


def test_suppress_complementary_by_table_and_count_tables():
    t = pd.DataFrame({"scenario": ["a"] * 3 + ["b"] * 3, "group": list("xyz") * 2,
                      "n": [4, 30, 50, 40, 30, 50], "v": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    out = suppress_complementary(t, "n", ["v"], 10, by=["scenario"])
    assert out["suppression"].tolist() == ["primary", "complementary", "", "", "", ""]
    assert out["v"].isna().tolist() == [True, True, False, False, False, False]
    counts = pd.DataFrame({"group": list("xyz"), "n": [4, 30, 50]})
    out = suppress_complementary(counts, "n", ["n"], 10)
    assert out["n"].isna().tolist() == [True, True, False]


def test_publishable_groups_leave_out_hidden_ones():
    labels = ["a"] * 4 + ["b"] * 30 + ["c"] * 50
    assert publishable_groups(labels, 10) == {"c"}


def test_headline_gaps_use_only_publishable_groups(sims):
    """The parity gap over golongan is computed only over the groups the table shows."""
    from kinerja_sim import metrics as mt

    sim = sims[0]
    per = outcomes.per_replication(sim)
    labels = sim.employees["golongan"].astype(str).to_numpy()
    shown = publishable_groups(labels)
    assert "I" not in shown and len(shown) == 2
    pn = sim.panel
    raw = pn["score"][0, -1] if not np.isnan(pn["score"]).all() else pn["merit"][0, -1]
    score = (raw - np.nanmean(raw)) / np.nanstd(raw)
    par = mt.conditional_parity(score, pn["true_contribution"][0, -1], labels)
    kept = par[par["group"].astype(str).isin(shown)]["mean_residual"]
    assert per["fairness.parity_gap.golongan"][0, -1] == pytest.approx(kept.max() - kept.min())
