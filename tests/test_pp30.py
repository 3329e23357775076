"""PP 30/2019 (regulation.md §2): cap, weights, band edges."""

import numpy as np
import pytest
from scheme_fixtures import make_measurements, make_org

from kinerja_sim.errors import InputError
from kinerja_sim.schemes import pp30_2019 as pp30

P = pp30.default_params()


@pytest.mark.parametrize(
    ("x", "innovation", "label"),
    [
        (0.0, False, "Sangat Kurang"),
        (49.99, False, "Sangat Kurang"),
        (50.0, False, "Kurang"),
        (69.99, False, "Kurang"),
        (70.0, False, "Cukup"),
        (89.99, False, "Cukup"),
        (90.0, False, "Baik"),
        (109.99, False, "Baik"),
        (109.99, True, "Baik"),
        (110.0, False, "Baik"),
        (110.0, True, "Sangat Baik"),
        (120.0, True, "Sangat Baik"),
        (120.0, False, "Baik"),
        (120.01, True, "Baik"),  # above the Sangat Baik band (Baik is 90 <= x)
        (89.99, True, "Cukup"),
    ],
)
def test_band_edges(x, innovation, label):
    code = pp30.predikat_from_score(np.array([x]), np.array([innovation]), P)[0]
    assert pp30.LABELS[int(code)] == label


def test_labels():
    assert pp30.LABELS == ("Sangat Kurang", "Kurang", "Cukup", "Baik", "Sangat Baik")


def _score(m, params=P):
    return pp30.score(m, make_org(m.n), params)


def test_capaian_capped_at_120():
    m = make_measurements(1, 2, target=10, realisation=[[20.0, 11.0]], perilaku=100)
    res = _score(m)
    assert res.extra["skp"][0] == pytest.approx((120 + 110) / 2)
    assert res.score[0] == pytest.approx(0.7 * 115 + 0.3 * 100)


def test_default_weights_70_30_and_peer_preset_60_40():
    m = make_measurements(1, 1, target=10, realisation=10, perilaku=60)
    assert _score(m).score[0] == pytest.approx(0.7 * 100 + 0.3 * 60)  # 88
    peer = pp30.params_from({"weights_preset": "with_peer_subordinate_input"})
    assert _score(m, peer).score[0] == pytest.approx(0.6 * 100 + 0.4 * 60)  # 84
    explicit = pp30.params_from({"weights": {"skp": 0.5, "perilaku": 0.5}})
    assert _score(m, explicit).score[0] == pytest.approx(80.0)


def test_perilaku_is_mean_of_seven():
    ratings = np.array([[100, 90, 80, 70, 60, 50, 40]], dtype=float)
    m = make_measurements(1, 1, perilaku=ratings)
    assert _score(m).extra["perilaku"][0] == pytest.approx(70.0)


def test_missing_realisation_scores_zero_and_slot_weights():
    m = make_measurements(1, 2, target=10, realisation=[[10.0, np.nan]], utama=[[True, False]])
    assert _score(m).extra["skp"][0] == pytest.approx(50.0)
    heavy = pp30.params_from({"slot_weights": {"utama": 3.0, "tambahan": 1.0}})
    assert _score(m, heavy).extra["skp"][0] == pytest.approx(75.0)


def test_sangat_baik_needs_innovation_end_to_end():
    m = make_measurements(2, 1, target=10, realisation=12, perilaku=100,
                          innovation=[True, False])
    res = _score(m)
    assert res.score == pytest.approx([114.0, 114.0])
    assert res.predikat.tolist() == [4, 3]


def test_unknown_preset_and_key_rejected_with_paths():
    with pytest.raises(InputError) as exc:
        pp30.params_from({"weights_preset": "360", "bands": {"baik": 90}})
    msg = str(exc.value)
    assert "scheme.params.weights_preset" in msg
    assert "scheme.params.bands.baik" in msg
