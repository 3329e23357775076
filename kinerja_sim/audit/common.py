"""Shared pieces of the audit: thresholds, pseudonyms, the per-slot view of a file.

Everything the audit shows about a person goes through :func:`pseudonyms`: a keyed hash of the
workforce's own id, so a report never carries an id from the file, and the key back to the
file's ids is a separate table written only on request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from kinerja_sim.indicators import Catalogue, arrays
from kinerja_sim.params import load_yaml
from kinerja_sim.workforce.model import EXTERNAL_RATER, Workforce


@lru_cache(maxsize=1)
def _params() -> dict:
    return load_yaml("audit.yaml")


def param(path: str) -> float | int:
    """Threshold ``a.b`` from ``data/audit.yaml`` (the ``value`` of a leaf block if it has one)."""
    node = _params()
    for part in path.split("."):
        node = node[part]
    return node["value"] if isinstance(node, dict) else node


def pseudonyms(ids: pd.Series | np.ndarray, key: str, prefix: str) -> np.ndarray:
    """``prefix-xxxxxxxx`` keyed hashes of ``ids`` (stable for one file, not reversible)."""
    values = pd.Series(np.asarray(ids, dtype=object))
    uniq = pd.unique(values)
    table = {}
    for u in uniq:
        if u == EXTERNAL_RATER:
            table[u] = EXTERNAL_RATER
            continue
        h = hashlib.sha256(f"{key}\x00{prefix}\x00{u}".encode()).hexdigest()[:8]
        table[u] = f"{prefix}-{h}"
    return values.map(table).to_numpy(dtype=object)


@dataclass(frozen=True)
class Slots:
    """The file's IKI slots, flattened to one row per used slot (what the checks work on)."""

    frame: pd.DataFrame  # employee row, slot, opd, unit, rumpun, indicator, target, realisasi, ...


def slots(wf: Workforce, cat: Catalogue) -> Slots:
    """One row per used IKI slot with ``log_ratio`` = direction-signed log(realisasi/target)."""
    m = wf.observed
    code = np.asarray(m.indicator)
    rows, cols = np.nonzero(code >= 0)
    c = code[rows, cols].astype(np.int64)
    coef = arrays(cat)
    target = np.asarray(m.target, dtype=float)[rows, cols]
    real = np.asarray(m.realisation, dtype=float)[rows, cols]
    sign = np.where(coef.higher_is_better[c], 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = sign * np.log(real / target)
    lr[~np.isfinite(lr)] = np.nan
    e = wf.employees
    frame = pd.DataFrame({
        "row": rows, "slot": cols,
        "opd": e["opd"].astype(str).to_numpy()[rows],
        "unit": e["unit"].astype(str).to_numpy()[rows],
        "rumpun": e["rumpun"].astype(str).to_numpy()[rows],
        "code": c,
        "indicator": np.asarray(m.indicator_names, dtype=object)[c],
        "target": target, "realisasi": real,
        "max_value": coef.max_value[c],
        "log_ratio": lr,
    })
    frame["missing"] = np.isnan(real)
    return Slots(frame)


def unit_key(opd: pd.Series | np.ndarray, unit: pd.Series | np.ndarray) -> np.ndarray:
    """A unit is (OPD, unit name): unit names repeat across OPDs in real files."""
    return (pd.Series(np.asarray(opd, dtype=object)).astype(str) + "\x00"
            + pd.Series(np.asarray(unit, dtype=object)).astype(str)).to_numpy(dtype=object)


def results_index(sl: Slots, n: int) -> np.ndarray:
    """Each employee's measured results: mean robust z of log(realisasi/target) over used,
    reported slots (z within indicator, clipped at +-4 so a decimal slip does not dominate);
    0 when nothing usable was reported."""
    f = sl.frame
    ok = f["log_ratio"].notna()
    g = f.loc[ok].groupby("code")["log_ratio"]
    med = g.transform("median")
    mad = g.transform(lambda s: (s - s.median()).abs().median()) * 1.4826
    z = ((f.loc[ok, "log_ratio"] - med) / mad.replace(0, np.nan)).fillna(0).clip(-4, 4)
    out = np.zeros(n)
    cnt = np.bincount(f.loc[ok, "row"], minlength=n)
    tot = np.bincount(f.loc[ok, "row"], weights=z, minlength=n)
    np.divide(tot, cnt, out=out, where=cnt > 0)
    return out
