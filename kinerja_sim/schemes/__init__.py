"""Scoring schemes: registry of the scheme modules.

Every module exposes ``Params``, ``default_params()``, ``params_from(overrides, file, prefix)``,
``LABELS`` (predikat labels for codes 0..4) and ``score(m, org, params) -> SchemeResult``.
TPP rules live in :mod:`kinerja_sim.schemes.tpp`; the SE 03/2023 curve in
:mod:`kinerja_sim.schemes.distribution`.
"""

from __future__ import annotations

from types import ModuleType

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.schemes import permenpanrb_6_2022, pp30_2019, pp46_2011, weighted_kpi

SCHEMES: dict[str, ModuleType] = {
    "pp46_2011": pp46_2011,
    "pp30_2019": pp30_2019,
    "permenpanrb_6_2022": permenpanrb_6_2022,
    "weighted_kpi": weighted_kpi,
}


def get_scheme(name: str, file: str = "<scenario>", location: str = "scheme.name") -> ModuleType:
    """The scheme module called ``name``; :class:`InputError` listing the valid names if none."""
    try:
        return SCHEMES[name]
    except (KeyError, TypeError):
        raise InputError([Problem(file=file, location=location,
                                  message=f"unknown scheme {name!r}",
                                  expected=f"one of {', '.join(SCHEMES)}")]) from None


__all__ = ["SCHEMES", "get_scheme"]
