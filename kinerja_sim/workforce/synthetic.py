"""Synthetic workforces from a profile: organisation tree, raters, demographics, latent traits,
SKP plans and one observed period.

Vectorised end to end (no Python object per employee) so the 4.76-million national profile
builds in seconds: OPDs expand into a units table, units into employees with ``np.repeat``,
and every attribute is drawn as a whole array.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja_sim import indicators as ind
from kinerja_sim import raters as rt
from kinerja_sim.schemes.base import JENIS_JABATAN
from kinerja_sim.workforce.model import EXTERNAL_RATER, TaskPlan, Workforce
from kinerja_sim.workforce.profile import Profile, UnitSpec, load_profile

PIMPINAN = "pimpinan"
JPT, ADMIN, PENGAWAS, FUNGSIONAL, PELAKSANA = range(5)
GOLONGAN = ("I", "II", "III", "IV")


def _units_table(profile: Profile, scale: float) -> pd.DataFrame:
    """One row per unit: OPD, type, size, rumpun, and whether its head heads the OPD."""
    unit_types = list(profile.unit_types)
    rows = []
    for opd_counter, spec in enumerate(profile.opds):
        copies = max(1, round(spec.copies * scale)) if spec.copies > 1 else 1
        entries = []
        for utype, u in spec.units.items():
            count, size = (u.count, u.size) if isinstance(u, UnitSpec) else (u, spec.office_size)
            if utype == PIMPINAN:
                size = 1
            if spec.copies == 1 and scale != 1.0 and utype != PIMPINAN:
                size = max(2, round(size * scale))
            service = isinstance(u, UnitSpec)
            entries.append((utype, count, size, service))
        head_type = PIMPINAN if PIMPINAN in spec.units else next(iter(spec.units))
        for utype, count, size, service in entries:
            # office staff of a service OPD (schools, puskesmas) work in administration
            rumpun = spec.rumpun if service else (spec.office_rumpun or spec.rumpun)
            rows.append((opd_counter, spec.name, copies, unit_types.index(utype), utype, count,
                         size, rumpun, utype == head_type))
    t = pd.DataFrame(rows, columns=["spec", "opd_name", "copies", "type_code", "type", "count",
                                    "size", "rumpun", "heads_opd"])
    # expand copies (templates) and counts into individual units
    t = t.loc[t.index.repeat(t["copies"])].reset_index(drop=True)
    t["copy"] = t.groupby(t.index.to_series().diff().ne(1).cumsum()).cumcount()
    t["copy"] = t.groupby(["spec", "type"]).cumcount()
    t = t.loc[t.index.repeat(t["count"])].reset_index(drop=True)
    t["nth"] = t.groupby(["spec", "type", "copy"]).cumcount()
    # within one copy of an OPD only the first unit of the head type heads the OPD
    t["heads_opd"] = t["heads_opd"] & (t["nth"] == 0)
    multi = t["copies"] > 1
    t["opd"] = np.where(multi, t["opd_name"] + " " + (t["copy"] + 1).astype(str).str.zfill(4),
                        t["opd_name"])
    label = t["type"].str.capitalize()
    t["unit"] = np.where(t["count"] > 1, label + " " + (t["nth"] + 1).astype(str), label)
    t["unit"] = t["opd"] + " / " + t["unit"]
    return t[["opd", "unit", "type", "type_code", "size", "rumpun", "heads_opd"]]


def synthesize(profile: str | Profile = "binjai", seed: int = 2026,
               n: int | None = None, observed: bool = True) -> Workforce:
    """Build a synthetic workforce.

    ``n`` rescales the profile to about ``n`` employees (template copies for the national
    profile, unit sizes for named OPDs) while keeping its composition. ``observed=False``
    skips drawing the observed period (simulate re-measures anyway; saves time at scale).
    """
    prof = load_profile(profile) if isinstance(profile, str) else profile
    rng = np.random.default_rng(seed)
    full = _units_table(prof, 1.0)
    scale = 1.0 if n is None else n / full["size"].sum()
    units = full if n is None else _units_table(prof, scale)

    sizes = units["size"].to_numpy()
    n_emp = int(sizes.sum())
    unit_of = np.repeat(np.arange(len(units)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(n_emp) - starts[unit_of]

    types = [prof.unit_types[k] for k in prof.unit_types]
    head_j = np.array([JENIS_JABATAN.index(t.head) for t in types])
    n_pengawas = np.array([t.pengawas for t in types])
    f_share = np.array([t.fungsional_share for t in types])
    ut = units["type_code"].to_numpy()[unit_of]
    jab = np.where(rng.random(n_emp) < f_share[ut], FUNGSIONAL, PELAKSANA)
    is_pengawas = (pos >= 1) & (pos <= n_pengawas[ut])
    jab = np.where(is_pengawas, PENGAWAS, jab)
    is_unit_head = pos == 0
    jab = np.where(is_unit_head, head_j[ut], jab)
    heads_opd_unit = units["heads_opd"].to_numpy()
    is_opd_head = is_unit_head & heads_opd_unit[unit_of]

    # raters (regulation.md §1.8): OPD head <- Wali Kota; unit heads <- OPD head;
    # Pengawas <- unit head; others <- one of the unit's Pengawas, else the unit head.
    opd_codes, opd_names = pd.factorize(units["opd"])
    emp_opd = opd_codes[unit_of]
    opd_head_pos = np.full(len(opd_names), -1)
    opd_head_pos[emp_opd[is_opd_head]] = np.flatnonzero(is_opd_head)
    unit_head = starts[unit_of]
    n_pg_unit = np.minimum(n_pengawas[ut], sizes[unit_of] - 1)
    pick = starts[unit_of] + 1 + (rng.random(n_emp) * np.maximum(n_pg_unit, 1)).astype(int)
    rater = np.where(n_pg_unit > 0, pick, unit_head)
    rater = np.where(is_pengawas, unit_head, rater)
    rater = np.where(is_unit_head, opd_head_pos[emp_opd], rater)
    rater = np.where(is_opd_head, -1, rater)
    if (rater[~is_opd_head] < 0).any():
        raise ValueError("profile has an OPD without a head unit")

    # one Python string per employee; rater_id refers to the same string objects
    ids = _employee_ids(n_emp).astype(object)
    rater_id = ids[np.maximum(rater, 0)]
    rater_id[rater < 0] = EXTERNAL_RATER

    d = prof.demographics
    structural = jab <= PENGAWAS

    rumpun_codes, rumpun_uniques = pd.factorize(units["rumpun"], sort=True)
    emp_rumpun = rumpun_codes[unit_of]

    def share(table: dict[str, float]) -> np.ndarray:
        default = table.get("default", 0.0)
        by_code = np.array([table.get(r, default) for r in rumpun_uniques])
        return by_code[emp_rumpun]

    pppk = (~structural) & (rng.random(n_emp) < share(d.pppk_share))
    female = rng.random(n_emp) < share(d.female_share)
    age_mean = (np.where(pppk, d.age.PPPK.mean, d.age.PNS.mean)
                + np.where(jab <= ADMIN, d.age.senior_offset, 0))
    age_sd = np.where(pppk, d.age.PPPK.sd, d.age.PNS.sd)
    age = np.clip(np.rint(age_mean + age_sd * rng.standard_normal(n_emp)), d.age.min, d.age.max)
    age = age.astype(np.int16)
    tn = d.tenure
    max_tenure = np.maximum(age - tn.career_start_age, 0)
    tenure = np.where(pppk, rng.integers(0, tn.pppk_max + 1, n_emp),
                      np.rint(max_tenure * rng.uniform(tn.pns_min_share, 1.0, n_emp)))
    tenure = np.minimum(tenure, max_tenure).astype(np.int16)

    gol = np.zeros(n_emp, dtype=np.int8)
    kelas = np.zeros(n_emp, dtype=np.int8)
    u = rng.random(n_emp)
    for j, name in enumerate(JENIS_JABATAN):
        mask = jab == j
        probs = d.golongan[name]
        cum = np.cumsum([probs.get(g, 0.0) for g in GOLONGAN])
        gol[mask] = np.searchsorted(cum / cum[-1], u[mask], side="right").clip(0, 3)
        kj = d.kelas_jabatan[name]
        lo, hi = (kj, kj) if isinstance(kj, int) else kj
        kelas[mask] = rng.integers(lo, hi + 1, mask.sum())

    lat = prof.latent
    ability = rng.standard_normal(n_emp)
    psm = rng.standard_normal(n_emp)
    rho = lat.effort_psm_correlation
    effort = rho * psm + np.sqrt(1 - rho**2) * rng.standard_normal(n_emp)
    unit_ctx = rng.standard_normal(len(units))[unit_of]
    s = lat.context_unit_share
    context = np.sqrt(s) * unit_ctx + np.sqrt(1 - s) * rng.standard_normal(n_emp)

    cat = ind.default_catalogue()
    plan = _plan(cat, emp_rumpun, list(rumpun_uniques), structural, context, rng)
    employees = pd.DataFrame({
        "employee_id": ids,
        "opd": pd.Categorical.from_codes(emp_opd, categories=list(opd_names)),
        "unit": pd.Categorical.from_codes(unit_of, categories=list(units["unit"])),
        "rater_id": rater_id,
        "jenis_jabatan": pd.Categorical.from_codes(jab, categories=list(JENIS_JABATAN)),
        "rumpun": pd.Categorical.from_codes(emp_rumpun, categories=list(rumpun_uniques)),
        "status": pd.Categorical.from_codes(pppk.astype(np.int8), categories=["PNS", "PPPK"]),
        "golongan": pd.Categorical.from_codes(gol, categories=list(GOLONGAN)),
        "gender": pd.Categorical.from_codes(female.astype(np.int8), categories=["L", "P"]),
        "age": age,
        "tenure_years": tenure,
        "kelas_jabatan": kelas,
        "is_opd_head": is_opd_head,
        "is_unit_head": is_unit_head,
        "latent_ability": ability,
        "latent_effort": effort,
        "latent_psm": psm,
        "latent_context": context,
    }, copy=False)  # the arrays are ours: no consolidation copy
    wf = Workforce(employees=employees, plan=plan, observed=None, source=f"synthetic:{prof.name}",
                   rater_row=rater)
    return _with_observed_period(wf, cat, rng) if observed else wf


def _employee_ids(n: int) -> np.ndarray:
    """Pseudonymous ids E0000001.. built from digit bytes (50x faster than str formatting)."""
    width = max(7, len(str(n)))
    raw = np.empty((n, width + 1), dtype=np.uint8)
    raw[:, 0] = ord("E")
    d = np.arange(1, n + 1, dtype=np.int64)
    for k in range(width, 0, -1):  # last digit first
        raw[:, k] = d % 10 + ord("0")
        d //= 10
    return raw.view(f"S{width + 1}").ravel().astype(f"U{width + 1}")


def _plan(cat: ind.Catalogue, emp_rumpun: np.ndarray, rumpun_names: list[str],
          structural: np.ndarray, context: np.ndarray, rng: np.random.Generator) -> TaskPlan:
    """SKP plans: indicator slots by rumpun (structural posts by unit programme), targets."""
    groups = {"structural": cat.assignment.structural, **cat.assignment.by_rumpun}
    k = max(len(g.utama) + len(g.tambahan) for g in groups.values())
    names = list(groups)
    codes = np.full((len(names), k), -1, dtype=np.int16)
    utama = np.zeros((len(names), k), dtype=bool)
    for gi, g in enumerate(groups.values()):
        listed = g.utama + g.tambahan
        codes[gi, : len(listed)] = [cat.code(x) for x in listed]
        utama[gi, : len(g.utama)] = True
    missing = [r for r in rumpun_names if r not in cat.assignment.by_rumpun]
    if missing:
        raise ValueError(f"rumpun without indicator assignment: {missing}")
    group = np.array([names.index(r) for r in rumpun_names])[emp_rumpun]
    group = np.where(structural, 0, group)
    code = codes[group]
    coef = ind.arrays(cat)
    target = ind.draw_targets(code, context, 0.0, coef, rng)
    time_target = np.where(code >= 0, cat.period_months, np.nan)
    # no cost aspect: one read-only NaN broadcast to (n, K) instead of n * K stored NaNs
    return TaskPlan(indicator=code, target=target, utama=utama[group], time_target=time_target,
                    cost_target=np.broadcast_to(np.nan, code.shape))


def _with_observed_period(wf: Workforce, cat: ind.Catalogue,
                          rng: np.random.Generator) -> Workforce:
    """Attach one period measured under the default raters, as a real file would carry."""
    from kinerja_sim.measurement import draw_period, rater_index

    rp = rt.rater_params_from()
    idx, n_raters = rater_index(wf)
    raters = rt.draw_raters(n_raters, rp, rng)
    observed, _ = draw_period(wf, cat, rp, raters, idx, rng)
    return Workforce(wf.employees, wf.plan, observed, wf.source, rater_row=wf.rater_row)
