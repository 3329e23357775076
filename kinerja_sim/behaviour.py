"""How employees respond, period by period, to the scheme they live under.

Each quarter: employees form expectancy (does effort move my score? learned from the scheme's
real reliability in their rumpun, raised by understanding from sosialisasi), instrumentality
(does the score move TPP? learned from how TPP followed merit last period) and valence (TPP at
stake relative to income). Extrinsic force E x I x V plus public-service motivation set the
incentive on each task; effort follows the quadratic-cost multitask optimum mu = C^-1 a
(Holmstrom & Milgrom 1991), so weighted tasks pull effort away from unweighted and unmeasured
duties. Manipulable indicators invite gaming unless audited; perceived injustice breeds
resistance, which lowers effort and data quality. Equations: docs/model.md §5.

Everything is vectorised over employees x tasks, and replications are stacked along the
employee axis (OPD, unit and rater codes offset per replication), so one scoring call per period
serves all replications.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field
from scipy.special import expit, ndtr

from kinerja_sim.params import load_yaml
from kinerja_sim.strict import (
    NonNegative,
    Period,
    Positive,
    Probability,
    StrictModel,
    merged_params,
)
from kinerja_sim.understanding import UnderstandingRule

# ------------------------------------------------------------------ parameters


class _Learning(StrictModel):
    prior: float = Field(ge=-1, le=1)
    learning_rate: Probability


class Expectancy(_Learning):
    prior: Probability  # an expectancy is a probability (instrumentality may be < 0)
    understanding_weight: Probability


class Valence(StrictModel):
    gaji_pokok: dict[str, Positive]
    gaji_pokok_note: str | None = None


class ProceduralWeights(StrictModel):
    understanding: NonNegative
    rater_consistency: NonNegative
    voice: NonNegative
    accuracy: NonNegative


class Justice(StrictModel):
    self_view_bias_sd: float = Field(ge=-5, le=5)
    self_view_noise_sd: NonNegative
    distributive_learning_rate: Probability
    procedural_weights: ProceduralWeights
    reference_leniency_sd: Positive


class Psm(StrictModel):
    crowding_out: NonNegative
    recovery: Probability


class EffortCost(StrictModel):
    own: Positive
    substitution: float = Field(ge=0, lt=1)  # C is positive definite
    max_change: NonNegative


class Gaming(StrictModel):
    propensity: NonNegative
    audit_deterrence: NonNegative
    effort_cost: NonNegative
    unmeasured_cost_share: Probability


class Resistance(StrictModel):
    intercept: float = Field(ge=-20, le=20)
    procedural_injustice: NonNegative
    distributive_injustice: NonNegative
    understanding: NonNegative
    effort_penalty: NonNegative
    data_quality_multiplier: NonNegative
    threshold: Probability


class MotivationWeights(StrictModel):
    extrinsic: NonNegative
    psm: NonNegative
    procedural: NonNegative
    distributive: NonNegative
    resistance: float = Field(le=0)  # resistance lowers motivation


class MotivationIndex(StrictModel):
    weights: MotivationWeights
    demotivated_below: float = Field(ge=-1, le=1)
    gaming_threshold: Probability


class TaskWeights(StrictModel):
    utama_relative_weight: NonNegative
    hasil_share_6_2022: Probability


class IncentiveResponse(StrictModel):
    """How strongly effort responds to a scheme's extrinsic incentive, by rumpun (a multiplier
    on the extrinsic incentive; ``default`` for a rumpun not listed)."""

    default: NonNegative
    by_rumpun: dict[str, NonNegative] = Field(default_factory=dict)

    def for_rumpun(self, names) -> np.ndarray:
        """The multiplier of each rumpun in ``names`` (in that order)."""
        return np.array([self.by_rumpun.get(str(r), self.default) for r in names], float)


class Params(StrictModel):
    task_weights: TaskWeights
    expectancy: Expectancy
    instrumentality: _Learning
    valence: Valence
    justice: Justice
    psm: Psm
    intrinsic_weight: NonNegative
    incentive_response: IncentiveResponse
    extrinsic_weight: NonNegative
    effort_cost: EffortCost
    gaming: Gaming
    resistance: Resistance
    motivation_index: MotivationIndex


class Sosialisasi(StrictModel):
    coverage: Probability
    start_period: Period
    understanding_gain: Probability


class RaterTraining(StrictModel):
    enabled: bool
    start_period: Period
    leniency_sd_factor: NonNegative
    leniency_mean_factor: NonNegative
    error_factor: NonNegative


class Audit(StrictModel):
    probability: Probability
    inflation_reduction: Probability


class Pilot(StrictModel):
    opds: list[str]
    full_rollout_period: Period


class Rollout(StrictModel):
    #: None: derived by the rule (kinerja_sim.understanding); a number overrides the rule
    understanding_baseline: Probability | None = None
    understanding_rule: UnderstandingRule
    sosialisasi: Sosialisasi
    rater_training: RaterTraining
    audit: Audit
    voice: Probability
    pilot: Pilot


def params_from(overrides: dict | None = None, file: str = "<scenario>",
                prefix: str = "behaviour") -> Params:
    return merged_params(Params, load_yaml("behaviour.yaml"), overrides, file, prefix)


def rollout_from(overrides: dict | None = None, file: str = "<scenario>",
                 prefix: str = "rollout") -> Rollout:
    return merged_params(Rollout, load_yaml("rollout.yaml"), overrides, file, prefix)


# ------------------------------------------------------------------ effort allocation


def cost_matrix(n_tasks: int, own: float, substitution: float) -> np.ndarray:
    """Quadratic effort-cost Hessian: ``own`` on the diagonal, ``own*substitution`` elsewhere."""
    c = np.full((n_tasks, n_tasks), own * substitution)
    np.fill_diagonal(c, own)
    return c


def optimal_effort(incentive: np.ndarray, present: np.ndarray, own: float,
                   substitution: float) -> np.ndarray:
    """Effort mu = C^-1 a per employee over the tasks it actually has (Holmstrom-Milgrom).

    ``incentive`` and ``present`` are ``(n, T)``; absent tasks get zero effort and do not enter
    the cost matrix. Employees are grouped by their pattern of present tasks (a handful of
    patterns), so this is one small matrix solve per pattern, not per employee.
    """
    out = np.zeros_like(incentive, dtype=np.float64)
    # pack each row's pattern into one integer: np.unique on ints is ~7x faster than axis=0
    keys = present.astype(np.int64) @ (np.int64(1) << np.arange(present.shape[1], dtype=np.int64))
    patterns, inverse = np.unique(keys, return_inverse=True)
    for p, key in enumerate(patterns):
        rows = inverse == p
        cols = np.flatnonzero((key >> np.arange(present.shape[1])) & 1)
        if cols.size == 0:
            continue
        c_inv = np.linalg.inv(cost_matrix(cols.size, own, substitution))
        out[np.ix_(rows, cols)] = incentive[np.ix_(rows, cols)] @ c_inv.T
    return out


# ------------------------------------------------------------------ group statistics


def group_corr(x: np.ndarray, y: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Pearson correlation of x and y within each group (NaN pairs ignored; NaN if undefined)."""
    ok = ~(np.isnan(x) | np.isnan(y))
    g, x, y = group[ok], x[ok], y[ok]
    n = np.bincount(g, minlength=n_groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(g, x, n_groups) / n
        my = np.bincount(g, y, n_groups) / n
        dx, dy = x - mx[g], y - my[g]
        sxy = np.bincount(g, dx * dy, n_groups)
        sxx = np.bincount(g, dx * dx, n_groups)
        syy = np.bincount(g, dy * dy, n_groups)
        r = sxy / np.sqrt(sxx * syy)
    return np.where(n >= 3, r, np.nan)


def mid_percentile(code: np.ndarray, group: np.ndarray, n_groups: int,
                   n_codes: int = 5) -> np.ndarray:
    """Mid-rank percentile of each employee's predikat within its group (0..1)."""
    counts = np.zeros((n_groups, n_codes))
    np.add.at(counts, (group, code), 1)
    below = np.cumsum(counts, axis=1) - counts
    total = counts.sum(axis=1, keepdims=True)
    pct = (below + 0.5 * counts) / np.maximum(total, 1)
    return pct[group, code]


# ------------------------------------------------------------------ state


@dataclass
class BehaviourState:
    """Per employee-replication state carried from one period to the next (length N = R*n)."""

    understanding: np.ndarray
    expectancy: np.ndarray
    instrumentality: np.ndarray  # per employee (copied from its rumpun)
    distributive: np.ndarray  # in [-1, 1]
    psm: np.ndarray
    psm0: np.ndarray
    self_view: np.ndarray  # self-assessed percentile (fixed lenient self-view)
    covered: np.ndarray  # reached by sosialisasi


@dataclass
class Response:
    """What employees do in one period."""

    effort: np.ndarray  # (N, K) effort on each IKI slot
    effort_unmeasured: np.ndarray  # (N,)
    gaming: np.ndarray  # (N, K) gaming share
    resistance: np.ndarray  # (N,) in [0, 1]
    procedural: np.ndarray
    extrinsic: np.ndarray  # E x I x V
    motivation: np.ndarray  # index


def initial_state(psm: np.ndarray, truth_z: np.ndarray, p: Params, ro: Rollout,
                  rng: np.random.Generator, understanding: float) -> BehaviourState:
    """Beliefs before the first appraisal; ``understanding`` is the scenario's baseline
    understanding (:attr:`kinerja_sim.scenario.Scenario.understanding`)."""
    n = psm.size
    j = p.justice
    self_view = ndtr(truth_z + j.self_view_bias_sd + j.self_view_noise_sd
                     * rng.standard_normal(n))
    covered = rng.random(n) < ro.sosialisasi.coverage
    return BehaviourState(
        understanding=np.full(n, float(understanding)),
        expectancy=np.full(n, p.expectancy.prior),
        instrumentality=np.full(n, p.instrumentality.prior),
        distributive=np.zeros(n),
        psm=psm.copy(), psm0=psm.copy(), self_view=self_view, covered=covered,
    )


def respond(state: BehaviourState, *, baseline_effort: np.ndarray, weights: np.ndarray,
            present: np.ndarray, manipulability: np.ndarray, valence: np.ndarray,
            accuracy: np.ndarray, rater_consistency: float, exposed: np.ndarray,
            period: int, p: Params, ro: Rollout,
            incentive_response: np.ndarray | float = 1.0) -> Response:
    """Effort, gaming and resistance for this period given the current beliefs.

    ``incentive_response``: per employee, how strongly effort answers the extrinsic incentive
    in its rumpun (``p.incentive_response``; observable-output jobs respond more).
    """
    if ro.sosialisasi.coverage > 0 and period == ro.sosialisasi.start_period:
        gain = ro.sosialisasi.understanding_gain * state.covered
        state.understanding = state.understanding + gain * (1 - state.understanding)

    w = p.justice.procedural_weights
    procedural = np.clip(w.understanding * state.understanding
                         + w.rater_consistency * rater_consistency + w.voice * ro.voice
                         + w.accuracy * np.clip(accuracy, 0, 1), 0, 1)
    r = p.resistance
    resistance = expit(r.intercept + r.procedural_injustice * (1 - procedural)
                       + r.distributive_injustice * np.maximum(-state.distributive, 0)
                       - r.understanding * state.understanding)

    extrinsic = state.expectancy * state.instrumentality * valence * exposed
    k = weights.shape[1]
    present_all = np.concatenate([present, np.ones((present.shape[0], 1), bool)], axis=1)
    if period == 0:
        delta = np.zeros(present_all.shape)
    else:
        # incentive relative to the pre-reform regime (intrinsic motivation only)
        ext_a = p.extrinsic_weight * (extrinsic * incentive_response)[:, None] * np.concatenate(
            [weights, np.zeros((weights.shape[0], 1))], axis=1)
        int_a = p.intrinsic_weight * (state.psm - state.psm0)[:, None] * present_all
        ec = p.effort_cost
        delta = optimal_effort(ext_a + int_a, present_all, ec.own, ec.substitution)
        delta = np.clip(delta, -ec.max_change, ec.max_change)

    g = p.gaming
    gaming = np.clip(manipulability * (g.propensity * p.extrinsic_weight * extrinsic[:, None]
                                       * weights - g.audit_deterrence * ro.audit.probability),
                     0, 1) * present
    effort_all = (baseline_effort[:, None] + delta
                  - r.effort_penalty * resistance[:, None])
    effort = effort_all[:, :k] - g.effort_cost * gaming
    effort_unmeasured = (effort_all[:, k]
                         - g.effort_cost * g.unmeasured_cost_share * gaming.sum(axis=1))

    mi = p.motivation_index.weights
    motivation = (mi.extrinsic * np.clip(state.expectancy * state.instrumentality, 0, 1)
                  + mi.psm * ndtr(state.psm) + mi.procedural * procedural
                  + mi.distributive * (state.distributive + 1) / 2
                  + mi.resistance * resistance)
    return Response(effort=np.where(present, effort, np.nan), effort_unmeasured=effort_unmeasured,
                    gaming=gaming, resistance=resistance, procedural=procedural,
                    extrinsic=extrinsic, motivation=motivation)


def learn(state: BehaviourState, *, reliability: np.ndarray, instrumentality: np.ndarray,
          received_pct: np.ndarray, response: Response, p: Params) -> None:
    """Update beliefs after the period's appraisal results are known (in place)."""
    e = p.expectancy
    target = (e.understanding_weight * state.understanding * np.clip(reliability, 0, 1)
              + (1 - e.understanding_weight * state.understanding) * e.prior)
    state.expectancy = state.expectancy + e.learning_rate * (target - state.expectancy)
    li = p.instrumentality.learning_rate
    state.instrumentality = state.instrumentality + li * (
        np.nan_to_num(instrumentality) - state.instrumentality)
    gap = np.clip(state.self_view - received_pct, 0, 1)
    dj_now = 1 - 2 * gap
    lr = p.justice.distributive_learning_rate
    state.distributive = state.distributive + lr * (dj_now - state.distributive)
    controlling = np.clip(response.extrinsic, 0, None) * (1 - response.procedural)
    ps = p.psm
    state.psm = (state.psm - ps.crowding_out * controlling
                 + ps.recovery * (state.psm0 - state.psm))
