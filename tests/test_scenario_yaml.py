"""Safe scenario YAML (issue 9, "Scenario files"): duplicate keys, non-finite numbers, aliases,
deep nesting, bad ``extends:`` targets and oversized files are clean InputErrors with the file,
key path and line, and no message echoes an unbounded piece of the input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kinerja_sim.errors import InputError
from kinerja_sim.scenario import load_scenario, parse_override
from kinerja_sim.yaml_safe import MAX_BYTES, MAX_DEPTH, YamlProblem, load_text

ROOT = Path(__file__).resolve().parent.parent
HEAD = "name: t\nscheme: {name: pp30_2019}\n"


def _problems(tmp_path, text: str, name: str = "s.yaml") -> InputError:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(f)
    return err.value


def test_duplicate_top_level_key_is_an_error_with_both_lines(tmp_path):
    err = _problems(tmp_path, "name: t\nscheme: {name: pp30_2019}\nscheme: {name: pp46_2011}\n")
    (p,) = err.problems
    assert p.file.endswith("s.yaml")
    assert p.location.startswith("scheme (line 3")
    assert "first at line 2" in p.message and "again at line 3" in p.message


def test_duplicate_nested_key_names_its_key_path(tmp_path):
    err = _problems(tmp_path, HEAD + "raters:\n  halo_sd: 0.5\n  error_sd: 0.7\n  halo_sd: 0.9\n")
    assert err.problems[0].location.startswith("raters.halo_sd (line 6")


@pytest.mark.parametrize("literal", [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1.0e+999"])
def test_non_finite_numbers_are_errors_at_their_key_path(tmp_path, literal):
    err = _problems(tmp_path, HEAD + f"behaviour:\n  effort_cost: {{own: {literal}}}\n")
    (p,) = err.problems
    assert p.location.startswith("behaviour.effort_cost.own (line 4")
    assert "non-finite" in p.message


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e999"])
def test_non_finite_strings_are_rejected_by_the_models(tmp_path, text):
    # plain words YAML reads as strings, which pydantic would turn into float NaN / inf
    err = _problems(tmp_path, HEAD + f"raters: {{halo_sd: '{text}'}}\n")
    assert [p.location for p in err.problems] == ["raters.halo_sd"]
    assert "finite" in err.problems[0].message


def test_non_finite_in_a_dict_scenario_or_override_is_an_error():
    with pytest.raises(InputError, match="non-finite"):
        load_scenario({"name": "x", "scheme": {"name": "pp30_2019"},
                       "raters": {"halo_sd": float("nan")}})
    with pytest.raises(InputError, match="non-finite"):
        load_scenario("status_quo", {"raters.halo_sd": float("inf")})
    with pytest.raises(InputError, match="non-finite"):
        parse_override("raters.halo_sd=.nan")


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    lol = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lol.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    err = _problems(tmp_path, HEAD + "\n".join(lol) + "\n")
    assert len(str(err)) < 1000
    assert "anchor" in err.problems[0].message
    alias_only = _problems(tmp_path, HEAD + "description: *x\n")
    assert "alias" in alias_only.problems[0].message


def test_merge_keys_and_foreign_tags_are_refused(tmp_path):
    assert "merge" in str(_problems(tmp_path, HEAD + "raters: {<<: {halo_sd: 1}}\n"))
    assert "tag" in str(_problems(tmp_path, HEAD + "description: !!binary aGVsbG8=\n"))
    assert "tag" in str(_problems(tmp_path, HEAD + "raters: !!python/object:os.system {}\n"))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 100_000])
def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path, depth):
    err = _problems(tmp_path, "name: t\nx: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in str(err).lower() or "invalid YAML" in str(err)


def test_nesting_within_the_limit_is_fine():
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert load_text(text) == yaml.safe_load(text)


def test_oversized_file_is_refused_before_parsing(tmp_path):
    err = _problems(tmp_path, HEAD + "description: " + "x" * (MAX_BYTES + 10) + "\n")
    assert "larger than" in str(err)


def test_nul_byte_in_the_file_and_non_utf8_are_errors(tmp_path):
    f = tmp_path / "nul.yaml"
    f.write_bytes(HEAD.encode() + b"description: a\x00b\n")
    with pytest.raises(InputError, match="NUL"):
        load_scenario(f)
    f.write_bytes(HEAD.encode() + b"description: \xff\xfe\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_scenario(f)


@pytest.mark.parametrize("ref, expected", [
    (".", "directory"),
    ("does_not_exist.yaml", "not found"),
    ("a\\x00b.yaml", "NUL"),
    ("x" * 300, "longer than 255"),
    ("[1, 2]", "must be a file name"),
    ("''", "must be a file name"),
])
def test_bad_extends_targets_are_clean_input_errors(tmp_path, ref, expected):
    text = "extends: " + (f'"{ref}"' if "\\x00" in ref else ref) + "\nname: c\n"
    err = _problems(tmp_path, text)
    assert expected in str(err), str(err)
    assert len(str(err)) < 1500


def test_extends_into_a_subdirectory_and_a_cycle_of_three(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.yaml").write_text(HEAD)
    (tmp_path / "c.yaml").write_text("extends: sub/base\nname: c\n")
    assert load_scenario(tmp_path / "c.yaml").name == "c"
    for a, b in (("x", "y"), ("y", "z"), ("z", "x")):
        (tmp_path / f"{a}.yaml").write_text(f"extends: {b}.yaml\nname: {a}\n")
    with pytest.raises(InputError, match="circular extends: x.yaml -> y.yaml -> z.yaml"):
        load_scenario(tmp_path / "x.yaml")


def test_scenario_name_with_nul_byte_or_directory(tmp_path):
    with pytest.raises(InputError, match="NUL"):
        load_scenario("status\x00quo")
    with pytest.raises(InputError, match="directory"):
        load_scenario(tmp_path)


def test_echoed_values_are_truncated(tmp_path):
    blob = "A" * 1000  # (YAML limits implicit keys to 1024 characters)
    err = _problems(tmp_path, HEAD + f"tpp: {{split_preset: {blob}}}\n{blob}: 1\n")
    msg = str(err)
    assert len(msg) < 1200, len(msg)
    assert "AAAA..." in msg


def test_multiple_documents_and_non_mapping_are_errors(tmp_path):
    assert "more than one YAML document" in str(_problems(tmp_path, HEAD + "---\nname: u\n"))
    assert "mapping" in str(_problems(tmp_path, "- 1\n- 2\n"))


def test_huge_integers_are_errors_not_overflow(tmp_path):
    err = _problems(tmp_path, HEAD + "seed: " + "9" * 5000 + "\n")
    assert "out of range" in str(err) and len(str(err)) < 600


def test_dates_stay_strings_and_core_values_match_pyyaml():
    text = ("a: 2024-01-01\nb: yes\nc: ~\nd: 0x1F\ne: 1_000\nf: [1, 2.5, -3]\n"
            "g: {h: 'x', i: \"y\"}\nj: 1e3\n")
    data = load_text(text)
    assert data["a"] == "2024-01-01"
    expected = yaml.safe_load(text)
    expected["a"] = "2024-01-01"
    assert data == expected


def test_every_packaged_yaml_reads_the_same_as_pyyaml():
    files = list((ROOT / "scenarios").glob("*.yaml"))
    files += list((ROOT / "kinerja_sim" / "data").rglob("*.yaml"))
    assert len(files) > 15
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_text(text) == yaml.safe_load(text), f


def test_yaml_problem_location_has_path_and_line():
    with pytest.raises(YamlProblem) as err:
        load_text("a:\n  b: 1\n  b: 2\n")
    assert err.value.location == "a.b (line 3, column 3)"
