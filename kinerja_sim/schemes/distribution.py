"""SE MenPANRB 03/2023 distribution curve ("kurva distribusi predikat kinerja pegawai").

The organisation predikat of an OPD (Istimewa .. Sangat Kurang) fixes rules on the distribution
of employee predikat beneath it (regulation.md §1.6, §8). The rules are data (see the
``distribution.rules`` block of ``data/schemes/permenpanrb_6_2022.yaml``) of two kinds:

* **cap** ``{category, max_share, move_to}``: at most ``floor(max_share * n)`` employees in
  ``category``; the excess moves to ``move_to``.
* **floor** ``{categories, min_share, min_count, fill_from}``: at least
  ``max(ceil(min_share * n), min_count)`` employees in the set ``categories``; the shortfall is
  drawn from the categories of ``fill_from`` in that order, each mover going to the member of
  ``categories`` nearest to where they come from.

Adjustment (explicit, reproducible, minimal):

1. Caps first, in YAML order; then floors, in YAML order. A floor never draws a category of
   another floor below that floor's requirement, and never fills a destination above its cap,
   so no step undoes an earlier one. Each step moves exactly its excess / shortfall at that
   point, so the number of people moved is at most the total excess + shortfall of the raw
   distribution (for rule sets like the regulation's, where a cap's ``move_to`` is uncapped and
   caps do not empty a floor set).
2. Steps move *counts*, recorded in a flow matrix ``flows[g, raw, final]``; a person moves at
   most once (a later step may redirect an earlier mover further, or back home, instead of
   moving a second person; ``draw_order`` says whether people native to the category or earlier
   movers are drawn first).
3. Who moves is decided by merit within (group, raw predikat): the lowest-merit move down, the
   highest-merit move up, the furthest move going to the extremes; ties are broken by
   position (lower index = lower). One stable sort by (group, raw predikat, merit) serves all
   groups at once; there is no Python loop over groups.

Feasibility depends only on the group size: a group is infeasible when no distribution of its
``n`` people satisfies all its rules (e.g. a 2-person OPD rated Kurang: 60 % Kurang *and* 10 %
Butuh Perbaikan need 2 + 1 people). Infeasible groups get the caps only and are listed in the
report; groups smaller than ``min_group_size`` are left unchanged and listed as exempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.strict import StrictModel

#: Employee predikat of PermenPANRB 6/2022, codes 0 (worst) .. 4 (best).
LABELS = ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik", "Sangat Baik")
PredikatLabel = Literal["Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik",
                        "Sangat Baik"]
OrgLabel = Literal["Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa"]
_EPS = 1e-9  # share * n is rounded as exact arithmetic would (0.1 * 30 is 3, not 3.0000001)


class CapRule(StrictModel):
    category: PredikatLabel
    max_share: float = Field(ge=0.0, le=1.0)
    move_to: PredikatLabel

    @model_validator(mode="after")
    def _distinct(self):
        if self.move_to == self.category:
            raise ValueError("move_to must differ from category")
        return self


class FloorRule(StrictModel):
    categories: list[PredikatLabel] = Field(min_length=1)
    min_share: float = Field(0.0, ge=0.0, le=1.0)
    min_count: int = Field(0, ge=0)
    fill_from: list[PredikatLabel]

    @model_validator(mode="after")
    def _complete(self):
        cats, fill = set(self.categories), list(self.fill_from)
        if len(cats) != len(self.categories) or len(set(fill)) != len(fill):
            raise ValueError("categories and fill_from must not repeat a label")
        if cats & set(fill):
            raise ValueError("fill_from must not contain one of the floor's own categories")
        missing = [c for c in LABELS if c not in cats and c not in fill]
        if missing:
            raise ValueError(f"fill_from must list every other category; missing {missing}")
        return self


class OrgRule(StrictModel):
    caps: list[CapRule] = Field(default_factory=list)
    floors: list[FloorRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        capped = [c.category for c in self.caps]
        if len(set(capped)) != len(capped):
            raise ValueError("at most one cap per category")
        for c in self.caps:
            if c.move_to in capped:
                raise ValueError(f"cap on {c.category!r} moves people to {c.move_to!r}, "
                                 "which is itself capped; move_to must be uncapped")
        seen: set[str] = set()
        for f in self.floors:
            if seen & set(f.categories):
                raise ValueError("floor category sets must be disjoint")
            seen |= set(f.categories)
        return self


class DistributionParams(StrictModel):
    enabled: bool = False
    exclude_opd_heads: bool = True
    min_group_size: int = Field(1, ge=1)
    draw_order: Literal["stayers_first", "movers_first"] = "stayers_first"
    rules: dict[OrgLabel, OrgRule]

    @model_validator(mode="after")
    def _all_org_predikat(self):
        missing = [o for o in ORG_PREDIKAT if o not in self.rules]
        if missing:
            raise ValueError(f"rules needed for every organisation predikat; missing {missing}")
        return self


@dataclass(frozen=True)
class _Compiled:
    caps: tuple[tuple[int, float, int], ...]  # (category, share, move_to)
    floors: tuple[tuple[tuple[int, ...], float, int, tuple[int, ...]], ...]


def _compile(rules: DistributionParams) -> list[_Compiled]:
    out = []
    for org_label in ORG_PREDIKAT:
        r = rules.rules[org_label]
        caps = tuple((LABELS.index(c.category), c.max_share, LABELS.index(c.move_to))
                     for c in r.caps)
        floors = tuple((tuple(LABELS.index(c) for c in f.categories), f.min_share, f.min_count,
                        tuple(LABELS.index(c) for c in f.fill_from)) for f in r.floors)
        out.append(_Compiled(caps, floors))
    return out


def _cap_counts(n: np.ndarray, rule: _Compiled) -> np.ndarray:
    """(m, 5) maximum count per category (n where uncapped)."""
    capn = np.repeat(n[:, None], 5, axis=1).astype(np.int64)
    for c, share, _ in rule.caps:
        capn[:, c] = np.floor(share * n + _EPS).astype(np.int64)
    return capn


def _floor_reqs(n: np.ndarray, rule: _Compiled) -> list[np.ndarray]:
    return [np.maximum(np.ceil(share * n - _EPS).astype(np.int64), mc)
            for _, share, mc, _ in rule.floors]


def rules_satisfied(counts: np.ndarray, org_code: np.ndarray, rules: DistributionParams
                    ) -> np.ndarray:
    """(G,) bool: does each group's ``counts`` (G, 5) satisfy its organisation's rules?"""
    counts = np.asarray(counts, dtype=np.int64)
    n = counts.sum(axis=1)
    ok = np.ones(len(n), dtype=bool)
    for k, rule in enumerate(_compile(rules)):
        gi = np.flatnonzero(org_code == k)
        if not gi.size:
            continue
        c, nk = counts[gi], n[gi]
        capn = _cap_counts(nk, rule)
        good = (c <= capn).all(axis=1)
        for (cats, *_), req in zip(rule.floors, _floor_reqs(nk, rule), strict=True):
            good &= c[:, list(cats)].sum(axis=1) >= req
        ok[gi] = good
    return ok


def excess_bound(counts: np.ndarray, org_code: np.ndarray, rules: DistributionParams
                 ) -> np.ndarray:
    """(G,) total excess over the caps plus shortfall under the floors of ``counts``."""
    counts = np.asarray(counts, dtype=np.int64)
    n = counts.sum(axis=1)
    out = np.zeros(len(n), dtype=np.int64)
    for k, rule in enumerate(_compile(rules)):
        gi = np.flatnonzero(org_code == k)
        if not gi.size:
            continue
        c, nk = counts[gi], n[gi]
        capn = _cap_counts(nk, rule)
        tot = np.zeros(gi.size, dtype=np.int64)
        for cat, _, _ in rule.caps:
            tot += np.maximum(c[:, cat] - capn[:, cat], 0)
        for (cats, *_), req in zip(rule.floors, _floor_reqs(nk, rule), strict=True):
            tot += np.maximum(req - c[:, list(cats)].sum(axis=1), 0)
        out[gi] = tot
    return out


def feasible_sizes(n: np.ndarray, org_code: np.ndarray, rules: DistributionParams
                   ) -> np.ndarray:
    """(G,) bool: can *some* distribution of ``n`` people satisfy the organisation's rules?

    With single-category caps whose ``move_to`` is uncapped and disjoint floor sets this holds
    iff the floor requirements fit in ``n``, each floor fits under the caps of its own
    categories, and the caps leave room for everybody.
    """
    n = np.asarray(n, dtype=np.int64)
    ok = np.ones(len(n), dtype=bool)
    for k, rule in enumerate(_compile(rules)):
        gi = np.flatnonzero(org_code == k)
        if not gi.size:
            continue
        nk = n[gi]
        capn = _cap_counts(nk, rule)
        reqs = _floor_reqs(nk, rule)
        good = capn.sum(axis=1) >= nk
        total = np.zeros(gi.size, dtype=np.int64)
        for (cats, *_), req in zip(rule.floors, reqs, strict=True):
            good &= req <= capn[:, list(cats)].sum(axis=1)
            total += req
        ok[gi] = good & (total <= nk)
    return ok


def _draw(F: np.ndarray, src: int, dst: int, k: np.ndarray, draw_order: str) -> None:
    """Move ``k[i]`` people currently in category ``src`` to ``dst`` in flow matrix ``F``.

    ``F[i, s, c]`` counts people of raw predikat ``s`` now in category ``c``. People who earlier
    moved *into* ``src`` from the side of ``dst`` go first (they return towards home); then, for
    ``stayers_first``, people native to ``src``, then earlier movers who came from the far side
    (nearest origin first); ``movers_first`` swaps the last two.
    """
    if not k.any():
        return
    down = dst < src
    returners = [s for s in (range(src - 1, -1, -1) if down else range(src + 1, 5))]
    far = [s for s in (range(src + 1, 5) if down else range(src - 1, -1, -1))]
    order = returners + ([src] + far if draw_order == "stayers_first" else far + [src])
    remaining = k.astype(np.int64).copy()
    for s in order:
        take = np.minimum(remaining, F[:, s, src])
        F[:, s, src] -= take
        F[:, s, dst] += take
        remaining -= take
    if remaining.any():  # pragma: no cover - guarded by the callers
        raise RuntimeError("distribution: drew more people than a category holds")


def _adjust_counts(F: np.ndarray, n: np.ndarray, feasible: np.ndarray, rule: _Compiled,
                   draw_order: str) -> None:
    """Apply one organisation type's caps (all groups) and floors (feasible groups) to ``F``."""
    capn = _cap_counts(n, rule)
    for c, _, d in rule.caps:
        cur = F.sum(axis=1)
        _draw(F, c, d, np.maximum(cur[:, c] - capn[:, c], 0), draw_order)
    reqs = _floor_reqs(n, rule)
    for fi, (cats, _, _, fill_from) in enumerate(rule.floors):
        cat_list = list(cats)
        for src in fill_from:
            cur = F.sum(axis=1)
            need = np.maximum(reqs[fi] - cur[:, cat_list].sum(axis=1), 0)
            need[~feasible] = 0
            if not need.any():
                break
            avail = cur[:, src].copy()
            for gj, (other, *_) in enumerate(rule.floors):
                if gj != fi and src in other:
                    surplus = cur[:, list(other)].sum(axis=1) - reqs[gj]
                    avail = np.minimum(avail, np.maximum(surplus, 0))
            take = np.minimum(need, avail)
            # nearest destination first; on a tie the lower category first
            for dst in sorted(cats, key=lambda c, s=src: (abs(c - s), c)):
                cur = F.sum(axis=1)
                room = np.maximum(capn[:, dst] - cur[:, dst], 0)
                t = np.minimum(take, room)
                _draw(F, src, dst, t, draw_order)
                take = take - t


def apply_distribution(predikat_raw, merit, group, group_org_predikat, eligible,
                       rules: DistributionParams) -> tuple[np.ndarray, dict[str, object]]:
    """Apply the SE 03/2023 curve per group; return ``(predikat, report)``.

    Parameters are arrays over n employees (``predikat_raw`` 0..4 in :data:`LABELS` order,
    ``merit`` higher = better, ``group`` 0..G-1, ``eligible`` bool: who is subject to the curve)
    and ``group_org_predikat`` (G,) codes into ``ORG_PREDIKAT``. Ineligible employees keep their
    raw predikat and do not count in their group's size.

    The report holds ``n_moved``, ``moved_per_group`` (G,), ``group_size`` (G,), ``counts_raw``
    and ``counts_final`` (G, 5), ``flows`` (G, 5, 5) raw -> final, ``bound_per_group`` (G,) the
    raw excess + shortfall, ``rules_satisfied`` (G,; True for groups with nobody eligible),
    ``infeasible_groups`` (caps applied, floors impossible for the group size) and
    ``exempt_groups`` (group codes), plus ``labels`` and ``org_labels``.
    """
    raw = np.asarray(predikat_raw)
    n_all = raw.shape[0]
    merit = np.asarray(merit, dtype=np.float64)
    group = np.asarray(group)
    eligible = np.asarray(eligible, dtype=bool)
    org = np.asarray(group_org_predikat).astype(np.int64)
    G = org.shape[0]
    for name, arr in (("merit", merit), ("group", group), ("eligible", eligible)):
        if arr.shape != (n_all,):
            raise ValueError(f"apply_distribution: {name} has shape {arr.shape}, "
                             f"expected ({n_all},)")
    if raw.size and (raw.min() < 0 or raw.max() > 4):
        raise ValueError("apply_distribution: predikat_raw codes must be 0..4")
    if org.size and (org.min() < 0 or org.max() > 4):
        raise ValueError("apply_distribution: group_org_predikat codes must be 0..4")
    el = np.flatnonzero(eligible)
    g_e = group[el].astype(np.int64)
    if g_e.size and (g_e.min() < 0 or g_e.max() >= G):
        raise ValueError(f"apply_distribution: group codes must be 0..{G - 1}")
    if not np.isfinite(merit[el]).all():
        raise ValueError("apply_distribution: merit must be finite for eligible employees")
    r_e = raw[el].astype(np.int64)

    key = g_e * 5 + r_e
    counts = np.bincount(key, minlength=G * 5).reshape(G, 5)
    size = counts.sum(axis=1)
    F = np.zeros((G, 5, 5), dtype=np.int64)
    F[:, np.arange(5), np.arange(5)] = counts

    active = size >= max(1, rules.min_group_size)
    exempt = (size > 0) & ~active
    feasible = feasible_sizes(size, org, rules) & active
    for k, rule in enumerate(_compile(rules)):
        gi = np.flatnonzero(active & (org == k))
        if not gi.size:
            continue
        Fk = F[gi]
        _adjust_counts(Fk, size[gi], feasible[gi], rule, rules.draw_order)
        F[gi] = Fk

    counts_final = F.sum(axis=1)
    satisfied = rules_satisfied(counts_final, org, rules) | (size == 0)  # empty: vacuous
    broken = np.flatnonzero(feasible & ~satisfied)
    if broken.size:  # pragma: no cover - would be a bug in the adjustment
        raise RuntimeError(f"distribution: feasible groups left unsatisfied: {broken[:10]}")

    # Who moves: rank within (group, raw predikat) by merit, ties by position; destination is
    # the cumulative flow interval that contains the rank (lowest merit -> lowest destination).
    o1 = np.argsort(merit[el], kind="stable")
    if G * 5 < 2**15:  # a stable (radix) sort of the small keys, in merit order
        order = o1[np.argsort(key.astype(np.int16)[o1], kind="stable")]
    else:  # (key, merit rank) as one unique int64: any sort gives that same order, faster
        merit_rank = np.empty(el.size, dtype=np.int64)
        merit_rank[o1] = np.arange(el.size)
        order = np.argsort(key * el.size + merit_rank)
        del merit_rank
    key_sorted = key[order]
    block_start = np.concatenate(([0], np.cumsum(counts.ravel())))[:-1]
    rank = np.arange(el.size, dtype=np.int64) - block_start[key_sorted]
    cum = np.cumsum(F, axis=2).reshape(G * 5, 5)
    dest = np.zeros(el.size, dtype=np.int8)
    for d in range(4):
        dest += (rank >= cum[key_sorted, d]).astype(np.int8)

    predikat = raw.astype(np.int8).copy()
    predikat[el[order]] = dest
    changed = predikat != raw
    moved_per_group = np.bincount(group[changed & eligible].astype(np.int64), minlength=G)
    report: dict[str, object] = {
        "n_moved": int(changed.sum()),
        "moved_per_group": moved_per_group,
        "group_size": size,
        "counts_raw": counts,
        "counts_final": counts_final,
        "flows": F,
        "bound_per_group": excess_bound(counts, org, rules),
        "rules_satisfied": satisfied,
        "infeasible_groups": np.flatnonzero(active & ~feasible),
        "exempt_groups": np.flatnonzero(exempt),
        "labels": LABELS,
        "org_labels": ORG_PREDIKAT,
    }
    return predikat, report


def apply_per_opd(predikat_raw: np.ndarray, merit: np.ndarray, org,
                  rules: DistributionParams) -> tuple[np.ndarray, dict[str, object]]:
    """The curve as a scheme applies it: per OPD from its organisation predikat, OPD heads
    excluded when ``rules.exclude_opd_heads`` (their predikat is set by the level above), or the
    raw predikat unchanged when the rule is disabled."""
    if not rules.enabled:
        return predikat_raw.copy(), {"enabled": False}
    heads = np.asarray(org.is_opd_head, dtype=bool)
    eligible = ~heads if rules.exclude_opd_heads else np.ones(heads.size, dtype=bool)
    predikat, report = apply_distribution(predikat_raw, merit, org.opd, org.org_predikat,
                                          eligible, rules)
    report["enabled"] = True
    return predikat, report
