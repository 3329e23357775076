"""The synthetic workforces: size, composition, rater structure (regulation.md §1.8, §5)."""

from __future__ import annotations

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
