"""Scenario reading rules, checked piece by piece (issue 12, gaps found by mutation testing of
``kinerja_sim/scenario.py``).

Every problem a scenario can raise is compared whole (file, key path, message, expected), not
by a substring: a message whose words are replaced passes a substring test. The expected texts
are the ones docs/scenarios.md promises (file, key path, what is wrong, what was expected);
the merging, ``extends:``, override and lookup rules are worked by hand on small mappings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.scenario import (
    MAX_EXTENDS,
    SCENARIO_DIR,
    _bad_reference,
    _label,
    _locate,
    _read_yaml,
    _resolve_extends,
    apply_overrides,
    find_scenario,
    inherit,
    load_scenario,
    parse_override,
)
from kinerja_sim.schemes import get_scheme
from kinerja_sim.yaml_safe import MAX_BYTES, YamlProblem, load_text

HEAD = "name: t\nscheme: {name: pp30_2019}\n"
#: the organisation predikat of SE MenPANRB 03/2023 in their order (worst first)
SE_ORDER = ["Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa"]


def _repr_cut(value, limit=60):
    """What a message echoes of a value: its repr, cut to ``limit`` characters with '...'."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _problems_of(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(InputError) as err:
        call(*args, **kwargs)
    return err.value.problems


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- how files are named


def test_label_keeps_a_printable_name_up_to_200_characters():
    assert _label("a/b.yaml") == "a/b.yaml"
    assert _label(Path("/x/y.yaml")) == "/x/y.yaml"
    name = "n" * 195 + ".yaml"  # 200 characters
    assert _label(name) == name


def test_label_cuts_a_longer_or_unprintable_name_to_120_characters_of_its_repr():
    name = "n" * 196 + ".yaml"  # 201 characters
    assert _label(name) == repr(name)[:117] + "..."
    assert len(_label(name)) == 120
    assert _label("a\nb.yaml") == "'a\\nb.yaml'"


# ---------------------------------------------------------------- reading one file


def test_a_directory_is_not_a_scenario_file(tmp_path):
    problems = []
    assert _read_yaml(tmp_path, problems) is None
    assert problems == [Problem(str(tmp_path), "", "is a directory, not a scenario file",
                                expected="a .yaml file")]


def test_a_file_of_exactly_max_bytes_is_read_and_one_byte_more_is_refused(tmp_path):
    body = HEAD + "# "
    exact = _write(tmp_path / "exact.yaml", body + "x" * (MAX_BYTES - len(body) - 1) + "\n")
    assert exact.stat().st_size == MAX_BYTES
    problems = []
    assert _read_yaml(exact, problems) == {"name": "t", "scheme": {"name": "pp30_2019"}}
    assert problems == []
    big = _write(tmp_path / "big.yaml", body + "x" * (MAX_BYTES - len(body)) + "\n")
    assert big.stat().st_size == MAX_BYTES + 1
    assert _read_yaml(big, problems) is None
    assert problems == [Problem(str(big), "", "file is larger than 32 kB",
                                expected="a scenario of a few kB")]


def test_a_missing_file_is_not_found(tmp_path):
    problems = []
    assert _read_yaml(tmp_path / "nope.yaml", problems) is None
    assert problems == [Problem(str(tmp_path / "nope.yaml"), "", "scenario file not found")]


def test_an_unreadable_name_gives_the_reason(tmp_path):
    long_name = tmp_path / ("x" * 300 + ".yaml")  # longer than a file name may be
    problems = []
    assert _read_yaml(long_name, problems) is None
    assert problems == [Problem(_label(long_name), "",
                                "cannot read the scenario file: File name too long")]
    nul = Path("a\x00b.yaml")  # no strerror: the error text, cut to 80 characters
    problems = []
    assert _read_yaml(nul, problems) is None
    assert problems == [Problem("'a\\x00b.yaml'", "",
                                "cannot read the scenario file: 'embedded null byte'")]


def test_non_utf8_bytes_are_not_a_scenario(tmp_path):
    f = tmp_path / "latin.yaml"
    f.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    problems = []
    assert _read_yaml(f, problems) is None
    assert problems == [Problem(str(f), "", "file is not UTF-8 text",
                                expected="a UTF-8 encoded YAML file")]


def test_a_byte_order_mark_is_not_part_of_the_first_key(tmp_path):
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + HEAD.encode())  # as Windows Notepad saves UTF-8
    problems = []
    assert _read_yaml(f, problems) == {"name": "t", "scheme": {"name": "pp30_2019"}}
    assert problems == []
    assert load_scenario(f).name == "t"


def test_a_yaml_problem_keeps_its_location_and_message(tmp_path):
    text = HEAD + "raters:\n  halo_sd: 0.5\n  halo_sd: 0.6\n"
    with pytest.raises(YamlProblem) as yp:
        load_text(text)
    f = _write(tmp_path / "dup.yaml", text)
    problems = []
    assert _read_yaml(f, problems) is None
    assert problems == [Problem(str(f), yp.value.location, yp.value.message)]
    assert yp.value.location.startswith("raters.halo_sd (line 5")


@pytest.mark.parametrize("text", ["- 1\n- 2\n", "just text\n", "", "# only a comment\n"])
def test_a_document_that_is_not_a_mapping_is_refused(tmp_path, text):
    f = _write(tmp_path / "list.yaml", text)
    problems = []
    assert _read_yaml(f, problems) is None
    assert problems == [Problem(str(f), "", "a scenario must be a YAML mapping",
                                expected="keys such as name, scheme, tpp, raters")]


# ---------------------------------------------------------------- extends: references


def test_bad_reference_reasons():
    for ref in (None, 3, ["a.yaml"], "", "   "):
        assert _bad_reference(ref) == "must be a file name"
    assert _bad_reference("a\x00b.yaml") == "file name contains a NUL byte"
    assert _bad_reference("x" * 255) is None
    assert _bad_reference("x" * 256) == "file name is longer than 255 characters"
    assert _bad_reference("status_quo") is None


def test_a_bad_extends_in_a_file_names_the_file_and_what_was_given(tmp_path):
    f = _write(tmp_path / "c.yaml", "extends: [a, b]\nname: c\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(f), "extends", "must be a file name; got ['a', 'b']",
                expected="a path relative to this scenario")]
    f = _write(tmp_path / "d.yaml", f"extends: {'y' * 300}\nname: d\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(f), "extends", "file name is longer than 255 characters; got "
                + _repr_cut("y" * 300), expected="a path relative to this scenario")]


def test_extends_null_means_no_base(tmp_path):
    f = _write(tmp_path / "c.yaml", "extends: null\n" + HEAD)
    problems = []
    assert _resolve_extends(f, problems) == {"name": "t", "scheme": {"name": "pp30_2019"}}
    assert problems == []


def test_a_scenario_that_extends_itself_is_circular(tmp_path):
    f = _write(tmp_path / "self.yaml", "extends: self.yaml\nname: s\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(f), "extends", "circular extends: self.yaml -> self.yaml")]


def test_a_long_circular_chain_is_cut_to_300_characters(tmp_path):
    a, b = "a" * 150, "b" * 150
    _write(tmp_path / f"{a}.yaml", f"extends: {b}.yaml\nname: a\n")
    _write(tmp_path / f"{b}.yaml", f"extends: {a}.yaml\nname: b\n")
    chain = f"{a}.yaml -> {b}.yaml -> {a}.yaml"
    assert len(chain) > 300
    (p,) = _problems_of(load_scenario, tmp_path / f"{a}.yaml")
    assert p == Problem(_label(tmp_path / f"{a}.yaml"), "extends",
                        f"circular extends: {chain[:300]}")


def _chain(tmp_path: Path, files: int) -> Path:
    """f0 extends f1 ... extends f<files-1>, which has no extends:."""
    for i in range(files - 1):
        _write(tmp_path / f"f{i}.yaml", f"extends: f{i + 1}.yaml\nname: f{i}\n")
    _write(tmp_path / f"f{files - 1}.yaml", HEAD)
    return tmp_path / "f0.yaml"


def test_an_extends_chain_of_max_extends_files_is_followed(tmp_path):
    assert MAX_EXTENDS == 16
    sc = load_scenario(_chain(tmp_path, MAX_EXTENDS))
    assert sc.name == "f0" and sc.spec.scheme.name == "pp30_2019"


def test_an_extends_chain_one_file_longer_is_refused_at_the_last_file(tmp_path):
    first = _chain(tmp_path, MAX_EXTENDS + 1)
    last = tmp_path / f"f{MAX_EXTENDS}.yaml"
    assert _problems_of(load_scenario, first) == [
        Problem(str(last), "extends", "extends chain longer than 16 files")]


def test_a_path_that_cannot_be_resolved_is_a_problem_not_a_crash(tmp_path):
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    with pytest.raises(RuntimeError) as why:  # how Python 3.11 reports a symlink loop
        (tmp_path / "a.yaml").resolve()
    problems = []
    assert _resolve_extends(tmp_path / "a.yaml", problems) is None
    assert problems == [Problem(str(tmp_path / "a.yaml"), "",
                                "cannot resolve the path: " + _repr_cut(str(why.value), 80))]


def test_a_missing_base_is_reported_and_the_child_not_validated(tmp_path):
    f = _write(tmp_path / "c.yaml", "extends: gone\nname: c\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(tmp_path / "gone.yaml"), "", "scenario file not found")]


# ---------------------------------------------------------------- inheritance


def test_inherit_merges_mappings_and_replaces_other_values():
    base = {"name": "b", "raters": {"halo_sd": 0.5, "error_sd": 0.7}, "l": [1, 2],
            "scheme": {"name": "pp30_2019", "params": {"weights_preset": "default"}}}
    child = {"name": "c", "raters": {"halo_sd": 0.9}, "l": [3]}
    assert inherit(base, child) == {
        "name": "c", "raters": {"halo_sd": 0.9, "error_sd": 0.7}, "l": [3],
        "scheme": {"name": "pp30_2019", "params": {"weights_preset": "default"}}}


def test_inherit_keeps_the_base_params_under_the_same_scheme():
    base = {"scheme": {"name": "pp30_2019", "params": {"a": 1}, "x": 2}}
    assert inherit(base, {"scheme": {"name": "pp30_2019", "params": {"b": 3}}}) == {
        "scheme": {"name": "pp30_2019", "params": {"a": 1, "b": 3}, "x": 2}}
    assert inherit(base, {"scheme": {"params": {"b": 3}}}) == {
        "scheme": {"name": "pp30_2019", "params": {"a": 1, "b": 3}, "x": 2}}


def test_inherit_drops_the_base_params_when_the_child_switches_scheme():
    base = {"name": "b", "scheme": {"name": "pp30_2019", "params": {"a": 1}, "x": 2}}
    assert inherit(base, {"scheme": {"name": "pp46_2011"}}) == {
        "name": "b", "scheme": {"name": "pp46_2011", "x": 2}}
    assert base == {"name": "b", "scheme": {"name": "pp30_2019", "params": {"a": 1}, "x": 2}}


def test_inherit_with_a_scheme_that_is_not_a_mapping():
    # base scheme not a mapping: the child's scheme name differs from "none", so it replaces
    assert inherit({"scheme": "pp30_2019", "n": 1}, {"scheme": {"name": "pp46_2011"}}) == {
        "scheme": {"name": "pp46_2011"}, "n": 1}
    # child scheme not a mapping: it replaces the base's (validation then reports it)
    assert inherit({"scheme": {"name": "pp30_2019", "params": {"a": 1}}}, {"scheme": "x"}) == {
        "scheme": "x"}
    # neither has one
    assert inherit({"n": 1}, {"m": 2}) == {"n": 1, "m": 2}


def test_a_child_scenario_switching_scheme_starts_from_that_schemes_defaults(tmp_path):
    _write(tmp_path / "base.yaml", "name: b\nscheme:\n  name: pp30_2019\n  params:\n"
           "    weights_preset: with_peer_subordinate_input\n")
    child = _write(tmp_path / "c.yaml", "extends: base\nname: c\nscheme: {name: pp46_2011}\n")
    sc = load_scenario(child)
    assert sc.spec.scheme.name == "pp46_2011"
    assert sc.scheme_params == get_scheme("pp46_2011").params_from({})


# ---------------------------------------------------------------- where a reference points


def test_locate_adds_yaml_to_a_bare_name_relative_to_the_scenario(tmp_path):
    assert _locate("base", tmp_path) == tmp_path / "base.yaml"
    assert _locate("sub/base", tmp_path) == tmp_path / "sub" / "base.yaml"
    assert _locate("base.yml", tmp_path) == tmp_path / "base.yml"
    assert _locate("base.txt", tmp_path) == tmp_path / "base.txt"


def test_locate_keeps_an_absolute_path_and_a_directory(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    assert _locate(str(tmp_path / "x"), other) == tmp_path / "x.yaml"
    assert _locate(str(tmp_path / "x.yaml"), other) == tmp_path / "x.yaml"
    assert _locate("other", tmp_path) == other


def test_locate_leaves_an_unusable_name_to_the_reader(tmp_path):
    long = "x" * 300  # stat() fails: the name is kept as given, reported when it is read
    assert _locate(long, tmp_path) == tmp_path / long


# ---------------------------------------------------------------- --set overrides


def test_parse_override_reads_the_value_as_yaml():
    assert parse_override("raters.halo_sd=0.5") == ("raters.halo_sd", 0.5)
    assert parse_override(" scheme.params.distribution.enabled = true") == (
        "scheme.params.distribution.enabled", True)
    assert parse_override("a.b=[1, 2]") == ("a.b", [1, 2])
    assert parse_override("a=b=c") == ("a", "b=c")
    assert parse_override("a=") == ("a", None)


def test_parse_override_without_equals_sign():
    assert _problems_of(parse_override, "raters.halo_sd") == [
        Problem("<command line>", "'raters.halo_sd'", "override must look like key.path=value")]
    text = "k" * 100
    assert _problems_of(parse_override, text) == [
        Problem("<command line>", _repr_cut(text), "override must look like key.path=value")]


@pytest.mark.parametrize("key", ["", " ", "a..b", ".a", "a."])
def test_parse_override_key_must_be_a_dotted_path(key):
    assert _problems_of(parse_override, f"{key}=1") == [
        Problem("<command line>", repr(key.strip()),
                "override key must be a dotted path such as raters.halo_sd")]


def test_parse_override_value_problem_names_the_key():
    with pytest.raises(YamlProblem) as yp:
        load_text("[1,")
    assert _problems_of(parse_override, "raters.halo_sd=[1,") == [
        Problem("<command line>", "'raters.halo_sd'", f"value: {yp.value.message}")]
    key = "k" * 100
    assert _problems_of(parse_override, f"{key}=[1,") == [
        Problem("<command line>", _repr_cut(key, 80), f"value: {yp.value.message}")]


def test_apply_overrides_creates_merges_and_replaces():
    data = {"raters": {"halo_sd": 0.5, "error_sd": 0.7}, "tpp": 3, "l": [1, 2],
            "scheme": {"params": {"a": {"x": 1, "y": 2}}}}
    out = apply_overrides(data, {
        "raters.halo_sd": 0.9,                   # replaces a value
        "behaviour.effort_cost.own": 2.0,        # creates the intermediate mappings
        "tpp.split_preset": "default",           # a non-mapping on the way becomes a mapping
        "l": [3],                                # a list replaces
        "scheme.params.a": {"y": 5, "z": 6},     # a mapping merges key by key
    })
    assert out == {"raters": {"halo_sd": 0.9, "error_sd": 0.7}, "tpp": {"split_preset": "default"},
                   "l": [3], "scheme": {"params": {"a": {"x": 1, "y": 5, "z": 6}}},
                   "behaviour": {"effort_cost": {"own": 2.0}}}
    assert data == {"raters": {"halo_sd": 0.5, "error_sd": 0.7}, "tpp": 3, "l": [1, 2],
                    "scheme": {"params": {"a": {"x": 1, "y": 2}}}}


def test_apply_overrides_mapping_over_a_non_mapping_replaces_it():
    assert apply_overrides({"a": {"b": 1}}, {"a.b": {"c": 2}}) == {"a": {"b": {"c": 2}}}
    assert apply_overrides({"a": 1}, {"a": {"c": 2}}) == {"a": {"c": 2}}


def test_apply_overrides_copies_the_values_it_is_given():
    value = {"c": [1, 2]}
    lst = [1, 2]
    out = apply_overrides({}, {"a.b": value, "l": lst})
    value["c"].append(3)
    lst.append(3)
    assert out == {"a": {"b": {"c": [1, 2]}}, "l": [1, 2]}
    out = apply_overrides({"a": {"b": {"d": 0}}}, {"a.b": value})
    value["c"].append(4)
    assert out == {"a": {"b": {"d": 0, "c": [1, 2, 3]}}}


# ---------------------------------------------------------------- finding a scenario


def test_find_scenario_name_is_a_bundled_file_and_a_path_stays_a_path(tmp_path):
    assert find_scenario("status_quo") == SCENARIO_DIR / "status_quo.yaml"
    assert find_scenario("nope") == SCENARIO_DIR / "nope.yaml"
    assert find_scenario("nope.yaml") == Path("nope.yaml")
    assert find_scenario("nope.yml") == Path("nope.yml")
    assert find_scenario("sub/nope") == Path("sub/nope")
    assert find_scenario(tmp_path) == tmp_path
    f = _write(tmp_path / "mine", HEAD)  # an existing file, whatever its name
    assert find_scenario(f) == f


def test_find_scenario_an_existing_bare_name_in_the_working_directory_is_that_file(
        tmp_path, monkeypatch):
    # no suffix, no directory part: only the file's existence makes it a path, not a name
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "status_quo", HEAD)
    assert find_scenario("status_quo") == Path("status_quo")


def test_find_scenario_a_name_the_os_cannot_stat_is_a_bundled_name():
    name = "\u00e9" * 200  # 200 characters, 400 bytes: longer than a file name may be
    assert find_scenario(name) == SCENARIO_DIR / f"{name}.yaml"


def test_find_scenario_refuses_what_cannot_be_a_file_name():
    assert _problems_of(find_scenario, "") == [Problem("", "", "scenario: must be a file name")]
    assert _problems_of(find_scenario, "a\x00b") == [
        Problem("'a\\x00b'", "", "scenario: file name contains a NUL byte")]


# ---------------------------------------------------------------- scenarios given as mappings


def test_a_mapping_scenario_with_a_non_finite_value_names_the_scenario():
    nan = float("nan")
    msg = "non-finite number (NaN and infinity are not parameter values)"
    assert _problems_of(load_scenario, {"name": "x", "scheme": {"name": "pp46_2011"},
                                        "seed": nan}) == [Problem("<scenario>", "seed", msg)]
    assert _problems_of(load_scenario, {"name": "x", "scheme": {"name": "pp46_2011"}},
                        {"raters.halo_sd": nan}) == [
        Problem("<scenario>", "raters.halo_sd", msg)]
    assert _problems_of(load_scenario, "pp46_2011", {"raters.halo_sd": nan}) == [
        Problem("<overrides>", "raters.halo_sd", msg)]


def test_a_mapping_scenario_can_extend_a_bundled_scenario_by_name_or_file_name():
    for ref in ("pp46_2011", "pp46_2011.yaml"):
        source = {"extends": ref, "name": "mine", "raters": {"halo_sd": 0.3}}
        sc = load_scenario(source)
        assert sc.name == "mine" and sc.spec.scheme.name == "pp46_2011"
        assert sc.rater_params.halo_sd == 0.3
        assert sc.source == "<scenario>"
        assert source == {"extends": ref, "name": "mine", "raters": {"halo_sd": 0.3}}
    assert load_scenario({"extends": "pp46_2011", "name": "pp46_2011"}).hash == load_scenario(
        "pp46_2011").hash


def test_a_mapping_scenario_with_a_bad_or_missing_base():
    assert _problems_of(load_scenario, {"extends": 3, "name": "x"}) == [
        Problem("<scenario>", "extends", "must be a file name; got 3")]
    problems = _problems_of(load_scenario, {"extends": "nope", "name": "x",
                                            "scheme": {"name": "pp46_2011"}})
    assert problems == [Problem(str(SCENARIO_DIR / "nope.yaml"), "", "scenario file not found")]


def test_a_mapping_scenario_extending_a_path(tmp_path):
    base = _write(tmp_path / "base.yaml", HEAD + "raters: {halo_sd: 0.2}\n")
    sc = load_scenario({"extends": str(base), "name": "c"})
    assert (sc.name, sc.spec.scheme.name, sc.rater_params.halo_sd) == ("c", "pp30_2019", 0.2)


# ---------------------------------------------------------------- validation


def test_problems_of_every_block_are_reported_together_with_the_file(tmp_path):
    f = _write(tmp_path / "s.yaml", "name: s\nscheme:\n  name: pp30_2019\n  params:\n"
               "    weights_preset: nope\ntpp: [1]\nraters: {halo_sd: -1}\n"
               "measurement: 3\nbehaviour: 'x'\nrollout: [2]\n")
    problems = _problems_of(load_scenario, f)
    file = str(f)
    for block, got in (("tpp", "[1]"), ("measurement", "3"), ("behaviour", "'x'"),
                       ("rollout", "[2]")):
        assert Problem(file, block, f"Input should be a valid dictionary; got {got}") in problems
        assert Problem(file, block, "must be a mapping") in problems
    assert Problem(file, "scheme.params.weights_preset",
                   "Input should be 'default' or 'with_peer_subordinate_input'; got 'nope'"
                   ) in problems
    assert Problem(file, "raters.halo_sd",
                   "Input should be greater than or equal to 0; got -1") in problems
    assert len(problems) == 10


def test_scheme_params_that_are_not_a_mapping(tmp_path):
    f = _write(tmp_path / "s.yaml", "name: s\nscheme: {name: pp46_2011, params: [1]}\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(f), "scheme.params", "Input should be a valid dictionary; got [1]"),
        Problem(str(f), "scheme.params", "must be a mapping")]


def test_a_null_block_is_one_problem_not_two(tmp_path):
    # the spec refuses null; the block validators read null as "no overrides", so they do not
    # report a second "must be a mapping" for it
    f = _write(tmp_path / "s.yaml", "name: s\nscheme: {name: pp46_2011, params: null}\n"
               "tpp: null\nraters: {}\n")
    assert _problems_of(load_scenario, f) == [
        Problem(str(f), "scheme.params", "Input should be a valid dictionary; got None"),
        Problem(str(f), "tpp", "Input should be a valid dictionary; got None")]


def test_a_scheme_that_is_not_a_mapping_or_unknown_is_one_problem(tmp_path):
    f = _write(tmp_path / "s.yaml", "name: s\nscheme: pp46_2011\n")
    assert _problems_of(load_scenario, f) == [Problem(
        str(f), "scheme",
        "Input should be a valid dictionary or instance of SchemeSpec; got 'pp46_2011'")]
    f = _write(tmp_path / "u.yaml", "name: s\nscheme: {name: pp99, params: {a: 1}}\n")
    (p,) = _problems_of(load_scenario, f)
    assert (p.file, p.location) == (str(f), "scheme.name")
    f = _write(tmp_path / "n.yaml", "name: s\nscheme: {name: 7}\n")
    (p,) = _problems_of(load_scenario, f)
    assert (p.file, p.location) == (str(f), "scheme.name")


def test_loaded_scenario_carries_every_resolved_block(tmp_path):
    from kinerja_sim import behaviour, indicators, raters
    from kinerja_sim.schemes import tpp

    f = _write(tmp_path / "s.yaml", "name: s\nscheme: {name: pp46_2011}\n"
               "tpp: {split_preset: jatim_40_60}\nraters: {halo_sd: 0.3}\n")
    sc = load_scenario(f)
    assert sc.source == str(f) and sc.name == "s"
    assert sc.scheme_params == get_scheme("pp46_2011").params_from({})
    assert sc.tpp_params == tpp.params_from({"split_preset": "jatim_40_60"})
    assert sc.rater_params == raters.rater_params_from({"halo_sd": 0.3})
    assert sc.catalogue == indicators.catalogue_from({})
    assert sc.behaviour_params == behaviour.params_from({})
    assert sc.rollout_params == behaviour.rollout_from({})


# ---------------------------------------------------------------- the content hash


def test_hash_is_16_hex_digits_and_ignores_description_and_label():
    a = load_scenario("pp46_2011")
    assert len(a.hash) == 16 and int(a.hash, 16) >= 0
    other = load_scenario("pp46_2011", {"description": "another text",
                                        "label": {"id": "lain", "en": "other"}})
    assert other.hash == a.hash
    assert load_scenario("pp46_2011", {"name": "renamed"}).hash != a.hash


def test_hash_does_not_depend_on_the_order_of_keys():
    one = load_scenario("permenpanrb_6_2022_kurva", {"organisation.by_opd": {
        "Dinas Pendidikan": "Kurang", "Inspektorat": "Istimewa"}})
    two = load_scenario("permenpanrb_6_2022_kurva", {"organisation.by_opd": {
        "Inspektorat": "Istimewa", "Dinas Pendidikan": "Kurang"}})
    assert one.hash == two.hash
    assert list(one.spec.organisation.by_opd) != list(two.spec.organisation.by_opd)


def test_hash_is_the_sha256_of_the_resolved_content():
    # an independent digest of the same content in another order of keys gives the same value
    sc = load_scenario("status_quo")
    content = {
        "understanding": sc.understanding.value,
        "rollout": sc.rollout_params.model_dump(mode="json"),
        "behaviour": sc.behaviour_params.model_dump(mode="json"),
        "measurement": sc.catalogue.model_dump(mode="json"),
        "raters": sc.rater_params.model_dump(mode="json"),
        "tpp": sc.tpp_params.model_dump(mode="json"),
        "scheme": sc.scheme_params.model_dump(mode="json"),
        "spec": sc.spec.model_dump(mode="json", exclude={"description", "label"}),
    }
    text = json.dumps(content, sort_keys=True)
    assert sc.hash == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- organisation predikat


def test_org_predikat_codes_follow_the_se_order_with_the_default_for_other_opds():
    sc = load_scenario("permenpanrb_6_2022_kurva", {"organisation": {
        "default": "Kurang", "by_opd": {"Dinas Pendidikan": "Istimewa",
                                        "Inspektorat": "Butuh Perbaikan"}}})
    opds = ["Inspektorat", "Dinas Pendidikan", "Dinas Kesehatan"]
    assert sc.org_predikat_codes(opds) == [SE_ORDER.index("Butuh Perbaikan"),
                                           SE_ORDER.index("Istimewa"), SE_ORDER.index("Kurang")]
    assert sc.org_predikat_codes(tuple(opds)) == [2, 4, 1]


def test_org_predikat_codes_refuse_an_opd_the_workforce_lacks():
    sc = load_scenario("permenpanrb_6_2022_kurva",
                       {"organisation.by_opd": {"Dinas Pendidikan": "Istimewa"}})
    (p,) = _problems_of(sc.org_predikat_codes, ["Inspektorat", "Disdik"])
    assert p.file == sc.source and p.location == "organisation.by_opd.Dinas Pendidikan"
    assert p.message == "OPD 'Dinas Pendidikan' is not in the workforce (the workforce)"


def test_check_opd_names_checks_rumpun_names_only_when_given():
    sc = load_scenario("kpi_objektif_binjai")
    opds = ["Dinas Pendidikan", "Inspektorat"]
    sc.check_opd_names(opds)  # by_rumpun names are not checked without rumpun names
    problems = _problems_of(sc.check_opd_names, opds, ["kesehatan", "pelayanan_administrasi",
                                                       "ketertiban_umum", "teknis"])
    assert [p.location for p in problems] == [
        "scheme.params.indicator_weights.by_rumpun.pendidikan"]
    assert problems[0].message == (
        "rumpun 'pendidikan' is not in the workforce (the workforce)")
    assert problems[0].file == sc.source


def test_org_predikat_codes_check_rumpun_names_when_given():
    sc = load_scenario("kpi_objektif_binjai")
    opds = ["Dinas Pendidikan", "Inspektorat"]
    assert len(sc.org_predikat_codes(opds)) == 2  # rumpun not checked without their names
    problems = _problems_of(sc.org_predikat_codes, opds, ["kesehatan", "teknis"])
    assert "scheme.params.indicator_weights.by_rumpun.pendidikan" in [
        p.location for p in problems]


# ---------------------------------------------------------------- the other schemes' keys


def test_a_key_of_another_scheme_says_which_scheme_has_it(tmp_path):
    f = _write(tmp_path / "s.yaml", "name: s\nscheme:\n  name: pp30_2019\n  params:\n"
               "    hasil: {}\n    distribution: {}\n    nope: 1\n")
    problems = _problems_of(load_scenario, f)
    assert problems == [
        Problem(str(f), "scheme.params.hasil", "unknown key: a parameter of permenpanrb_6_2022, "
                "not of pp30_2019 (the scheme in use)"),
        Problem(str(f), "scheme.params.distribution", "unknown key: a parameter of "
                "permenpanrb_6_2022, weighted_kpi, not of pp30_2019 (the scheme in use)"),
        Problem(str(f), "scheme.params.nope", "unknown key")]


def test_only_a_top_level_unknown_scheme_parameter_gets_the_hint(tmp_path):
    # weights.hasil is four levels deep: a key of the weights, not a scheme parameter
    f = _write(tmp_path / "s.yaml", "name: s\nscheme:\n  name: pp46_2011\n  params:\n"
               "    weights: {hasil: 1}\n    perilaku: {}\n")
    problems = _problems_of(load_scenario, f)
    assert Problem(str(f), "scheme.params.weights.hasil", "unknown key") in problems
    assert Problem(str(f), "scheme.params.perilaku", "unknown key: a parameter of pp30_2019, "
                   "permenpanrb_6_2022, not of pp46_2011 (the scheme in use)") in problems


def test_other_problems_of_a_scheme_parameter_are_not_changed(tmp_path):
    # the value of a parameter the scheme has is wrong: no hint (it is not an unknown key)
    f = _write(tmp_path / "s.yaml", "name: s\nscheme:\n  name: pp30_2019\n  params:\n"
               "    bands: 3\n")
    (p,) = _problems_of(load_scenario, f)
    assert p.location == "scheme.params.bands" and "a parameter of" not in p.message
    assert p.message.startswith("Input should be a valid dictionary")


# ---------------------------------------------------------------- understanding baseline


def test_a_practice_scenario_that_does_not_exist_is_a_problem_of_the_file(tmp_path):
    f = _write(tmp_path / "s.yaml", "name: s\nscheme: {name: pp46_2011}\n"
               "rollout: {understanding_rule: {practice_scenario: nope}}\n")
    assert _problems_of(load_scenario, f) == [Problem(
        str(f), "rollout.understanding_rule.practice_scenario",
        "no bundled scenario of that name, or it does not load",
        expected="a scenario in scenarios/, e.g. status_quo")]


def test_the_derived_understanding_records_the_rule_keys_it_read():
    sc = load_scenario("pp46_2011")
    assert sc.understanding.source == "rule"
    assert "half_life_years" in sc.understanding_read
    given = load_scenario("pp46_2011", {"rollout.understanding_baseline": 0.5})
    assert given.understanding_read == frozenset()
    assert (given.understanding.value, given.understanding.source) == (0.5, "scenario")


# ---------------------------------------------------------------- what load_scenario checks against


def test_names_are_checked_against_the_workforce_passed_in():
    o = {"organisation.by_opd": {"Kecamatan Binjai Kota": "Istimewa"}}
    assert load_scenario("permenpanrb_6_2022_kurva", o).name == "permenpanrb_6_2022_kurva"
    (p,) = _problems_of(load_scenario, "permenpanrb_6_2022_kurva", o, workforce="nasional")
    assert p.location == "organisation.by_opd.Kecamatan Binjai Kota"
    assert p.message == "OPD 'Kecamatan Binjai Kota' is not in the workforce (profile nasional)"
    assert p.file == str(SCENARIO_DIR / "permenpanrb_6_2022_kurva.yaml")


def test_inert_allow_skips_only_the_inert_check():
    # the status quo does not read the half-life (it is today's practice): inert
    o = {"rollout.understanding_rule.half_life_years": 2.0}
    (p,) = _problems_of(load_scenario, "status_quo", o)
    assert p.location == "rollout.understanding_rule.half_life_years"
    assert p.message.startswith("has no effect")
    sc = load_scenario("status_quo", o, inert="allow")
    assert sc.rollout_params.understanding_rule.half_life_years == 2.0
    # names are still checked
    o["organisation.by_opd"] = {"Dinas Fiktif": "Baik"}
    (p,) = _problems_of(load_scenario, "status_quo", o, inert="allow")
    assert p.location == "organisation.by_opd.Dinas Fiktif"
