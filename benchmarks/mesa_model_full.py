"""The kinerja_sim model as a straightforward Mesa 3 ABM in which every agent measures itself.

This is the "straightforward" baseline of ``benchmarks/dynamics.py`` (``speedup_vs_mesa``): the
agent-based model a typical Mesa user would write, where each ``Employee.step()`` does its own
behaviour response *and* its own measurement for the period in plain Python, drawing its own
random numbers. Compare ``benchmarks/mesa_model.py`` (``BehaviourModel``), where only the
behaviour layer is per agent and measurement is done at model level with the package's
vectorised functions on common random numbers.

Per agent (:class:`FullEmployee`, one per employee and replication):

* ``step()`` = the behaviour response of :class:`mesa_model.Employee` (inherited unchanged:
  sosialisasi, procedural justice, resistance, E x I x V, the effort solve mu = C^-1 a, gaming,
  effort, motivation), then :meth:`FullEmployee.measure`, which follows the equations of
  ``measurement.draw_period`` / ``indicators.measure`` / ``indicators.draw_attendance`` /
  ``indicators.draw_innovation`` / ``raters.rate_values`` / ``raters.rate_quality`` for this one
  employee in Python scalars: true performance per IKI slot (ability and effort drivers), the
  reported realisation (log-ratio signal with context and noise, gaming, data-quality failures
  -- missing, mis-entered x10 or /10, inflated -- raised by the agent's resistance and lowered
  by audits), the scored target (plan target shifted by the scenario's ambition), true
  behaviour, the 7 BerAKHLAK ratings from its rater's leniency and central tendency plus halo
  and error (plus peer raters if ``sources > 1``), the PP 46 quality judgement and time
  realisation per slot, Poisson absences and late arrivals, the innovation condition, and its
  true contribution.
* ``learn()`` = :meth:`mesa_model.Employee.learn` (inherited unchanged).
* Random numbers: scalar draws from the model's numpy Generator (``self.model.rng``, Mesa 3's
  seeded per-model generator; ``mesa.Model(seed=seed)``), in whatever order the agents are
  activated. Mesa's ``model.random`` shuffles the activation order. So the random streams differ
  from the engine's and agreement with it is statistical (``benchmarks/dynamics.py``).

Model level (:class:`FullBehaviourModel`), shared with the engine and said so:

* Scoring: the agents' measured data are gathered into a ``Measurements`` and scored with the
  package's vectorised scheme and TPP rules (``simulate.score_period``): the scheme, the
  SE 03/2023 distribution curve and the TPP table are organisation-level rules (a ranking over
  OPDs and units), not employee behaviour.
* Group statistics (within rumpun and replication: the scheme's reliability, how TPP followed
  merit, each employee's mid-rank percentile) with ``behaviour.group_corr`` /
  ``mid_percentile``, handed back to the agents before they learn.
* Per-rater traits: the raters' standardised leniency / central-tendency deviates are drawn
  once (model rng) and turned into leniency / compression each period (rater training changes
  them); agents look up their rater's.
* Setup reuses the engine's helpers for the deterministic inputs (task weights, valence, pilot
  OPDs, stacked organisation codes for scoring).

Not mirrored (as in ``BehaviourModel``): the engine's final flip-rate re-measurement and its
results table; they make the engine's timed run a little longer, so the ratio is conservative.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from types import SimpleNamespace

import mesa
import numpy as np
from mesa_model import Employee, ModelLevelLearning, _clip, _ndtr  # benchmarks/ is on sys.path

from kinerja_sim import dynamics as dyn
from kinerja_sim import indicators as ind
from kinerja_sim.incentives import task_weights, valence
from kinerja_sim.measurement import rater_index
from kinerja_sim.scenario import Scenario
from kinerja_sim.schemes.base import BERAKHLAK, Measurements
from kinerja_sim.scoring import org_context, score_period
from kinerja_sim.workforce.model import Workforce

N_VALUES = len(BERAKHLAK)
_NAN = math.nan


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One catalogue indicator's measurement coefficients (defaults filled in)."""

    higher: bool
    sensitivity: float
    noise_sd: float
    context: float
    manipulability: float
    max_value: float
    drive_ability: float
    drive_effort: float
    missing: float
    mis_entered: float
    inflated: float
    inflation_factor: float


def indicator_specs(cat: ind.Catalogue) -> list[IndicatorSpec]:
    c = ind.arrays(cat)
    return [IndicatorSpec(bool(c.higher_is_better[i]), float(c.sensitivity[i]),
                          float(c.noise_sd[i]), float(c.context[i]),
                          float(c.manipulability[i]), float(c.max_value[i]),
                          float(c.drive_ability[i]), float(c.drive_effort[i]),
                          float(c.missing[i]), float(c.mis_entered[i]), float(c.inflated[i]),
                          float(c.inflation_factor[i]))
            for i in range(len(cat.names))]


class FullEmployee(Employee):
    """One employee in one replication: behaviour (inherited) and its own measurement."""

    def __init__(self, model: FullBehaviourModel, row: int, *, ability: float, context: float,
                 codes: list[int], plan_target: list[float], time_target: list[float],
                 rater: int, **behaviour) -> None:
        super().__init__(model, row, **behaviour)
        self.ability = ability
        self.context = context
        self.rater = rater
        specs = model.specs
        amb = model.sc.spec.target_ambition
        # the agent's IKI slots: (slot, indicator, neutral plan target, time target)
        self.slots = [(k, specs[c], plan_target[k], time_target[k])
                      for k, c in enumerate(codes) if c >= 0]
        # the target the scheme scores against: plan target shifted by the scenario's ambition
        self.scored_target = [_NAN] * len(codes)
        for k, s, tgt, _ in self.slots:
            self.scored_target[k] = min(tgt * math.exp(amb if s.higher else -amb), s.max_value)
        ib = model.cat.innovation
        self.innovation_p = 1.0 / (1.0 + math.exp(
            -(math.log(ib.base_rate / (1 - ib.base_rate)) + ib.ability_logit * ability)))
        # filled by measure()
        self.realisation: list[float] = []
        self.output: list[float] = []
        self.quality: list[float] = []
        self.time_realisation: list[float] = []
        self.perilaku: list[float] = []
        self.late: list[int] = []
        self.days_absent = 0
        self.innovation = False
        self.true_contribution = 0.0

    def step(self) -> None:
        super().step()  # behaviour: effort and gaming per slot, resistance, ...
        self.measure()

    def measure(self) -> None:
        """This period's e-Kinerja record and ratings of this employee, and its true
        contribution (``measurement.draw_period`` for one employee)."""
        m = self.model
        rp, cat = m.rp, m.cat
        gain = cat.gaming.gain
        rng = m.rng
        normal, uniform = rng.standard_normal, rng.random
        k_slots = len(self.weights)
        ability, context, effort = self.ability, self.context, self.effort

        # IKI realisations (indicators.true_performance + indicators.measure)
        worse = 1.0 + m.dq_multiplier * self.resistance  # resistance degrades reporting
        shift_inf = m.dq_inflated
        real, out, perf = [_NAN] * k_slots, [_NAN] * k_slots, [_NAN] * k_slots
        for k, s, target, _ in self.slots:
            pk = s.drive_ability * ability + s.drive_effort * effort[k]
            perf[k] = pk
            signal = s.sensitivity * (pk - s.context * context + s.noise_sd * normal())
            out[k] = min(target * math.exp(signal if s.higher else -signal), s.max_value)
            gamed = signal + self.gaming[k] * s.manipulability * gain
            r = target * math.exp(gamed if s.higher else -gamed)
            u = uniform()  # one uniform per slot: exclusive failure bands
            p_miss = _clip(s.missing * worse, 0.0, 1.0)
            p_mis = _clip(s.mis_entered * worse, 0.0, 1.0)
            p_inf = _clip(s.inflated * shift_inf, 0.0, 1.0)
            coin = uniform()  # direction of a mis-entry
            if u < p_miss:
                r = _NAN  # not reported
            elif u < p_miss + p_mis:
                r = min(r * (10.0 if coin < 0.5 else 0.1), s.max_value)
            elif u < p_miss + p_mis + p_inf:
                r = min(r * s.inflation_factor if s.higher else r / s.inflation_factor,
                        s.max_value)
            else:
                r = min(r, s.max_value)
            real[k] = r
        n_present = len(self.slots)
        mean_effort = (sum(effort[k] for k, *_ in self.slots) / n_present if n_present
                       else _NAN)

        # true behaviour and the 7 BerAKHLAK ratings (raters.true_behaviour, rate_values)
        w = rp.true_behaviour
        beh = (w.ability * ability + w.effort * mean_effort + w.psm * self.psm0) / m.beh_norm
        perilaku = self._ratings(beh, self.rater)
        if rp.sources > 1:  # peers and subordinates: random other raters, averaged
            n_r = len(m.leniency)
            for _ in range(rp.sources - 1):
                extra = self._ratings(beh, int(rng.integers(0, n_r)))
                perilaku = [a + b for a, b in zip(perilaku, extra, strict=True)]
            perilaku = [v / rp.sources for v in perilaku]

        # PP 46 quality judgement and time realisation per slot (raters.rate_quality)
        lenient, comp = m.leniency[self.rater], m.compression[self.rater]
        pps, err_sd = rp.points_per_sd, rp.error_sd
        halo = rp.halo_sd * normal()
        ta = cat.time_aspect
        quality, time_real = [_NAN] * k_slots, [_NAN] * k_slots
        for k, _, _, time_target in self.slots:
            q = rp.quality_center + lenient + comp * pps * (perf[k] + halo + err_sd * normal())
            quality[k] = _clip(q, 0.0, 100.0)
            time_real[k] = time_target * math.exp(-ta.performance_elasticity * perf[k]
                                                  + ta.noise_sd * normal())

        # attendance (Poisson) and the innovation condition
        att = cat.attendance
        scale = math.exp(-att.effort_elasticity * mean_effort)
        self.days_absent = min(int(rng.poisson(att.absent_days_mean * scale)), att.working_days)
        self.late = [int(rng.poisson(lm * scale)) for lm in att.late_mean]
        self.innovation = uniform() < self.innovation_p

        # true contribution (simulation-only truth)
        tc = cat.true_contribution
        results = sum(perf[k] for k, *_ in self.slots) / n_present if n_present else _NAN
        self.true_contribution = (tc.results * results + tc.behaviour * beh
                                  + tc.unmeasured * self.effort_unmeasured)
        self.realisation, self.output = real, out
        self.quality, self.time_realisation, self.perilaku = quality, time_real, perilaku

    def _ratings(self, beh: float, rater: int) -> list[float]:
        """One rater's 0..100 ratings of the 7 values (``raters.rate_values``): the true
        value-specific behaviour, the rater's leniency and compression, halo and error."""
        m = self.model
        rp = m.rp
        normal = m.rng.standard_normal
        base = rp.center + m.leniency[rater]
        scale = m.compression[rater] * rp.points_per_sd
        vs_sd, err_sd = rp.value_specific_sd, rp.error_sd
        halo = rp.halo_sd * normal()
        return [_clip(base + scale * (beh + vs_sd * normal() + halo + err_sd * normal()),
                      0.0, 100.0)
                for _ in range(N_VALUES)]


class FullBehaviourModel(ModelLevelLearning, mesa.Model):
    """``replications`` stacked copies of the workforce, one :class:`FullEmployee` each."""

    def __init__(self, wf: Workforce, sc: Scenario, seed: int, periods: int = 8,
                 replications: int = 1) -> None:
        super().__init__(seed=seed)
        if not wf.is_synthetic:
            raise ValueError("behaviour over periods needs a synthetic workforce")
        n, R = wf.n, replications
        self.n, self.R, self.P = n, R, periods
        self.sc, self.p, self.ro, self.cat = sc, sc.behaviour_params, sc.rollout_params, \
            sc.catalogue
        self.rp = sc.rater_params
        self.specs = indicator_specs(self.cat)
        normal, uniform = self.rng.standard_normal, self.rng.random

        # raters: one standardised leniency and central-tendency deviate per rater (the
        # employees who rate, plus the external rater), per replication
        idx0, n_raters = rater_index(wf)
        self.z_len = [normal() for _ in range(R * n_raters)]
        self.z_ct = [normal() for _ in range(R * n_raters)]
        self.leniency: list[float] = []
        self.compression: list[float] = []
        rater_of = (dyn._tile(idx0, R) + np.repeat(np.arange(R), n) * n_raters).tolist()

        # deterministic inputs (engine helpers), stacked per replication
        self.swf = swf = dyn._stacked_workforce(wf, R)
        base_org = org_context(wf, sc)
        self.org = dyn._stacked_org(base_org, R)
        plan = swf.plan
        self.code = plan.indicator
        self.present = self.code >= 0
        coef = ind.arrays(self.cat)
        manip = np.where(self.present,
                         coef.manipulability[np.where(self.present, self.code, 0)], 0.0)
        weights = dyn._tile(task_weights(sc, wf.plan, base_org), R)
        val = dyn._tile(valence(sc, wf, base_org), R)
        ro, j = self.ro, self.p.justice
        in_pilot = np.isin(np.asarray(base_org.opd_names)[base_org.opd], ro.pilot.opds) \
            if ro.pilot.opds else np.ones(n, bool)
        in_pilot = dyn._tile(in_pilot, R)

        response = dyn._tile(self.p.incentive_response.for_rumpun(base_org.rumpun_names)
                             [base_org.rumpun], R)
        self.employees: list[FullEmployee] = []  # row order, for gathering arrays
        for i, (ab, ef, ps, cx, codes, tgt, tt, wts, pres, mp, v, pil, rater, rs) in enumerate(
                zip(swf.latent("ability").tolist(), swf.latent("effort").tolist(),
                    swf.latent("psm").tolist(), swf.latent("context").tolist(),
                    self.code.tolist(), plan.target.tolist(), plan.time_target.tolist(),
                    weights.tolist(), self.present.tolist(), manip.tolist(), val.tolist(),
                    in_pilot.tolist(), rater_of, response.tolist(), strict=True)):
            # the random part of behaviour.initial_state, per agent
            truth_z = (ab + ef) / math.sqrt(2)
            self_view = _ndtr(truth_z + j.self_view_bias_sd + j.self_view_noise_sd * normal())
            covered = uniform() < ro.sosialisasi.coverage
            self.employees.append(FullEmployee(
                self, i, ability=ab, context=cx, codes=codes, plan_target=tgt, time_target=tt,
                rater=rater, baseline_effort=ef, weights=wts, present=pres, manipulability=mp,
                valence=v, in_pilot=pil, psm=ps, self_view=self_view, covered=covered,
                incentive_response=rs))

        # what does not change between periods: gathered once from the agents / their plans
        self.target = np.array([a.scored_target for a in self.employees], dtype=np.float64)
        self.higher = np.where(self.present,
                               coef.higher_is_better[np.where(self.present, self.code, 0)], True)
        self.no_cost = np.full(self.code.shape, np.nan)

        self.n_rumpun = len(base_org.rumpun_names)
        self.rgroup = np.repeat(np.arange(R), n) * self.n_rumpun + self.org.rumpun
        self.period = 0
        self.consistency = 0.0
        self.dq_multiplier = self.p.resistance.data_quality_multiplier
        self.dq_inflated = max(0.0, 1 - ro.audit.inflation_reduction * ro.audit.probability)
        self.beh_norm = 1.0
        self.panel = {f: np.empty((R, periods, n)) for f in dyn.PANEL_FIELDS}
        self.service = {k: np.full((R, periods), np.nan) for k in dyn.SERVICE_OUTPUTS}
        self.moved = np.zeros((R, periods), dtype=np.int64)
        #: wall time of the per-agent layer (agent steps incl. measurement, learn, gathering and
        #: handing back) and of the shared model level (scoring, group statistics), seconds
        self.time_agents_s = 0.0
        self.time_model_s = 0.0

    def _set_raters(self) -> None:
        """This period's rater parameters (rater training) and each rater's traits."""
        rp, ro = self.sc.rater_params, self.ro
        if ro.rater_training.enabled and self.period >= ro.rater_training.start_period:
            rp = dyn._trained(rp, ro)
        self.rp = rp
        lm, ls = rp.leniency_mean, rp.leniency_sd
        cm, cs, lo = rp.central_tendency_mean, rp.central_tendency_sd, rp.min_compression
        self.leniency = [lm + ls * z for z in self.z_len]
        self.compression = [_clip(cm + cs * z, lo, 1.0) for z in self.z_ct]
        w = rp.true_behaviour
        self.beh_norm = math.sqrt(w.ability**2 + w.effort**2 + w.psm**2)
        self.consistency = _clip(1 - rp.leniency_sd / self.p.justice.reference_leniency_sd,
                                 0.0, 1.0)

    def _gather(self, attr: str, dtype=np.float64) -> np.ndarray:
        return np.array([getattr(a, attr) for a in self.employees], dtype=dtype)

    def step(self) -> None:
        """One quarterly appraisal: agents respond and measure themselves, the model scores,
        agents learn."""
        t = self.period
        t0 = time.perf_counter()
        self._set_raters()
        self.agents.shuffle_do("step")  # respond + measure (order does not matter)
        m = Measurements(
            indicator=self.code, indicator_names=self.cat.names, target=self.target,
            realisation=self._gather("realisation"), higher_is_better=self.higher,
            utama=self.swf.plan.utama, quality=self._gather("quality"),
            time_target=self.swf.plan.time_target,
            time_realisation=self._gather("time_realisation"),
            cost_target=self.swf.plan.cost_target, cost_realisation=self.no_cost,
            perilaku=self._gather("perilaku"), days_absent=self._gather("days_absent", np.int64),
            late=self._gather("late", np.int64), innovation=self._gather("innovation", bool))
        resp = SimpleNamespace(**{f: self._gather(f) for f in (
            "effort", "gaming", "effort_unmeasured", "resistance", "motivation", "procedural")})
        state = SimpleNamespace(**{f: self._gather(f) for f in (
            "distributive", "expectancy", "instrumentality", "psm", "understanding")})
        truth = SimpleNamespace(contribution=self._gather("true_contribution"),
                                output=self._gather("output"))
        t1 = time.perf_counter()
        # shared, vectorised: the organisation-level scheme, curve and TPP rules
        result, allowance = score_period(m, self.org, self.sc)
        R, n = self.R, self.n
        dyn._record(self.panel, t, R, n, result, allowance, truth, resp, state, self.present)
        self.moved[:, t] = (result.predikat != result.predikat_raw).reshape(R, n).sum(axis=1)
        dyn._record_service(self.service, t, R, n, self.cat, self.code, truth)
        self.time_agents_s += t1 - t0
        self.time_model_s += time.perf_counter() - t1
        if t < self.P - 1:  # beliefs learnt from the last appraisal are never used (as in run)
            self._learn(result, allowance, truth)
        self.period += 1
