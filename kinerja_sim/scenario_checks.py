"""Validation equals running: the checks a run would make, made when a scenario is loaded.

A scenario that validates must do what it says. Two kinds of silent no-op are errors here:

* **names that match nothing**: an OPD, rumpun or indicator the scenario names but the
  workforce does not have (a misspelt ``kesehatn`` weight would otherwise weigh nobody). Each
  problem names the file and key path and suggests the nearest real name;
* **settings a run would not read** in this configuration: rater-training factors while
  training is off, curve rules while the curve is off, kualitas settings under a scheme that has
  no kualitas aspect, SKP plans and targets (which belong to the workforce, not the scenario),
  an indicator no employee holds... Each problem says why the setting is inert.

A setting equal to its packaged default is never an error (restating a default changes nothing
either way). ``reference`` and ``note`` keys are documentation and always allowed.
``tests/test_scenario_effects.py`` holds the property: a valid override either changes the
simulated result or is reported here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.yaml_safe import short

GOLONGAN = ("I", "II", "III", "IV")
KELAS = range(1, 18)
_DOC_KEYS = {"reference", "note"}
_MISSING = object()


@dataclass(frozen=True)
class WorkforceNames:
    """What a workforce offers a scenario to name."""

    source: str
    opds: tuple[str, ...]
    rumpun: tuple[str, ...]
    #: rumpun -> indicator names its employees hold (None: not known, not checked)
    held: dict[str, frozenset[str]] | None = None
    #: kelas jabatan that occur (None: not known)
    kelas: frozenset[int] | None = None


@lru_cache(maxsize=8)
def profile_names(profile: str, n: int | None = None) -> WorkforceNames:
    """Names of the workforce ``synthesize(profile, n=n)`` builds, without building it."""
    from kinerja_sim.indicators import default_catalogue
    from kinerja_sim.workforce.profile import load_profile
    from kinerja_sim.workforce.synthetic import units_table

    prof = load_profile(profile)
    full = units_table(prof, 1.0)
    units = full if n is None else units_table(prof, n / full["size"].sum())
    rumpun = tuple(sorted(units["rumpun"].unique()))
    cat = default_catalogue()
    structural = set(cat.assignment.structural.utama + cat.assignment.structural.tambahan)
    held = {}
    for r in rumpun:
        a = cat.assignment.by_rumpun.get(r)
        held[r] = frozenset(structural | set(a.utama + a.tambahan if a else ()))
    kelas: set[int] = set()
    for k in prof.demographics.kelas_jabatan.values():
        lo, hi = (k, k) if isinstance(k, int) else k
        kelas.update(range(lo, hi + 1))
    return WorkforceNames(f"profile {profile}", tuple(dict.fromkeys(units["opd"])), rumpun,
                          held, frozenset(kelas))


def workforce_names(wf: Any) -> WorkforceNames:
    """Names of a built workforce (synthetic or loaded from a file)."""
    import numpy as np

    from kinerja_sim.scoring import codes_of

    e = wf.employees
    _, opds = codes_of(e["opd"])
    rcode, rumpun = codes_of(e["rumpun"])
    held = None
    names = (wf.observed.indicator_names if wf.observed is not None else None)
    if names is None and wf.is_synthetic:
        from kinerja_sim.indicators import default_catalogue

        names = default_catalogue().names
    if names is not None:
        code = np.asarray(wf.plan.indicator)
        held = {}
        for r, rname in enumerate(rumpun):
            c = np.unique(code[rcode == r])
            held[rname] = frozenset(names[i] for i in c if 0 <= i < len(names))
    kelas = frozenset(int(k) for k in np.unique(e["kelas_jabatan"].to_numpy()))
    return WorkforceNames(short(wf.source, 60), opds, rumpun, held, kelas)


def suggest(name: object, candidates) -> str:
    """The nearest candidate (difflib), or a short list of the valid ones."""
    cands = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(name), cands, n=1, cutoff=0.6)
    if close:
        return f"{close[0]!r}, the closest real name"
    listed = ", ".join(cands[:6]) + (", ..." if len(cands) > 6 else "")
    return f"one of: {listed}"


# ------------------------------------------------------------------ entry point


def scenario_problems(sc: Any, data: dict, workforce: Any = None, *, inert: bool = True
                      ) -> list[Problem]:
    """Every name and effect problem of a validated scenario (empty list: it runs as written);
    ``inert=False`` leaves out the settings that would have no effect.

    ``data`` is the scenario as written (after ``extends:`` and overrides, before defaults),
    ``workforce`` a Workforce, a profile name, or None for the scenario's own profile.
    """
    file = sc.source
    try:
        names = _names(sc, workforce)
    except InputError as err:
        return [Problem(file, "workforce.profile", p.message, expected=p.expected)
                for p in err.problems]
    found = domain_problems(sc) + name_problems(sc, names)
    return found + inert_problems(sc, data, names) if inert else found


def domain_problems(sc: Any) -> list[Problem]:
    """Domains that span several keys (single-key domains are in the pydantic models)."""
    file = sc.source
    out: list[Problem] = []
    tb = sc.rater_params.true_behaviour
    if tb.ability == tb.effort == tb.psm == 0:
        out.append(Problem(file, "raters.true_behaviour", "the weights are all 0",
                           expected="at least one weight > 0 (true behaviour is their mix)"))
    cat = sc.catalogue
    bands = [("measurement.defaults.data_quality", cat.defaults.data_quality)]
    bands += [(f"measurement.indicators.{_seg(k)}.data_quality", i.data_quality)
              for k, i in cat.indicators.items() if i.data_quality is not None]
    for where, dq in bands:
        total = dq.missing + dq.mis_entered + dq.inflated
        if total > 1:
            out.append(Problem(file, where, f"missing + mis_entered + inflated = {total:g} > 1",
                               expected="shares of records that sum to at most 1"))
    return out


@lru_cache(maxsize=1)
def _profiles() -> tuple[str, ...]:
    """Names of the packaged workforce profiles."""
    from importlib import resources

    return tuple(sorted(p.name[:-5] for p in resources.files("kinerja_sim").joinpath(
        "data", "profiles").iterdir() if p.name.endswith(".yaml")))


def _names(sc: Any, workforce: Any) -> WorkforceNames:
    if workforce is None or isinstance(workforce, str):
        spec = sc.spec.workforce
        profile = workforce or spec.profile
        known = _profiles()
        if profile not in known:
            raise InputError([Problem(sc.source, "workforce.profile",
                                      f"unknown workforce profile {short(profile)}",
                                      expected=suggest(profile, known))]) from None
        return profile_names(profile, spec.n)  # as resolve_workforce builds it
    return workforce_names(workforce)


# ------------------------------------------------------------------ names


def name_problems(sc: Any, names: WorkforceNames) -> list[Problem]:
    """OPD, rumpun, indicator, golongan and kelas names the scenario uses but nothing has."""
    file = sc.source
    out: list[Problem] = []
    opds = set(names.opds)

    def unknown_opd(where: str, name: str) -> None:
        out.append(Problem(file, where, f"OPD {short(name)} is not in the workforce "
                           f"({names.source})", expected=suggest(name, names.opds)))

    for name in sc.spec.organisation.by_opd:
        if name not in opds:
            unknown_opd(f"organisation.by_opd.{_seg(name)}", name)
    for i, name in enumerate(sc.rollout_params.pilot.opds):
        if name not in opds:
            unknown_opd(f"rollout.pilot.opds.{i}", name)

    if sc.spec.scheme.name == "weighted_kpi":
        out += _weight_problems(sc, names)
    cat = sc.catalogue
    groups = {"structural": cat.assignment.structural, **{
        f"by_rumpun.{_seg(r)}": a for r, a in cat.assignment.by_rumpun.items()}}
    for gname, a in groups.items():
        for part in ("utama", "tambahan"):
            for i, x in enumerate(getattr(a, part)):
                if x not in cat.indicators:
                    out.append(Problem(file, f"measurement.assignment.{gname}.{part}.{i}",
                                       f"unknown indicator {short(x)}",
                                       expected=suggest(x, cat.names)))
    for g in sc.behaviour_params.valence.gaji_pokok:
        if g not in GOLONGAN:
            out.append(Problem(file, f"behaviour.valence.gaji_pokok.{_seg(g)}",
                               f"unknown golongan {short(g)}: no employee has it",
                               expected=suggest(g, GOLONGAN)))
    packaged = set(_defaults(sc)["behaviour"]["incentive_response"]["by_rumpun"])
    for r in sc.behaviour_params.incentive_response.by_rumpun:
        if r not in names.rumpun and r not in packaged:
            out.append(Problem(file, f"behaviour.incentive_response.by_rumpun.{_seg(r)}",
                               f"rumpun {short(r)} is not in the workforce ({names.source})",
                               expected=suggest(r, names.rumpun)))
    for k in sc.tpp_params.base_amount.by_kelas:
        if k not in KELAS:
            out.append(Problem(file, f"tpp.base_amount.by_kelas.{_seg(k)}",
                               f"kelas jabatan {short(k)} does not exist",
                               expected="kelas 1..17"))
    return out


def _weight_problems(sc: Any, names: WorkforceNames) -> list[Problem]:
    file = sc.source
    iw = sc.scheme_params.indicator_weights
    where = "scheme.params.indicator_weights"
    catalogue = sc.catalogue.names
    known = set(catalogue)
    out: list[Problem] = []

    def unknown_indicator(path: str, name: str) -> None:
        out.append(Problem(file, path, f"unknown indicator {short(name)}",
                           expected=suggest(name, catalogue)))

    for name in iw.default:
        if name not in known:
            unknown_indicator(f"{where}.default.{_seg(name)}", name)
    for rumpun, wset in iw.by_rumpun.items():
        if rumpun not in names.rumpun:
            out.append(Problem(file, f"{where}.by_rumpun.{_seg(rumpun)}",
                               f"rumpun {short(rumpun)} is not in the workforce "
                               f"({names.source})", expected=suggest(rumpun, names.rumpun)))
            continue
        for name in wset:
            if name not in known:
                unknown_indicator(f"{where}.by_rumpun.{_seg(rumpun)}.{_seg(name)}", name)
            elif names.held is not None and name not in names.held.get(rumpun, ()):
                out.append(Problem(
                    file, f"{where}.by_rumpun.{_seg(rumpun)}.{_seg(name)}",
                    f"has no effect: no employee of rumpun {rumpun!r} holds indicator "
                    f"{name!r}", expected=suggest(name, sorted(names.held.get(rumpun, ())))))
    if names.held is not None and iw.default:
        fallback = [r for r in names.rumpun if r not in iw.by_rumpun]
        held = set().union(*(names.held.get(r, ()) for r in fallback)) if fallback else set()
        for name in iw.default:
            if name in known and name not in held:
                why = ("every rumpun has its own set under by_rumpun" if not fallback else
                       f"no employee of the rumpun that use it ({', '.join(fallback)}) holds it")
                out.append(Problem(file, f"{where}.default.{_seg(name)}",
                                   f"has no effect: {why}"))
    return out


def _seg(key: object) -> str:
    text = str(key)
    return text if len(text) <= 40 else short(text, 40)


# ------------------------------------------------------------------ inert settings

_PLAN = ("SKP plans and targets belong to the workforce: they are drawn when it is built from "
         "kinerja_sim/data/indicators.yaml, so a scenario cannot change them (shift every target "
         "with target_ambition, or edit the packaged catalogue; docs/scenarios.md)")


def _rules(sc: Any, names: WorkforceNames) -> list[tuple[tuple, str, frozenset]]:
    """(key-path pattern, why it is inert, keys under it that still act) for this scenario.

    ``*`` in a pattern matches any one key.
    """
    scheme = sc.spec.scheme.name
    sp = sc.scheme_params
    ro = sc.rollout_params
    none = frozenset()
    rules: list[tuple[tuple, str, frozenset]] = [
        (("measurement", "assignment"), _PLAN, none),
        (("measurement", "period_months"), _PLAN, none),
        (("measurement", "indicators", "*", "target"), _PLAN, none),
        (("measurement", "indicators", "*", "target_cv"), _PLAN, none),
        (("measurement", "indicators", "*", "target_context_elasticity"), _PLAN, none),
        (("measurement", "indicators", "*", "label"),
         "indicator labels, units and aspects are descriptive; no run or report reads them", none),
        (("measurement", "indicators", "*", "unit"),
         "indicator labels, units and aspects are descriptive; no run or report reads them", none),
        (("measurement", "indicators", "*", "aspect"),
         "indicator labels, units and aspects are descriptive; no run or report reads them", none),
    ]
    if scheme != "permenpanrb_6_2022":
        rules.append((("behaviour", "task_weights"),
                      f"only permenpanrb_6_2022 reads it; {scheme} weighs tasks by its own "
                      "scheme.params", none))
    dist = getattr(sp, "distribution", None)
    if dist is not None and not dist.enabled:
        rules.append((("scheme", "params", "distribution"),
                      "the SE 03/2023 curve is off (scheme.params.distribution.enabled: false)",
                      frozenset({"enabled"})))
    if scheme in ("pp30_2019", "pp46_2011") or (scheme == "weighted_kpi" and not dist.enabled):
        why = (f"{scheme} has no SE 03/2023 curve and no leader rule"
               if scheme != "weighted_kpi" else "the SE 03/2023 curve is off "
               "(scheme.params.distribution.enabled: false)")
        rules.append((("organisation",), f"organisation predikat are read by the curve only: "
                      f"{why}", none))
    if dist is not None and dist.enabled:
        o = sc.spec.organisation
        in_use = {o.default, *o.by_opd.values()}
        for label in dist.rules:
            if label not in in_use:
                rules.append((("scheme", "params", "distribution", "rules", label),
                              f"no OPD has organisation predikat {label!r} (organisation: "
                              f"default {o.default!r}, by_opd sets {sorted(o.by_opd.values())})",
                              none))
    if names.kelas is not None:
        for k in sc.tpp_params.base_amount.by_kelas:
            if k not in names.kelas:
                rules.append((("tpp", "base_amount", "by_kelas", k),
                              f"no employee in the workforce ({names.source}) has kelas {k}",
                              none))
    no_inflation = max(0.0, 1 - ro.audit.inflation_reduction * ro.audit.probability) == 0
    cat = sc.catalogue
    for name, ind in cat.indicators.items():
        dq = ind.data_quality or cat.defaults.data_quality
        if dq.inflated == 0 or no_inflation:
            why = ("audits prevent all inflation" if no_inflation else
                   f"indicator {name!r} is never inflated (data_quality.inflated is 0)")
            rules.append((("measurement", "indicators", name, "data_quality",
                           "inflation_factor"), why, none))
    pw = sc.behaviour_params.justice.procedural_weights
    if ro.voice == 0:
        rules.append((("behaviour", "justice", "procedural_weights", "voice"),
                      "there is no appeal channel (rollout.voice is 0)", none))
    if pw.voice == 0:
        rules.append((("rollout", "voice"), "behaviour.justice.procedural_weights.voice is 0",
                      none))
    if ro.sosialisasi.coverage == 0:
        why = "sosialisasi reaches no one (rollout.sosialisasi.coverage is 0)"
        rules += [(("rollout", "sosialisasi", "start_period"), why, none),
                  (("rollout", "sosialisasi", "understanding_gain"), why, none)]
    rules += _understanding_rules(sc)
    if not ro.rater_training.enabled:
        rules.append((("rollout", "rater_training"),
                      "rater training is off (rollout.rater_training.enabled: false)",
                      frozenset({"enabled"})))
    if ro.audit.probability == 0:
        why = "no record is audited (rollout.audit.probability is 0)"
        rules += [(("rollout", "audit", "inflation_reduction"), why, none),
                  (("behaviour", "gaming", "audit_deterrence"), why, none)]
    if not ro.pilot.opds:
        rules.append((("rollout", "pilot", "full_rollout_period"),
                      "there is no pilot (rollout.pilot.opds is empty): every OPD lives under "
                      "the scheme from period 0", none))
    if scheme != "pp46_2011":
        rules += [(("raters", "quality_center"),
                   f"only pp46_2011 scores the supervisor's kualitas judgement, not {scheme}",
                   none),
                  (("measurement", "time_aspect"),
                   f"only pp46_2011 scores the waktu aspect, not {scheme}", none)]
    if scheme != "pp30_2019" or not sp.bands.sangat_baik_requires_innovation:
        rules.append((("measurement", "innovation"),
                      "only pp30_2019 with bands.sangat_baik_requires_innovation reads "
                      "innovations", none))
    if scheme == "weighted_kpi":
        method = sp.normalisation.method
        if method != "zscore_within_unit":
            why = f"normalisation.method is {method}, not zscore_within_unit"
            rules += [(("scheme", "params", "normalisation", "zscore_centre"), why, none),
                      (("scheme", "params", "normalisation", "zscore_scale"), why, none)]
        for m in ("target_ratio", "zscore_within_unit", "percentile_within_unit"):
            if m != method:
                rules.append((("scheme", "params", "thresholds", m),
                              f"normalisation.method is {method}, not {m}", none))
    if scheme == "pp30_2019":
        if sp.weights is not None:
            why = "explicit scheme.params.weights replace the presets"
            rules += [(("scheme", "params", "weights_preset"), why, none),
                      (("scheme", "params", "weights_presets"), why, none)]
        else:
            for preset in ("default", "with_peer_subordinate_input"):
                if preset != sp.weights_preset:
                    rules.append((("scheme", "params", "weights_presets", preset),
                                  f"weights_preset is {sp.weights_preset}", none))
    tp = sc.tpp_params
    if tp.split is not None:
        why = "explicit tpp.split replaces the presets"
        rules += [(("tpp", "split_preset"), why, none), (("tpp", "split_presets"), why, none)]
    else:
        for preset in ("default", "jatim_40_60"):
            if preset != tp.split_preset:
                rules.append((("tpp", "split_presets", preset),
                              f"split_preset is {tp.split_preset}", none))
    if names.held is not None:
        held = set().union(*names.held.values())
        for name in sc.catalogue.names:
            if name not in held:
                rules.append((("measurement", "indicators", name),
                              f"no employee in the workforce ({names.source}) holds indicator "
                              f"{name!r}", none))
        own = [sc.catalogue.indicators[x] for x in held if x in sc.catalogue.indicators]
        for part in ("drivers", "data_quality"):
            if own and all(getattr(i, part) is not None for i in own):
                rules.append((("measurement", "defaults", part),
                              f"every indicator held in the workforce has its own {part}",
                              none))
    return rules


def _understanding_rules(sc: Any) -> list[tuple[tuple, str, frozenset]]:
    """Keys of ``rollout.understanding_rule`` the derivation did not read for this scenario
    (kinerja_sim.understanding): e.g. the decay half-life for the scheme practised today."""
    base = ("rollout", "understanding_rule")
    described = frozenset({"reference", "note"})
    if sc.rollout_params.understanding_baseline is not None:
        return [(base, "rollout.understanding_baseline is set, so the rule is not used",
                 described)]
    read = sc.understanding_read
    why = (f"the understanding rule does not read it for {sc.spec.scheme.name} "
           f"(new against practice: {', '.join(sc.understanding.new) or 'nothing'})")
    top = {k.split(".", 1)[0] for k in read}
    rules = [(base, why, described | top)]
    for key in ("last_practised", "shared_with_practice", "new_elements"):
        sub = frozenset(k.split(".", 1)[1] for k in read if k.startswith(key + "."))
        rules.append(((*base, key), why, sub))
    return rules


def _defaults(sc: Any) -> dict:
    """The packaged defaults of every block, as plain data (to tell a restated default)."""
    return _defaults_for(sc.spec.scheme.name)


@lru_cache(maxsize=8)
def _defaults_for(scheme: str) -> dict:
    """(Cached per scheme: packaged files do not change while a process runs; read-only.)"""
    from kinerja_sim import behaviour, indicators, raters
    from kinerja_sim.scenario import OrganisationSpec
    from kinerja_sim.schemes import get_scheme, tpp

    return {
        "scheme": {"params": get_scheme(scheme).default_params().model_dump()},
        "tpp": tpp.params_from(None).model_dump(),
        "raters": raters.rater_params_from().model_dump(),
        "measurement": indicators.default_catalogue().model_dump(),
        "behaviour": behaviour.params_from().model_dump(),
        "rollout": behaviour.rollout_from().model_dump(),
        "organisation": OrganisationSpec().model_dump(),
    }


def _leaves(data: Any, path: tuple = ()):
    if isinstance(data, dict) and data:
        for k, v in data.items():
            if isinstance(k, str) and (k in _DOC_KEYS or k.endswith("_note")):
                continue
            yield from _leaves(v, (*path, k))
    else:
        yield path, data


def _get(tree: Any, path: tuple) -> Any:
    for k in path:
        if not isinstance(tree, dict) or k not in tree:
            return _MISSING
        tree = tree[k]
    return tree


def _matches(pattern: tuple, path: tuple) -> bool:
    # keys compare as text: ``--set tpp.base_amount.by_kelas.13=...`` writes the key "13"
    return len(path) >= len(pattern) and all(p == "*" or str(p) == str(k)
                                             for p, k in zip(pattern, path, strict=False))


def inert_problems(sc: Any, data: dict, names: WorkforceNames) -> list[Problem]:
    """Settings written in the scenario that a run would not read, with the reason."""
    rules = _rules(sc, names)
    defaults = _defaults(sc)
    known = set(defaults["measurement"]["indicators"])
    out: list[Problem] = []
    seen: set[str] = set()
    by_block: dict[str, list] = {}
    for rule in rules:
        by_block.setdefault(rule[0][0], []).append(rule)
    for path, value in _leaves({k: v for k, v in data.items() if k in defaults}):
        where = ".".join(_seg(k) for k in path)
        if len(path) >= 3 and path[:2] == ("measurement", "indicators") \
                and path[2] not in known:
            key = f"measurement.indicators.{_seg(path[2])}"
            if key not in seen:
                seen.add(key)
                out.append(Problem(sc.source, key, "has no effect: a new indicator added in a "
                                   "scenario is held by no employee. " + _PLAN))
            continue
        for pattern, why, active in by_block.get(path[0], ()):
            if not _matches(pattern, path):
                continue
            if len(path) > len(pattern) and path[len(pattern)] in active:
                continue
            if _same(value, _get(defaults, path)):
                continue
            out.append(Problem(sc.source, where, f"has no effect: {why}"))
            break
    return out


def _same(a: Any, b: Any) -> bool:
    if b is _MISSING:
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable values simply differ
        return False


# ------------------------------------------------------------------ domains, for the docs


def domains_markdown() -> str:
    """The "Parameter domains" table of docs/model.md, generated from the models."""
    lines = ["| Key | Domain |", "|---|---|"]
    lines += [f"| `{path}` | {text} |" for path, text in parameter_domains()]
    return "\n".join(lines)


def parameter_domains() -> list[tuple[str, str]]:
    """``(key path, domain)`` of every number, flag and choice a scenario can set, read off the
    pydantic models (docs/model.md "Parameter domains" is this list; a test compares them).

    ``*`` stands for any key of a mapping (an indicator name, a rumpun, a golongan...).
    """
    from kinerja_sim import behaviour, indicators, raters
    from kinerja_sim.scenario import ScenarioSpec
    from kinerja_sim.schemes import SCHEMES, tpp

    out: list[tuple[str, str]] = []
    spec_fields = {k: v for k, v in ScenarioSpec.model_fields.items()
                   if k in ("seed", "target_ambition", "workforce")}
    for name, f in spec_fields.items():
        _walk_field(name, f.annotation, f.metadata, out)
    _walk_model("raters", raters.RaterParams, out)
    _walk_model("measurement", indicators.Catalogue, out)
    _walk_model("behaviour", behaviour.Params, out)
    _walk_model("rollout", behaviour.Rollout, out)
    _walk_model("tpp", tpp.Params, out)
    for scheme, module in SCHEMES.items():
        _walk_model(f"scheme.params ({scheme})", module.Params, out)
    return out


def _walk_model(prefix: str, model: Any, out: list) -> None:
    for name, f in model.model_fields.items():
        if name in _DOC_KEYS or name.endswith("_note"):
            continue
        _walk_field(f"{prefix}.{name}", f.annotation, f.metadata, out)


def _walk_field(path: str, ann: Any, metadata: list, out: list) -> None:
    import typing

    from pydantic import BaseModel

    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Annotated:
        _walk_field(path, args[0], [*metadata, *args[1:]], out)
        return
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            _walk_field(path, inner[0], metadata, out)
            if out and out[-1][0] == path:
                out[-1] = (path, out[-1][1] + " or null")
            return
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        _walk_model(path, ann, out)
        return
    if origin is dict:
        _walk_field(f"{path}.*", args[1], [], out)
        return
    if origin in (list, tuple):
        elem = args[0] if args else Any
        shape, lo, hi = "", None, None
        for m in metadata:
            lo = getattr(m, "min_length", None) if lo is None else lo
            hi = getattr(m, "max_length", None) if hi is None else hi
        if lo is not None or hi is not None:
            shape = (f"{lo} values" if lo == hi else
                     f"{lo or 0}..{hi if hi is not None else 'n'} values")
        if origin is tuple:
            shape = f"{len(args)} values"
        if isinstance(elem, type) and issubclass(elem, BaseModel):
            _walk_model(f"{path}.*", elem, out)
            return
        text = _domain_text(elem, [])
        out.append((path, f"list of {shape + ', each ' if shape else ''}{text}"))
        return
    out.append((path, _domain_text(ann, metadata)))


def _domain_text(ann: Any, metadata: list) -> str:
    import typing

    if typing.get_origin(ann) is typing.Annotated:
        args = typing.get_args(ann)
        return _domain_text(args[0], [*metadata, *args[1:]])
    if typing.get_origin(ann) is typing.Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(ann))
    if ann is bool:
        return "true / false"
    if ann is str:
        return "text"
    lo = hi = None
    lo_open = hi_open = False
    flat = []
    for m in metadata:  # Field(...) inside Annotated[...] carries its constraints in .metadata
        flat += [m, *getattr(m, "metadata", [])]
    for m in flat:
        for attr, is_lo, is_open in (("ge", True, False), ("gt", True, True),
                                     ("le", False, False), ("lt", False, True)):
            v = getattr(m, attr, None)
            if v is not None:
                if is_lo:
                    lo, lo_open = v, is_open
                else:
                    hi, hi_open = v, is_open
    kind = "whole number" if ann is int else "number"

    def num(v: float) -> str:
        return "2^53" if v == 2**53 else f"{v:,}" if isinstance(v, int) else f"{v:g}"

    if lo is None and hi is None:
        return f"any finite {kind}"
    if lo is not None and hi is not None:
        return f"{kind} in {'(' if lo_open else '['}{num(lo)}, {num(hi)}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{kind} {'>' if lo_open else '>='} {num(lo)}"
    return f"{kind} {'<' if hi_open else '<='} {num(hi)}"
