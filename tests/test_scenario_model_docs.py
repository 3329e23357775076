"""docs/model.md matches the code (issue 10 item 4): documented equations, evaluated by hand for
a few employees, give the engine's values; the parameter-domain table is the models' own."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

from kinerja_sim.scenario import load_scenario
from kinerja_sim.scenario_checks import domains_markdown
from kinerja_sim.simulate import simulate

DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"
FEW = np.array([0, 1, 17, 123, 456, 899])  # a few employees of the 900

#: status quo with deterministic raters (every rater sd 0, so consistency = 1) and no gaming, so
#: the documented equations can be evaluated exactly
EXACT = {
    "raters.leniency_sd": 0.0, "raters.central_tendency_sd": 0.0, "raters.halo_sd": 0.0,
    "raters.error_sd": 0.0, "raters.value_specific_sd": 0.0,
    "behaviour.gaming.propensity": 0.0,
}


def _doc_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- domains:start -->\n(.*?)\n<!-- domains:end -->", text, flags=re.S)
    assert m, "the Parameter domains table is missing from docs/model.md"
    return m.group(1)


def test_parameter_domain_table_in_the_docs_is_the_models_table():
    assert _doc_table() == domains_markdown()
    assert "`raters.halo_sd` | number >= 0" in _doc_table()
    assert "`rollout.sosialisasi.coverage` | number in [0, 1]" in _doc_table()


def _resistance_period0(sc, consistency: float) -> float:
    """docs/model.md §5 at period 0: DJ = 0, accuracy = expectancy prior, no sosialisasi yet."""
    p, ro = sc.behaviour_params, sc.rollout_params
    w = p.justice.procedural_weights
    u = sc.understanding.value
    pj = np.clip(w.understanding * u + w.rater_consistency * consistency + w.voice * ro.voice
                 + w.accuracy * np.clip(p.expectancy.prior, 0, 1), 0, 1)
    r = p.resistance
    return float(expit(r.intercept + r.procedural_injustice * (1 - pj) - r.understanding * u))


@pytest.mark.parametrize("leniency_sd, consistency", [(3.0, 0.5), (9.0, 0.0)])
def test_period0_resistance_and_effort_follow_the_documented_equations(
        small_workforce, leniency_sd, consistency):
    # consistency = clip(1 - sd/6, 0, 1): 9 points would give -0.5 without the clip
    sc = load_scenario("status_quo", {"raters.leniency_sd": leniency_sd,
                                      "behaviour.gaming.propensity": 0.0})
    sim = simulate(small_workforce, sc, seed=11, periods=1)
    res = _resistance_period0(sc, consistency)
    assert sim.panel["resistance"][0, 0, FEW] == pytest.approx(np.full(FEW.size, res))
    # period 0 is not "before any response": resistance already lowers effort
    e0 = small_workforce.latent("effort")[FEW]
    penalty = sc.behaviour_params.resistance.effort_penalty * res
    assert penalty > 0.05
    assert sim.panel["effort"][0, 0, FEW] == pytest.approx(e0 - penalty)
    assert sim.panel["effort_unmeasured"][0, 0, FEW] == pytest.approx(e0 - penalty)


def test_ratings_behaviour_and_true_contribution_follow_the_documented_equations(
        small_workforce):
    sc = load_scenario("status_quo", EXACT)
    df = simulate(small_workforce, sc, seed=11, periods=1).final
    rp = sc.rater_params
    res = _resistance_period0(sc, 1.0)
    a, e, psm = (small_workforce.latent(k)[FEW] for k in ("ability", "effort", "psm"))
    ebar = e - sc.behaviour_params.resistance.effort_penalty * res
    w = rp.true_behaviour
    b = (w.ability * a + w.effort * ebar + w.psm * psm) / np.sqrt(
        w.ability**2 + w.effort**2 + w.psm**2)
    assert df["sim_true_behaviour"].to_numpy()[FEW] == pytest.approx(b)
    # r = clip(84 + L + c * 7 * B, 0, 100) with L = leniency_mean and c = clip(c_mean, 0.4, 1)
    c = np.clip(rp.central_tendency_mean, rp.min_compression, 1.0)
    assert c == 0.4  # the status quo's 0.35 is below min_compression: the clip binds
    rating = np.clip(rp.center + rp.leniency_mean + c * rp.points_per_sd * b, 0, 100)
    assert df["perilaku_mean"].to_numpy()[FEW] == pytest.approx(rating)
    tc = sc.catalogue.true_contribution
    expected = (tc.results * df["sim_true_results"].to_numpy()[FEW] + tc.behaviour * b
                + tc.unmeasured * ebar)
    assert df["sim_true_contribution"].to_numpy()[FEW] == pytest.approx(expected)


def test_tpp_follows_the_documented_split(small_workforce):
    sc = load_scenario("status_quo")
    df = simulate(small_workforce, sc, seed=11, periods=1).final
    tp = sc.tpp_params
    f = np.asarray(tp.kinerja_factor.by_code)[df["predikat_code"].to_numpy()]
    split = tp.effective_split
    expected = df["tpp_base"] * (split.kinerja * f + split.disiplin * np.maximum(
        0, 1 - df["deduction_pct"] / 100))
    assert np.allclose(df["tpp_total"], expected)
    assert (split.kinerja, split.disiplin) == (0.6, 0.4)  # the 0.6 / 0.4 of docs §4


def test_expectancy_and_instrumentality_learn_as_documented(small_workforce):
    sc = load_scenario("status_quo")
    sim = simulate(small_workforce, sc, seed=11, periods=2)
    pn = sim.panel
    p = sc.behaviour_params
    u = sc.understanding.value
    rumpun = sim.employees["rumpun"].astype(str).to_numpy()
    assert np.allclose(pn["expectancy"][0, 0], p.expectancy.prior)
    assert np.allclose(pn["instrumentality"][0, 0], p.instrumentality.prior)
    for r in np.unique(rumpun):
        rows = np.flatnonzero(rumpun == r)
        rel = np.corrcoef(pn["merit"][0, 0, rows], pn["true_contribution"][0, 0, rows])[0, 1]
        target = u * np.clip(rel, 0, 1) + (1 - u) * p.expectancy.prior
        e1 = p.expectancy.prior + p.expectancy.learning_rate * (target - p.expectancy.prior)
        assert pn["expectancy"][0, 1, rows] == pytest.approx(np.full(rows.size, e1)), r
        tpp = pn["tpp_total"][0, 0, rows]
        ins = np.corrcoef(pn["merit"][0, 0, rows], tpp)[0, 1] if tpp.std() > 0 else 0.0
        i1 = p.instrumentality.prior + p.instrumentality.learning_rate * (
            ins - p.instrumentality.prior)
        assert pn["instrumentality"][0, 1, rows] == pytest.approx(np.full(rows.size, i1)), r


def test_documented_self_view_lenience_is_the_parameter():
    # docs §5: S = Phi(z + 0.32 + 0.9 eps); the numbers are the packaged parameters
    p = load_scenario("status_quo").behaviour_params.justice
    assert (p.self_view_bias_sd, p.self_view_noise_sd) == (0.32, 0.9)
    assert norm.cdf(0.32) > 0.5
