"""Access to the YAML parameter files packaged in ``kinerja_sim/data``.

Parameters are data: every number a policy designer might question lives in one of these files
next to its ``reference``. Code reads them through :func:`load_yaml` so the files are parsed
once per process, with the strict loader scenario files get (:mod:`kinerja_sim.yaml_safe`): a
key written twice in a parameter file is an error, not a silent override.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

from kinerja_sim.yaml_safe import load_text


@cache
def _load_cached(relative_path: str) -> Any:
    text = resources.files("kinerja_sim").joinpath("data", relative_path).read_text("utf-8")
    return load_text(text)


def load_yaml(relative_path: str) -> Any:
    """Return a fresh (deep-copied) parse of ``kinerja_sim/data/<relative_path>``."""
    return copy.deepcopy(_load_cached(relative_path))


def deep_merge(base: dict, override: dict) -> dict:
    """Recursively merge ``override`` into a copy of ``base`` (mappings merge, others replace)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
