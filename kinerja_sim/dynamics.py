"""The multi-period engine: quarterly appraisals with behavioural response, over replications.

Replications are stacked along the employee axis (OPD, unit and rater codes offset per
replication), so each period is one vectorised measurement and one scoring call for all
replications. Random draws come from named streams seeded by (seed, replication, stream)
(:mod:`kinerja_sim.random_streams`): two scenarios run with the same seed share their random
numbers (common random numbers), so their differences are the policy's, not the dice's, and
replication k is the same whatever the number of replications.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kinerja_sim import behaviour as bh
from kinerja_sim import indicators as ind
from kinerja_sim import raters as rt
from kinerja_sim import scoring
from kinerja_sim.incentives import task_weights, valence
from kinerja_sim.measurement import PeriodTruth, draw_period, rater_index
from kinerja_sim.random_streams import replication_streams
from kinerja_sim.scenario import Scenario
from kinerja_sim.schemes.base import Measurements, OrgContext, SchemeResult
from kinerja_sim.workforce.model import EMPLOYEE_COLUMNS, LATENT_COLUMNS, TaskPlan, Workforce

#: Service outputs the city cares about (indicator name -> how to aggregate true output).
SERVICE_OUTPUTS = {
    "waktu_respons_pengaduan": "mean",
    "vaksinasi": "sum",
    "ikm": "mean",
}

#: Per-employee series recorded every period, shape (replications, periods, n).
PANEL_FIELDS = (
    "score", "merit", "predikat", "predikat_raw", "tpp_total", "true_contribution", "effort",
    "effort_unmeasured", "gaming", "resistance", "motivation", "procedural", "distributive",
    "expectancy", "instrumentality", "psm", "understanding",
)


@dataclass
class Simulation:
    """Everything a multi-period run produced.

    ``panel[field]`` has shape ``(replications, periods, n)``; ``service[name]`` has shape
    ``(replications, periods)``; ``flip_rate`` (replications,) is the share of employees whose
    final predikat changes when the final period is re-measured with the same true performance;
    ``final`` is the per-employee result table of replication 0's final period.
    """

    scenario: Scenario
    seed: int
    periods: int
    replications: int
    employees: pd.DataFrame
    labels: tuple[str, ...]
    panel: dict[str, np.ndarray]
    service: dict[str, np.ndarray]
    flip_rate: np.ndarray
    moved: np.ndarray  # (replications, periods) employees moved by the distribution rule
    final: pd.DataFrame


def _tile(a: np.ndarray, r: int) -> np.ndarray:
    return np.concatenate([a] * r, axis=0) if r > 1 else a


def _stacked_workforce(wf: Workforce, r: int) -> Workforce:
    lat = pd.DataFrame({c: _tile(wf.employees[c].to_numpy(), r) for c in LATENT_COLUMNS},
                       copy=False)  # no copy at r == 1
    p = wf.plan
    plan = TaskPlan(*(_tile(x, r) for x in (p.indicator, p.target, p.utama, p.time_target,
                                            p.cost_target)))
    return Workforce(lat, plan, None, wf.source)


def _stacked_org(org: OrgContext, r: int) -> OrgContext:
    if r == 1:
        return org
    n_opd, n_unit = len(org.opd_names), int(org.unit.max()) + 1
    offs = np.repeat(np.arange(r), org.opd.size)
    return OrgContext(
        opd=_tile(org.opd, r) + offs * n_opd, opd_names=org.opd_names * r,
        unit=_tile(org.unit, r) + offs * n_unit, jenis_jabatan=_tile(org.jenis_jabatan, r),
        rumpun=_tile(org.rumpun, r), rumpun_names=org.rumpun_names,
        is_opd_head=_tile(org.is_opd_head, r), kelas_jabatan=_tile(org.kelas_jabatan, r),
        org_predikat=_tile(org.org_predikat, r),
        population=np.repeat(np.arange(r), org.opd.size),
    )


def _rater_traits(z_len: np.ndarray, z_ct: np.ndarray, rp: rt.RaterParams) -> rt.RaterTraits:
    return rt.RaterTraits(rp.leniency_mean + rp.leniency_sd * z_len,
                          np.clip(rp.central_tendency_mean + rp.central_tendency_sd * z_ct,
                                  rp.min_compression, 1.0))


def _trained(rp: rt.RaterParams, ro: bh.Rollout) -> rt.RaterParams:
    t = ro.rater_training
    return rp.model_copy(update={"leniency_sd": rp.leniency_sd * t.leniency_sd_factor,
                                 "leniency_mean": rp.leniency_mean * t.leniency_mean_factor,
                                 "error_sd": rp.error_sd * t.error_factor})


def _slice(m: Measurements, sl: slice) -> Measurements:
    return replace(m, **{f: getattr(m, f)[sl] for f in m.__dataclass_fields__
                         if isinstance(getattr(m, f), np.ndarray)})


def run(wf: Workforce, sc: Scenario, seed: int, periods: int = 8,
        replications: int = 1, *, final_only: bool = False) -> Simulation:
    """Simulate ``periods`` quarterly appraisals with behavioural response.

    ``final_only=True`` (``simulate(..., panel=False)``) skips what nothing else reads: the
    panel and service series (left empty) and the stability re-measurement (``flip_rate`` is
    NaN). The ``final`` table is the same either way.
    """
    if not wf.is_synthetic:
        raise ValueError("behaviour over periods needs a synthetic workforce (latent traits)")
    n, R, P = wf.n, replications, periods
    p, ro, cat = sc.behaviour_params, sc.rollout_params, sc.catalogue
    coef = ind.arrays(cat)
    swf = _stacked_workforce(wf, R)
    base_org = scoring.org_context(wf, sc)
    org = _stacked_org(base_org, R)
    idx0, n_raters = rater_index(wf)
    rng = replication_streams(seed, R, {"raters": n_raters, "measurement": n, "behaviour": n})
    idx = _tile(idx0, R) + np.repeat(np.arange(R), n) * n_raters
    z_len = rng["raters"].standard_normal(R * n_raters)
    z_ct = rng["raters"].standard_normal(R * n_raters)

    code = swf.plan.indicator
    present = code >= 0
    manip = np.where(present, coef.manipulability[np.where(present, code, 0)], 0.0)
    weights = _tile(task_weights(sc, wf.plan, base_org), R)
    val = _tile(valence(sc, wf, base_org), R)
    in_pilot = np.isin(np.asarray(base_org.opd_names)[base_org.opd], ro.pilot.opds) \
        if ro.pilot.opds else np.ones(n, bool)
    in_pilot = _tile(in_pilot, R)
    baseline_effort = swf.latent("effort")
    state = bh.initial_state(swf.latent("psm"),
                             (swf.latent("ability") + baseline_effort) / np.sqrt(2),  # truth z
                             p, ro, rng["behaviour"], sc.understanding.value)
    n_rumpun = len(base_org.rumpun_names)
    response = _tile(p.incentive_response.for_rumpun(base_org.rumpun_names)[base_org.rumpun], R)
    rgroup = np.repeat(np.arange(R), n) * n_rumpun + org.rumpun
    reliability = np.full(R * n, p.expectancy.prior)

    panel = {} if final_only else {f: np.empty((R, P, n)) for f in PANEL_FIELDS}
    service = {} if final_only else {k: np.full((R, P), np.nan) for k in SERVICE_OUTPUTS}
    moved = np.zeros((R, P), dtype=np.int64)
    last = None
    for t in range(P):
        rp = sc.rater_params
        if ro.rater_training.enabled and t >= ro.rater_training.start_period:
            rp = _trained(rp, ro)
        traits = _rater_traits(z_len, z_ct, rp)
        consistency = float(np.clip(1 - rp.leniency_sd / p.justice.reference_leniency_sd, 0, 1))
        exposed = (in_pilot | (t >= ro.pilot.full_rollout_period)).astype(float)
        resp = bh.respond(state, baseline_effort=baseline_effort, weights=weights,
                          present=present, manipulability=manip, valence=val,
                          accuracy=reliability, rater_consistency=consistency, exposed=exposed,
                          period=t, p=p, ro=ro, incentive_response=response)
        dq = _data_quality(resp.resistance, p, ro)
        # final_only: what is never read again is freed before measuring / scoring (the peak
        # memory of a national run)
        if final_only and t == P - 1:
            state = weights = manip = val = reliability = exposed = z_len = z_ct = None
        m, truth = draw_period(swf, cat, rp, traits, idx, rng["measurement"], effort=resp.effort,
                               gaming=resp.gaming, ambition=sc.spec.target_ambition, dq=dq,
                               coef=coef, effort_unmeasured=resp.effort_unmeasured)
        if final_only and t == P - 1:
            resp = None
        result, allowance = scoring.score_period(m, org, sc)
        moved[:, t] = (result.predikat != result.predikat_raw).reshape(R, n).sum(axis=1)
        last = (m, truth, result, allowance, resp, rp, traits, dq)
        if not final_only:
            _record(panel, t, R, n, result, allowance, truth, resp, state, present)
            _record_service(service, t, R, n, cat, code, truth)
        if t == P - 1:
            break  # beliefs learnt from the last appraisal are never used

        rel = bh.group_corr(result.merit, truth.contribution, rgroup, R * n_rumpun)
        reliability = np.nan_to_num(rel, nan=p.expectancy.prior)[rgroup]
        instr = bh.group_corr(result.merit, allowance["tpp_total"], rgroup, R * n_rumpun)[rgroup]
        received = bh.mid_percentile(result.predikat.astype(np.int64), rgroup, R * n_rumpun)
        bh.learn(state, reliability=reliability, instrumentality=instr, received_pct=received,
                 response=resp, p=p)

    m, truth, result, allowance, resp, rp, traits, dq = last
    del last, state
    if final_only:
        flips = np.full(R, np.nan)
    else:
        m2, _ = draw_period(swf, cat, rp, traits, idx, rng["measurement"], effort=resp.effort,
                            gaming=resp.gaming, ambition=sc.spec.target_ambition, dq=dq,
                            coef=coef, effort_unmeasured=resp.effort_unmeasured)
        result2, _ = scoring.score_period(m2, org, sc)
        flips = (result2.predikat != result.predikat).reshape(R, n).mean(axis=1)
        del m2, result2

    first = slice(0, n)
    res0 = SchemeResult(labels=result.labels, predikat=result.predikat[first],
                        predikat_raw=result.predikat_raw[first], score=result.score[first],
                        merit=result.merit[first],
                        rating_hasil=None if result.rating_hasil is None
                        else result.rating_hasil[first],
                        rating_perilaku=None if result.rating_perilaku is None
                        else result.rating_perilaku[first],
                        extra={k: v[first] for k, v in result.extra.items()},
                        adjustment=result.adjustment)
    truth0 = PeriodTruth(truth.performance[first], truth.output[first], truth.behaviour[first],
                         truth.contribution[first])
    final = scoring.results_frame(wf, _slice(m, first), res0,
                                  {k: v[first] for k, v in allowance.items()}, truth0, sc, seed)
    return Simulation(scenario=sc, seed=seed, periods=P, replications=R,
                      employees=wf.employees[list(EMPLOYEE_COLUMNS)],
                      labels=result.labels, panel=panel, service=service, flip_rate=flips,
                      moved=moved, final=final)


def _data_quality(resistance: np.ndarray, p: bh.Params, ro: bh.Rollout) -> ind.DataQualityShifts:
    """Resistance degrades reporting; audits prevent inflation."""
    worse = 1 + p.resistance.data_quality_multiplier * resistance
    inflated = max(0.0, 1 - ro.audit.inflation_reduction * ro.audit.probability)
    return ind.DataQualityShifts(missing=worse, mis_entered=worse, inflated=inflated)


def _record(panel, t, R, n, result, allowance, truth, resp, state, present) -> None:
    def put(name, values):
        panel[name][:, t, :] = np.asarray(values, dtype=np.float64).reshape(R, n)

    put("score", result.score)
    put("merit", result.merit)
    put("predikat", result.predikat)
    put("predikat_raw", result.predikat_raw)
    put("tpp_total", allowance["tpp_total"])
    put("true_contribution", truth.contribution)
    slots = present.sum(axis=1)
    put("effort", np.nansum(resp.effort, axis=1) / np.maximum(slots, 1))
    put("effort_unmeasured", resp.effort_unmeasured)
    put("gaming", resp.gaming.sum(axis=1) / np.maximum(slots, 1))
    put("resistance", resp.resistance)
    put("motivation", resp.motivation)
    put("procedural", resp.procedural)
    put("distributive", state.distributive)
    put("expectancy", state.expectancy)
    put("instrumentality", state.instrumentality)
    put("psm", state.psm)
    put("understanding", state.understanding)


def _record_service(service, t, R, n, cat, code, truth) -> None:
    for name, how in SERVICE_OUTPUTS.items():
        if name not in cat.indicators:
            continue
        hit = code == cat.code(name)
        vals = np.where(hit, truth.output, 0.0).reshape(R, n, -1).sum(axis=(1, 2))
        cnt = hit.reshape(R, n, -1).sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            service[name][:, t] = vals if how == "sum" else vals / cnt
