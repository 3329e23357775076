"""Shared achievement formulas and input checks used by every scoring scheme.

``capaian`` is the IKI achievement of PermenPANRB 8/2021 (annex, still used as guidance under
6/2022; regulation.md §1.2):

* higher is better: ``R / T * 100``;
* lower is better ("kondisi khusus", time and cost): ``(1 + (1 - R / T)) * 100``, e.g.
  T = 7, R = 6.5 -> 107.14; T = 8, R = 9 -> 87.5.

The result is floored at 0 (the special-condition formula goes negative once R > 2T) and may be
capped. NaN (missing realisation or empty slot) propagates: each scheme decides, in its YAML,
what a missing realisation is worth, so nothing is dropped silently here.

The helpers below are shared by the scheme modules: the common input checks (one
:class:`~kinerja_sim.errors.InputError` listing every structural problem), band lookup with
lower-bound-inclusive thresholds, and masked means over IKI slots.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kinerja_sim.errors import InputError, Problem, ProblemCollector
from kinerja_sim.schemes.base import BERAKHLAK, Measurements, OrgContext

MEASUREMENTS_FILE = "<measurements>"
SCENARIO_FILE = "<scenario>"


def capaian(target, realisation, higher_is_better, cap: float | None = None) -> np.ndarray:
    """Vectorised IKI achievement in percent (see module docstring).

    ``target``, ``realisation`` and ``higher_is_better`` broadcast against each other. A
    finite target must be > 0 (a ratio to a zero or negative target is undefined): such
    targets raise ``ValueError`` rather than producing inf. NaN target or realisation gives NaN.
    """
    t = np.asarray(target, dtype=np.float64)
    r = np.asarray(realisation, dtype=np.float64)
    hib = np.asarray(higher_is_better, dtype=bool)
    bad = np.isfinite(t) & (t <= 0)
    if bad.any():
        raise ValueError(f"capaian: {int(bad.sum())} target(s) <= 0; a target must be > 0")
    # evaluated in place on one array (national scale): ratio, then 2 - ratio where lower is
    # better, then * 100
    out = np.empty(np.broadcast_shapes(t.shape, r.shape, hib.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(r, t, out=out)
    np.subtract(2.0, out, out=out, where=~hib)
    out *= 100.0
    np.maximum(out, 0.0, out=out)  # NaN-preserving
    if cap is not None:
        np.minimum(out, cap, out=out)
    return out if out.ndim else out[()]


def active_slots(m: Measurements) -> np.ndarray:
    """(n, K) bool: IKI slots in use (``indicator >= 0``)."""
    return np.asarray(m.indicator) >= 0


def row_count(mask: np.ndarray) -> np.ndarray:
    """Row-wise number of True in a 2-D boolean array (``mask.sum(axis=1)``, int64).

    A loop over the few columns (IKI slots, BerAKHLAK values) is several times faster than
    numpy's reduction along a short row at national scale; counts are exact either way.
    """
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros(mask.shape[0], dtype=np.int64)
    for j in range(mask.shape[1]):
        out += mask[:, j]
    return out


def row_any(mask: np.ndarray) -> np.ndarray:
    """Row-wise any() of a 2-D boolean array (``mask.any(axis=1)``), by columns as above."""
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros(mask.shape[0], dtype=bool)
    for j in range(mask.shape[1]):
        out |= mask[:, j]
    return out


def masked_mean(values: np.ndarray, mask: np.ndarray, weights: np.ndarray | None = None
                ) -> np.ndarray:
    """Row-wise (weighted) mean of ``values`` over ``mask``; NaN where a row has no weight."""
    v = np.where(mask, values, 0.0)
    if weights is None and np.asarray(mask).dtype == bool:  # unit weights: v * w is v
        num, den = v.sum(axis=1), row_count(mask).astype(np.float64)
    else:
        w = mask.astype(np.float64) if weights is None else np.where(mask, weights, 0.0)
        num, den = (v * w).sum(axis=1), w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den


def band(score: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Ordinal code 0..len(thresholds) with lower-bound-inclusive ``thresholds`` (ascending).

    ``band(x, [51, 61, 76, 91])`` gives 0 for x < 51, 1 for 51 <= x < 61, ..., 4 for x >= 91.
    NaN scores raise ``ValueError`` (a NaN would otherwise land silently in the top band).
    """
    x = np.asarray(score, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError(f"band: {int(np.isnan(x).sum())} NaN score(s)")
    return np.searchsorted(np.asarray(thresholds, dtype=np.float64), x, side="right").astype(
        np.int8
    )


def level3(x: np.ndarray, sesuai_from: float, atas_from: float) -> np.ndarray:
    """Three-level rating code: 0 if x < sesuai_from, 2 if x >= atas_from, else 1. NaN -> 0."""
    x = np.asarray(x, dtype=np.float64)
    # NaN compares False: counted below expectation
    return np.where(x >= atas_from, np.int8(2), (x >= sesuai_from).view(np.int8))


def rows_text(idx: np.ndarray, limit: int = 10) -> str:
    shown = ", ".join(str(int(i) + 1) for i in idx[:limit])
    more = f" ... ({idx.size} in total)" if idx.size > limit else ""
    return f"rows {shown}{more}"


def check_inputs(m: Measurements, org: OrgContext | None = None) -> None:
    """Raise one :class:`InputError` listing every structural problem of the scheme inputs.

    Checked: array shapes agree; every employee has at least one IKI slot; active slots have a
    finite target > 0; the BerAKHLAK ratings are finite and within 0..100; organisation codes
    are in range. Missing realisations are *not* errors: the schemes score them explicitly.
    """
    pc = ProblemCollector()
    f = MEASUREMENTS_FILE
    ind = np.asarray(m.indicator)
    if ind.ndim != 2:
        raise InputError([Problem(f, "indicator", "must be a 2-D (n, K) array")])
    n, k = ind.shape
    for name in ("target", "realisation", "higher_is_better", "utama", "quality", "time_target",
                 "time_realisation", "cost_target", "cost_realisation"):
        shp = np.shape(getattr(m, name))
        if shp != (n, k):
            pc.add(f, name, f"shape {shp}", expected=f"({n}, {k})")
    for name, shp_exp in (("perilaku", (n, len(BERAKHLAK))), ("late", (n, 4)),
                          ("days_absent", (n,)), ("innovation", (n,))):
        shp = np.shape(getattr(m, name))
        if shp != shp_exp:
            pc.add(f, name, f"shape {shp}", expected=str(shp_exp))
    if org is not None:
        for name in ("opd", "unit", "jenis_jabatan", "rumpun", "is_opd_head", "kelas_jabatan"):
            shp = np.shape(getattr(org, name))
            if shp != (n,):
                pc.add("<organisation>", name, f"shape {shp}", expected=f"({n},)")
    pc.raise_if_any()

    if ind.size and ind.max() >= len(m.indicator_names):
        pc.add(f, "indicator", f"code {int(ind.max())} outside the catalogue",
               expected=f"-1..{len(m.indicator_names) - 1}")
    act = ind >= 0
    none = np.flatnonzero(~row_any(act))
    if none.size:
        pc.add(f, rows_text(none), f"{none.size} employee(s) have no IKI slot (indicator >= 0)",
               column="indicator")
    t = np.asarray(m.target, dtype=np.float64)
    bad_t = np.flatnonzero(row_any(act & ~(t > 0)))
    if bad_t.size:
        pc.add(f, rows_text(bad_t), f"{bad_t.size} employee(s) have an IKI with a missing or "
               "non-positive target", column="target", expected="target > 0")
    p = np.asarray(m.perilaku, dtype=np.float64)
    bad_p = np.flatnonzero(row_any(~((p >= 0) & (p <= 100))))
    if bad_p.size:
        pc.add(f, rows_text(bad_p), f"{bad_p.size} employee(s) have a BerAKHLAK rating that is "
               "missing or outside 0..100", column="perilaku", expected="0 <= rating <= 100")
    if org is not None:
        n_opd = len(org.org_predikat)
        opd = np.asarray(org.opd)
        if opd.size and (opd.min() < 0 or opd.max() >= n_opd):
            pc.add("<organisation>", "opd", "OPD code outside org_predikat",
                   expected=f"0..{n_opd - 1}")
        op = np.asarray(org.org_predikat)
        if op.size and (op.min() < 0 or op.max() > 4):
            pc.add("<organisation>", "org_predikat", "organisation predikat code outside 0..4")
    pc.raise_if_any()
