"""TPP (Tambahan Penghasilan Pegawai): the monthly regional allowance from predikat + attendance.

``tpp_base = base_amount[kelas jabatan]``;
``tpp_kinerja = tpp_base * split.kinerja * kinerja_factor[predikat]``;
``tpp_disiplin = tpp_base * split.disiplin * max(0, 1 - deduction_pct / 100)`` with
``deduction_pct = (absent_day_pct * days_absent + sum(late_pct * late)) / period_months``
(Permentan 68/2012 template). regulation.md §4; every number lives in ``data/schemes/tpp.yaml``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from kinerja_sim.errors import InputError, Problem, ProblemCollector
from kinerja_sim.params import load_yaml
from kinerja_sim.schemes.base import Measurements, OrgContext
from kinerja_sim.schemes.capaian import MEASUREMENTS_FILE, row_any, rows_text
from kinerja_sim.strict import NonNegative, StrictModel, merged_params

YAML = "schemes/tpp.yaml"
KELAS = tuple(range(1, 18))

__all__ = ["Params", "default_params", "params_from", "compute", "deduction_pct"]


class BaseAmount(StrictModel):
    by_kelas: dict[int, NonNegative]

    @field_validator("by_kelas")
    @classmethod
    def _complete(cls, v: dict[int, float]) -> dict[int, float]:
        missing = [k for k in KELAS if k not in v]
        extra = [k for k in v if k not in KELAS]
        if missing or extra:
            raise ValueError(f"need kelas 1..17 exactly; missing {missing}, unexpected {extra}")
        bad = {k: a for k, a in v.items() if not a >= 0}
        if bad:
            raise ValueError(f"amounts must be >= 0; got {bad}")
        return v


class Split(StrictModel):
    kinerja: float = Field(ge=0, le=1)
    disiplin: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_one(self):
        if abs(self.kinerja + self.disiplin - 1.0) > 1e-9:
            raise ValueError(f"kinerja + disiplin must be 1; got {self.kinerja + self.disiplin}")
        return self


class SplitPresets(StrictModel):
    default: Split
    jatim_40_60: Split


class KinerjaFactor(StrictModel):
    by_code: list[float] = Field(min_length=5, max_length=5)

    @field_validator("by_code")
    @classmethod
    def _nonneg(cls, v: list[float]) -> list[float]:
        if any(not x >= 0 for x in v):
            raise ValueError("factors must be >= 0")
        return v


class DisiplinDeductions(StrictModel):
    absent_day_pct: float = Field(ge=0)
    late_pct: list[NonNegative] = Field(min_length=4, max_length=4)
    period_months: float = Field(gt=0)


class Params(StrictModel):
    base_amount: BaseAmount
    split_preset: Literal["default", "jatim_40_60"]
    split_presets: SplitPresets
    split: Split | None = None
    kinerja_factor: KinerjaFactor
    disiplin_deductions: DisiplinDeductions

    @property
    def effective_split(self) -> Split:
        return self.split or getattr(self.split_presets, self.split_preset)


def default_params() -> Params:
    return params_from(None, file=YAML, prefix="")


def params_from(overrides: dict | None, file: str = "<scenario>", prefix: str = "tpp") -> Params:
    return merged_params(Params, load_yaml(YAML), overrides, file, prefix)


def deduction_pct(m: Measurements, params: Params) -> np.ndarray:
    """Monthly attendance deduction in percent of the disiplin portion (not floored)."""
    d = params.disiplin_deductions
    late = np.asarray(m.late, dtype=np.float64)
    total = (d.absent_day_pct * np.asarray(m.days_absent, dtype=np.float64)
             + late @ np.asarray(d.late_pct, dtype=np.float64))
    return total / d.period_months


def compute(predikat: np.ndarray, m: Measurements, org: OrgContext, params: Params
            ) -> dict[str, np.ndarray]:
    """Per-employee monthly TPP in rupiah: ``tpp_base``, ``tpp_kinerja``, ``tpp_disiplin``,
    ``tpp_total``, plus ``deduction_pct`` (the unfloored monthly deduction)."""
    pc = ProblemCollector()
    pred = np.asarray(predikat)
    kelas = np.asarray(org.kelas_jabatan)
    n = kelas.shape[0]
    if pred.shape != (n,):
        raise InputError([Problem("<predikat>", "predikat", f"shape {pred.shape}",
                                  expected=f"({n},)")])
    bad_k = np.flatnonzero((kelas < 1) | (kelas > 17))
    if bad_k.size:
        pc.add("<organisation>", rows_text(bad_k), f"{bad_k.size} kelas jabatan outside 1..17",
               column="kelas_jabatan", expected="1..17")
    bad_p = np.flatnonzero((pred < 0) | (pred > 4))
    if bad_p.size:
        pc.add("<predikat>", rows_text(bad_p), f"{bad_p.size} predikat codes outside 0..4")
    bad_a = np.flatnonzero((np.asarray(m.days_absent) < 0) | row_any(np.asarray(m.late) < 0))
    if bad_a.size:
        pc.add(MEASUREMENTS_FILE, rows_text(bad_a), f"{bad_a.size} negative attendance counts",
               column="days_absent/late", expected=">= 0")
    pc.raise_if_any()

    table = np.zeros(18)
    for k, amount in params.base_amount.by_kelas.items():
        table[k] = amount
    base = table[kelas]
    split = params.effective_split
    factor = np.asarray(params.kinerja_factor.by_code, dtype=np.float64)[pred]
    ded = deduction_pct(m, params)
    kinerja = base * split.kinerja * factor
    disiplin = base * split.disiplin * np.maximum(0.0, 1.0 - ded / 100.0)
    return {
        "tpp_base": base,
        "tpp_kinerja": kinerja,
        "tpp_disiplin": disiplin,
        "tpp_total": kinerja + disiplin,
        "deduction_pct": ded,
    }
