"""Parameter sweeps: a grid or random search over scenario parameters, in-process or on Dask.

A sweep spec (YAML) names a reform scenario, a baseline and the dotted override paths to vary
(any path ``load_scenario`` accepts: indicator weights, behaviour weight, distribution rule on
or off, sosialisasi coverage, rater training, ...). Every point is the reform with that point's
overrides, run against the baseline on the same workforce and seed (common random numbers), so
each row's deltas are the parameters' effect, not the dice's.

Why it is shaped like this:

* **Tasks are specs, not data.** A task carries the resolved scenario mappings and overrides
  (a few kB); the worker validates and simulates. Shipping simulations or DataFrames between
  processes would cost more than computing them.
* **One workforce and one baseline per worker.** The workforce is synthesised once per process
  and the baseline's final-period metrics are cached by content, so a 64-point sweep pays for
  one baseline per worker, not 64.
* **Same code path everywhere.** In-process and on dask.distributed the same
  :func:`evaluate` runs on the same tasks; results are placed by point index, never by
  completion order, so the tables are identical (tested with exact equality).
* **Validated before anything runs.** Every point's scenario is validated in the client; the
  errors come back as one :class:`~kinerja_sim.errors.InputError` with the spec's key paths.

The same machinery carries the robustness analysis (:mod:`kinerja_sim.batch.robustness`):
there the varied parameters are applied to baseline and reform alike (``world`` overrides).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, ValidationError

from kinerja_sim import metrics as mt
from kinerja_sim import outcomes
from kinerja_sim.errors import InputError, Problem
from kinerja_sim.labels import t
from kinerja_sim.scenario import Scenario, find_scenario, load_scenario
from kinerja_sim.strict import StrictModel, problems_from_validation

#: Summary columns written per metric.
STATS = ("mean", "lo", "hi", "delta_mean", "delta_lo", "delta_hi")
#: Top-level scenario keys a sweep may not vary (they name or place the run, not the policy).
RESERVED = ("name", "label", "description", "seed", "workforce", "extends")
#: Prefix of the parameter columns in the sweep table.
PARAM_PREFIX = "param."
#: A grid larger than this is almost certainly a typo (and would run for days).
MAX_POINTS = 20_000

Scalar = bool | int | float | str


# ---------------------------------------------------------------- the spec

class Range(StrictModel):
    """A continuous range: ``n`` evenly spaced values in a grid, uniform draws at random."""

    low: float
    high: float
    n: int | None = Field(default=None, ge=2, le=1000)


class Frontier(StrictModel):
    """Which metrics the frontier chart puts on its axes (deltas against the baseline)."""

    x: str = "fairness.rater_share"
    y: str = "motivation.index"
    colour: str = "service.true_output"


class SweepSpec(StrictModel):
    name: str
    scenario: str
    baseline: str = "status_quo"
    method: Literal["grid", "random"] = "grid"
    samples: int | None = Field(default=None, ge=1, le=MAX_POINTS)
    seed: int | None = None
    periods: int = Field(default=8, ge=1, le=40)
    replications: int = Field(default=10, ge=2, le=1000)
    profile: str | None = None
    n: int | None = Field(default=None, ge=50)
    parameters: dict[str, list[Scalar] | Range] = Field(min_length=1)
    world: dict[str, Any] = Field(default_factory=dict)
    frontier: Frontier = Field(default_factory=Frontier)


@dataclass(frozen=True)
class WorkforceKey:
    """What identifies a synthetic workforce (and so a worker's cached copy of it)."""

    profile: str
    seed: int
    n: int | None


@dataclass(frozen=True)
class Task:
    """One unit of work: a baseline and one or more reforms at one point (picklable, small)."""

    index: int
    baseline: dict
    baseline_overrides: dict
    reforms: tuple[tuple[dict, dict], ...]
    seed: int
    periods: int
    replications: int
    workforce: WorkforceKey


@dataclass
class SweepResult:
    """``table``: one row per point (``point``, ``param.*`` columns, then ``<metric>.<stat>``
    for every headline metric, ``pareto``); ``baseline``: the baseline's metrics (metric, mean,
    lo, hi); ``provenance``: the record written into every file."""

    spec: SweepSpec
    table: pd.DataFrame
    baseline: pd.DataFrame
    provenance: dict[str, str]
    source: str = "<sweep>"


# ---------------------------------------------------------------- reading the spec

def read_spec(source: str | Path | dict) -> tuple[SweepSpec, Path, str]:
    """Validate a spec file (or mapping); return it with the folder its references resolve in."""
    if isinstance(source, dict):
        data, folder, file = source, Path.cwd(), "<sweep>"
    else:
        path = Path(source)
        file, folder = str(path), path.resolve().parent
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError([Problem(file, "", "sweep spec not found")]) from None
        except yaml.YAMLError as err:
            raise InputError([Problem(file, "", f"invalid YAML: {err}")]) from None
        if not isinstance(data, dict):
            raise InputError([Problem(file, "", "a sweep spec must be a YAML mapping",
                                      expected="keys name, scenario, baseline, parameters")])
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as err:
        raise InputError(problems_from_validation(err, file)) from None
    problems = spec_problems(spec, file)
    if problems:
        raise InputError(problems)
    return spec, folder, file


def spec_problems(spec: SweepSpec, file: str) -> list[Problem]:
    """What the schema cannot check: method-specific keys, reserved paths, known metrics."""
    out = []
    if spec.method == "random" and spec.samples is None:
        out.append(Problem(file, "samples", "a random search needs a number of samples",
                           expected="samples: N"))
    for path, values in spec.parameters.items():
        where = f"parameters.{path}"
        if path.split(".")[0] in RESERVED:
            out.append(Problem(file, where, "this key names or places the run; it cannot be "
                                            "swept", expected="a policy parameter path"))
        if path in spec.world:
            out.append(Problem(file, where, "also fixed under world",
                               expected="each path either swept or fixed"))
        if isinstance(values, Range):
            if not values.low < values.high:
                out.append(Problem(file, where, f"low ({values.low}) must be below high "
                                                f"({values.high})"))
            if spec.method == "grid" and values.n is None:
                out.append(Problem(file, f"{where}.n", "a grid needs the number of values "
                                                      "of a range", expected="n: 2 or more"))
        elif not values:
            out.append(Problem(file, where, "no values", expected="a non-empty list or a range"))
    for path in spec.world:
        if path.split(".")[0] in RESERVED:
            out.append(Problem(file, f"world.{path}", "this key cannot be overridden here"))
    for axis in ("x", "y", "colour"):
        key = getattr(spec.frontier, axis)
        if key not in outcomes.METRICS:
            out.append(Problem(file, f"frontier.{axis}", f"unknown metric {key!r}",
                               expected="a headline metric such as motivation.index"))
    if not out and spec.method == "grid" and n_grid(spec) > MAX_POINTS:
        out.append(Problem(file, "parameters", f"the grid has {n_grid(spec)} points",
                           expected=f"at most {MAX_POINTS}"))
    return out


def n_grid(spec: SweepSpec) -> int:
    return int(np.prod([v.n if isinstance(v, Range) else len(v)
                        for v in spec.parameters.values()]))


def points(spec: SweepSpec) -> list[dict[str, Any]]:
    """The parameter values of every point, in a fixed order (grid: row-major over the spec's
    parameter order; random: draws from the spec's seed)."""
    names = list(spec.parameters)
    if spec.method == "grid":
        axes = [[float(x) for x in np.linspace(v.low, v.high, v.n)] if isinstance(v, Range)
                else list(v) for v in spec.parameters.values()]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    rng = np.random.default_rng([spec.seed if spec.seed is not None else 0, 0x5EE9])
    out = []
    for _ in range(spec.samples):
        point = {}
        for name, v in spec.parameters.items():
            if isinstance(v, Range):
                point[name] = float(rng.uniform(v.low, v.high))
            else:
                point[name] = v[int(rng.integers(len(v)))]
        out.append(point)
    return out


def resolve_reference(ref: str, folder: Path) -> Path:
    """A scenario named in a spec: a file next to the spec if there is one, else bundled."""
    local = folder / ref
    for candidate in (local, local.with_suffix(".yaml")):
        if candidate.is_file():
            return candidate
    return find_scenario(ref)


def scenario_mapping(sc: Scenario) -> dict:
    """A scenario as a self-contained mapping (``extends`` resolved): what a task ships."""
    return sc.spec.model_dump(mode="json")


def check_points(base: str | Path | dict, pts: Sequence[dict[str, Any]], file: str,
                 section: str, *, inert: Literal["error", "allow"] = "error") -> list[Problem]:
    """Validate ``base`` (the reform as written) with every point's overrides; by default a
    point that would have no effect is a problem too (a sweep over an inert setting is a
    silent no-op). Problems carry the spec's key paths."""
    problems: dict[str, Problem] = {}
    for i, point in enumerate(pts):
        try:
            load_scenario(base, point, inert=inert)
        except InputError as err:
            for p in err.problems:
                path = next((k for k in point if p.location.startswith(k)), None)
                where = f"{section}.{path}" if path else p.location
                msg = f"{p.message} (point {i}: {path}={point[path]!r})" if path else p.message
                problems.setdefault(where + p.message, Problem(file, where, msg,
                                                               expected=p.expected))
    return list(problems.values())


# ---------------------------------------------------------------- the worker side

_WORKFORCES: dict[WorkforceKey, Any] = {}
_BASELINES: OrderedDict[str, dict[str, np.ndarray]] = OrderedDict()
_BASELINE_CACHE_SIZE = 8


def workforce_for(key: WorkforceKey):
    """This process's copy of a synthetic workforce (built once per process, then reused)."""
    from kinerja_sim.workforce import synthesize

    if key not in _WORKFORCES:
        _WORKFORCES.clear()  # one workforce per worker is the common case; keep memory flat
        _WORKFORCES[key] = synthesize(key.profile, seed=key.seed, n=key.n, observed=False)
    return _WORKFORCES[key]


def _final_metrics(wf, sc: Scenario, task: Task) -> dict[str, np.ndarray]:
    from kinerja_sim.final_metrics import final_per_replication
    from kinerja_sim.simulate import simulate

    sim = simulate(wf, sc, seed=task.seed, periods=task.periods,
                   replications=task.replications)
    return final_per_replication(sim)


def _baseline_metrics(wf, task: Task) -> dict[str, np.ndarray]:
    key = hashlib.sha256(json.dumps(
        [task.baseline, task.baseline_overrides, task.seed, task.periods, task.replications,
         [task.workforce.profile, task.workforce.seed, task.workforce.n]],
        sort_keys=True, default=str).encode()).hexdigest()
    if key in _BASELINES:
        _BASELINES.move_to_end(key)
        return _BASELINES[key]
    # tasks ship validated scenarios as full mappings (every default spelt out): only the
    # plan checks effects
    per = _final_metrics(wf, load_scenario(task.baseline, task.baseline_overrides,
                                           inert="allow"), task)
    _BASELINES[key] = per
    while len(_BASELINES) > _BASELINE_CACHE_SIZE:
        _BASELINES.popitem(last=False)
    return per


def evaluate(task: Task) -> dict[str, Any]:
    """Run one task: ``{"index", "baseline": {metric: {mean, lo, hi}}, "reforms": [row...]}``
    where each row maps ``<metric>.<stat>`` to a float (stats in :data:`STATS`)."""
    wf = workforce_for(task.workforce)
    base = _baseline_metrics(wf, task)
    rows = []
    for raw, overrides in task.reforms:
        ref = _final_metrics(wf, load_scenario(raw, overrides, inert="allow"), task)
        row = {}
        for key in outcomes.METRICS:
            v, d = mt.summarize(ref[key]), mt.summarize(ref[key] - base[key])
            row.update({f"{key}.mean": v["mean"], f"{key}.lo": v["lo"], f"{key}.hi": v["hi"],
                        f"{key}.delta_mean": d["mean"], f"{key}.delta_lo": d["lo"],
                        f"{key}.delta_hi": d["hi"]})
        rows.append(row)
    summary = {k: {s: mt.summarize(base[k])[s] for s in ("mean", "lo", "hi")}
               for k in outcomes.METRICS}
    return {"index": task.index, "baseline": summary, "reforms": rows}


# ---------------------------------------------------------------- running tasks

class Runner:
    """Maps a module-level function over tasks, in-process or on a dask.distributed client.

    Results come back in task order whatever order they finish in, so the same tasks give the
    same list either way.
    """

    def __init__(self, client=None, progress: bool = True, lang: str = "id"):
        self.client = client
        self.progress = progress
        self.lang = lang

    @property
    def distributed(self) -> bool:
        return self.client is not None

    def map(self, func: Callable[[Any], Any], tasks: Sequence[Any],
            desc: str | None = None) -> list[Any]:
        from tqdm.auto import tqdm

        desc = desc or t("sweep.progress", self.lang)
        bar = tqdm(total=len(tasks), desc=desc, unit=t("sweep.unit", self.lang),
                   disable=not self.progress)
        try:
            if self.client is None:
                out = []
                for task in tasks:
                    out.append(func(task))
                    bar.update()
                return out
            from distributed import as_completed

            futures = self.client.map(func, list(tasks), pure=False)
            where = {f.key: i for i, f in enumerate(futures)}
            out = [None] * len(tasks)
            for fut in as_completed(futures):
                out[where[fut.key]] = fut.result()
                bar.update()
            return out
        finally:
            bar.close()


#: Worker settings for CPU-bound points. A worker runs its task in one thread while its event
#: loop, statistical profiler (every 10 ms) and health ticks (every 20 ms) run in others; each
#: of those wakes takes the GIL from the compute thread, and on a busy machine the waker may
#: wait for a CPU slice while holding it up. Points take seconds, so none of that is needed
#: at millisecond resolution.
QUIET_WORKERS = {
    # The nanny's default sets MALLOC_TRIM_THRESHOLD_=65536 in every worker. Setting it at all
    # turns off glibc's dynamic mmap threshold, so every large temporary numpy array of the
    # engine is mmap'd and page-faulted afresh: one 8 x 5 Binjai simulation took 4.0 s of CPU
    # with it against 1.7 s without (benchmarks/sweep.py, docs/performance.md). Keep the
    # thread-count settings, drop that one.
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                            "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextmanager
def runner(dask: bool = False, scheduler: str | None = None, n_workers: int = 2,
           progress: bool = True, lang: str = "id") -> Iterator[Runner]:
    """A :class:`Runner`: in-process, on a new LocalCluster (``dask=True``), or on the cluster
    at ``scheduler`` (``tcp://HOST:PORT``) — adding machines means adding workers, not code."""
    if not dask and scheduler is None:
        yield Runner(None, progress, lang)
        return
    import logging

    import dask
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        with dask.config.set(QUIET_WORKERS):  # the nannies pass this config to the workers
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError([Problem("<command line>", "--scheduler",
                                      f"cannot reach the Dask scheduler: {err}",
                                      expected="tcp://HOST:PORT of a running scheduler")]
                             ) from None
    try:
        yield Runner(client, progress, lang)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- the sweep

@dataclass
class Plan:
    """A validated sweep, ready to run: the points and their tasks."""

    spec: SweepSpec
    file: str
    reform: Scenario
    baseline: Scenario
    workforce: WorkforceKey
    seed: int
    points: list[dict[str, Any]]
    tasks: list[Task] = field(default_factory=list)


def plan_sweep(source: str | Path | dict) -> Plan:
    """Read and validate a spec, resolve its scenarios, validate every point, build the tasks."""
    spec, folder, file = read_spec(source)
    # "world" settings apply to baseline and reform alike and may be inert in one of them
    reform = load_scenario(resolve_reference(spec.scenario, folder), spec.world or None,
                           inert="allow")
    baseline = load_scenario(resolve_reference(spec.baseline, folder), spec.world or None,
                             inert="allow")
    wspec = baseline.spec.workforce
    wkey = WorkforceKey(spec.profile or wspec.profile, wspec.seed,
                        spec.n if spec.n is not None else wspec.n)
    seed = baseline.spec.seed if spec.seed is None else spec.seed
    pts = points(spec)
    reform_raw, base_raw = scenario_mapping(reform), scenario_mapping(baseline)
    problems = check_points(resolve_reference(spec.scenario, folder), pts, file, "parameters")
    if problems:
        raise InputError(problems)
    tasks = [Task(i, base_raw, {}, ((reform_raw, p),), seed, spec.periods, spec.replications,
                  wkey) for i, p in enumerate(pts)]
    return Plan(spec, file, reform, baseline, wkey, seed, pts, tasks)


def run_sweep(source: str | Path | dict, *, dask: bool = False, scheduler: str | None = None,
              n_workers: int = 2, progress: bool = True, lang: str = "id",
              run: Runner | None = None) -> SweepResult:
    """Run a sweep spec; the same spec and seed give the same table in-process and on Dask."""
    from kinerja_sim.provenance import provenance

    plan = plan_sweep(source)
    if run is None:
        with runner(dask, scheduler, n_workers, progress, lang) as r:
            results = r.map(evaluate, plan.tasks)
    else:
        results = run.map(evaluate, plan.tasks)
    table = sweep_table(plan, results)
    base = pd.DataFrame([{"metric": k, **v} for k, v in results[0]["baseline"].items()])
    spec_hash = hashlib.sha256(json.dumps(plan.spec.model_dump(mode="json"), sort_keys=True)
                               .encode()).hexdigest()[:16]
    prov = provenance(plan.reform, plan.seed, workforce_for(plan.workforce),
                      sweep=plan.spec.name, sweep_hash=spec_hash, sweep_method=plan.spec.method,
                      n_points=len(plan.points), periods=plan.spec.periods,
                      replications=plan.spec.replications, baseline=plan.baseline.name,
                      baseline_hash=plan.baseline.hash)
    return SweepResult(plan.spec, table, base, prov, plan.file)


def sweep_table(plan: Plan, results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per point: its parameters, every metric with interval and delta, Pareto flag."""
    rows = []
    for point, res in zip(plan.points, results, strict=True):
        rows.append({"point": res["index"],
                     **{PARAM_PREFIX + k: v for k, v in point.items()},
                     **res["reforms"][0]})
    table = pd.DataFrame(rows)
    f = plan.spec.frontier
    table["pareto"] = pareto_mask(table[f"{f.x}.delta_mean"].to_numpy(),
                                  table[f"{f.y}.delta_mean"].to_numpy(),
                                  direction(f.x), direction(f.y))
    return table


def direction(metric: str) -> int:
    """+1 when more is better, -1 when less is better (metrics with no direction: +1)."""
    return outcomes.METRICS.get(metric, 0) or 1


def pareto_mask(x: np.ndarray, y: np.ndarray, sx: int = 1, sy: int = 1) -> np.ndarray:
    """True for points no other point beats on both axes (better direction ``sx``, ``sy``)."""
    a, b = sx * np.asarray(x, float), sy * np.asarray(y, float)
    ok = np.isfinite(a) & np.isfinite(b)
    out = np.zeros(a.size, bool)
    for i in np.flatnonzero(ok):
        ge = ok & (a >= a[i]) & (b >= b[i])
        gt = (a > a[i]) | (b > b[i])
        out[i] = not np.any(ge & gt)
    return out


# ---------------------------------------------------------------- writing

def write_sweep(result: SweepResult, out_dir: str | Path, lang: str = "id") -> dict[str, Path]:
    """``sweep.parquet`` (provenance in its metadata), ``sweep.xlsx`` (points, baseline,
    column glossary, ``tentang``) and ``frontier.png``, all through the one writer layer."""
    from kinerja_sim.report.files import save_figure, write_parquet, write_sheets

    out = Path(out_dir)
    paths = {"parquet": out / "sweep.parquet", "xlsx": out / "sweep.xlsx",
             "png": out / "frontier.png"}
    write_parquet(paths["parquet"], result.table, result.provenance)
    tentang = pd.DataFrame({"kunci": list(result.provenance),
                            "nilai": list(result.provenance.values())})
    write_sheets(paths["xlsx"], {
        t("sweep.sheet_points", lang): result.table,
        t("sweep.sheet_baseline", lang): result.baseline,
        t("sweep.sheet_columns", lang): column_glossary(result.table, lang),
        "tentang": tentang})
    fig = frontier_figure(result, lang)
    save_figure(fig, paths["png"])
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths


def column_glossary(table: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """What every column of the sweep table means, in ``lang``."""
    rows = []
    for col in table.columns:
        if col.startswith(PARAM_PREFIX):
            text = t("sweep.col_param", lang, path=col[len(PARAM_PREFIX):])
        elif col in ("point", "pareto"):
            text = t(f"sweep.col_{col}", lang)
        else:
            metric, _, stat = col.rpartition(".")
            text = f"{t('metric.' + metric, lang)} — {t('sweep.stat_' + stat, lang)}"
        rows.append({t("sweep.glossary_column", lang): col,
                     t("sweep.glossary_meaning", lang): text})
    return pd.DataFrame(rows)


def frontier_figure(result: SweepResult, lang: str = "id"):
    """Fairness-vs-motivation frontier: deltas vs the baseline with 90 % intervals, coloured
    by the service-output effect; Pareto-optimal points ringed and joined."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    f, tb = result.spec.frontier, result.table
    x, y, c = (tb[f"{m}.delta_mean"].to_numpy(float) for m in (f.x, f.y, f.colour))
    fig, ax = plt.subplots(figsize=(8, 5.5))
    ax.errorbar(x, y, xerr=[x - tb[f"{f.x}.delta_lo"], tb[f"{f.x}.delta_hi"] - x],
                yerr=[y - tb[f"{f.y}.delta_lo"], tb[f"{f.y}.delta_hi"] - y],
                fmt="none", ecolor="0.8", lw=0.8, zorder=1)
    finite = c[np.isfinite(c)]
    span = float(np.max(np.abs(finite))) if finite.size and np.max(np.abs(finite)) > 0 else 1.0
    sc = ax.scatter(x, y, c=c, cmap="RdYlGn" if direction(f.colour) > 0 else "RdYlGn_r",
                    norm=TwoSlopeNorm(0.0, -span, span), s=40, zorder=2)
    mask = tb["pareto"].to_numpy(bool)
    order = np.argsort(x[mask])
    ax.plot(x[mask][order], y[mask][order], color="black", lw=1, zorder=3)
    ax.scatter(x[mask], y[mask], facecolors="none", edgecolors="black", s=120, lw=1.5,
               zorder=4, label=t("sweep.pareto", lang))
    ax.scatter([0], [0], marker="x", color="black", s=60, zorder=4,
               label=t("sweep.baseline_point", lang, name=result.provenance.get("baseline", "")))
    ax.axhline(0, color="0.6", lw=0.6)
    ax.axvline(0, color="0.6", lw=0.6)
    delta = t("sweep.delta_suffix", lang)
    def better(m):
        return t("sweep.better_higher" if direction(m) > 0 else "sweep.better_lower", lang)

    ax.set_xlabel(f"{t('metric.' + f.x, lang)} {delta}, {better(f.x)}")
    ax.set_ylabel(f"{t('metric.' + f.y, lang)} {delta}, {better(f.y)}")
    fig.colorbar(sc, ax=ax, label=f"{t('metric.' + f.colour, lang)} {delta}")
    ax.set_title(t("sweep.frontier_title", lang, name=result.spec.name))
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig
