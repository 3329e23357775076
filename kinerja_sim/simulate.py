"""One entry point: workforce + scenario + seed -> a :class:`~kinerja_sim.dynamics.Simulation`.

``simulate`` re-measures a synthetic workforce under the scenario's raters, target setting and
data quality (so the same people can be scored under every scheme with common random numbers),
or scores a real file's observed data as it is. It always returns a ``Simulation`` — one period
and one replication are not a special case — so every face uses the result the same way:
``.final`` is the per-employee table of the last period (replication 0), ``.panel`` the
per-period series. Simulation-only truth is in columns prefixed ``sim_`` that reports must never
show as if it were observable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kinerja_sim import scoring
from kinerja_sim.dynamics import Simulation, run
from kinerja_sim.scenario import Scenario, load_scenario
from kinerja_sim.workforce.model import EMPLOYEE_COLUMNS, Workforce

__all__ = ["Simulation", "resolve_workforce", "simulate"]


def simulate(workforce: Workforce | str | None = None, scenario: Scenario | str | Path = "",
             seed: int | None = None, periods: int = 1, replications: int = 1, *,
             panel: bool = True) -> Simulation:
    """Simulate ``workforce`` under ``scenario`` for ``periods`` quarters x ``replications``.

    ``workforce`` may be a :class:`Workforce`, a profile name (``"binjai"``), or ``None`` for the
    scenario's own ``workforce:`` block. The same inputs and seed give identical results, and
    replication ``k`` is the same whatever the number of replications.

    ``panel=False`` skips what only multi-period analysis reads (the per-period panel, service
    series and the stability re-measurement): the result then carries ``.final`` and ``.moved``
    only, which is what scoring a national workforce once needs (memory).

    A real (loaded) workforce has no latent traits: it is scored as observed, one period and one
    replication; its panel holds the observable series only (score, merit, predikat,
    predikat_raw, tpp_total).
    """
    if periods < 1 or replications < 1:
        raise ValueError("periods and replications must be at least 1")
    # names in the scenario are checked against the workforce this run uses
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario,
                                                                       workforce=workforce)
    wf = resolve_workforce(workforce, sc)
    seed = sc.spec.seed if seed is None else seed
    if wf.is_synthetic:
        return run(wf, sc, seed, periods=periods, replications=replications,
                   final_only=not panel)
    if periods != 1 or replications != 1:
        raise ValueError("a real workforce is scored as observed: one period, one replication")
    return _score_observed(wf, sc, seed)


def _score_observed(wf: Workforce, sc: Scenario, seed: int) -> Simulation:
    org = scoring.org_context(wf, sc)
    result, allowance = scoring.score_period(wf.observed, org, sc)
    final = scoring.results_frame(wf, wf.observed, result, allowance, None, sc, seed)
    observed = {"score": result.score, "merit": result.merit, "predikat": result.predikat,
                "predikat_raw": result.predikat_raw, "tpp_total": allowance["tpp_total"]}
    moved = np.array([[int((result.predikat != result.predikat_raw).sum())]], dtype=np.int64)
    return Simulation(scenario=sc, seed=seed, periods=1, replications=1,
                      employees=wf.employees[list(EMPLOYEE_COLUMNS)], labels=result.labels,
                      panel={k: np.asarray(v, dtype=np.float64).reshape(1, 1, -1)
                             for k, v in observed.items()},
                      service={}, flip_rate=np.full(1, np.nan), moved=moved, final=final)


def resolve_workforce(workforce: Workforce | str | None, sc: Scenario) -> Workforce:
    """The workforce a run uses: the one given, a profile by name, or the scenario's own."""
    from kinerja_sim.workforce import synthesize

    if isinstance(workforce, Workforce):
        return workforce
    spec = sc.spec.workforce
    profile = workforce or spec.profile
    return synthesize(profile, seed=spec.seed, n=spec.n, observed=False)
