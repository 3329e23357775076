"""Final-period headline metrics per replication, without the per-period work.

:func:`kinerja_sim.outcomes.per_replication` computes every metric for every period, which is
what trajectories need. A sweep or a sensitivity analysis reads only the final period, and
there the per-period loop is most of the cost. Every per-period metric at period ``t`` reads
only period ``t`` and the period-0 reference (effort changes are measured from period 0), so
the final column is computed here on a two-period view (period 0 and the final period) of the
same simulation: the numbers are identical, the work is a fraction.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kinerja_sim import outcomes
from kinerja_sim.dynamics import Simulation


def final_per_replication(sim: Simulation) -> dict[str, np.ndarray]:
    """Every headline metric of ``sim``'s final period, shape ``(replications,)``.

    Equal to ``outcomes.per_replication(sim)[key][:, -1]`` for every key (tested).
    """
    if sim.periods <= 2:
        return {k: v[:, -1].copy() for k, v in outcomes.per_replication(sim).items()}
    keep = [0, sim.periods - 1]
    view = replace(
        sim, periods=2,
        panel={k: v[:, keep] for k, v in sim.panel.items()},
        service={k: v[:, keep] for k, v in sim.service.items()},
        moved=sim.moved[:, keep])
    return {k: v[:, -1].copy() for k, v in outcomes.per_replication(view).items()}
