"""Rater model: calibrated interrater reliability (Viswesvaran, Ones & Schmidt 1996: .52)."""

from __future__ import annotations

import numpy as np

from kinerja_sim import raters as rt
from kinerja_sim.measurement import rater_index


def _two_independent_ratings(wf, p, seed=3):
    rng = np.random.default_rng(seed)
    idx, n_raters = rater_index(wf)
    truth = rt.true_behaviour(wf.latent("ability"), wf.latent("effort"), wf.latent("psm"), p)
    value_truth = p.value_specific_sd * rng.standard_normal((wf.n, 7))
    # the second supervisor of each employee is another, independent rater
    r1 = rt.rate_values(truth, idx, rt.draw_raters(n_raters, p, rng), p, rng,
                        value_truth=value_truth)
    r2 = rt.rate_values(truth, idx, rt.draw_raters(n_raters, p, rng), p, rng,
                        value_truth=value_truth)
    return r1.mean(axis=1), r2.mean(axis=1)


def test_interrater_reliability_is_052_within_001_over_16_seeds(binjai):
    # The window is set by what separates the calibration from the miscalibration it replaced:
    # halo_sd 0.80 gave a mean r of .540 (git log 536bf73), the target is .52 (Viswesvaran et
    # al. 1996). The mean of 16 seeds has a Monte-Carlo SE of ~.0035 at n = 5,124, so +-.01
    # (the midpoint .53) keeps a correct calibration in and rejects .54 by ~3 SE.
    assert binjai.n >= 5_000
    p = rt.rater_params_from()
    r = [np.corrcoef(*_two_independent_ratings(binjai, p, seed))[0, 1] for seed in range(16)]
    assert abs(np.mean(r) - 0.52) <= 0.01, (np.mean(r), r)


def test_the_old_halo_calibration_is_outside_the_reliability_window(binjai):
    # the test above must be able to fail: halo_sd 0.80 (the value corrected from) is rejected
    old = rt.rater_params_from({"halo_sd": 0.80})
    r = [np.corrcoef(*_two_independent_ratings(binjai, old, seed))[0, 1] for seed in range(16)]
    assert abs(np.mean(r) - 0.52) > 0.01, np.mean(r)


def test_more_rater_error_lowers_reliability(binjai):
    noisy = rt.rater_params_from({"error_sd": 2.0, "halo_sd": 1.5})
    base = rt.rater_params_from()
    r_noisy = np.corrcoef(*_two_independent_ratings(binjai, noisy))[0, 1]
    r_base = np.corrcoef(*_two_independent_ratings(binjai, base))[0, 1]
    assert r_noisy < r_base - 0.1


def test_leniency_raises_central_tendency_compresses_and_ratings_stay_in_0_100(binjai):
    rng = np.random.default_rng(0)
    idx, n_raters = rater_index(binjai)
    truth = np.random.default_rng(1).standard_normal(binjai.n)
    base = rt.rater_params_from()
    lenient = rt.rater_params_from({"leniency_mean": 5.0})
    central = rt.rater_params_from({"central_tendency_mean": 0.4})
    r0 = rt.rate_values(truth, idx, rt.draw_raters(n_raters, base, rng), base,
                        np.random.default_rng(5))
    r1 = rt.rate_values(truth, idx, rt.draw_raters(n_raters, lenient, np.random.default_rng(0)),
                        lenient, np.random.default_rng(5))
    r2 = rt.rate_values(truth, idx, rt.draw_raters(n_raters, central,
                                                   np.random.default_rng(0)),
                        central, np.random.default_rng(5))
    assert r1.mean() - r0.mean() > 4.0
    assert r2.std() < 0.7 * r0.std()
    assert r0.min() >= 0 and r0.max() <= 100
