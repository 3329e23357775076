"""Robustness analysis: SALib through our code path (Ishigami), zero index for a pathless
parameter on the engine, plausible ranges as data, tipping values, verdicts, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kinerja_sim.batch import robustness as rb
from kinerja_sim.batch import sweep as sw
from kinerja_sim.errors import InputError
from kinerja_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
#: Analytic Ishigami indices (a = 7, b = 0.1), as in SALib's own regression tests.
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(row: np.ndarray) -> float:
    x1, x2, x3 = row
    return float(np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1))


# ---------------------------------------------------------------- SALib through our code path

def test_ishigami_sobol_indices_match_analytic_values_through_analyse():
    model = rb.function_model(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3, ishigami)
    tables = rb.analyse(model, sw.Runner(progress=False), trajectories=10, sobol_top=3,
                        sobol_n=2048, seed=3)
    so = tables["sobol"].set_index("parameter")
    assert set(so.index) == {"x1", "x2", "x3"}  # Morris kept all three (x3 interacts)
    for p in ISHIGAMI_S1:  # SALib's stated tolerance: atol 5e-2, rtol 1e-1
        np.testing.assert_allclose(so.loc[p, "S1"], ISHIGAMI_S1[p], atol=5e-2, rtol=1e-1)
        np.testing.assert_allclose(so.loc[p, "ST"], ISHIGAMI_ST[p], atol=5e-2, rtol=1e-1)
    mo = tables["morris"].set_index("parameter")
    # Morris screening: x3 acts only through its interaction with x1, the smallest mu*
    assert mo.loc["x3", "mu_star"] < mo.loc["x1", "mu_star"]
    assert mo.loc["x3", "mu_star"] < mo.loc["x2", "mu_star"]


def test_most_influential_skips_parameters_without_effect():
    m = pd.DataFrame({"output": ["a", "a", "a", "b", "b", "b"],
                      "parameter": ["p", "q", "r"] * 2,
                      "mu_star": [10.0, 1.0, 0.0, 0.001, 0.002, 0.0]})
    assert rb.most_influential(m, 3) == ["p", "q"]  # q leads output b (relative mu*)
    assert rb.most_influential(m, 1) == ["p"]


# ---------------------------------------------------------------- a pathless parameter

@pytest.fixture(scope="module")
def zero_case():
    """kpi vs status quo on 300 employees, varying a TPP amount nobody receives (kelas 17:
    no Binjai position has it) and the resistance effort penalty (which reaches output)."""
    base, reform = load_scenario("status_quo"), load_scenario("kpi_objektif_binjai")
    unc = [rb.Uncertain("tpp.base_amount.by_kelas.17", 1.0e7, 3.0e7, "test"),
           rb.Uncertain("behaviour.resistance.effort_penalty", 0.0, 0.8, "test")]
    model = rb.scenario_model([reform], base, unc, seed=5, periods=2, replications=2,
                              workforce=sw.WorkforceKey("binjai", 2026, 300),
                              metrics=("objectivity.spearman", "service.true_output"))
    run = sw.Runner(progress=False)
    _, m_table = rb.morris(model, run, trajectories=3, seed=5)
    _, s_table = rb.sobol(model, run, n=8, seed=5)
    return m_table, s_table


def test_tpp_amount_has_zero_index_on_objectivity(zero_case):
    m_table, s_table = zero_case
    out = "kpi_objektif_binjai|objectivity.spearman"
    mo = m_table[m_table["output"] == out].set_index("parameter")
    so = s_table[s_table["output"] == out].set_index("parameter")
    tpp = "tpp.base_amount.by_kelas.17"
    assert mo.loc[tpp, "mu_star"] == 0.0  # common random numbers: identical worlds
    assert abs(so.loc[tpp, "ST"]) <= max(so.loc[tpp, "ST_conf"], 1e-12)
    assert abs(so.loc[tpp, "S1"]) <= max(so.loc[tpp, "S1_conf"], 1e-12)


def test_a_parameter_with_a_path_gets_a_nonzero_index(zero_case):
    m_table, _ = zero_case
    out = "kpi_objektif_binjai|service.true_output"
    mo = m_table[m_table["output"] == out].set_index("parameter")
    assert mo.loc["behaviour.resistance.effort_penalty", "mu_star"] > 0


# ---------------------------------------------------------------- plausible ranges as data

def _default(sc, path: str):
    block, *rest = path.split(".")
    node = {"behaviour": sc.behaviour_params, "rollout": sc.rollout_params,
            "raters": sc.rater_params, "measurement": sc.catalogue, "tpp": sc.tpp_params}[block]
    for part in rest:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return float(node)


REFORMS = ["kpi_objektif_binjai", "permenpanrb_6_2022", "pp30_2019_70_30", "pp46_2011",
           "kpi_objektif_binjai_rollout", "permenpanrb_6_2022_kurva", "pp30_2019_60_40"]


@pytest.mark.parametrize("u", rb.plausible_ranges(), ids=lambda u: u.path)
def test_every_range_loads_contains_its_default_and_says_why(u):
    assert u.low < u.high and len(u.why) > 20 and u.applies_to in ("both", "reform")
    names = ["status_quo", *REFORMS] if u.applies_to == "both" else REFORMS
    for name in names:
        for value in (u.low, u.high):
            # raises InputError if out of domain (a world may be inert in some scenarios)
            load_scenario(name, {u.path: value}, inert="allow")
        if u.applies_to == "both" or name != "status_quo":
            d = _default(load_scenario(name), u.path)
            assert u.low <= d <= u.high, f"{name}: default {d} outside {u.low}..{u.high}"


def test_ranges_cover_behaviour_rollout_rater_and_measurement_blocks():
    blocks = {u.path.split(".")[0] for u in rb.plausible_ranges()}
    assert {"behaviour", "rollout", "raters", "measurement"} <= blocks


def test_unknown_range_path_is_an_input_error():
    with pytest.raises(InputError) as err:
        rb.plausible_ranges(["behaviour.nonsense"])
    assert "behaviour.nonsense" in err.value.message


# ---------------------------------------------------------------- analysis helpers

def test_tipping_value_is_the_interpolated_sign_change():
    d = rb.Design("t", np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 3.0]]),
                  {"y": np.array([-1.0, 3.0, 5.0])}, pairs=[(0, 1, 0), (1, 2, 1)])
    tip = rb.tipping_values(d, ["a", "b"])
    assert len(tip) == 1 and tip.loc[0, "parameter"] == "a"
    assert tip.loc[0, "value"] == pytest.approx(0.25)


def test_tornado_bars_are_means_at_the_ends_of_the_range():
    x = np.array([[0.0], [0.1], [0.5], [0.9], [1.0]])
    d = rb.Design("t", x, {"y": np.array([1.0, 3.0, 100.0, 5.0, 7.0])})
    tb = rb.tornado(d, ["a"], [(0.0, 1.0)])
    assert tb.loc[0, "at_low"] == 2.0 and tb.loc[0, "at_high"] == 6.0


def test_verdict_says_share_and_what_it_hangs_on_in_both_languages():
    row = pd.Series({"share_better": 0.83, "metric": "service.true_output",
                     "hangs_on": "behaviour.resistance.effort_penalty"})
    row = next(pd.DataFrame([row]).itertuples())
    text = rb.verdict(row, "id")
    assert "bertahan di 83 % dunia yang masuk akal" in text
    assert "bergantung pada behaviour.resistance.effort_penalty" in text
    assert "holds in 83 % of plausible worlds" in rb.verdict(row, "en")


def test_verdict_for_a_metric_without_a_better_side_says_where_it_rises():
    row = next(pd.DataFrame([{"share_better": 0.0, "metric": "allowance.mean_tpp",
                              "hangs_on": "", "direction": 0}]).itertuples())
    text = rb.verdict(row, "id")
    assert "naik dibanding pembanding di 0 % dunia" in text and "bertahan" not in text


# ---------------------------------------------------------------- end to end

def test_cli_robustness_writes_verdicts_tornado_and_worlds(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja_sim.cli", "robustness", "kpi_objektif_binjai",
         "--baseline", "status_quo", "--n", "300", "--periods", "2", "--replications", "2",
         "--trajectories", "2", "--sobol-top", "1", "--sobol-n", "2",
         "--param", "behaviour.resistance.effort_penalty",
         "--param", "rollout.understanding_rule.familiar", "--out", str(tmp_path), "--no-progress"],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "dunia yang masuk akal" in proc.stdout
    wb = openpyxl.load_workbook(tmp_path / "robustness.xlsx")
    assert {"ringkasan", "morris", "sobol", "titik_balik", "tornado", "rentang",
            "tentang"} <= set(wb.sheetnames)
    worlds = pd.read_parquet(tmp_path / "robustness_worlds.parquet")
    assert len(worlds) == 2 * 3 + 2 * 3  # Morris r(k+1) + Sobol n(k+2) with k = 2, 1
    assert (tmp_path / "tornado_kpi_objektif_binjai.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_robustness_unknown_parameter_exits_1():
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja_sim.cli", "robustness", "kpi_objektif_binjai",
         "--baseline", "status_quo", "--param", "behaviour.nope"],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 1 and "behaviour.nope" in proc.stderr
    assert "Traceback" not in proc.stderr
