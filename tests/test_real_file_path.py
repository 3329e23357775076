"""The path BKPSDM uses on its own file, end to end: load -> score -> SE 03/2023 curve per OPD
-> results workbook -> TPP, driven through ``kinerja-sim score`` as a user would.

Everything expected here is computed *in this file* from the rules as written in
reference/regulation.md (§1.2 capaian, §1.4 ratings, §1.5 matrix, §1.6 distribution rules, §4
TPP) and the scheme's documented thresholds (data/schemes/permenpanrb_6_2022.yaml), never from the
adjustment's own report or the scheme's functions. Employees are joined by pseudonym, which the
test recomputes from the NIP it wrote ("P-" + sha256(salt + nip)[:12], docs/data.md), so a
result that belongs to another row cannot pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SALT = "uji-berkas-nyata"
BERAKHLAK = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif",
             "kolaboratif")
# regulation.md §1.5 (rows: Rating Hasil Kerja, columns: Rating Perilaku; 0 Bawah, 1 Sesuai,
# 2 Atas) -> predikat codes 0 Sangat Kurang .. 4 Sangat Baik
PREDIKAT = ("Sangat Kurang", "Kurang/Misconduct", "Butuh Perbaikan", "Baik", "Sangat Baik")
SK, KM, BP, B, SB = range(5)
MATRIX = np.array([[SK, BP, BP],      # hasil Di Bawah
                   [KM, B, B],        # hasil Sesuai
                   [KM, B, SB]])      # hasil Di Atas
# scheme thresholds (data/schemes/permenpanrb_6_2022.yaml, scenario permenpanrb_6_2022)
HASIL_SESUAI, HASIL_ATAS = 90.0, 110.0
PERILAKU_SESUAI, PERILAKU_ATAS = 76.0, 91.0
# leader-as-employee rule (regulation §1.4): the OPD's predikat is the head's Rating Hasil Kerja
LEADER = {"Istimewa": 2, "Baik": 1, "Butuh Perbaikan": 0, "Kurang": 0, "Sangat Kurang": 0}
# organisation predikat of the OPDs in the scenario below (all others: Baik)
ORG = {"RSUD Dr. R.M. Djoelham": "Istimewa", "Dinas Kesehatan": "Butuh Perbaikan",
       "Kecamatan Binjai Utara": "Kurang", "Sekretariat Daerah": "Sangat Kurang"}
# TPP (data/schemes/tpp.yaml): base by kelas, 60/40 split, kinerja factor per predikat code,
# disiplin deductions (Permentan 68/2012 template) spread over a 3-month period
TPP_BASE = {6: 3_035_000, 7: 3_615_000, 8: 4_300_000, 9: 5_115_000, 10: 6_085_000}
KINERJA_FACTOR = (0.25, 0.50, 0.75, 1.00, 1.00)

# A handful of employees with literal inputs, set in Dinas Pendidikan (organisation predikat
# Baik). Each: (iki rows [(target, realisasi, utama)], 7 perilaku ratings, kelas, absent days,
# late TL1..TL4), the predikat worked by hand, and the TPP worked by hand.
HANDFUL = {
    # hasil: 115/100 = 115 %, 30/24 = 125 % -> both >= 110 Di Atas, 2/2 > 1/2 -> Di Atas.
    # perilaku: 95 x 7 >= 91 -> Di Atas. Matrix Atas x Atas -> Sangat Baik.
    # TPP: kelas 8 Rp 4,300,000; no deduction -> 4.3M * (0.6 * 1.0 + 0.4 * 1) = 4,300,000
    "A": ([(100, 115, "ya"), (24, 30, "ya")], [95] * 7, 8, 0, (0, 0, 0, 0),
          "Sangat Baik", 4_300_000.0),
    # hasil: 100 % Sesuai, 120 % Atas -> 1/2 Atas is not a majority -> Sesuai.
    # perilaku: 4 x 92 (Atas) + 3 x 80 (Sesuai) -> 4/7 Atas -> Di Atas. Sesuai x Atas -> Baik.
    # TPP: kelas 10 Rp 6,085,000, no deduction -> 6,085,000
    "B": ([(100, 100, "ya"), (100, 120, "ya")], [92, 92, 92, 92, 80, 80, 80], 10, 0,
          (0, 0, 0, 0), "Baik", 6_085_000.0),
    # hasil: 80 %, 85 % -> both < 90 Di Bawah -> Di Bawah. perilaku 80 x 7 -> Sesuai.
    # Bawah x Sesuai -> Butuh Perbaikan (factor 0.75).
    # TPP: kelas 7 Rp 3,615,000; deduction (4 % x 1 day + 0.5 % x 3 TL1) / 3 months = 1.8333 %
    #   kinerja 3,615,000 * 0.6 * 0.75 = 1,626,750; disiplin 3,615,000 * 0.4 * (1 - 0.018333)
    #   = 1,446,000 - 26,510 = 1,419,490; total 3,046,240
    "C": ([(100, 80, "ya"), (100, 85, "ya")], [80] * 7, 7, 1, (3, 0, 0, 0),
          "Butuh Perbaikan", 3_046_240.0),
    # hasil: 115 %, 112 % -> Di Atas. perilaku 4 x 70 (< 76 Bawah) + 3 x 85 -> Di Bawah.
    # Atas x Bawah -> Kurang/Misconduct (factor 0.5).
    # TPP: kelas 9 Rp 5,115,000; deduction 2 % x 6 TL4 / 3 = 4 %: kinerja 5,115,000 * 0.3 =
    #   1,534,500; disiplin 5,115,000 * 0.4 * 0.96 = 1,964,160; total 3,498,660
    "D": ([(100, 115, "ya"), (100, 112, "ya")], [70, 70, 70, 70, 85, 85, 85], 9, 0,
          (0, 0, 0, 6), "Kurang/Misconduct", 3_498_660.0),
    # hasil: 50 %, 50 % -> Di Bawah; perilaku 4 x 60 + 3 x 80 -> Di Bawah -> Sangat Kurang.
    # TPP: kelas 6 Rp 3,035,000; 30 days absent: 4 % x 30 / 3 = 40 %: kinerja 3,035,000 * 0.6 *
    #   0.25 = 455,250; disiplin 3,035,000 * 0.4 * 0.6 = 728,400; total 1,183,650
    "E": ([(100, 50, "ya"), (100, 50, "ya")], [60, 60, 60, 60, 80, 80, 80], 6, 30,
          (0, 0, 0, 0), "Sangat Kurang", 1_183_650.0),
    # hasil: utama 85 % (Bawah), two tambahan 120 %, 130 % (Atas): 2/3 Atas is a majority but a
    # utama IKI below expectation blocks Di Atas; 1/3 Bawah is not a majority -> Sesuai.
    # perilaku 95 x 7 -> Atas. Sesuai x Atas -> Baik.
    # TPP: kelas 8; 100 days absent -> deduction 133 % floored: disiplin 0; kinerja 4,300,000 *
    #   0.6 = 2,580,000
    "F": ([(100, 85, "ya"), (100, 120, "tidak"), (100, 130, "tidak")], [95] * 7, 8, 100,
          (0, 0, 0, 0), "Baik", 2_580_000.0),
}


def nip(i: int) -> str:
    return f"1985{i:06d}20100{i % 2 + 1}{i % 1000:03d}"[:18]


def pseudonym(n: str) -> str:
    return "P-" + hashlib.sha256((SALT + n).encode("utf-8")).hexdigest()[:12]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


def _employee_file(tmp: Path) -> tuple[pd.DataFrame, list[str]]:
    """A synthetic Binjai file turned into a real one (NIPs, names), with the handful set."""
    from kinerja_sim.workforce import synthesize
    from kinerja_sim.workforce.export import export_workforce

    src = tmp / "export.csv"
    export_workforce(synthesize("binjai", seed=11, n=700), src)
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    ids = {pid: nip(i) for i, pid in enumerate(df["id_pegawai"])}
    df.insert(0, "nip", df["id_pegawai"].map(ids))
    df.insert(1, "nip_penilai", df["id_penilai"].map(lambda r: ids.get(r, r)))
    df.insert(2, "nama", [f"Nama Pegawai {i}" for i in range(len(df))])
    df = df.drop(columns=["id_pegawai", "id_penilai"])
    staff = df.index[(df["opd"] == "Dinas Pendidikan") & (df["kepala_opd"] == "tidak")]
    chosen = []
    for key, row in zip(HANDFUL, staff[5:5 + len(HANDFUL)], strict=True):
        iki, per, kelas, absent, late, _, _ = HANDFUL[key]
        names = [df.at[row, f"iki{k}_indikator"] for k in (1, 2, 3)]
        name = next(n for n in names if n)
        for k in (1, 2, 3):
            for col in ("indikator", "utama", "target", "realisasi", "kualitas", "waktu_target",
                        "waktu_realisasi", "biaya_target", "biaya_realisasi"):
                df.at[row, f"iki{k}_{col}"] = ""
        for k, (t, r, utama) in enumerate(iki, start=1):
            df.at[row, f"iki{k}_indikator"] = name if k == 1 else _higher_is_better(k)
            df.at[row, f"iki{k}_utama"] = utama
            df.at[row, f"iki{k}_target"] = str(t)
            df.at[row, f"iki{k}_realisasi"] = str(r)
        if not _direction(name):  # keep iki1 higher-is-better too
            df.at[row, "iki1_indikator"] = _higher_is_better(1)
        for b, v in zip(BERAKHLAK, per, strict=True):
            df.at[row, f"perilaku_{b}"] = str(v)
        df.at[row, "kelas_jabatan"] = str(kelas)
        df.at[row, "hari_tidak_hadir"] = str(absent)
        for band, v in zip(("tl1", "tl2", "tl3", "tl4"), late, strict=True):
            df.at[row, f"terlambat_{band}"] = str(v)
        chosen.append(df.at[row, "nip"])
    return df, chosen


def _catalogue():
    from kinerja_sim.indicators import default_catalogue

    return default_catalogue()


def _direction(name: str) -> bool:
    """True where higher is better (the catalogue's documented direction, data not code)."""
    return _catalogue().indicators[name].direction == "higher"


def _higher_is_better(k: int) -> str:
    """A higher-is-better indicator, a different one per slot."""
    names = [n for n, i in _catalogue().indicators.items() if i.direction == "higher"]
    return names[k]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("berkas")
    df, chosen = _employee_file(tmp)
    csv = tmp / "pegawai.csv"
    df.to_csv(csv, index=False)
    # XLSX: data on the default sheet, and data on a second sheet behind a notes sheet
    xlsx = tmp / "pegawai.xlsx"
    second = tmp / "pegawai_lembar2.xlsx"
    for path, sheets in ((xlsx, ["pegawai"]), (second, ["catatan", "Data Pegawai"])):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name in sheets:
            ws = wb.create_sheet(name)
            if name == "catatan":
                ws.append(["Catatan", "bukan data pegawai"])
                ws.append(["diisi oleh", "BKPSDM"])
                continue
            ws.append(list(df.columns))
            for rec in df.itertuples(index=False):
                ws.append([_cell(c, v) for c, v in zip(df.columns, rec, strict=True)])
        wb.save(path)
    scenario = tmp / "kurva_campuran.yaml"
    by_opd = "".join(f"    {name!r}: {pred}\n" for name, pred in ORG.items())
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'permenpanrb_6_2022_kurva.yaml'}\n"
        "name: kurva_campuran\n"
        "organisation:\n  default: Baik\n  by_opd:\n" + by_opd, encoding="utf-8")
    return {"df": df, "chosen": chosen, "csv": csv, "xlsx": xlsx, "second": second,
            "scenario": scenario, "tmp": tmp}


def _cell(column: str, value: str):
    """Numbers as Excel numbers (as analysts' files have them), NIPs and text as text."""
    if value == "" or column.startswith("nip"):
        return value or None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _score(files, which: str, *extra: str, process: bool = False) -> tuple[pd.DataFrame, str]:
    """``kinerja-sim score`` on one file: as a process, or through ``main()`` in-process (the
    code path the command wraps as ``sys.exit(main())``; a process start costs seconds on a
    busy machine, so only the CSV goes through a real process)."""
    from kinerja_sim.cli import main

    out = files["tmp"] / f"hasil_{which}.xlsx"
    args = ["score", str(files[which]), "--scenario", str(files["scenario"]), "--out",
            str(out), "--salt", SALT, *extra]
    if process:
        stdout = run_cli(*args).stdout
    else:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(args) == 0
        stdout = buf.getvalue()
    hasil = pd.read_excel(out, sheet_name="hasil")
    return hasil.set_index("employee_id"), stdout


@pytest.fixture(scope="module")
def results(files):
    return {"csv": _score(files, "csv", process=True), "xlsx": _score(files, "xlsx"),
            "second": _score(files, "second", "--sheet", "Data Pegawai")}


# ----------------------------------------------------------- the rules, written independently

def expected_raw(df: pd.DataFrame) -> pd.Series:
    """Predikat before the curve, per pseudonym, from the input rows (regulation §1.2-1.5)."""
    cat = _catalogue()
    n = len(df)
    n_act = np.zeros(n)
    n_atas = np.zeros(n)
    n_bawah = np.zeros(n)
    utama_bawah = np.zeros(n, dtype=bool)
    for k in range(1, 6):
        if f"iki{k}_indikator" not in df:
            continue
        name = df[f"iki{k}_indikator"]
        act = (name != "").to_numpy()
        higher = name.map(lambda s: s == "" or cat.indicators[s].direction == "higher")
        t = pd.to_numeric(df[f"iki{k}_target"], errors="coerce").to_numpy()
        r = pd.to_numeric(df[f"iki{k}_realisasi"], errors="coerce").to_numpy()
        # §1.2: R/T x 100 (higher better), (1 + (1 - R/T)) x 100 (lower better)
        cap = np.where(higher, r / t, 2 - r / t) * 100
        cap = np.maximum(cap, 0)
        atas = act & (cap >= HASIL_ATAS)
        bawah = act & ~(cap >= HASIL_SESUAI)  # a missing realisation is no evidence: Bawah
        n_act += act
        n_atas += atas
        n_bawah += bawah
        utama_bawah |= bawah & (df[f"iki{k}_utama"].str.lower() == "ya").to_numpy()
    hasil = np.where(n_bawah / n_act > 0.5, 0,
                     np.where((n_atas / n_act > 0.5) & ~utama_bawah, 2, 1))
    per = np.column_stack([pd.to_numeric(df[f"perilaku_{b}"]) for b in BERAKHLAK])
    p_atas = (per >= PERILAKU_ATAS).sum(axis=1) / 7
    p_bawah = (per < PERILAKU_SESUAI).sum(axis=1) / 7
    perilaku = np.where(p_bawah > 0.5, 0, np.where(p_atas > 0.5, 2, 1))
    head = (df["kepala_opd"] == "ya").to_numpy()
    org = df["opd"].map(lambda o: ORG.get(o, "Baik"))
    hasil = np.where(head, org.map(LEADER).to_numpy(), hasil)
    return pd.Series(MATRIX[hasil, perilaku], index=df["nip"].map(pseudonym).to_numpy())


def curve_violations(codes: np.ndarray, org: str) -> list[str]:
    """The SE 03/2023 rules (regulation §1.6) an OPD's non-head predikat break."""
    n = len(codes)
    share = {c: float(np.mean(codes == c)) for c in range(5)}
    count = {c: int(np.sum(codes == c)) for c in range(5)}
    bad = []
    if org == "Istimewa" and share[SB] > 0.70:
        bad.append("Sangat Baik above 70 %")
    if org == "Baik":
        if share[B] > 0.70:
            bad.append("Baik above 70 %")
        if count[BP] + count[KM] == 0:
            bad.append("no Butuh Perbaikan or Kurang/Misconduct")
    if org == "Butuh Perbaikan":
        if share[BP] < 0.60:
            bad.append("Butuh Perbaikan below 60 %")
        if share[SB] > 0.10:
            bad.append("Sangat Baik above 10 %")
    if org == "Kurang":
        if share[KM] < 0.60:
            bad.append("Kurang/Misconduct below 60 %")
        if share[BP] < 0.10:
            bad.append("Butuh Perbaikan below 10 %")
        if share[SB] > 0.10:
            bad.append("Sangat Baik above 10 %")
    if org == "Sangat Kurang":
        if share[SK] < 0.60:
            bad.append("Sangat Kurang below 60 %")
        if (count[KM] + count[BP]) / n < 0.10:
            bad.append("Kurang/Misconduct + Butuh Perbaikan below 10 %")
        if count[SB] > 0:
            bad.append("any Sangat Baik")
    return bad


def minimum_moves(codes: np.ndarray, org: str) -> int:
    """A lower bound on how many people must change predikat to satisfy the rules."""
    n = len(codes)
    need = 0
    if org == "Baik":
        need = max(int(np.sum(codes == B)) - math.floor(0.70 * n + 1e-9), 0)
        if not np.isin(codes, (BP, KM)).any():
            need = max(need, 1)
    elif org == "Istimewa":
        need = max(int(np.sum(codes == SB)) - math.floor(0.70 * n + 1e-9), 0)
    elif org == "Butuh Perbaikan":
        need = max(math.ceil(0.60 * n - 1e-9) - int(np.sum(codes == BP)), 0)
    elif org == "Kurang":
        need = max(math.ceil(0.60 * n - 1e-9) - int(np.sum(codes == KM)), 0)
    elif org == "Sangat Kurang":
        need = max(math.ceil(0.60 * n - 1e-9) - int(np.sum(codes == SK)), 0)
    return need


def _codes(s: pd.Series) -> np.ndarray:
    return s.map(PREDIKAT.index).to_numpy()


# ------------------------------------------------------------------------------- the tests

@pytest.mark.parametrize("which", ["csv", "xlsx", "second"])
def test_every_employee_row_gets_the_predikat_its_own_inputs_give(files, results, which):
    hasil, _ = results[which]
    expected = expected_raw(files["df"])
    assert len(hasil) == len(files["df"]) and set(hasil.index) == set(expected.index)
    got = _codes(hasil["predikat_raw"]).astype(int)
    mismatch = (got != expected.loc[hasil.index].to_numpy()).sum()
    assert mismatch == 0, f"{mismatch} employees scored from another row or by other rules"
    # the curve only moves people, so the unmoved keep the predikat of their own row
    still = ~hasil["moved_by_distribution"].to_numpy(dtype=bool)
    assert (_codes(hasil["predikat"])[still] == got[still]).all()


@pytest.mark.parametrize("which", ["csv", "xlsx", "second"])
def test_se_03_2023_rules_hold_in_every_opd_for_non_heads(files, results, which):
    hasil, _ = results[which]
    heads = set(files["df"].loc[files["df"]["kepala_opd"] == "ya", "nip"].map(pseudonym))
    staff = hasil[~hasil.index.isin(heads)]
    assert staff["opd"].nunique() >= 20
    broken = {opd: curve_violations(_codes(g["predikat"]), ORG.get(opd, "Baik"))
              for opd, g in staff.groupby("opd")}
    assert not {o: v for o, v in broken.items() if v}
    assert set(ORG) <= set(staff["opd"])  # every organisation predikat was exercised


@pytest.mark.parametrize("which", ["csv", "xlsx", "second"])
def test_curve_moves_people_exactly_where_the_raw_distribution_breaks_it(files, results, which):
    hasil, stdout = results[which]
    heads = set(files["df"].loc[files["df"]["kepala_opd"] == "ya", "nip"].map(pseudonym))
    raw = expected_raw(files["df"])
    staff = hasil[~hasil.index.isin(heads)]
    breaking = 0
    for opd, g in staff.groupby("opd"):
        org = ORG.get(opd, "Baik")
        codes = raw.loc[g.index].to_numpy()
        moved = int((_codes(g["predikat"]) != codes).sum())
        if curve_violations(codes, org):
            breaking += 1
            assert moved >= max(minimum_moves(codes, org), 1), opd
        else:
            assert moved == 0, opd  # a distribution that keeps the rules is left alone
    assert breaking >= 5  # the lenient raw distribution breaks the curve in many OPDs
    assert not hasil.loc[hasil.index.isin(heads), "moved_by_distribution"].any()
    total = int(hasil["moved_by_distribution"].sum())
    assert total > 0 and f"memindahkan predikat {total} pegawai" in stdout


def test_hand_worked_employees_get_their_literal_predikat_and_tpp(files, results):
    for which, (hasil, _) in results.items():
        for key, n in zip(HANDFUL, files["chosen"], strict=True):
            row = hasil.loc[pseudonym(n)]
            *_, predikat, tpp = HANDFUL[key]
            assert row["predikat_raw"] == predikat, (which, key)
            assert row["predikat"] == predikat, (which, key)  # not moved: tails already there
            assert row["tpp_total"] == pytest.approx(tpp, abs=1.0), (which, key)


def test_tpp_follows_the_final_predikat_and_attendance_of_each_row(files, results):
    df = files["df"].set_index(files["df"]["nip"].map(pseudonym))
    base = {1: 1_275_000, 2: 1_515_000, 3: 1_805_000, 4: 2_145_000, 5: 2_550_000, **TPP_BASE,
            11: 7_235_000, 12: 8_610_000, 13: 10_245_000, 14: 12_185_000, 15: 14_500_000,
            16: 17_250_000, 17: 20_525_000}
    for _which, (hasil, _) in results.items():
        d = df.loc[hasil.index]
        late = sum(w * pd.to_numeric(d[f"terlambat_{b}"]) for w, b in
                   zip((0.5, 1.0, 1.5, 2.0), ("tl1", "tl2", "tl3", "tl4"), strict=True))
        ded = (4.0 * pd.to_numeric(d["hari_tidak_hadir"]) + late) / 3.0
        amount = pd.to_numeric(d["kelas_jabatan"]).map(base)
        factor = pd.Series(np.take(KINERJA_FACTOR, _codes(hasil["predikat"])), index=d.index)
        expected = amount * (0.6 * factor + 0.4 * np.maximum(0.0, 1 - ded / 100))
        np.testing.assert_allclose(hasil["tpp_total"], expected, rtol=1e-9)
        moved = hasil["moved_by_distribution"].astype(bool)
        down = moved & (_codes(hasil["predikat"]) < _codes(hasil["predikat_raw"]))
        assert down.any()  # someone the curve moved down is paid by the new predikat


def test_the_three_file_forms_give_the_same_results(results):
    a, b, c = (results[k][0].sort_index() for k in ("csv", "xlsx", "second"))
    cols = ["opd", "predikat_raw", "predikat", "tpp_total", "moved_by_distribution"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    pd.testing.assert_frame_equal(a[cols], c[cols])


def test_xlsx_reader_reads_the_sheet_it_is_given(files):
    from kinerja_sim.errors import InputError
    from kinerja_sim.workforce import load_workforce

    wf = load_workforce(files["second"], sheet="Data Pegawai", salt=SALT)
    assert wf.n == len(files["df"])
    with pytest.raises(InputError, match="no sheet 'pegawai'"):
        load_workforce(files["second"], salt=SALT)  # the default sheet is not there
    with pytest.raises(InputError):  # the notes sheet is not an employee table
        load_workforce(files["second"], sheet="catatan", salt=SALT)
