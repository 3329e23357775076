"""kinerja_sim: a policy simulation workbench for objective ASN performance appraisal.

Public API::

    from kinerja_sim import simulate, load_scenario, synthesize, load_workforce, compare
"""

from __future__ import annotations

__version__ = "0.1.0"

# The functions share their names with the modules that define them, so they are imported
# eagerly: ``kinerja_sim.simulate`` is the function, ``kinerja_sim.simulate`` the module is still
# importable as ``from kinerja_sim.simulate import ...``.
from kinerja_sim.audit import audit  # noqa: E402
from kinerja_sim.compare import compare, compare_scenarios  # noqa: E402
from kinerja_sim.errors import InputError  # noqa: E402
from kinerja_sim.scenario import Scenario, load_scenario  # noqa: E402
from kinerja_sim.simulate import simulate  # noqa: E402
from kinerja_sim.workforce import Workforce, load_workforce, synthesize  # noqa: E402

__all__ = ["InputError", "Scenario", "Workforce", "audit", "compare", "compare_scenarios",
           "load_scenario", "load_workforce", "simulate", "synthesize"]
