"""TPP allowance (regulation.md §4): base table, split, kinerja factor, attendance deductions."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import tpp

P = tpp.default_params()
MONTHLY = tpp.params_from({"disiplin_deductions": {"period_months": 1}})


def test_base_table_is_the_documented_derivation():
    r = (43_125_000 / 3_185_000) ** (1 / 15)
    table = P.base_amount.by_kelas
    for k in range(1, 18):
        assert table[k] == round(3_185_000 * r ** (k - 1) * 0.40 / 5000) * 5000
    assert [table[k] for k in range(1, 18)] == sorted(table[k] for k in range(1, 18))


def test_split_default_and_jatim_sensitivity():
    assert (P.effective_split.kinerja, P.effective_split.disiplin) == (0.60, 0.40)
    j = tpp.params_from({"split_preset": "jatim_40_60"})
    assert (j.effective_split.kinerja, j.effective_split.disiplin) == (0.40, 0.60)


def test_no_deductions_full_allowance_for_baik():
    m = make_measurements(1, 1)
    out = tpp.compute(np.array([3]), m, make_org(1, kelas_jabatan=7), P)
    assert out["tpp_base"][0] == 3_615_000
    assert out["tpp_kinerja"][0] == pytest.approx(3_615_000 * 0.6)
    assert out["tpp_disiplin"][0] == pytest.approx(3_615_000 * 0.4)
    assert out["tpp_total"][0] == pytest.approx(3_615_000)


def test_deductions_exact_monthly():
    # 2 absent days (4 % each), TL1 x3 (0.5 %), TL2 x1 (1 %), TL3 x2 (1.5 %), TL4 x1 (2 %)
    m = make_measurements(1, 1, days_absent=2, late=[[3, 1, 2, 1]])
    out = tpp.compute(np.array([3]), m, make_org(1, kelas_jabatan=1), MONTHLY)
    pct = 2 * 4 + 3 * 0.5 + 1 * 1 + 2 * 1.5 + 1 * 2  # 15.5 %
    assert out["deduction_pct"][0] == pytest.approx(15.5)
    assert out["tpp_disiplin"][0] == pytest.approx(1_275_000 * 0.4 * (1 - pct / 100))
    assert out["tpp_kinerja"][0] == pytest.approx(1_275_000 * 0.6)  # kinerja part untouched


def test_deductions_spread_over_a_quarter_by_default():
    m = make_measurements(1, 1, days_absent=3)
    out = tpp.compute(np.array([3]), m, make_org(1, kelas_jabatan=1), P)
    assert P.disiplin_deductions.period_months == 3
    assert out["deduction_pct"][0] == pytest.approx(4.0)  # 3 days * 4 % / 3 months


def test_disiplin_floored_at_zero():
    m = make_measurements(1, 1, days_absent=30)  # 120 %
    out = tpp.compute(np.array([4]), m, make_org(1, kelas_jabatan=10), MONTHLY)
    assert out["tpp_disiplin"][0] == 0.0
    assert out["tpp_total"][0] == pytest.approx(6_085_000 * 0.6)


def test_kinerja_factor_by_predikat_code():
    m = make_measurements(5, 1)
    out = tpp.compute(np.arange(5), m, make_org(5, kelas_jabatan=1), MONTHLY)
    assert out["tpp_kinerja"] == pytest.approx(1_275_000 * 0.6 * np.array(
        [0.25, 0.5, 0.75, 1.0, 1.0]))


def test_bad_inputs_listed_together():
    m = make_measurements(2, 1, days_absent=[-1, 0])
    with pytest.raises(InputError) as exc:
        tpp.compute(np.array([5, 3]), m, make_org(2, kelas_jabatan=[0, 18]), P)
    msg = str(exc.value)
    assert "3 problems" in msg and "kelas jabatan" in msg and "predikat" in msg


def test_unknown_param_key_has_tpp_prefix():
    with pytest.raises(InputError) as exc:
        tpp.params_from({"disiplin_deductions": {"absent_pct": 5.0}})
    assert "tpp.disiplin_deductions.absent_pct" in str(exc.value)
    with pytest.raises(InputError, match="tpp.split"):
        tpp.params_from({"split": {"kinerja": 0.7, "disiplin": 0.4}})
    with pytest.raises(InputError, match="tpp.base_amount.by_kelas"):
        tpp.params_from({"base_amount": {"by_kelas": {18: 1.0}}})


def test_tpp_period_matches_the_measurement_period():
    # attendance counts are per appraisal period; TPP spreads them over the same months
    from kinerja_sim.indicators import default_catalogue
    from kinerja_sim.schemes import tpp as tpp_module

    assert (tpp_module.default_params().disiplin_deductions.period_months
            == default_catalogue().period_months)
