"""Intervals across replications, and the metric parameters (``data/metrics.yaml``).

Every outcome figure is reported as the mean over replications with a central percentile
interval (DESIGN §3: "Every figure comes with an interval across replications"). Percentile
intervals are used rather than mean ± z·SE because the quantity of interest is how much a
metric *varies between plausible worlds* (different workforces, noise, rater draws), not how
precisely its mean is known; they also need no normality assumption for bounded metrics such as
kappa, Gini or a four-fifths ratio.

NaN values (a group cell suppressed in that replication, an undefined correlation) are skipped;
``n_replications`` says how many replications each figure rests on, so a figure backed by few
replications is visible rather than hidden.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kinerja_sim.params import load_yaml

#: ``group`` label used in :func:`interval_frame` for metrics that are not split by group.
ALL = "all"

INTERVAL_COLUMNS = ["metric", "group", "mean", "lo", "hi", "n_replications"]


def metrics_param(name: str) -> Any:
    """The ``value`` of one parameter in ``data/metrics.yaml`` (each has its own reference)."""
    params = load_yaml("metrics.yaml")
    if name not in params:
        raise KeyError(f"metrics.yaml has no parameter {name!r}; known: {sorted(params)}")
    return params[name]["value"]


def _level(level: float | None) -> float:
    lv = float(metrics_param("interval_level") if level is None else level)
    if not 0.0 < lv < 1.0:
        raise ValueError(f"interval level must be strictly between 0 and 1, got {lv}")
    return lv


def summarize(values: ArrayLike, axis: int = 0, level: float | None = None) -> dict[str, Any]:
    """Mean and central percentile interval of ``values`` along ``axis`` (the replications).

    Returns ``{"mean", "lo", "hi", "n_replications"}``: ``lo``/``hi`` are the
    ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles (numpy's default linear
    interpolation), with ``level`` from metrics.yaml (0.90 -> 5th and 95th percentiles) unless
    given. NaNs are ignored; a slice with no finite value gives NaN and ``n_replications`` 0.
    For 1-D input the entries are Python scalars, otherwise arrays with ``axis`` removed.

    The mean need not lie inside the interval for very skewed values; both are reported so
    such a case is visible.
    """
    v = np.asarray(values, dtype=np.float64)
    lv = _level(level)
    tail = (1.0 - lv) / 2.0
    n = np.sum(~np.isnan(v), axis=axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices -> NaN, reported via n
        mean = np.nanmean(v, axis=axis)
        lo, hi = np.nanquantile(v, [tail, 1.0 - tail], axis=axis)
    if np.ndim(mean) == 0:
        return {"mean": float(mean), "lo": float(lo), "hi": float(hi), "n_replications": int(n)}
    return {"mean": mean, "lo": lo, "hi": hi, "n_replications": n}


def _rows_from_wide(metric: str, frame: pd.DataFrame, level: float) -> pd.DataFrame:
    s = summarize(frame.to_numpy(dtype=np.float64), axis=0, level=level)
    return pd.DataFrame({"metric": metric, "group": list(frame.columns), "mean": s["mean"],
                         "lo": s["lo"], "hi": s["hi"], "n_replications": s["n_replications"]})


def interval_frame(records: Mapping[str, Any] | pd.DataFrame,
                   level: float | None = None) -> pd.DataFrame:
    """Tidy table ``metric, group, mean, lo, hi, n_replications`` from per-replication values.

    ``records`` may be:

    - ``{metric: values}`` with ``values`` an array/list/Series over replications -> one row
      with ``group == ALL`` ("all");
    - ``{metric: {group: values}}`` -> one row per group;
    - ``{metric: DataFrame}`` with one row per replication and one column per group (e.g.
      ``pd.concat`` of per-replication group tables pivoted on ``group``) -> one row per column;
    - ``{metric: 2-D array}`` (replications x groups) -> groups numbered 0..G-1;
    - a long DataFrame with columns ``metric``, ``value`` and optionally ``group`` (one row per
      replication and cell) -> one row per (metric, group), in order of first appearance.

    Suppressed cells should be passed as NaN: they are skipped in that replication and show up
    as a lower ``n_replications`` (0 if suppressed everywhere) rather than disappearing.
    """
    lv = _level(level)
    if isinstance(records, pd.DataFrame):
        return _from_long(records, lv)
    parts: list[pd.DataFrame] = []
    for metric, values in records.items():
        if isinstance(values, pd.DataFrame):
            parts.append(_rows_from_wide(metric, values, lv))
        elif isinstance(values, Mapping):
            wide = pd.DataFrame({g: pd.Series(np.asarray(v, dtype=np.float64))
                                 for g, v in values.items()})
            parts.append(_rows_from_wide(metric, wide, lv))
        else:
            arr = np.asarray(values, dtype=np.float64)
            if arr.ndim == 2:
                parts.append(_rows_from_wide(metric, pd.DataFrame(arr), lv))
            elif arr.ndim <= 1:
                s = summarize(arr.reshape(-1), level=lv)
                parts.append(pd.DataFrame([{"metric": metric, "group": ALL, **s}]))
            else:
                raise ValueError(f"interval_frame: values of {metric!r} have shape {arr.shape}; "
                                 "expected replications or replications x groups")
    if not parts:
        return pd.DataFrame(columns=INTERVAL_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[INTERVAL_COLUMNS]
    out["n_replications"] = out["n_replications"].astype(np.int64)
    return out


def _from_long(df: pd.DataFrame, level: float) -> pd.DataFrame:
    missing = [c for c in ("metric", "value") if c not in df.columns]
    if missing:
        raise ValueError(f"interval_frame: long table lacks column(s) {missing}; "
                         f"has {list(df.columns)}")
    data = df.copy()
    if "group" not in data.columns:
        data["group"] = ALL
    data["value"] = data["value"].astype(np.float64)
    tail = (1.0 - level) / 2.0
    grouped = data.groupby(["metric", "group"], sort=False, dropna=False, observed=True)["value"]
    out = pd.DataFrame({
        "mean": grouped.mean(),
        "lo": grouped.quantile(tail),
        "hi": grouped.quantile(1.0 - tail),
        "n_replications": grouped.count().astype(np.int64),
    }).reset_index()
    return out[INTERVAL_COLUMNS]
