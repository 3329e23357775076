"""Parameter recovery: files written under known non-default measurement settings are
calibrated back to those settings, with intervals that cover at about their nominal rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_sim.audit.calibrate import calibrate
from kinerja_sim.scenario import load_scenario
from kinerja_sim.workforce.observed import observed_file

#: Known non-default settings: leniency spread doubled, halo raised, more missing values,
#: padded targets (status quo's defaults: 3.0, 0.85, 0.01, -0.05).
SETTINGS = {"raters.leniency_sd": 6.0, "raters.halo_sd": 1.2,
            "measurement.defaults.data_quality.missing": 0.04, "target_ambition": -0.15}
SEEDS = (101, 102, 103, 104)


def _truth(sc) -> dict[str, float]:
    cat, rp = sc.catalogue, sc.rater_params
    vak = cat.indicators["vaksinasi"].data_quality
    return {"raters.leniency_mean": rp.leniency_mean, "raters.leniency_sd": rp.leniency_sd,
            "raters.central_tendency_mean": rp.central_tendency_mean,
            "raters.halo_sd": rp.halo_sd,
            "measurement.defaults.data_quality.missing": cat.defaults.data_quality.missing,
            "measurement.defaults.data_quality.mis_entered":
                cat.defaults.data_quality.mis_entered,
            "measurement.indicators.vaksinasi.data_quality.missing": vak.missing,
            "measurement.indicators.vaksinasi.data_quality.mis_entered": vak.mis_entered,
            "target_ambition": sc.spec.target_ambition}


@pytest.fixture(scope="module")
def recovered() -> pd.DataFrame:
    sc = load_scenario("status_quo", SETTINGS)
    truth = _truth(sc)
    rows = []
    for seed in SEEDS:
        wf, _ = observed_file("binjai", sc, seed=seed)
        for e in calibrate(wf, ppc=False).estimates:
            rows.append((seed, e.key, e.value, e.low, e.high, truth[e.key]))
    return pd.DataFrame(rows, columns=["seed", "key", "est", "low", "high", "true"])


def test_every_identified_parameter_is_estimated_on_every_seed(recovered):
    assert set(recovered["key"]) == set(_truth(load_scenario("status_quo")))
    assert (recovered.groupby("seed").size() == 9).all()


def test_intervals_cover_the_true_values_at_about_the_nominal_rate(recovered):
    cover = (recovered["low"] <= recovered["true"]) & (recovered["true"] <= recovered["high"])
    # 36 intervals at 90 %: a rate of 0.75 or less would happen by chance < 1 % of the time
    assert cover.mean() > 0.75, recovered.loc[~cover]


def test_estimates_are_within_their_99_percent_interval_on_every_seed(recovered):
    half90 = (recovered["high"] - recovered["low"]) / 2
    centre = (recovered["high"] + recovered["low"]) / 2
    wide = half90 * 2.576 / 1.645
    assert ((recovered["true"] - centre).abs() <= wide + 1e-12).all(), recovered


def test_the_non_default_settings_are_told_apart_from_the_base(recovered):
    """The calibration sees the doubled leniency spread, raised halo, higher missing rate and
    padded targets: each interval excludes the base scenario's own value."""
    base = _truth(load_scenario("status_quo"))
    for key in SETTINGS:
        r = recovered.loc[recovered["key"] == key]
        assert ((r["low"] > base[key]) | (r["high"] < base[key])).all(), key


def test_calibration_is_reproducible_for_a_seed():
    sc = load_scenario("status_quo", SETTINGS)
    wf, _ = observed_file("binjai", sc, seed=7, n=800)
    a = [e.value for e in calibrate(wf, ppc=False).estimates]
    b = [e.value for e in calibrate(wf, ppc=False).estimates]
    assert np.array_equal(a, b)


def test_a_tiny_file_calibrates_nothing_it_cannot_support():
    """Nine employees, four raters: no estimate without enough slots or raters for an
    interval; the skipped blocks are listed instead."""
    sc = load_scenario("status_quo")
    wf, _ = observed_file("binjai", sc, seed=3, n=60)
    small = wf.employees.index[:9]
    from dataclasses import replace

    from kinerja_sim.workforce.model import TaskPlan, Workforce

    obs = replace(wf.observed, **{f: getattr(wf.observed, f)[:9]
                                  for f in wf.observed.__dataclass_fields__
                                  if isinstance(getattr(wf.observed, f), np.ndarray)})
    e = wf.employees.loc[small].copy()
    p = wf.plan
    plan = TaskPlan(*(x[:9] for x in (p.indicator, p.target, p.utama, p.time_target,
                                      p.cost_target)))
    cal = calibrate(Workforce(e, plan, obs, "tiny"), ppc=False)
    assert cal.estimates == []
    assert {"raters", "target_ambition", "measurement.defaults.data_quality"} <= \
        set(cal.skipped)


def test_predictive_check_reproduces_the_files_summary_statistics():
    sc = load_scenario("status_quo", SETTINGS)
    wf, _ = observed_file("binjai", sc, seed=21)
    ppc = calibrate(wf).ppc
    real, sim = ppc["real"], ppc["simulated"]
    assert abs(real["perilaku: mean"] - sim["perilaku: mean"]) < 1.0
    for k in ("perilaku: SD", "perilaku: SD of employee means"):
        assert abs(real[k] / sim[k] - 1) < 0.1, k
    assert abs(real["perilaku: mean inter-value correlation"]
               - sim["perilaku: mean inter-value correlation"]) < 0.05
    assert abs(real["IKI: share missing"] - sim["IKI: share missing"]) < 0.01
    assert abs(real["predikat: Baik"] - sim["predikat: Baik"]) < 0.05


def test_a_written_file_calibrates_exactly_as_the_workforce_it_was_written_from(tmp_path):
    """Recovery on files, not just objects: writing the observed workforce in the real-file
    schema and loading it back gives the same estimates (the file carries all it needs)."""
    from kinerja_sim.workforce import export_workforce, load_workforce

    sc = load_scenario("status_quo", SETTINGS)
    wf, _ = observed_file("binjai", sc, seed=101, n=2500)
    path = export_workforce(wf, tmp_path / "pegawai.csv")
    loaded = load_workforce(path, salt="uji")
    a = {e.key: e.value for e in calibrate(wf, ppc=False).estimates}
    b = {e.key: e.value for e in calibrate(loaded, ppc=False).estimates}
    assert a.keys() == b.keys() and len(a) >= 7
    for k in a:
        assert np.isclose(a[k], b[k], rtol=1e-9, atol=1e-12), k
