"""One appraisal period of measurement: the true state of the workforce -> what gets recorded.

Used by the synthesizer (to give a synthetic workforce the observed data a real file would
carry) and by :func:`kinerja_sim.simulate` (to re-measure under a scenario's raters, target
setting, gaming and data quality). Truth is returned separately and never enters the
:class:`~kinerja_sim.schemes.base.Measurements` a scheme sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja_sim import indicators as ind
from kinerja_sim import raters as rt
from kinerja_sim._blocks import row_blocks
from kinerja_sim.schemes.base import BERAKHLAK, Measurements
from kinerja_sim.workforce.model import Workforce


@dataclass(frozen=True)
class PeriodTruth:
    """Simulation-only truth of one period."""

    performance: np.ndarray  # (n, K) true performance per IKI slot, SD units (NaN empty)
    output: np.ndarray  # (n, K) what really happened, in indicator units (before gaming/errors)
    behaviour: np.ndarray  # (n,) true work behaviour, SD units
    contribution: np.ndarray  # (n,) true contribution, SD units


def rater_index(wf: Workforce) -> tuple[np.ndarray, int]:
    """Integer code of each employee's rater (each external rater is one more rater).

    Codes are rater row positions when the workforce caches them (synthetic), with external
    raters mapped past the end; otherwise a factorisation of ``rater_id``.
    """
    if wf.rater_row is not None:
        return np.where(wf.rater_row >= 0, wf.rater_row, wf.n).astype(np.int64), wf.n + 1
    codes, uniques = pd.factorize(wf.employees["rater_id"], sort=False)
    return codes.astype(np.int64), len(uniques)


def draw_period(wf: Workforce, cat: ind.Catalogue, rp: rt.RaterParams,
                raters: rt.RaterTraits, rater_idx: np.ndarray, rng: np.random.Generator, *,
                effort: np.ndarray | None = None, gaming: np.ndarray | float = 0.0,
                ambition: float = 0.0, dq: ind.DataQualityShifts | None = None,
                coef: ind.IndicatorArrays | None = None,
                effort_unmeasured: np.ndarray | None = None,
                ) -> tuple[Measurements, PeriodTruth]:
    """Measure one period. ``effort`` (``(n,)`` or per slot ``(n, K)``) defaults to the
    employees' baseline effort; so does ``effort_unmeasured`` (duties no IKI measures)."""
    coef = coef or ind.arrays(cat)
    plan = wf.plan
    ability = wf.latent("ability")
    effort = wf.latent("effort") if effort is None else effort
    psm = wf.latent("psm")
    context = wf.latent("context")
    code = plan.indicator
    slots = code >= 0

    perf = ind.true_performance(code, ability, effort, coef)
    realisation, output = ind.measure(code, plan.target, perf, context, gaming, coef, rng,
                                      gaming_gain=cat.gaming.gain,
                                      dq=dq)
    target, higher = _scenario_targets(plan.target, code, ambition, coef)

    mean_effort = effort if effort.ndim == 1 else _slot_mean(effort, slots)
    beh = rt.true_behaviour(ability, mean_effort, psm, rp)
    perilaku = rt.rate_values(beh, rater_idx, raters, rp, rng, n_values=len(BERAKHLAK))
    if rp.sources > 1:  # peers and subordinates add independent views (PP 30/2019 Pasal 41(4))
        extra = [rt.rate_values(beh, rng.integers(0, raters.leniency.size, beh.size), raters,
                                rp, rng, n_values=len(BERAKHLAK)) for _ in range(rp.sources - 1)]
        perilaku = (perilaku + sum(extra)) / rp.sources
    quality = rt.rate_quality(perf, rater_idx, raters, rp, rng)

    # time aspect (PP 46): share of the period needed; better performance finishes earlier
    ta = cat.time_aspect
    time_real = np.empty(code.shape)
    for b in row_blocks(code.shape[0]):  # the (n, K) normal draw, taken block by block
        z = rng.standard_normal(time_real[b].shape)
        t = plan.time_target[b] * np.exp(-ta.performance_elasticity * np.nan_to_num(perf[b])
                                         + ta.noise_sd * z)
        time_real[b] = np.where(slots[b], t, np.nan)
    days, late = ind.draw_attendance(mean_effort, cat, rng)
    innovation = ind.draw_innovation(ability, cat, rng)

    m = Measurements(
        indicator=code, indicator_names=cat.names, target=target, realisation=realisation,
        higher_is_better=higher,
        utama=plan.utama, quality=quality, time_target=plan.time_target,
        time_realisation=time_real, cost_target=plan.cost_target,
        cost_realisation=np.broadcast_to(np.nan, code.shape), perilaku=perilaku, days_absent=days,
        late=late, innovation=innovation,
    )
    tc = cat.true_contribution
    results = _slot_mean(perf, slots)
    unmeasured = mean_effort if effort_unmeasured is None else effort_unmeasured
    contribution = tc.results * results + tc.behaviour * beh + tc.unmeasured * unmeasured
    return m, PeriodTruth(perf, output, beh, contribution)


def _scenario_targets(planned: np.ndarray, code: np.ndarray, ambition: float,
                      coef: ind.IndicatorArrays) -> tuple[np.ndarray, np.ndarray]:
    """Targets shifted by the scenario's ``ambition`` (capped at the indicator's maximum) and
    the per-slot direction; NaN / True on empty slots. Row blocks: no (n, K) temporaries."""
    target = np.empty(code.shape)
    higher = np.empty(code.shape, dtype=bool)
    for b in row_blocks(code.shape[0]):
        slots = code[b] >= 0
        safe = np.where(slots, code[b], 0)
        sign = np.where(coef.higher_is_better[safe], 1.0, -1.0)
        t = np.minimum(planned[b] * np.exp(sign * ambition), coef.max_value[safe])
        target[b] = np.where(slots, t, np.nan)
        higher[b] = np.where(slots, coef.higher_is_better[safe], True)
    return target, higher


def _slot_mean(x: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Row mean of ``x`` over the used IKI slots (NaN ignored), by row blocks."""
    out = np.empty(x.shape[0])
    for b in row_blocks(x.shape[0]):
        out[b] = np.nanmean(np.where(slots[b], x[b], np.nan), axis=1)
    return out
