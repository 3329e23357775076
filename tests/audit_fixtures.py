"""Synthetic files for the audit tests: one honest, one with planted problems (known where)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kinerja_sim.scenario import load_scenario
from kinerja_sim.workforce.model import Workforce
from kinerja_sim.workforce.observed import ObservedTruth, observed_file

HEAPING_OPD = "Dinas Perhubungan"


@dataclass
class Planted:
    wf: Workforce
    truth: ObservedTruth
    lenient_rater: str  # workforce rater_id
    straight: np.ndarray  # employee rows
    copied_unit: str
    copied_indicator: str
    heaping_opd: str = HEAPING_OPD


def honest(seed: int = 11, scenario: str = "status_quo") -> tuple[Workforce, ObservedTruth]:
    return observed_file("binjai", load_scenario(scenario), seed=seed)


def planted(seed: int = 11) -> Planted:
    wf, truth = honest(seed)
    m = wf.observed
    e = wf.employees
    rng = np.random.default_rng(seed)
    perilaku = np.array(m.perilaku, dtype=float)
    real = np.array(m.realisation, dtype=float)
    rater = e["rater_id"].to_numpy(dtype=object)

    # 1. one supervisor rating +2 SD (of employee mean ratings) above what they would give
    team = e.groupby("rater_id").size()
    typical = (truth.rater_leniency - truth.rater_leniency.median()).abs() < 1.0
    candidates = [r for r in team.index[(team >= 10) & (team <= 25)]
                  if r != "WALIKOTA" and typical.get(r, False)]
    lenient = candidates[0]
    sd = perilaku.mean(axis=1).std()
    rows = rater == lenient
    perilaku[rows] = np.minimum(perilaku[rows] + 2 * sd, 100.0)

    # 2. thirty straight-lined employees (outside that team)
    pool = np.flatnonzero(~rows)
    straight = rng.choice(pool, 30, replace=False)
    perilaku[straight] = np.round(perilaku[straight].mean(axis=1, keepdims=True))

    # 3. one unit whose employees all report the same realisation on its main indicator
    code = np.asarray(m.indicator)
    unit = e["unit"].astype(str).to_numpy()
    sizes = e.groupby("unit", observed=True).size()
    target_unit = next(u for u in sizes.index[sizes >= 8]
                       if str(u).startswith("Dinas Pendidikan / Sekolah"))
    in_unit = unit == str(target_unit)
    ind_code = int(np.bincount(code[in_unit][code[in_unit] >= 0]).argmax())
    hit = in_unit[:, None] & (code == ind_code)
    real[hit] = np.nanmedian(real[hit])

    # 4. heaping at target in one OPD: half its reported slots set exactly to the target
    opd = e["opd"].astype(str).to_numpy()
    slots = (opd == HEAPING_OPD)[:, None] & (code >= 0) & ~np.isnan(real)
    r_idx, c_idx = np.nonzero(slots)
    pick = rng.random(r_idx.size) < 0.5
    real[r_idx[pick], c_idx[pick]] = np.asarray(m.target)[r_idx[pick], c_idx[pick]]

    obs = replace(m, perilaku=perilaku, realisation=real)
    wf2 = Workforce(wf.employees, wf.plan, obs, wf.source, wf.rater_row)
    return Planted(wf2, truth, lenient, straight, str(target_unit),
                   m.indicator_names[ind_code])
