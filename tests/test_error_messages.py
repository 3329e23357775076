"""Exact error messages of the scheme layer: file, rows, column, what is wrong, what was
expected (the Problem format of kinerja_sim/errors.py). Written from the documented format and
the rules, so a message that loses its row, column or expectation fails (mutation testing
found these parts unchecked)."""

from __future__ import annotations

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import tpp


def test_tpp_lists_every_bad_input_with_rows_column_and_expectation():
    m = make_measurements(4, days_absent=[0, 0, -1, 0], late=[[0, 0, 0, 0]] * 3 + [[0, -2, 0, 0]])
    org = make_org(4, kelas_jabatan=[0, 18, 7, 7])
    with pytest.raises(InputError) as exc:
        tpp.compute(np.array([3, 3, 5, -1]), m, org, tpp.default_params())
    assert [str(p) for p in exc.value.problems] == [
        "<organisation>: rows 1, 2, column 'kelas_jabatan': 2 kelas jabatan outside 1..17 "
        "(expected 1..17)",
        "<predikat>: rows 3, 4: 2 predikat codes outside 0..4",
        "<measurements>: rows 3, 4, column 'days_absent/late': 2 negative attendance counts "
        "(expected >= 0)",
    ]


def test_tpp_predikat_of_the_wrong_length_is_named():
    with pytest.raises(InputError) as exc:
        tpp.compute(np.array([3, 3]), make_measurements(3), make_org(3), tpp.default_params())
    assert [str(p) for p in exc.value.problems] == [
        "<predikat>: predikat: shape (2,) (expected (3,))"]


@pytest.mark.parametrize("kelas", [1, 17])
def test_tpp_accepts_the_end_classes_1_and_17(kelas):
    # data/schemes/tpp.yaml: kelas 1 Rp 1,275,000 and kelas 17 Rp 20,525,000; Baik, no absence
    out = tpp.compute(np.array([3]), make_measurements(1), make_org(1, kelas_jabatan=kelas),
                      tpp.default_params())
    assert out["tpp_total"][0] == {1: 1_275_000, 17: 20_525_000}[kelas]


def test_tpp_deduction_uses_each_late_band_weight_and_whole_day_absence():
    # (4 % x 2 days + 0.5 x 1 + 1.0 x 2 + 1.5 x 3 + 2.0 x 4) / 3 months = (8 + 15) / 3
    m = make_measurements(1, days_absent=2, late=[[1, 2, 3, 4]])
    out = tpp.compute(np.array([3]), m, make_org(1), tpp.default_params())
    assert out["deduction_pct"][0] == pytest.approx(23 / 3)
    # kelas 7 Rp 3,615,000: 0.6 x 3,615,000 + 0.4 x 3,615,000 x (1 - 23/300)
    assert out["tpp_total"][0] == pytest.approx(2_169_000 + 1_446_000 * (1 - 23 / 300))


def test_tpp_parameter_errors_name_the_scenario_file_and_key_path():
    with pytest.raises(InputError) as exc:
        tpp.params_from({"bogus": 1})
    assert [str(p) for p in exc.value.problems] == ["<scenario>: tpp.bogus: unknown key"]
