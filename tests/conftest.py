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
