"""Scoring one appraisal period: organisation codes, the scheme and TPP, the result table.

The lowest layer both the one-period :mod:`kinerja_sim.simulate` entry point and the multi-period
engine :mod:`kinerja_sim.dynamics` stand on, so neither imports the other's helpers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja_sim._blocks import row_blocks
from kinerja_sim.measurement import PeriodTruth
from kinerja_sim.random_streams import STREAMS, streams  # noqa: F401  (re-exported)
from kinerja_sim.scenario import Scenario
from kinerja_sim.schemes import get_scheme, tpp
from kinerja_sim.schemes.base import (
    JENIS_JABATAN,
    RATING_LEVELS,
    Measurements,
    OrgContext,
    SchemeResult,
)
from kinerja_sim.workforce.model import EMPLOYEE_COLUMNS, Workforce


def codes_of(series: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes and names of a categorical-like column (no copy for categoricals)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), tuple(str(c) for c in series.cat.categories)
    codes, uniques = pd.factorize(series, sort=True)
    return codes, tuple(str(u) for u in uniques)


def org_context(wf: Workforce, scenario: Scenario) -> OrgContext:
    e = wf.employees
    opd, opd_names = codes_of(e["opd"])
    # unit names repeat across OPDs in real files ("Sekretariat"): key units on (opd, unit)
    unit_col = e["unit"]  # (only the codes: naming 180k national units takes a while)
    unit_in_opd = unit_col.cat.codes.to_numpy() \
        if isinstance(unit_col.dtype, pd.CategoricalDtype) else codes_of(unit_col)[0]
    unit = pd.factorize(opd.astype(np.int64) * (int(unit_in_opd.max()) + 1) + unit_in_opd)[0]
    rumpun, rumpun_names = codes_of(e["rumpun"])
    jab = pd.Categorical(e["jenis_jabatan"], categories=JENIS_JABATAN).codes
    return OrgContext(
        opd=opd, opd_names=opd_names, unit=unit, jenis_jabatan=np.asarray(jab),
        rumpun=rumpun, rumpun_names=rumpun_names,
        is_opd_head=e["is_opd_head"].to_numpy(dtype=bool),
        kelas_jabatan=e["kelas_jabatan"].to_numpy(),
        org_predikat=np.array(scenario.org_predikat_codes(opd_names), dtype=np.int8),
    )


def score_period(m: Measurements, org: OrgContext, scenario: Scenario
                 ) -> tuple[SchemeResult, dict[str, np.ndarray]]:
    scheme = get_scheme(scenario.spec.scheme.name)
    result = scheme.score(m, org, scenario.scheme_params)
    allowance = tpp.compute(result.predikat, m, org, scenario.tpp_params)
    return result, allowance


def results_frame(wf: Workforce, m: Measurements, result: SchemeResult,
                  allowance: dict[str, np.ndarray], truth: PeriodTruth | None, sc: Scenario,
                  seed: int) -> pd.DataFrame:
    """Assemble the per-employee result table (no latent trait, no NIP, no name)."""
    cols: dict[str, object] = {c: wf.employees[c] for c in EMPLOYEE_COLUMNS}
    empty = len(m.indicator_names)  # an empty slot (-1) is the category ""
    for k in range(m.indicator.shape[1]):
        code = m.indicator[:, k]
        cols[f"iki{k + 1}_indikator"] = pd.Categorical.from_codes(
            np.where(code >= 0, code, empty), categories=[*m.indicator_names, ""])
        # copies: contiguous columns that never alias the caller's (n, K) arrays
        cols[f"iki{k + 1}_target"] = m.target[:, k].copy()
        cols[f"iki{k + 1}_realisasi"] = m.realisation[:, k].copy()
    cols["perilaku_mean"] = m.perilaku.mean(axis=1)
    if result.rating_hasil is not None:
        cols["rating_hasil_kerja"] = pd.Categorical.from_codes(result.rating_hasil,
                                                               categories=list(RATING_LEVELS))
    if result.rating_perilaku is not None:
        cols["rating_perilaku"] = pd.Categorical.from_codes(result.rating_perilaku,
                                                            categories=list(RATING_LEVELS))
    cols["score"] = result.score
    for key, value in result.extra.items():
        cols[key] = value
    cols["predikat_code"] = result.predikat.astype(np.int8)
    cols["predikat"] = pd.Categorical.from_codes(result.predikat, categories=list(result.labels),
                                                 ordered=True)
    cols["predikat_raw"] = pd.Categorical.from_codes(result.predikat_raw,
                                                     categories=list(result.labels), ordered=True)
    cols["moved_by_distribution"] = result.predikat != result.predikat_raw
    for key, value in allowance.items():
        cols[key] = value
    if truth is not None:
        cols["sim_true_contribution"] = truth.contribution
        results = np.empty(len(truth.contribution))
        for b in row_blocks(results.size):  # no full-size temporaries
            results[b] = np.nanmean(truth.performance[b], axis=1)
        cols["sim_true_results"] = results
        cols["sim_true_behaviour"] = truth.behaviour
    df = pd.DataFrame(cols, copy=False)  # one block per column: no consolidation copy
    df.attrs.update(scenario=sc.name, scenario_hash=sc.hash, seed=seed,
                    scheme=sc.spec.scheme.name, adjustment=result.adjustment)
    return df
