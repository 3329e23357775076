"""Real-file diagnostics: the data-quality and rater audit, and calibration of the simulation's
measurement parameters to a real file (DESIGN §2 ``audit/``; docs/audit.md).

``audit`` is imported lazily (scipy.stats and statsmodels-sized imports stay out of
``import kinerja_sim`` and of every CLI start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinerja_sim.audit.core import AuditResult
    from kinerja_sim.scenario import Scenario
    from kinerja_sim.workforce.model import Workforce

__all__ = ["audit"]


def audit(workforce: Workforce, scenario: Scenario | str = "status_quo") -> AuditResult:
    """Audit a workforce's observed data: data quality, raters, SE 03/2023 curve (tables)."""
    from kinerja_sim.audit.core import audit as _audit

    return _audit(workforce, scenario)
