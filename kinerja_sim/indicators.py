"""Indicator catalogue and the measurement model: true performance -> reported realisation.

A realisation is what the e-Kinerja record would show, not what happened: it moves with true
effort and ability, but also with uncontrollable context (a puskesmas catchment, pupils'
background), plain noise, gaming of manipulable indicators, and data-quality failures (missing,
mis-entered, inflated). Keeping these separate is what lets the metrics ask whether a scheme's
scores track true contribution (docs/model.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import Field

from kinerja_sim._blocks import row_blocks
from kinerja_sim.params import load_yaml
from kinerja_sim.strict import (
    NonNegative,
    Positive,
    Probability,
    StrictModel,
    merged_params,
)


class Label(StrictModel):
    id: str
    en: str


class Drivers(StrictModel):
    ability: NonNegative
    effort: NonNegative


class DataQuality(StrictModel):
    missing: Probability
    mis_entered: Probability
    inflated: Probability
    inflation_factor: float = Field(ge=1, le=100)


class Indicator(StrictModel):
    label: Label
    unit: str
    direction: Literal["higher", "lower"]
    aspect: Literal["kuantitas", "kualitas", "waktu", "biaya"]
    target: Positive
    target_cv: NonNegative = 0.0
    target_context_elasticity: float = Field(0.0, ge=-5, le=5)
    sensitivity: NonNegative
    noise_sd: NonNegative
    context: float = Field(ge=-5, le=5)
    manipulability: Probability
    max_value: Positive | None = None
    drivers: Drivers | None = None
    data_quality: DataQuality | None = None


class SlotAssignment(StrictModel):
    utama: list[str] = Field(min_length=1)
    tambahan: list[str] = []


class Assignment(StrictModel):
    structural: SlotAssignment
    by_rumpun: dict[str, SlotAssignment]


class Attendance(StrictModel):
    working_days: int = Field(ge=1, le=366)
    absent_days_mean: NonNegative
    late_mean: tuple[NonNegative, NonNegative, NonNegative, NonNegative]
    effort_elasticity: float = Field(ge=-10, le=10)


class Innovation(StrictModel):
    base_rate: float = Field(gt=0, lt=1)
    ability_logit: float = Field(ge=-10, le=10)


class TrueContribution(StrictModel):
    results: NonNegative
    behaviour: NonNegative
    unmeasured: NonNegative


class GamingSpec(StrictModel):
    gain: NonNegative


class TimeAspect(StrictModel):
    performance_elasticity: float = Field(ge=-5, le=5)
    noise_sd: NonNegative


class Defaults(StrictModel):
    drivers: Drivers
    data_quality: DataQuality


class Catalogue(StrictModel):
    """The whole ``indicators.yaml``; a scenario may override any key under ``measurement``."""

    period_months: float = Field(gt=0, le=12)
    defaults: Defaults
    indicators: dict[str, Indicator]
    assignment: Assignment
    attendance: Attendance
    innovation: Innovation
    true_contribution: TrueContribution
    gaming: GamingSpec
    time_aspect: TimeAspect

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.indicators)

    def code(self, name: str) -> int:
        return self.names.index(name)


@dataclass(frozen=True)
class IndicatorArrays:
    """Per-indicator coefficients as arrays indexed by indicator code (for vectorised draws)."""

    higher_is_better: np.ndarray
    target: np.ndarray
    target_cv: np.ndarray
    target_context_elasticity: np.ndarray
    sensitivity: np.ndarray
    noise_sd: np.ndarray
    context: np.ndarray
    manipulability: np.ndarray
    max_value: np.ndarray
    drive_ability: np.ndarray
    drive_effort: np.ndarray
    missing: np.ndarray
    mis_entered: np.ndarray
    inflated: np.ndarray
    inflation_factor: np.ndarray


def catalogue_from(overrides: dict | None = None, file: str = "<scenario>",
                   prefix: str = "measurement") -> Catalogue:
    """Packaged catalogue with scenario overrides, validated strictly."""
    if not overrides:
        return default_catalogue()
    return merged_params(Catalogue, load_yaml("indicators.yaml"), overrides, file, prefix)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    return merged_params(Catalogue, load_yaml("indicators.yaml"), None, "indicators.yaml", "")


def arrays(cat: Catalogue) -> IndicatorArrays:
    """Coefficient arrays by indicator code (defaults filled in)."""
    inds = list(cat.indicators.values())

    def col(get) -> np.ndarray:
        return np.array([get(i) for i in inds], dtype=np.float64)

    dq = [i.data_quality or cat.defaults.data_quality for i in inds]
    dr = [i.drivers or cat.defaults.drivers for i in inds]
    return IndicatorArrays(
        higher_is_better=np.array([i.direction == "higher" for i in inds]),
        target=col(lambda i: i.target),
        target_cv=col(lambda i: i.target_cv),
        target_context_elasticity=col(lambda i: i.target_context_elasticity),
        sensitivity=col(lambda i: i.sensitivity),
        noise_sd=col(lambda i: i.noise_sd),
        context=col(lambda i: i.context),
        manipulability=col(lambda i: i.manipulability),
        max_value=col(lambda i: np.inf if i.max_value is None else i.max_value),
        drive_ability=np.array([d.ability for d in dr]),
        drive_effort=np.array([d.effort for d in dr]),
        missing=np.array([d.missing for d in dq]),
        mis_entered=np.array([d.mis_entered for d in dq]),
        inflated=np.array([d.inflated for d in dq]),
        inflation_factor=np.array([d.inflation_factor for d in dq]),
    )


def true_performance(code: np.ndarray, ability: np.ndarray, effort: np.ndarray,
                     coef: IndicatorArrays) -> np.ndarray:
    """True performance on each IKI slot in SD units (NaN on empty slots).

    ``effort`` is ``(n,)`` or ``(n, K)`` (effort allocated per task, issue 3).
    """
    eff = effort if effort.ndim == 2 else effort[:, None]
    out = np.empty(code.shape)
    for b in row_blocks(code.shape[0]):
        safe = np.where(code[b] >= 0, code[b], 0)
        p = coef.drive_ability[safe] * ability[b, None] + coef.drive_effort[safe] * eff[b]
        out[b] = np.where(code[b] >= 0, p, np.nan)
    return out


def draw_targets(code: np.ndarray, context: np.ndarray, ambition: float,
                 coef: IndicatorArrays, rng: np.random.Generator) -> np.ndarray:
    """Targets as a supervisor would set them: typical level, individual variation, partial
    adjustment to context, and the scenario's ``ambition`` (log shift; negative = padded/easy
    targets, the status-quo leniency of regulation.md §7)."""
    z = rng.standard_normal(code.shape)
    out = np.empty(code.shape)
    for b in row_blocks(code.shape[0]):
        safe = np.where(code[b] >= 0, code[b], 0)
        base = coef.target[safe]
        cv = coef.target_cv[safe]
        log_t = (np.log(base) + cv * z[b]
                 - coef.target_context_elasticity[safe] * context[b, None])
        sign = np.where(coef.higher_is_better[safe], 1.0, -1.0)
        t = np.exp(log_t + sign * ambition)
        t = np.minimum(t, coef.max_value[safe])
        out[b] = np.where(code[b] >= 0, t, np.nan)
    return out


@dataclass(frozen=True)
class DataQualityShifts:
    """Scenario/behaviour multipliers on the catalogue's data-quality rates (1 = as catalogued).

    Resistance raises them, audits lower them (issue 3); per employee so they can vary.
    """

    missing: np.ndarray | float = 1.0
    mis_entered: np.ndarray | float = 1.0
    inflated: np.ndarray | float = 1.0


def measure(code: np.ndarray, target: np.ndarray, perf: np.ndarray, context: np.ndarray,
            gaming: np.ndarray | float, coef: IndicatorArrays, rng: np.random.Generator,
            gaming_gain: float, dq: DataQualityShifts | None = None,
            ) -> tuple[np.ndarray, np.ndarray]:
    """Draw reported realisations for every slot.

    Returns ``(reported, true_output)``: ``true_output`` is what really happened (performance,
    context and real-world randomness) before gaming and data-quality failures; ``reported`` is
    what the record shows. ``target`` here is the neutral planned level (the scale of the
    indicator), not the scenario's possibly padded target. ``gaming`` is the share of
    manipulation effort in [0, 1] per employee or per slot.
    """
    dq = dq or DataQualityShifts()
    n, k = code.shape
    eps = rng.standard_normal((n, k))  # real-world noise
    u = rng.random((n, k))  # data-quality failures: one uniform per slot, exclusive bands
    coin = rng.random((n, k))  # direction of a mis-entry (x10 or /10)
    g = gaming if np.ndim(gaming) == 2 else np.asarray(gaming, dtype=float).reshape(-1, 1)
    g = np.broadcast_to(g, (n, g.shape[1]))
    shift_miss, shift_mis, shift_inf = (np.broadcast_to(_col(x), (n, 1))
                                        for x in (dq.missing, dq.mis_entered, dq.inflated))
    reported, true_output = np.empty((n, k)), np.empty((n, k))
    for b in row_blocks(n):
        c = code[b]
        safe = np.where(c >= 0, c, 0)
        signal = coef.sensitivity[safe] * (perf[b] - coef.context[safe] * context[b, None]
                                           + coef.noise_sd[safe] * eps[b])
        higher = coef.higher_is_better[safe]
        out = np.minimum(target[b] * np.exp(np.where(higher, signal, -signal)),
                         coef.max_value[safe])
        gamed = signal + g[b] * coef.manipulability[safe] * gaming_gain
        r = target[b] * np.exp(np.where(higher, gamed, -gamed))
        ub = u[b]
        p_miss = np.clip(coef.missing[safe] * shift_miss[b], 0, 1)
        p_mis = np.clip(coef.mis_entered[safe] * shift_mis[b], 0, 1)
        p_inf = np.clip(coef.inflated[safe] * shift_inf[b], 0, 1)
        slip = np.where(coin[b] < 0.5, 10.0, 0.1)
        r = np.where((ub >= p_miss) & (ub < p_miss + p_mis), r * slip, r)
        inflated = (ub >= p_miss + p_mis) & (ub < p_miss + p_mis + p_inf)
        factor = coef.inflation_factor[safe]
        r = np.where(inflated, np.where(higher, r * factor, r / factor), r)
        r = np.minimum(r, coef.max_value[safe])
        r = np.where(ub < p_miss, np.nan, r)
        reported[b] = np.where(c >= 0, r, np.nan)
        true_output[b] = np.where(c >= 0, out, np.nan)
    return reported, true_output


def _col(x: np.ndarray | float) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 else a


def draw_attendance(effort: np.ndarray, cat: Catalogue, rng: np.random.Generator,
                    absence_multiplier: np.ndarray | float = 1.0,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Unexcused absent days ``(n,)`` and late arrivals per band ``(n, 4)`` for one period."""
    a = cat.attendance
    scale = np.exp(-a.effort_elasticity * effort) * absence_multiplier
    days = rng.poisson(a.absent_days_mean * scale)
    late_mean = np.asarray(a.late_mean)[None, :]
    late = np.empty((scale.shape[0], late_mean.shape[1]), dtype=np.int64)
    for b in row_blocks(scale.shape[0]):  # the (n, 4) draw, block by block
        late[b] = rng.poisson(late_mean * scale[b, None])
    return np.minimum(days, a.working_days), late


def draw_innovation(ability: np.ndarray, cat: Catalogue, rng: np.random.Generator) -> np.ndarray:
    """PP 30/2019 innovation condition: a logistic draw rising with ability."""
    b = cat.innovation
    logit = np.log(b.base_rate / (1 - b.base_rate)) + b.ability_logit * ability
    return rng.random(ability.shape[0]) < 1 / (1 + np.exp(-logit))
