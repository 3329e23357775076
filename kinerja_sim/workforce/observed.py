"""A period's observed data as a scenario's raters and data quality would record it.

``kinerja-sim workforce --scenario S`` writes a synthetic file whose ratings, targets and
realisations come from scenario ``S``'s measurement settings (rater leniency, central tendency,
halo, target padding, missing and mis-entered values) instead of the packaged defaults. Such a
file is what a parameter-recovery test calibrates against (its true settings are known) and what
a trainer hands out as an example.

The draw is one period of :func:`kinerja_sim.measurement.draw_period` at baseline effort, no
gaming and no resistance (a file shows one appraisal, not a behavioural response), with the
rater traits drawn from the scenario's rater parameters. Random numbers come from the named
streams of :func:`kinerja_sim.scoring.streams`, so the same seed gives the same file, and two
scenarios written with one seed share their dice (only the settings differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja_sim import indicators as ind
from kinerja_sim import raters as rt
from kinerja_sim.measurement import draw_period, rater_index
from kinerja_sim.scenario import Scenario
from kinerja_sim.scoring import streams
from kinerja_sim.workforce.model import LATENT_COLUMNS, Workforce
from kinerja_sim.workforce.profile import load_profile


@dataclass(frozen=True)
class ObservedTruth:
    """What the simulation knows about a written file and a reader of the file cannot see."""

    rater_leniency: pd.Series  # rating points, indexed by rater_id
    rater_compression: pd.Series  # central-tendency factor c_j, indexed by rater_id


def with_latent(wf: Workforce, seed: int = 2026, profile: str = "binjai") -> Workforce:
    """``wf`` with simulation-only latent traits drawn as the profile draws them.

    A real file has no ability, effort, motivation or context; calibration and its
    posterior-predictive check simulate the file's own structure (OPDs, units, raters, SKP
    plans) by giving its employees latent traits from ``profile``'s distribution.
    """
    if wf.is_synthetic:
        return wf
    lat = load_profile(profile).latent
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    n = wf.n
    ability = rng.standard_normal(n)
    psm = rng.standard_normal(n)
    rho = lat.effort_psm_correlation
    effort = rho * psm + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    unit_codes = pd.factorize(wf.employees["opd"].astype(str) + "\x00"
                              + wf.employees["unit"].astype(str))[0]
    s = lat.context_unit_share
    unit_ctx = rng.standard_normal(unit_codes.max() + 1)[unit_codes]
    context = np.sqrt(s) * unit_ctx + np.sqrt(1 - s) * rng.standard_normal(n)
    employees = wf.employees.copy()
    for name, values in zip(LATENT_COLUMNS, (ability, effort, psm, context), strict=True):
        employees[name] = values
    return Workforce(employees, wf.plan, wf.observed, wf.source, wf.rater_row)


def observe(wf: Workforce, scenario: Scenario, seed: int | None = None
            ) -> tuple[Workforce, ObservedTruth]:
    """``wf`` (synthetic) with one observed period drawn under ``scenario``'s measurement
    settings, and the rater truth behind it.

    Targets in the returned ``observed`` carry the scenario's ``target_ambition`` (padding);
    the plan keeps the neutral targets, as in the engine.
    """
    if not wf.is_synthetic:
        raise ValueError("observe() needs latent traits: use with_latent() on a real file")
    seed = scenario.spec.seed if seed is None else seed
    rng = streams(seed)
    rp = scenario.rater_params
    idx, n_raters = rater_index(wf)
    traits = rt.draw_raters(n_raters, rp, rng["raters"])
    m, _ = draw_period(wf, scenario.catalogue, rp, traits, idx, rng["measurement"],
                       ambition=scenario.spec.target_ambition,
                       coef=ind.arrays(scenario.catalogue))
    rater_id = wf.employees["rater_id"].to_numpy(dtype=object)
    truth = ObservedTruth(
        rater_leniency=pd.Series(traits.leniency[idx]).groupby(rater_id).first(),
        rater_compression=pd.Series(traits.compression[idx]).groupby(rater_id).first())
    return Workforce(wf.employees, wf.plan, m, wf.source, wf.rater_row), truth


def observed_file(profile: str, scenario: Scenario, seed: int = 2026, n: int | None = None,
                  ) -> tuple[Workforce, ObservedTruth]:
    """A synthetic workforce of ``profile`` observed under ``scenario`` (what the CLI writes)."""
    from kinerja_sim.workforce import synthesize

    return observe(synthesize(profile, seed=seed, n=n, observed=False), scenario, seed)
