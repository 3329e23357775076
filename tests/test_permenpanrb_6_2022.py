"""PermenPANRB 6/2022 (regulation.md §1.4-1.6): ratings, matrix, leader rule, curve."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import permenpanrb_6_2022 as s622
from kinerja_sim.schemes.base import ATAS, BAWAH, SESUAI

P = s622.default_params()
NO_CURVE = s622.params_from({"distribution": {"enabled": False}})

# The 3x3 matrix of regulation.md §1.5, typed independently: [hasil][perilaku]
MATRIX = {
    ("Di Atas Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Di Atas Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Di Atas Ekspektasi", "Di Atas Ekspektasi"): "Sangat Baik",
    ("Sesuai Ekspektasi", "Di Bawah Ekspektasi"): "Kurang/Misconduct",
    ("Sesuai Ekspektasi", "Sesuai Ekspektasi"): "Baik",
    ("Sesuai Ekspektasi", "Di Atas Ekspektasi"): "Baik",
    ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi"): "Sangat Kurang",
    ("Di Bawah Ekspektasi", "Sesuai Ekspektasi"): "Butuh Perbaikan",
    ("Di Bawah Ekspektasi", "Di Atas Ekspektasi"): "Butuh Perbaikan",
}
LEVEL = {"Di Bawah Ekspektasi": 0, "Sesuai Ekspektasi": 1, "Di Atas Ekspektasi": 2}
# IKI capaian and BerAKHLAK ratings that produce each level under the default thresholds
CAPAIAN_FOR = {0: 80.0, 1: 100.0, 2: 115.0}
PERILAKU_FOR = {0: 70.0, 1: 85.0, 2: 95.0}


def test_labels():
    assert s622.LABELS == ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik",
                           "Sangat Baik")


@pytest.mark.parametrize(("hasil", "perilaku"), list(MATRIX))
def test_matrix_cell(hasil, perilaku):
    expected = MATRIX[(hasil, perilaku)]
    h, p = LEVEL[hasil], LEVEL[perilaku]
    assert s622.LABELS[s622.matrix_codes(P)[h, p]] == expected
    # end to end: one IKI and seven BerAKHLAK ratings at the levels wanted
    m = make_measurements(1, 1, target=100.0, realisation=CAPAIAN_FOR[h],
                          perilaku=PERILAKU_FOR[p])
    res = s622.score(m, make_org(1), NO_CURVE)
    assert (res.rating_hasil[0], res.rating_perilaku[0]) == (h, p)
    assert s622.LABELS[res.predikat[0]] == expected


def _hasil(realisations, utama):
    realisations = np.atleast_2d(np.asarray(realisations, dtype=float))
    n, k = realisations.shape
    m = make_measurements(n, k, target=100.0, realisation=realisations, utama=utama)
    return s622.rating_hasil(m, P).tolist()


def test_rating_hasil_majority_rules():
    T, F = True, False
    assert _hasil([120, 120, 100], [T, T, T]) == [ATAS]
    assert _hasil([120, 120, 80], [T, T, F]) == [ATAS]  # a tambahan below does not block
    assert _hasil([120, 120, 80], [F, T, T]) == [SESUAI]  # a utama below blocks Di Atas
    assert _hasil([120, 100], [T, T]) == [SESUAI]  # exactly half above is not a majority
    assert _hasil([80, 80, 120], [F, F, F]) == [BAWAH]
    assert _hasil([80, 120], [T, T]) == [SESUAI]  # half below is not a majority either
    assert _hasil([80, 100, 120], [T, T, T]) == [SESUAI]


def test_rating_hasil_thresholds_and_direction():
    assert _hasil([[89.99], [90.0], [109.99], [110.0]], True) == [BAWAH, SESUAI, SESUAI, ATAS]
    m = make_measurements(2, 1, target=8.0, realisation=[[9.0], [6.5]], higher_is_better=False)
    assert s622.rating_hasil(m, P).tolist() == [BAWAH, ATAS]  # 87.5 %, 118.75 %


def test_missing_realisation_counts_as_below():
    T = True
    assert _hasil([[np.nan, np.nan]], [T, T]) == [BAWAH]
    assert _hasil([[np.nan, 120, 120]], [[T, T, T]]) == [SESUAI]  # and blocks Di Atas if utama
    assert _hasil([[np.nan, 120, 120]], [[False, T, T]]) == [ATAS]


def test_empty_slots_do_not_count():
    m = make_measurements(1, 3, indicator=[[0, -1, -1]], target=[[100.0, np.nan, np.nan]],
                          realisation=[[120.0, np.nan, np.nan]])
    assert s622.rating_hasil(m, P).tolist() == [ATAS]


def test_rating_perilaku_majority():
    four_high = np.array([[95, 95, 95, 95, 80, 80, 80]], dtype=float)
    three_high = np.array([[95, 95, 95, 80, 80, 80, 80]], dtype=float)
    four_low = np.array([[70, 70, 70, 70, 95, 95, 95]], dtype=float)
    edges = np.array([[75.99, 76, 90.99, 91, 91, 91, 91]], dtype=float)
    for ratings, expected in ((four_high, ATAS), (three_high, SESUAI), (four_low, BAWAH),
                              (edges, ATAS)):
        m = make_measurements(1, 1, perilaku=ratings)
        assert s622.rating_perilaku(m, P).tolist() == [expected]


@pytest.mark.parametrize(("org_code", "expected"),
                         [(4, ATAS), (3, SESUAI), (2, BAWAH), (1, BAWAH), (0, BAWAH)])
def test_leader_as_employee_rating_hasil_is_org_predikat(org_code, expected):
    # both employees have weak IKI (Di Bawah); only the head takes the OPD's predikat
    m = make_measurements(2, 1, target=100.0, realisation=50.0, perilaku=95.0)
    org = make_org(2, is_opd_head=[True, False], org_predikat=[org_code])
    res = s622.score(m, org, NO_CURVE)
    assert res.rating_hasil.tolist() == [expected, BAWAH]
    assert res.extra["rating_hasil_own"].tolist() == [BAWAH, BAWAH]


def test_curve_applied_per_opd_with_heads_excluded():
    n = 11  # 1 head + 10 staff in an OPD rated Baik, everyone Sesuai/Sesuai -> raw Baik
    real = np.full((n, 1), 100.0)
    real[:, 0] += np.arange(n) * 0.5  # merit rises with index
    m = make_measurements(n, 1, target=100.0, realisation=real, perilaku=85.0)
    org = make_org(n, is_opd_head=[True] + [False] * 10, org_predikat=[3])
    res = s622.score(m, org, P)
    assert res.predikat_raw.tolist() == [3] * n
    # Baik <= 70 % of the 10 staff: the three lowest-merit staff move to Butuh Perbaikan
    assert res.predikat.tolist() == [3, 2, 2, 2] + [3] * 7
    adj = res.adjustment
    assert adj["enabled"] and adj["n_moved"] == 3
    assert adj["group_size"].tolist() == [10]
    assert np.isnan(res.score).all()
    off = s622.score(m, org, NO_CURVE)
    assert off.predikat.tolist() == [3] * n and off.adjustment == {"enabled": False}


def test_merit_is_documented_composite():
    m = make_measurements(3, 1, target=100.0, realisation=[[90.0], [100.0], [130.0]],
                          perilaku=[[70.0], [80.0], [90.0]])
    res = s622.score(m, make_org(3), NO_CURVE)
    cap = np.array([90.0, 100.0, 120.0])  # capped at 120
    per = np.array([70.0, 80.0, 90.0])
    z = lambda x: (x - x.mean()) / x.std()  # noqa: E731
    assert res.merit == pytest.approx(z(cap) + z(per))


def test_param_errors_list_dotted_paths():
    with pytest.raises(InputError) as exc:
        s622.params_from({"hasil": {"majorty": 0.6},
                          "matrix": {"cells": {"Di Atas Ekspektasi": {
                              "Di Atas Ekspektasi": "Luar Biasa"}}}})
    msg = str(exc.value)
    assert "scheme.params.hasil.majorty" in msg and "unknown key" in msg
    assert "scheme.params.matrix.cells.Di Atas Ekspektasi.Di Atas Ekspektasi" in msg
