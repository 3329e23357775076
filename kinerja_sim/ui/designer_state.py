"""The weight designer's model, without any widget: preset + changes -> candidate -> outcomes.

A design is a preset scenario (bundled or a file) plus the designer's changes, each a key path
into the scenario (``("scheme", "params", "behaviour_weight")``). Paths are tuples, not dotted
strings, because OPD names contain dots ("RSUD Dr. R.M. Djoelham"). The candidate scenario is
the preset with the changes merged in (``load_scenario({"extends": preset, **changes})``), so the
saved YAML (``extends:`` the preset, only the changed keys) is exactly what the designer showed,
and ``load_scenario(saved) + simulate`` gives the same numbers.

Two speeds: :meth:`DesignState.fast` re-scores one period against the baseline (predikat
shares, fairness flags, winners and losers: tens of milliseconds on Binjai);
:func:`project` runs the 8-quarter projection with replications (about a second), and is pure
so the widget layer can run it in a background thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd
import yaml

from kinerja_sim import metrics as mt
from kinerja_sim import outcomes, scoring
from kinerja_sim.labels import t
from kinerja_sim.metrics.grouped import GroupIndex
from kinerja_sim.report.files import write_text
from kinerja_sim.scenario import (
    SCENARIO_DIR,
    Scenario,
    find_scenario,
    inherit,
    load_scenario,
)
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.schemes.weighted_kpi import Method, weight_table
from kinerja_sim.simulate import resolve_workforce, simulate
from kinerja_sim.workforce.model import Workforce

Path_ = tuple[str, ...]

WEIGHTS: Path_ = ("scheme", "params", "indicator_weights", "by_rumpun")
BEHAVIOUR_WEIGHT: Path_ = ("scheme", "params", "behaviour_weight")
METHOD: Path_ = ("scheme", "params", "normalisation", "method")
DISTRIBUTION: Path_ = ("scheme", "params", "distribution", "enabled")
ORGANISATION: Path_ = ("organisation", "by_opd")
RATER_TRAINING: Path_ = ("rollout", "rater_training", "enabled")
COVERAGE: Path_ = ("rollout", "sosialisasi", "coverage")

METHODS: tuple[str, ...] = get_args(Method)
#: Projection outputs: metric key (label in core.yaml) -> how it is read from a Simulation.
PROJECTION_METRICS = ("motivation.index", "service.true_output", "service.waktu_respons_pengaduan",
                      "service.vaksinasi", "service.ikm")

__all__ = ["BEHAVIOUR_WEIGHT", "COVERAGE", "DISTRIBUTION", "METHOD", "METHODS", "ORGANISATION",
           "RATER_TRAINING", "WEIGHTS", "DesignState", "FastResult", "ProjectionResult",
           "WeightControl", "bundled_presets", "project"]


def bundled_presets() -> list[str]:
    """Names of the scenarios that ship in ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class WeightControl:
    """One indicator weight of one rumpun, with the IKI set its normalised share refers to."""

    rumpun: str
    indicator: str
    label: dict[str, str]
    reference_set: tuple[str, ...]  # the most common SKP (IKI set) in the rumpun holding it

    @property
    def path(self) -> Path_:
        return (*WEIGHTS, self.rumpun, self.indicator)


@dataclass
class FastResult:
    """One-period re-score of the candidate against the baseline."""

    labels_baseline: tuple[str, ...]
    labels_candidate: tuple[str, ...]
    shares_baseline: np.ndarray  # (5,) share per predikat code 0..4
    shares_candidate: np.ndarray
    fairness: pd.DataFrame  # dimension, ff_baseline, ff_candidate, ff_flag, gap_baseline, ...
    winners_losers: pd.DataFrame  # dimension, group, n, share_up, share_down, mean_tpp_change
    candidate_hash: str
    elapsed_s: float


@dataclass
class ProjectionResult:
    """Quarter-by-quarter motivation and service output, baseline vs candidate."""

    periods: int
    replications: int
    series: dict[str, dict[str, dict[str, np.ndarray]]]  # metric -> side -> mean/lo/hi (P,)
    final: pd.DataFrame  # metric, baseline, candidate, delta (final quarter means)
    candidate_hash: str
    elapsed_s: float


def _nest(changes: dict[Path_, Any]) -> dict:
    out: dict = {}
    for path, value in changes.items():
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return out


def _plain(value: Any) -> Any:
    """Widget values as plain YAML scalars (no numpy types)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 10)
    if isinstance(value, int | np.integer):
        return int(value)
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9
    return a == b


def _sim_arrays(sim) -> dict[str, np.ndarray]:
    """Final-period arrays of replication 0: predikat, score (merit if the scheme has no
    numeric score, as in outcomes), truth and TPP."""
    if sim.panel:
        pn = {k: v[0, -1] for k, v in sim.panel.items()}
        score = pn["score"] if not np.isnan(pn["score"]).all() else pn["merit"]
        return {"predikat": pn["predikat"], "score": score, "truth": pn["true_contribution"],
                "tpp": pn["tpp_total"]}
    f = sim.final
    return {"predikat": f["predikat_code"].to_numpy(dtype=float),
            "score": f["score"].to_numpy(dtype=float),
            "truth": f["sim_true_contribution"].to_numpy(dtype=float),
            "tpp": f["tpp_total"].to_numpy(dtype=float)}


def _shares(predikat: np.ndarray) -> np.ndarray:
    return np.bincount(predikat.astype(int), minlength=5) / predikat.size


class DesignState:
    """A preset, a baseline, the designer's changes and cached runs on one workforce."""

    def __init__(self, workforce: Workforce | None = None, preset: str | Path =
                 "kpi_objektif_binjai", baseline: str | Path = "status_quo",
                 name: str | None = None) -> None:
        self._lock = threading.Lock()
        self._runs: dict[tuple, Any] = {}
        self.baseline = load_scenario(baseline)
        self.workforce = resolve_workforce(workforce, self.baseline)
        self.groups = GroupIndex(self.workforce.employees, outcomes.GROUP_COLUMNS)
        self._plan_sets = self._iki_sets()
        self.name = name
        self.load_preset(preset)

    # ------------------------------------------------------------ preset and controls
    def load_preset(self, preset: str | Path) -> None:
        """Start a new design from ``preset`` (a bundled name or a scenario file)."""
        path = find_scenario(preset)
        sc = load_scenario(path)
        self.preset = sc
        self.preset_path = Path(sc.source).resolve()
        self._preset_data = sc.spec.model_dump(mode="json")
        self.org = scoring.org_context(self.workforce, sc)
        self.weight_controls = self._weight_controls(sc)
        self.initial = self._initial_values(sc)
        self.values = dict(self.initial)
        self._has_score: bool | None = None
        self._candidate: tuple[tuple, Scenario] | None = None
        if self.name is None or self.name.endswith("_rancangan"):
            self.name = f"{sc.name}_rancangan"

    def set_baseline(self, baseline: str | Path) -> None:
        self.baseline = load_scenario(baseline)

    def _iki_sets(self) -> dict[int, Counter]:
        """Per rumpun code: how many employees carry each IKI set (frozenset of codes)."""
        sc = self.baseline
        org = scoring.org_context(self.workforce, sc)
        codes = self.workforce.plan.indicator
        sets: dict[int, Counter] = {}
        keys = [frozenset(int(c) for c in row if c >= 0) for row in codes]
        for r, key in zip(org.rumpun, keys, strict=True):
            sets.setdefault(int(r), Counter())[key] += 1
        return sets

    def _weight_controls(self, sc: Scenario) -> list[WeightControl]:
        if sc.spec.scheme.name != "weighted_kpi":
            return []
        names = sc.catalogue.names
        out = []
        for r, rname in enumerate(self.org.rumpun_names):
            counter = self._plan_sets.get(r, Counter())
            carried = sorted({c for s in counter for c in s})
            for code in carried:
                ref = max((s for s in counter if code in s), key=lambda s: (counter[s], len(s)))
                ind = names[code]
                label = sc.catalogue.indicators[ind].label
                out.append(WeightControl(rname, ind, {"id": label.id, "en": label.en},
                                         tuple(names[c] for c in sorted(ref))))
        return out

    def _initial_values(self, sc: Scenario) -> dict[Path_, Any]:
        p = sc.scheme_params
        vals: dict[Path_, Any] = {}
        if sc.spec.scheme.name == "weighted_kpi":
            names, rumpun = sc.catalogue.names, self.org.rumpun_names
            table = weight_table(p, names, rumpun)
            for c in self.weight_controls:
                vals[c.path] = float(table[rumpun.index(c.rumpun), names.index(c.indicator)])
            vals[BEHAVIOUR_WEIGHT] = float(p.behaviour_weight)
            vals[METHOD] = p.normalisation.method
        dist = getattr(p, "distribution", None)
        if dist is not None and hasattr(dist, "enabled"):
            vals[DISTRIBUTION] = bool(dist.enabled)
        o = sc.spec.organisation
        for opd in self.org.opd_names:
            vals[(*ORGANISATION, opd)] = o.by_opd.get(opd, o.default)
        ro = sc.rollout_params
        vals[RATER_TRAINING] = bool(ro.rater_training.enabled)
        vals[COVERAGE] = float(ro.sosialisasi.coverage)
        return vals

    def has(self, path: Path_) -> bool:
        """Whether the preset's scheme offers this control."""
        return path in self.initial

    def set(self, path: Path_, value: Any) -> None:
        if path not in self.initial:
            raise KeyError(f"the scheme of {self.preset.name!r} has no setting {'.'.join(path)}")
        if path[:2] == ORGANISATION and value not in ORG_PREDIKAT:
            raise ValueError(f"organisation predikat must be one of {ORG_PREDIKAT}")
        self.values[path] = _plain(value)

    def normalised_share(self, control: WeightControl) -> float:
        """The weight as a share of its IKI set's total weight (0..1; NaN when all are 0)."""
        total = sum(self.values[(*WEIGHTS, control.rumpun, i)] for i in control.reference_set)
        w = self.values[control.path]
        return w / total if total > 0 else float("nan")

    # ------------------------------------------------------------ changes and candidate
    def changes(self) -> dict[Path_, Any]:
        """Only what differs from the preset. A weight change in a rumpun the preset does not
        list under ``by_rumpun`` writes that rumpun's whole set (a partial set would change its
        other weights, which then stop coming from ``default``)."""
        out: dict[Path_, Any] = {}
        listed = set(self.preset.scheme_params.indicator_weights.by_rumpun) \
            if self.weight_controls else set()
        carried: dict[str, list[str]] = {}
        for c in self.weight_controls:
            carried.setdefault(c.rumpun, []).append(c.indicator)
        for rumpun, inds in carried.items():
            paths = [(*WEIGHTS, rumpun, i) for i in inds]
            diff = [p for p in paths if not _same(self.values[p], self.initial[p])]
            if diff:
                for p in (diff if rumpun in listed else paths):
                    out[p] = self.values[p]
        for path, value in self.values.items():
            if path[:len(WEIGHTS)] == WEIGHTS:
                continue
            if not _same(value, self.initial[path]):
                out[path] = value
        return out

    def scenario_data(self, name: str | None = None, extends: str | None = None) -> dict:
        """The candidate as a scenario mapping: ``extends`` the preset, name, changed keys."""
        data = {"extends": extends or str(self.preset_path), "name": name or self.name}
        data.update(_nest(self.changes()))
        return data

    def design_key(self) -> tuple:
        """What the numbers depend on: preset, baseline and changes (not the scenario's name,
        so typing a file name does not make a finished projection stale)."""
        return (self.preset.hash, self.baseline.hash,
                tuple(sorted((".".join(p), repr(v)) for p, v in self.changes().items())))

    def candidate(self) -> Scenario:
        """The candidate scenario (cached until the changes or the name change).

        Built from the preset's validated spec (its ``extends:`` chain already resolved) so a
        slider move does not re-read YAML files; the result is the same scenario, hash
        included, as loading :meth:`scenario_data` or the saved file (tests check this)."""
        changes = self.changes()
        key = (self.name, tuple(sorted((".".join(p), repr(v)) for p, v in changes.items())))
        if self._candidate is None or self._candidate[0] != key:
            data = inherit(self._preset_data, {**_nest(changes), "name": self.name})
            self._candidate = (key, load_scenario(data))
        return self._candidate[1]

    # ------------------------------------------------------------ runs
    def _cached(self, key: tuple, make):
        with self._lock:
            if key in self._runs:
                return self._runs[key]
        value = make()
        with self._lock:
            self._runs[key] = value
        return value

    def _baseline_fast(self, seed: int):
        return self._cached(("fast", self.baseline.hash, seed),
                            lambda: simulate(self.workforce, self.baseline, seed=seed))

    def fast(self) -> FastResult:
        """Re-score one period under the candidate; compare with the baseline."""
        start = time.perf_counter()
        sc = self.candidate()
        seed = sc.spec.seed
        base = self._baseline_fast(seed)
        # the first run of a preset records whether its scheme has a numeric score; schemes
        # without one need the panel (merit) for the parity metric
        cand = simulate(self.workforce, sc, seed=seed, periods=1,
                        panel=self._has_score is not True)
        b, c = _sim_arrays(base), _sim_arrays(cand)
        if self._has_score is None:
            self._has_score = not np.isnan(cand.panel["score"]).all()
        g = self.groups
        thr_ff = float(mt.metrics_param("four_fifths_threshold"))
        thr_gap = float(mt.metrics_param("parity_gap_flag"))
        base_fair = self._cached(("fair", self.baseline.hash, seed),
                                 lambda: self._fairness(b))
        cand_fair = self._fairness(c)
        rows = []
        for dim in outcomes.HEADLINE_GROUPS:
            (ffb, gb), (ffc, gc) = base_fair[dim], cand_fair[dim]
            rows.append({"dimension": dim, "ff_baseline": ffb, "ff_candidate": ffc,
                         "ff_flag": bool(ffc < thr_ff), "gap_baseline": gb, "gap_candidate": gc,
                         "gap_flag": bool(gc >= thr_gap)})
        wl = g.winners_losers(b["predikat"], c["predikat"], b["tpp"], c["tpp"])
        return FastResult(
            labels_baseline=tuple(base.labels), labels_candidate=tuple(cand.labels),
            shares_baseline=_shares(b["predikat"]), shares_candidate=_shares(c["predikat"]),
            fairness=pd.DataFrame(rows), winners_losers=wl, candidate_hash=sc.hash,
            elapsed_s=time.perf_counter() - start)

    def _fairness(self, a: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
        """Per headline grouping: (four-fifths ratio, conditional-parity gap)."""
        g = self.groups
        res = g.residuals(a["score"], a["truth"])
        return {dim: (g.four_fifths_ratio(a["predikat"], dim),
                      g.parity_gap(a["score"], a["truth"], dim, residuals=res))
                for dim in outcomes.HEADLINE_GROUPS}

    def projection_inputs(self) -> tuple[Workforce, Scenario, Scenario]:
        """What :func:`project` needs, taken on the caller's thread (a consistent snapshot)."""
        return self.workforce, self.baseline, self.candidate()

    def baseline_projection(self, periods: int, replications: int, seed: int):
        return self._cached(("proj", self.baseline.hash, seed, periods, replications),
                            lambda: simulate(self.workforce, self.baseline, seed=seed,
                                             periods=periods, replications=replications))

    # ------------------------------------------------------------ saving
    def yaml_text(self, path: str | Path, name: str | None = None, lang: str = "id") -> str:
        """The YAML that :meth:`save` writes to ``path`` (``extends:`` relative to it)."""
        target = Path(path).resolve()
        try:
            extends = os.path.relpath(self.preset_path, target.parent)
        except ValueError:  # another drive (Windows)
            extends = str(self.preset_path)
        data = self.scenario_data(name, extends=extends)
        data = {"extends": data.pop("extends"), "name": data.pop("name"),
                "description": t("designer.saved_description", lang, preset=self.preset.name),
                **data}
        header = "# " + t("designer.saved_header", lang, preset=self.preset.name) + "\n"
        return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    def save_yaml(self, path: str | Path, name: str | None = None, lang: str = "id"
                  ) -> Path:
        """Write the candidate as a scenario file; it loads back to the candidate's hash."""
        text = self.yaml_text(path, name, lang)
        return write_text(path, text)


def project(state: DesignState, workforce: Workforce, baseline: Scenario, candidate: Scenario,
            periods: int = 8, replications: int = 5) -> ProjectionResult:
    """Baseline and candidate over ``periods`` quarters x ``replications`` (pure; thread-safe:
    reads only the snapshot it is given and the state's locked run cache)."""
    start = time.perf_counter()
    seed = candidate.spec.seed
    base = state.baseline_projection(periods, replications, seed) \
        if baseline.hash == state.baseline.hash else simulate(
            workforce, baseline, seed=seed, periods=periods, replications=replications)
    cand = simulate(workforce, candidate, seed=seed, periods=periods, replications=replications)
    series: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    rows = []
    for key in PROJECTION_METRICS:
        sides = {}
        for side, sim in (("baseline", base), ("candidate", cand)):
            if key == "motivation.index":
                per = sim.panel["motivation"].mean(axis=2)
            elif key == "service.true_output":
                per = sim.panel["true_contribution"].mean(axis=2)
            else:
                per = sim.service[key.split(".", 1)[1]]
            s = mt.summarize(per, axis=0)
            sides[side] = {k: np.asarray(s[k], dtype=float) for k in ("mean", "lo", "hi")}
        series[key] = sides
        b, c = sides["baseline"]["mean"][-1], sides["candidate"]["mean"][-1]
        rows.append({"metric": key, "baseline": b, "candidate": c, "delta": c - b})
    return ProjectionResult(periods, replications, series, pd.DataFrame(rows), candidate.hash,
                            time.perf_counter() - start)
