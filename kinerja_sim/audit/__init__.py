"""Real-file diagnostics: the data-quality and rater audit, and calibration of the simulation's
measurement parameters to a real file (DESIGN §2 ``audit/``; docs/audit.md)."""

from kinerja_sim.audit.core import AuditResult, audit

__all__ = ["AuditResult", "audit"]
