"""Standardised effects of a reform on true output and motivation, overall and by group.

The incentive channel is calibrated against published effect sizes
(``data/evidence/incentive_effects.yaml``), which are standardised mean differences. This module
computes the same quantity from two simulations run on common random numbers, so the check in
tests/test_incentive_channel.py and the calibration table of docs/model.md read one definition:

    d = mean over replications of (reform - baseline) in the final quarter, per employee,
        averaged over the employees of a group, / SD across employees of the baseline in the
        first quarter (all replications).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja_sim.dynamics import Simulation
from kinerja_sim.params import load_yaml

#: Panel fields whose effect sizes are reported, by the name the evidence file uses.
FIELDS = {"true_output": "true_contribution", "motivation": "motivation"}


def effect_sizes(baseline: Simulation, reform: Simulation, by: str = "rumpun") -> pd.DataFrame:
    """One row per group of ``by`` plus ``all``; one column per field of :data:`FIELDS`."""
    if not baseline.employees["employee_id"].equals(reform.employees["employee_id"]) or (
            baseline.seed, baseline.replications, baseline.periods) != (
            reform.seed, reform.replications, reform.periods):
        raise ValueError("effect sizes need two runs on common random numbers")
    groups = baseline.employees[by].astype(str).to_numpy()
    out = {}
    for name, field in FIELDS.items():
        base = baseline.panel[field]
        sd = float(np.std(base[:, 0, :]))
        d = (reform.panel[field][:, -1, :] - base[:, -1, :]).mean(axis=0) / sd
        s = pd.Series(d).groupby(groups).mean()
        s["all"] = float(d.mean())
        out[name] = s
    return pd.DataFrame(out)


def evidence() -> dict:
    """The published ranges and orderings the channel is calibrated to."""
    return load_yaml("evidence/incentive_effects.yaml")
