"""Supervisor rating model: leniency, central tendency, halo and idiosyncratic error.

Supervisor ratings are the weak link of every appraisal scheme: they are lenient (BKN 2023:
94 % Baik), compressed toward the middle, coloured by a general impression (halo) and noisy.
The defaults reproduce the meta-analytic interrater reliability of overall-performance ratings
(.52, Viswesvaran, Ones & Schmidt 1996); see docs/model.md §3 and tests/test_raters.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from kinerja_sim._blocks import BLOCK_ROWS, row_blocks
from kinerja_sim.params import load_yaml
from kinerja_sim.strict import (
    NonNegative,
    Positive,
    Probability,
    Rating,
    StrictModel,
    merged_params,
)


class TrueBehaviourMix(StrictModel):
    ability: NonNegative
    effort: NonNegative
    psm: NonNegative


class RaterParams(StrictModel):
    center: Rating
    points_per_sd: Positive
    leniency_mean: float = Field(ge=-100, le=100)
    leniency_sd: NonNegative
    central_tendency_mean: Probability
    central_tendency_sd: NonNegative
    min_compression: Probability
    halo_sd: NonNegative
    error_sd: NonNegative
    value_specific_sd: NonNegative
    true_behaviour: TrueBehaviourMix
    quality_center: Rating
    sources: int = Field(1, ge=1, le=20)


def rater_params_from(overrides: dict | None = None, file: str = "<scenario>",
                      prefix: str = "raters") -> RaterParams:
    return merged_params(RaterParams, load_yaml("raters.yaml"), overrides, file, prefix)


@dataclass(frozen=True)
class RaterTraits:
    """Per-rater leniency (rating points) and central-tendency compression."""

    leniency: np.ndarray
    compression: np.ndarray


def draw_raters(n_raters: int, p: RaterParams, rng: np.random.Generator) -> RaterTraits:
    leniency = p.leniency_mean + p.leniency_sd * rng.standard_normal(n_raters)
    c = p.central_tendency_mean + p.central_tendency_sd * rng.standard_normal(n_raters)
    return RaterTraits(leniency, np.clip(c, p.min_compression, 1.0))


def true_behaviour(ability: np.ndarray, effort: np.ndarray, psm: np.ndarray,
                   p: RaterParams) -> np.ndarray:
    """True overall work behaviour in SD units (unit variance for independent N(0,1) traits)."""
    w = p.true_behaviour
    norm = np.sqrt(w.ability**2 + w.effort**2 + w.psm**2)
    return (w.ability * ability + w.effort * effort + w.psm * psm) / norm


def rate_values(true_beh: np.ndarray, rater_index: np.ndarray, raters: RaterTraits,
                p: RaterParams, rng: np.random.Generator, n_values: int = 7,
                value_truth: np.ndarray | None = None) -> np.ndarray:
    """Ratings 0..100 of ``n_values`` behaviour values for each employee by its rater.

    ``value_truth`` (n, n_values) lets a caller reuse the same true value-specific deviations
    for two independent raters (so the reliability test compares raters, not truths).
    """
    n = true_beh.shape[0]
    # r = clip(center + leniency + c * points_per_sd * (true + value + halo + err), 0, 100),
    # evaluated in place on the one (n, n_values) output (same operations in the same order)
    if value_truth is None:
        r = rng.standard_normal((n, n_values))
        r *= p.value_specific_sd  # value_truth
        r += true_beh[:, None]
    else:
        r = true_beh[:, None] + value_truth
    r += p.halo_sd * rng.standard_normal((n, 1))  # halo
    return _rate(r, rater_index, raters, p, p.center, rng)


def rate_quality(true_perf: np.ndarray, rater_index: np.ndarray, raters: RaterTraits,
                 p: RaterParams, rng: np.random.Generator) -> np.ndarray:
    """Supervisor's 0..100 judgement of work quality per activity (PP 46 kualitas)."""
    halo = p.halo_sd * rng.standard_normal((true_perf.shape[0], 1))
    r = _rate(true_perf + halo, rater_index, raters, p, p.quality_center, rng)
    r[np.isnan(true_perf)] = np.nan
    return r


def _rate(r: np.ndarray, rater_index: np.ndarray, raters: RaterTraits, p: RaterParams,
          center: float, rng: np.random.Generator) -> np.ndarray:
    """``clip(center + leniency + c * points_per_sd * (r + err), 0, 100)`` in place in ``r``
    (n, m), with ``err ~ N(0, error_sd)`` drawn last, block by block (the same numbers as one
    (n, m) draw, without an (n, m) temporary)."""
    scale = raters.compression[rater_index] * p.points_per_sd
    shift = center + raters.leniency[rater_index]
    buf = np.empty((min(r.shape[0], BLOCK_ROWS), r.shape[1]))
    for b in row_blocks(r.shape[0]):
        err = rng.standard_normal(out=buf[: b.stop - b.start])
        err *= p.error_sd
        rb = r[b]
        rb += err
        rb *= scale[b, None]
        rb += shift[b, None]
        np.clip(rb, 0.0, 100.0, out=rb)
    return r
