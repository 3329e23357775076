"""SE MenPANRB 03/2023 distribution curve: worked examples and property tests.

The rule checker below is typed independently from regulation.md §1.6 (integer arithmetic for
floor/ceil of the shares), not read from the YAML.
"""


import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import permenpanrb_6_2022 as s622
from kinerja_sim.schemes.distribution import LABELS, apply_distribution

SK, K, BP, B, SB = range(5)  # employee predikat codes
O_SK, O_K, O_BP, O_B, O_IST = range(5)  # organisation predikat codes
RULES = s622.default_params().distribution
MOVERS_FIRST = RULES.model_copy(update={"draw_order": "movers_first"})
# sensitivity reading of "sebagian besar": the modal category also needs >= 50 %
MAJORITY = s622.params_from({"distribution": {"rules": {
    "Istimewa": {"floors": [{"categories": ["Sangat Baik"], "min_share": 0.5,
                             "fill_from": ["Baik", "Butuh Perbaikan", "Kurang/Misconduct",
                                           "Sangat Kurang"]}]},
    "Baik": {"floors": [
        {"categories": ["Butuh Perbaikan", "Kurang/Misconduct"], "min_count": 1,
         "fill_from": ["Baik", "Sangat Baik", "Sangat Kurang"]},
        {"categories": ["Baik"], "min_share": 0.5,
         "fill_from": ["Butuh Perbaikan", "Sangat Baik", "Kurang/Misconduct",
                       "Sangat Kurang"]}]}}}}).distribution


def cap(share_tenths: int, n: int) -> int:
    return share_tenths * n // 10


def need(share_tenths: int, n: int) -> int:
    return -(-share_tenths * n // 10)


def violations(c, org: int, mode: int = 0) -> int:
    """Total excess over caps + shortfall under floors (0 = complies), from regulation §1.6;
    ``mode`` = optional floor (tenths) on the modal category of Istimewa / Baik."""
    n = int(sum(c))
    ex = lambda count, limit: max(0, count - limit)  # noqa: E731
    sh = lambda count, req: max(0, req - count)  # noqa: E731
    if org == O_IST:
        return ex(c[SB], cap(7, n)) + sh(c[SB], need(mode, n))
    if org == O_B:
        return ex(c[B], cap(7, n)) + sh(c[BP] + c[K], 1) + sh(c[B], need(mode, n))
    if org == O_BP:
        return sh(c[BP], need(6, n)) + ex(c[SB], cap(1, n))
    if org == O_K:
        return sh(c[K], need(6, n)) + sh(c[BP], need(1, n)) + ex(c[SB], cap(1, n))
    return sh(c[SK], need(6, n)) + sh(c[K] + c[BP], need(1, n)) + ex(c[SB], 0)


def feasible(n: int, org: int, mode: int = 0) -> bool:
    if org in (O_K, O_SK):
        return need(6, n) + need(1, n) <= n
    if org == O_IST:
        return need(mode, n) <= cap(7, n)
    if org == O_B:
        return need(mode, n) <= cap(7, n) and need(mode, n) + 1 <= n
    return n >= 1


def run(raw, org, merit=None, rules=RULES):
    raw = np.asarray(raw)
    n = raw.size
    merit = np.arange(n, dtype=float) if merit is None else np.asarray(merit, dtype=float)
    return apply_distribution(raw, merit, np.zeros(n, dtype=int), np.array([org]),
                              np.ones(n, dtype=bool), rules)


# ---------------------------------------------------------------- worked examples (§1.6)


def test_istimewa_caps_sangat_baik_at_70_percent():
    pred, rep = run([SB] * 10, O_IST)  # merit = index
    assert pred.tolist() == [B, B, B] + [SB] * 7  # the three lowest-merit move to Baik
    assert rep["n_moved"] == 3 and rep["moved_per_group"].tolist() == [3]


def test_baik_caps_baik_and_forces_a_tail():
    pred, rep = run([B] * 10, O_B)
    assert pred.tolist() == [BP] * 3 + [B] * 7  # cap does the tail too
    pred, rep = run([B] * 5 + [SB] * 5, O_B)
    assert pred.tolist() == [BP] + [B] * 4 + [SB] * 5  # lowest-merit Baik forms the tail
    assert rep["n_moved"] == 1
    pred, _ = run([SB], O_B)  # a one-person OPD rated Baik: the rule as written forces BP
    assert pred.tolist() == [BP]


def test_butuh_perbaikan_floor_and_sangat_baik_cap():
    raw = [B] * 7 + [SB] * 3  # merit = index: the SB are the top three
    pred, rep = run(raw, O_BP)
    # SB <= 1: SB 7, 8 -> Baik; BP >= 6: the six lowest natives of Baik (0..5) -> BP
    assert pred.tolist() == [BP] * 6 + [B] * 3 + [SB]
    assert rep["n_moved"] == 8
    pred, rep = run(raw, O_BP, rules=MOVERS_FIRST)
    # movers_first: SB 7, 8 go on to BP, then Baik 0..3
    assert pred.tolist() == [BP] * 4 + [B] * 3 + [BP, BP, SB]
    assert rep["n_moved"] == 6


def test_kurang_needs_60_percent_kurang_and_10_percent_bp():
    pred, rep = run([B] * 10, O_K)
    assert pred.tolist() == [K] * 6 + [BP] + [B] * 3
    assert rep["n_moved"] == 7
    pred, rep = run([SB, SB], O_K)  # 2 people cannot be 60 % K and 10 % BP: caps only
    assert rep["infeasible_groups"].tolist() == [0]
    assert pred.tolist() == [B, B]
    assert not rep["rules_satisfied"][0]


def test_sangat_kurang_no_sangat_baik_and_tail():
    raw = [B] * 8 + [SB] * 2
    pred, rep = run(raw, O_SK)
    # SB -> Baik (cap 0); SK >= 6: Baik natives 0..5; {K, BP} >= 1: Baik native 6 -> BP
    assert pred.tolist() == [SK] * 6 + [BP] + [B] * 3
    assert rep["n_moved"] == 9
    counts = rep["counts_final"][0].tolist()
    assert counts == [6, 0, 1, 3, 0]


def test_majority_floor_promotes_highest_merit_and_flags_tiny_groups():
    pred, rep = run([B] * 8 + [SB] * 2, O_IST, rules=MAJORITY)
    assert pred.tolist() == [B] * 5 + [SB] * 5  # Baik 5, 6, 7 (highest merit) promoted
    assert rep["n_moved"] == 3
    pred, rep = run([B], O_B, rules=MAJORITY)  # Baik >= 1 and Baik <= 0: impossible
    assert rep["infeasible_groups"].tolist() == [0]
    assert pred.tolist() == [BP]  # infeasible groups still get the caps: floor(0.7 * 1) = 0
    assert not rep["rules_satisfied"][0]


def test_ties_broken_by_position():
    pred, _ = run([SB] * 10, O_IST, merit=np.zeros(10))
    assert pred.tolist() == [B] * 3 + [SB] * 7  # equal merit: lower index counts as lower


def test_cap_counts_use_floor_and_floors_use_ceil():
    raw = np.array([SB] * 4)
    pred, rep = apply_distribution(raw, np.zeros(4), np.zeros(4, int), np.array([O_IST]),
                                   np.ones(4, bool), RULES)
    assert rep["counts_final"][0].tolist() == [0, 0, 0, 2, 2]
    assert pred.tolist() == [B, B, SB, SB]
    pred, rep = run([B] * 30, O_BP)  # ceil(0.6 * 30) = 18, not 19 (float 0.6*30 = 18.000..)
    assert rep["counts_final"][0].tolist() == [0, 0, 18, 12, 0]
    pred, rep = run([B] * 30, O_K)  # ceil(0.1 * 30) = 3 exactly
    assert rep["counts_final"][0].tolist() == [0, 18, 3, 9, 0]


def test_opd_heads_excluded_and_min_group_size_exempts():
    raw = np.array([SB] * 5)
    elig = np.array([False, True, True, True, True])
    pred, rep = apply_distribution(raw, np.arange(5.0), np.zeros(5, int), np.array([O_IST]),
                                   elig, RULES)
    assert pred[0] == SB  # the head is not part of the curve
    assert rep["group_size"].tolist() == [4]
    assert pred[1:].tolist() == [B, B, SB, SB]
    small = RULES.model_copy(update={"min_group_size": 5})
    pred, rep = apply_distribution(raw, np.arange(5.0), np.zeros(5, int), np.array([O_IST]),
                                   elig, small)
    assert pred.tolist() == raw.tolist() and rep["exempt_groups"].tolist() == [0]


def test_groups_are_independent_and_vectorised():
    raw = np.array([SB] * 10 + [B] * 10)
    group = np.array([0] * 10 + [1] * 10)
    pred, rep = apply_distribution(raw, np.arange(20.0), group, np.array([O_IST, O_BP]),
                                   np.ones(20, bool), RULES)
    assert pred[:10].tolist() == [B] * 3 + [SB] * 7
    assert pred[10:].tolist() == [BP] * 6 + [B] * 4
    assert rep["moved_per_group"].tolist() == [3, 6]
    assert rep["n_moved"] == 9


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="merit"):
        run([SB, SB], O_IST, merit=[0.0, np.nan])
    with pytest.raises(ValueError, match="0..4"):
        run([5], O_IST)


def test_rule_validation_lists_paths():
    with pytest.raises(InputError) as exc:
        s622.params_from({"distribution": {"rules": {"Baik": {"caps": [
            {"category": "Baik", "max_share": 0.7, "move_to": "Baik"}]}},
            "draw_order": "random"}})
    msg = str(exc.value)
    assert "scheme.params.distribution.rules.Baik.caps.0" in msg
    assert "scheme.params.distribution.draw_order" in msg
    with pytest.raises(InputError, match="fill_from"):
        s622.params_from({"distribution": {"rules": {"Istimewa": {"floors": [
            {"categories": ["Sangat Baik"], "min_share": 0.5, "fill_from": ["Baik"]}]}}}})


def test_labels():
    assert LABELS == ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik",
                      "Sangat Baik")


# ---------------------------------------------------------------- property tests


@st.composite
def populations(draw):
    n_groups = draw(st.integers(1, 6))
    sizes = draw(st.lists(st.integers(1, 300), min_size=n_groups, max_size=n_groups))
    orgs = draw(st.lists(st.integers(0, 4), min_size=n_groups, max_size=n_groups))
    seed = draw(st.integers(0, 2**32 - 1))
    ties = draw(st.booleans())
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(n_groups), sizes)
    rng.shuffle(group)
    n = group.size
    # per-group category probabilities, so that some groups already comply
    probs = rng.dirichlet(np.full(5, 0.5), size=n_groups)
    raw = np.array([rng.choice(5, p=probs[g]) for g in group]) if n else np.zeros(0, int)
    merit = rng.integers(0, 5, n).astype(float) if ties else rng.normal(size=n)
    eligible = rng.random(n) > 0.05
    return raw, merit, group, np.array(orgs), eligible


def _check_properties(raw, merit, group, orgs, eligible, rules, mode=0):
    pred, rep = apply_distribution(raw, merit, group, orgs, eligible, rules)
    G = orgs.size
    assert (pred[~eligible] == raw[~eligible]).all()
    changed = pred != raw
    # (d) moved counts are the changed predikat, and bounded by the raw excess + shortfall
    assert rep["n_moved"] == int(changed.sum())
    assert rep["moved_per_group"].tolist() == np.bincount(group[changed], minlength=G).tolist()
    infeasible = set(rep["infeasible_groups"].tolist())
    for g in range(G):
        sel = (group == g) & eligible
        n = int(sel.sum())
        c_raw = np.bincount(raw[sel], minlength=5)
        c_fin = np.bincount(pred[sel], minlength=5)
        org = int(orgs[g])
        bound = violations(c_raw, org, mode)
        assert rep["moved_per_group"][g] <= bound
        if n == 0:
            continue
        # infeasible groups are listed (not silently ignored) exactly when no count vector works
        assert (g in infeasible) == (not feasible(n, org, mode))
        if feasible(n, org, mode):
            # (a) every feasible group satisfies all its rules
            assert violations(c_fin, org, mode) == 0, (org, c_raw, c_fin)
        # (c) nobody moves when the raw distribution already complies
        if bound == 0:
            assert rep["moved_per_group"][g] == 0
        # (e) merit order within (group, raw predikat) in the direction moved
        for s in range(5):
            src = sel & (raw == s)
            stay = src & (pred == s)
            down = src & (pred < s)
            up = src & (pred > s)
            if stay.any() and down.any():
                assert merit[down].max() <= merit[stay].min()
            if stay.any() and up.any():
                assert merit[up].min() >= merit[stay].max()
            if down.any() and up.any():
                assert merit[down].max() <= merit[up].min()
            # movers further down have no higher merit than movers less far down
            for d in range(s):
                for d2 in range(d + 1, s):
                    a, b = src & (pred == d), src & (pred == d2)
                    if a.any() and b.any():
                        assert merit[a].max() <= merit[b].min()
    return pred, rep


@pytest.mark.parametrize(("rules", "mode"), [(RULES, 0), (MOVERS_FIRST, 0), (MAJORITY, 5)],
                         ids=["stayers_first", "movers_first", "majority_floor"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pop=populations(), seed2=st.integers(0, 2**32 - 1))
def test_distribution_properties(rules, mode, pop, seed2):
    raw, merit, group, orgs, eligible = pop
    pred, rep = _check_properties(raw, merit, group, orgs, eligible, rules, mode)
    # (b) idempotent: applying twice moves nobody the second time
    pred2, rep2 = apply_distribution(pred, merit, group, orgs, eligible, rules)
    assert rep2["n_moved"] == 0 and (pred2 == pred).all()
    # (c) a complying distribution is left alone whatever the merit
    new_merit = np.random.default_rng(seed2).normal(size=raw.size)
    pred3, rep3 = apply_distribution(pred, new_merit, group, orgs, eligible, rules)
    feas = np.array([feasible(int(((group == g) & eligible).sum()), int(orgs[g]), mode)
                     for g in range(orgs.size)])
    assert (rep3["moved_per_group"][feas] == 0).all()
    assert rep3["n_moved"] == 0  # infeasible groups got the caps, which now hold too


def test_large_population_is_adjusted_consistently():
    # speed is measured in benchmarks/scale.py, not here
    rng = np.random.default_rng(1)
    n, G = 1_000_000, 1_000
    group = rng.integers(0, G, n)
    raw = rng.choice(5, n, p=[0.005, 0.005, 0.01, 0.9, 0.08])
    merit, orgs = rng.normal(size=n), rng.integers(0, 5, G)
    pred, rep = apply_distribution(raw, merit, group, orgs, np.ones(n, bool), RULES)
    assert rep["n_moved"] == int((pred != raw).sum()) > 0
    assert rep["moved_per_group"].sum() == rep["n_moved"]


# ---------------------------------------------------------------- gaps found by mutation testing
# Expected values are worked by hand from regulation.md §1.6 (caps floor(share * n), floors
# max(ceil(share * n), min_count)), not read back from the code.

OTHER4 = ["Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]


def test_cap_rule_domain_and_message():
    from kinerja_sim.schemes.distribution import CapRule
    assert CapRule(category="Sangat Baik", max_share=0.0, move_to="Baik").max_share == 0.0
    assert CapRule(category="Sangat Baik", max_share=1.0, move_to="Baik").max_share == 1.0
    for bad in (-0.01, 1.01):
        with pytest.raises(ValueError, match="max_share"):
            CapRule(category="Sangat Baik", max_share=bad, move_to="Baik")
    with pytest.raises(ValueError, match="move_to must differ from category"):
        CapRule(category="Baik", max_share=0.7, move_to="Baik")


def test_floor_rule_defaults_domain_and_messages():
    from kinerja_sim.schemes.distribution import FloorRule
    f = FloorRule(categories=["Sangat Baik"], fill_from=OTHER4)
    assert (f.min_share, f.min_count) == (0.0, 0)
    assert FloorRule(categories=["Sangat Baik"], min_share=1.0, fill_from=OTHER4).min_share == 1.0
    for kw in ({"min_share": -0.01}, {"min_share": 1.01}, {"min_count": -1}):
        with pytest.raises(ValueError, match=next(iter(kw))):
            FloorRule(categories=["Sangat Baik"], fill_from=OTHER4, **kw)
    with pytest.raises(ValueError, match="categories"):
        FloorRule(categories=[], fill_from=[*OTHER4, "Sangat Baik"])
    with pytest.raises(ValueError, match="categories and fill_from must not repeat a label"):
        FloorRule(categories=["Sangat Baik", "Sangat Baik"], fill_from=OTHER4)
    with pytest.raises(ValueError, match="categories and fill_from must not repeat a label"):
        FloorRule(categories=["Sangat Baik"], fill_from=[*OTHER4, "Baik"])
    with pytest.raises(ValueError,
                       match="fill_from must not contain one of the floor's own categories"):
        FloorRule(categories=["Sangat Baik"], fill_from=[*OTHER4, "Sangat Baik"])
    with pytest.raises(ValueError, match=r"fill_from must list every other category; "
                                         r"missing \['Sangat Kurang'\]"):
        FloorRule(categories=["Sangat Baik"], fill_from=OTHER4[:3])


def test_org_rule_messages():
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule
    c_sb = CapRule(category="Sangat Baik", max_share=0.1, move_to="Baik")
    with pytest.raises(ValueError, match="at most one cap per category"):
        OrgRule(caps=[c_sb, c_sb])
    with pytest.raises(ValueError, match=r"cap on 'Baik' moves people to 'Sangat Baik', "
                                         r"which is itself capped; move_to must be uncapped"):
        OrgRule(caps=[CapRule(category="Baik", max_share=0.7, move_to="Sangat Baik"), c_sb])
    f1 = FloorRule(categories=["Sangat Baik", "Baik"], fill_from=OTHER4[1:])
    f2 = FloorRule(categories=["Baik"], fill_from=["Sangat Baik", *OTHER4[1:]])
    with pytest.raises(ValueError, match="floor category sets must be disjoint"):
        OrgRule(floors=[f1, f2])
    f3 = FloorRule(categories=["Butuh Perbaikan"],
                   fill_from=["Sangat Baik", "Baik", "Kurang/Misconduct", "Sangat Kurang"])
    assert len(OrgRule(caps=[c_sb], floors=[f2, f3]).floors) == 2  # disjoint, uncapped move_to
    assert OrgRule().caps == [] and OrgRule().floors == []


def test_distribution_params_defaults_and_missing_rules():
    from kinerja_sim.schemes.distribution import DistributionParams
    p = DistributionParams(rules=RULES.rules)
    assert (p.enabled, p.exclude_opd_heads, p.min_group_size, p.draw_order) == (
        False, True, 1, "stayers_first")
    with pytest.raises(ValueError, match="min_group_size"):
        DistributionParams(rules=RULES.rules, min_group_size=0)
    partial = {k: v for k, v in RULES.rules.items() if k not in ("Kurang", "Istimewa")}
    with pytest.raises(ValueError, match=r"rules needed for every organisation predikat; "
                                         r"missing \['Kurang', 'Istimewa'\]"):
        DistributionParams(rules=partial)


def exact(text: str) -> str:
    """A ``pytest.raises(match=...)`` pattern for the whole message (match is re.search)."""
    return "^" + re.escape(text) + "$"


def test_input_errors_are_exact():
    n2 = np.zeros(2, int)
    ones = np.ones(2, bool)
    msg = "apply_distribution: {} has shape (1,), expected (2,)"
    with pytest.raises(ValueError, match=exact(msg.format("merit"))):
        apply_distribution(n2, np.zeros(1), n2, np.array([O_IST]), ones, RULES)
    with pytest.raises(ValueError, match=exact(msg.format("group"))):
        apply_distribution(n2, np.zeros(2), np.zeros(1, int), np.array([O_IST]), ones, RULES)
    with pytest.raises(ValueError, match=exact(msg.format("eligible"))):
        apply_distribution(n2, np.zeros(2), n2, np.array([O_IST]), np.ones(1, bool), RULES)
    for raw in ([-1, 0], [0, 5]):
        with pytest.raises(ValueError, match=exact(
                "apply_distribution: predikat_raw codes must be 0..4")):
            apply_distribution(np.array(raw), np.zeros(2), n2, np.array([O_IST]), ones, RULES)
    for org in (-1, 5):
        with pytest.raises(ValueError, match=exact(
                "apply_distribution: group_org_predikat codes must be 0..4")):
            apply_distribution(n2, np.zeros(2), n2, np.array([org]), ones, RULES)
    for grp in ([0, 2], [-1, 0]):
        with pytest.raises(ValueError, match=exact(
                "apply_distribution: group codes must be 0..1")):
            apply_distribution(n2, np.zeros(2), np.array(grp), np.array([O_IST, O_IST]), ones,
                               RULES)
    for m in (np.inf, -np.inf, np.nan, None):  # None: a missing merit (an empty cell)
        with pytest.raises(ValueError, match=exact(
                "apply_distribution: merit must be finite for eligible employees")):
            apply_distribution(n2, [0.0, m], n2, np.array([O_IST]), ones, RULES)


def test_edge_codes_accepted_and_ineligible_rows_not_checked():
    # codes 0 and 4 are valid at both ends; an ineligible row's group and merit are not used
    raw = np.array([SK, SB, SB])
    pred, rep = apply_distribution(raw, np.array([0.0, 1.0, np.nan]), np.array([0, 0, 7]),
                                   np.array([O_IST]), np.array([True, True, False]), RULES)
    # Istimewa, n = 2: cap floor(0.7 * 2) = 1 Sangat Baik; the lower-merit SB (index 1) is the
    # only SB that counts, 1 <= 1: nobody moves
    assert pred.tolist() == [SK, SB, SB] and rep["n_moved"] == 0
    pred, _ = apply_distribution(np.array([SB]), np.zeros(1), np.zeros(1, int),
                                 np.array([O_SK]), np.ones(1, bool), RULES)
    assert pred.tolist() == [B]  # Sangat Kurang: cap 0 on Sangat Baik, org code 0 accepted


def test_rule_functions_by_hand():
    from kinerja_sim.schemes.distribution import excess_bound, feasible_sizes, rules_satisfied
    counts = np.array([
        [0, 0, 0, 2, 8],   # Istimewa n=10: cap 7 SB -> 1 over
        [0, 0, 0, 3, 7],   # Istimewa: complies
        [0, 5, 1, 2, 2],   # Kurang n=10: K needs 6 (1 short), BP 1 ok, SB cap 1 (1 over)
        [6, 0, 1, 3, 0],   # Sangat Kurang n=10: SK 6, K+BP 1, SB 0: complies
        [0, 0, 0, 10, 0],  # Baik n=10: B cap 7 (3 over), BP+K needs 1 (1 short)
        [0, 0, 6, 4, 0],   # Butuh Perbaikan n=10: BP needs 6: complies
    ])
    org = np.array([O_IST, O_IST, O_K, O_SK, O_B, O_BP])
    assert rules_satisfied(counts, org, RULES).tolist() == [False, True, False, True, False,
                                                            True]
    assert excess_bound(counts, org, RULES).tolist() == [1, 0, 2, 0, 4, 0]
    # Kurang / Sangat Kurang need ceil(0.6 n) + ceil(0.1 n) <= n: n = 1, 2 no (2 > 1, 3 > 2),
    # n = 3 yes (2 + 1). Baik needs 1 in BP/K: n = 0 no, n = 1 yes. Istimewa: any n, even 0.
    n = np.array([1, 2, 3, 1, 2, 3, 0, 1, 0, 1])
    o = np.array([O_K, O_K, O_K, O_SK, O_SK, O_SK, O_B, O_B, O_IST, O_IST])
    assert feasible_sizes(n, o, RULES).tolist() == [False, False, True, False, False, True,
                                                    False, True, True, True]
    # majority reading, Istimewa: ceil(0.5 n) Sangat Baik under a cap of floor(0.7 n):
    # n = 1: 1 > 0 no; n = 2: 1 <= 1 yes; n = 3: 2 <= 2 yes
    assert feasible_sizes(np.array([1, 2, 3]), np.full(3, O_IST), MAJORITY).tolist() == [
        False, True, True]


def test_report_of_an_infeasible_group():
    # Kurang, 2 people both Sangat Baik: SB cap floor(0.1 * 2) = 0 -> both to Baik (caps still
    # apply); the floors (ceil(1.2) = 2 Kurang + ceil(0.2) = 1 BP = 3 > 2) cannot be met
    pred, rep = run([SB, SB], O_K)
    assert pred.tolist() == [B, B]
    assert rep["infeasible_groups"].tolist() == [0]
    assert rep["rules_satisfied"].tolist() == [False]
    assert rep["bound_per_group"].tolist() == [2 + 2 + 1]
    assert rep["counts_raw"].tolist() == [[0, 0, 0, 0, 2]]
    assert rep["counts_final"].tolist() == [[0, 0, 0, 2, 0]]
    assert rep["exempt_groups"].tolist() == []
    assert rep["labels"] == LABELS and rep["org_labels"] == (
        "Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa")


def test_flows_empty_group_and_one_person_group():
    raw = np.array([SB] * 10 + [SB])
    group = np.array([0] * 10 + [2])
    pred, rep = apply_distribution(raw, np.arange(11.0), group, np.array([O_IST, O_K, O_IST]),
                                   np.ones(11, bool), RULES)
    F = rep["flows"]
    assert F.shape == (3, 5, 5)
    assert F[0, SB, B] == 3 and F[0, SB, SB] == 7 and F[0].sum() == 10
    assert F[1].sum() == 0 and F[2, SB, B] == 1  # 1 person: cap floor(0.7) = 0
    assert rep["group_size"].tolist() == [10, 0, 1]
    assert rep["rules_satisfied"].tolist() == [True, True, True]  # empty group: vacuous
    assert rep["infeasible_groups"].tolist() == [] and rep["exempt_groups"].tolist() == []
    assert rep["moved_per_group"].tolist() == [3, 0, 1] and rep["n_moved"] == 4
    assert pred.dtype == np.int8 and pred.tolist() == [B] * 3 + [SB] * 7 + [B]


def test_exempt_group_is_not_infeasible():
    small = RULES.model_copy(update={"min_group_size": 3})
    # Kurang of 2 is infeasible, but below min_group_size it is exempt (left alone), not listed
    # as infeasible; a group of exactly 3 is adjusted
    raw = np.array([SB, SB] + [SB] * 3)
    group = np.array([0, 0, 1, 1, 1])
    pred, rep = apply_distribution(raw, np.arange(5.0), group, np.array([O_K, O_K]),
                                   np.ones(5, bool), small)
    assert rep["exempt_groups"].tolist() == [0] and rep["infeasible_groups"].tolist() == []
    assert pred[:2].tolist() == [SB, SB]
    # n = 3 Kurang: SB cap 0 -> 3 to Baik; K needs ceil(1.8) = 2, filled from BP (none) then
    # Baik: the 2 lowest merit; BP needs ceil(0.3) = 1, from Baik: the last one
    assert pred[2:].tolist() == [K, K, BP]


def test_draw_order_decides_who_moves_on():
    # Kurang, n = 10: 5 Baik (merit 0-4), 5 Sangat Baik (merit 5-9). SB cap floor(1.0) = 1:
    # 4 SB movers to Baik (the lowest, 5-8). K needs 6 from BP (0), then Baik (9 there).
    # stayers_first: the 5 native Baik, then 1 SB mover (5); BP needs 1 from Baik: mover 6.
    # movers_first: the 4 SB movers (5-8), then natives 0, 1; BP needs 1: native 2.
    raw = [B] * 5 + [SB] * 5
    pred, rep = run(raw, O_K)
    assert pred.tolist() == [K] * 5 + [K, BP, B, B, SB]
    assert rep["flows"][0, B, K] == 5 and rep["flows"][0, SB, K] == 1
    pred, rep = run(raw, O_K, rules=MOVERS_FIRST)
    assert pred.tolist() == [K, K, BP, B, B, K, K, K, K, SB]
    assert rep["flows"][0, B, K] == 2 and rep["flows"][0, SB, K] == 4
    assert rep["counts_final"][0].tolist() == [0, 6, 1, 2, 1]


def test_many_groups_use_the_key_sort_with_the_same_result():
    # G * 5 >= 2**15 takes the int64 (key, merit rank) sort; keys above the int16 range
    # (G = 7000: keys up to 34,999) must still be grouped right. Istimewa, 10 Sangat Baik per
    # group: the 3 lowest (merit, then position) go to Baik.
    G, m = 7000, 10
    rng = np.random.default_rng(3)
    group = np.repeat(np.arange(G), m)
    perm = rng.permutation(group.size)
    group = group[perm]
    merit = rng.integers(0, 3, group.size).astype(float)  # ties: position decides
    raw = np.full(group.size, SB)
    pred, rep = apply_distribution(raw, merit, group, np.full(G, O_IST), np.ones(group.size,
                                   bool), RULES)
    order = np.lexsort((np.arange(group.size), merit, group))  # by group, merit, position
    rank = np.empty(group.size, int)
    rank[order] = np.arange(group.size) % m
    expected = np.where(rank < 3, B, SB)
    assert (pred == expected).all()
    assert rep["n_moved"] == 3 * G


def test_cap_of_21_in_30():
    # Istimewa, n = 30: cap floor(0.7 * 30) = 21 Sangat Baik, 9 to Baik
    pred, rep = run([SB] * 30, O_IST)
    assert rep["counts_final"][0].tolist() == [0, 0, 0, 9, 21]


def test_apply_per_opd_disabled_heads_and_enabled_flag():
    from types import SimpleNamespace

    from kinerja_sim.schemes.distribution import apply_per_opd
    raw = np.array([SB] * 4)
    org = SimpleNamespace(is_opd_head=np.array([1, 0, 0, 0]), opd=np.zeros(4, int),
                          org_predikat=np.array([O_IST]))
    off = RULES.model_copy(update={"enabled": False})
    pred, rep = apply_per_opd(raw, np.arange(4.0), org, off)
    assert rep == {"enabled": False} and pred.tolist() == raw.tolist() and pred is not raw
    on = RULES.model_copy(update={"enabled": True, "exclude_opd_heads": True})
    pred, rep = apply_per_opd(raw, np.arange(4.0), org, on)
    # 3 eligible: cap floor(2.1) = 2 -> index 1 (lowest eligible) to Baik; the head keeps SB
    assert pred.tolist() == [SB, B, SB, SB] and rep["enabled"] is True
    assert rep["group_size"].tolist() == [3]
    allin = on.model_copy(update={"exclude_opd_heads": False})
    pred, rep = apply_per_opd(raw, np.arange(4.0), org, allin)
    # 4 people: cap floor(2.8) = 2 -> indices 0, 1 to Baik
    assert pred.tolist() == [B, B, SB, SB] and rep["group_size"].tolist() == [4]


def _istimewa_only(org_rule):
    from kinerja_sim.schemes.base import ORG_PREDIKAT
    from kinerja_sim.schemes.distribution import DistributionParams, OrgRule
    rules = {o: OrgRule() for o in ORG_PREDIKAT}
    rules["Istimewa"] = org_rule
    return DistributionParams(enabled=True, rules=rules)


def _down_rules(need: int):
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule
    return _istimewa_only(OrgRule(
        caps=[CapRule(category="Kurang/Misconduct", max_share=0.0, move_to="Baik"),
              CapRule(category="Butuh Perbaikan", max_share=0.0, move_to="Baik")],
        floors=[FloorRule(categories=["Sangat Kurang"], min_count=need,
                          fill_from=["Kurang/Misconduct", "Butuh Perbaikan", "Baik",
                                     "Sangat Baik"])]))


def _up_rules(capped: tuple[str, ...]):
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule
    return _istimewa_only(OrgRule(
        caps=[CapRule(category=c, max_share=0.0, move_to="Kurang/Misconduct") for c in capped],
        floors=[FloorRule(categories=["Sangat Baik"], min_count=1,
                          fill_from=["Baik", "Butuh Perbaikan", "Kurang/Misconduct",
                                     "Sangat Kurang"])]))


def test_earlier_movers_return_first_nearest_origin_first():
    # down: caps move the Kurang (0) and the BP (1) up into Baik; the floor "1 Sangat Kurang"
    # then draws from Baik: earlier movers from below go first, the nearest origin (BP) first
    pred, rep = run([K, BP, B, B], O_IST, rules=_down_rules(1))
    assert pred.tolist() == [B, SK, B, B]
    assert rep["flows"][0, BP, SK] == 1 and rep["flows"][0, B, B] == 2
    # two needed: both earlier movers (BP, then Kurang) before any native Baik
    pred, _ = run([K, BP, B, B], O_IST, rules=_down_rules(2))
    assert pred.tolist() == [SK, SK, B, B]
    # up: the cap moves both Baik (2, 3) down into Kurang; the floor "1 Sangat Baik" draws from
    # Kurang: an earlier mover from above goes back up first (the higher merit, 3), not a native
    pred, rep = run([K, K, B, B], O_IST, rules=_up_rules(("Baik",)))
    assert pred.tolist() == [K, K, K, SB]
    assert rep["flows"][0, B, SB] == 1 and rep["flows"][0, K, K] == 2
    # nearest origin first going up too: a BP mover in Kurang goes back before a Baik mover
    pred, _ = run([K, BP, B, B], O_IST, rules=_up_rules(("Baik", "Butuh Perbaikan")))
    assert pred.tolist() == [K, SB, K, K]


def test_movers_from_the_far_side_are_drawn_after_the_natives():
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule
    # the cap moves the Sangat Kurang (0) up into Kurang; the floor "2 Sangat Baik" draws both
    # people in Kurang: the native (1) and then the mover from below (0)
    rules = _istimewa_only(OrgRule(
        caps=[CapRule(category="Sangat Kurang", max_share=0.0, move_to="Kurang/Misconduct")],
        floors=[FloorRule(categories=["Sangat Baik"], min_count=2,
                          fill_from=["Baik", "Butuh Perbaikan", "Kurang/Misconduct",
                                     "Sangat Kurang"])]))
    pred, rep = run([SK, K], O_IST, rules=rules)
    assert pred.tolist() == [SB, SB]
    assert rep["flows"][0, SK, SB] == 1 and rep["flows"][0, K, SB] == 1


def test_far_side_movers_nearest_origin_first():
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule

    def rules(need):
        return _istimewa_only(OrgRule(
            caps=[CapRule(category="Kurang/Misconduct", max_share=0.0, move_to="Baik"),
                  CapRule(category="Butuh Perbaikan", max_share=0.0, move_to="Baik")],
            floors=[FloorRule(categories=["Sangat Baik"], min_count=need,
                              fill_from=["Baik", "Butuh Perbaikan", "Kurang/Misconduct",
                                         "Sangat Kurang"])]))
    # the caps move the Kurang (0) and the BP (1) up into Baik; the floor draws from Baik up:
    # the native (2) first, then the movers from below, the nearest origin (BP) first
    pred, _ = run([K, BP, B], O_IST, rules=rules(2))
    assert pred.tolist() == [B, SB, SB]
    pred, _ = run([K, BP, B], O_IST, rules=rules(3))
    assert pred.tolist() == [SB, SB, SB]


def test_floor_skips_a_capped_full_destination_for_the_next_nearest():
    from kinerja_sim.schemes.distribution import CapRule, FloorRule, OrgRule
    # floor: at least 4 in {Kurang, BP}, filled from Baik, then Sangat Baik, then Sangat Kurang;
    # BP is capped at floor(0.4 * 5) = 2. Raw (merit = index): BP, Baik, SB, SB, SB.
    # From Baik: need 3, 1 available -> nearest destination BP (room 2 - 1 = 1): Baik (1) -> BP.
    # From SB: need 2, take 2; BP (distance 2) is now full (2 of 2), so both go to Kurang
    # (distance 3), the two lowest-merit SB (2, 3). Final: K 2, BP 2, SB 1.
    rules = _istimewa_only(OrgRule(
        caps=[CapRule(category="Butuh Perbaikan", max_share=0.4, move_to="Baik")],
        floors=[FloorRule(categories=["Kurang/Misconduct", "Butuh Perbaikan"], min_count=4,
                          fill_from=["Baik", "Sangat Baik", "Sangat Kurang"])]))
    pred, rep = run([BP, B, SB, SB, SB], O_IST, rules=rules)
    assert pred.tolist() == [BP, BP, K, K, SB]
    assert rep["counts_final"][0].tolist() == [0, 2, 2, 0, 1]
    assert rep["flows"][0, B, BP] == 1 and rep["flows"][0, SB, K] == 2
    # a destination already at its cap from the raw counts: BP cap floor(0.2 * 5) = 1 holds
    # the one native BP; the 2 movers from Baik (the lowest merit, 1 and 2) go on to Kurang
    rules = _istimewa_only(OrgRule(
        caps=[CapRule(category="Butuh Perbaikan", max_share=0.2, move_to="Baik")],
        floors=[FloorRule(categories=["Kurang/Misconduct", "Butuh Perbaikan"], min_count=3,
                          fill_from=["Baik", "Sangat Baik", "Sangat Kurang"])]))
    pred, _ = run([BP, B, B, B, B], O_IST, rules=rules)
    assert pred.tolist() == [BP, K, K, B, B]


def test_rule_checks_are_per_group_not_pooled():
    from kinerja_sim.schemes.distribution import excess_bound, rules_satisfied
    # two Kurang groups of 10: the first has the 6 Kurang it needs, the second 5; pooled they
    # would have 11 >= 6, but each group is judged on its own counts
    counts = np.array([[0, 6, 1, 3, 0], [0, 5, 1, 4, 0]])
    assert rules_satisfied(counts, np.array([O_K, O_K]), RULES).tolist() == [True, False]
    # and the second group is 1 Kurang short (BP 1 of 1, no Sangat Baik: nothing else)
    assert excess_bound(counts, np.array([O_K, O_K]), RULES).tolist() == [0, 1]


def test_excess_bound_of_float_counts_is_an_integer_count():
    from kinerja_sim.schemes.distribution import excess_bound, rules_satisfied
    # counts as floats (e.g. summed from a float frame) are counts all the same; the bound is
    # a number of employees (the audit's to_move column), an integer: Istimewa n = 10 with
    # 8 Sangat Baik: 1 over the cap of 7; Baik n = 10, 10 Baik: 3 over + 1 short of the tail
    counts = np.array([[0.0, 0.0, 0.0, 2.0, 8.0], [0.0, 0.0, 0.0, 10.0, 0.0]])
    org = np.array([O_IST, O_B])
    bound = excess_bound(counts, org, RULES)
    assert bound.dtype.kind == "i" and bound.tolist() == [1, 4]
    assert rules_satisfied(counts, org, RULES).tolist() == [False, False]


def test_eligible_as_0_1_integers_is_a_mask():
    # eligible given as 0/1 integers (a column read from a file) selects rows like a bool mask:
    # Istimewa, the 3 eligible Sangat Baik (merit 0, 1, 2): cap floor(2.1) = 2, the lowest (0)
    # moves to Baik; row 3 is not eligible and keeps Sangat Baik
    pred, rep = apply_distribution(np.array([SB] * 4), np.arange(4.0), np.zeros(4, int),
                                   np.array([O_IST]), np.array([1, 1, 1, 0]), RULES)
    assert pred.tolist() == [B, SB, SB, SB]
    assert rep["moved_per_group"].tolist() == [1] and rep["group_size"].tolist() == [3]


def test_one_person_group_below_min_group_size_is_exempt():
    two = RULES.model_copy(update={"min_group_size": 2})
    # group 0 has 1 person (below 2: exempt, keeps Sangat Baik), group 1 nobody (not listed)
    pred, rep = apply_distribution(np.array([SB]), np.zeros(1), np.zeros(1, int),
                                   np.array([O_IST, O_IST]), np.ones(1, bool), two)
    assert pred.tolist() == [SB]
    assert rep["exempt_groups"].tolist() == [0] and rep["infeasible_groups"].tolist() == []


def test_excess_bound_adds_the_excess_of_every_cap():
    from kinerja_sim.schemes.distribution import excess_bound
    # _down_rules: Kurang and BP both capped at 0, at least 1 Sangat Kurang. Counts: 2 Kurang,
    # 1 BP, 2 Baik: 2 + 1 over the caps, 1 short of the floor
    counts = np.array([[0, 2, 1, 2, 0]])
    assert excess_bound(counts, np.array([O_IST]), _down_rules(1)).tolist() == [2 + 1 + 1]


def test_a_floor_that_cannot_fit_under_its_cap_makes_the_size_infeasible():
    from kinerja_sim.schemes.distribution import (
        CapRule,
        FloorRule,
        OrgRule,
        feasible_sizes,
    )
    # at least 2 Sangat Baik under a cap of floor(0.5 n): n = 3 gives a cap of 1 < 2, so no
    # distribution works, whatever a later floor (Baik >= 0) allows; n = 4: cap 2 >= 2, and
    # 2 + 0 <= 4 people
    rules = _istimewa_only(OrgRule(
        caps=[CapRule(category="Sangat Baik", max_share=0.5, move_to="Baik")],
        floors=[FloorRule(categories=["Sangat Baik"], min_count=2,
                          fill_from=["Baik", "Butuh Perbaikan", "Kurang/Misconduct",
                                     "Sangat Kurang"]),
                FloorRule(categories=["Baik"], min_count=0,
                          fill_from=["Butuh Perbaikan", "Sangat Baik", "Kurang/Misconduct",
                                     "Sangat Kurang"])]))
    assert feasible_sizes(np.array([3, 4]), np.array([O_IST, O_IST]), rules).tolist() == [
        False, True]
