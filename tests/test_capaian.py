"""IKI achievement formula (regulation.md §1.2) and shared helpers."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes.capaian import band, capaian, check_inputs, level3, masked_mean


def test_higher_is_better_ratio():
    assert capaian(50.0, 45.0, True) == pytest.approx(90.0)
    assert capaian(2.0, 3.0, True) == pytest.approx(150.0)


def test_lower_is_better_worked_examples():
    # regulation §1.2: target 7 months, result 6.5 -> about 107 %; target 8, result 9 -> 87.5 %
    assert capaian(7.0, 6.5, False) == pytest.approx(100 * (1 + (1 - 6.5 / 7)), abs=1e-12)
    assert capaian(7.0, 6.5, False) == pytest.approx(107.142857, abs=1e-6)
    assert capaian(8.0, 9.0, False) == pytest.approx(87.5)


def test_floor_at_zero_and_cap():
    assert capaian(10.0, 25.0, False) == 0.0  # (2 - 2.5) * 100 = -50 -> 0
    assert capaian(10.0, 30.0, True, cap=120) == 120.0
    assert capaian(10.0, 11.0, True, cap=120) == pytest.approx(110.0)


def test_vectorised_and_nan_propagates():
    out = capaian(np.array([10.0, 10.0, np.nan, 10.0]), np.array([5.0, np.nan, 5.0, 5.0]),
                  np.array([True, True, True, False]), cap=120)
    assert out[0] == pytest.approx(50.0)
    assert np.isnan(out[1]) and np.isnan(out[2])
    assert out[3] == pytest.approx(120.0)  # lower-better (2 - 0.5) * 100 = 150, capped


def test_nonpositive_target_raises():
    with pytest.raises(ValueError, match="target"):
        capaian(np.array([0.0, 5.0]), np.array([1.0, 1.0]), True)


def test_band_lower_bound_inclusive_and_nan():
    codes = band(np.array([50.99, 51.0, 90.99, 91.0]), [51, 61, 76, 91])
    assert codes.tolist() == [0, 1, 3, 4]
    with pytest.raises(ValueError):
        band(np.array([np.nan]), [51, 61, 76, 91])


def test_level3_nan_is_below():
    assert level3(np.array([89.99, 90.0, 109.99, 110.0, np.nan]), 90, 110).tolist() == [
        0, 1, 1, 2, 0]


def test_masked_mean():
    v = np.array([[1.0, 3.0, np.nan], [2.0, np.nan, np.nan]])
    mask = np.array([[True, True, False], [True, False, False]])
    assert masked_mean(v, mask).tolist() == [2.0, 2.0]
    assert masked_mean(v, mask, np.array([[1.0, 3.0, 0.0], [1.0, 1.0, 1.0]]))[0] == 2.5


def test_check_inputs_lists_every_problem():
    m = make_measurements(3, 2, indicator=np.array([[0, -1], [-1, -1], [0, 1]]),
                          target=np.array([[10.0, np.nan], [np.nan, np.nan], [0.0, 5.0]]),
                          perilaku=np.array([[80.0], [120.0], [np.nan]]))
    with pytest.raises(InputError) as exc:
        check_inputs(m, make_org(3))
    msg = str(exc.value)
    assert "3 problems" in msg
    assert "no IKI slot" in msg and "rows 2" in msg
    assert "non-positive target" in msg and "rows 3" in msg
    assert "BerAKHLAK" in msg and "rows 2, 3" in msg


def test_registry_lists_four_schemes_and_rejects_unknown_names():
    from kinerja_sim.schemes import SCHEMES, get_scheme

    assert set(SCHEMES) == {"pp46_2011", "pp30_2019", "permenpanrb_6_2022", "weighted_kpi"}
    for name, mod in SCHEMES.items():
        assert get_scheme(name) is mod
        assert len(mod.LABELS) == 5
        assert type(mod.default_params()) is mod.Params
    with pytest.raises(InputError) as exc:
        get_scheme("pp53_2010")
    msg = str(exc.value)
    assert "scheme.name" in msg and "pp46_2011" in msg and "weighted_kpi" in msg
