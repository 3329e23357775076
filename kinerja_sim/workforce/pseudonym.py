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
import secrets

import pandas as pd

SALT_ENV = "KINERJA_SIM_SALT"
PREFIX = "P-"
DEFAULT_LENGTH = 12

log = logging.getLogger(__name__)


def resolve_salt(salt: str | None) -> str:
    """The salt to use: ``salt`` if given, else ``$KINERJA_SIM_SALT``, else a random one.

    A random salt makes pseudonyms stable within one load only (see module docstring).
    """
    if salt is not None:
        if not isinstance(salt, str) or not salt:
            raise ValueError("salt must be a non-empty string (or None to use "
                             f"${SALT_ENV} or a random salt)")
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


def _table(values: pd.Series, salt: str, length: int) -> dict[str, str]:
    return {v: pseudonym(str(v), salt, length) for v in pd.unique(values.dropna())}
