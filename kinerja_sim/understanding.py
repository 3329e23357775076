"""How well staff understand a scheme when it starts: one documented rule, not a typed number.

Baseline understanding is the single largest driver of a comparison's ranking (issue 11): it
sets expectancy, procedural justice and resistance from the first quarter. Rather than each
scenario file typing its own value, it is derived here from what staff already know
(docs/model.md "Understanding of a scheme"):

    retention   = 0.5 ** (years since the scheme was last practised / half_life_years)
                  (1 for the scheme in practice today; 0 for one never practised)
    base        = shared + (1 - shared) * retention
                  (``shared``: share of the scheme's elements that today's practice also has,
                  SKP targets and supervisor-rated perilaku kerja; 1 for today's scheme)
    familiarity = base * (1 - min(1, sum of new_elements[e] for every element e that differs
                  from today's practice: the SE 03/2023 curve, the hasil thresholds,
                  multi-source ratings))
    understanding_baseline = unfamiliar + (familiar - unfamiliar) * familiarity

Sosialisasi then closes a share of the remaining gap for the staff it reaches
(:func:`kinerja_sim.behaviour.respond`). The numbers live in ``data/rollout.yaml``
(``understanding_rule``) with their sources; ``rollout.understanding_baseline`` set in a
scenario overrides the rule (for a value estimated from a real file), and the comparison says so.

Every comparison shows the value as a named :class:`Assumption` with its range: the rule
evaluated at the ends of the plausible ranges of its parameters (``data/ranges.yaml``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from kinerja_sim.params import load_yaml
from kinerja_sim.strict import NonNegative, Positive, Probability, StrictModel

#: Prefix of the rule's parameters in scenario overrides and in data/ranges.yaml.
RULE_PATH = "rollout.understanding_rule"


class UnderstandingRule(StrictModel):
    """Parameters of the rule (``rollout.understanding_rule``; see the module doc)."""

    familiar: Probability
    unfamiliar: Probability
    half_life_years: Positive
    as_of_year: int = Field(ge=1945, le=2200)
    practice_scenario: str = Field(min_length=1, max_length=80,
                                   pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
    last_practised: dict[str, int] = Field(default_factory=dict)
    shared_with_practice: dict[str, Probability] = Field(default_factory=dict)
    new_elements: dict[str, NonNegative] = Field(default_factory=dict)


@dataclass(frozen=True)
class Assumption:
    """A named modelling assumption shown with every comparison.

    ``source`` is ``"rule"`` (derived by :func:`derive`) or ``"scenario"`` (set in the
    scenario file). ``low``/``high``: the value at the ends of the plausible ranges of the
    rule's parameters (equal to ``value`` when the scenario sets it). ``parts`` holds the
    rule's intermediate terms, ``new`` the elements found new against today's practice.
    """

    name: str
    value: float
    low: float
    high: float
    source: str
    parts: dict[str, float] = field(default_factory=dict)
    new: tuple[str, ...] = ()


def appraisal_elements(scheme_name: str, scheme_params: Any, rater_params: Any
                       ) -> dict[str, object]:
    """The elements of an appraisal staff would notice as new, read from resolved parameters.

    An element a scheme does not have (e.g. hasil thresholds outside PermenPANRB 6/2022) is
    ``None`` and never counts as new.
    """
    dist = getattr(scheme_params, "distribution", None)
    hasil = getattr(scheme_params, "hasil", None)
    thresholds = None
    if hasil is not None and hasattr(hasil, "sesuai_from"):
        thresholds = (float(hasil.sesuai_from), float(hasil.atas_from))
    return {
        "distribution_curve": None if dist is None else bool(dist.enabled),
        "hasil_thresholds": thresholds,
        "multi_source_rating": int(getattr(rater_params, "sources", 1)) > 1,
        "scheme": scheme_name,
    }


def rule_from(overrides: dict | None = None) -> UnderstandingRule:
    """The packaged rule with ``overrides`` (the ``understanding_rule`` mapping) applied."""
    from kinerja_sim.strict import merged_params

    return merged_params(UnderstandingRule, load_yaml("rollout.yaml")["understanding_rule"],
                         overrides, "<scenario>", RULE_PATH)


def derive(rule: UnderstandingRule, elements: dict[str, object],
           practice: dict[str, object], read: Callable[[str], None] | None = None
           ) -> tuple[float, dict[str, float], tuple[str, ...]]:
    """``(understanding_baseline, parts, new elements)`` for a scheme with ``elements``
    (:func:`appraisal_elements`) against today's ``practice``.

    ``read(key)`` is called for every rule key the result depends on, so that a setting the
    rule never reads for this scenario can be reported as inert.
    """
    read = read or (lambda key: None)
    scheme = elements["scheme"]
    read("practice_scenario")
    if scheme == practice["scheme"]:
        retention, shared = 1.0, 1.0
    else:
        read(f"shared_with_practice.{scheme}")
        shared = rule.shared_with_practice.get(scheme, 0.0)
        last = rule.last_practised.get(scheme)
        read(f"last_practised.{scheme}")
        if last is None or shared >= 1:
            retention = 0.0
        else:
            read("as_of_year")
            read("half_life_years")
            retention = 0.5 ** (max(0, rule.as_of_year - last) / rule.half_life_years)
    base = shared + (1 - shared) * retention
    new = tuple(name for name, value in elements.items()
                if name != "scheme" and value is not None and practice.get(name) is not None
                and value != practice[name])
    for name in new:
        read(f"new_elements.{name}")
    novelty = min(1.0, sum(rule.new_elements.get(name, 0.0) for name in new))
    familiarity = base * (1 - novelty)
    if familiarity > 0:
        read("familiar")
    if familiarity < 1:
        read("unfamiliar")
    value = rule.unfamiliar + (rule.familiar - rule.unfamiliar) * familiarity
    parts = {"retention": retention, "shared": shared, "novelty": novelty,
             "familiarity": familiarity}
    return float(value), parts, new


def rule_ranges() -> dict[str, tuple[float, float]]:
    """Plausible ranges of the rule's parameters, from ``data/ranges.yaml`` (keys relative to
    ``rollout.understanding_rule``)."""
    prefix = RULE_PATH + "."
    return {path[len(prefix):]: (float(v["low"]), float(v["high"]))
            for path, v in load_yaml("ranges.yaml")["parameters"].items()
            if path.startswith(prefix)}


def _with(rule: UnderstandingRule, key: str, value: float) -> UnderstandingRule:
    head, _, tail = key.partition(".")
    if not tail:
        return rule.model_copy(update={head: value})
    return rule.model_copy(update={head: {**getattr(rule, head), tail: value}})


def assumption(rule: UnderstandingRule, elements: dict[str, object],
               practice: dict[str, object], given: float | None = None,
               read: Callable[[str], None] | None = None) -> Assumption:
    """The understanding assumption of a scenario: the scenario's own value if ``given``,
    else the rule's, with its range over the corners of the rule's plausible ranges (the rule
    is monotone in each parameter, so the corners bound it)."""
    if given is not None:
        return Assumption("understanding_baseline", float(given), float(given), float(given),
                          "scenario")
    value, parts, new = derive(rule, elements, practice, read)
    # only the parameters the value can depend on for this scheme span the corners (the others
    # cannot move it): 2^4-2^6 corners instead of 2^10
    scheme = elements["scheme"]
    relevant = {"familiar", "unfamiliar", *(f"new_elements.{name}" for name in new)}
    if scheme != practice["scheme"]:
        relevant |= {f"shared_with_practice.{scheme}", f"last_practised.{scheme}",
                     "as_of_year", "half_life_years"}
    ranges = {key: span for key, span in rule_ranges().items() if key in relevant}
    corners = []
    for ends in itertools.product(*ranges.values()):
        r = rule
        for key, v in zip(ranges, ends, strict=True):
            r = _with(r, key, v)
        if r.unfamiliar <= r.familiar:
            corners.append(derive(r, elements, practice)[0])
    low, high = (min(corners), max(corners)) if corners else (value, value)
    return Assumption("understanding_baseline", value, min(low, value), max(high, value),
                      "rule", parts, new)
