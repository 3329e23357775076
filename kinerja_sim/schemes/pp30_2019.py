"""PP 30/2019 (Penilaian Kinerja PNS): numeric score with 70/30 or 60/40 weights.

SKP = (weighted) mean of the per-IKI capaian, capped at 120; perilaku = mean of the seven
BerAKHLAK ratings; final = w_skp * SKP + w_perilaku * perilaku; bands of Pasal 41(5), where
Sangat Baik (110..120) also needs an innovation (``m.innovation``). regulation.md §2.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import load_yaml
from kinerja_sim.schemes.base import Measurements, OrgContext, SchemeResult
from kinerja_sim.schemes.capaian import (
    MEASUREMENTS_FILE,
    active_slots,
    capaian,
    check_inputs,
    masked_mean,
    rows_text,
)
from kinerja_sim.schemes.pp46_2011 import Weights
from kinerja_sim.strict import NonNegative, StrictModel, merged_params

YAML = "schemes/pp30_2019.yaml"
LABELS = ("Sangat Kurang", "Kurang", "Cukup", "Baik", "Sangat Baik")

__all__ = ["LABELS", "Params", "default_params", "params_from", "score", "predikat_from_score",
           "skp_score"]


class CapaianParams(StrictModel):
    cap: float = Field(gt=0)
    missing_score: NonNegative


class SlotWeights(StrictModel):
    utama: float = Field(ge=0)
    tambahan: float = Field(ge=0)

    @model_validator(mode="after")
    def _positive(self):
        if self.utama + self.tambahan <= 0:
            raise ValueError("at least one of utama/tambahan must be > 0")
        return self


class WeightsPresets(StrictModel):
    default: Weights
    with_peer_subordinate_input: Weights


class PerilakuParams(StrictModel):
    aggregate: Literal["mean"] = "mean"


class Bands(StrictModel):
    sangat_baik_min: NonNegative
    sangat_baik_max: NonNegative
    sangat_baik_requires_innovation: bool
    baik_min: NonNegative
    cukup_min: NonNegative
    kurang_min: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        seq = [self.kurang_min, self.cukup_min, self.baik_min, self.sangat_baik_min,
               self.sangat_baik_max]
        if any(b < a for a, b in zip(seq, seq[1:], strict=False)):
            raise ValueError("need kurang_min <= cukup_min <= baik_min <= sangat_baik_min "
                             "<= sangat_baik_max")
        return self


class Params(StrictModel):
    capaian: CapaianParams
    slot_weights: SlotWeights
    weights_preset: Literal["default", "with_peer_subordinate_input"]
    weights_presets: WeightsPresets
    weights: Weights | None = None
    perilaku: PerilakuParams
    bands: Bands

    @property
    def effective_weights(self) -> Weights:
        """Explicit ``weights`` if given, else the selected preset."""
        return self.weights or getattr(self.weights_presets, self.weights_preset)


def default_params() -> Params:
    return params_from(None, file=YAML, prefix="")


def params_from(overrides: dict | None, file: str = "<scenario>",
                prefix: str = "scheme.params") -> Params:
    return merged_params(Params, load_yaml(YAML), overrides, file, prefix)


def predikat_from_score(x, innovation, params: Params) -> np.ndarray:
    """Pasal 41(5) bands, lower bounds inclusive; Sangat Baik also needs ``innovation``."""
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError(f"predikat_from_score: {int(np.isnan(x).sum())} NaN score(s)")
    b = params.bands
    out = np.zeros(x.shape, dtype=np.int8)
    out[x >= b.kurang_min] = 1
    out[x >= b.cukup_min] = 2
    out[x >= b.baik_min] = 3
    sb = (x >= b.sangat_baik_min) & (x <= b.sangat_baik_max)
    if b.sangat_baik_requires_innovation:
        sb &= np.asarray(innovation, dtype=bool)
    out[sb] = 4
    return out


def skp_score(m: Measurements, params: Params) -> np.ndarray:
    act = active_slots(m)
    cap = capaian(np.where(act, m.target, np.nan), m.realisation, m.higher_is_better,
                  cap=params.capaian.cap)
    cap = np.where(np.isnan(cap), params.capaian.missing_score, cap)
    w = np.where(np.asarray(m.utama, dtype=bool), params.slot_weights.utama,
                 params.slot_weights.tambahan)
    skp = masked_mean(cap, act, w)
    if np.isnan(skp).any():
        bad = np.flatnonzero(np.isnan(skp))
        raise InputError([Problem(MEASUREMENTS_FILE, rows_text(bad),
                                  f"{bad.size} employee(s) have only IKI of zero slot weight",
                                  expected="slot_weights > 0 for utama and tambahan in use")])
    return skp


def score(m: Measurements, org: OrgContext, params: Params) -> SchemeResult:
    check_inputs(m, org)
    skp = skp_score(m, params)
    per = np.asarray(m.perilaku, dtype=np.float64).mean(axis=1)
    w = params.effective_weights
    final = w.skp * skp + w.perilaku * per
    pred = predikat_from_score(final, m.innovation, params)
    return SchemeResult(
        labels=LABELS,
        predikat=pred,
        predikat_raw=pred.copy(),
        score=final,
        merit=final.copy(),
        extra={"skp": skp, "perilaku": per},
    )
