"""The one-employee calculator's rules (kinerja_sim.schemes.single), field by field.

Found by mutation testing: every valid range is checked on both sides of its bound, every
field of the one-row Measurements and OrgContext is checked, the parameters a caller passes are
used, and the curve's outcomes agree with the engine's curve run one OPD at a time (the module
runs them all in one vectorised call). Expected values are worked by hand from the packaged
parameters, not taken from the functions under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.indicators import default_catalogue
from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes import pp46_2011 as p46
from kinerja_sim.schemes import tpp
from kinerja_sim.schemes.base import BERAKHLAK, ORG_PREDIKAT
from kinerja_sim.schemes.distribution import apply_distribution
from kinerja_sim.schemes.single import (
    Employee,
    FieldProblem,
    Iki,
    appraise,
    curve_outcomes,
    measurements,
    org_context,
    problems,
    working_days_per_month,
)

SESUAI7 = (80.0,) * 7
#: data/indicators.yaml: 62 working days in a quarter of 3 months
WORKING_DAYS_A_MONTH = 62 / 3
NAN, INF = float("nan"), float("inf")


def emp(*iki, perilaku=SESUAI7, **kw) -> Employee:
    return Employee(iki=tuple(iki) or (Iki("ikm", 80, 82),), perilaku=tuple(perilaku), **kw)


def field_problems(e: Employee) -> list[FieldProblem]:
    return problems(e)


# ---------------------------------------------------------------- working days


def test_working_days_per_month_is_the_quarter_s_working_days_over_its_months():
    assert working_days_per_month() == pytest.approx(WORKING_DAYS_A_MONTH)
    cat = default_catalogue()
    monthly = cat.model_copy(update={"period_months": 1.0})
    assert working_days_per_month(monthly) == pytest.approx(62.0)


# ---------------------------------------------------------------- valid ranges


def test_an_employee_without_iki_is_one_problem_of_the_iki_list():
    assert problems(Employee(iki=(), perilaku=SESUAI7)) == [FieldProblem("iki", "no_iki")]


def test_an_unknown_indicator_is_named_and_its_realisation_has_no_upper_bound():
    found = problems(emp(Iki("tidak_ada", 10, -1)))
    assert found == [FieldProblem("iki.0.indicator", "unknown_indicator"),
                     FieldProblem("iki.0.realisation", "not_negative", low=0, high=None)]
    assert problems(emp(Iki("tidak_ada", 10, 10 ** 9))) == [
        FieldProblem("iki.0.indicator", "unknown_indicator")]


@pytest.mark.parametrize("target", [0.0, -1.0, NAN, INF, -INF, None])
def test_a_target_must_be_a_finite_number_above_zero(target):
    assert problems(emp(Iki("vaksinasi", target, 5))) == [
        FieldProblem("iki.0.target", "target_positive", low=0)]


def test_the_smallest_positive_target_is_valid():
    assert problems(emp(Iki("vaksinasi", 1e-9, 5))) == []


@pytest.mark.parametrize("realisation", [-1e-9, -5.0, NAN, INF, -INF])
def test_a_realisation_below_zero_or_not_finite_names_both_bounds(realisation):
    # ikm is on a 0..100 scale (max_value 100)
    assert problems(emp(Iki("ikm", 80, realisation))) == [
        FieldProblem("iki.0.realisation", "not_negative", low=0, high=100.0)]


def test_a_realisation_from_zero_up_to_the_indicator_maximum_is_valid():
    for r in (0.0, 100.0, None):
        assert problems(emp(Iki("ikm", 80, r))) == []
    assert problems(emp(Iki("ikm", 80, 100.0001))) == [
        FieldProblem("iki.0.realisation", "above_max", low=0, high=100.0)]
    assert problems(emp(Iki("vaksinasi", 80, 10 ** 9))) == []  # no maximum


@pytest.mark.parametrize(("quality", "ok"), [(0, True), (100, True), (-0.01, False),
                                              (100.01, False), (NAN, False), (None, False)])
def test_pp46_quality_is_0_to_100(quality, ok):
    expected = [] if ok else [FieldProblem("iki.0.quality", "range", low=0, high=100)]
    assert problems(emp(Iki("ikm", 80, 82, quality=quality))) == expected


@pytest.mark.parametrize(("months", "ok"), [(0.01, True), (0, False), (-1, False),
                                             (NAN, False), (None, False)])
def test_pp46_months_planned_are_above_zero(months, ok):
    expected = [] if ok else [FieldProblem("iki.0.time_target", "target_positive", low=0)]
    assert problems(emp(Iki("ikm", 80, 82, time_target=months))) == expected


@pytest.mark.parametrize(("months", "ok"), [(0, True), (24, True), (-0.01, False),
                                             (INF, False), (None, False)])
def test_pp46_months_taken_are_zero_or_more(months, ok):
    expected = [] if ok else [FieldProblem("iki.0.time_realisation", "not_negative", low=0)]
    assert problems(emp(Iki("ikm", 80, 82, time_realisation=months))) == expected


def test_each_iki_is_named_by_its_position():
    found = problems(emp(Iki("ikm", 80, 82), Iki("ikm", 80, 82), Iki("ikm", 0, 82)))
    assert found == [FieldProblem("iki.2.target", "target_positive", low=0)]


def test_there_are_seven_perilaku_ratings_each_0_to_100():
    assert problems(emp(perilaku=(80,) * 6)) == [FieldProblem("perilaku", "seven_ratings")]
    assert problems(emp(perilaku=(80,) * 8)) == [FieldProblem("perilaku", "seven_ratings")]
    assert len(BERAKHLAK) == 7
    assert problems(emp(perilaku=(0, 100, 50, 80, 80, 80, 80))) == []
    found = problems(emp(perilaku=(-0.5, 100.5, NAN, None, 80, 80, 80)))
    assert found == [FieldProblem(f"perilaku.{j}", "range", low=0, high=100) for j in range(4)]


def test_jenis_jabatan_and_org_predikat_are_choices_of_the_regulation():
    assert problems(emp(jenis_jabatan="Pengawas", org_predikat="Istimewa")) == []
    assert problems(emp(jenis_jabatan="Staf", org_predikat="Hebat")) == [
        FieldProblem("jenis_jabatan", "unknown_choice"),
        FieldProblem("org_predikat", "unknown_choice")]


@pytest.mark.parametrize(("kelas", "ok"), [(1, True), (17, True), (17.0, True), (0, False),
                                            (18, False), (7.5, False), (NAN, False),
                                            (None, False)])
def test_kelas_jabatan_is_a_whole_number_1_to_17(kelas, ok):
    expected = [] if ok else [FieldProblem("kelas_jabatan", "whole_range", low=1, high=17)]
    assert problems(emp(kelas_jabatan=kelas)) == expected


def test_absent_days_run_from_zero_to_the_working_days_of_a_month():
    wd = WORKING_DAYS_A_MONTH  # 20.67: the bound shown is rounded to 20.7
    for days in (0, wd):
        assert problems(emp(days_absent=days)) == []
    for days in (-0.01, wd + 0.01, NAN, None):
        assert problems(emp(days_absent=days)) == [
            FieldProblem("days_absent", "range", low=0, high=20.7)]


def test_late_counts_are_zero_or_more_each_named():
    assert problems(emp(late=(0, 0, 0, 0))) == []
    assert problems(emp(late=(0, -1, NAN, 0))) == [
        FieldProblem("late.1", "not_negative", low=0),
        FieldProblem("late.2", "not_negative", low=0)]


def test_out_of_range_entries_refuse_scoring_with_one_problem_per_field():
    e = emp(Iki("ikm", 0, 82), perilaku=(80,) * 6 + (101,), late=(0, 0, -1, 0))
    for call in (measurements, appraise):
        with pytest.raises(InputError) as ei:
            call(e)
        assert ei.value.problems == [Problem("<kalkulator>", "iki.0.target", "target_positive"),
                                     Problem("<kalkulator>", "perilaku.6", "range"),
                                     Problem("<kalkulator>", "late.2", "not_negative")]


def test_the_ranges_are_those_of_the_catalogue_the_caller_passes():
    cat = default_catalogue()
    wide = cat.indicators["ikm"].model_copy(update={"max_value": 200.0})
    cat200 = cat.model_copy(update={"indicators": {**cat.indicators, "ikm": wide}})
    e = emp(Iki("ikm", 80, 150))  # above the packaged 0..100 scale, inside 0..200
    with pytest.raises(InputError):
        measurements(e)
    assert measurements(e, cat200).realisation.tolist() == [[150.0]]
    assert appraise(e, cat=cat200).capaian == pytest.approx((187.5,))


# ---------------------------------------------------------------- the one-row inputs


def test_measurements_are_one_row_of_the_entries():
    cat = default_catalogue()
    e = emp(Iki("ikm", 80, 82, utama=False, quality=70, time_target=10, time_realisation=11),
            Iki("waktu_penyelesaian_pekerjaan", 7, None),
            perilaku=(70, 71, 72, 73, 74, 75, 76), days_absent=2, late=(1, 2, 3, 4))
    m = measurements(e)
    assert m.indicator.tolist() == [[cat.code("ikm"), cat.code("waktu_penyelesaian_pekerjaan")]]
    assert m.indicator.dtype == np.int64
    assert m.indicator_names == cat.names
    assert m.target.tolist() == [[80.0, 7.0]]
    assert m.realisation[0, 0] == 82.0 and math.isnan(m.realisation[0, 1])
    assert m.higher_is_better.tolist() == [[True, False]]  # waktu: lower is better
    assert m.utama.tolist() == [[False, True]]
    assert m.quality.tolist() == [[70.0, 80.0]]  # the second keeps the default 80
    assert m.time_target.tolist() == [[10.0, 12.0]]
    assert m.time_realisation.tolist() == [[11.0, 12.0]]
    assert np.isnan(m.cost_target).all() and np.isnan(m.cost_realisation).all()
    assert m.cost_target.shape == m.cost_realisation.shape == (1, 2)
    assert m.perilaku.tolist() == [[70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0]]
    assert m.days_absent.tolist() == [2.0]
    assert m.late.tolist() == [[1.0, 2.0, 3.0, 4.0]]
    assert m.innovation.tolist() == [False]


def test_org_context_is_one_person_in_one_opd_with_its_organisation_predikat():
    org = org_context(emp(jenis_jabatan="Administrator", kelas_jabatan=12.0,
                          org_predikat="Butuh Perbaikan", is_opd_head=True))
    assert org.opd.tolist() == [0] and org.unit.tolist() == [0] and org.rumpun.tolist() == [0]
    assert org.opd_names == ("OPD",) and org.rumpun_names == ("-",)
    assert org.jenis_jabatan.tolist() == [1]  # JPT, Administrator, ...
    assert org.is_opd_head.tolist() == [True]
    assert org.kelas_jabatan.tolist() == [12] and org.kelas_jabatan.dtype.kind == "i"
    assert org.org_predikat.tolist() == [2] and org.org_predikat.dtype == np.int8
    assert ORG_PREDIKAT[2] == "Butuh Perbaikan"


# ---------------------------------------------------------------- the appraisal


def test_each_iki_and_each_perilaku_value_gets_its_own_level():
    # hasil: Di Bawah < 90 % <= Sesuai < 110 % <= Di Atas; perilaku: < 76 <= Sesuai < 91 <= Di Atas
    a = appraise(emp(Iki("vaksinasi", 100, 89.99), Iki("vaksinasi", 100, 90),
                     Iki("vaksinasi", 100, 109.99), Iki("vaksinasi", 100, 110),
                     perilaku=(75.99, 76, 90.99, 91, 100, 0, 80)))
    assert a.iki_level == (0, 1, 1, 2)
    assert a.perilaku_level == (0, 1, 1, 2, 2, 0, 1)
    assert a.capaian == pytest.approx((89.99, 90.0, 109.99, 110.0))


def test_appraise_uses_the_6_2022_parameters_it_is_given():
    e = emp(Iki("vaksinasi", 100, 100), perilaku=(85,) * 7)
    assert (appraise(e).rating_hasil, appraise(e).rating_perilaku) == (1, 1)
    strict = p6.default_params()
    strict = strict.model_copy(update={
        "hasil": strict.hasil.model_copy(update={"sesuai_from": 101.0}),
        "perilaku": strict.perilaku.model_copy(update={"sesuai_from": 86.0})})
    a = appraise(e, params6=strict)
    assert (a.rating_hasil, a.rating_perilaku) == (0, 0)
    assert a.iki_level == (0,) and a.perilaku_level == (0,) * 7
    assert a.labels[a.predikat] == "Sangat Kurang"  # Di Bawah x Di Bawah


def test_appraise_runs_the_matrix_without_the_curve_even_if_the_parameters_switch_it_on():
    # a one-person OPD at Sangat Baik in a Sangat Kurang OPD: the curve would allow no Sangat
    # Baik; the calculator shows the matrix predikat
    e = emp(Iki("vaksinasi", 100, 130), perilaku=(95,) * 7, org_predikat="Sangat Kurang")
    params = p6.default_params()
    assert params.distribution.enabled
    a = appraise(e, params6=params)
    assert a.labels[a.predikat] == "Sangat Baik"


def test_appraise_uses_the_pp46_parameters_it_is_given():
    e = emp(Iki("vaksinasi", 400, 400, quality=85))  # NPK 84.2 by hand (test_single.py)
    assert p46.LABELS[appraise(e).pp46_predikat] == "Baik"
    shifted = p46.params_from({"weights": {"skp": 0.0, "perilaku": 1.0}})
    a = appraise(e, params46=shifted)
    assert a.pp46_score == pytest.approx(80.0)  # the perilaku score alone
    assert a.pp46_skp == pytest.approx(87.0) and a.pp46_perilaku == pytest.approx(80.0)


def test_tpp_uses_monthly_attendance_by_default_and_the_given_parameters_otherwise():
    params = tpp.default_params()
    base = params.base_amount.by_kelas[9]
    split = params.effective_split
    factors = params.kinerja_factor.by_code
    e = emp(Iki("vaksinasi", 400, 400), kelas_jabatan=9, days_absent=3, late=(0, 2, 0, 0))
    monthly_cut = (3 * 4.0 + 2 * 1.0) / 100  # 4 % a day absent, 1 % a TL2 late arrival
    a = appraise(e)
    assert a.labels[a.predikat] == "Baik"
    assert a.tpp["tpp_total"] == pytest.approx(
        base * split.kinerja * factors[3] + base * split.disiplin * (1 - monthly_cut))
    # every predikat code, not only the employee's own
    assert a.tpp_by_predikat == pytest.approx(tuple(
        base * split.kinerja * factors[c] + base * split.disiplin * (1 - monthly_cut)
        for c in range(5)))
    quarterly = appraise(e, tpp_params=params)  # period_months 3: the counts are a quarter's
    assert quarterly.tpp["tpp_total"] == pytest.approx(
        base * split.kinerja * factors[3] + base * split.disiplin * (1 - monthly_cut / 3))


def test_appraise_reads_indicators_from_the_catalogue_it_is_given():
    cat = default_catalogue()
    spec = cat.indicators["vaksinasi"]
    lower = spec.model_copy(update={"direction": "lower"})
    flipped = cat.model_copy(update={"indicators": {**cat.indicators, "vaksinasi": lower}})
    e = emp(Iki("vaksinasi", 100, 80))
    assert appraise(e).capaian == pytest.approx((80.0,))
    # lower is better: (2T - R) / T  (regulation §1.2) = 120 %
    assert appraise(e, cat=flipped).capaian == pytest.approx((120.0,))


# ---------------------------------------------------------------- the curve's outcomes


def _outcomes_one_opd_at_a_time(predikat: int, org: str, size: int, rules) -> tuple:
    """The same cases as curve_outcomes, each OPD through the engine's curve on its own."""
    low, high = [], []
    for counts in itertools.product(range(size), repeat=5):
        if sum(counts) != size - 1:
            continue
        colleagues = [c for c, n in enumerate(counts) for _ in range(n)]
        raw = np.asarray([predikat, *colleagues], dtype=np.int8)
        for merit0, out in ((-1.0, low), (1.0, high)):
            merit = np.zeros(size)
            merit[0] = merit0
            final, _ = apply_distribution(raw, merit, np.zeros(size, dtype=np.int64),
                                          np.asarray([ORG_PREDIKAT.index(org)]),
                                          np.ones(size, dtype=bool), rules)
            out.append(int(final[0]))

    def shares(x):
        return tuple(x.count(c) / len(x) for c in range(5))

    return shares(low + high), shares(low), shares(high)


@pytest.mark.parametrize(("predikat", "org", "size"), [
    (3, "Baik", 4), (4, "Butuh Perbaikan", 5), (2, "Kurang", 3), (4, "Sangat Kurang", 4),
    (4, "Istimewa", 1)])
def test_curve_outcomes_equal_the_engine_s_curve_run_one_opd_at_a_time(predikat, org, size):
    rules = p6.default_params().distribution
    out = curve_outcomes(predikat, org, size)
    share, lowest, highest = _outcomes_one_opd_at_a_time(predikat, org, size, rules)
    assert out.share == pytest.approx(share)
    assert out.lowest_ranked == pytest.approx(lowest)
    assert out.highest_ranked == pytest.approx(highest)
    assert (out.predikat, out.org_predikat, out.opd_size) == (predikat, org, size)
    assert out.possible == tuple(c for c in range(5) if share[c] > 0)
    assert out.unchanged_share == pytest.approx(share[predikat])


def test_curve_outcomes_use_the_given_rules_switched_on():
    rules = p6.default_params().distribution
    cap = rules.rules["Istimewa"].caps[0]
    no_cap = rules.model_copy(update={"enabled": False, "rules": {
        **rules.rules, "Istimewa": rules.rules["Istimewa"].model_copy(update={
            "caps": [cap.model_copy(update={"max_share": 1.0})]})}})
    # default: Sangat Baik capped at 70 % of an Istimewa OPD, so it can be moved to Baik
    assert curve_outcomes(4, "Istimewa", 4).possible == (3, 4)
    # without the cap nothing moves, although the given rules say enabled=False
    assert curve_outcomes(4, "Istimewa", 4, rules=no_cap).possible == (4,)
    # with the cap switched on, enabled=False in the given rules is overridden
    assert curve_outcomes(4, "Istimewa", 4,
                          rules=rules.model_copy(update={"enabled": False})).possible == (3, 4)


@pytest.mark.parametrize(("args", "message"), [
    ((-1, "Baik"), "predikat code must be 0..4"),
    ((5, "Baik"), "predikat code must be 0..4"),
    ((3, "Hebat"), f"org_predikat must be one of {ORG_PREDIKAT}"),
    ((3, "Baik", 0), "opd_size must be >= 1"),
])
def test_curve_outcomes_refuse_arguments_outside_their_domain(args, message):
    with pytest.raises(ValueError) as ei:
        curve_outcomes(*args)
    assert str(ei.value) == message


def test_curve_outcomes_default_to_an_opd_of_ten():
    out = curve_outcomes(3, "Baik")
    assert out.opd_size == 10
    assert out.share == curve_outcomes(3, "Baik", 10).share


def test_curve_outcomes_accept_the_edges_of_their_domain():
    assert curve_outcomes(0, "Sangat Kurang", 1).share == (1.0, 0.0, 0.0, 0.0, 0.0)
    # alone in an Istimewa OPD: the 70 % cap allows floor(0.7 * 1) = 0 Sangat Baik -> Baik
    assert curve_outcomes(4, "Istimewa", 1).share == (0.0, 0.0, 0.0, 1.0, 0.0)
