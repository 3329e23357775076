"""Scenario files: YAML -> validated, fully resolved scenario with a stable content hash.

A scenario names a scheme and overrides any packaged parameter (scheme, TPP, raters,
measurement, behaviour). ``extends:`` inherits a base scenario and ``--set a.b.c=value``
applies dotted-path overrides, the PolicyEngine way. Unknown keys are errors and every problem
in a file is reported at once with its key path: a reform that silently does nothing is the
worst failure a policy tool can have.

Files are read by :mod:`kinerja_sim.yaml_safe` (no duplicate keys, NaN, aliases or unbounded
depth/size), and a loaded scenario has passed every check a run would make
(:mod:`kinerja_sim.scenario_checks`: names against the workforce, inert settings). Merging, for
``extends:`` and overrides alike: mappings merge key by key, every other value replaces.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import deep_merge
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.strict import StrictModel, problems_from_validation
from kinerja_sim.yaml_safe import MAX_BYTES, YamlProblem, check_plain, load_text, short

OrgPredikatName = Literal["Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa"]
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class Label(StrictModel):
    id: str = Field(min_length=1, max_length=120)
    en: str = Field(min_length=1, max_length=120)


class WorkforceSpec(StrictModel):
    """Which workforce a scenario runs on when none is passed in."""

    profile: str = Field("binjai", pattern=r"^[a-z][a-z0-9_]{0,59}$")
    seed: int = Field(2026, ge=0, le=2**53)
    n: int | None = Field(None, ge=50, le=10_000_000)


class SchemeSpec(StrictModel):
    name: Literal["pp46_2011", "pp30_2019", "permenpanrb_6_2022", "weighted_kpi"]
    params: dict[str, Any] = Field(default_factory=dict)


class OrganisationSpec(StrictModel):
    """Organisation predikat per OPD (SE MenPANRB 03/2023 step 1)."""

    default: OrgPredikatName = "Baik"
    by_opd: dict[str, OrgPredikatName] = Field(default_factory=dict)


class ScenarioSpec(StrictModel):
    name: str = Field(min_length=1, max_length=80)
    label: Label | None = None
    description: str = Field("", max_length=5000)
    seed: int = Field(2026, ge=0, le=2**53)
    workforce: WorkforceSpec = Field(default_factory=WorkforceSpec)
    scheme: SchemeSpec
    #: log shift of targets (T' = T exp(+-alpha)); |alpha| <= 1 is a factor e = 2.7 either way
    target_ambition: float = Field(0.0, ge=-1.0, le=1.0)
    tpp: dict[str, Any] = Field(default_factory=dict)
    raters: dict[str, Any] = Field(default_factory=dict)
    measurement: dict[str, Any] = Field(default_factory=dict)
    organisation: OrganisationSpec = Field(default_factory=OrganisationSpec)
    behaviour: dict[str, Any] = Field(default_factory=dict)
    rollout: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with every parameter block resolved against packaged defaults."""

    spec: ScenarioSpec
    scheme_params: Any
    tpp_params: Any
    rater_params: Any
    catalogue: Any
    behaviour_params: Any
    rollout_params: Any
    source: str
    hash: str
    #: baseline understanding of the scheme, a named assumption (kinerja_sim.understanding)
    understanding: Any = None
    #: keys of rollout.understanding_rule the derivation read (the others are inert here)
    understanding_read: frozenset = frozenset()

    @property
    def name(self) -> str:
        return self.spec.name

    def org_predikat_codes(self, opd_names: list[str] | tuple[str, ...],
                           rumpun_names: list[str] | tuple[str, ...] | None = None) -> list[int]:
        """Organisation predikat code (index into ORG_PREDIKAT) for each OPD name.

        OPD (and, given ``rumpun_names``, rumpun and indicator) names the scenario mentions but
        the workforce lacks are an error naming this scenario's file: a setting that silently
        matches nothing would make a reform look like it does nothing.
        """
        o = self.spec.organisation
        self.check_opd_names(opd_names, rumpun_names)
        return [ORG_PREDIKAT.index(o.by_opd.get(name, o.default)) for name in opd_names]

    def check_opd_names(self, opd_names: list[str] | tuple[str, ...],
                        rumpun_names: list[str] | tuple[str, ...] | None = None) -> None:
        from kinerja_sim.scenario_checks import WorkforceNames, name_problems

        names = WorkforceNames("the workforce", tuple(opd_names),
                               tuple(rumpun_names) if rumpun_names is not None else ())
        problems = name_problems(self, names)
        if rumpun_names is None:  # OPD names only
            problems = [p for p in problems if "OPD" in p.message]
        if problems:
            raise InputError(problems)


# ---------------------------------------------------------------- reading and resolving

#: Longest ``extends:`` chain followed (the bundled ones are 3 deep).
MAX_EXTENDS = 16


def _label(path: Path | str) -> str:
    """How a file is named in a message: as given, but never a whole pasted blob."""
    text = str(path)
    return text if len(text) <= 200 and text.isprintable() else short(text, 120)


def _read_yaml(path: Path, problems: list[Problem]) -> dict | None:
    file = _label(path)
    try:
        if path.is_dir():
            problems.append(Problem(file, "", "is a directory, not a scenario file",
                                    expected="a .yaml file"))
            return None
        if path.exists() and path.stat().st_size > MAX_BYTES:
            problems.append(Problem(file, "", f"file is larger than {MAX_BYTES // 1024} kB",
                                    expected="a scenario of a few kB"))
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(file, "", "scenario file not found"))
        return None
    except (OSError, ValueError) as err:  # permission, name too long, NUL byte in the name
        reason = getattr(err, "strerror", None) or short(str(err), 80)
        problems.append(Problem(file, "", f"cannot read the scenario file: {reason}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(file, "", "file is not UTF-8 text",
                                expected="a UTF-8 encoded YAML file"))
        return None
    try:
        data = load_text(text)
    except YamlProblem as err:
        problems.append(Problem(file, err.location, err.message))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, "", "a scenario must be a YAML mapping",
                                expected="keys such as name, scheme, tpp, raters"))
        return None
    return data


def _bad_reference(ref: object) -> str | None:
    """Why an ``extends:`` value cannot name a file, or None if it can."""
    if not isinstance(ref, str) or not ref.strip():
        return "must be a file name"
    if "\x00" in ref:
        return "file name contains a NUL byte"
    if len(ref) > 255:
        return "file name is longer than 255 characters"
    return None


def _resolve_extends(path: Path, problems: list[Problem], seen: tuple[Path, ...] = ()
                     ) -> dict | None:
    try:
        path = path.resolve()
    except (OSError, ValueError, RuntimeError) as err:
        problems.append(Problem(_label(path), "", f"cannot resolve the path: "
                                f"{short(str(err), 80)}"))
        return None
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        problems.append(Problem(_label(path), "extends", f"circular extends: {chain[:300]}"))
        return None
    if len(seen) >= MAX_EXTENDS:
        problems.append(Problem(_label(path), "extends",
                                f"extends chain longer than {MAX_EXTENDS} files"))
        return None
    data = _read_yaml(path, problems)
    if data is None:
        return None
    base_ref = data.pop("extends", None)
    if base_ref is None:
        return data
    why = _bad_reference(base_ref)
    if why:
        problems.append(Problem(_label(path), "extends", f"{why}; got {short(base_ref)}",
                                expected="a path relative to this scenario"))
        return None
    base = _resolve_extends(_locate(base_ref, path.parent), problems, (*seen, path))
    return inherit(base, data) if base is not None else None


def inherit(base: dict, child: dict) -> dict:
    """Deep-merge ``child`` over ``base``; a child that switches ``scheme.name`` starts from that
    scheme's packaged defaults (the base's ``scheme.params`` belong to a different scheme).

    Merging: mappings merge key by key, every other value (lists included) replaces.
    """
    base_scheme = base.get("scheme") if isinstance(base.get("scheme"), dict) else {}
    child_scheme = child.get("scheme") if isinstance(child.get("scheme"), dict) else {}
    if child_scheme.get("name", base_scheme.get("name")) != base_scheme.get("name"):
        base = {**base, "scheme": {k: v for k, v in base_scheme.items() if k != "params"}}
    return deep_merge(base, child)


def _locate(ref: str, relative_to: Path) -> Path:
    candidate = Path(ref)
    if not candidate.is_absolute():
        candidate = relative_to / candidate
    try:
        if not candidate.suffix and not candidate.is_dir():
            candidate = candidate.with_suffix(".yaml")
    except (OSError, ValueError):
        pass  # reported when the file is read
    return candidate


def parse_override(text: str) -> tuple[str, Any]:
    """``"scheme.params.distribution.enabled=true"`` -> (dotted path, YAML-parsed value)."""
    if "=" not in text:
        raise InputError([Problem("<command line>", short(text),
                                  "override must look like key.path=value")])
    key, value = text.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise InputError([Problem("<command line>", short(key),
                                  "override key must be a dotted path such as raters.halo_sd")])
    try:
        return key, load_text(value)
    except YamlProblem as err:
        raise InputError([Problem("<command line>", short(key, 80),
                                  f"value: {err.message}")]) from None


def apply_overrides(data: dict, overrides: dict[str, Any]) -> dict:
    """Apply dotted-path overrides (creating intermediate mappings), with the merge rule of
    ``extends:``: a mapping value merges into the mapping at that path key by key; any other
    value (a list included) replaces what was there."""
    out = deep_merge(data, {})
    for dotted, value in overrides.items():
        node = out
        parts = str(dotted).split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        last = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(last), dict):
            node[last] = deep_merge(node[last], value)
        else:
            node[last] = deep_merge({"v": value}, {})["v"]
    return out


def find_scenario(name_or_path: str | Path) -> Path:
    """A path as given, or a bundled scenario name (``scenarios/<name>.yaml``)."""
    why = _bad_reference(str(name_or_path))
    if why:
        raise InputError([Problem(_label(name_or_path), "", f"scenario: {why}")])
    p = Path(name_or_path)
    try:
        exists = p.exists()
    except (OSError, ValueError):
        exists = False
    if exists or p.suffix in (".yaml", ".yml") or len(p.parts) > 1:
        return p
    return SCENARIO_DIR / f"{p}.yaml"


def load_scenario(source: str | Path | dict, overrides: dict[str, Any] | None = None, *,
                  workforce: Any = None, inert: Literal["error", "allow"] = "error"
                  ) -> Scenario:
    """Load, inherit, override and validate a scenario; raise one InputError with all problems.

    Validation equals running: besides the schema and the parameter domains, every OPD,
    rumpun and indicator the scenario names is checked against ``workforce`` (a
    :class:`~kinerja_sim.workforce.Workforce` or a profile name; default: the profile the
    scenario's ``workforce:`` block names), and every setting that a run would not read is an
    error saying why (:mod:`kinerja_sim.scenario_checks`).

    ``inert="allow"`` skips only that last check, for callers that apply one override to
    several scenarios on purpose (a sweep's or robustness analysis's "world" settings, inert in
    some of them, such as rater-training factors in a scenario without training) or that ship
    an already-validated scenario as a full mapping with every default spelt out.
    """
    problems: list[Problem] = []
    if isinstance(source, dict):
        file = "<scenario>"
        try:
            check_plain(source)
            if overrides:
                check_plain(overrides)
        except YamlProblem as err:
            raise InputError([Problem(file, err.location, err.message)]) from None
        data = deep_merge(source, {})
        if "extends" in data:
            ref = data.pop("extends")
            why = _bad_reference(ref)
            if why:
                raise InputError([Problem(file, "extends", f"{why}; got {short(ref)}")])
            target = find_scenario(ref)  # a path, or relative to the bundled scenarios/
            if not target.exists():
                target = _locate(ref, SCENARIO_DIR)
            base = _resolve_extends(target, problems)
            data = inherit(base or {}, data)
    else:
        path = find_scenario(source)
        file = _label(path)
        data = _resolve_extends(path, problems)
    if data is None:
        raise InputError(problems)
    if overrides:
        try:
            check_plain(overrides)
        except YamlProblem as err:
            raise InputError([Problem("<overrides>", err.location, err.message)]) from None
        data = apply_overrides(data, overrides)
    sc = _validate(data, file, problems)
    from kinerja_sim.scenario_checks import scenario_problems

    found = scenario_problems(sc, data, workforce, inert=inert == "error")
    if found:
        raise InputError(found)
    return sc


def _validate(data: dict, file: str, problems: list[Problem], practice: bool = True
              ) -> Scenario:
    from pydantic import ValidationError

    spec = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as err:  # (depth is bounded by the reader: no RecursionError)
        problems.extend(problems_from_validation(err, file))
    blocks: dict[str, Any] = {}
    for key, build in _block_builders(data).items():
        try:
            blocks[key] = build()
        except InputError as err:
            problems.extend(Problem(file, p.location, p.message, p.column, p.expected)
                            for p in err.problems)
    if problems or spec is None:
        raise InputError(problems)
    read: set[str] = set()
    understanding = _understanding(spec, blocks, file, read, practice)
    resolved = {
        "spec": spec.model_dump(mode="json", exclude={"description", "label"}),
        **{k: v.model_dump(mode="json") for k, v in blocks.items()},
        "understanding": understanding.value if understanding is not None else None,
    }
    digest = hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest()[:16]
    return Scenario(spec=spec, scheme_params=blocks["scheme"], tpp_params=blocks["tpp"],
                    rater_params=blocks["raters"], catalogue=blocks["measurement"],
                    behaviour_params=blocks["behaviour"], rollout_params=blocks["rollout"],
                    source=file, hash=digest, understanding=understanding,
                    understanding_read=frozenset(read))


def _understanding(spec: ScenarioSpec, blocks: dict[str, Any], file: str, read: set[str],
                   practice: bool) -> Any:
    """The scenario's baseline understanding (:mod:`kinerja_sim.understanding`): given in the
    file, or derived by the rule against the practice scenario (which is itself loaded with
    ``practice=False``: it is the reference, its own value is never derived from itself)."""
    from kinerja_sim import understanding as und

    ro = blocks["rollout"]
    elements = und.appraisal_elements(spec.scheme.name, blocks["scheme"], blocks["raters"])
    if ro.understanding_baseline is not None or not practice:
        return und.assumption(ro.understanding_rule, elements, elements,
                              given=ro.understanding_baseline)
    ref = _practice_elements(ro.understanding_rule.practice_scenario)
    if ref is None:
        raise InputError([Problem(file, "rollout.understanding_rule.practice_scenario",
                                  "no bundled scenario of that name, or it does not load",
                                  expected="a scenario in scenarios/, e.g. status_quo")])
    return und.assumption(ro.understanding_rule, elements, ref, read=read.add)


@functools.lru_cache(maxsize=8)
def _practice_elements(name: str) -> dict | None:
    """Appraisal elements of the bundled scenario that describes today's practice."""
    from kinerja_sim import understanding as und

    problems: list[Problem] = []
    path = SCENARIO_DIR / f"{name}.yaml"
    data = _resolve_extends(path, problems) if path.is_file() else None
    if data is None:
        return None
    try:
        sc = _validate(data, _label(path), problems, practice=False)
    except InputError:
        return None
    return und.appraisal_elements(sc.spec.scheme.name, sc.scheme_params, sc.rater_params)


def _block_builders(data: dict) -> dict[str, Any]:
    """One validator per parameter block, so all blocks report their problems together."""
    from kinerja_sim import behaviour, indicators, raters
    from kinerja_sim.schemes import get_scheme, tpp

    scheme = data.get("scheme") if isinstance(data.get("scheme"), dict) else {}

    def scheme_params():
        from kinerja_sim.schemes import SCHEMES

        name = scheme.get("name")
        if not isinstance(name, str) or name not in SCHEMES:  # reported by the spec validation
            return _Missing()
        params = scheme.get("params") or {}
        if not isinstance(params, dict):
            raise InputError([Problem("", "scheme.params", "must be a mapping")])
        try:
            return get_scheme(name).params_from(params, prefix="scheme.params")
        except InputError as err:
            raise InputError([_other_scheme_hint(p, name) for p in err.problems]) from None

    def block(key, fn):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise InputError([Problem("", key, "must be a mapping")])
        return fn(value, prefix=key)

    return {
        "scheme": scheme_params,
        "tpp": lambda: block("tpp", tpp.params_from),
        "raters": lambda: block("raters", raters.rater_params_from),
        "measurement": lambda: block("measurement", indicators.catalogue_from),
        "behaviour": lambda: block("behaviour", behaviour.params_from),
        "rollout": lambda: block("rollout", behaviour.rollout_from),
    }


def _other_scheme_hint(p: Problem, scheme: str) -> Problem:
    """An unknown ``scheme.params`` key that another scheme has: say so (it would be read only
    under that scheme)."""
    from kinerja_sim.schemes import SCHEMES

    parts = p.location.split(".")
    if p.message != "unknown key" or len(parts) != 3 or parts[:2] != ["scheme", "params"]:
        return p
    owners = [n for n, m in SCHEMES.items() if n != scheme and parts[2] in m.Params.model_fields]
    if not owners:
        return p
    return Problem(p.file, p.location, f"unknown key: a parameter of {', '.join(owners)}, "
                   f"not of {scheme} (the scheme in use)", p.column, p.expected)


class _Missing(StrictModel):
    """Placeholder when ``scheme.name`` is absent (the spec validation reports it)."""
