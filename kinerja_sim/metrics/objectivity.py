"""Objectivity: do scores and predikat track true contribution? (DESIGN §3 "Outcomes").

The simulation knows each employee's ``true_contribution``; a real appraisal never does. These
metrics measure how far a scheme's output is from that truth, per (replication, period):

- :func:`spearman` — rank agreement of the continuous score with the truth. Rank-based because
  schemes put scores on different scales (0-100, capaian %, a z-score ``merit``) and only the
  ordering matters for who gets which predikat and TPP.
- :func:`predikat_agreement` — Cohen's kappa between the awarded predikat and the predikat each
  employee *would* get if the same category shares were handed out by true rank. Holding the
  shares fixed separates "wrong people in the categories" (what this measures) from "categories
  too lenient" (rating inflation, measured by the shares themselves).
- :func:`flip_rate` — stability: the share of employees whose predikat changes when the same
  period is measured again with fresh noise.

All functions take whole numpy arrays over employees and return plain floats or arrays.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

N_PREDIKAT = 5  #: predikat are ordinal codes 0..4 (worst..best), see schemes/base.py


def average_ranks(x: ArrayLike) -> np.ndarray:
    """Ranks 1..n, ties sharing their average rank: ``scipy.stats.rankdata(x)`` exactly.

    Written in numpy because importing ``scipy.stats`` costs about a second of CPU at every
    start of a process (each CLI call, each notebook kernel) for this one function.
    """
    v = np.asarray(x, dtype=np.float64)
    order = np.argsort(v, kind="mergesort")
    xs = v[order]
    first = np.r_[True, xs[1:] != xs[:-1]]
    group = np.cumsum(first)  # 1-based tie group of each sorted value
    bounds = np.r_[np.nonzero(first)[0], v.size]  # start of each group in sorted order, then n
    ranks = np.empty(v.size, dtype=np.float64)
    ranks[order] = 0.5 * (bounds[group] + bounds[group - 1] + 1)
    return ranks


def _vector(x: ArrayLike, name: str, dtype: type = np.float64) -> np.ndarray:
    arr = np.asarray(x, dtype=dtype)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per employee), got shape "
                         f"{arr.shape}")
    return arr


def _pair(a: ArrayLike, b: ArrayLike, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    x, y = _vector(a, names[0]), _vector(b, names[1])
    if x.shape != y.shape:
        raise ValueError(f"{names[0]} and {names[1]} differ in length: {x.size} vs {y.size}")
    return x, y


def effective_score(score: ArrayLike, merit: ArrayLike) -> np.ndarray:
    """The continuous score objectivity metrics should use: ``score``, or ``merit`` if it has none.

    Schemes without a numeric final score (PermenPANRB 6/2022) return an all-NaN ``score`` and a
    continuous ``merit`` composite. The fallback is all-or-nothing on purpose: when a scheme *has*
    a score, scattered NaNs are missing data and must stay NaN rather than be filled from a
    different scale.
    """
    s, m = _pair(score, merit, ("score", "merit"))
    return m.copy() if np.isnan(s).all() else s.copy()


def spearman(score: ArrayLike, truth: ArrayLike) -> float:
    """Spearman rank correlation of ``score`` with ``truth``; pairs with a NaN are excluded.

    Equal to ``scipy.stats.spearmanr(score[ok], truth[ok]).statistic`` (average ranks for ties).
    Returns NaN when fewer than two complete pairs remain or either side is constant (the
    correlation is undefined, not zero).
    """
    x, y = _pair(score, truth, ("score", "truth"))
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 2:
        return float("nan")
    rx = average_ranks(x[ok]) - (ok.sum() + 1) / 2.0
    ry = average_ranks(y[ok]) - (ok.sum() + 1) / 2.0
    denom = np.sqrt(np.dot(rx, rx) * np.dot(ry, ry))
    if denom == 0:
        return float("nan")
    return float(np.clip(np.dot(rx, ry) / denom, -1.0, 1.0))


def _codes(x: ArrayLike, name: str, n_categories: int) -> np.ndarray:
    """Validate ordinal codes 0..n_categories-1 (NaN allowed) and return them as float."""
    arr = _vector(x, name)
    ok = ~np.isnan(arr)
    bad = ok & ((arr != np.round(arr)) | (arr < 0) | (arr > n_categories - 1))
    if bad.any():
        raise ValueError(f"{name} must hold integer codes 0..{n_categories - 1}; "
                         f"{int(bad.sum())} value(s) are not, e.g. {arr[bad][:5].tolist()}")
    return arr


def true_quantile_predikat(predikat: ArrayLike, truth: ArrayLike,
                           n_categories: int = N_PREDIKAT) -> np.ndarray:
    """The predikat each employee would get if the observed shares were assigned by true rank.

    The ``counts[c]`` employees with the highest ``truth`` get the best category that was
    awarded, the next ones the next category, and so on, so the result has exactly the same
    number of employees in every category as ``predikat``. Ties in ``truth`` are broken by
    position (earlier employee ranks higher) so the result is deterministic.

    Every employee must have a predikat and a finite truth: this defines a reference
    allocation over the whole workforce, and a partial one would silently change the shares.
    """
    p = _codes(predikat, "predikat", n_categories)
    t = _vector(truth, "truth")
    if p.shape != t.shape:
        raise ValueError(f"predikat and truth differ in length: {p.size} vs {t.size}")
    if np.isnan(p).any() or not np.isfinite(t).all():
        raise ValueError("true_quantile_predikat needs a predikat and a finite truth for every "
                         f"employee ({int(np.isnan(p).sum())} missing predikat, "
                         f"{int((~np.isfinite(t)).sum())} non-finite truth)")
    codes = p.astype(np.int64)
    counts = np.bincount(codes, minlength=n_categories)
    order = np.argsort(-t, kind="stable")  # best truth first
    out = np.empty(codes.size, dtype=np.int64)
    out[order] = np.repeat(np.arange(n_categories - 1, -1, -1), counts[::-1])
    return out


def cohen_kappa(a: ArrayLike, b: ArrayLike, n_categories: int = N_PREDIKAT,
                weights: Literal["linear", "quadratic"] | None = None) -> float:
    """Cohen's kappa between two ordinal codings, from a numpy confusion matrix.

    Equal to ``sklearn.metrics.cohen_kappa_score(a, b, weights=weights,
    labels=range(n_categories))``. Pairs with a NaN are excluded. ``weights="linear"`` /
    ``"quadratic"`` give weighted kappa, which credits near misses on the ordinal predikat scale
    (Baik vs Sangat Baik is a smaller error than Baik vs Sangat Kurang); the default unweighted
    kappa treats all disagreements alike. Weights are distances between *codes*, so an empty
    category still counts as a step; scikit-learn without ``labels`` would instead use positions
    among the categories present (the unweighted value is the same either way).

    Degenerate case: when chance agreement is total (both codings put every employee in the
    same single category) kappa is 0/0 and NaN is returned — agreement is then neither good nor
    bad, it is unmeasurable. (scikit-learn also returns NaN there, with a warning.)
    """
    x = _codes(a, "a", n_categories)
    y = _codes(b, "b", n_categories)
    if x.shape != y.shape:
        raise ValueError(f"a and b differ in length: {x.size} vs {y.size}")
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    if n == 0:
        return float("nan")
    k = n_categories
    xi, yi = x[ok].astype(np.int64), y[ok].astype(np.int64)
    confusion = np.bincount(xi * k + yi, minlength=k * k).reshape(k, k).astype(np.float64)
    expected = np.outer(confusion.sum(axis=1), confusion.sum(axis=0)) / n
    idx = np.arange(k)
    if weights is None:
        w = 1.0 - np.eye(k)
    elif weights == "linear":
        w = np.abs(idx[:, None] - idx[None, :]).astype(np.float64)
    elif weights == "quadratic":
        w = (idx[:, None] - idx[None, :]).astype(np.float64) ** 2
    else:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    disagreement_expected = float(np.sum(w * expected))
    if disagreement_expected == 0:
        return float("nan")
    return float(1.0 - np.sum(w * confusion) / disagreement_expected)


def predikat_agreement(predikat: ArrayLike, truth: ArrayLike,
                       weights: Literal["linear", "quadratic"] | None = None) -> float:
    """Kappa between awarded predikat and the true-rank predikat with the same shares.

    1 = the right people are in every category; 0 = no better than shuffling employees among
    the categories. See :func:`true_quantile_predikat` and :func:`cohen_kappa`.
    """
    return cohen_kappa(predikat, true_quantile_predikat(predikat, truth), weights=weights)


def flip_rate(predikat_a: ArrayLike, predikat_b: ArrayLike) -> float:
    """Share of employees whose predikat differs between two re-measurements of one period.

    A stable scheme gives the same employee the same predikat when only measurement noise
    changes; a high flip rate means the predikat (and the TPP tied to it) is partly a lottery.
    Pairs with a NaN are excluded; NaN when none remain.
    """
    x, y = _pair(predikat_a, predikat_b, ("predikat_a", "predikat_b"))
    ok = ~(np.isnan(x) | np.isnan(y))
    if not ok.any():
        return float("nan")
    return float(np.mean(x[ok] != y[ok]))
