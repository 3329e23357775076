"""One scenario against the baseline: the tables and files of ``notebooks/laporan_skenario``.

The report notebook only calls :func:`laporan_skenario` and displays what it returns, so the
same tables come out of the notebook (under plain ``papermill`` or ``kinerja-sim run``) and of
this function called from Python. Both scenarios run on the same workforce with the same seed
(common random numbers, :func:`kinerja_sim.compare`), so every delta is the policy's.

Files written into ``output_dir`` (all through :mod:`kinerja_sim.report.files`, atomic):
Parquet tables carrying the provenance record in their metadata, and PNG figures. No table has
an identifier column; group cells with fewer than 10 employees are suppressed by the engine's
tables (``suppressed`` column, value NaN).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kinerja_sim import metrics as mt
from kinerja_sim import outcomes
from kinerja_sim.batch.cache import baseline_key, wait_for_baseline
from kinerja_sim.compare import Comparison, compare
from kinerja_sim.dynamics import Simulation
from kinerja_sim.labels import t
from kinerja_sim.metrics.grouped import GroupIndex
from kinerja_sim.provenance import provenance
from kinerja_sim.report import figures
from kinerja_sim.report.comparison import (
    DEFAULT_TRAJECTORIES,
    assumptions_text,
    headline_text,
)
from kinerja_sim.report.files import save_figure, write_parquet
from kinerja_sim.scenario import Scenario, find_scenario, load_scenario
from kinerja_sim.simulate import resolve_workforce, simulate
from kinerja_sim.workforce.model import Workforce

#: Result tables of one scenario (file stem -> what it holds).
TABLES = {
    "ringkasan": "headline metrics of baseline and scenario, deltas with 90 % intervals",
    "predikat": "predikat distribution (final period) of baseline and scenario",
    "keadilan": "four-fifths test per group (final period) of baseline and scenario",
    "menang_kalah": "winners and losers by group against the baseline",
    "kelompok": "group outcomes of baseline and scenario",
    "lintasan": "every metric per quarter (mean, 90 % interval), baseline and scenario",
    "panel_metrik": "every metric per replication and quarter, scenario only",
    "asumsi": "named assumptions of baseline and scenario (initial understanding) with ranges",
}
#: Figures of one scenario (file stem).
FIGURES = ("predikat", "lintasan", "menang_kalah")
#: Dimension of the winners-and-losers figure.
WINNERS_LOSERS_FIGURE_DIMENSION = "rumpun"


@dataclass
class ScenarioReport:
    """What :func:`laporan_skenario` computed and wrote."""

    scenario: Scenario
    baseline: Scenario
    comparison: Comparison
    lang: str
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    provenance: dict[str, str]
    baseline_from_cache: bool = False
    _display: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def headline(self) -> pd.DataFrame:
        """Headline table for display: one row per metric, value and delta [90 % interval]."""
        return headline_text(self.comparison.headline, self.baseline.name, self.lang)

    @property
    def predikat(self) -> pd.DataFrame:
        """Predikat shares (%) side by side, one column per scenario."""
        p = self.tables["predikat"]
        cells = p["label"] + " " + (100 * p["mean"]).map("{:.1f}%".format)
        return (p.assign(cell=cells).pivot(index="code", columns="scenario", values="cell")
                .sort_index(ascending=False)[list(dict.fromkeys(p["scenario"]))])

    @property
    def fairness(self) -> pd.DataFrame:
        """Four-fifths test per group; ``adverse_impact`` True flags a ratio under 0.8."""
        return self.tables["keadilan"].round(3)

    @property
    def winners_losers(self) -> pd.DataFrame:
        return self.tables["menang_kalah"].round(3)

    @property
    def assumptions(self) -> pd.DataFrame:
        """The named assumptions (initial understanding of each scheme) with their ranges."""
        return assumptions_text(self.tables["asumsi"], self.lang)

    def show(self, figure: str):
        """The saved PNG ``figure`` ("predikat", "lintasan", "menang_kalah") for display."""
        from IPython.display import Image

        return Image(data=self.files[f"{figure}.png"].read_bytes())

    def summary(self) -> str:
        """One line: where the files went and whether the batch's shared baseline was used."""
        key = "batch.report_written_cached" if self.baseline_from_cache else \
            "batch.report_written"
        return t(key, self.lang, n=len(self.files), path=str(next(iter(
            self.files.values())).parent))


def warm_caches() -> None:
    """Parse the label table, the parameter files and the default workforce profile, which
    every report reads and each process caches (~0.5 s the first time): a kernel that does it
    while it waits for its notebook, or the template that kernels are forked from
    (:mod:`kinerja_sim.batch.forkserver`), spares each report the work."""
    from kinerja_sim.labels import table

    table()
    resolve_batch_workforce(load_scenario(find_scenario("status_quo")))


def resolve_scenario(ref: str | Path | Scenario, overrides: dict | None = None) -> Scenario:
    """A scenario from a :class:`Scenario`, a file path or a bundled name."""
    return ref if isinstance(ref, Scenario) else load_scenario(find_scenario(ref), overrides)


def resolve_batch_workforce(base: Scenario, profile: str | None = None,
                            data: str | Path | None = None) -> Workforce:
    """The workforce of a report: a real file (``data``), a profile, or the baseline's own."""
    if data:
        from kinerja_sim.workforce import load_workforce

        return load_workforce(data)
    return resolve_workforce(profile, base)


def laporan_skenario(scenario: str | Path | Scenario, baseline: str | Path | Scenario,
                     profile: str | None = "binjai", data: str | Path | None = None,
                     periods: int = 8, replications: int = 20, seed: int | None = None,
                     lang: str = "id", output_dir: str | Path = "hasil/laporan",
                     overrides: dict | None = None, baseline_cache: str | Path | None = None,
                     workforce: Workforce | None = None) -> ScenarioReport:
    """Run ``scenario`` against ``baseline`` (same workforce and seed) and write its files.

    ``baseline_cache`` names a file written by the batch runner (:mod:`kinerja_sim.batch.cache`);
    it is used only when its key matches this run exactly, otherwise the baseline is simulated
    here with identical results. (If the runner is still writing it, this waits for it after
    simulating the scenario.) ``overrides`` (``{"raters.leniency_mean": 0}``) apply to both
    scenarios, like ``--set``. When ``scenario`` is the baseline itself the report shows the
    baseline alone.
    """
    base = resolve_scenario(baseline, overrides)
    sc = resolve_scenario(scenario, overrides)
    wf = workforce if workforce is not None else resolve_batch_workforce(base, profile, data)
    seed = base.spec.seed if seed is None else int(seed)
    key = baseline_key(base, seed, wf, periods, replications)
    same = sc.hash == base.hash
    # the scenario first: a batch computes the shared baseline meanwhile
    reforms = [] if same else [simulate(wf, sc, seed=seed, periods=periods,
                                        replications=replications)]
    reform_tables = [baseline_tables(s) for s in reforms]
    cached = wait_for_baseline(baseline_cache, key)
    from_cache = cached is not None
    if cached is None:
        base_sim = simulate(wf, base, seed=seed, periods=periods, replications=replications)
        base_tables = baseline_tables(base_sim)
    else:
        base_sim, base_tables = cached
    comp = compare(base_sim, reforms)
    sims = comp.simulations
    prov = provenance(sc, seed, wf, baseline=base.name, baseline_hash=base.hash,
                      periods=periods, replications=replications, lang=lang)
    own = [base_tables, *reform_tables]
    tables = {"ringkasan": comp.headline,
              **{k: pd.concat([o[k] for o in own], ignore_index=True) for k in BASELINE_TABLES},
              "menang_kalah": comp.winners_losers if not same else _empty_winners_losers(),
              "panel_metrik": metric_panel(sims[-1]),
              "asumsi": comp.assumptions}
    tables = {k: tables[k] for k in TABLES}
    out = Path(output_dir)
    meta = {"kinerja_sim.provenance": json.dumps(prov, sort_keys=True), **prov}
    files = {f"{name}.parquet": write_parquet(out / f"{name}.parquet", df, meta)
             for name, df in tables.items()}
    for name, fig in report_figures(tables, lang).items():
        files[f"{name}.png"] = save_figure(fig, out / f"{name}.png")
    return ScenarioReport(sc, base, comp, lang, tables, files, prov, from_cache)


#: Tables that depend on one simulation only (the batch computes the baseline's once).
BASELINE_TABLES = ("predikat", "keadilan", "kelompok", "lintasan")


def baseline_tables(sim: Simulation) -> dict[str, pd.DataFrame]:
    """The tables of one simulation on its own: predikat, fairness, groups, trajectories."""
    name = sim.scenario.name
    return {"predikat": predikat_table(sim), "keadilan": fairness_table(sim),
            "kelompok": outcomes.group_table(sim).assign(scenario=name),
            "lintasan": outcomes.trajectories(sim).assign(scenario=name)}


def report_figures(tables: dict[str, pd.DataFrame], lang: str = "id") -> dict:
    """The figures of one scenario report, drawn from its tables."""
    figs = {"predikat": figures.predikat_bars(tables["predikat"], lang),
            "lintasan": figures.trajectory_lines(tables["lintasan"], DEFAULT_TRAJECTORIES,
                                                 lang)}
    figs["menang_kalah"] = figures.winners_losers_bars(
        tables["menang_kalah"], WINNERS_LOSERS_FIGURE_DIMENSION, lang)
    return figs


def predikat_table(sim: Simulation) -> pd.DataFrame:
    """Share of each predikat level in the final period: mean and 90 % interval over
    replications, with the scheme's own label for the level."""
    codes = sim.panel["predikat"][:, -1].astype(np.int64)
    shares = np.stack([np.bincount(r, minlength=5)[:5] / r.size for r in codes])
    rows = []
    for code in range(4, -1, -1):
        s = mt.summarize(shares[:, code])
        rows.append({"scenario": sim.scenario.name, "code": code, "label": sim.labels[code],
                     "mean": s["mean"], "lo": s["lo"], "hi": s["hi"]})
    return pd.DataFrame(rows)


def fairness_table(sim: Simulation) -> pd.DataFrame:
    """Four-fifths test on Sangat Baik per group (final period), over replications.

    Per group: selection rate and impact ratio (mean and 90 % interval across replications),
    ``adverse_impact`` = mean impact ratio below the threshold (metrics.yaml, 0.8) — missing
    when the group is suppressed (fewer than 10 employees) or not testable — and
    ``share_flagged``, the share of replications in which the group was flagged.
    """
    thr = float(mt.metrics_param("four_fifths_threshold"))
    min_n = int(mt.metrics_param("min_group_size"))
    final = sim.panel["predikat"][:, -1].astype(np.float64)
    # mt.adverse_impact's definitions, on group codes built once for every replication
    index = GroupIndex(sim.employees, outcomes.HEADLINE_GROUPS, min_n=min_n)
    rows = []
    for dim in outcomes.HEADLINE_GROUPS:
        counts, rates = zip(*(index.rates(p, dim) for p in final), strict=True)
        n, rate = np.stack(counts), np.stack(rates)  # (replications, groups)
        suppressed = n < min_n
        rate = np.where(suppressed, np.nan, rate)
        best = np.nanmax(np.where(suppressed, -np.inf, rate), axis=1, initial=-np.inf)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where((best > 0)[:, None], rate / best[:, None], np.nan)
        for j, group in enumerate(index.names[dim]):
            r = mt.summarize(ratio[:, j])
            tested = ~np.isnan(ratio[:, j])
            mean_ratio = r["mean"]
            rows.append({
                "scenario": sim.scenario.name, "dimension": dim, "group": str(group),
                "n": int(n[0, j]), "suppressed": bool(suppressed[0, j]),
                "rate": mt.summarize(rate[:, j])["mean"], "impact_ratio": mean_ratio,
                "impact_ratio_lo": r["lo"], "impact_ratio_hi": r["hi"],
                "adverse_impact": pd.NA if np.isnan(mean_ratio) else bool(mean_ratio < thr),
                "share_flagged": (float(np.sum(ratio[tested, j] < thr) / tested.sum())
                                  if tested.any() else np.nan),
            })
    out = pd.DataFrame(rows)
    out["adverse_impact"] = out["adverse_impact"].astype("boolean")
    return out


def metric_panel(sim: Simulation) -> pd.DataFrame:
    """Every headline metric per replication and quarter (long table), one scenario."""
    per = outcomes.per_replication(sim)
    R, P = sim.replications, sim.periods
    rep, per_idx = np.meshgrid(np.arange(R), np.arange(P), indexing="ij")
    return pd.concat([pd.DataFrame({"scenario": sim.scenario.name, "metric": key,
                                    "replication": rep.ravel(), "period": per_idx.ravel(),
                                    "value": values.ravel()})
                      for key, values in per.items()], ignore_index=True)


def _empty_winners_losers() -> pd.DataFrame:
    return pd.DataFrame({"scenario": pd.Series(dtype=str), "dimension": pd.Series(dtype=str),
                         "group": pd.Series(dtype=str), "n": pd.Series(dtype=np.int64),
                         "share_up": pd.Series(dtype=float),
                         "share_down": pd.Series(dtype=float),
                         "mean_tpp_change": pd.Series(dtype=float),
                         "suppressed": pd.Series(dtype=bool)})
