"""The empirical-Bayes rater estimator agrees with statsmodels' MixedLM random intercepts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from kinerja_sim.audit.raters import fit_raters


def _data(seed=3, raters=120, tau=3.0, sigma=4.0):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 30, raters)  # small and large teams: shrinkage matters
    code = np.repeat(np.arange(raters), sizes)
    x = rng.standard_normal(code.size)
    u = tau * rng.standard_normal(raters)
    y = 80 + 2.0 * x + u[code] + sigma * rng.standard_normal(code.size)
    return y, x, code, u


def test_eb_leniency_matches_mixedlm_random_intercepts():
    y, x, code, _ = _data()
    fit = fit_raters(y, x, code)
    df = pd.DataFrame({"y": y, "x": x, "g": code})
    ml = smf.mixedlm("y ~ x", df, groups=df["g"]).fit(reml=True)
    re = np.array([ml.random_effects[g].iloc[0] for g in range(code.max() + 1)])
    assert np.corrcoef(fit.table["leniency"], re)[0, 1] > 0.995
    assert abs(fit.beta - ml.fe_params["x"]) < 0.05
    assert abs(np.sqrt(fit.tau2) - np.sqrt(float(ml.cov_re.iloc[0, 0]))) < 0.3
    assert abs(fit.sigma2 - ml.scale) / ml.scale < 0.05


def test_small_teams_are_shrunk_more_and_intervals_cover_the_truth():
    y, x, code, u = _data(seed=5, raters=400)
    fit = fit_raters(y, x, code)
    t = fit.table
    small, big = t["n"] <= 3, t["n"] >= 20
    assert t.loc[small, "shrinkage"].mean() < t.loc[big, "shrinkage"].mean()
    truth = u - u.mean()
    cover = ((t["leniency_lo"] <= truth) & (truth <= t["leniency_hi"])).mean()
    assert 0.84 < cover < 0.96  # 90 % intervals


def test_rater_variance_share_tracks_the_generating_share():
    y, x, code, _ = _data(seed=8, raters=300, tau=3.0, sigma=3.0)
    assert abs(fit_raters(y, x, code).rater_share - 0.5) < 0.1
