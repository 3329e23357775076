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


def test_interrater_reliability_is_052(binjai):
    assert binjai.n >= 5_000
    p = rt.rater_params_from()
    r = [np.corrcoef(*_two_independent_ratings(binjai, p, seed))[0, 1] for seed in range(3)]
    assert abs(np.mean(r) - 0.52) <= 0.04, r


def test_more_rater_error_lowers_reliability(binjai):
    noisy = rt.rater_params_from({"error_sd": 2.0, "halo_sd": 1.5})
    base = rt.rater_params_from()
    r_noisy = np.corrcoef(*_two_independent_ratings(binjai, noisy))[0, 1]
    r_base = np.corrcoef(*_two_independent_ratings(binjai, base))[0, 1]
    assert r_noisy < r_base - 0.1


def test_leniency_and_central_tendency(binjai):
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
