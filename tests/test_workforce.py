"""The synthetic workforces: size, composition, rater structure (regulation.md §1.8, §5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinerja_sim.indicators import default_catalogue
from kinerja_sim.workforce import synthesize
from kinerja_sim.workforce.model import EXTERNAL_RATER, LATENT_COLUMNS
from kinerja_sim.workforce.profile import load_profile
from kinerja_sim.workforce.synthetic import _units_table

#: Who may rate whom (regulation.md §1.8, BKN training slide), plus the two documented
#: exceptions of this profile [M]: teachers are rated by their kepala sekolah and puskesmas
#: staff by the kepala puskesmas, both Fungsional unit heads.
ALLOWED_RATER = {
    "Administrator": {"JPT"},
    "Pengawas": {"Administrator", "JPT"},
    "Pelaksana": {"Pengawas", "Administrator", "JPT", "Fungsional"},
    "Fungsional": {"Pengawas", "Administrator", "JPT", "Fungsional"},
    "JPT": {EXTERNAL_RATER},
}


def test_binjai_size_and_opds(binjai):
    e = binjai.employees
    assert 4_000 <= len(e) <= 5_500  # regulation.md §5.2 rough estimate
    opds = set(e["opd"].astype(str))
    assert len(opds) >= 15
    for name in ["Dinas Pendidikan", "Dinas Kesehatan", "RSUD Dr. R.M. Djoelham",
                 "Dinas Kependudukan dan Pencatatan Sipil", "Satuan Polisi Pamong Praja",
                 "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
                 "Badan Perencanaan Pembangunan Daerah", "Sekretariat Daerah"]:
        assert name in opds
    assert sum(o.startswith("Kecamatan ") for o in opds) == 5
    units = e["unit"].astype(str)
    assert units.str.contains("/ Kelurahan").groupby(e["opd"].astype(str)).any().sum() == 5
    kelurahan = units[units.str.contains("/ Kelurahan")].nunique()
    assert kelurahan == 37  # regulation.md §5.2
    assert units[units.str.contains("/ Puskesmas")].nunique() == 8
    assert units[units.str.contains("/ Sekolah")].nunique() >= 90


def test_every_employee_has_a_consistent_rater(binjai):
    e = binjai.employees.set_index("employee_id", drop=False)
    ext = e["rater_id"] == EXTERNAL_RATER
    # exactly one head per OPD, rated by the Wali Kota
    heads = e[e["is_opd_head"]]
    assert heads["opd"].astype(str).is_unique
    assert set(heads["opd"].astype(str)) == set(e["opd"].astype(str))
    assert (ext == e["is_opd_head"]).all()
    inner = e[~ext]
    raters = e.loc[inner["rater_id"]]
    assert (raters["opd"].to_numpy() == inner["opd"].to_numpy()).all()
    assert (raters["employee_id"].to_numpy() != inner["employee_id"].to_numpy()).all()
    pairs = pd.DataFrame({"ratee": inner["jenis_jabatan"].astype(str).to_numpy(),
                          "rater": raters["jenis_jabatan"].astype(str).to_numpy()})
    bad = pairs[[r not in ALLOWED_RATER[j] for j, r in zip(pairs.ratee, pairs.rater,
                                                           strict=True)]]
    assert bad.empty, bad.value_counts().head()
    # Fungsional raters occur only as heads of service units (sekolah, puskesmas)
    fr = raters[raters["jenis_jabatan"].astype(str) == "Fungsional"]
    assert fr["is_unit_head"].all()
    assert fr["unit"].astype(str).str.contains("/ Sekolah|/ Puskesmas").all()
    # no rater cycles: following raters always ends at the Wali Kota within 4 steps
    cur = e["rater_id"]
    for _ in range(4):
        cur = cur.map(lambda r: r if r == EXTERNAL_RATER else e.at[r, "rater_id"])
    assert (cur == EXTERNAL_RATER).all()


def test_latent_traits_and_plans(binjai):
    e = binjai.employees
    for c in LATENT_COLUMNS:
        assert abs(e[c].mean()) < 0.1 and 0.85 < e[c].std() < 1.15
    r = np.corrcoef(e["latent_effort"], e["latent_psm"])[0, 1]
    assert 0.2 < r < 0.4  # profile: effort-PSM correlation 0.3
    plan = binjai.plan
    assert ((plan.indicator >= 0).sum(axis=1) >= 2).all()
    assert (plan.utama[:, 0]).all()
    assert np.isfinite(plan.target[plan.indicator >= 0]).all()
    assert binjai.observed is not None
    assert binjai.observed.perilaku.shape == (len(e), 7)


def test_catalogue_has_binjai_examples_and_every_rumpun():
    cat = default_catalogue()
    for name in ["waktu_respons_pengaduan", "rating_kualitas_layanan", "vaksinasi", "ikm"]:
        assert name in cat.indicators
    assert cat.indicators["waktu_respons_pengaduan"].direction == "lower"
    profile = load_profile("binjai")
    rumpun = {o.rumpun for o in profile.opds}
    rumpun |= {o.office_rumpun for o in profile.opds if o.office_rumpun}
    assert rumpun <= set(cat.assignment.by_rumpun)
    assert cat.attendance.working_days > 0


def test_same_seed_same_workforce_different_seed_differs():
    a = synthesize("binjai", seed=11, n=500)
    b = synthesize("binjai", seed=11, n=500)
    c = synthesize("binjai", seed=12, n=500)
    pd.testing.assert_frame_equal(a.employees, b.employees)
    np.testing.assert_array_equal(a.observed.realisation, b.observed.realisation)
    assert not np.allclose(a.employees["latent_ability"], c.employees["latent_ability"])


def test_nasional_headcount_matches_bkn_2024():
    units = _units_table(load_profile("nasional"), 1.0)
    assert units["size"].sum() == pytest.approx(4_758_730, rel=0.01)


def test_nasional_composition_matches_bkn_2024():
    # regulation.md §5.1 (BKN 1 July 2024); rescaled sample keeps the composition
    e = synthesize("nasional", seed=1, n=300_000, observed=False).employees
    jab = e["jenis_jabatan"].astype(str).value_counts(normalize=True)
    assert jab["Fungsional"] == pytest.approx(3_330_060 / 4_758_730, abs=0.02)
    assert jab["Pelaksana"] == pytest.approx(1_096_916 / 4_758_730, abs=0.02)
    structural = jab[["JPT", "Administrator", "Pengawas"]].sum()
    assert structural == pytest.approx(331_754 / 4_758_730, abs=0.02)
    assert (e["status"] == "PPPK").mean() == pytest.approx(1_103_045 / 4_758_730, abs=0.02)
    assert (e["gender"] == "P").mean() == pytest.approx(0.57, abs=0.02)
    guru = ((e["rumpun"] == "pendidikan") & (e["jenis_jabatan"] == "Fungsional")).mean()
    assert guru == pytest.approx(2_026_704 / 4_758_730, abs=0.03)


# -- workforce/observed: latent traits for a real file, a scenario's observed period ---------
# (gaps found by mutation testing, issue 12: no selected test reached the module)

MEASURED_ARRAYS = ("indicator", "target", "realisation", "higher_is_better", "utama", "quality",
                   "time_target", "time_realisation", "cost_target", "cost_realisation",
                   "perilaku", "days_absent", "late", "innovation")


def _same_measurements(a, b) -> None:
    for f in MEASURED_ARRAYS:
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f), err_msg=f)


def _as_real_file(wf):
    """``wf`` without its latent traits, as a loaded file would be."""
    from kinerja_sim.workforce.model import Workforce

    return Workforce(wf.employees.drop(columns=list(LATENT_COLUMNS)), wf.plan, wf.observed,
                     "pegawai.csv", wf.rater_row)


def test_with_latent_draws_the_profile_traits_for_a_real_file():
    from kinerja_sim.workforce.observed import with_latent

    real = _as_real_file(synthesize("binjai", seed=3, n=300))
    assert not real.is_synthetic
    out = with_latent(real, seed=11)
    assert out.is_synthetic and out.source == "pegawai.csv"
    assert out.plan is real.plan and out.observed is real.observed
    assert out.rater_row is real.rater_row
    pd.testing.assert_frame_equal(out.employees[list(real.employees.columns)], real.employees)
    assert not any(c in real.employees.columns for c in LATENT_COLUMNS)  # input unchanged
    # the draw as documented: standard normal ability and PSM; effort = rho psm +
    # sqrt(1 - rho^2) noise; context = sqrt(s) unit context + sqrt(1 - s) noise, one unit
    # context per (OPD, unit) in order of first appearance; rho = 0.3, s = 0.7 (binjai.yaml)
    rho, s = 0.3, 0.7
    e = real.employees
    rng = np.random.default_rng(np.random.SeedSequence([11, 7]))
    ability, psm = rng.standard_normal(real.n), rng.standard_normal(real.n)
    effort = rho * psm + np.sqrt(1 - rho**2) * rng.standard_normal(real.n)
    unit = e.groupby(["opd", "unit"], sort=False, observed=True).ngroup().to_numpy()
    unit_ctx = rng.standard_normal(unit.max() + 1)[unit]
    context = np.sqrt(s) * unit_ctx + np.sqrt(1 - s) * rng.standard_normal(real.n)
    for name, want in zip(LATENT_COLUMNS, (ability, effort, psm, context), strict=True):
        np.testing.assert_allclose(out.employees[name].to_numpy(), want, rtol=1e-12, err_msg=name)
    # defaults: seed 2026, profile binjai; another seed, other traits
    pd.testing.assert_frame_equal(with_latent(real).employees,
                                  with_latent(real, seed=2026, profile="binjai").employees)
    assert not np.allclose(with_latent(real).employees["latent_ability"],
                           out.employees["latent_ability"])


def test_with_latent_leaves_a_synthetic_workforce_as_it_is():
    from kinerja_sim.workforce.observed import with_latent

    wf = synthesize("binjai", seed=3, n=100)
    assert with_latent(wf, seed=11) is wf


def test_observe_refuses_a_file_without_latent_traits():
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce.observed import observe

    real = _as_real_file(synthesize("binjai", seed=3, n=100))
    with pytest.raises(ValueError) as ei:
        observe(real, load_scenario("status_quo"))
    assert str(ei.value) == "observe() needs latent traits: use with_latent() on a real file"


def test_observe_draws_one_period_with_the_scenario_raters_and_targets():
    from kinerja_sim import indicators as ind
    from kinerja_sim import raters as rt
    from kinerja_sim.measurement import draw_period, rater_index
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.scoring import streams
    from kinerja_sim.workforce.observed import observe

    sc = load_scenario("status_quo", {"raters.leniency_sd": 6.0, "target_ambition": -0.15})
    wf = synthesize("binjai", seed=5, n=300, observed=False)
    out, truth = observe(wf, sc, seed=9)
    assert out.employees is wf.employees and out.plan is wf.plan
    assert out.source == wf.source and out.rater_row is wf.rater_row
    # the period as the engine draws it: raters from the "raters" stream, the measurement
    # from the "measurement" stream, with the scenario's target ambition (padding)
    idx, n_raters = rater_index(wf)
    traits = rt.draw_raters(n_raters, sc.rater_params, streams(9)["raters"])
    m, _ = draw_period(wf, sc.catalogue, sc.rater_params, traits, idx, streams(9)["measurement"],
                       ambition=-0.15, coef=ind.arrays(sc.catalogue))
    _same_measurements(out.observed, m)
    assert not np.array_equal(out.observed.target, wf.plan.target, equal_nan=True)
    # the truth behind it: each rater's leniency and compression, one entry per rater_id
    rater_id = wf.employees["rater_id"].to_numpy(dtype=object)
    assert set(truth.rater_leniency.index) == set(rater_id) == set(truth.rater_compression.index)
    assert truth.rater_leniency.index.is_unique and truth.rater_compression.index.is_unique
    np.testing.assert_allclose(truth.rater_leniency[rater_id].to_numpy(), traits.leniency[idx])
    np.testing.assert_allclose(truth.rater_compression[rater_id].to_numpy(),
                               traits.compression[idx])
    # seed: the scenario's by default
    default, _ = observe(wf, sc)
    _same_measurements(default.observed, observe(wf, sc, seed=sc.spec.seed)[0].observed)
    assert not np.array_equal(default.observed.perilaku, out.observed.perilaku)


def test_observed_file_is_a_synthetic_workforce_observed_under_the_scenario():
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce.observed import observe, observed_file

    sc = load_scenario("status_quo")
    wf, truth = observed_file("binjai", sc, seed=4, n=200)
    ref, ref_truth = observe(synthesize("binjai", seed=4, n=200, observed=False), sc, 4)
    pd.testing.assert_frame_equal(wf.employees, ref.employees)
    _same_measurements(wf.observed, ref.observed)
    pd.testing.assert_series_equal(truth.rater_leniency, ref_truth.rater_leniency)
    default, _ = observed_file("binjai", sc, n=200)
    ref, _ = observe(synthesize("binjai", seed=2026, n=200, observed=False), sc, 2026)
    _same_measurements(default.observed, ref.observed)
    # the profile asked for, not the default one
    other, _ = observed_file("nasional", sc, seed=4, n=300)
    pd.testing.assert_frame_equal(
        other.employees, synthesize("nasional", seed=4, n=300, observed=False).employees)


def test_an_unknown_profile_is_one_input_error_listing_the_packaged_profiles():
    from kinerja_sim.errors import InputError, Problem

    packaged = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "kinerja_sim" /
                                       "data" / "profiles").glob("*.yaml"))
    assert packaged == ["binjai", "nasional"]
    with pytest.raises(InputError) as ei:
        load_profile("jakarta")
    assert ei.value.problems == [Problem("<profile>", "profile", "unknown profile 'jakarta'",
                                         None, "one of: " + ", ".join(packaged))]
    assert ei.value.__cause__ is None and ei.value.__suppress_context__
