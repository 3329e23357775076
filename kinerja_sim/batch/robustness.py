"""Robustness of a recommendation: global sensitivity of the headline deltas over plausible ranges.

Every behaviour magnitude is an assumption [M] (its sign comes from the literature, its size does
not). This module asks how much a reform's advantage over the baseline depends on them:

1. **Morris screening** (SALib) of every parameter in ``data/ranges.yaml``: elementary effects
   along one-at-a-time trajectories, ``mu*`` (mean absolute effect) with a bootstrap interval.
2. **Sobol indices** (SALib, Saltelli sampling) for the few parameters that matter most:
   first-order and total indices with intervals.
3. From all evaluated worlds: the **share of the plausible space** in which the reform beats the
   baseline, **tipping values** (where a delta changes sign along a one-at-a-time step), a
   **tornado** of the mean delta at each parameter's low and high end, and a plain-language
   **verdict** from the label table.

Each evaluated world is a sweep task (:mod:`kinerja_sim.batch.sweep`): the world's values are
applied to baseline and reform alike (``applies_to: both``) or to the reform only (``reform``),
and both run on the same workforce and seed, so the deltas are common-random-number deltas and
a parameter with no path to a metric gets an elementary effect of exactly zero. The analysis
code is generic over a :class:`Model` (names, bounds, a picklable point function), so the
Ishigami test function runs through exactly the same sampling, execution and analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from kinerja_sim.batch import sweep as sw
from kinerja_sim.errors import InputError, Problem
from kinerja_sim.labels import t
from kinerja_sim.params import load_yaml
from kinerja_sim.scenario import Scenario, find_scenario, load_scenario

#: The headline deltas a recommendation is judged on (issue 11 item 4).
HEADLINE = ("service.true_output", "motivation.index", "objectivity.spearman",
            "fairness.four_fifths.gender", "fairness.four_fifths.status",
            "fairness.four_fifths.rumpun", "fairness.four_fifths.golongan",
            "fairness.four_fifths.opd", "allowance.mean_tpp")
SEP = "|"
#: The budget of a quick test in the designer: Morris screening with one trajectory (k + 1
#: worlds), 4 quarters x 2 replications per world, no Sobol step. A ranking to look at while
#: designing, in well under a minute on Binjai; `kinerja-sim robustness` gives the figures to quote.
ROBUSTNESS_QUICK = {"periods": 4, "replications": 2, "trajectories": 1, "sobol_top": 0}


# ---------------------------------------------------------------- plausible ranges

@dataclass(frozen=True)
class Uncertain:
    """One [M] parameter with its plausible range (``data/ranges.yaml``)."""

    path: str
    low: float
    high: float
    why: str
    applies_to: Literal["both", "reform"] = "both"


def plausible_ranges(paths: Sequence[str] | None = None) -> list[Uncertain]:
    """The packaged ranges (all, or those at ``paths``, in that order)."""
    table = load_yaml("ranges.yaml")["parameters"]
    out = {p: Uncertain(p, float(v["low"]), float(v["high"]), v["why"],
                        v.get("applies_to", "both")) for p, v in table.items()}
    if paths is None:
        return list(out.values())
    missing = [p for p in paths if p not in out]
    if missing:
        raise InputError([Problem("data/ranges.yaml", p, "no plausible range for this path",
                                  expected=f"one of {sorted(out)}") for p in missing])
    return [out[p] for p in paths]


# ---------------------------------------------------------------- models

@dataclass
class Model:
    """What the analysis needs: parameter names and bounds, a picklable function run on each
    task, a way to turn sample rows into tasks and task results into outputs."""

    names: list[str]
    bounds: list[tuple[float, float]]
    func: Callable[[Any], Any]
    make_tasks: Callable[[np.ndarray], list[Any]]
    collect: Callable[[list[Any]], dict[str, np.ndarray]]

    @property
    def problem(self) -> dict:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    def restrict(self, keep: Sequence[str]) -> Model:
        """The same model with only ``keep`` varied (others stay at their defaults)."""
        idx = [self.names.index(k) for k in keep]

        def make(x: np.ndarray) -> list[Any]:
            full = np.full((x.shape[0], len(self.names)), np.nan)
            full[:, idx] = x
            return self.make_tasks(full)

        return Model([self.names[i] for i in idx], [self.bounds[i] for i in idx], self.func,
                     make, self.collect)


def function_model(names: Sequence[str], bounds: Sequence[tuple[float, float]],
                   func: Callable[[np.ndarray], float], output: str = "y") -> Model:
    """A model of a plain function of one parameter row (e.g. the Ishigami test function).

    NaN entries of a row (parameters not varied in a restricted model) are passed as NaN.
    """
    return Model(list(names), [tuple(b) for b in bounds], func,
                 lambda x: [row for row in np.asarray(x, float)],
                 lambda res: {output: np.asarray(res, float)})


def scenario_model(reforms: Sequence[Scenario], baseline: Scenario,
                   uncertain: Sequence[Uncertain], *, seed: int, periods: int,
                   replications: int, workforce: sw.WorkforceKey,
                   metrics: Sequence[str] = HEADLINE) -> Model:
    """Reforms against a baseline over the plausible ranges, as sweep tasks.

    A NaN in a row means "leave that parameter at the scenario's own value".
    """
    base_raw = sw.scenario_mapping(baseline)
    raws = [sw.scenario_mapping(r) for r in reforms]
    names = [u.path for u in uncertain]
    both = [u.applies_to == "both" for u in uncertain]

    def make(x: np.ndarray) -> list[sw.Task]:
        tasks = []
        for i, row in enumerate(np.asarray(x, float)):
            world = {n: float(v) for n, v, b in zip(names, row, both, strict=True)
                     if b and np.isfinite(v)}
            own = {n: float(v) for n, v, b in zip(names, row, both, strict=True)
                   if not b and np.isfinite(v)}
            tasks.append(sw.Task(i, base_raw, world,
                                 tuple((raw, {**world, **own}) for raw in raws),
                                 seed, periods, replications, workforce))
        return tasks

    def collect(results: list[dict]) -> dict[str, np.ndarray]:
        out = {}
        for j, sc in enumerate(reforms):
            for m in metrics:
                out[f"{sc.name}{SEP}{m}"] = np.array(
                    [r["reforms"][j][f"{m}.delta_mean"] for r in results], float)
        return out

    return Model(names, [(u.low, u.high) for u in uncertain], sw.evaluate, make, collect)


# ---------------------------------------------------------------- the analyses

@dataclass
class Design:
    """Evaluated sample rows and the outputs at each."""

    method: str
    x: np.ndarray
    y: dict[str, np.ndarray]
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (row a, row b, param)


def evaluate_design(model: Model, x: np.ndarray, run: sw.Runner, method: str,
                    desc: str | None = None) -> Design:
    results = run.map(model.func, model.make_tasks(x), desc=desc)
    return Design(method, x, model.collect(results))


def morris(model: Model, run: sw.Runner, trajectories: int = 4, levels: int = 4,
           seed: int = 2026) -> tuple[Design, pd.DataFrame]:
    """Morris screening: ``trajectories * (k + 1)`` evaluations; per output and parameter
    ``mu``, ``mu_star``, ``mu_star_conf`` (95 % bootstrap half-width) and ``sigma``."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    problem = model.problem
    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    design = evaluate_design(model, x, run, "morris", desc=t("robustness.progress_morris",
                                                            run.lang))
    k = len(model.names)
    for start in range(0, x.shape[0], k + 1):  # one parameter changes per step of a trajectory
        for a in range(start, start + k):
            moved = np.flatnonzero(~np.isclose(x[a], x[a + 1]))
            if moved.size == 1:
                design.pairs.append((a, a + 1, int(moved[0])))
    rows = []
    for out, y in design.y.items():
        if np.all(y == y[0]):  # no variation at all: every effect is exactly zero
            si = {"mu": np.zeros(k), "mu_star": np.zeros(k), "mu_star_conf": np.zeros(k),
                  "sigma": np.zeros(k)}
        else:
            si = analyze.analyze(problem, x, y, num_levels=levels, conf_level=0.95,
                                 num_resamples=200, seed=seed)
        for i, name in enumerate(model.names):
            rows.append({"output": out, "parameter": name, "mu": float(si["mu"][i]),
                         "mu_star": float(si["mu_star"][i]),
                         "mu_star_conf": float(si["mu_star_conf"][i]),
                         "sigma": float(si["sigma"][i])})
    return design, pd.DataFrame(rows)


def sobol(model: Model, run: sw.Runner, n: int = 8, seed: int = 2026
          ) -> tuple[Design, pd.DataFrame]:
    """Sobol first-order (S1) and total (ST) indices with 95 % intervals, Saltelli sampling:
    ``n * (k + 2)`` evaluations (``n`` a power of 2)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem = model.problem
    k = len(model.names)
    x = sample.sample(problem, n, calc_second_order=False, seed=seed)
    design = evaluate_design(model, x, run, "sobol", desc=t("robustness.progress_sobol",
                                                           run.lang))
    step = k + 2  # rows per base sample: A, AB_1..AB_k, B
    for s in range(n):
        for i in range(k):
            design.pairs.append((s * step, s * step + 1 + i, i))
    rows = []
    for out, y in design.y.items():
        if np.var(y) == 0:
            si = {key: np.zeros(k) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            si = analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95,
                                 num_resamples=200, seed=seed)
        for i, name in enumerate(model.names):
            rows.append({"output": out, "parameter": name, "S1": float(si["S1"][i]),
                         "S1_conf": float(si["S1_conf"][i]), "ST": float(si["ST"][i]),
                         "ST_conf": float(si["ST_conf"][i])})
    return design, pd.DataFrame(rows)


def tipping_values(design: Design, names: Sequence[str]) -> pd.DataFrame:
    """Where a delta changes sign along a one-at-a-time step: the linearly interpolated value
    of the moved parameter (one row per output, parameter and crossing)."""
    rows = []
    for out, y in design.y.items():
        for a, b, i in design.pairs:
            ya, yb = y[a], y[b]
            if np.isfinite(ya) and np.isfinite(yb) and np.sign(ya) * np.sign(yb) < 0:
                xa, xb = design.x[a, i], design.x[b, i]
                rows.append({"output": out, "parameter": names[i],
                             "value": float(xa + (xb - xa) * ya / (ya - yb)),
                             "from": float(xa), "to": float(xb)})
    return pd.DataFrame(rows, columns=["output", "parameter", "value", "from", "to"])


def tornado(design: Design, names: Sequence[str], bounds: Sequence[tuple[float, float]]
            ) -> pd.DataFrame:
    """Mean delta over the evaluated worlds with each parameter in the lowest / highest
    quarter of its range (the bars of a tornado chart), per output."""
    rows = []
    for out, y in design.y.items():
        for i, name in enumerate(names):
            lo, hi = bounds[i]
            u = (design.x[:, i] - lo) / (hi - lo)
            low, high = y[u <= 0.25], y[u >= 0.75]
            rows.append({"output": out, "parameter": name,
                         "at_low": float(np.nanmean(low)) if low.size else np.nan,
                         "at_high": float(np.nanmean(high)) if high.size else np.nan})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the whole analysis

@dataclass
class RobustnessResult:
    """Per (scenario, metric): ``summary`` (share of worlds where the reform is better, the
    parameters it hangs on, the verdict), ``morris`` and ``sobol`` indices, ``tipping``
    values, ``tornado`` bars, and every evaluated world in ``worlds``."""

    summary: pd.DataFrame
    morris: pd.DataFrame
    sobol: pd.DataFrame
    tipping: pd.DataFrame
    tornado: pd.DataFrame
    worlds: pd.DataFrame
    parameters: list[Uncertain]
    provenance: dict[str, str]


def analyse(model: Model, run: sw.Runner, *, trajectories: int = 4, levels: int = 4,
            sobol_top: int = 3, sobol_n: int = 8, seed: int = 2026,
            directions: dict[str, int] | None = None, lang: str = "id"
            ) -> dict[str, pd.DataFrame]:
    """Morris on every parameter, Sobol on the ``sobol_top`` most influential, then the share
    of better worlds, tipping values and tornado bars (generic over the model)."""
    directions = directions or {}
    m_design, m_table = morris(model, run, trajectories, levels, seed)
    designs = [m_design]
    s_table = pd.DataFrame(columns=["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
    if sobol_top > 0:
        top = most_influential(m_table, sobol_top)
        if top:
            sub = model.restrict(top)
            s_design, s_table = sobol(sub, run, sobol_n, seed)
            full_x = np.full((s_design.x.shape[0], len(model.names)), np.nan)
            full_x[:, [model.names.index(n) for n in top]] = s_design.x
            designs.append(Design("sobol", full_x, s_design.y,
                                  [(a, b, model.names.index(top[i]))
                                   for a, b, i in s_design.pairs]))
    x = np.vstack([d.x for d in designs])
    y = {k: np.concatenate([d.y[k] for d in designs]) for k in m_design.y}
    offset, pairs = 0, []
    for d in designs:
        pairs += [(a + offset, b + offset, i) for a, b, i in d.pairs]
        offset += d.x.shape[0]
    alld = Design("all", x, y, pairs)
    tip = tipping_values(alld, model.names)
    torn = tornado(m_design, model.names, model.bounds)
    summary = []
    for out, values in y.items():
        sign = directions.get(out, 1)
        ok = np.isfinite(values)
        share = float(np.mean(sign * values[ok] > 0)) if ok.any() else np.nan
        summary.append({"output": out, "share_better": share,
                        "mean_delta": float(np.nanmean(values)),
                        "min_delta": float(np.nanmin(values)),
                        "max_delta": float(np.nanmax(values)),
                        "n_worlds": int(ok.sum())})
    method = np.concatenate([[d.method] * d.x.shape[0] for d in designs])
    worlds = pd.DataFrame(x, columns=model.names)
    worlds.insert(0, "design", method)
    for k, v in y.items():
        worlds[k] = v
    return {"summary": pd.DataFrame(summary), "morris": m_table, "sobol": s_table,
            "tipping": tip, "tornado": torn, "worlds": worlds}


def most_influential(m_table: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` parameters with the largest mu* relative to the largest mu* of each output
    (so outputs in rupiah and in SD units count alike); parameters with mu* 0 never qualify."""
    if m_table.empty:
        return []
    peak = m_table.groupby("output")["mu_star"].transform("max")
    rel = (m_table["mu_star"] / peak.where(peak > 0)).fillna(0.0)
    score = rel.groupby(m_table["parameter"]).max()
    score = score[score > 0].sort_values(ascending=False, kind="stable")
    return list(score.index[:k])


def hangs_on(m_table: pd.DataFrame, output: str, k: int = 2) -> list[str]:
    """The ``k`` parameters with the largest mu* for one output (nonzero only)."""
    sub = m_table[(m_table["output"] == output) & (m_table["mu_star"] > 0)]
    return list(sub.sort_values("mu_star", ascending=False, kind="stable")["parameter"][:k])


def run_robustness(scenarios: Sequence[str | Path], baseline: str | Path, *,
                   parameters: Sequence[str] | None = None, periods: int = 8,
                   replications: int = 5, seed: int | None = None, profile: str | None = None,
                   n: int | None = None, trajectories: int = 4, levels: int = 4,
                   sobol_top: int = 3, sobol_n: int = 8, metrics: Sequence[str] = HEADLINE,
                   dask: bool = False, scheduler: str | None = None, n_workers: int = 2,
                   progress: bool = True, lang: str = "id", run: sw.Runner | None = None
                   ) -> RobustnessResult:
    """The robustness analysis of ``scenarios`` against ``baseline`` (see the module doc).

    ``run``: an existing :class:`~kinerja_sim.batch.sweep.Runner` (then ``dask``,
    ``scheduler`` and ``n_workers`` are not used)."""
    return robustness_of([load_scenario(find_scenario(s)) for s in scenarios],
                         load_scenario(find_scenario(baseline)), parameters=parameters,
                         periods=periods, replications=replications, seed=seed,
                         profile=profile, n=n, trajectories=trajectories, levels=levels,
                         sobol_top=sobol_top, sobol_n=sobol_n, metrics=metrics, dask=dask,
                         scheduler=scheduler, n_workers=n_workers, progress=progress,
                         lang=lang, run=run)


def robustness_of(reforms: Sequence[Scenario], base: Scenario, *,
                  parameters: Sequence[str] | None = None, periods: int = 8,
                  replications: int = 5, seed: int | None = None, profile: str | None = None,
                  n: int | None = None, trajectories: int = 4, levels: int = 4,
                  sobol_top: int = 3, sobol_n: int = 8, metrics: Sequence[str] = HEADLINE,
                  dask: bool = False, scheduler: str | None = None, n_workers: int = 2,
                  progress: bool = True, lang: str = "id", run: sw.Runner | None = None
                  ) -> RobustnessResult:
    """:func:`run_robustness` for scenarios already loaded (a batch's, or a design being
    edited in the designer)."""
    from kinerja_sim import outcomes
    from kinerja_sim.provenance import provenance

    reforms = [r for r in reforms if r.hash != base.hash]
    if not reforms:
        raise InputError([Problem("<command line>", "SCENARIO",
                                  "no reform differs from the baseline")])
    unknown = [m for m in metrics if m not in outcomes.METRICS]
    if unknown:
        raise InputError([Problem("<command line>", "--metric", f"unknown metric {m!r}")
                          for m in unknown])
    unc = plausible_ranges(parameters)
    _check_corners(base, reforms, unc)
    w = base.spec.workforce
    wkey = sw.WorkforceKey(profile or w.profile, w.seed, n if n is not None else w.n)
    seed = base.spec.seed if seed is None else seed
    model = scenario_model(reforms, base, unc, seed=seed, periods=periods,
                           replications=replications, workforce=wkey, metrics=metrics)
    directions = {f"{r.name}{SEP}{m}": sw.direction(m) for r in reforms for m in metrics}
    opts = dict(trajectories=trajectories, levels=levels, sobol_top=sobol_top,
                sobol_n=sobol_n, seed=seed, directions=directions, lang=lang)
    if run is not None:
        tables = analyse(model, run, **opts)
    else:
        with sw.runner(dask, scheduler, n_workers, progress, lang) as r:
            tables = analyse(model, r, **opts)
    summary = tables["summary"]
    split = summary["output"].str.split(SEP, n=1, regex=False)
    summary.insert(0, "scenario", split.str[0])
    summary.insert(1, "metric", split.str[1])
    summary["direction"] = [outcomes.METRICS[m] for m in summary["metric"]]
    summary["hangs_on"] = [", ".join(hangs_on(tables["morris"], o)) for o in summary["output"]]
    summary["verdict"] = [verdict(row, lang) for row in summary.itertuples()]
    for key in ("morris", "sobol", "tipping", "tornado"):
        tb = tables[key]
        parts = tb["output"].str.split(SEP, n=1, regex=False)
        tb.insert(0, "scenario", parts.str[0])
        tb.insert(1, "metric", parts.str[1])
        tables[key] = tb.drop(columns="output")
    prov = provenance(reforms[0], seed, sw.workforce_for(wkey), baseline=base.name,
                      baseline_hash=base.hash, scenarios=",".join(r.name for r in reforms),
                      periods=periods, replications=replications, trajectories=trajectories,
                      levels=levels, sobol_top=sobol_top, sobol_n=sobol_n,
                      n_parameters=len(unc), n_worlds=len(tables["worlds"]))
    return RobustnessResult(summary.drop(columns="output"), tables["morris"], tables["sobol"],
                            tables["tipping"], tables["tornado"], tables["worlds"], unc, prov)


def _check_corners(base: Scenario, reforms: list[Scenario], unc: list[Uncertain]) -> None:
    """Every range's ends must load in every scenario (domain checks), before anything runs."""
    problems: list[Problem] = []
    for corner in ("low", "high"):
        world = {u.path: getattr(u, corner) for u in unc if u.applies_to == "both"}
        own = {u.path: getattr(u, corner) for u in unc if u.applies_to == "reform"}
        # worlds span every scenario: a range inert in one of them is expected, not an error
        problems += sw.check_points(sw.scenario_mapping(base), [world], "data/ranges.yaml",
                                    "parameters", inert="allow")
        for r in reforms:
            problems += sw.check_points(sw.scenario_mapping(r), [{**world, **own}],
                                        "data/ranges.yaml", "parameters", inert="allow")
    if problems:
        raise InputError(list({str(p): p for p in problems}.values()))


def verdict(row, lang: str = "id") -> str:
    """"This recommendation holds in N % of plausible worlds; it hangs on ..." for one row
    (for a metric with no better side, such as mean TPP: "rises in N % of worlds")."""
    share = row.share_better
    if not np.isfinite(share):
        return t("robustness.verdict_none", lang)
    pct = int(round(100 * share))
    if getattr(row, "direction", 1) == 0:  # no better side (e.g. mean TPP): say where it rises
        key = "robustness.verdict_rises"
    else:
        key = "robustness.verdict_holds" if share >= 0.5 else "robustness.verdict_fails"
    text = t(key, lang, metric=t("metric." + row.metric, lang), pct=pct,
             pct_against=100 - pct)
    if row.hangs_on:
        text += t("robustness.verdict_hangs", lang, params=row.hangs_on)
    return text + "."


# ---------------------------------------------------------------- writing

def write_robustness(result: RobustnessResult, out_dir: str | Path, lang: str = "id"
                     ) -> dict[str, Path]:
    """``robustness.xlsx`` (summary with verdicts, Morris, Sobol, tipping values, tornado,
    ranges, ``tentang``), ``robustness_worlds.parquet`` and one tornado PNG per scenario."""
    import matplotlib.pyplot as plt

    from kinerja_sim.report.files import save_figure, write_parquet, write_sheets

    out = Path(out_dir)
    paths: dict[str, Path] = {"xlsx": out / "robustness.xlsx",
                              "parquet": out / "robustness_worlds.parquet"}
    ranges = pd.DataFrame([{"parameter": u.path, "low": u.low, "high": u.high,
                            "applies_to": u.applies_to, "why": u.why}
                           for u in result.parameters])
    tentang = pd.DataFrame({"kunci": list(result.provenance),
                            "nilai": list(result.provenance.values())})
    write_sheets(paths["xlsx"], {
        t("robustness.sheet_summary", lang): result.summary,
        "morris": result.morris, "sobol": result.sobol,
        t("robustness.sheet_tipping", lang): result.tipping,
        "tornado": result.tornado, t("robustness.sheet_ranges", lang): ranges,
        "tentang": tentang})
    write_parquet(paths["parquet"], result.worlds, result.provenance)
    for scenario in result.summary["scenario"].unique():
        fig = tornado_figure(result, scenario, lang)
        paths[f"tornado_{scenario}"] = save_figure(fig, out / f"tornado_{scenario}.png")
        plt.close(fig)
    return paths


def tornado_figure(result: RobustnessResult, scenario: str, lang: str = "id",
                   metrics: Sequence[str] = ("service.true_output", "motivation.index",
                                             "objectivity.spearman"), top: int = 8):
    """One panel per metric: the mean delta with each parameter at the low / high end of its
    range, the most influential parameters (Morris mu*) on top."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    metrics = [m for m in metrics if m in set(result.summary["metric"])]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 4.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        mo = result.morris[(result.morris["scenario"] == scenario)
                           & (result.morris["metric"] == metric)]
        order = list(mo.sort_values("mu_star", ascending=False, kind="stable")["parameter"][:top])
        tb = result.tornado[(result.tornado["scenario"] == scenario)
                            & (result.tornado["metric"] == metric)].set_index("parameter")
        srow = result.summary[(result.summary["scenario"] == scenario)
                              & (result.summary["metric"] == metric)].iloc[0]
        centre = srow["mean_delta"]
        for j, p in enumerate(reversed(order)):
            lo, hi = tb.loc[p, "at_low"], tb.loc[p, "at_high"]
            ax.barh(j, lo - centre, left=centre, color="#4c72b0", height=0.6)
            ax.barh(j, hi - centre, left=centre, color="#dd8452", height=0.6)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels(list(reversed(order)), fontsize=7)
        ax.axvline(0, color="black", lw=0.8)
        ax.axvline(centre, color="0.5", lw=0.8, ls="--")
        ax.set_title(f"{t('metric.' + metric, lang)}\n"
                     f"{t('robustness.share_title', lang, pct=round(100 * srow['share_better']))}",
                     fontsize=8)
        ax.set_xlabel(t("sweep.delta_suffix", lang), fontsize=8)
    handles = [matplotlib.patches.Patch(color="#4c72b0", label=t("robustness.at_low", lang)),
               matplotlib.patches.Patch(color="#dd8452", label=t("robustness.at_high", lang))]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8)
    fig.suptitle(t("robustness.tornado_title", lang, name=scenario,
                   baseline=result.provenance.get("baseline", "")), fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return fig


# ---------------------------------------------------------------- in a batch

#: Folder of a batch directory that holds its robustness results (``kinerja-sim run --robustness``).
BATCH_FOLDER = "ketahanan"


@dataclass(frozen=True)
class BatchRobustness:
    """The options of ``kinerja-sim run --robustness`` (the same as ``kinerja-sim robustness``)."""

    replications: int = 5
    trajectories: int = 4
    sobol_top: int = 3
    sobol_n: int = 8
    parameters: tuple[str, ...] | None = None
    dask: bool = False
    n_workers: int = 2


def batch_robustness(directory: str | Path, reforms: Sequence[Scenario], baseline: Scenario, *,
                     profile: str, seed: int, periods: int, options: BatchRobustness,
                     progress: bool = True, lang: str = "id") -> tuple[Path, bool]:
    """Robustness of a batch's reforms against its baseline, in ``DIR/ketahanan``.

    Resumes like the scenarios: when ``ketahanan/tentang.json`` holds the same key (scenario
    and baseline hashes, seed, workforce, periods, options, package version) nothing is
    recomputed. Returns ``(folder, skipped)``. Every file is written atomically, the key last,
    so a run killed midway recomputes next time.
    """
    import json

    from kinerja_sim.provenance import versions
    from kinerja_sim.report.files import write_parquet, write_text

    folder = Path(directory) / BATCH_FOLDER
    w = baseline.spec.workforce
    key = {"scenarios": sorted(f"{r.name}:{r.hash}" for r in reforms),
           "baseline": f"{baseline.name}:{baseline.hash}", "seed": seed, "periods": periods,
           "workforce": [profile, w.seed, w.n], "version": versions()["kinerja_sim"],
           # the plausible ranges themselves (data/ranges.yaml may change within a version)
           "ranges": [[u.path, u.low, u.high, u.applies_to]
                      for u in plausible_ranges(options.parameters)],
           # where it ran (Dask or not, how many workers) does not change the result
           "options": {k: v for k, v in {**options.__dict__,
                                         "parameters": list(options.parameters or [])}.items()
                       if k not in ("dask", "n_workers")}}
    marker = folder / "tentang.json"
    try:
        done = json.loads(marker.read_text("utf-8")) == key
        if done and (folder / "ringkasan.parquet").is_file():
            return folder, True
    except (OSError, ValueError):
        pass
    result = robustness_of(reforms, baseline, parameters=options.parameters, periods=periods,
                           replications=options.replications, seed=seed, profile=profile,
                           trajectories=options.trajectories, sobol_top=options.sobol_top,
                           sobol_n=options.sobol_n, dask=options.dask,
                           n_workers=options.n_workers, progress=progress, lang=lang)
    write_robustness(result, folder, lang)
    write_parquet(folder / "ringkasan.parquet", result.summary, result.provenance)
    write_text(marker, json.dumps(key, sort_keys=True))
    return folder, False
