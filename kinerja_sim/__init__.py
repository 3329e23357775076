"""kinerja_sim: a policy simulation workbench for objective ASN performance appraisal.

The public API is re-exported lazily so ``import kinerja_sim`` stays fast for the CLI and for
notebooks that only need one piece.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "simulate": "kinerja_sim.simulate",
    "load_scenario": "kinerja_sim.scenario",
    "Scenario": "kinerja_sim.scenario",
    "synthesize": "kinerja_sim.workforce",
    "load_workforce": "kinerja_sim.workforce",
    "Workforce": "kinerja_sim.workforce",
    "InputError": "kinerja_sim.errors",
    "compare": "kinerja_sim.compare",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kinerja_sim' has no attribute {name!r}")
