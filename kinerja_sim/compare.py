"""Baseline vs reform: metric deltas with intervals, and winners and losers by group.

Both scenarios run on the same workforce with the same seed, so their random draws are shared
(common random numbers) and the per-replication difference isolates the policy. Deltas are
summarised across replications like any metric (mean and 90 % interval of the paired deltas).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim import metrics as mt
from kinerja_sim import outcomes
from kinerja_sim.dynamics import Simulation
from kinerja_sim.metrics.disclosure import suppress_complementary
from kinerja_sim.scenario import Scenario, load_scenario
from kinerja_sim.workforce.model import Workforce


@dataclass
class Comparison:
    """Result of :func:`compare` / :func:`compare_scenarios`.

    ``headline``: one row per (scenario, metric): mean, lo, hi of the metric and delta_mean,
    delta_lo, delta_hi against the baseline (NaN for the baseline itself).
    ``winners_losers``: per (scenario, dimension, group): n, share_up, share_down (predikat
    moved up/down against the baseline, final period), mean_tpp_change (rupiah per month);
    groups under 10 employees and their complementary cells suppressed (``suppression``).
    """

    baseline: Simulation
    reforms: list[Simulation]
    headline: pd.DataFrame
    winners_losers: pd.DataFrame

    @property
    def simulations(self) -> list[Simulation]:
        return [self.baseline, *self.reforms]

    @property
    def assumptions(self) -> pd.DataFrame:
        """The named assumptions each scenario rests on, with their plausible range: today the
        baseline understanding of the scheme (:mod:`kinerja_sim.understanding`), the single
        largest driver of a ranking, shown so that no comparison hides it."""
        return assumptions_table([s.scenario for s in self.simulations])


def assumptions_table(scenarios: list[Scenario]) -> pd.DataFrame:
    """One row per (scenario, assumption): value, low, high, source (rule or scenario), and
    the elements the rule found new against today's practice."""
    rows = [{"scenario": sc.name, "assumption": a.name, "value": a.value, "low": a.low,
             "high": a.high, "source": a.source, "new_elements": ", ".join(a.new)}
            for sc in scenarios for a in [sc.understanding]]
    return pd.DataFrame(rows, columns=["scenario", "assumption", "value", "low", "high",
                                       "source", "new_elements"])


def _check_pair(baseline: Simulation, reform: Simulation) -> None:
    if (baseline.seed, baseline.replications, baseline.periods) != (
            reform.seed, reform.replications, reform.periods):
        raise ValueError("baseline and reform must share seed, periods and replications "
                         "(common random numbers)")
    if not baseline.employees["employee_id"].equals(reform.employees["employee_id"]):
        raise ValueError("baseline and reform must run on the same workforce")


def metric_deltas(baseline: Simulation, reform: Simulation,
                  base_per: dict | None = None) -> pd.DataFrame:
    """Final-period metrics of ``reform`` with paired deltas against ``baseline``."""
    _check_pair(baseline, reform)
    base_per = base_per or outcomes.per_replication(baseline)
    ref_per = outcomes.per_replication(reform)
    rows = []
    for key in outcomes.METRICS:
        value = mt.summarize(ref_per[key][:, -1])
        delta = mt.summarize(ref_per[key][:, -1] - base_per[key][:, -1])
        rows.append({"scenario": reform.scenario.name, "metric": key, "mean": value["mean"],
                     "lo": value["lo"], "hi": value["hi"], "delta_mean": delta["mean"],
                     "delta_lo": delta["lo"], "delta_hi": delta["hi"]})
    return pd.DataFrame(rows)


def winners_losers(baseline: Simulation, reform: Simulation) -> pd.DataFrame:
    """Who gains and who loses (final period, averaged over replications), by group."""
    _check_pair(baseline, reform)
    min_n = mt.metrics_param("min_group_size")
    d_pred = reform.panel["predikat"][:, -1] - baseline.panel["predikat"][:, -1]
    d_tpp = reform.panel["tpp_total"][:, -1] - baseline.panel["tpp_total"][:, -1]
    up, down, tpp = (d_pred > 0).mean(axis=0), (d_pred < 0).mean(axis=0), d_tpp.mean(axis=0)
    frames = []
    for g in outcomes.GROUP_COLUMNS:
        labels = reform.employees[g].astype(str)
        df = pd.DataFrame({"group": labels.to_numpy(), "up": up, "down": down, "tpp": tpp})
        agg = df.groupby("group", sort=True).agg(n=("up", "size"), share_up=("up", "mean"),
                                                 share_down=("down", "mean"),
                                                 mean_tpp_change=("tpp", "mean")).reset_index()
        agg = suppress_complementary(agg, "n", ["share_up", "share_down", "mean_tpp_change"],
                                     min_n)
        agg.insert(0, "dimension", g)
        agg.insert(0, "scenario", reform.scenario.name)
        frames.append(agg)
    return pd.concat(frames, ignore_index=True)


def compare(baseline: Simulation, reform: Simulation | list[Simulation]) -> Comparison:
    """Compare simulations already run with the same workforce, seed, periods, replications."""
    reforms = reform if isinstance(reform, list) else [reform]
    base_per = outcomes.per_replication(baseline)
    base_rows = pd.DataFrame([{
        "scenario": baseline.scenario.name, "metric": k, **_summary(base_per[k][:, -1]),
        "delta_mean": np.nan, "delta_lo": np.nan, "delta_hi": np.nan}
        for k in outcomes.METRICS])
    head = pd.concat([base_rows, *(metric_deltas(baseline, r, base_per) for r in reforms)],
                     ignore_index=True)
    wl = (pd.concat([winners_losers(baseline, r) for r in reforms], ignore_index=True)
          if reforms else pd.DataFrame())
    return Comparison(baseline, reforms, head, wl)


def _summary(values: np.ndarray) -> dict:
    s = mt.summarize(values)
    return {"mean": s["mean"], "lo": s["lo"], "hi": s["hi"]}


def compare_scenarios(scenarios: list[str | Path | Scenario], baseline: str | Path | Scenario,
                      workforce: Workforce | str | None = None, seed: int | None = None,
                      periods: int = 8, replications: int = 20, progress: bool = False,
                      ) -> Comparison:
    """Run the baseline and every scenario on one workforce and seed, then :func:`compare`."""
    from tqdm.auto import tqdm

    from kinerja_sim.simulate import resolve_workforce, simulate

    # names are checked against the workforce the run uses (default: each scenario's profile)
    base_sc = baseline if isinstance(baseline, Scenario) else load_scenario(
        baseline, workforce=workforce)
    scs = [s if isinstance(s, Scenario) else load_scenario(s, workforce=workforce)
           for s in scenarios]
    scs = [s for s in scs if s.hash != base_sc.hash]
    wf = resolve_workforce(workforce, base_sc)
    seed = base_sc.spec.seed if seed is None else seed
    runs = []
    for sc in tqdm([base_sc, *scs], disable=not progress, desc="skenario", unit="skenario"):
        runs.append(simulate(wf, sc, seed=seed, periods=periods, replications=replications))
    return compare(runs[0], runs[1:])
