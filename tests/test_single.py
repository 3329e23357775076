"""One employee through the schemes (kinerja_sim.schemes.single), against regulation.md's
worked values and against the vectorised schemes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes import pp46_2011 as p46
from kinerja_sim.schemes import tpp
from kinerja_sim.schemes.base import RATING_LEVELS
from kinerja_sim.schemes.distribution import LABELS
from kinerja_sim.schemes.single import (
    Employee,
    Iki,
    appraise,
    curve_outcomes,
    measurements,
    org_context,
    problems,
)

SESUAI7 = (80.0,) * 7


def emp(*iki, perilaku=SESUAI7, **kw):
    return Employee(iki=tuple(iki), perilaku=tuple(perilaku), **kw)


def test_capaian_matches_regulation_worked_examples():
    # regulation §1.2: lower is better, T = 7, R = 6.5 -> about 107 %; T = 8, R = 9 -> 87.5 %
    a = appraise(emp(Iki("waktu_penyelesaian_pekerjaan", 7, 6.5),
                     Iki("waktu_penyelesaian_pekerjaan", 8, 9)))
    assert a.capaian[0] == pytest.approx(107.142857, abs=1e-5)
    assert a.capaian[1] == pytest.approx(87.5)
    # higher is better: R / T * 100
    b = appraise(emp(Iki("vaksinasi", 400, 460)))
    assert b.capaian[0] == pytest.approx(115.0)


@pytest.mark.parametrize(("realised", "perilaku", "expected"), [
    (1.00, 80, "Baik"),               # Sesuai x Sesuai
    (1.15, 95, "Sangat Baik"),        # Di Atas x Di Atas
    (1.15, 80, "Baik"),               # Di Atas x Sesuai
    (1.15, 60, "Kurang/Misconduct"),  # Di Atas x Di Bawah
    (0.80, 80, "Butuh Perbaikan"),    # Di Bawah x Sesuai
    (0.80, 95, "Butuh Perbaikan"),    # Di Bawah x Di Atas
    (0.80, 60, "Sangat Kurang"),      # Di Bawah x Di Bawah
])
def test_predikat_follows_the_3x3_matrix_of_regulation(realised, perilaku, expected):
    e = emp(Iki("vaksinasi", 400, 400 * realised), Iki("ikm", 80, 80 * realised),
            perilaku=(perilaku,) * 7)
    assert LABELS[appraise(e).predikat] == expected


def test_missing_realisation_counts_below_expectation():
    a = appraise(emp(Iki("vaksinasi", 400, None), Iki("ikm", 80, None)))
    assert math.isnan(a.capaian[0])
    assert RATING_LEVELS[a.rating_hasil] == "Di Bawah Ekspektasi"
    assert LABELS[a.predikat] == "Butuh Perbaikan"


def test_utama_iki_below_expectation_blocks_di_atas():
    high, low = Iki("vaksinasi", 100, 130), Iki("ikm", 80, 60)  # 130 % and 75 %
    a = appraise(emp(high, high, low, perilaku=(95,) * 7))
    assert RATING_LEVELS[a.rating_hasil] == "Sesuai Ekspektasi"
    tambahan = Iki("ikm", 80, 60, utama=False)
    b = appraise(emp(high, high, tambahan, perilaku=(95,) * 7))
    assert RATING_LEVELS[b.rating_hasil] == "Di Atas Ekspektasi"


def test_pp46_score_by_hand_from_regulation_formulas():
    # one activity: kuantitas 100, kualitas 85, waktu on time (T = R = 12) = 76;
    # SKP = (100 + 85 + 76) / 3 = 87; perilaku = 80 (five aspects of 80, not structural);
    # NPK = 0.6 * 87 + 0.4 * 80 = 84.2 -> Baik (76..90)
    a = appraise(emp(Iki("vaksinasi", 400, 400, quality=85, time_target=12,
                         time_realisation=12)))
    assert a.pp46_skp == pytest.approx(87.0)
    assert a.pp46_perilaku == pytest.approx(80.0)
    assert a.pp46_score == pytest.approx(84.2)
    assert p46.LABELS[a.pp46_predikat] == "Baik"


def test_pp46_time_saving_of_24_percent_scores_100_on_waktu():
    # T = 12, R = 9.12 (24 % saved): waktu = (1.76 * 12 - 9.12) / 12 * 100 = 100
    a = appraise(emp(Iki("vaksinasi", 400, 400, quality=100, time_target=12,
                         time_realisation=9.12)))
    assert a.pp46_skp == pytest.approx(100.0)


def test_monthly_tpp_by_hand_from_the_tpp_yaml():
    params = tpp.default_params()
    base = params.base_amount.by_kelas[9]
    split = params.effective_split
    d = params.disiplin_deductions
    a = appraise(emp(Iki("vaksinasi", 400, 400), kelas_jabatan=9, days_absent=2,
                     late=(1, 0, 0, 0)))
    cut = (2 * d.absent_day_pct + d.late_pct[0]) / 100  # monthly entries: no / period_months
    expected = base * split.kinerja * 1.0 + base * split.disiplin * (1 - cut)
    assert a.tpp["tpp_total"] == pytest.approx(expected)
    factors = params.kinerja_factor.by_code
    assert a.tpp_by_predikat[0] == pytest.approx(base * split.kinerja * factors[0]
                                                 + base * split.disiplin * (1 - cut))


def test_single_employee_agrees_with_the_vectorised_scheme_on_a_group():
    people = [emp(Iki("vaksinasi", 400, r), Iki("ikm", 80, q), perilaku=(p,) * 7)
              for r, q, p in [(300, 70, 60), (400, 82, 80), (470, 95, 95), (450, 75, 92)]]
    ms = [measurements(e) for e in people]
    stacked = {name: np.concatenate([getattr(m, name) for m in ms])
               for name in ms[0].__dataclass_fields__ if name != "indicator_names"}
    from kinerja_sim.schemes.base import Measurements

    m = Measurements(indicator_names=ms[0].indicator_names, **stacked)
    org = org_context(people[0])
    org = type(org)(**{**org.__dict__, **{k: np.repeat(getattr(org, k), 4) for k in
                       ("opd", "unit", "jenis_jabatan", "rumpun", "is_opd_head",
                        "kelas_jabatan")}})
    params = p6.default_params()
    no_curve = params.model_copy(update={"distribution": params.distribution.model_copy(
        update={"enabled": False})})
    group = p6.score(m, org, no_curve)
    assert [appraise(e).predikat for e in people] == list(group.predikat_raw)


def test_problems_name_each_out_of_range_field():
    found = problems(emp(Iki("ikm", 0, 120), Iki("vaksinasi", 10, -1),
                         perilaku=(80,) * 6 + (101,), days_absent=30, kelas_jabatan=18,
                         late=(0, -2, 0, 0)))
    fields = {p.field: p.code for p in found}
    assert fields == {"iki.0.target": "target_positive", "iki.0.realisation": "above_max",
                      "iki.1.realisation": "not_negative", "perilaku.6": "range",
                      "days_absent": "range", "kelas_jabatan": "whole_range",
                      "late.1": "not_negative"}
    assert problems(emp(Iki("ikm", 80, 82))) == []


def test_appraise_refuses_out_of_range_input():
    from kinerja_sim.errors import InputError

    with pytest.raises(InputError, match="perilaku.0"):
        appraise(emp(Iki("ikm", 80, 82), perilaku=(150,) + (80,) * 6))


def test_curve_in_an_istimewa_opd_only_caps_sangat_baik():
    # Istimewa OPD: only the 70 % cap on Sangat Baik applies, so Baik and below never move
    for code in range(4):
        assert curve_outcomes(code, "Istimewa").possible == (code,)
    assert set(curve_outcomes(4, "Istimewa").possible) == {3, 4}


def test_curve_in_a_sangat_kurang_opd_never_leaves_a_sangat_baik():
    out = curve_outcomes(LABELS.index("Sangat Baik"), "Sangat Kurang")
    assert out.share[LABELS.index("Sangat Baik")] == 0.0  # "no Sangat Baik at all"
    assert sum(out.share) == pytest.approx(1.0)


def test_curve_lowest_ranked_is_moved_down_at_least_as_often_as_highest_ranked():
    out = curve_outcomes(LABELS.index("Baik"), "Butuh Perbaikan")
    below = LABELS.index("Baik")
    assert sum(out.lowest_ranked[:below]) >= sum(out.highest_ranked[:below])
    assert out.unchanged_share < 1.0
