"""Rater leniency and compression, with shrinkage for small teams.

Model (a random-intercept regression, Raudenbush & Bryk 2002 ch. 3): the mean BerAKHLAK
rating of employee i rated by j is

    y_ij = mu + beta * x_i + u_j + e_ij,   u_j ~ N(0, tau^2),  e_ij ~ N(0, sigma^2)

where ``x_i`` is the employee's measured results (:func:`~kinerja_sim.audit.common.
results_index`). ``u_j`` is rater j's leniency: how far their ratings sit above or below what
their ratees' measured results predict. The estimator is empirical Bayes: beta from the
within-rater regression (so a lenient rater with strong ratees is not excused), tau^2 by the
unbalanced one-way ANOVA moment estimator, and each u_j shrunk toward 0 by
``B_j = tau^2 / (tau^2 + sigma^2 / n_j)``; its interval is ``B_j * d_j +- z sqrt(B_j
sigma^2 / n_j)``. tests/test_audit_raters.py checks it against statsmodels' MixedLM.
Compression is a rater's within-team SD relative to the pooled SD, with a chi-square interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kinerja_sim.audit.common import param


@dataclass(frozen=True)
class RaterFit:
    table: pd.DataFrame  # one row per rater code: n, leniency, lo, hi, spread_ratio, lo, hi
    beta: float
    mu: float
    tau2: float
    sigma2: float

    @property
    def rater_share(self) -> float:
        """Share of rating variance (net of measured results) due to the rater."""
        total = self.tau2 + self.sigma2
        return float(self.tau2 / total) if total > 0 else float("nan")


def fit_raters(y: np.ndarray, x: np.ndarray, rater: np.ndarray) -> RaterFit:
    """Empirical-Bayes random-intercept fit; ``rater`` holds integer codes 0..J-1."""
    level = param("interval_level")
    z = stats.norm.ppf(0.5 + level / 2)
    J = int(rater.max()) + 1
    n = np.bincount(rater, minlength=J).astype(float)
    use = n > 0

    def means(v):
        return np.bincount(rater, weights=v, minlength=J) / np.maximum(n, 1)

    xd = x - means(x)[rater]
    yd = y - means(y)[rater]
    sxx = float(xd @ xd)
    beta = float(xd @ yd) / sxx if sxx > 0 else 0.0
    e = y - beta * x
    ebar = means(e)
    ss_within = float(((e - ebar[rater]) ** 2).sum())
    N, G = len(y), int(use.sum())
    sigma2 = ss_within / max(N - G - 1, 1)
    grand = float(e.mean())
    msb = float((n[use] * (ebar[use] - grand) ** 2).sum()) / max(G - 1, 1)
    n0 = (N - float((n[use] ** 2).sum()) / N) / max(G - 1, 1)
    tau2 = max((msb - sigma2) / n0, 0.0) if n0 > 0 else 0.0
    w = np.where(use, 1.0 / (tau2 + sigma2 / np.maximum(n, 1)), 0.0)
    mu = float((w * ebar).sum() / w.sum())
    shrink = np.where(use, tau2 / (tau2 + sigma2 / np.maximum(n, 1)), 0.0)
    u = shrink * (ebar - mu)
    se = np.sqrt(shrink * sigma2 / np.maximum(n, 1))
    # compression: within-team SD of residuals relative to the pooled SD (chi-square interval)
    ss_j = np.bincount(rater, weights=(e - ebar[rater]) ** 2, minlength=J)
    df = n - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        var_ratio = np.where(df > 0, ss_j / df / sigma2, np.nan)
        lo_chi = stats.chi2.ppf(0.5 + level / 2, np.maximum(df, 1))
        hi_chi = stats.chi2.ppf(0.5 - level / 2, np.maximum(df, 1))
        spread_lo = np.sqrt(var_ratio * df / lo_chi)
        spread_hi = np.sqrt(var_ratio * df / hi_chi)
    table = pd.DataFrame({
        "n": n.astype(int), "mean_rating": means(y), "leniency": u, "leniency_lo": u - z * se,
        "leniency_hi": u + z * se, "shrinkage": shrink, "spread_ratio": np.sqrt(var_ratio),
        "spread_lo": np.where(df > 0, spread_lo, np.nan),
        "spread_hi": np.where(df > 0, spread_hi, np.nan)})
    return RaterFit(table=table, beta=beta, mu=mu, tau2=tau2, sigma2=sigma2)


def rater_flags(fit: RaterFit) -> pd.DataFrame:
    """Which raters are flagged as lenient, severe or compressing (bool columns)."""
    t = fit.table
    k = param("raters.threshold_sd") * np.sqrt(fit.sigma2)
    big = t["n"] >= param("raters.min_team")
    return pd.DataFrame({
        "lenient": big & (t["leniency_lo"] > k),
        "severe": big & (t["leniency_hi"] < -k),
        "compressed": big & (t["spread_hi"] < param("raters.compression_ratio")),
    }, index=t.index)
