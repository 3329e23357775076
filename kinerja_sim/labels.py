"""The one label table for user-facing text (Bahasa Indonesia by default, English available).

The table is kept in several files under ``data/labels/`` (one per face: ``core.yaml``,
``batch.yaml``, ``ui.yaml``, ...) so that each face's texts sit together, but it is one table:
the files are merged at load time and a key defined twice is an error, not a silent override
(within one file too: they are read with the strict loader of :mod:`kinerja_sim.yaml_safe`,
whose libyaml parser also makes the table ~10x faster to load than ``yaml.safe_load``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kinerja_sim.yaml_safe import load_text

LANGUAGES = ("id", "en")


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, dict[str, str]]]:
    """Every label, ``{section: {name: {"id": ..., "en": ...}}}``, merged from data/labels/."""
    merged: dict[str, dict[str, dict[str, str]]] = {}
    folder = resources.files("kinerja_sim").joinpath("data", "labels")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for section, names in (load_text(entry.read_text("utf-8")) or {}).items():
            target = merged.setdefault(section, {})
            for name, texts in names.items():
                if name in target:
                    raise ValueError(f"label {section}.{name} is defined twice ({entry.name})")
                target[name] = texts
    return merged


def t(key: str, lang: str = "id", **fmt: object) -> str:
    """Text for ``section.key`` (e.g. ``"metric.objectivity.kappa"``) in ``lang``.

    Unknown keys fall back to the key itself so a missing label is visible, not fatal.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    section, _, name = key.partition(".")
    entry = table().get(section, {}).get(name)
    text = entry[lang] if entry else key
    return text.format(**fmt) if fmt else text
