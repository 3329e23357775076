"""The kinerja_sim behaviour model as a Mesa 3 agent-based model with shared measurement.

One of the two Mesa baselines ``benchmarks/dynamics.py`` times the vectorised engine against
(``speedup_vs_mesa_shared_measurement``): the behaviour layer (``kinerja_sim.behaviour``) is
written per agent, but measurement stays at model level on the engine's random streams, so the
two can be checked exactly. The straightforward ABM in which every agent also measures itself is
``benchmarks/mesa_model_full.py`` (``speedup_vs_mesa``), whose ``FullEmployee`` inherits this
module's :class:`Employee` behaviour unchanged.

* One :class:`Employee` (a ``mesa.Agent``) per employee and replication. ``Employee.step`` is the
  per-employee part of :func:`kinerja_sim.behaviour.respond` (sosialisasi understanding update,
  procedural justice, resistance, extrinsic force E x I x V, the Holmstrom-Milgrom effort solve
  mu = C^-1 a over the agent's own present tasks, gaming, effort, motivation) and
  ``Employee.learn`` is :func:`kinerja_sim.behaviour.learn` (expectancy, instrumentality,
  distributive justice, PSM crowding-out), both in plain Python scalars per agent.
* :class:`BehaviourModel` (a ``mesa.Model``) does each period's measurement and scoring at model
  level by calling the package's vectorised functions (``measurement.draw_period``,
  ``simulate.score_period``, ``behaviour.group_corr`` / ``mid_percentile``) on arrays gathered
  from the agents, then hands the group statistics back to the agents. Setup (rater traits,
  task weights, valence, stacked organisation codes) reuses the engine's own helpers.
* Replications are stacked exactly as in the engine: the model holds ``replications x n``
  agents, with OPD / unit / rater / rumpun-group codes offset per replication. Every random
  number comes from the same named streams
  (``random_streams.replication_streams(seed, R, ...)``) drawn in the same order and shape
  as the engine draws them, so with the same seed the two implementations see common random
  numbers and must agree to floating-point rounding. Mesa's own RNG is used only for the
  (order-irrelevant) ``shuffle_do`` activation order.

Not mirrored (model-level extras the engine does after the last period): the flip-rate
re-measurement and the final per-employee results table. They make the engine's timed run a
little longer, so the speed ratio is conservative.
"""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import mesa
import numpy as np

from kinerja_sim import behaviour as bh
from kinerja_sim import dynamics as dyn
from kinerja_sim import indicators as ind
from kinerja_sim.incentives import task_weights, valence
from kinerja_sim.measurement import draw_period, rater_index
from kinerja_sim.random_streams import replication_streams
from kinerja_sim.scenario import Scenario
from kinerja_sim.scoring import org_context, score_period
from kinerja_sim.workforce.model import Workforce

_SQRT_HALF = math.sqrt(0.5)


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _ndtr(x: float) -> float:
    """Standard normal CDF (as scipy.special.ndtr)."""
    return 0.5 * math.erfc(-x * _SQRT_HALF)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Employee(mesa.Agent):
    """One employee in one replication: beliefs, motivation and this period's response."""

    def __init__(self, model: BehaviourModel, row: int, *, baseline_effort: float,
                 weights: list[float], present: list[bool], manipulability: list[float],
                 valence: float, in_pilot: bool, psm: float, self_view: float,
                 covered: bool, incentive_response: float = 1.0) -> None:
        super().__init__(model)
        self.row = row
        self.baseline_effort = baseline_effort
        self.weights = weights
        self.present = present
        self.manipulability = manipulability
        self.valence = valence
        self.in_pilot = in_pilot
        self.incentive_response = incentive_response  # behaviour.incentive_response, by rumpun
        # the agent's own tasks: its present IKI slots plus the unmeasured duties (always there)
        self.tasks = [k for k, has in enumerate(present) if has]
        ec = model.p.effort_cost
        self.cost = bh.cost_matrix(len(self.tasks) + 1, ec.own, ec.substitution)
        # beliefs (BehaviourState)
        self.understanding = model.sc.understanding.value
        self.expectancy = model.p.expectancy.prior
        self.instrumentality = model.p.instrumentality.prior
        self.distributive = 0.0
        self.psm = psm
        self.psm0 = psm
        self.self_view = self_view
        self.covered = covered
        # filled by step()
        self.effort: list[float] = []
        self.gaming: list[float] = []
        self.effort_unmeasured = 0.0
        self.resistance = 0.0
        self.procedural = 0.0
        self.extrinsic = 0.0
        self.motivation = 0.0
        # filled by the model before learn(); last period's value is next period's accuracy
        self.reliability = model.p.expectancy.prior
        self.instr = 0.0
        self.received_pct = 0.0

    def step(self) -> None:
        """The per-employee part of ``behaviour.respond`` for the model's current period."""
        m = self.model
        p, ro, t = m.p, m.ro, m.period
        so = ro.sosialisasi
        if so.coverage > 0 and t == so.start_period:
            gain = so.understanding_gain * self.covered
            self.understanding = self.understanding + gain * (1 - self.understanding)
        u = self.understanding

        w = p.justice.procedural_weights
        procedural = _clip(w.understanding * u + w.rater_consistency * m.consistency
                           + w.voice * ro.voice + w.accuracy * _clip(self.reliability, 0, 1), 0, 1)
        r = p.resistance
        resistance = _expit(r.intercept + r.procedural_injustice * (1 - procedural)
                            + r.distributive_injustice * max(-self.distributive, 0.0)
                            - r.understanding * u)
        exposed = 1.0 if self.in_pilot or t >= ro.pilot.full_rollout_period else 0.0
        extrinsic = self.expectancy * self.instrumentality * self.valence * exposed

        k_slots = len(self.weights)
        delta = [0.0] * (k_slots + 1)  # IKI slots, then unmeasured duties
        if t > 0:
            # incentive relative to the pre-reform regime; effort mu = C^-1 a on own tasks
            ext = p.extrinsic_weight * extrinsic * self.incentive_response
            intr = p.intrinsic_weight * (self.psm - self.psm0)
            a = [ext * self.weights[k] + intr for k in self.tasks]
            a.append(intr)
            mu = np.linalg.solve(self.cost, a).tolist()
            cap = p.effort_cost.max_change
            for k, v in zip([*self.tasks, k_slots], mu, strict=True):
                delta[k] = _clip(v, -cap, cap)

        g = p.gaming
        push = g.propensity * p.extrinsic_weight * extrinsic
        deter = g.audit_deterrence * ro.audit.probability
        penalty = r.effort_penalty * resistance
        effort, gaming = [], []
        for k in range(k_slots):
            if self.present[k]:
                gk = _clip(self.manipulability[k] * (push * self.weights[k] - deter), 0, 1)
                effort.append(self.baseline_effort + delta[k] - penalty - g.effort_cost * gk)
            else:
                gk = 0.0
                effort.append(math.nan)
            gaming.append(gk)
        self.effort = effort
        self.gaming = gaming
        self.effort_unmeasured = (self.baseline_effort + delta[k_slots] - penalty
                                  - g.effort_cost * g.unmeasured_cost_share * sum(gaming))

        mi = p.motivation_index.weights
        self.motivation = (mi.extrinsic * _clip(self.expectancy * self.instrumentality, 0, 1)
                           + mi.psm * _ndtr(self.psm) + mi.procedural * procedural
                           + mi.distributive * (self.distributive + 1) / 2
                           + mi.resistance * resistance)
        self.resistance = resistance
        self.procedural = procedural
        self.extrinsic = extrinsic

    def learn(self) -> None:
        """``behaviour.learn``: update beliefs once the period's appraisal results are known."""
        p = self.model.p
        e = p.expectancy
        u = self.understanding
        target = (e.understanding_weight * u * _clip(self.reliability, 0, 1)
                  + (1 - e.understanding_weight * u) * e.prior)
        self.expectancy = self.expectancy + e.learning_rate * (target - self.expectancy)
        instr = 0.0 if math.isnan(self.instr) else self.instr
        self.instrumentality = self.instrumentality + p.instrumentality.learning_rate * (
            instr - self.instrumentality)
        gap = _clip(self.self_view - self.received_pct, 0, 1)
        lr = p.justice.distributive_learning_rate
        self.distributive = self.distributive + lr * ((1 - 2 * gap) - self.distributive)
        controlling = max(self.extrinsic, 0.0) * (1 - self.procedural)
        ps = p.psm
        self.psm = (self.psm - ps.crowding_out * controlling
                    + ps.recovery * (self.psm0 - self.psm))


class ModelLevelLearning:
    """Shared by both Mesa models: model-level group statistics, agents learn, period loop."""

    def _learn(self, result, allowance, truth) -> None:
        """Group statistics at model level, handed to the agents, which update their beliefs."""
        t0 = time.perf_counter()
        groups, rg = self.R * self.n_rumpun, self.rgroup
        rel = bh.group_corr(result.merit, truth.contribution, rg, groups)
        reliability = np.nan_to_num(rel, nan=self.p.expectancy.prior)[rg]
        instr = bh.group_corr(result.merit, allowance["tpp_total"], rg, groups)[rg]
        received = bh.mid_percentile(result.predikat.astype(np.int64), rg, groups)
        t1 = time.perf_counter()
        for a, rl, ins, rc in zip(self.employees, reliability.tolist(), instr.tolist(),
                                  received.tolist(), strict=True):
            a.reliability, a.instr, a.received_pct = rl, ins, rc
        self.agents.do("learn")
        self.time_model_s += t1 - t0
        self.time_agents_s += time.perf_counter() - t1

    def run(self):
        for _ in range(self.P):
            self.step()
        return self


class BehaviourModel(ModelLevelLearning, mesa.Model):
    """``replications`` stacked copies of the workforce, one :class:`Employee` each."""

    def __init__(self, wf: Workforce, sc: Scenario, seed: int, periods: int = 8,
                 replications: int = 1) -> None:
        super().__init__(seed=seed)
        if not wf.is_synthetic:
            raise ValueError("behaviour over periods needs a synthetic workforce")
        n, R = wf.n, replications
        self.n, self.R, self.P = n, R, periods
        self.sc, self.p, self.ro, self.cat = sc, sc.behaviour_params, sc.rollout_params, \
            sc.catalogue
        self.coef = ind.arrays(self.cat)
        self.swf = dyn._stacked_workforce(wf, R)
        base_org = org_context(wf, sc)
        self.org = dyn._stacked_org(base_org, R)
        idx0, n_raters = rater_index(wf)
        self.rng_streams = rng = replication_streams(
            seed, R, {"raters": n_raters, "measurement": n, "behaviour": n})
        self.rater_idx = dyn._tile(idx0, R) + np.repeat(np.arange(R), n) * n_raters
        self.z_len = rng["raters"].standard_normal(R * n_raters)
        self.z_ct = rng["raters"].standard_normal(R * n_raters)

        self.code = self.swf.plan.indicator
        self.present = self.code >= 0
        manip = np.where(self.present,
                         self.coef.manipulability[np.where(self.present, self.code, 0)], 0.0)
        weights = dyn._tile(task_weights(sc, wf.plan, base_org), R)
        val = dyn._tile(valence(sc, wf, base_org), R)
        ro = self.ro
        in_pilot = np.isin(np.asarray(base_org.opd_names)[base_org.opd], ro.pilot.opds) \
            if ro.pilot.opds else np.ones(n, bool)
        in_pilot = dyn._tile(in_pilot, R)
        baseline = self.swf.latent("effort")
        truth_z = (self.swf.latent("ability") + baseline) / np.sqrt(2)
        # the random part of behaviour.initial_state, drawn in the engine's order
        j = self.p.justice
        z_self = rng["behaviour"].standard_normal(R * n)
        covered = rng["behaviour"].random(R * n) < ro.sosialisasi.coverage
        psm = self.swf.latent("psm")

        response = dyn._tile(self.p.incentive_response.for_rumpun(base_org.rumpun_names)
                             [base_org.rumpun], R)
        self.employees: list[Employee] = []  # row order, for gathering arrays
        for i, (b, wts, pres, mp, v, pil, ps, tz, zs, cov, rs) in enumerate(zip(
                baseline.tolist(), weights.tolist(), self.present.tolist(), manip.tolist(),
                val.tolist(), in_pilot.tolist(), psm.tolist(), truth_z.tolist(), z_self.tolist(),
                covered.tolist(), response.tolist(), strict=True)):
            self_view = _ndtr(tz + j.self_view_bias_sd + j.self_view_noise_sd * zs)
            self.employees.append(Employee(
                self, i, baseline_effort=b, weights=wts, present=pres, manipulability=mp,
                valence=v, in_pilot=pil, psm=ps, self_view=self_view, covered=cov,
                incentive_response=rs))

        self.n_rumpun = len(base_org.rumpun_names)
        self.rgroup = np.repeat(np.arange(R), n) * self.n_rumpun + self.org.rumpun
        self.period = 0
        self.consistency = 0.0
        self.panel = {f: np.empty((R, periods, n)) for f in dyn.PANEL_FIELDS}
        self.service = {k: np.full((R, periods), np.nan) for k in dyn.SERVICE_OUTPUTS}
        self.moved = np.zeros((R, periods), dtype=np.int64)
        #: wall time of the per-agent layer (agent steps, learn, gathering and handing back
        #: arrays) and of the model-level vectorised measurement/scoring, seconds
        self.time_agents_s = 0.0
        self.time_model_s = 0.0

    def _gather(self, attr: str) -> np.ndarray:
        return np.array([getattr(a, attr) for a in self.employees], dtype=np.float64)

    def step(self) -> None:
        """One quarterly appraisal: agents respond, the model measures and scores, agents learn."""
        t, p, ro = self.period, self.p, self.ro
        rp = self.sc.rater_params
        if ro.rater_training.enabled and t >= ro.rater_training.start_period:
            rp = dyn._trained(rp, ro)
        traits = dyn._rater_traits(self.z_len, self.z_ct, rp)
        self.consistency = float(np.clip(1 - rp.leniency_sd / p.justice.reference_leniency_sd,
                                         0, 1))
        t0 = time.perf_counter()
        self.agents.shuffle_do("step")  # every employee responds (order does not matter)
        resp, state = self._gather_response()
        t1 = time.perf_counter()
        result, allowance, truth = self._appraise(rp, traits, resp, state)
        self.time_agents_s += t1 - t0
        self.time_model_s += time.perf_counter() - t1
        if t < self.P - 1:  # beliefs learnt from the last appraisal are never used (as in run)
            self._learn(result, allowance, truth)
        self.period += 1

    def _gather_response(self) -> tuple[SimpleNamespace, SimpleNamespace]:
        resp = SimpleNamespace(**{f: self._gather(f) for f in (
            "effort", "gaming", "effort_unmeasured", "resistance", "motivation", "procedural")})
        state = SimpleNamespace(**{f: self._gather(f) for f in (
            "distributive", "expectancy", "instrumentality", "psm", "understanding")})
        return resp, state

    def _appraise(self, rp, traits, resp, state):
        """Model level, vectorised: measure, score and record the period."""
        t, sc, R, n = self.period, self.sc, self.R, self.n
        dq = dyn._data_quality(resp.resistance, self.p, self.ro)
        m, truth = draw_period(self.swf, self.cat, rp, traits, self.rater_idx,
                               self.rng_streams["measurement"], effort=resp.effort,
                               gaming=resp.gaming, ambition=sc.spec.target_ambition, dq=dq,
                               coef=self.coef, effort_unmeasured=resp.effort_unmeasured)
        result, allowance = score_period(m, self.org, sc)
        dyn._record(self.panel, t, R, n, result, allowance, truth, resp, state, self.present)
        self.moved[:, t] = (result.predikat != result.predikat_raw).reshape(R, n).sum(axis=1)
        dyn._record_service(self.service, t, R, n, self.cat, self.code, truth)
        return result, allowance, truth

