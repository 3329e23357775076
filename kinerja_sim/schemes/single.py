"""One employee through the official schemes: what the sosialisasi calculator shows.

The schemes are vectorised over a workforce; a trainer's calculator has one person typing in
their own targets and realisations. This module builds the one-row
:class:`~kinerja_sim.schemes.base.Measurements` and
:class:`~kinerja_sim.schemes.base.OrgContext` for that person and runs the *same* public scheme
functions a simulation runs (PermenPANRB 6/2022 matrix, PP 46/2011 score, TPP), so the
calculator can never disagree with the package.

Two things differ from a whole-OPD run, on purpose:

* The predikat shown is the matrix predikat *before* the SE 03/2023 curve: the curve depends on
  the colleagues in the OPD, whom the calculator does not know. :func:`curve_outcomes` instead
  says what the curve *could* do, by running the engine's curve over every way the colleagues
  of an OPD of a given size could be rated, with the person ranked last or first by merit in
  their category.
* Attendance entries are monthly (TPP is paid monthly), so the TPP deduction uses
  ``period_months = 1``.

:func:`problems` checks each entry against its valid range and names the field, so a face can
put the message next to the field instead of raising.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from kinerja_sim.indicators import Catalogue, default_catalogue
from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes import pp46_2011 as p46
from kinerja_sim.schemes import tpp
from kinerja_sim.schemes.base import (
    BERAKHLAK,
    JENIS_JABATAN,
    ORG_PREDIKAT,
    Measurements,
    OrgContext,
)
from kinerja_sim.schemes.capaian import capaian, level3
from kinerja_sim.schemes.distribution import LABELS, DistributionParams, apply_distribution

__all__ = ["Iki", "Employee", "FieldProblem", "Appraisal", "problems", "measurements",
           "org_context", "appraise", "curve_outcomes", "CurveOutcome", "working_days_per_month"]


@dataclass(frozen=True)
class Iki:
    """One IKI as the employee enters it. ``realisation=None`` means not reported."""

    indicator: str  # name in the indicator catalogue (fixes the direction)
    target: float
    realisation: float | None
    utama: bool = True
    quality: float = 80.0  # PP 46/2011 kualitas judgement 0..100 (supervisor's rubric)
    time_target: float = 12.0  # PP 46/2011 waktu: months planned
    time_realisation: float = 12.0  # months taken


@dataclass(frozen=True)
class Employee:
    """What the calculator asks: IKI, seven BerAKHLAK ratings, position and monthly attendance."""

    iki: tuple[Iki, ...]
    perilaku: tuple[float, ...]  # seven ratings 0..100 in BERAKHLAK order
    jenis_jabatan: str = "Pelaksana"
    kelas_jabatan: int = 7
    org_predikat: str = "Baik"
    days_absent: float = 0  # unexcused absent days in the month
    late: tuple[float, float, float, float] = (0, 0, 0, 0)  # late arrivals TL1..TL4 in the month
    is_opd_head: bool = False


@dataclass(frozen=True)
class FieldProblem:
    """An entry outside its valid range: ``field`` (e.g. ``"iki.0.target"``, ``"perilaku.3"``,
    ``"days_absent"``), a ``code`` a face turns into a sentence, and the bounds it broke."""

    field: str
    code: str
    low: float | None = None
    high: float | None = None


def working_days_per_month(cat: Catalogue | None = None) -> float:
    """Working days in a month, from the catalogue's attendance period."""
    cat = cat or default_catalogue()
    return cat.attendance.working_days / cat.period_months


def _bad_number(x) -> bool:
    return x is None or not np.isfinite(float(x))


def problems(emp: Employee, cat: Catalogue | None = None) -> list[FieldProblem]:
    """Every entry of ``emp`` outside its valid range (empty list = all entries usable).

    Ranges: a target is a finite number > 0 (a ratio to 0 is undefined); a realisation is >= 0
    and not above the indicator's ``max_value`` (an IKM of 120 on a 0-100 scale is a data
    error, not a great result); BerAKHLAK ratings and PP 46 quality are 0..100; PP 46 months
    planned > 0 and taken >= 0; kelas jabatan 1..17; absent days 0..working days of a month;
    late counts >= 0. A missing realisation is not a problem: the schemes score it.
    """
    cat = cat or default_catalogue()
    out: list[FieldProblem] = []
    if not emp.iki:
        out.append(FieldProblem("iki", "no_iki"))
    for k, iki in enumerate(emp.iki):
        f = f"iki.{k}"
        spec = cat.indicators.get(iki.indicator)
        if spec is None:
            out.append(FieldProblem(f"{f}.indicator", "unknown_indicator"))
        if _bad_number(iki.target) or iki.target <= 0:
            out.append(FieldProblem(f"{f}.target", "target_positive", low=0))
        if iki.realisation is not None:
            high = spec.max_value if spec is not None else None
            if _bad_number(iki.realisation) or iki.realisation < 0:
                out.append(FieldProblem(f"{f}.realisation", "not_negative", low=0, high=high))
            elif high is not None and iki.realisation > high:
                out.append(FieldProblem(f"{f}.realisation", "above_max", low=0, high=high))
        if _bad_number(iki.quality) or not 0 <= iki.quality <= 100:
            out.append(FieldProblem(f"{f}.quality", "range", low=0, high=100))
        if _bad_number(iki.time_target) or iki.time_target <= 0:
            out.append(FieldProblem(f"{f}.time_target", "target_positive", low=0))
        if _bad_number(iki.time_realisation) or iki.time_realisation < 0:
            out.append(FieldProblem(f"{f}.time_realisation", "not_negative", low=0))
    if len(emp.perilaku) != len(BERAKHLAK):
        out.append(FieldProblem("perilaku", "seven_ratings"))
    for j, x in enumerate(emp.perilaku):
        if _bad_number(x) or not 0 <= x <= 100:
            out.append(FieldProblem(f"perilaku.{j}", "range", low=0, high=100))
    if emp.jenis_jabatan not in JENIS_JABATAN:
        out.append(FieldProblem("jenis_jabatan", "unknown_choice"))
    if emp.org_predikat not in ORG_PREDIKAT:
        out.append(FieldProblem("org_predikat", "unknown_choice"))
    if _bad_number(emp.kelas_jabatan) or emp.kelas_jabatan != int(emp.kelas_jabatan) \
            or not 1 <= emp.kelas_jabatan <= 17:
        out.append(FieldProblem("kelas_jabatan", "whole_range", low=1, high=17))
    wd = working_days_per_month(cat)
    if _bad_number(emp.days_absent) or not 0 <= emp.days_absent <= wd:
        out.append(FieldProblem("days_absent", "range", low=0, high=round(wd, 1)))
    for j, x in enumerate(emp.late):
        if _bad_number(x) or x < 0:
            out.append(FieldProblem(f"late.{j}", "not_negative", low=0))
    return out


def _checked(emp: Employee, cat: Catalogue) -> None:
    found = problems(emp, cat)
    if found:
        from kinerja_sim.errors import InputError, Problem

        raise InputError([Problem("<kalkulator>", p.field, p.code) for p in found])


def measurements(emp: Employee, cat: Catalogue | None = None) -> Measurements:
    """The one-row Measurements of ``emp`` (raises InputError if :func:`problems` finds any)."""
    cat = cat or default_catalogue()
    _checked(emp, cat)

    def row(values, dtype=np.float64):
        return np.asarray([values], dtype=dtype)

    iki = emp.iki
    nan = float("nan")
    return Measurements(
        indicator=row([cat.code(i.indicator) for i in iki], np.int64),
        indicator_names=cat.names,
        target=row([i.target for i in iki]),
        realisation=row([nan if i.realisation is None else i.realisation for i in iki]),
        higher_is_better=row([cat.indicators[i.indicator].direction == "higher" for i in iki],
                             bool),
        utama=row([i.utama for i in iki], bool),
        quality=row([i.quality for i in iki]),
        time_target=row([i.time_target for i in iki]),
        time_realisation=row([i.time_realisation for i in iki]),
        cost_target=row([nan] * len(iki)),
        cost_realisation=row([nan] * len(iki)),
        perilaku=row(emp.perilaku),
        days_absent=np.asarray([emp.days_absent], dtype=np.float64),
        late=row(emp.late),
        innovation=np.zeros(1, dtype=bool),
    )


def org_context(emp: Employee) -> OrgContext:
    """A one-person, one-OPD OrgContext with the OPD's organisation predikat."""
    return OrgContext(
        opd=np.zeros(1, dtype=np.int64), opd_names=("OPD",), unit=np.zeros(1, dtype=np.int64),
        jenis_jabatan=np.asarray([JENIS_JABATAN.index(emp.jenis_jabatan)]),
        rumpun=np.zeros(1, dtype=np.int64), rumpun_names=("-",),
        is_opd_head=np.asarray([emp.is_opd_head]),
        kelas_jabatan=np.asarray([int(emp.kelas_jabatan)]),
        org_predikat=np.asarray([ORG_PREDIKAT.index(emp.org_predikat)], dtype=np.int8),
    )


@dataclass(frozen=True)
class Appraisal:
    """The calculator's numbers for one employee (codes index the label tuples named here)."""

    capaian: tuple[float, ...]  # per IKI, percent, direction-adjusted (NaN = not reported)
    iki_level: tuple[int, ...]  # per IKI, code into base.RATING_LEVELS
    perilaku_level: tuple[int, ...]  # per BerAKHLAK value, code into base.RATING_LEVELS
    rating_hasil: int  # code into base.RATING_LEVELS
    rating_perilaku: int
    predikat: int  # code into distribution.LABELS, matrix predikat before the curve
    pp46_skp: float
    pp46_perilaku: float
    pp46_score: float  # Nilai Prestasi Kerja
    pp46_predikat: int  # code into pp46_2011.LABELS
    tpp: dict[str, float]  # monthly rupiah at `predikat`: tpp_base, tpp_kinerja, ... (floats)
    tpp_by_predikat: tuple[float, ...]  # monthly TPP total for each predikat code 0..4
    labels: tuple[str, ...] = field(default=LABELS)
    pp46_labels: tuple[str, ...] = field(default=p46.LABELS)


def appraise(emp: Employee, *, params6: p6.Params | None = None,
             params46: p46.Params | None = None, tpp_params: tpp.Params | None = None,
             cat: Catalogue | None = None) -> Appraisal:
    """Score ``emp`` under PermenPANRB 6/2022 (matrix predikat), PP 46/2011 and TPP.

    Uses each scheme's own ``score``: the 6/2022 scheme runs with its curve switched off (a
    one-person OPD is no OPD; see :func:`curve_outcomes`). The TPP uses monthly attendance
    (``period_months = 1``) unless ``tpp_params`` is given.
    """
    cat = cat or default_catalogue()
    params6 = params6 or p6.default_params()
    params46 = params46 or p46.default_params()
    if tpp_params is None:
        tpp_params = tpp.params_from({"disiplin_deductions": {"period_months": 1}})
    m = measurements(emp, cat)
    org = org_context(emp)
    no_curve = params6.model_copy(update={
        "distribution": params6.distribution.model_copy(update={"enabled": False})})
    r6 = p6.score(m, org, no_curve)
    r46 = p46.score(m, org, params46)
    cap = capaian(m.target, m.realisation, m.higher_is_better)[0]
    lvl = level3(cap, params6.hasil.sesuai_from, params6.hasil.atas_from)
    plvl = level3(m.perilaku[0], params6.perilaku.sesuai_from, params6.perilaku.atas_from)
    money = tpp.compute(r6.predikat_raw, m, org, tpp_params)
    all_codes = np.arange(5, dtype=np.int8)
    five = _repeat(m, 5)
    by_code = tpp.compute(all_codes, five, _repeat_org(org, 5), tpp_params)["tpp_total"]
    return Appraisal(
        capaian=tuple(float(x) for x in cap),
        iki_level=tuple(int(x) for x in lvl),
        perilaku_level=tuple(int(x) for x in plvl),
        rating_hasil=int(r6.rating_hasil[0]),
        rating_perilaku=int(r6.rating_perilaku[0]),
        predikat=int(r6.predikat_raw[0]),
        pp46_skp=float(r46.extra["skp"][0]),
        pp46_perilaku=float(r46.extra["perilaku"][0]),
        pp46_score=float(r46.score[0]),
        pp46_predikat=int(r46.predikat[0]),
        tpp={k: float(v[0]) for k, v in money.items()},
        tpp_by_predikat=tuple(float(x) for x in by_code),
    )


def _repeat(m: Measurements, n: int) -> Measurements:
    kw = {}
    for name in Measurements.__dataclass_fields__:
        v = getattr(m, name)
        kw[name] = v if name == "indicator_names" else np.repeat(v, n, axis=0)
    return Measurements(**kw)


def _repeat_org(org: OrgContext, n: int) -> OrgContext:
    kw = {}
    for name in OrgContext.__dataclass_fields__:
        v = getattr(org, name)
        kw[name] = v if name in ("opd_names", "rumpun_names", "org_predikat") \
            else np.repeat(v, n, axis=0)
    return OrgContext(**kw)


@dataclass(frozen=True)
class CurveOutcome:
    """What the SE 03/2023 curve could do to a predikat in an OPD of ``opd_size`` employees.

    ``share[c]`` is the share of the cases (every way the ``opd_size - 1`` colleagues could be
    rated, times the person ranked lowest or highest by merit within their predikat) in which
    the person ends with predikat code ``c``. ``possible`` lists the codes with a share > 0.
    """

    predikat: int
    org_predikat: str
    opd_size: int
    share: tuple[float, ...]
    lowest_ranked: tuple[float, ...]  # the same shares when ranked lowest in the category
    highest_ranked: tuple[float, ...]  # ... and when ranked highest

    @property
    def possible(self) -> tuple[int, ...]:
        return tuple(c for c, s in enumerate(self.share) if s > 0)

    @property
    def unchanged_share(self) -> float:
        return self.share[self.predikat]


@lru_cache(maxsize=64)
def _compositions(others: int) -> np.ndarray:
    """(C, 5) every count vector of ``others`` colleagues over the five predikat."""
    rows = [c for c in itertools.product(range(others + 1), repeat=4) if sum(c) <= others]
    return np.asarray([(*c, others - sum(c)) for c in rows], dtype=np.int64)


def curve_outcomes(predikat: int, org_predikat: str, opd_size: int = 10,
                   rules: DistributionParams | None = None) -> CurveOutcome:
    """Run the engine's curve (:func:`~kinerja_sim.schemes.distribution.apply_distribution`)
    on every OPD of ``opd_size`` that contains this person with raw ``predikat`` and any rating
    of the colleagues, once with the person last and once first by merit among those with the
    same raw predikat. Every case is one group of one vectorised call (no rule is re-coded
    here). The rules default to the packaged 6/2022 distribution block, switched on."""
    if not 0 <= predikat <= 4:
        raise ValueError("predikat code must be 0..4")
    if org_predikat not in ORG_PREDIKAT:
        raise ValueError(f"org_predikat must be one of {ORG_PREDIKAT}")
    if opd_size < 1:
        raise ValueError("opd_size must be >= 1")
    rules = rules or p6.default_params().distribution
    comps = _compositions(opd_size - 1)
    C = comps.shape[0]
    G = 2 * C
    raw = np.empty((G, opd_size), dtype=np.int8)
    merit = np.zeros((G, opd_size))
    for g, counts in enumerate(np.concatenate([comps, comps])):
        raw[g, 0] = predikat
        raw[g, 1:] = np.repeat(np.arange(5, dtype=np.int8), counts)
    merit[:C, 0] = -1.0  # lowest-ranked within the category (and first in position)
    merit[C:, 0] = 1.0  # highest-ranked
    group = np.repeat(np.arange(G), opd_size)
    final, _ = apply_distribution(raw.ravel(), merit.ravel(), group,
                                  np.full(G, ORG_PREDIKAT.index(org_predikat)),
                                  np.ones(G * opd_size, dtype=bool),
                                  rules.model_copy(update={"enabled": True}))
    mine = final.reshape(G, opd_size)[:, 0]

    def shares(x: np.ndarray) -> tuple[float, ...]:
        return tuple(float(s) for s in np.bincount(x, minlength=5) / x.size)

    return CurveOutcome(predikat=predikat, org_predikat=org_predikat, opd_size=opd_size,
                        share=shares(mine), lowest_ranked=shares(mine[:C]),
                        highest_ranked=shares(mine[C:]))
