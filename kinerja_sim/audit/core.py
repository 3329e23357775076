"""``kinerja_sim.audit(workforce)``: the data-quality and rater audit as tables.

The audit reads only what a real file holds (no latent trait, no re-measurement), so it runs
the same on a loaded file and on a synthetic workforce's observed period. It returns tables,
not a report: :mod:`kinerja_sim.audit.report` turns them into HTML and xlsx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kinerja_sim.audit import quality
from kinerja_sim.audit.common import pseudonyms, results_index, slots
from kinerja_sim.audit.curve import curve_check
from kinerja_sim.audit.raters import RaterFit, fit_raters, rater_flags
from kinerja_sim.provenance import workforce_hash
from kinerja_sim.scenario import Scenario, find_scenario, load_scenario
from kinerja_sim.workforce.model import Workforce

#: Columns of :attr:`AuditResult.flags`.
FLAG_COLUMNS = ("check", "opd", "unit", "indicator", "who", "n", "share", "base", "value",
                "target", "low", "high")


@dataclass
class AuditResult:
    """Tables of one audit. Raters and employees appear only as pseudonyms; ``rater_key``
    (pseudonym -> the workforce's own rater id) is for ``--key`` and never for a report."""

    quality_opd: pd.DataFrame
    quality_indicator: pd.DataFrame
    behaviour_opd: pd.DataFrame
    raters: pd.DataFrame
    rater_summary: dict[str, float]
    curve: pd.DataFrame
    predikat_labels: tuple[str, ...]
    flags: pd.DataFrame
    rater_key: pd.DataFrame = field(repr=False)
    key: str = ""
    n: int = 0


def audit(workforce: Workforce, scenario: Scenario | str = "status_quo") -> AuditResult:
    """Audit ``workforce``'s observed data (data quality, raters, SE 03/2023 curve)."""
    wf = workforce
    if wf.observed is None:
        raise ValueError("audit needs a workforce with observed data (a loaded file)")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(find_scenario(scenario))
    key = workforce_hash(wf)
    emp = quality.employee_pseudonyms(wf, key)
    sl = slots(wf, sc.catalogue)

    q_opd, q_ind, flags = quality.missing_and_heaping(sl)
    bad_by_opd, bad_by_ind, implausible_flags = quality.implausible(sl, emp)
    q_opd["implausible"] = bad_by_opd.reindex(q_opd.index).fillna(0).astype(int)
    q_ind["implausible"] = bad_by_ind.reindex(q_ind.index).fillna(0).astype(int)
    flags += implausible_flags
    flags += quality.copied(sl)
    beh_opd, straight = quality.straight_lined(wf, emp)
    flags += straight

    raters, summary, rater_fl, rkey = _raters(wf, sl, key)
    flags += rater_fl
    curve, labels = curve_check(wf, sc)
    for opd, row in curve.loc[~curve["curve_ok"]].iterrows():
        flags.append({"check": "curve", "opd": opd, "n": int(row["n"]),
                      "value": float(row["to_move"])})
    fl = pd.DataFrame(flags, columns=list(FLAG_COLUMNS))
    return AuditResult(quality_opd=q_opd, quality_indicator=q_ind, behaviour_opd=beh_opd,
                       raters=raters, rater_summary=summary, curve=curve,
                       predikat_labels=labels, flags=fl, rater_key=rkey, key=key, n=wf.n)


def _raters(wf: Workforce, sl, key: str):
    e = wf.employees
    y = np.asarray(wf.observed.perilaku, dtype=float).mean(axis=1)
    x = results_index(sl, wf.n)
    codes, uniques = pd.factorize(e["rater_id"].astype(str))
    fit: RaterFit = fit_raters(y, x, codes)
    t = fit.table
    rater_ids = np.asarray(uniques, dtype=object)
    t.insert(0, "rater", pseudonyms(rater_ids, key, "PN"))
    first = pd.Series(np.arange(wf.n)).groupby(codes).first().to_numpy()
    t.insert(1, "opd", e["opd"].astype(str).to_numpy()[first])
    fl = rater_flags(fit)
    t = pd.concat([t, fl], axis=1)
    flags = []
    for kind in ("lenient", "severe", "compressed"):
        for r in t.loc[t[kind]].itertuples():
            lo, hi = ((r.spread_lo, r.spread_hi) if kind == "compressed"
                      else (r.leniency_lo, r.leniency_hi))
            flags.append({"check": f"rater_{kind}", "opd": r.opd, "who": r.rater,
                          "n": int(r.n), "value": float(r.spread_ratio if kind == "compressed"
                                                        else r.leniency),
                          "low": float(lo), "high": float(hi)})
    summary = {"raters": float(len(t)), "beta": fit.beta, "tau": float(np.sqrt(fit.tau2)),
               "sigma": float(np.sqrt(fit.sigma2)), "rater_share": fit.rater_share,
               "mean_rating": float(y.mean())}
    rkey = pd.DataFrame({"pseudonym": t["rater"], "rater_id": rater_ids})
    return t, summary, flags, rkey
