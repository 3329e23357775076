"""Fairness: are some groups, raters or OPDs systematically advantaged? (DESIGN §3 "Outcomes").

Fairlearn-style disaggregation with the two gaps literature.md B names closed:

- **Continuous scores.** :func:`conditional_parity` compares groups on the part of the score
  that true contribution does *not* explain (:func:`score_residuals`), so a group that truly
  contributes more is not mistaken for a favoured one; :func:`variance_shares` measures how much
  of that unexplained part is rater or OPD membership.
- **Small groups are flagged, not dropped.** Every per-group table keeps every group, with its
  ``n``; a cell with fewer than ``min_group_size`` (metrics.yaml, 10) employees has its value set
  to NaN and ``suppressed=True``. Suppressed groups are excluded from ratios such as the
  four-fifths rule, because a group of three can produce a ratio of 0 or 1 by chance.

Group labels may be a pandas Series (categorical dtypes keep empty categories, shown with
``n == 0``), a numpy array or a list. A missing label (NaN/None) forms its own group rather than
vanishing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kinerja_sim.metrics.intervals import metrics_param
from kinerja_sim.metrics.objectivity import _pair, _vector

Groups = pd.Series | pd.Categorical | np.ndarray | list


def _min_n(min_n: int | None) -> int:
    m = metrics_param("min_group_size") if min_n is None else min_n
    if int(m) != m or m < 1:
        raise ValueError(f"min_n must be a positive integer, got {m!r}")
    return int(m)


def _labels(groups: Groups | Any, n: int, name: str = "groups") -> pd.Series:
    if isinstance(groups, pd.Series):
        g = groups.reset_index(drop=True)
    elif isinstance(groups, pd.Categorical):
        g = pd.Series(groups)
    else:
        arr = np.asarray(groups)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
        g = pd.Series(arr)
    if len(g) != n:
        raise ValueError(f"{name} has {len(g)} labels for {n} employees")
    return g


def group_means(values: ArrayLike, groups: Groups, min_n: int | None = None,
                value_name: str = "mean") -> pd.DataFrame:
    """Mean of ``values`` per group: columns ``group, n, <value_name>, suppressed``.

    ``n`` counts the employees of the group with a non-NaN value — the number the mean rests
    on, hence the number the size rule applies to. Groups with ``n < min_n`` keep their row with
    the value NaN and ``suppressed=True``. Rows are sorted by group label (missing label last).
    """
    v = _vector(values, "values")
    g = _labels(groups, v.size)
    m = _min_n(min_n)
    # numpy, not a pandas groupby: the report asks for ~700 of these per scenario (every metric
    # per replication and quarter), and the groupby's fixed cost was 70 % of a report's metric
    # time. Same semantics: every category (observed or not), sorted, a missing label last.
    labels, codes = group_codes(g)
    ok = ~np.isnan(v)
    n = np.bincount(codes[ok], minlength=labels.size).astype(np.int64)
    sums = np.bincount(codes[ok], weights=v[ok], minlength=labels.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / n
    suppressed = n < m
    return pd.DataFrame({
        "group": labels,
        "n": n,
        value_name: np.where(suppressed | (n == 0), np.nan, mean),
        "suppressed": suppressed,
    })


def group_codes(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(group labels, code of each row)``: groups sorted (categories in their order, every
    category even if unobserved), a missing label as the last group, as a pandas groupby with
    ``sort=True, dropna=False, observed=False`` orders them."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        names = labels.cat.categories.to_numpy()
        codes = labels.cat.codes.to_numpy().astype(np.int64)
    else:
        codes, uniques = pd.factorize(labels, sort=True)
        names = np.asarray(uniques)
    if (codes < 0).any():
        names = np.concatenate([names if names.dtype.kind == "f" else names.astype(object),
                                [np.nan]])
        codes = np.where(codes < 0, names.size - 1, codes)
    return names, codes


def score_residuals(score: ArrayLike, truth: ArrayLike) -> np.ndarray:
    """Residual of the OLS fit ``score ~ a + b * truth``: the score true contribution can't explain.

    A group whose mean residual is positive is scored higher than employees with the same true
    contribution elsewhere — the continuous-score analogue of conditional statistical parity.
    The fit uses complete pairs only; employees with a NaN score or truth get a NaN residual. If
    ``truth`` is constant the slope is 0 and the residual is the deviation from the mean score.
    """
    s, t = _pair(score, truth, ("score", "truth"))
    ok = ~(np.isnan(s) | np.isnan(t))
    out = np.full(s.shape, np.nan)
    if not ok.any():
        return out
    so, to = s[ok], t[ok]
    tc = to - to.mean()
    sxx = float(np.dot(tc, tc))
    slope = float(np.dot(tc, so - so.mean())) / sxx if sxx > 0 else 0.0
    out[ok] = (so - so.mean()) - slope * tc
    return out


def conditional_parity(score: ArrayLike, truth: ArrayLike, groups: Groups,
                       min_n: int | None = None) -> pd.DataFrame:
    """Mean score residual (given truth) per group: ``group, n, mean_residual, suppressed``.

    Zero for every group means scores are fair conditional on true contribution; the values
    are in score units (points, or merit SDs for schemes without a score). Residuals come from
    one pooled fit over all employees, so group means are comparable with each other.
    """
    return group_means(score_residuals(score, truth), groups, min_n, value_name="mean_residual")


def selection_rates(predikat: ArrayLike, groups: Groups, top: int = 4,
                    min_n: int | None = None) -> pd.DataFrame:
    """Share of each group receiving predikat ``top``: ``group, n, rate, suppressed``.

    Equal per group to fairlearn's ``MetricFrame(metrics=selection_rate, y_pred=predikat == top,
    ...).by_group`` for unsuppressed groups. Employees without a predikat (NaN) are not counted.
    """
    p = _vector(predikat, "predikat")
    selected = np.where(np.isnan(p), np.nan, (p == top).astype(np.float64))
    return group_means(selected, groups, min_n, value_name="rate")


def four_fifths_ratio(predikat: ArrayLike, groups: Groups, top: int = 4,
                      min_n: int | None = None) -> float:
    """Lowest over highest top-predikat rate among unsuppressed groups (adverse-impact ratio).

    Under the four-fifths rule (29 CFR § 1607.4(D)) a value below the threshold in metrics.yaml
    (0.8) is evidence of adverse impact. Equals fairlearn's ``demographic_parity_ratio`` with
    ``y_pred = predikat == top`` when no group is suppressed. NaN when fewer than two groups
    survive suppression, or when no surviving group has anyone at ``top`` (0/0).
    """
    rates = selection_rates(predikat, groups, top, min_n)
    kept = rates.loc[~rates["suppressed"], "rate"].to_numpy(dtype=np.float64)
    if kept.size < 2 or kept.max() == 0:
        return float("nan")
    return float(kept.min() / kept.max())


def adverse_impact(predikat: ArrayLike, groups: Groups, top: int = 4,
                   min_n: int | None = None, threshold: float | None = None) -> pd.DataFrame:
    """Per-group four-fifths test: :func:`selection_rates` plus ``impact_ratio, adverse_impact``.

    ``impact_ratio`` is the group's rate over the highest unsuppressed rate; ``adverse_impact`` is
    ``impact_ratio < threshold`` (metrics.yaml ``four_fifths_threshold``). Both are missing
    (NaN / ``pd.NA``) for suppressed groups and when the highest rate is 0 — "not tested" must
    not read as "no adverse impact".
    """
    thr = float(metrics_param("four_fifths_threshold") if threshold is None else threshold)
    out = selection_rates(predikat, groups, top, min_n)
    kept = out.loc[~out["suppressed"], "rate"]
    best = float(kept.max()) if len(kept) else float("nan")
    ratio = out["rate"] / best if best > 0 else pd.Series(np.nan, index=out.index)
    out["impact_ratio"] = ratio.astype(np.float64)
    flag = pd.array(np.asarray(ratio < thr), dtype="boolean")
    flag[np.isnan(ratio.to_numpy(dtype=np.float64))] = pd.NA
    out["adverse_impact"] = flag
    return out


def between_group_share(values: ArrayLike, groups: Groups, truncate: bool = True) -> float:
    """Share of the variance of ``values`` lying between groups: one-way ANOVA ICC(1).

    Estimator (Shrout & Fleiss 1979 ICC(1); unbalanced groups via the adjusted mean group size
    ``n0``)::

        MSB = sum_j n_j (mean_j - mean)^2 / (k - 1)        MSW = sum_ij (y_ij - mean_j)^2 / (N - k)
        n0  = (N - sum_j n_j^2 / N) / (k - 1)
        var_between = (MSB - MSW) / n0                     share = var_between / (var_between + MSW)

    Unlike the raw eta-squared (SS_between / SS_total), this removes the noise that small groups'
    means carry by chance — with raters of 5 employees, eta-squared would report about 20 %
    "rater effect" on pure noise. The estimate can fall below 0 when there is no group effect;
    with ``truncate`` (default) it is reported as 0, since a variance share cannot be negative;
    pass ``truncate=False`` when averaging across replications to avoid the upward bias of
    truncation. NaN values are skipped; NaN when fewer than 2 groups, no within-group degrees of
    freedom, or no variance at all.
    """
    v = _vector(values, "values")
    g = _labels(groups, v.size)
    ok = ~np.isnan(v)
    y = v[ok]
    codes, _ = pd.factorize(g[ok].reset_index(drop=True), use_na_sentinel=False)
    n_total = y.size
    if n_total == 0:
        return float("nan")
    k = int(codes.max()) + 1
    if k < 2 or n_total - k < 1:
        return float("nan")
    n_j = np.bincount(codes, minlength=k).astype(np.float64)
    means = np.bincount(codes, weights=y, minlength=k) / n_j
    grand = y.mean()
    msb = float(np.sum(n_j * (means - grand) ** 2)) / (k - 1)
    msw = float(np.sum((y - means[codes]) ** 2)) / (n_total - k)
    n0 = (n_total - float(np.sum(n_j**2)) / n_total) / (k - 1)
    var_between = (msb - msw) / n0
    total = var_between + msw
    if total <= 0:
        return float("nan")
    share = var_between / total
    return float(max(share, 0.0)) if truncate else float(share)


def variance_shares(score: ArrayLike, truth: ArrayLike, rater: ArrayLike, opd: ArrayLike,
                    truncate: bool = True) -> dict[str, float]:
    """Share of the score residual (given truth) due to rater and to OPD membership.

    Each share is :func:`between_group_share` of :func:`score_residuals` by that grouping, i.e.
    a one-way ICC(1): ``{"rater": ..., "opd": ...}``. The two are *separate* one-way
    decompositions, not additive parts: raters sit inside OPDs, so an OPD-wide effect also
    shows up in the rater share, and the rater share minus the OPD share indicates the part
    specific to individual supervisors (leniency, idiosyncrasy).
    """
    resid = score_residuals(score, truth)
    return {
        "rater": between_group_share(resid, rater, truncate=truncate),
        "opd": between_group_share(resid, opd, truncate=truncate),
    }
