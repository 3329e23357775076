"""Interactive faces (ipywidgets): the weight designer and the sosialisasi calculator.

Imported lazily so that ``import kinerja_sim`` never pulls in ipywidgets.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module

_FACES = {"designer": "kinerja_sim.ui.designer", "kalkulator": "kinerja_sim.ui.kalkulator"}

__all__ = list(_FACES)


class _Package(types.ModuleType):
    """Importing ``kinerja_sim.ui.kalkulator`` binds the *submodule* to the package attribute
    of the same name, which would shadow the face function; keep the function there."""

    def __setattr__(self, name: str, value) -> None:
        if name in _FACES and isinstance(value, types.ModuleType):
            value = getattr(value, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name in _FACES:
        return getattr(import_module(_FACES[name]), name)
    raise AttributeError(f"module 'kinerja_sim.ui' has no attribute {name!r}")
