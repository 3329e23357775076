"""Workforces: synthetic profiles (Binjai, nasional) and loaders for real CSV/XLSX files."""

from __future__ import annotations

from kinerja_sim.workforce.model import Workforce

__all__ = ["Workforce", "export_workforce", "load_workforce", "synthesize"]


def synthesize(profile: str = "binjai", seed: int = 2026, n: int | None = None,
               observed: bool = True) -> Workforce:
    """Synthesize a workforce from a packaged profile (see :mod:`.synthesize`)."""
    from kinerja_sim.workforce.synthetic import synthesize as _synth

    return _synth(profile, seed=seed, n=n, observed=observed)


def load_workforce(path, **kwargs) -> Workforce:
    """Load a real employee file (CSV/XLSX), pseudonymising NIP and names on load."""
    from kinerja_sim.workforce.loader import load_workforce as _load

    return _load(path, **kwargs)


def export_workforce(wf: Workforce, path):
    """Write a workforce with observed data in the real-file schema (no NIP, no latent traits)."""
    from kinerja_sim.workforce.export import export_workforce as _export

    return _export(wf, path)
