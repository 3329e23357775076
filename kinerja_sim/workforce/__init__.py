"""Workforces: synthetic profiles (Binjai, nasional) and loaders for real CSV/XLSX files."""

from __future__ import annotations

from kinerja_sim.workforce.model import Workforce

__all__ = ["Workforce", "synthesize", "load_workforce"]


def synthesize(profile: str = "binjai", seed: int = 2026, n: int | None = None,
               observed: bool = True) -> Workforce:
    """Synthesize a workforce from a packaged profile (see :mod:`.synthesize`)."""
    from kinerja_sim.workforce.synthetic import synthesize as _synth

    return _synth(profile, seed=seed, n=n, observed=observed)


def load_workforce(path, **kwargs) -> Workforce:
    """Load a real employee file (CSV/XLSX), pseudonymising NIP and names on load."""
    from kinerja_sim.workforce.loader import load_workforce as _load

    return _load(path, **kwargs)
