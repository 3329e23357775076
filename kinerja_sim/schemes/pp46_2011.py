"""PP 46/2011 + PerKa BKN 1/2013: Nilai Prestasi Kerja = 60 % SKP + 40 % Perilaku.

Per activity (IKI slot with ``indicator >= 0``): kuantitas (direction-adjusted capaian),
kualitas (``m.quality``), waktu (the two-branch 1.76 / 24 % formula) and, where there is a cost
target, biaya (same formula); the activity value is their sum / 3, or / 4 with biaya. Nilai SKP
is the mean activity value. Perilaku averages six aspects derived from the BerAKHLAK ratings
(kepemimpinan for structural officials only). Bands: regulation.md §3.3.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import load_yaml
from kinerja_sim.schemes.base import BERAKHLAK, Measurements, OrgContext, SchemeResult
from kinerja_sim.schemes.capaian import (
    MEASUREMENTS_FILE,
    active_slots,
    band,
    capaian,
    check_inputs,
    masked_mean,
    rows_text,
)
from kinerja_sim.strict import NonNegative, Positive, StrictModel, merged_params

YAML = "schemes/pp46_2011.yaml"
LABELS = ("Buruk", "Kurang", "Cukup", "Baik", "Sangat Baik")
ASPECTS = ("orientasi_pelayanan", "integritas", "komitmen", "disiplin", "kerja_sama",
           "kepemimpinan")

__all__ = ["LABELS", "Params", "default_params", "params_from", "score", "waktu_score",
           "activity_value", "perilaku_score", "predikat_from_score"]


class Weights(StrictModel):
    skp: float = Field(ge=0)
    perilaku: float = Field(ge=0)

    @model_validator(mode="after")
    def _sum_one(self):
        if abs(self.skp + self.perilaku - 1.0) > 1e-9:
            raise ValueError(f"skp + perilaku must be 1; got {self.skp + self.perilaku}")
        return self


class Kuantitas(StrictModel):
    cap: Positive | None = None


class TimeCostFormula(StrictModel):
    k: float = Field(gt=0)
    threshold_eff_pct: float = Field(ge=0, le=100)
    second_branch_base: float
    second_branch_pivot: float


class Missing(StrictModel):
    missing_aspect_score: NonNegative


class Aspect(StrictModel):
    sources: list[str] = Field(min_length=1)
    structural_only: bool = False

    @field_validator("sources")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in BERAKHLAK]
        if bad:
            raise ValueError(f"unknown BerAKHLAK value(s) {bad}; expected one of {BERAKHLAK}")
        return v


class PerilakuAspects(StrictModel):
    orientasi_pelayanan: Aspect
    integritas: Aspect
    komitmen: Aspect
    disiplin: Aspect
    kerja_sama: Aspect
    kepemimpinan: Aspect


class Bands(StrictModel):
    thresholds: list[NonNegative] = Field(min_length=4, max_length=4)

    @field_validator("thresholds")
    @classmethod
    def _ascending(cls, v: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(v, v[1:], strict=False)):
            raise ValueError("thresholds must be strictly ascending")
        return v


class Params(StrictModel):
    weights: Weights
    kuantitas: Kuantitas
    time_cost_formula: TimeCostFormula
    missing: Missing
    perilaku_aspects: PerilakuAspects
    bands: Bands


def default_params() -> Params:
    return params_from(None, file=YAML, prefix="")


def params_from(overrides: dict | None, file: str = "<scenario>",
                prefix: str = "scheme.params") -> Params:
    return merged_params(Params, load_yaml(YAML), overrides, file, prefix)


def waktu_score(target, realisation, formula: TimeCostFormula | None = None) -> np.ndarray:
    """Waktu (or biaya) score of PerKa BKN 1/2013 (regulation §3.2), vectorised.

    ``%eff = 100 - R/T*100``; ``%eff <= 24``: ``((1.76T - R)/T)*100``; otherwise
    ``76 - ((((1.76T - R)/T)*100) - 100)``. T=12, R=12 -> 76; R=10 -> 92.67; R=9 -> 75.
    NaN in, NaN out. The 24 % edge is compared with a 1e-9 tolerance so that, e.g., T=12,
    R=9.12 (exactly 24 % in decimal) takes the first branch despite binary rounding.
    """
    f = formula or default_params().time_cost_formula
    t = np.asarray(target, dtype=np.float64)
    r = np.asarray(realisation, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = r / t
        eff = 100.0 - ratio * 100.0
        first = (f.k - ratio) * 100.0
    second = f.second_branch_base - (first - f.second_branch_pivot)
    out = np.where(eff <= f.threshold_eff_pct + 1e-9, first, second)
    return np.where(np.isnan(eff), np.nan, out)


def activity_value(kuantitas, kualitas, waktu, biaya=None) -> np.ndarray:
    """(kuantitas + kualitas + waktu [+ biaya]) / 3 or / 4; biaya NaN or None = no cost aspect."""
    ku = np.asarray(kuantitas, dtype=np.float64)
    kl = np.asarray(kualitas, dtype=np.float64)
    wa = np.asarray(waktu, dtype=np.float64)
    if biaya is None:
        return (ku + kl + wa) / 3.0
    bi = np.asarray(biaya, dtype=np.float64)
    has = ~np.isnan(bi)
    return np.where(has, (ku + kl + wa + np.where(has, bi, 0.0)) / 4.0, (ku + kl + wa) / 3.0)


def perilaku_score(perilaku: np.ndarray, structural: np.ndarray, params: Params) -> np.ndarray:
    """Mean of the six aspects (structural) or five (kepemimpinan dropped) from BerAKHLAK."""
    p = np.asarray(perilaku, dtype=np.float64)
    structural = np.asarray(structural, dtype=bool)
    total = np.zeros(p.shape[0])
    count = np.zeros(p.shape[0])
    for name in ASPECTS:
        a: Aspect = getattr(params.perilaku_aspects, name)
        val = p[:, [BERAKHLAK.index(s) for s in a.sources]].mean(axis=1)
        use = structural if a.structural_only else np.ones(p.shape[0], dtype=bool)
        total += np.where(use, val, 0.0)
        count += use
    return total / count


def predikat_from_score(x, params: Params) -> np.ndarray:
    return band(x, params.bands.thresholds)


def score(m: Measurements, org: OrgContext, params: Params) -> SchemeResult:
    check_inputs(m, org)
    act = active_slots(m)
    tt = np.asarray(m.time_target, dtype=np.float64)
    ct = np.asarray(m.cost_target, dtype=np.float64)
    bad = np.flatnonzero((act & ((tt <= 0) | (ct <= 0))).any(axis=1))
    if bad.size:
        raise InputError([Problem(MEASUREMENTS_FILE, rows_text(bad),
                                  f"{bad.size} employee(s) have a time or cost target <= 0",
                                  column="time_target/cost_target", expected="> 0 or empty")])
    miss = params.missing.missing_aspect_score
    f = params.time_cost_formula
    ku = capaian(np.where(act, m.target, np.nan), m.realisation, m.higher_is_better,
                 cap=params.kuantitas.cap)
    kl = np.asarray(m.quality, dtype=np.float64)
    wa = waktu_score(np.where(act, tt, np.nan), m.time_realisation, f)
    has_cost = act & ~np.isnan(ct)
    bi = waktu_score(np.where(has_cost, ct, np.nan), m.cost_realisation, f)
    n_missing = ((act & np.isnan(ku)).sum(axis=1) + (act & np.isnan(kl)).sum(axis=1)
                 + (act & np.isnan(wa)).sum(axis=1) + (has_cost & np.isnan(bi)).sum(axis=1))
    ku, kl, wa = (np.where(np.isnan(x), miss, x) for x in (ku, kl, wa))
    bi = np.where(has_cost, np.where(np.isnan(bi), miss, bi), np.nan)
    act_val = activity_value(ku, kl, wa, bi)
    skp = masked_mean(act_val, act)
    per = perilaku_score(m.perilaku, org.structural, params)
    final = params.weights.skp * skp + params.weights.perilaku * per
    pred = predikat_from_score(final, params)
    return SchemeResult(
        labels=LABELS,
        predikat=pred,
        predikat_raw=pred.copy(),
        score=final,
        merit=final.copy(),
        extra={"skp": skp, "perilaku": per, "n_missing_aspects": n_missing.astype(np.int64),
               "skp_predikat": predikat_from_score(skp, params)},
    )
