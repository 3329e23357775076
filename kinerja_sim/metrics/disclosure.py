"""Statistical disclosure control for published group tables: complementary suppression.

Suppressing only the groups with fewer than ``min_group_size`` employees (primary suppression)
does not protect them: every published group table also tells, directly or through the
headline, the total over all employees. For a count that total is the sum of the cells; for a
mean it is the overall mean, and a mean weighted by the group sizes ``n`` (which are shown)
gives the total sum ``N * mean``. One hidden cell in a dimension is then the total minus the
shown cells -- recovered exactly, to the last digit.

The rule applied here, per table and per dimension (one partition of the employees):

1. a group with ``n < min_n`` is suppressed (primary);
2. if any cell is suppressed, the suppressed cells must be **at least two** and cover **at
   least ``min_n`` employees together**; until they do, the smallest group still shown is
   suppressed too (complementary; ties broken by table order, so the pattern depends only on
   the group sizes, never on the values -- a value-dependent pattern would leak itself).

Differencing then yields only the aggregate of the suppressed cells together, which is itself a
group of at least ``min_n`` employees, and no single suppressed cell (the linear system has at
least two unknowns per equation). Group sizes stay visible. Intervals are narrowed, not closed:
a share in [0, 1] hidden next to one other small group can still be bounded; see
docs/reliability.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kinerja_sim.metrics.intervals import metrics_param

PRIMARY, COMPLEMENTARY = "primary", "complementary"


def _min_n(min_n: int | None) -> int:
    m = metrics_param("min_group_size") if min_n is None else min_n
    if not isinstance(m, int | np.integer) or m < 1:
        raise ValueError(f"min_n must be a positive integer, got {m!r}")
    return int(m)


def suppression_pattern(counts: Sequence[int] | np.ndarray, min_n: int | None = None
                        ) -> np.ndarray:
    """Which cells of one dimension to hide, from the group sizes alone.

    Returns an array of ``""`` (shown), ``"primary"`` (n < min_n) or ``"complementary"``
    (hidden so the primary cells cannot be derived from the shown cells and the total).
    """
    m = _min_n(min_n)
    n = np.asarray(counts, dtype=np.float64)
    n = np.where(np.isnan(n), 0, n)
    out = np.full(len(n), "", dtype=object)
    hidden = n < m
    out[hidden] = PRIMARY
    if not hidden.any():
        return out
    order = np.argsort(n, kind="stable")  # smallest first, table order among equals
    while hidden.sum() < 2 or n[hidden].sum() < m:
        rest = order[~hidden[order]]
        if not len(rest):
            break  # the whole dimension is hidden
        hidden[rest[0]] = True
        out[rest[0]] = COMPLEMENTARY
    return out


def suppress_complementary(table: pd.DataFrame, count_col: str, value_cols: Sequence[str],
                           min_n: int | None = None, by: Sequence[str] = ()
                           ) -> pd.DataFrame:
    """``table`` with primary and complementary suppression applied (see the module doc).

    ``count_col`` holds each group's number of employees; ``value_cols`` are set to NaN on
    every suppressed row; ``by`` names the columns that separate independent tables in one
    frame (e.g. ``["scenario", "dimension"]``: each combination is one dimension with its own
    total). Adds ``suppressed`` (bool) and ``suppression`` (``""``, ``"primary"``,
    ``"complementary"``). ``count_col`` may itself be in ``value_cols`` (count tables).
    """
    m = _min_n(min_n)
    out = table.copy()
    kind = np.full(len(out), "", dtype=object)
    keys = list(by)
    if keys:
        groups = out.groupby(keys, sort=False, dropna=False).indices.values()
    else:
        groups = [np.arange(len(out))]
    counts = pd.to_numeric(out[count_col], errors="coerce").to_numpy(dtype=np.float64)
    for idx in groups:
        idx = np.asarray(idx)
        kind[idx] = suppression_pattern(counts[idx], m)
    hidden = kind != ""
    for col in value_cols:
        if hidden.any():
            if not (pd.api.types.is_float_dtype(out[col].dtype)
                    or isinstance(out[col].dtype, pd.Float64Dtype)):
                out[col] = out[col].astype("Float64" if pd.api.types.is_integer_dtype(
                    out[col].dtype) else np.float64)
            out.loc[hidden, col] = np.nan
    out["suppressed"] = hidden
    out["suppression"] = kind
    return out


def publishable_groups(labels: Sequence[object] | np.ndarray, min_n: int | None = None
                       ) -> set[str]:
    """Labels (as text) of the groups a table of ``labels`` may show under the rule above.

    Summaries over groups (max - min gaps, four-fifths ratios) must use only these: a gap
    computed over a complementary cell would reveal it, and with it the primary cell."""
    s = pd.Series(np.asarray(labels, dtype=object)).dropna().astype(str)
    counts = s.value_counts(sort=False).sort_index()
    kind = suppression_pattern(counts.to_numpy(), min_n)
    return {str(g) for g, k in zip(counts.index, kind, strict=True) if k == ""}
