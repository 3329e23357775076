"""Shared fixtures: the synthetic Binjai workforce is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def binjai():
    from kinerja_sim.workforce import synthesize

    return synthesize("binjai", seed=2026)


@pytest.fixture(scope="session")
def small_workforce():
    from kinerja_sim.workforce import synthesize

    return synthesize("binjai", seed=7, n=900)


@pytest.fixture(autouse=True)
def _fresh_caches_under_mutation_testing():
    """Under mutmut, each mutant's tests run in a fork of a process that already ran the
    suite once, so an ``lru_cache`` would hand them values computed by the unmutated code
    (a mutant on that path would survive falsely). mutmut sets ``MUTANT_UNDER_TEST``; outside
    it the caches are left alone (they only save time)."""
    import os

    if os.environ.get("MUTANT_UNDER_TEST"):
        from kinerja_sim import scenario

        scenario._practice_elements.cache_clear()
    yield
