"""Allowance (TPP) distribution: how unequal is pay, and who gets more? (DESIGN §3 "Outcomes").

Performance-linked TPP is meant to differentiate; the Gini coefficient shows how far a scheme
spreads pay, and group means (with small-group suppression) show whether the spread follows
groups rather than performance. "Who gains and loses rupiah" between baseline and reform is
:func:`mean_by_group` applied to the per-employee difference ``tpp_reform - tpp_baseline``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kinerja_sim.metrics.fairness import Groups, group_means
from kinerja_sim.metrics.objectivity import _vector


def gini(x: ArrayLike) -> float:
    """Gini coefficient of non-negative amounts (population form, no small-sample correction).

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, computed in O(n log n) from the sorted values
    as ``2 sum_i i x_(i) / (n sum x) - (n + 1) / n``. 0 when everyone gets the same, ``(n-1)/n``
    when one person gets everything. NaN amounts are skipped (e.g. employees not eligible);
    NaN when nothing remains or the total is 0 (inequality of nothing is undefined). Negative
    amounts raise ``ValueError``: TPP cannot be negative, so one signals a bug upstream.
    """
    v = _vector(x, "x")
    v = v[~np.isnan(v)]
    if (v < 0).any():
        raise ValueError(f"gini: amounts must be non-negative; {int((v < 0).sum())} are negative")
    n = v.size
    total = float(v.sum())
    if n == 0 or total == 0:
        return float("nan")
    rank = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(rank, np.sort(v)) / (n * total) - (n + 1) / n)


def mean_by_group(x: ArrayLike, groups: Groups, min_n: int | None = None) -> pd.DataFrame:
    """Mean of ``x`` (e.g. TPP in rupiah, or its change) per group: ``group, n, mean, suppressed``.

    Groups with fewer than ``min_n`` (metrics.yaml, 10) employees keep their row with ``n`` and
    ``mean`` NaN, ``suppressed=True``.
    """
    return group_means(x, groups, min_n, value_name="mean")
