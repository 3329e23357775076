"""Fuzzing the scenario parser (issue 9 "Must show"): random and corrupted scenario files load or
fail with InputError only, and files with a known defect never load.

The CI profile runs 60 cases per test; ``pytest --hypothesis-profile=long
tests/test_scenario_fuzz.py`` runs 10,000 (docs/reliability.md, "Scenario files"). Set
``KINERJA_FUZZ_STATS=FILE`` to write per-test counts and the slowest case (seconds) to FILE as
JSON lines (rewritten every 250 cases); nothing here asserts on time.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_sim.errors import InputError
from kinerja_sim.scenario import Scenario, load_scenario, parse_override

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "scenarios").glob("*.yaml")}
KEYS = ["name", "scheme", "params", "raters", "halo_sd", "error_sd", "leniency_mean", "tpp",
        "measurement", "indicators", "vaksinasi", "noise_sd", "behaviour", "rollout",
        "sosialisasi", "coverage", "start_period", "organisation", "by_opd", "extends",
        "distribution", "enabled", "rules", "Baik", "caps", "target_ambition", "seed",
        "workforce", "profile", "n", "label", "id", "en", "description", "weights_preset"]
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

STATS: dict[str, dict] = {}


def _record(test: str, outcome: str, seconds: float, message_chars: int = 0) -> None:
    s = STATS.setdefault(test, {"cases": 0, "loaded": 0, "input_error": 0, "max_seconds": 0.0,
                                "max_message_chars": 0})
    s["cases"] += 1
    s[outcome] += 1
    s["max_seconds"] = max(s["max_seconds"], seconds)
    s["max_message_chars"] = max(s["max_message_chars"], message_chars)
    if s["cases"] % 250 == 0:  # progress survives an interrupted long run
        _write_stats()


@atexit.register
def _write_stats() -> None:
    """Rewrite FILE with one JSON line per test (counts so far)."""
    target = os.environ.get("KINERJA_FUZZ_STATS")
    if target and STATS:
        with open(target, "w", encoding="utf-8") as f:
            for test, s in STATS.items():
                f.write(json.dumps({"test": test, **s}) + "\n")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    for name, text in BUNDLED.items():  # so that `extends:` finds its bases
        (d / name).write_text(text, encoding="utf-8")
    return d


def _load(test: str, path: Path) -> Scenario | InputError:
    """Load; anything but a Scenario or an InputError fails the test (pytest shows it)."""
    t0 = time.perf_counter()
    try:
        sc = load_scenario(path)
    except InputError as err:
        msg = str(err)
        _record(test, "input_error", time.perf_counter() - t0, len(msg))
        assert len(msg) < 60_000  # 200 problems at most, each with truncated echoes
        return err
    _record(test, "loaded", time.perf_counter() - t0)
    assert isinstance(sc, Scenario)
    return sc


# ------------------------------------------------------------------ strategies

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from([".nan", ".inf", "-.inf", "nan", "1e999", "~", "yes", "2024-01-01",
                     "0x1F", "1_000", "!!binary aGk=", "*a", "&a x", "<<", "Dinas Fiktif",
                     "pp30_2019", "weighted_kpi", "status_quo.yaml", "\x00", "-1", "2.5"]))
trees = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), kids, max_size=5)),
    max_leaves=30)


@st.composite
def mutated_text(draw) -> str:
    """A bundled scenario with random byte-level edits (deletions, insertions, swaps, repeats)."""
    text = draw(st.sampled_from(sorted(BUNDLED.values())))
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, max(len(text) - 1, 0)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "repeat_line", "indent"]))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 20)):]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(
                [":", "-", "[", "{", "]", "}", "&x ", "*x", "!!str ", ".nan", "\t", "\n  ",
                 "'", '"', "#", ",", "? ", "\x00", "\ufeff", "%YAML 1.1\n", "---\n"]
                + [draw(st.text(max_size=5))])) + text[i:]
        elif op == "replace":
            text = text[:i] + draw(st.text(min_size=1, max_size=3)) + text[i + 1:]
        elif op == "repeat_line":
            lines = text.splitlines(keepends=True)
            if lines:
                j = draw(st.integers(0, len(lines) - 1))
                lines.insert(j, lines[j])
                text = "".join(lines)
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                j = draw(st.integers(0, len(lines) - 1))
                lines[j] = " " * draw(st.integers(1, 4)) + lines[j]
                text = "".join(lines)
    return text


@st.composite
def structured_text(draw) -> str:
    """Random YAML built from scenario key names and awkward values (dumped by PyYAML, so it
    is valid YAML; it may or may not be a valid scenario)."""
    base = draw(st.sampled_from([None, "status_quo.yaml", "kpi_objektif_binjai.yaml",
                                 "pp46_2011.yaml"]))
    data = draw(st.dictionaries(st.sampled_from(KEYS), trees, max_size=6))
    if base:
        data.setdefault("extends", base)
        data.setdefault("name", "fuzz")
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):  # e.g. a surrogate the emitter refuses
        return yaml.safe_dump(repr(data))


# ------------------------------------------------------------------ tests


@settings(suppress_health_check=HEALTH)
@given(text=st.one_of(mutated_text(), structured_text(), st.text(max_size=400)))
def test_any_text_loads_or_fails_with_input_error(scratch, text):
    f = scratch / "case.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load("any_text", f)


@settings(suppress_health_check=HEALTH)
@given(raw=st.binary(max_size=300))
def test_any_bytes_load_or_fail_with_input_error(scratch, raw):
    f = scratch / "case_bytes.yaml"
    f.write_bytes(raw)
    _load("any_bytes", f)


def _valid_tree(name: str) -> dict:
    return yaml.safe_load(BUNDLED[name])


POISONS = ["duplicate", "nan", "inf", "anchor", "alias", "deep", "negative_sd", "probability",
           "period", "unknown_key", "unknown_opd", "misspelt_rumpun"]


@st.composite
def poisoned_text(draw) -> tuple[str, str]:
    """A valid bundled scenario with exactly one known defect injected."""
    name = draw(st.sampled_from(sorted(BUNDLED)))
    data = _valid_tree(name)
    poison = draw(st.sampled_from(POISONS))
    block = draw(st.sampled_from(["raters", "rollout", "behaviour", "tpp"]))
    if poison == "duplicate":
        text = yaml.safe_dump(data, sort_keys=False)
        key = draw(st.sampled_from(sorted(data)))
        return text + f"{key}: {json.dumps(data[key])}\n", poison
    if poison in ("nan", "inf", "negative_sd", "probability", "period"):
        path, value = {
            "nan": (("raters", "halo_sd"), float("nan")),
            "inf": ((block, "reference_leniency_sd_x" if block == "behaviour" else "x"),
                    float("inf")),
            "negative_sd": (("raters", draw(st.sampled_from(
                ["halo_sd", "error_sd", "leniency_sd", "value_specific_sd"]))),
                -draw(st.floats(0.001, 1e6))),
            "probability": (("rollout", "sosialisasi", "coverage"),
                            draw(st.sampled_from([1.5, 2.5, -0.1, 100.0]))),
            "period": (("rollout", "sosialisasi", "start_period"),
                       -draw(st.integers(1, 1000))),
        }[poison]
        node = data
        for k in path[:-1]:
            node = node.setdefault(k, {}) if isinstance(node.get(k, {}), dict) else {}
        node[path[-1]] = value
        return yaml.safe_dump(data), poison
    if poison == "anchor":
        return yaml.safe_dump(data) + "extra: &a [1, 2]\n", poison
    if poison == "alias":
        return "base: &b {halo_sd: 0.5}\n" + yaml.safe_dump(data) + "more: *b\n", poison
    if poison == "deep":
        d = draw(st.integers(25, 3000))
        return yaml.safe_dump(data) + "deep: " + "[" * d + "]" * d + "\n", poison
    if poison == "unknown_key":
        data.setdefault(block, {})[draw(st.sampled_from(["halo", "coverag", "leniency"]))] = 1
        return yaml.safe_dump(data), poison
    if poison == "unknown_opd":
        data["organisation"] = {"by_opd": {"Dinas Khayalan": "Baik"}}
        data.setdefault("scheme", {}).setdefault("params", {})
        data["scheme"] = {"name": "permenpanrb_6_2022",
                          "params": {"distribution": {"enabled": True}}}
        return yaml.safe_dump(data), poison
    data["scheme"] = {"name": "weighted_kpi", "params": {"indicator_weights": {
        "by_rumpun": {"kesehatn": {"vaksinasi": 1.0}}}}}
    return yaml.safe_dump(data), poison


@settings(suppress_health_check=HEALTH)
@given(case=poisoned_text())
def test_a_file_with_a_known_defect_never_loads(scratch, case):
    text, poison = case
    f = scratch / "poisoned.yaml"
    f.write_text(text, encoding="utf-8")
    out = _load("poisoned", f)
    assert isinstance(out, InputError), f"{poison}: a defective scenario loaded"


@settings(suppress_health_check=HEALTH)
@given(text=st.one_of(st.text(max_size=200), st.builds(
    lambda k, v: f"{k}={v}", st.one_of(st.sampled_from(
        ["raters.halo_sd", "scheme.params.distribution.enabled", "a..b", "", " x "]),
        st.text(max_size=30)), st.one_of(scalars.map(str), st.text(max_size=60)))))
def test_any_override_text_parses_or_fails_with_input_error(text):
    t0 = time.perf_counter()
    try:
        key, _ = parse_override(text)
    except InputError as err:
        _record("override_text", "input_error", time.perf_counter() - t0, len(str(err)))
        assert len(str(err)) < 2000
        return
    _record("override_text", "loaded", time.perf_counter() - t0)
    assert key and "=" in text
