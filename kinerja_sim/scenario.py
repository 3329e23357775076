"""Scenario files: YAML -> validated, fully resolved scenario with a stable content hash.

A scenario names a scheme and overrides any packaged parameter (scheme, TPP, raters,
measurement, behaviour). ``extends:`` inherits a base scenario and ``--set a.b.c=value``
applies dotted-path overrides, the PolicyEngine way. Unknown keys are errors and every problem
in a file is reported at once with its key path: a reform that silently does nothing is the
worst failure a policy tool can have.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import deep_merge
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.strict import StrictModel, problems_from_validation

OrgPredikatName = Literal["Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa"]
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class Label(StrictModel):
    id: str
    en: str


class WorkforceSpec(StrictModel):
    """Which workforce a scenario runs on when none is passed in."""

    profile: str = "binjai"
    seed: int = 2026
    n: int | None = None


class SchemeSpec(StrictModel):
    name: Literal["pp46_2011", "pp30_2019", "permenpanrb_6_2022", "weighted_kpi"]
    params: dict[str, Any] = Field(default_factory=dict)


class OrganisationSpec(StrictModel):
    """Organisation predikat per OPD (SE MenPANRB 03/2023 step 1)."""

    default: OrgPredikatName = "Baik"
    by_opd: dict[str, OrgPredikatName] = Field(default_factory=dict)


class ScenarioSpec(StrictModel):
    name: str
    label: Label | None = None
    description: str = ""
    seed: int = 2026
    workforce: WorkforceSpec = Field(default_factory=WorkforceSpec)
    scheme: SchemeSpec
    target_ambition: float = 0.0
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

    @property
    def name(self) -> str:
        return self.spec.name

    def org_predikat_codes(self, opd_names: list[str] | tuple[str, ...]) -> list[int]:
        """Organisation predikat code (index into ORG_PREDIKAT) for each OPD name.

        OPD names the scenario mentions but the workforce lacks are an error: a setting that
        silently matches nothing would make a reform look like it does nothing.
        """
        o = self.spec.organisation
        self.check_opd_names(opd_names)
        return [ORG_PREDIKAT.index(o.by_opd.get(name, o.default)) for name in opd_names]

    def check_opd_names(self, opd_names: list[str] | tuple[str, ...]) -> None:
        known = set(opd_names)
        problems = [
            Problem(self.source, f"{where}", f"OPD {name!r} is not in the workforce",
                    expected="an OPD name exactly as in the data")
            for where, names in (("organisation.by_opd", self.spec.organisation.by_opd),
                                 ("rollout.pilot.opds", self.rollout_params.pilot.opds))
            for name in names if name not in known]
        if problems:
            raise InputError(problems)


# ---------------------------------------------------------------- reading and resolving

def _read_yaml(path: Path, problems: list[Problem]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), "", "scenario file not found"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(str(path), "", "file is not UTF-8 text",
                                expected="a UTF-8 encoded YAML file"))
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(str(path), where, f"invalid YAML: {getattr(err, 'problem', err)}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(str(path), "", "a scenario must be a YAML mapping",
                                expected="keys such as name, scheme, tpp, raters"))
        return None
    return data


def _resolve_extends(path: Path, problems: list[Problem], seen: tuple[Path, ...] = ()
                     ) -> dict | None:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        problems.append(Problem(str(path), "extends", f"circular extends: {chain}"))
        return None
    data = _read_yaml(path, problems)
    if data is None:
        return None
    base_ref = data.pop("extends", None)
    if base_ref is None:
        return data
    if not isinstance(base_ref, str):
        problems.append(Problem(str(path), "extends", "must be a file name",
                                expected="a path relative to this scenario"))
        return data
    base = _resolve_extends(_locate(base_ref, path.parent), problems, (*seen, path))
    return inherit(base, data) if base is not None else None


def inherit(base: dict, child: dict) -> dict:
    """Deep-merge ``child`` over ``base``; a child that switches ``scheme.name`` starts from that
    scheme's packaged defaults (the base's ``scheme.params`` belong to a different scheme)."""
    base_scheme = base.get("scheme") if isinstance(base.get("scheme"), dict) else {}
    child_scheme = child.get("scheme") if isinstance(child.get("scheme"), dict) else {}
    if child_scheme.get("name", base_scheme.get("name")) != base_scheme.get("name"):
        base = {**base, "scheme": {k: v for k, v in base_scheme.items() if k != "params"}}
    return deep_merge(base, child)


def _locate(ref: str, relative_to: Path) -> Path:
    candidate = Path(ref)
    if not candidate.is_absolute():
        candidate = relative_to / candidate
    if not candidate.suffix:
        candidate = candidate.with_suffix(".yaml")
    return candidate


def parse_override(text: str) -> tuple[str, Any]:
    """``"scheme.params.distribution.enabled=true"`` -> (dotted path, YAML-parsed value)."""
    if "=" not in text:
        raise InputError([Problem("<command line>", text,
                                  "override must look like key.path=value")])
    key, value = text.split("=", 1)
    return key.strip(), yaml.safe_load(value)


def apply_overrides(data: dict, overrides: dict[str, Any]) -> dict:
    """Apply dotted-path overrides (creating intermediate mappings)."""
    out = deep_merge(data, {})
    for dotted, value in overrides.items():
        node = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
    return out


def find_scenario(name_or_path: str | Path) -> Path:
    """A path as given, or a bundled scenario name (``scenarios/<name>.yaml``)."""
    p = Path(name_or_path)
    if p.exists() or p.suffix in (".yaml", ".yml") or len(p.parts) > 1:
        return p
    return SCENARIO_DIR / f"{p}.yaml"


def load_scenario(source: str | Path | dict, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, inherit, override and validate a scenario; raise one InputError with all problems."""
    problems: list[Problem] = []
    if isinstance(source, dict):
        file, data = "<scenario>", deep_merge(source, {})
        if "extends" in data:
            base = _resolve_extends(find_scenario(data.pop("extends")), problems)
            data = inherit(base or {}, data)
    else:
        path = find_scenario(source)
        file = str(path)
        data = _resolve_extends(path, problems)
    if data is None:
        raise InputError(problems)
    if overrides:
        data = apply_overrides(data, overrides)
    return _validate(data, file, problems)


def _validate(data: dict, file: str, problems: list[Problem]) -> Scenario:
    from pydantic import ValidationError

    spec = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as err:
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
    resolved = {
        "spec": spec.model_dump(mode="json", exclude={"description", "label"}),
        **{k: v.model_dump(mode="json") for k, v in blocks.items()},
    }
    digest = hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest()[:16]
    return Scenario(spec=spec, scheme_params=blocks["scheme"], tpp_params=blocks["tpp"],
                    rater_params=blocks["raters"], catalogue=blocks["measurement"],
                    behaviour_params=blocks["behaviour"], rollout_params=blocks["rollout"],
                    source=file, hash=digest)


def _block_builders(data: dict) -> dict[str, Any]:
    """One validator per parameter block, so all blocks report their problems together."""
    from kinerja_sim import behaviour, indicators, raters
    from kinerja_sim.schemes import get_scheme, tpp

    scheme = data.get("scheme") if isinstance(data.get("scheme"), dict) else {}

    def scheme_params():
        from kinerja_sim.schemes import SCHEMES

        name = scheme.get("name")
        if name not in SCHEMES:  # reported by the spec validation
            return _Missing()
        params = scheme.get("params") or {}
        if not isinstance(params, dict):
            raise InputError([Problem("", "scheme.params", "must be a mapping")])
        return get_scheme(name).params_from(params, prefix="scheme.params")

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


class _Missing(StrictModel):
    """Placeholder when ``scheme.name`` is absent (the spec validation reports it)."""
