"""weighted_kpi: a free weighted-indicator scheme for policy designers.

Per IKI: direction-adjusted capaian (floored at 0, capped), then normalised by
``target_ratio``, ``zscore_within_unit`` or ``percentile_within_unit`` (within-unit statistics
are taken per (unit, indicator) group); weights by indicator name and rumpun, renormalised over
the IKI an employee has; a missing realisation scores ``missing_slot_score``. The final score
mixes in the mean BerAKHLAK rating with ``behaviour_weight`` and maps to the five PermenPANRB
6/2022 predikat by thresholds. The SE 03/2023 curve can be applied with the score as merit.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import deep_merge, load_yaml
from kinerja_sim.schemes.base import Measurements, OrgContext, SchemeResult
from kinerja_sim.schemes.capaian import (
    MEASUREMENTS_FILE,
    SCENARIO_FILE,
    active_slots,
    band,
    capaian,
    check_inputs,
    rows_text,
)
from kinerja_sim.schemes.distribution import LABELS, DistributionParams, apply_per_opd
from kinerja_sim.strict import NonNegative, StrictModel, merged_params

YAML = "schemes/weighted_kpi.yaml"
RULES_YAML = "schemes/permenpanrb_6_2022.yaml"
Method = Literal["target_ratio", "zscore_within_unit", "percentile_within_unit"]

__all__ = ["LABELS", "Params", "default_params", "params_from", "score", "weight_table",
           "normalise_within_groups", "percentile_within_groups", "zscore_within_groups"]


class IndicatorWeights(StrictModel):
    default: dict[str, NonNegative] = Field(default_factory=dict)
    by_rumpun: dict[str, dict[str, NonNegative]] = Field(default_factory=dict)
    unlisted_weight: float = Field(1.0, ge=0)

    @field_validator("default")
    @classmethod
    def _nonneg(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: w for k, w in v.items() if not w >= 0}
        if bad:
            raise ValueError(f"weights must be >= 0; got {bad}")
        return v

    @field_validator("by_rumpun")
    @classmethod
    def _nonneg_rumpun(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        bad = {r: {k: w for k, w in s.items() if not w >= 0} for r, s in v.items()}
        bad = {r: s for r, s in bad.items() if s}
        if bad:
            raise ValueError(f"weights must be >= 0; got {bad}")
        return v


class Normalisation(StrictModel):
    method: Method
    cap: float = Field(gt=0)
    zscore_centre: float
    zscore_scale: float = Field(gt=0)
    missing_slot_score: NonNegative


def _ascending(v: list[float]) -> list[float]:
    if any(b <= a for a, b in zip(v, v[1:], strict=False)):
        raise ValueError("thresholds must be strictly ascending")
    return v


class Thresholds(StrictModel):
    target_ratio: list[float] = Field(min_length=4, max_length=4)
    zscore_within_unit: list[float] = Field(min_length=4, max_length=4)
    percentile_within_unit: list[float] = Field(min_length=4, max_length=4)

    @field_validator("target_ratio", "zscore_within_unit", "percentile_within_unit")
    @classmethod
    def _check(cls, v: list[float]) -> list[float]:
        return _ascending(v)


class Params(StrictModel):
    indicator_weights: IndicatorWeights
    normalisation: Normalisation
    behaviour_weight: float = Field(ge=0, le=1)
    thresholds: Thresholds
    distribution: DistributionParams


def _defaults() -> dict:
    data = load_yaml(YAML)
    if "rules" not in data.get("distribution", {}):
        data["distribution"] = deep_merge(
            data.get("distribution", {}), {"rules": load_yaml(RULES_YAML)["distribution"]["rules"]}
        )
    return data


def default_params() -> Params:
    return params_from(None, file=YAML, prefix="")


def params_from(overrides: dict | None, file: str = "<scenario>",
                prefix: str = "scheme.params") -> Params:
    return merged_params(Params, _defaults(), overrides, file, prefix)


def weight_table(params: Params, indicator_names: tuple[str, ...], rumpun_names: tuple[str, ...],
                 file: str = SCENARIO_FILE, prefix: str = "scheme.params") -> np.ndarray:
    """(n_rumpun, n_indicator) weights; InputError listing every unknown name."""
    iw = params.indicator_weights
    where = f"{prefix}.indicator_weights" if prefix else "indicator_weights"
    problems = []
    known_ind = set(indicator_names)
    for name in iw.default:
        if name not in known_ind:
            problems.append(Problem(file, f"{where}.default.{name}", "unknown indicator name",
                                    expected="a name in the indicator catalogue"))
    for rumpun, wset in iw.by_rumpun.items():
        if rumpun not in rumpun_names:
            problems.append(Problem(file, f"{where}.by_rumpun.{rumpun}", "unknown rumpun",
                                    expected=f"one of {list(rumpun_names)}"))
        for name in wset:
            if name not in known_ind:
                problems.append(Problem(file, f"{where}.by_rumpun.{rumpun}.{name}",
                                        "unknown indicator name",
                                        expected="a name in the indicator catalogue"))
    if problems:
        raise InputError(problems)
    table = np.full((len(rumpun_names), len(indicator_names)), iw.unlisted_weight)
    for r, rname in enumerate(rumpun_names):
        wset = iw.by_rumpun.get(rname, iw.default)
        for name, w in wset.items():
            table[r, indicator_names.index(name)] = w
    return table


def _group_codes(key: np.ndarray) -> np.ndarray:
    """Non-negative integer group codes usable with ``np.bincount``: the key itself when its
    range is small (the usual case: unit * n_indicator + indicator), else dense codes."""
    key = np.asarray(key, dtype=np.int64)
    if key.size and (key.min() < 0 or key.max() > 4 * key.size + 1_000_000):
        return np.unique(key, return_inverse=True)[1].reshape(-1)
    return key


def zscore_within_groups(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    """z of ``values`` within groups of ``key`` (population sd; sd 0 -> 0)."""
    v = np.asarray(values, dtype=np.float64)
    g = _group_codes(key)
    cnt = np.bincount(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(g, weights=v) / cnt
        dev = v - mean[g]
        sd = np.sqrt(np.bincount(g, weights=dev * dev) / cnt)[g]
        return np.where(sd > 1e-12 * np.maximum(1.0, np.abs(mean[g])), dev / sd, 0.0)


def percentile_within_groups(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Mid-rank percentile 0..100 within groups of ``key``: ``100*(mid_rank-1)/(n-1)``; ties
    share their mean rank; a group of one scores 50. One stable sort by (key, value), run
    lengths from the sorted order; no loop over groups."""
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n == 0:
        return np.zeros(0)
    k = np.asarray(key, dtype=np.int64)
    o1 = np.argsort(v, kind="stable")
    o2 = np.argsort(k[o1], kind="stable")
    order = o1[o2]
    k_s, v_s = k[order], v[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = k_s[1:] != k_s[:-1]
    new_run = new_group.copy()
    new_run[1:] |= v_s[1:] != v_s[:-1]
    idx = np.arange(n)
    group_id = np.cumsum(new_group) - 1
    group_start = idx[new_group]
    group_size = np.diff(np.append(group_start, n))
    run_id = np.cumsum(new_run) - 1
    run_start = idx[new_run]
    run_len = np.diff(np.append(run_start, n))
    mid = run_start[run_id] - group_start[group_id] + (run_len[run_id] - 1) / 2.0
    size = group_size[group_id]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_s = np.where(size > 1, 100.0 * mid / (size - 1), 50.0)
    out = np.empty(n)
    out[order] = pct_s
    return out


def normalise_within_groups(values: np.ndarray, key: np.ndarray, params: Params) -> np.ndarray:
    nz = params.normalisation
    if nz.method == "target_ratio":
        return np.asarray(values, dtype=np.float64)
    if nz.method == "zscore_within_unit":
        return nz.zscore_centre + nz.zscore_scale * zscore_within_groups(values, key)
    return percentile_within_groups(values, key)


def score(m: Measurements, org: OrgContext, params: Params) -> SchemeResult:
    check_inputs(m, org)
    act = active_slots(m)
    ind = np.asarray(m.indicator)
    n_ind = len(m.indicator_names)
    nz = params.normalisation
    cap = capaian(np.where(act, m.target, np.nan), m.realisation, m.higher_is_better,
                  cap=nz.cap)
    present = act & ~np.isnan(cap)
    rows, cols = np.nonzero(present)
    key = np.asarray(org.unit, dtype=np.int64)[rows] * n_ind + ind[rows, cols]
    slot = np.full(ind.shape, nz.missing_slot_score)
    slot[rows, cols] = normalise_within_groups(cap[rows, cols], key, params)

    table = weight_table(params, m.indicator_names, org.rumpun_names)
    w = np.where(act, table[np.asarray(org.rumpun)[:, None], np.maximum(ind, 0)], 0.0)
    wsum = w.sum(axis=1)
    zero = np.flatnonzero(wsum <= 0)
    if zero.size:
        raise InputError([Problem(MEASUREMENTS_FILE, rows_text(zero),
                                  f"{zero.size} employee(s) have only IKI of weight 0",
                                  column="indicator",
                                  expected="scheme.params.indicator_weights > 0 for at least "
                                  "one IKI of each employee")])
    hasil = (w * np.where(act, slot, 0.0)).sum(axis=1) / wsum
    per = np.asarray(m.perilaku, dtype=np.float64).mean(axis=1)
    bw = params.behaviour_weight
    final = (1.0 - bw) * hasil + bw * per
    raw = band(final, getattr(params.thresholds, nz.method))

    predikat, report = apply_per_opd(raw, final, org, params.distribution)
    return SchemeResult(
        labels=LABELS,
        predikat=predikat.astype(np.int8),
        predikat_raw=raw,
        score=final,
        merit=final.copy(),
        extra={"hasil": hasil, "perilaku": per},
        adjustment=report,
    )
