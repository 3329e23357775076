"""Group metrics for one workforce evaluated many times (the interactive designer's fast path).

:func:`kinerja_sim.compare.winners_losers` and :func:`kinerja_sim.outcomes.per_replication`
re-derive every group label from the employee table on each call (string factorising and
pandas group-bys: ~0.2 s on Binjai). A designer that re-scores the same 5,124 employees after
every slider move can't pay that each time, so :class:`GroupIndex` factorises the group columns
once and then answers with ``np.bincount`` over integer codes. The figures are the same
definitions as the engine's (tests/test_metrics_grouped.py checks them against ``compare`` and
``outcomes``): winners and losers share up/down and mean TPP change per group; the four-fifths
ratio on the top predikat; the conditional-parity gap of standardised scores given true
contribution. Cells with fewer than ``min_group_size`` employees are suppressed, with the same
complementary suppression as everywhere (:mod:`kinerja_sim.metrics.disclosure`), and gaps and
ratios use only the groups a table may show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kinerja_sim.metrics.disclosure import suppression_pattern
from kinerja_sim.metrics.fairness import score_residuals
from kinerja_sim.metrics.intervals import metrics_param

__all__ = ["GroupIndex", "standardised"]


def standardised(x: ArrayLike) -> np.ndarray:
    """Scores in SD units (NaN ignored), so residual gaps compare across schemes' scales."""
    v = np.asarray(x, dtype=np.float64)
    sd = np.nanstd(v)
    return (v - np.nanmean(v)) / sd if sd > 0 else v - np.nanmean(v)


class GroupIndex:
    """Integer group codes of ``employees[dimensions]``, built once, for repeated evaluation.

    Group labels are the columns as text, sorted (the order ``compare.winners_losers`` uses).
    """

    def __init__(self, employees: pd.DataFrame, dimensions: Sequence[str],
                 min_n: int | None = None) -> None:
        self.dimensions = tuple(dimensions)
        self.min_n = int(metrics_param("min_group_size") if min_n is None else min_n)
        self.n = len(employees)
        self.codes: dict[str, np.ndarray] = {}
        self.names: dict[str, tuple[str, ...]] = {}
        for dim in self.dimensions:
            codes, names = pd.factorize(employees[dim].astype(str), sort=True)
            self.codes[dim] = codes.astype(np.int64)
            self.names[dim] = tuple(str(x) for x in names)
        #: per dimension: "" (shown), "primary" or "complementary" for each group
        self.suppression = {dim: suppression_pattern(
            np.bincount(self.codes[dim], minlength=len(self.names[dim])), self.min_n)
            for dim in self.dimensions}

    def _check(self, *arrays: np.ndarray) -> None:
        for a in arrays:
            if a.shape != (self.n,):
                raise ValueError(f"expected {self.n} values per employee, got shape {a.shape}")

    def means(self, values: np.ndarray, dim: str) -> tuple[np.ndarray, np.ndarray]:
        """(count of non-NaN values, mean) per group of ``dim``, groups in :attr:`names` order.

        The raw figures, before any suppression: callers apply the size rule to the counts."""
        codes, k = self.codes[dim], len(self.names[dim])
        ok = ~np.isnan(values)
        cnt = np.bincount(codes[ok], minlength=k)
        tot = np.bincount(codes[ok], weights=values[ok], minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            return cnt, tot / cnt

    def winners_losers(self, before_predikat: ArrayLike, after_predikat: ArrayLike,
                       before_tpp: ArrayLike, after_tpp: ArrayLike) -> pd.DataFrame:
        """Per (dimension, group): ``n, share_up, share_down, mean_tpp_change, suppressed``.

        One replication's final period; the same columns and definitions as
        :func:`kinerja_sim.compare.winners_losers` (without its ``scenario`` column).
        """
        b, a = np.asarray(before_predikat, float), np.asarray(after_predikat, float)
        bt, at = np.asarray(before_tpp, float), np.asarray(after_tpp, float)
        self._check(b, a, bt, at)
        d = a - b
        up, down, tpp = (d > 0).astype(float), (d < 0).astype(float), at - bt
        parts: dict[str, list] = {c: [] for c in ("dimension", "group", "n", "share_up",
                                                  "share_down", "mean_tpp_change",
                                                  "suppression")}
        for dim in self.dimensions:
            codes, k = self.codes[dim], len(self.names[dim])
            n = np.bincount(codes, minlength=k)
            parts["dimension"].append(np.full(k, dim, dtype=object))
            parts["group"].append(np.array(self.names[dim], dtype=object))
            parts["n"].append(n)
            parts["suppression"].append(self.suppression[dim])
            with np.errstate(divide="ignore", invalid="ignore"):
                for name, v in (("share_up", up), ("share_down", down),
                                ("mean_tpp_change", tpp)):
                    parts[name].append(np.bincount(codes, weights=v, minlength=k) / n)
        cols = {c: np.concatenate(v) for c, v in parts.items()}
        kind = cols.pop("suppression")
        sup = kind != ""
        for c in ("share_up", "share_down", "mean_tpp_change"):
            cols[c] = np.where(sup, np.nan, cols[c])
        # one frame built once (not one per dimension + concat): this runs per slider move
        return pd.DataFrame({**cols, "suppressed": sup, "suppression": kind})

    def rates(self, predikat: ArrayLike, dim: str, top: int = 4
              ) -> tuple[np.ndarray, np.ndarray]:
        """(employees with a predikat, share at ``top``) per group of ``dim``, before any
        suppression (as :meth:`means`)."""
        p = np.asarray(predikat, dtype=np.float64)
        self._check(p)
        sel = np.where(np.isnan(p), np.nan, (p == top).astype(np.float64))
        return self.means(sel, dim)

    def selection_rates(self, predikat: ArrayLike, dim: str, top: int = 4) -> pd.DataFrame:
        """Share at predikat ``top`` per group: ``group, n, rate, suppressed``."""
        n, rate = self.rates(predikat, dim, top)
        sup = self.suppression[dim] != ""
        return pd.DataFrame({"group": list(self.names[dim]), "n": n,
                             "rate": np.where(sup, np.nan, rate), "suppressed": sup})

    def four_fifths_ratio(self, predikat: ArrayLike, dim: str, top: int = 4) -> float:
        """Lowest over highest top-predikat rate among unsuppressed groups (NaN if < 2 groups
        or nobody at ``top``), as :func:`kinerja_sim.metrics.four_fifths_ratio`."""
        n, rate = self.rates(predikat, dim, top)
        kept = rate[(self.suppression[dim] == "") & (n > 0)]
        if kept.size < 2 or kept.max() == 0:
            return float("nan")
        return float(kept.min() / kept.max())

    def residuals(self, score: ArrayLike, truth: ArrayLike) -> np.ndarray:
        """Residuals of the standardised score given truth (compute once, reuse per dim)."""
        s, t = np.asarray(score, dtype=np.float64), np.asarray(truth, dtype=np.float64)
        self._check(s, t)
        return score_residuals(standardised(s), t)

    def parity(self, score: ArrayLike, truth: ArrayLike, dim: str) -> pd.DataFrame:
        """Mean residual of the standardised score given truth per group:
        ``group, n, mean_residual, suppressed`` (as :func:`metrics.conditional_parity`)."""
        n, mean = self.means(self.residuals(score, truth), dim)
        sup = (self.suppression[dim] != "") | (n < self.min_n)
        return pd.DataFrame({"group": list(self.names[dim]), "n": n,
                             "mean_residual": np.where(sup, np.nan, mean), "suppressed": sup})

    def parity_gap(self, score: ArrayLike, truth: ArrayLike, dim: str,
                   residuals: np.ndarray | None = None) -> float:
        """Largest minus smallest group mean residual among unsuppressed groups (score SDs),
        the ``fairness.parity_gap.<dim>`` metric of :mod:`kinerja_sim.outcomes`. Pass
        ``residuals`` (from :meth:`residuals`) to skip refitting for each dimension."""
        res = self.residuals(score, truth) if residuals is None else residuals
        n, mean = self.means(res, dim)
        kept = mean[(self.suppression[dim] == "") & (n >= self.min_n)]
        return float(kept.max() - kept.min()) if kept.size > 1 else float("nan")
