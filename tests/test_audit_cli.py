"""``kinerja-sim workforce --scenario``, ``audit`` and ``calibrate`` driven as a user would,
and the privacy promise: no identifier from a real file reaches the report, the calibrated
scenario or the profile."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kinerja_sim.scenario import load_scenario
from kinerja_sim.workforce import load_workforce

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("--set", "raters.leniency_sd=6", "--set", "raters.halo_sd=1.2")


def run(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("audit")
    plain = d / "default.csv"
    run("workforce", "--n", "1500", "--seed", "5", "--scenario", "status_quo", "--out",
        str(plain))
    lenient = d / "lenient.csv"
    run("workforce", "--n", "1500", "--seed", "5", "--scenario", "status_quo",
        "--set", "raters.leniency_mean=10", *SETTINGS, "--out", str(lenient))
    return d, plain, lenient


def test_workforce_scenario_writes_the_scenarios_measurement_settings(files):
    _, plain, lenient = files
    a, b = (load_workforce(p, salt="x") for p in (plain, lenient))
    assert a.n == b.n
    pa, pb = np.asarray(a.observed.perilaku), np.asarray(b.observed.perilaku)
    assert pb.mean() - pa.mean() > 4  # leniency_mean 4 -> 10
    # same dice: the organisation and the plans are identical, only the ratings moved
    assert a.employees["rater_id"].equals(b.employees["rater_id"])


def test_workforce_set_without_scenario_is_an_input_error(tmp_path):
    proc = run("workforce", "--set", "raters.halo_sd=1", "--out", str(tmp_path / "x.csv"),
               check=False)
    assert proc.returncode == 1 and "--scenario" in proc.stderr


def test_audit_writes_a_self_contained_report_and_a_separate_key(files):
    d, plain, _ = files
    out, key = d / "laporan", d / "kunci.csv"
    proc = run("audit", str(plain), "--out", str(out), "--key", str(key))
    page = (out / "audit.html").read_text(encoding="utf-8")
    assert "Temuan" in page and "data:image/png;base64," in page  # Bahasa Indonesia default
    assert "<script" not in page and "http://" not in page and "https://" not in page
    book = pd.read_excel(out / "audit.xlsx", sheet_name=None)
    assert {"temuan", "penilai", "mutu_opd", "kurva", "tentang"} <= set(book)
    k = pd.read_csv(key)
    assert list(k.columns) == ["pseudonym", "rater_id"]
    # the key's rater ids (the file's own) never appear in the report
    own = set(k["rater_id"]) - {"WALIKOTA"}
    text = page + "".join(df.to_csv() for df in book.values())
    assert not any(r in text for r in own)
    assert str(key) in proc.stdout


def test_audit_in_english(files):
    d, plain, _ = files
    run("audit", str(plain), "--out", str(d / "en"), "--lang", "en")
    assert "Findings" in (d / "en" / "audit.html").read_text(encoding="utf-8")


def test_calibrate_writes_a_loadable_scenario_overriding_exactly_the_estimated_keys(files):
    d, _, lenient = files
    out = d / "kalibrasi.yaml"
    proc = run("calibrate", str(lenient), "--out", str(out), "--lang", "en")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["extends"].endswith("status_quo.yaml")
    assert set(data["raters"]) == {"reference", "note", "leniency_mean", "leniency_sd",
                                   "central_tendency_mean", "halo_sd"}
    assert set(data["measurement"]["defaults"]["data_quality"]) == \
        {"reference", "note", "missing", "mis_entered"}
    assert "calibrated from" in data["raters"]["reference"]
    assert "interval" in data["raters"]["note"]
    sc = load_scenario(out)
    assert abs(sc.rater_params.leniency_mean - 10) < 2
    assert sc.rater_params.center == load_scenario("status_quo").rater_params.center
    for text in ("cannot identify", "Predictive check", "perilaku: mean inter-value",
                 "raters.center"):
        assert text in proc.stdout


def _nip_file(src: Path, dst: Path) -> tuple[list[str], list[str]]:
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    nips = {pid: f"19{i:016d}" for i, pid in enumerate(df["id_pegawai"])}
    df.insert(0, "nip", df["id_pegawai"].map(nips))
    df.insert(1, "nip_penilai", df["id_penilai"].map(lambda r: nips.get(r, r)))
    names = [f"Nama Rahasia {i:05d}" for i in range(len(df))]
    df.insert(2, "nama", names)
    df = df.drop(columns=["id_pegawai", "id_penilai"])
    df.to_csv(dst, index=False)
    return list(nips.values()), names


def test_no_identifier_from_a_real_file_reaches_report_scenario_or_profile(files):
    d, plain, _ = files
    real = d / "pegawai_nip.csv"
    nips, names = _nip_file(plain, real)
    out = d / "privasi"
    run("audit", str(real), "--out", str(out), "--salt", "garam")
    run("calibrate", str(real), "--out", str(out / "kal.yaml"), "--profile-out",
        str(out / "profil.yaml"), "--salt", "garam")
    texts = [(out / "audit.html").read_text(encoding="utf-8"),
             (out / "kal.yaml").read_text(encoding="utf-8"),
             (out / "profil.yaml").read_text(encoding="utf-8")]
    with zipfile.ZipFile(out / "audit.xlsx") as z:  # every cell, every sheet, raw XML
        texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    # the loader's own salted pseudonyms (the ids the workforce carries) stay out too
    wf = load_workforce(real, salt="garam")
    loader_ids = set(wf.employees["employee_id"])
    blob = "\n".join(texts)
    assert not any(n in blob for n in nips)
    assert not any(n in blob for n in names[:500]) and "Nama Rahasia" not in blob
    assert not any(i in blob for i in loader_ids)
    assert str(real) not in blob  # the file is named by its hash, not its path


def test_profile_out_is_a_loadable_profile_with_rounded_counts(files):
    from kinerja_sim.strict import validate_model
    from kinerja_sim.workforce.profile import Profile
    from kinerja_sim.workforce.synthetic import synthesize

    d, plain, _ = files
    run("calibrate", str(plain), "--out", str(d / "k.yaml"), "--profile-out",
        str(d / "p.yaml"))
    data = yaml.safe_load((d / "p.yaml").read_text(encoding="utf-8"))
    prof = validate_model(Profile, data)
    real = load_workforce(plain, salt="x")
    assert {o.name for o in prof.opds} == set(real.employees["opd"].astype(str))
    wf = synthesize(prof, seed=1)
    assert abs(wf.n - real.n) / real.n < 0.1


def test_key_maps_pseudonyms_to_the_files_own_rater_nips(files):
    d, plain, _ = files
    real = d / "pegawai_nip_key.csv"
    nips, _ = _nip_file(plain, real)
    out, key = d / "kunci_nip", d / "kunci_nip.csv"
    run("audit", str(real), "--out", str(out), "--key", str(key), "--salt", "garam")
    k = pd.read_csv(key, dtype=str)
    raters = set(pd.read_csv(real, dtype=str)["nip_penilai"])
    assert set(k["rater_id"]) == raters  # every rater, by the id the file gives them
    assert set(k["rater_id"]) - {"WALIKOTA"} <= set(nips)
    shown = pd.read_excel(out / "audit.xlsx", sheet_name="penilai", dtype=str)["penilai"]
    assert set(k["pseudonym"]) == set(shown)  # the key resolves exactly the report's raters
