"""The ``kinerja-sim`` command driven as a user would: as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_validate_bundled_scenarios_ok():
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    proc = run("validate", *files)
    assert proc.stdout.count(": valid") == len(files)


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscheme: {name: pp30_2019, params: {bandz: 1}}\nraterz: {}\n")
    csv = tmp_path / "data.csv"
    csv.write_text("nip,opd\n123,Dinas\n")
    proc = run("validate", str(bad), str(csv), check=False)
    assert proc.returncode == 1
    assert "scheme.params.bandz" in proc.stderr and "raterz" in proc.stderr
    assert "data.csv" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "pegawai.xlsx"
    proc = run("workforce", "--profile", "binjai", "--n", "700", "--seed", "3", "--out", str(out))
    assert "pegawai.xlsx" in proc.stdout
    return out


def test_workforce_export_has_no_latent_traits_or_nip(exported):
    wb = openpyxl.load_workbook(exported, read_only=True)
    header = [c.value for c in next(wb["pegawai"].iter_rows(max_row=1))]
    assert "id_pegawai" in header and "nip" not in header
    assert not [h for h in header if h and ("latent" in h or h.startswith("sim_"))]


def test_score_prints_distribution_per_opd_and_writes_results(exported, tmp_path):
    out = tmp_path / "hasil.xlsx"
    proc = run("score", str(exported), "--scenario", "permenpanrb_6_2022_kurva", "--out",
               str(out))
    assert "Dinas Pendidikan" in proc.stdout and "Sangat Baik" in proc.stdout
    assert "memindahkan predikat" in proc.stdout
    hasil = pd.read_excel(out, sheet_name="hasil")
    assert len(hasil) > 600 and "predikat" in hasil.columns
    assert not [c for c in hasil.columns if c.startswith(("sim_", "latent_"))]
    per_opd = pd.read_excel(out, sheet_name="predikat_per_opd")
    small = per_opd[per_opd["total"].isna()]
    assert len(small) + (per_opd["total"] >= 10).sum() == len(per_opd)


def test_compare_prints_headline_and_writes_workbook(tmp_path):
    out = tmp_path / "banding.xlsx"
    proc = run("--lang", "en", "compare", "scenarios/permenpanrb_6_2022_kurva.yaml",
               "--baseline", "scenarios/status_quo.yaml", "--periods", "2",
               "--replications", "2", "--set", "workforce.n=600", "--out", str(out))
    assert "Objectivity: Spearman" in proc.stdout and "Δ" in proc.stdout
    assert "Predikat distribution" in proc.stdout and "Kurang/Misconduct" in proc.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"ringkasan", "menang_kalah", "kelompok", "lintasan", "tentang"} <= set(sheets)
    assert set(sheets["ringkasan"]["scenario"]) == {"status_quo", "permenpanrb_6_2022_kurva"}
    assert not list(tmp_path.glob(".banding*"))  # no temporary file left behind


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    from kinerja_sim.report import write_sheets

    calls = []
    real_to_excel = pd.DataFrame.to_excel

    def interrupted_on_second_sheet(self, *a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_to_excel(self, *a, **k)

    target = tmp_path / "hasil.xlsx"
    monkeypatch.setattr(pd.DataFrame, "to_excel", interrupted_on_second_sheet)
    with pytest.raises(KeyboardInterrupt):
        write_sheets(target, {"a": pd.DataFrame({"x": [1]}), "b": pd.DataFrame({"y": [2]})})
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    write_sheets(target, {"a": pd.DataFrame({"x": [1]})})
    assert target.stat().st_mode & 0o044  # readable like any ordinary file


def test_validate_accepts_an_exported_workforce(exported):
    proc = run("validate", str(exported))
    assert proc.stdout.strip().endswith(": valid")


def test_no_nip_or_name_reaches_the_results_file(exported, tmp_path):
    df = pd.read_excel(exported, sheet_name="pegawai", dtype=str)
    ids = {pid: f"19{i:016d}" for i, pid in enumerate(df["id_pegawai"])}
    df["nip"] = df["id_pegawai"].map(ids)
    df["nip_penilai"] = df["id_penilai"].map(lambda r: ids.get(r, r))
    df["nama"] = [f"Pegawai Contoh {i}" for i in range(len(df))]
    df = df.drop(columns=["id_pegawai", "id_penilai"])
    src = tmp_path / "pegawai_nip.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "hasil.xlsx"
    run("score", str(src), "--scenario", "status_quo", "--out", str(out), "--salt", "uji")
    text = "\n".join(pd.read_excel(out, sheet_name=None, dtype=str)[s].to_csv()
                     for s in ("hasil", "predikat_per_opd"))
    assert not any(nip in text for nip in list(ids.values())[:200])
    assert "Pegawai Contoh" not in text
    assert "P-" in text  # pseudonyms instead
