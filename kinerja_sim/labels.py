"""The one label table for user-facing text (Bahasa Indonesia by default, English available)."""

from __future__ import annotations

from functools import lru_cache

from kinerja_sim.params import load_yaml

LANGUAGES = ("id", "en")


@lru_cache(maxsize=1)
def _table() -> dict:
    return load_yaml("labels.yaml")


def t(key: str, lang: str = "id", **fmt: object) -> str:
    """Text for ``section.key`` (e.g. ``"metric.objectivity.kappa"``) in ``lang``.

    Unknown keys fall back to the key itself so a missing label is visible, not fatal.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    section, _, name = key.partition(".")
    entry = _table().get(section, {}).get(name)
    text = entry[lang] if entry else key
    return text.format(**fmt) if fmt else text
