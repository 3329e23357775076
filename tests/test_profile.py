"""Workforce profiles (``kinerja_sim/data/profiles/*.yaml``): loading and its problems."""

from __future__ import annotations

import pytest

from kinerja_sim.errors import InputError
from kinerja_sim.workforce import profile as pr


def test_a_profile_that_does_not_validate_names_its_packaged_file(monkeypatch):
    good = pr.load_yaml("profiles/binjai.yaml")
    monkeypatch.setattr(pr, "load_yaml", lambda path: {**good, "latent": {"nope": 1}})
    with pytest.raises(InputError) as ei:
        pr.load_profile("binjai")
    assert ei.value.problems
    assert {p.file for p in ei.value.problems} == {"profiles/binjai.yaml"}
    assert {p.location for p in ei.value.problems} >= {"latent.nope"}


def test_an_unknown_profile_is_one_problem_listing_the_packaged_ones():
    with pytest.raises(InputError) as ei:
        pr.load_profile("jakarta")
    (p,) = ei.value.problems
    assert (p.file, p.location, p.message) == ("<profile>", "profile", "unknown profile 'jakarta'")
    assert p.expected == "one of: binjai, nasional"
