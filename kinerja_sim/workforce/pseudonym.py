"""Salted-hash pseudonyms for NIPs.

A pseudonym is ``"P-"`` followed by the first 12 hex digits of ``sha256(salt + nip)``. The same
salt always gives the same pseudonym for the same NIP, so results of two loads (two periods, two
files) can be joined per employee; a different salt gives unrelated pseudonyms.

The salt must stay secret: NIPs are structured (birth date, appointment date, sex, sequence
number), so anyone who knows the salt can recompute the pseudonym of a given NIP. Keep it out of
scenario files and version control; set it in the environment variable ``KINERJA_SIM_SALT``.

Without an explicit salt and without the variable, :func:`resolve_salt` draws a fresh random
salt: pseudonyms are then stable *within one load only* (raters and employees still match
inside the file, but loading the same file twice gives different pseudonyms).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets

import numpy as np
import pandas as pd

from kinerja_sim.errors import InputError, Problem

SALT_ENV = "KINERJA_SIM_SALT"
PREFIX = "P-"
DEFAULT_LENGTH = 12
#: The only ``id_pegawai`` / ``id_penilai`` values kept as they are: pseudonyms made here
#: (``P-`` + 12..64 lowercase hex digits, a multiple of 4) and the synthesizer's ids
#: (``E`` + 7 to 9 digits). Every other id -- a NIP in any spelling, a name, a staff number --
#: is hashed like a NIP, so no identifier passes through unhashed whatever its form.
PSEUDONYM_SHAPE = re.compile(r"P-(?:[0-9a-f]{4}){3,16}|E[0-9]{7,9}")


class PseudonymClash(ValueError):
    """A hashed id equals an id kept as it is (see :func:`pseudonymize_ids`).

    ``pairs`` holds ``(hashed, kept)`` 0-based positions, so the caller can name the rows
    without showing either id.
    """

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        super().__init__(f"{len(pairs)} hashed id(s) equal a pseudonym already in the ids")
        self.pairs = pairs


class SaltError(InputError, ValueError):
    """An unusable salt: an input error (exit 1, one message) that is also a ValueError."""

    def __post_init__(self) -> None:
        InputError.__post_init__(self)

log = logging.getLogger(__name__)


def resolve_salt(salt: str | None) -> str:
    """The salt to use: ``salt`` if given, else ``$KINERJA_SIM_SALT``, else a random one.

    A random salt makes pseudonyms stable within one load only (see module docstring).
    """
    if salt is not None:
        if not isinstance(salt, str) or not salt.strip():
            raise SaltError([Problem("salt", "", "the salt is empty", None,
                                     "a non-empty secret text (--salt, or the environment "
                                     f"variable {SALT_ENV}); leave it out for a random salt")])
        return salt
    env = os.environ.get(SALT_ENV, "")
    if env:
        return env
    log.info("no salt given and $%s not set: using a random salt; pseudonyms are stable "
             "within this load only", SALT_ENV)
    return secrets.token_hex(16)


def pseudonym(nip: str, salt: str, length: int = DEFAULT_LENGTH) -> str:
    """Pseudonym of one NIP: ``"P-" + sha256(salt + nip).hexdigest()[:length]``."""
    return PREFIX + hashlib.sha256((salt + nip).encode("utf-8")).hexdigest()[:length]


def pseudonymize(ids: pd.Series, salt: str, length: int = DEFAULT_LENGTH) -> pd.Series:
    """Pseudonyms for a Series of NIP strings (same index; each distinct NIP hashed once).

    Missing values stay missing. 12 hex digits (48 bits) make a collision between two of
    100,000 NIPs about a 1-in-60,000 event; :func:`unique_pseudonyms` lengthens them if one
    happens.
    """
    if not salt:
        raise ValueError("salt must be a non-empty string")
    values = ids.astype(object)
    return values.map(_table(values, salt, length)).astype(object)


def unique_pseudonyms(ids: pd.Series, salt: str) -> pd.Series:
    """Like :func:`pseudonymize`, lengthening the hash until distinct NIPs get distinct
    pseudonyms (12 hex digits almost always suffice)."""
    if not salt:
        raise ValueError("salt must be a non-empty string")
    values = ids.astype(object)
    for length in range(DEFAULT_LENGTH, 65, 4):
        table = _table(values, salt, length)
        if len(set(table.values())) == len(table):
            return values.map(table).astype(object)
    raise RuntimeError("sha256 collision")  # pragma: no cover


def is_pseudonym(value: str) -> bool:
    """True when ``value`` has the documented pseudonym shape (:data:`PSEUDONYM_SHAPE`)."""
    return PSEUDONYM_SHAPE.fullmatch(value) is not None


def pseudonymize_ids(ids: pd.Series, salt: str, keep: frozenset[str] = frozenset()
                     ) -> pd.Series:
    """Ids of the pseudonymous scheme: pseudonym-shaped values and ``keep`` (e.g. the
    external rater) unchanged, every other value hashed (:func:`unique_pseudonyms`).

    Raises :class:`PseudonymClash` when a hashed id equals a kept one: the same person once
    raw and once already pseudonymised with this salt (or, 1 in 2**48 per pair, a chance
    collision). Merging them silently would make two employees one.
    """
    values = ids.astype(object)
    shaped = values.map(lambda v: isinstance(v, str) and (v in keep or is_pseudonym(v)))
    shaped = shaped.astype(bool).to_numpy()
    if shaped.all():
        return values
    hashed = unique_pseudonyms(values[~shaped], salt)
    kept_at = {v: i for i, v in zip(np.flatnonzero(shaped), values[shaped], strict=True)}
    pairs = [(int(i), kept_at[h]) for i, h in zip(np.flatnonzero(~shaped), hashed, strict=True)
             if h in kept_at]
    if pairs:
        raise PseudonymClash(pairs)
    out = values.copy()
    out[~shaped] = hashed
    return out


def _table(values: pd.Series, salt: str, length: int) -> dict[str, str]:
    return {v: pseudonym(str(v), salt, length) for v in pd.unique(values.dropna())}
