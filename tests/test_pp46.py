"""PP 46/2011 + PerKa BKN 1/2013 (regulation.md §3): worked examples with exact values."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import pp46_2011 as pp46

P = pp46.default_params()


@pytest.mark.parametrize(
    ("t", "r", "expected"),
    [
        (12, 12, 76.0),  # on time
        (12, 10, (21.12 - 10) / 12 * 100),  # 16.7 % saving, first branch: 92.67
        (12, 9.12, 100.0),  # exactly 24 % saving: still first branch
        (100, 76, 100.0),
        (12, 9, 75.0),  # 25 % saving, second branch: 76 - (101 - 100)
        (100, 75, 75.0),
        (100, 50, 76 - (126 - 100)),  # 50 % saving: 50
        (12, 0, 0.0),  # 100 % saving: 76 - (176 - 100)
        (12, 13, (21.12 - 13) / 12 * 100),  # late: 67.67
        (10, 20, -24.0),  # very late: the formula is not floored
    ],
)
def test_waktu_score_both_branches(t, r, expected):
    assert float(pp46.waktu_score(t, r, P.time_cost_formula)) == pytest.approx(expected,
                                                                                abs=1e-9)


def test_waktu_score_values_typed_out():
    assert float(pp46.waktu_score(12, 10)) == pytest.approx(92.6666666667, abs=1e-9)
    assert float(pp46.waktu_score(12, 9)) == pytest.approx(75.0, abs=1e-12)
    assert np.isnan(pp46.waktu_score(12, np.nan))


def test_activity_value_divides_by_3_or_4():
    assert float(pp46.activity_value(100, 80, 76)) == pytest.approx(256 / 3)
    assert float(pp46.activity_value(100, 80, 76, np.nan)) == pytest.approx(256 / 3)
    assert float(pp46.activity_value(100, 80, 76, 76)) == pytest.approx(83.0)
    both = pp46.activity_value([100, 100], [80, 80], [76, 76], [np.nan, 100])
    assert both.tolist() == pytest.approx([256 / 3, 89.0])


def _score(m, structural=False):
    org = make_org(m.n, jenis_jabatan=0 if structural else 4)
    return pp46.score(m, org, P)


def test_final_is_60_40_of_skp_and_perilaku():
    m = make_measurements(1, 1, target=10, realisation=10, quality=80, time_target=12,
                          time_realisation=12, perilaku=80)
    res = _score(m)
    skp = (100 + 80 + 76) / 3
    assert res.extra["skp"][0] == pytest.approx(skp)
    assert res.extra["perilaku"][0] == pytest.approx(80.0)
    assert res.score[0] == pytest.approx(0.6 * skp + 0.4 * 80)  # 83.2
    assert res.score[0] == pytest.approx(83.2)
    assert res.predikat[0] == 3 and res.labels[3] == "Baik"


def test_cost_aspect_makes_it_divide_by_four_and_skp_is_mean_of_activities():
    m = make_measurements(1, 2, target=10, realisation=10, quality=80, time_target=12,
                          time_realisation=12, cost_target=[1e6, np.nan],
                          cost_realisation=[0.9e6, np.nan], perilaku=80)
    res = _score(m)
    biaya = (1.76 - 0.9) * 100  # 10 % saving -> 86
    a1 = (100 + 80 + 76 + biaya) / 4
    a2 = (100 + 80 + 76) / 3
    assert res.extra["skp"][0] == pytest.approx((a1 + a2) / 2)


def test_lower_is_better_kuantitas_is_direction_adjusted():
    m = make_measurements(1, 1, target=8, realisation=9, higher_is_better=False, quality=80,
                          perilaku=80)
    assert _score(m).extra["skp"][0] == pytest.approx((87.5 + 80 + 76) / 3)


def test_missing_realisation_counts_kuantitas_as_zero_not_dropped():
    m = make_measurements(1, 2, target=10, realisation=[[10.0, np.nan]], quality=80,
                          perilaku=80)
    res = _score(m)
    assert res.extra["skp"][0] == pytest.approx(((100 + 80 + 76) / 3 + (0 + 80 + 76) / 3) / 2)
    assert res.extra["n_missing_aspects"][0] == 1


def test_kepemimpinan_only_for_structural():
    ratings = np.array([[90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 100.0]])  # BerAKHLAK order
    m = make_measurements(1, 1, perilaku=ratings)
    # aspects: orientasi 90, integritas 80, komitmen (50+70)/2, disiplin 80,
    # kerja_sama (60+100)/2, kepemimpinan (40+100)/2
    five = (90 + 80 + 60 + 80 + 80) / 5
    six = (90 + 80 + 60 + 80 + 80 + 70) / 6
    assert _score(m, structural=False).extra["perilaku"][0] == pytest.approx(five)
    assert _score(m, structural=True).extra["perilaku"][0] == pytest.approx(six)
    assert five != pytest.approx(six)


@pytest.mark.parametrize(
    ("x", "label"),
    [(0, "Buruk"), (50, "Buruk"), (50.99, "Buruk"), (51, "Kurang"), (60.99, "Kurang"),
     (61, "Cukup"), (75.99, "Cukup"), (76, "Baik"), (90.5, "Baik"), (90.99, "Baik"),
     (91, "Sangat Baik"), (130, "Sangat Baik")],
)
def test_band_edges(x, label):
    code = int(pp46.predikat_from_score(np.array([x]), P)[0])
    assert pp46.LABELS[code] == label


def test_labels_order():
    assert pp46.LABELS == ("Buruk", "Kurang", "Cukup", "Baik", "Sangat Baik")


def test_vectorised_many_employees_end_to_end():
    n = 5
    m = make_measurements(n, 1, realisation=np.array([[10.0], [9.0], [8.0], [5.0], [0.0]]),
                          target=10, quality=80, perilaku=80)
    res = _score(m)
    skp = (np.array([100, 90, 80, 50, 0]) + 80 + 76) / 3
    assert res.score == pytest.approx(0.6 * skp + 0.4 * 80)
    assert res.predikat.dtype == np.int8
    assert res.predikat.tolist() == pp46.predikat_from_score(res.score, P).tolist()


def test_unknown_param_key_reports_dotted_path():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"time_cost_formula": {"kk": 1.8}})
    assert "scheme.params.time_cost_formula.kk" in str(exc.value)
    assert "unknown key" in str(exc.value)


def test_unknown_berakhlak_source_rejected():
    with pytest.raises(InputError) as exc:
        pp46.params_from({"perilaku_aspects": {"disiplin": {"sources": ["rajin"]}}})
    assert "scheme.params.perilaku_aspects.disiplin.sources" in str(exc.value)


def test_weights_must_sum_to_one():
    with pytest.raises(InputError, match="scheme.params.weights"):
        pp46.params_from({"weights": {"skp": 0.7, "perilaku": 0.4}})


def test_nonpositive_time_target_is_an_input_error():
    m = make_measurements(1, 1, time_target=0.0)
    with pytest.raises(InputError, match="time or cost target"):
        _score(m)
