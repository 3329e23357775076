"""PermenPANRB 6/2022 with the SE MenPANRB 03/2023 distribution curve (the current scheme).

Per IKI, the direction-adjusted capaian becomes a level (Di Bawah / Sesuai / Di Atas
Ekspektasi); the levels aggregate into the Rating Hasil Kerja by the majority rule of
regulation.md §1.4 (a utama IKI below expectation blocks Di Atas). The seven BerAKHLAK ratings
aggregate the same way into the Rating Perilaku Kerja. For OPD heads the Rating Hasil Kerja is
the OPD's organisation predikat (leader-as-employee rule). The 3x3 matrix of §1.5 maps the two
ratings to the predikat; the SE 03/2023 curve is then applied per OPD (optional, on by default).
There is no numeric score (``SchemeResult.score`` is NaN); ``merit`` is a continuous composite
used only to decide who moves under the curve.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kinerja_sim.params import load_yaml
from kinerja_sim.schemes.base import (
    ATAS,
    BAWAH,
    ORG_PREDIKAT,
    RATING_LEVELS,
    SESUAI,
    Measurements,
    OrgContext,
    SchemeResult,
)
from kinerja_sim.schemes.capaian import (
    active_slots,
    capaian,
    check_inputs,
    level3,
    masked_mean,
    row_any,
    row_count,
)
from kinerja_sim.schemes.distribution import (
    LABELS,
    DistributionParams,
    OrgLabel,
    PredikatLabel,
    apply_per_opd,
)
from kinerja_sim.strict import StrictModel, merged_params

YAML = "schemes/permenpanrb_6_2022.yaml"
RatingLabel = Literal["Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi"]

__all__ = ["LABELS", "Params", "default_params", "params_from", "score", "rating_hasil",
           "rating_perilaku", "matrix_codes", "majority_rating"]


class LevelParams(StrictModel):
    sesuai_from: float
    atas_from: float
    majority: float = Field(0.5, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.atas_from < self.sesuai_from:
            raise ValueError("atas_from must be >= sesuai_from")
        return self


class HasilParams(LevelParams):
    utama_below_blocks_atas: bool = True


class LeaderParams(StrictModel):
    map: dict[OrgLabel, RatingLabel]

    @model_validator(mode="after")
    def _complete(self):
        missing = [o for o in ORG_PREDIKAT if o not in self.map]
        if missing:
            raise ValueError(f"map needs every organisation predikat; missing {missing}")
        return self


class MatrixParams(StrictModel):
    cells: dict[RatingLabel, dict[RatingLabel, PredikatLabel]]

    @model_validator(mode="after")
    def _complete(self):
        for h in RATING_LEVELS:
            row = self.cells.get(h)
            if row is None or any(p not in row for p in RATING_LEVELS):
                raise ValueError(f"matrix row {h!r} must give all three perilaku ratings")
        return self


class MeritParams(StrictModel):
    capaian_cap: float = Field(gt=0)
    weight_hasil: float = Field(ge=0)
    weight_perilaku: float = Field(ge=0)


class Params(StrictModel):
    hasil: HasilParams
    perilaku: LevelParams
    leader_rating_hasil: LeaderParams
    matrix: MatrixParams
    merit: MeritParams
    distribution: DistributionParams


def default_params() -> Params:
    return params_from(None, file=YAML, prefix="")


def params_from(overrides: dict | None, file: str = "<scenario>",
                prefix: str = "scheme.params") -> Params:
    return merged_params(Params, load_yaml(YAML), overrides, file, prefix)


def matrix_codes(params: Params) -> np.ndarray:
    """(3, 3) int8: predikat code for [rating_hasil, rating_perilaku]."""
    out = np.zeros((3, 3), dtype=np.int8)
    for h, hl in enumerate(RATING_LEVELS):
        for p, pl in enumerate(RATING_LEVELS):
            out[h, p] = LABELS.index(params.matrix.cells[hl][pl])
    return out


def majority_rating(n_atas, n_bawah, n_total, majority: float, blocked=None) -> np.ndarray:
    """Di Bawah if share below > majority; else Di Atas if share above > majority and not
    ``blocked``; else Sesuai. Returns int8 codes 0..2."""
    n_total = np.asarray(n_total, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_atas = np.asarray(n_atas) / n_total
        s_bawah = np.asarray(n_bawah) / n_total
    up = s_atas > majority
    if blocked is not None:
        up &= ~np.asarray(blocked, dtype=bool)
    return np.where(s_bawah > majority, np.int8(BAWAH),
                    np.where(up, np.int8(ATAS), np.int8(SESUAI)))


def _slot_capaian(m: Measurements, act: np.ndarray, cap: float | None = None) -> np.ndarray:
    t = np.where(act, m.target, np.nan)
    return capaian(t, m.realisation, m.higher_is_better, cap=cap)


def rating_hasil(m: Measurements, params: Params) -> np.ndarray:
    """Rating Hasil Kerja from the IKI (before the leader-as-employee rule)."""
    act = active_slots(m)
    return _rating_hasil(act, _slot_capaian(m, act), m, params)


def _rating_hasil(act: np.ndarray, cap: np.ndarray, m: Measurements, params: Params
                  ) -> np.ndarray:
    lvl = level3(cap, params.hasil.sesuai_from, params.hasil.atas_from)
    n_atas = row_count(act & (lvl == ATAS))
    n_bawah = row_count(act & (lvl == BAWAH))  # NaN (missing) capaian is BAWAH
    blocked = None
    if params.hasil.utama_below_blocks_atas:
        blocked = row_any(act & np.asarray(m.utama, dtype=bool) & (lvl == BAWAH))
    return majority_rating(n_atas, n_bawah, row_count(act), params.hasil.majority, blocked)


def rating_perilaku(m: Measurements, params: Params) -> np.ndarray:
    """Rating Perilaku Kerja from the seven BerAKHLAK ratings."""
    pp = params.perilaku
    lvl = level3(np.asarray(m.perilaku, dtype=np.float64), pp.sesuai_from, pp.atas_from)
    return majority_rating(row_count(lvl == ATAS), row_count(lvl == BAWAH),
                           np.full(lvl.shape[0], lvl.shape[1]), pp.majority)


def _z(x: np.ndarray, population: np.ndarray | None = None) -> np.ndarray:
    """z-score of ``x`` within each population (one population when ``None``).

    Sums run in row order per population (``bincount``), so a population's z-scores are the
    same bits whether or not other populations are stacked beside it."""
    if population is None:
        population = np.zeros(x.shape[0], dtype=np.int64)
    count = np.bincount(population)
    mean = np.bincount(population, weights=x) / count
    dev = x - mean[population]
    sd = np.sqrt(np.bincount(population, weights=dev * dev) / count)
    safe = np.where(sd > 0, sd, 1.0)
    return np.where(sd[population] > 0, dev / safe[population], 0.0)


def score(m: Measurements, org: OrgContext, params: Params) -> SchemeResult:
    check_inputs(m, org)
    act = active_slots(m)
    cap = _slot_capaian(m, act)  # once, for the rating and (capped) for the merit
    rh = _rating_hasil(act, cap, m, params)
    head = np.asarray(org.is_opd_head, dtype=bool)
    leader = np.array([RATING_LEVELS.index(params.leader_rating_hasil.map[o])
                       for o in ORG_PREDIKAT], dtype=np.int8)
    opd = np.asarray(org.opd, dtype=np.int64)
    org_pred = np.asarray(org.org_predikat, dtype=np.int64)
    rh_own = rh.copy()
    rh[head] = leader[org_pred[opd[head]]]
    rp = rating_perilaku(m, params)
    raw = matrix_codes(params)[rh, rp]

    capped = np.minimum(cap, params.merit.capaian_cap)  # = capaian(..., cap=capaian_cap)
    cap_mean = masked_mean(np.nan_to_num(capped, copy=False, nan=0.0), act)
    per_mean = np.asarray(m.perilaku, dtype=np.float64).mean(axis=1)
    pop = org.population
    merit = (params.merit.weight_hasil * _z(cap_mean, pop)
             + params.merit.weight_perilaku * _z(per_mean, pop))

    predikat, report = apply_per_opd(raw, merit, org, params.distribution)
    return SchemeResult(
        labels=LABELS,
        predikat=predikat.astype(np.int8),
        predikat_raw=raw.astype(np.int8),
        score=np.full(m.n, np.nan),
        merit=merit,
        rating_hasil=rh,
        rating_perilaku=rp,
        extra={"capaian_mean": cap_mean, "perilaku_mean": per_mean,
               "rating_hasil_own": rh_own},
        adjustment=report,
    )
