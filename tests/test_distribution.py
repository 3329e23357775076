"""SE MenPANRB 03/2023 distribution curve: worked examples and property tests.

The rule checker below is typed independently from regulation.md §1.6 (integer arithmetic for
floor/ceil of the shares), not read from the YAML.
"""


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
