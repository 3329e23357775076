"""Interactive faces (ipywidgets): the weight designer and the sosialisasi calculator.

Imported lazily so that ``import kinerja_sim`` never pulls in ipywidgets.
"""

from __future__ import annotations

from importlib import import_module

_FACES = {"designer": "kinerja_sim.ui.designer", "kalkulator": "kinerja_sim.ui.kalkulator"}

__all__ = list(_FACES)


def __getattr__(name: str):
    if name in _FACES:
        return getattr(import_module(_FACES[name]), name)
    raise AttributeError(f"module 'kinerja_sim.ui' has no attribute {name!r}")
