"""GroupIndex (the designer's fast group metrics) agrees with compare and outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_sim import outcomes, simulate
from kinerja_sim.compare import winners_losers
from kinerja_sim.metrics.grouped import GroupIndex


@pytest.fixture(scope="module")
def pair(small_workforce):
    base = simulate(small_workforce, "status_quo", periods=1)
    reform = simulate(small_workforce, "kpi_objektif_binjai", periods=1)
    return base, reform


def _final(sim, field):
    return sim.panel[field][0, -1]


def test_winners_losers_match_compare(pair):
    base, reform = pair
    idx = GroupIndex(reform.employees, outcomes.GROUP_COLUMNS)
    fast = idx.winners_losers(_final(base, "predikat"), _final(reform, "predikat"),
                              _final(base, "tpp_total"), _final(reform, "tpp_total"))
    slow = winners_losers(base, reform).drop(columns="scenario")
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True),
                                  check_dtype=False)
    assert fast["suppressed"].any() and not fast["suppressed"].all()


def test_four_fifths_and_parity_gap_match_outcomes(pair):
    _, reform = pair
    per = outcomes.per_replication(reform)
    idx = GroupIndex(reform.employees, outcomes.HEADLINE_GROUPS)
    pred, score = _final(reform, "predikat"), _final(reform, "score")
    truth = _final(reform, "true_contribution")
    for g in outcomes.HEADLINE_GROUPS:
        expected_ff = per[f"fairness.four_fifths.{g}"][0, -1]
        expected_gap = per[f"fairness.parity_gap.{g}"][0, -1]
        np.testing.assert_allclose(idx.four_fifths_ratio(pred, g), expected_ff, equal_nan=True)
        np.testing.assert_allclose(idx.parity_gap(score, truth, g), expected_gap, rtol=1e-9,
                                   equal_nan=True)


def test_parity_gap_on_merit_for_a_scheme_without_score(pair):
    base, _ = pair
    assert np.isnan(_final(base, "score")).all()
    per = outcomes.per_replication(base)
    idx = GroupIndex(base.employees, ["gender"])
    gap = idx.parity_gap(_final(base, "merit"), _final(base, "true_contribution"), "gender")
    np.testing.assert_allclose(gap, per["fairness.parity_gap.gender"][0, -1], rtol=1e-9)


def test_small_groups_are_suppressed_with_a_complement_not_dropped():
    # b (3) is under 10; hiding it alone would leave it derivable from the total, so the next
    # smallest group (a, 12) is hidden too; c (20) is shown
    emp = pd.DataFrame({"g": ["a"] * 12 + ["b"] * 3 + ["c"] * 20})
    idx = GroupIndex(emp, ["g"])
    rates = idx.selection_rates(np.full(35, 4), "g")
    assert list(rates["group"]) == ["a", "b", "c"]
    assert rates["suppressed"].tolist() == [True, True, False]
    assert rates["rate"].isna().tolist() == [True, True, False]
    assert np.isnan(idx.four_fifths_ratio(np.full(35, 4), "g"))  # one group left


def test_wrong_length_is_an_error():
    idx = GroupIndex(pd.DataFrame({"g": ["a", "b"]}), ["g"])
    with pytest.raises(ValueError, match="2 values"):
        idx.selection_rates(np.zeros(3), "g")


