"""Loader of real employee files: schema checks, error reporting, pseudonymisation."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.indicators import default_catalogue
from kinerja_sim.schemes.base import BERAKHLAK
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.loader import load_workforce
from kinerja_sim.workforce.model import EMPLOYEE_COLUMNS, EXTERNAL_RATER
from kinerja_sim.workforce.pseudonym import SALT_ENV, pseudonymize, resolve_salt
from kinerja_sim.workforce.reader import MAX_PER_CHECK

SALT = "uji-garam"
ROOT = Path(__file__).resolve().parents[1]


def nip(i: int) -> str:
    """A plausible 18-digit NIP: birth date, appointment month, sex digit, sequence."""
    return f"{1970 + i % 30}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{2000 + i % 20}0{(i % 9) + 1}" \
           f"{1 + i % 2}{i % 1000:03d}"


NAMES = ["Siti Rahmawati", "Budi Santoso", "Dewi Lestari", "Ahmad Fauzi", "Rina Marpaung",
         "Joko Siregar"]


def rows(n: int = 6) -> list[dict[str, str]]:
    """n valid employees in OPDs of 3: the first of each OPD heads it (rated by WALIKOTA) and
    rates the other two, who share its unit."""
    out = []
    for i in range(n):
        head = i - i % 3
        opd = f"Dinas {i // 3 + 1}"
        r = {
            "nip": nip(i), "nama": NAMES[i % len(NAMES)],
            "nip_penilai": EXTERNAL_RATER if i == head else nip(head),
            "opd": opd, "unit_kerja": "Sekretariat" if i % 3 < 2 else "Bidang Pelayanan",
            "jenis_jabatan": "JPT" if i == head else "Pelaksana",
            "rumpun": "kesehatan", "status": "PNS" if i % 2 else "PPPK",
            "golongan": ["IV", "III", "II"][i % 3], "jenis_kelamin": "LP"[i % 2],
            "usia": str(30 + i), "masa_kerja": str(i % 10), "kelas_jabatan": str(5 + i % 10),
            "kepala_opd": "ya" if i == head else "tidak",
            "iki1_indikator": "vaksinasi", "iki1_utama": "ya", "iki1_target": "450",
            "iki1_realisasi": str(400 + 7 * i),
            "iki2_indikator": "ikm" if i % 2 else "", "iki2_utama": "tidak" if i % 2 else "",
            "iki2_target": "82.5" if i % 2 else "", "iki2_realisasi": "80.25" if i % 2 else "",
        }
        for j, b in enumerate(BERAKHLAK):
            r[f"perilaku_{b}"] = str(70 + (i + j) % 25)
        r["hari_tidak_hadir"] = str(i % 3)
        for j, b in enumerate(sc.LATE_BANDS):
            r[f"terlambat_{b}"] = str((i + j) % 4)
        r["inovasi"] = "ya" if i == 1 else ""
        out.append(r)
    return out


def table(rs: list[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    header = list(rs[0])
    return header, [[r.get(h, "") for h in header] for r in rs]


def write_csv(path: Path, rs: list[dict[str, str]] | None = None, *, header=None, body=None,
              encoding: str = "utf-8", delimiter: str = ",") -> Path:
    if header is None:
        header, body = table(rs if rs is not None else rows())
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(body)
    return path


def write_xlsx(path: Path, rs: list[dict[str, str]] | None = None, *, header=None, body=None,
               sheet: str = "pegawai", numbers: bool = True) -> Path:
    """XLSX with numeric-looking cells stored as numbers (as Excel would), NIPs as text."""
    if header is None:
        header, body = table(rs if rs is not None else rows())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for line in body:
        cells = []
        for h, v in zip(header, line, strict=False):
            if numbers and not h.startswith("nip") and re.fullmatch(r"-?\d+(\.\d+)?", str(v)):
                v = float(v) if "." in str(v) else int(v)
            cells.append(None if v == "" else v)
        ws.append(cells)
    wb.save(path)
    return path


def problems(path: Path, **kw) -> tuple[str, list]:
    with pytest.raises(InputError) as ei:
        load_workforce(path, salt=SALT, **kw)
    return str(ei.value), ei.value.problems


def find(probs, location: str | None = None, column: str | None = None, text: str = ""):
    hits = [p for p in probs if (location is None or p.location == location)
            and (column is None or p.column == column) and text in str(p)]
    assert hits, f"no problem at {location} {column} {text!r} in:\n" + "\n".join(map(str, probs))
    return hits[0]


# -- loading valid files -------------------------------------------------------------------


def test_valid_csv_loads_into_workforce(tmp_path):
    rs = rows(6)
    rs[2]["iki1_realisasi"] = ""  # not reported: kept as NaN, not dropped
    path = write_csv(tmp_path / "pegawai.csv", rs)
    wf = load_workforce(path, salt=SALT)
    e = wf.employees
    assert tuple(e.columns) == EMPLOYEE_COLUMNS and wf.n == 6 and not wf.is_synthetic
    assert wf.source == str(path)
    assert e["employee_id"].str.fullmatch(r"P-[0-9a-f]{12}").all()
    assert e["employee_id"].is_unique
    # rater pseudonyms are the employees' pseudonyms; the OPD head keeps WALIKOTA
    assert e.loc[0, "rater_id"] == EXTERNAL_RATER
    assert (e.loc[[1, 2], "rater_id"] == e.loc[0, "employee_id"]).all()
    assert e.loc[4, "rater_id"] == e.loc[3, "employee_id"]
    assert e["is_opd_head"].tolist() == [True, False, False, True, False, False]
    # unit head: rates someone in the same unit, or heads the OPD
    assert e["is_unit_head"].tolist() == [True, False, False, True, False, False]
    assert e["age"].tolist() == [30, 31, 32, 33, 34, 35]
    assert e["gender"].astype(str).tolist() == list("LPLPLP")
    assert e["unit"].astype(str).tolist()[:3] == ["Sekretariat", "Sekretariat",
                                                  "Bidang Pelayanan"]
    cat = default_catalogue()
    m = wf.observed
    assert m.indicator.dtype == np.int16 and m.indicator.shape == (6, 2)
    assert (m.indicator[:, 0] == cat.code("vaksinasi")).all()
    assert m.indicator[:, 1].tolist() == [-1, cat.code("ikm"), -1, cat.code("ikm"), -1,
                                          cat.code("ikm")]
    assert np.isnan(m.realisation[2, 0]) and m.indicator[2, 0] >= 0
    assert m.realisation[1, 1] == 80.25 and m.target[1, 1] == 82.5
    assert np.isnan(m.target[0, 1]) and not m.utama[0, 1] and m.utama[:, 0].all()
    assert m.higher_is_better[:, 0].all()
    assert m.indicator_names == cat.names
    # optional quality/time/cost columns absent -> NaN arrays
    for a in (m.quality, m.time_target, m.time_realisation, m.cost_target, m.cost_realisation,
              wf.plan.time_target, wf.plan.cost_target):
        assert a.shape == (6, 2) and np.isnan(a).all()
    assert m.perilaku.shape == (6, 7) and m.perilaku[0, 0] == 70
    assert m.days_absent.tolist() == [0, 1, 2, 0, 1, 2]
    assert m.late.shape == (6, 4) and m.late[1].tolist() == [1, 2, 3, 0]
    assert m.innovation.tolist() == [False, True, False, False, False, False]  # default tidak
    np.testing.assert_array_equal(wf.plan.indicator, m.indicator)
    np.testing.assert_array_equal(wf.plan.target, m.target)


def test_xlsx_loads_same_as_csv(tmp_path):
    a = load_workforce(write_csv(tmp_path / "a.csv"), salt=SALT)
    b = load_workforce(write_xlsx(tmp_path / "a.xlsx"), salt=SALT)
    pd.testing.assert_frame_equal(a.employees, b.employees)
    for f in ("indicator", "target", "realisation", "utama", "perilaku", "late", "days_absent"):
        np.testing.assert_array_equal(getattr(a.observed, f), getattr(b.observed, f))


def test_no_nip_or_name_survives_loading(tmp_path):
    rs = rows(6)
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT)
    dumped = wf.employees.to_csv() + repr(wf.plan) + repr(wf.observed) + wf.source
    for r in rs:
        assert r["nip"] not in dumped and r["nip"][:12] not in dumped
        assert r["nama"] not in dumped and r["nama"].split()[0] not in dumped
    assert not any("nip" in c or "nama" in c for c in wf.employees.columns)


def test_same_salt_same_pseudonyms_different_salt_different(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "p.csv")
    ids = lambda **kw: load_workforce(path, **kw).employees["employee_id"].tolist()  # noqa: E731
    a, b, c = ids(salt="rahasia-1"), ids(salt="rahasia-1"), ids(salt="rahasia-2")
    assert a == b and set(a).isdisjoint(c)
    monkeypatch.setenv(SALT_ENV, "rahasia-1")
    assert ids() == a  # the environment variable is the default salt
    monkeypatch.delenv(SALT_ENV)
    assert ids() != ids()  # fresh random salt: stable within one load only


def test_pseudonym_is_prefixed_salted_sha256():
    s = pd.Series([nip(1), nip(2), None, nip(1)])
    p = pseudonymize(s, "garam")
    assert p[0] == "P-" + hashlib.sha256(("garam" + nip(1)).encode()).hexdigest()[:12]
    assert p[0] == p[3] and p[0] != p[1] and pd.isna(p[2])
    assert resolve_salt("x") == "x"
    with pytest.raises(ValueError):
        resolve_salt("")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.from_regex(r"\d{18}", fullmatch=True), min_size=1, max_size=30),
       st.text(min_size=1, max_size=20))
def test_pseudonyms_deterministic_and_well_formed(nips, salt):
    a = pseudonymize(pd.Series(nips), salt)
    assert a.equals(pseudonymize(pd.Series(nips), salt))
    assert a.str.fullmatch(r"P-[0-9a-f]{12}").all()
    assert a.nunique() == len(set(nips))


def test_optional_columns_variants_and_ignored_columns(tmp_path):
    rs = rows(3)
    for r in rs:
        r["iki1_kualitas"] = "85.5"
        r["iki1_waktu_target"] = "3"
        r["iki1_waktu_realisasi"] = "2.5"
        r["iki1_biaya_target"] = "1500000"
        r["iki1_biaya_realisasi"] = ""
        r["catatan"] = "kolom lain diabaikan"
    rs[0]["kepala_opd"], rs[1]["kepala_opd"], rs[2]["kepala_opd"] = "YA", "0", "False"
    rs[1]["inovasi"] = "TRUE"
    # NIPs are often written with spaces ("19900101 201503 1 001")
    rs[1]["nip"] = rs[1]["nip"][:8] + " " + rs[1]["nip"][8:14] + " " + rs[1]["nip"][14:]
    rs[0]["status"] = "pppk"  # categories match case-insensitively
    path = write_csv(tmp_path / "p.csv", rs, delimiter=";")  # Indonesian-locale Excel CSV
    wf = load_workforce(path, salt=SALT)
    m = wf.observed
    assert m.quality[:, 0].tolist() == [85.5] * 3 and np.isnan(m.quality[:, 1]).all()
    assert m.time_target[0, 0] == 3 and m.time_realisation[0, 0] == 2.5
    assert m.cost_target[0, 0] == 1_500_000 and np.isnan(m.cost_realisation[0, 0])
    assert wf.plan.cost_target[0, 0] == 1_500_000
    assert wf.employees["is_opd_head"].tolist() == [True, False, False]
    assert m.innovation.tolist() == [False, True, False]
    assert wf.employees.loc[0, "status"] == "PPPK"
    assert wf.employees.loc[1, "rater_id"] == wf.employees.loc[0, "employee_id"]
    assert "catatan" not in wf.employees.columns


def test_blank_rows_skipped_row_numbers_kept(tmp_path):
    header, body = table(rows(3))
    body.insert(1, [""] * len(header))  # blank spreadsheet row 3
    body[3][header.index("usia")] = "tua"
    path = write_csv(tmp_path / "p.csv", header=header, body=body)
    _, probs = problems(path)
    find(probs, "row 5", "usia", "'tua' is not a number")


# -- every problem at once -----------------------------------------------------------------


def test_missing_required_columns_listed_at_once(tmp_path):
    rs = [{k: v for k, v in r.items()
           if k not in ("opd", "usia", "perilaku_loyal", "terlambat_tl3", "iki1_target")}
          for r in rows(3)]
    msg, probs = problems(write_csv(tmp_path / "p.csv", rs))
    for col in ("opd", "usia", "perilaku_loyal", "terlambat_tl3", "iki1_target"):
        p = find(probs, "row 1", col, f"required column '{col}' is missing")
        assert p.file == str(tmp_path / "p.csv")
    assert msg.startswith(f"{len(probs)} problems found")


def test_missing_identity_and_slot_columns(tmp_path):
    rs = [{k: v for k, v in r.items() if not k.startswith(("nip", "iki"))} for r in rows(2)]
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    find(probs, "row 1", "nip", "neither 'nip' nor 'id_pegawai'")
    find(probs, "row 1", "iki1_indikator", "required column 'iki1_indikator' is missing")
    find(probs, "row 1", "iki1_realisasi", "missing")


def test_duplicated_headers_are_reported(tmp_path):
    header, body = table(rows(3))
    header = header + ["usia", "Opd"]
    body = [b + ["40", "Dinas X"] for b in body]
    _, probs = problems(write_csv(tmp_path / "p.csv", header=header, body=body))
    p = find(probs, "row 1", "usia", "column header 'usia' appears 2 times")
    assert "columns" in p.message and p.expected.startswith("each column exactly once")
    find(probs, "row 1", "opd", "'opd' appears 2 times")
    assert not any("missing" in p.message for p in probs)


def test_wrong_types_are_errors_not_nan(tmp_path):
    rs = rows(4)
    rs[0]["iki1_target"] = "12,5"
    rs[1]["usia"] = "37.5"
    rs[2]["hari_tidak_hadir"] = "dua"
    rs[3]["perilaku_akuntabel"] = "-"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    p = find(probs, "row 2", "iki1_target", "'12,5' uses a comma as decimal sign")
    assert "number" in p.expected
    find(probs, "row 3", "usia", "'37.5' is not a whole number")
    find(probs, "row 4", "hari_tidak_hadir", "'dua' is not a number")
    find(probs, "row 5", "perilaku_akuntabel", "'-' is not a number")
    assert len(probs) == 4


def test_float_in_integer_column_of_xlsx(tmp_path):
    rs = rows(3)
    rs[1]["kelas_jabatan"] = "3.7"
    rs[2]["terlambat_tl1"] = "2.0"  # a whole number stored as float is fine
    _, probs = problems(write_xlsx(tmp_path / "p.xlsx", rs))
    find(probs, "row 3", "kelas_jabatan", "'3.7' is not a whole number")
    assert len(probs) == 1


def test_out_of_range_values(tmp_path):
    rs = rows(5)
    rs[0]["usia"] = "70"
    rs[1]["perilaku_kompeten"] = "101"
    rs[2]["iki1_target"] = "0"
    rs[3]["masa_kerja"] = "25"  # usia 33: 25 >= 33 - 14
    rs[4]["iki1_realisasi"] = "-1"
    rs[4]["kelas_jabatan"] = "18"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert "18 to 65" in find(probs, "row 2", "usia", "'70' is out of range").expected
    assert "0 to 100" in find(probs, "row 3", "perilaku_kompeten", "out of range").expected
    assert "> 0" in find(probs, "row 4", "iki1_target", "'0' is out of range").expected
    find(probs, "row 5", "masa_kerja", "masa_kerja 25 is not smaller than usia - 14 = 19")
    assert ">= 0" in find(probs, "row 6", "iki1_realisasi", "out of range").expected
    find(probs, "row 6", "kelas_jabatan", "'18' is out of range")
    assert len(probs) == 6


def test_unknown_category_values_list_allowed(tmp_path):
    rs = rows(3)
    rs[0]["status"] = "Honorer"
    rs[1]["rumpun"] = "keuangan"
    rs[2]["golongan"] = "III/a"
    rs[2]["kepala_opd"] = "mungkin"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert find(probs, "row 2", "status", "'Honorer'").expected == "one of: PNS, PPPK"
    p = find(probs, "row 3", "rumpun", "'keuangan' is not an allowed value")
    for r in default_catalogue().assignment.by_rumpun:
        assert r in p.expected
    assert find(probs, "row 4", "golongan").expected == "one of: I, II, III, IV"
    assert "ya or tidak" in find(probs, "row 4", "kepala_opd", "'mungkin'").expected


def test_duplicate_employees_name_all_rows(tmp_path):
    rs = rows(6)
    rs[4]["nip"] = rs[1]["nip"]
    rs[5]["nip"] = rs[1]["nip"]
    rs[5]["nip_penilai"] = rs[3]["nip"]
    msg, probs = problems(write_csv(tmp_path / "p.csv", rs))
    p = find(probs, "rows 3, 6, 7", "nip", "the same nip appears on 3 rows")
    assert p.expected == "one row per employee"
    assert rs[1]["nip"] not in msg  # errors never echo a valid NIP


def test_unknown_indicator_and_missing_target(tmp_path):
    rs = rows(4)
    rs[0]["iki1_indikator"] = "jumlah_rapat"
    rs[1]["iki1_target"] = ""
    rs[2]["iki1_utama"] = ""
    rs[3]["iki2_indikator"] = ""  # odd row has an iki2 slot: leaves stray values behind
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    p = find(probs, "row 2", "iki1_indikator", "'jumlah_rapat' is not an allowed value")
    assert "vaksinasi" in p.expected and "ketepatan_laporan" in p.expected
    find(probs, "row 3", "iki1_target", "value is missing")
    find(probs, "row 4", "iki1_utama", "value is missing")
    find(probs, "row 5", "iki2_target", "value given but iki2_indikator is empty")
    find(probs, "row 5", "iki2_realisasi", "value given but iki2_indikator is empty")


def test_employee_without_any_indicator(tmp_path):
    rs = rows(3)
    for key in ("iki1_indikator", "iki1_utama", "iki1_target", "iki1_realisasi"):
        rs[0][key] = ""
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    find(probs, "row 2", "iki1_indikator", "no IKI")
    assert len(probs) == 1


def test_unknown_and_self_rater(tmp_path):
    rs = rows(4)
    rs[1]["nip_penilai"] = nip(999)
    rs[2]["nip_penilai"] = rs[2]["nip"]
    rs[3]["nip_penilai"] = "Pak Wali"
    msg, probs = problems(write_csv(tmp_path / "p.csv", rs))
    p = find(probs, "row 3", "nip_penilai", "no employee in this file has this nip")
    assert EXTERNAL_RATER in p.expected
    find(probs, "row 4", "nip_penilai", "their own rater")
    find(probs, "row 5", "nip_penilai", "not an 18-digit NIP: the value has 0 digits, 7 letters")
    assert nip(999) not in msg and "Pak Wali" not in msg  # identifier cells are never echoed


def test_two_heads_in_one_opd(tmp_path):
    rs = rows(3)
    rs[2]["kepala_opd"] = "ya"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    find(probs, "rows 2, 4", "kepala_opd", "2 employees are marked kepala_opd of OPD 'Dinas 1'")


def test_bad_nip_formats(tmp_path):
    rs = rows(3)
    rs[1]["nip"] = "1.99001E+17"
    rs[2]["nip"] = "12345"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    find(probs, "row 3", "nip", "scientific notation")
    find(probs, "row 4", "nip", "not an 18-digit NIP: the value has 5 digits")
    assert "12345" not in str(InputError(probs))  # identifier cells are never echoed


def test_nip_stored_as_number_in_xlsx(tmp_path):
    header, body = table(rows(3))
    path = write_xlsx(tmp_path / "p.xlsx", header=header, body=body)
    wb = openpyxl.load_workbook(path)
    wb["pegawai"]["A3"] = int(body[1][0])  # Excel keeps 15 digits of this
    wb.save(path)
    _, probs = problems(path)
    find(probs, "row 3", "nip", "stored as a number")


def test_id_pegawai_mode(tmp_path):
    rs = rows(3)
    for r in rs:  # ids in the documented pseudonym shape are kept as they are
        r["id_pegawai"] = "E000" + r.pop("nip")[-4:]
        pen = r.pop("nip_penilai")
        r["id_penilai"] = pen if pen == EXTERNAL_RATER else "E000" + pen[-4:]
        del r["nama"]
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT)
    assert wf.employees["employee_id"].tolist() == [r["id_pegawai"] for r in rs]
    assert wf.employees["rater_id"].tolist()[1] == rs[0]["id_pegawai"]
    rs[1]["id_pegawai"] = nip(5)  # a NIP in the pseudonymous column would leak it
    rs[2]["id_penilai"] = "E9999"
    rs[0]["nip_penilai"] = EXTERNAL_RATER
    _, probs = problems(write_csv(tmp_path / "q.csv", rs))
    assert nip(5) not in find(probs, "row 3", "id_pegawai", "looks like a NIP").message
    p = find(probs, "row 4", "id_penilai", "no employee in this file has this id_pegawai")
    assert "E9999" not in str(p)  # never echoed: an id may be a real identifier
    find(probs, "row 1", "nip_penilai", "does not go with 'id_pegawai'")


def test_unknown_schema_like_column_suggests_fix(tmp_path):
    rs = rows(2)
    for r in rs:
        r["perilaku_akuntable"] = r.pop("perilaku_akuntabel")
        r["iki6_target"] = "1"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert find(probs, "row 1", "perilaku_akuntable", "unknown column").expected == \
        "'perilaku_akuntabel'"
    find(probs, "row 1", "perilaku_akuntabel", "missing")
    find(probs, "row 1", "iki6_target", "IKI slot 6 is outside 1..5")


def test_problems_capped_per_check(tmp_path):
    rs = rows(3) * 34  # 102 rows (duplicated NIPs too)
    for r in rs:
        r["usia"] = "x"
    msg, probs = problems(write_csv(tmp_path / "p.csv", rs))
    usia = [p for p in probs if p.column == "usia"]
    assert len(usia) == MAX_PER_CHECK + 1
    assert usia[-1].message == f"{102 - MAX_PER_CHECK} more rows with the same problem"
    assert usia[-1].location == f"rows {MAX_PER_CHECK + 2}-103"
    assert "the same nip appears on 34 rows" in msg


def test_many_kinds_of_problems_in_one_pass(tmp_path):
    rs = rows(6)
    rs[0]["usia"] = "abc"
    rs[1]["jenis_jabatan"] = "Staf"
    rs[2]["iki1_indikator"] = "tidak_ada"
    rs[3]["nip_penilai"] = nip(500)
    rs[4]["perilaku_loyal"] = "150"
    rs = [{k: v for k, v in r.items() if k != "golongan"} for r in rs]
    msg, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert len(probs) == 6 and msg.startswith("6 problems found:")
    for where in ("row 1", "row 2", "row 3", "row 4", "row 5", "row 6"):
        assert any(p.location == where for p in probs), where


# -- unreadable files ----------------------------------------------------------------------


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    msg, probs = problems(empty)
    assert len(probs) == 1 and "empty (0 bytes)" in msg
    header, _ = table(rows(1))
    msg, _ = problems(write_csv(tmp_path / "h.csv", header=header, body=[]))
    assert "header row but no data rows" in msg
    msg, _ = problems(write_xlsx(tmp_path / "h.xlsx", header=header, body=[]))
    assert "header row but no data rows" in msg
    wb = openpyxl.Workbook()
    wb.active.title = "pegawai"
    wb.save(tmp_path / "e.xlsx")
    assert "sheet 'pegawai' is empty" in problems(tmp_path / "e.xlsx")[0]


def test_xlsx_without_requested_sheet_lists_sheets(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", sheet="Data Pegawai")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Rekap")
    wb.save(path)
    msg, probs = problems(path)
    assert "no sheet 'pegawai'" in msg and "'Data Pegawai', 'Rekap'" in msg
    assert "sheet=" in probs[0].expected
    assert load_workforce(path, sheet="Data Pegawai", salt=SALT).n == 6


def test_non_utf8_csv_is_rejected_with_advice(tmp_path):
    rs = rows(3)
    rs[2]["unit_kerja"] = "Bidang Pelayanan – Café"
    path = write_csv(tmp_path / "p.csv", rs, encoding="cp1252")
    msg, probs = problems(path)
    assert len(probs) == 1 and "not UTF-8" in msg and "CSV UTF-8" in msg
    assert "0x96" in msg and probs[0].location == "row 4"


def test_utf8_with_bom_is_fine(tmp_path):
    rs = rows(3)
    rs[2]["unit_kerja"] = "Bidang Pelayanan – Café"
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs, encoding="utf-8-sig"), salt=SALT)
    assert wf.employees.loc[2, "unit"] == "Bidang Pelayanan – Café"


def test_formula_cells_are_reported(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["pegawai"]
    header = [c.value for c in ws[1]]
    col = header.index("iki1_target") + 1
    ws.cell(row=4, column=col, value="=400+50")
    ws.cell(row=6, column=header.index("usia") + 1, value="=YEAR(TODAY())-1990")
    wb.save(path)
    msg, probs = problems(path)
    letter = openpyxl.utils.get_column_letter(col)
    p = find(probs, "row 4", "iki1_target", f"cell {letter}4 contains a formula ('=400+50')")
    assert "Paste Special > Values" in p.expected
    find(probs, "row 6", "usia", "contains a formula")
    assert len(probs) == 2


def test_a_formula_in_nama_is_no_error_because_nama_is_never_read(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["pegawai"]
    header = [c.value for c in ws[1]]
    assert "nama" in header
    ws.cell(row=3, column=header.index("nama") + 1, value='=VLOOKUP(A3,Data!A:B,2,FALSE)')
    wb.save(path)
    wf = load_workforce(path, salt=SALT)
    assert wf.n == ws.max_row - 1
    assert "nama" not in wf.employees.columns
    assert not wf.employees.astype(str).apply(lambda c: c.str.contains("VLOOKUP")).any().any()


def test_files_that_are_not_csv_or_xlsx(tmp_path):
    txt = tmp_path / "pegawai.txt"
    txt.write_text("nip,opd\n1,2\n")
    msg, _ = problems(txt)
    assert "unsupported file type '.txt'" in msg and ".xlsx" in msg
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip file")
    msg, _ = problems(bad)
    assert "cannot open the file as an Excel .xlsx workbook" in msg
    trunc = tmp_path / "potong.xlsx"
    trunc.write_bytes(write_xlsx(tmp_path / "ok.xlsx").read_bytes()[:700])
    assert "damaged" in problems(trunc)[0]
    renamed = tmp_path / "nyasar.csv"
    renamed.write_bytes((tmp_path / "ok.xlsx").read_bytes())
    assert "Excel workbook (.xlsx) with a .csv name" in problems(renamed)[0]
    assert "file not found" in problems(tmp_path / "tidak_ada.csv")[0]


def test_csv_row_with_too_many_values(tmp_path):
    path = write_csv(tmp_path / "p.csv")
    lines = path.read_text().splitlines()
    lines[3] += ",extra,values"
    path.write_text("\n".join(lines) + "\n")
    msg, probs = problems(path)
    find(probs, "row 4", None, "has")
    assert "values but the header has" in msg


def test_tracebacks_are_not_chained(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"garbage")
    with pytest.raises(InputError) as ei:
        load_workforce(bad)
    assert ei.value.__cause__ is None and ei.value.__suppress_context__


# -- schema and docs -----------------------------------------------------------------------


def test_docs_table_matches_schema():
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert sc.markdown_table() in doc
    for name in default_catalogue().names:
        assert f"`{name}`" in doc


def test_schema_columns_are_unique_and_ordered():
    names = [c.name for c in sc.columns()]
    assert len(names) == len(set(names))
    assert names[:2] == ["nip", "nip_penilai"] and names[-1] == "inovasi"
    assert sum(n.startswith("iki") for n in names) == sc.MAX_SLOTS * len(sc.SLOT_FIELDS)


# -- performance ---------------------------------------------------------------------------


def test_50k_row_csv_loads(tmp_path):
    # load time is reported in docs/performance.md, not asserted here
    n = 50_000
    base = pd.DataFrame(rows(6))
    big = pd.concat([base] * (n // 6 + 1), ignore_index=True).iloc[:n].copy()
    nips = pd.Series([f"{19700101200001000000 + i:020d}"[2:] for i in range(n)])
    head = np.arange(n) - np.arange(n) % 3
    big["nip"] = nips
    big["nip_penilai"] = np.where(np.arange(n) == head, EXTERNAL_RATER, nips[head].to_numpy())
    big["opd"] = [f"Dinas {i // 3}" for i in range(n)]
    path = tmp_path / "besar.csv"
    big.to_csv(path, index=False)
    wf = load_workforce(path, salt=SALT)
    assert wf.n == n and wf.employees["employee_id"].is_unique
    assert (wf.employees["rater_id"] == EXTERNAL_RATER).sum() == len(set(head))


def test_docs_example_loads(tmp_path):
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    block = re.search(r"```csv\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "contoh.csv"
    path.write_text(block, encoding="utf-8")
    wf = load_workforce(path, salt=SALT)
    assert wf.n == 3 and wf.employees["is_unit_head"].tolist() == [True, True, False]
    assert np.isnan(wf.observed.realisation[2, 0]) and wf.observed.indicator[2, 0] >= 0
    assert "Contoh" not in wf.employees.to_csv()


def test_duplicated_ignored_columns_are_harmless(tmp_path):
    header, body = table(rows(3))
    header = header + ["catatan", "catatan", "nama"]
    body = [b + ["a", "b", "c"] for b in body]
    wf = load_workforce(write_csv(tmp_path / "p.csv", header=header, body=body), salt=SALT)
    assert wf.n == 3


def test_values_without_header_are_reported(tmp_path):
    header, body = table(rows(3))
    body[1] = body[1] + ["", "lupa judul"]
    header = header + ["", ""]
    body = [b + [""] * (len(header) - len(b)) for b in body]
    _, probs = problems(write_xlsx(tmp_path / "p.xlsx", header=header, body=body))
    letter = openpyxl.utils.get_column_letter(len(header))
    find(probs, "row 1", None, f"column {letter} has values but no header")


@settings(max_examples=40, deadline=None)
@given(col=st.sampled_from(list(rows(1)[0])), row=st.integers(0, 2), value=st.text(max_size=12))
def test_any_cell_value_loads_or_raises_input_error(tmp_path_factory, col, row, value):
    rs = rows(3)
    rs[row][col] = value
    path = write_csv(tmp_path_factory.mktemp("fuzz") / "p.csv", rs)
    try:
        wf = load_workforce(path, salt=SALT)
    except InputError as e:
        assert e.problems and all(p.file == str(path) for p in e.problems)
    else:
        assert wf.n == 3 and tuple(wf.employees.columns) == EMPLOYEE_COLUMNS


# -- gaps found by mutation testing (issue 12) ---------------------------------------------


def test_a_file_of_one_employee_rated_by_the_wali_kota_loads(tmp_path):
    # a one-OPD, one-person file (a small UPT sends only its head): nobody has a rater in the
    # file, so no rater position may be looked up
    wf = load_workforce(write_csv(tmp_path / "satu.csv", rows(1)), salt=SALT)
    e = wf.employees
    assert wf.n == 1 and e.loc[0, "rater_id"] == EXTERNAL_RATER
    assert e["is_opd_head"].tolist() == [True] and e["is_unit_head"].tolist() == [True]


def test_opd_and_unit_categories_keep_the_order_of_the_file(tmp_path):
    rs = rows(6)
    # neither order is alphabetical: the file's order is what BKPSDM recognises
    for r, opd in zip(rs, ["Sekretariat Daerah"] * 3 + ["Dinas Kesehatan"] * 3, strict=True):
        r["opd"] = opd
    for r, unit in zip(rs, ["Umum", "Umum", "Bagian Hukum", "Umum", "Umum", "Bagian Hukum"],
                       strict=True):
        r["unit_kerja"] = unit
    e = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT).employees
    assert list(e["opd"].cat.categories) == ["Sekretariat Daerah", "Dinas Kesehatan"]
    assert list(e["unit"].cat.categories) == ["Umum", "Bagian Hukum"]


def test_fixed_domain_categories_are_the_whole_schema_domain_in_its_order(tmp_path):
    # a file using part of each domain (only PNS, only golongan III, only women, JPT and
    # Pelaksana only, one rumpun) still has every allowed value as a category, so two files
    # (two periods, two OPDs) give the same categories and can be joined and compared
    rs = rows(3)
    for r in rs:
        r["status"], r["golongan"], r["jenis_kelamin"] = "PNS", "III", "P"
    e = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT).employees
    assert set(e["jenis_jabatan"].astype(str)) == {"JPT", "Pelaksana"}
    assert list(e["jenis_jabatan"].cat.categories) == [
        "JPT", "Administrator", "Pengawas", "Fungsional", "Pelaksana"]
    assert list(e["status"].cat.categories) == ["PNS", "PPPK"]
    assert list(e["golongan"].cat.categories) == ["I", "II", "III", "IV"]
    assert list(e["gender"].cat.categories) == ["L", "P"]
    assert list(e["rumpun"].cat.categories) == list(default_catalogue().assignment.by_rumpun)
    assert len(e["rumpun"].cat.categories) > 1  # more than the one rumpun in the file


def test_loaded_columns_have_the_types_of_a_synthetic_workforce(tmp_path):
    # a loaded file and a synthesized workforce are the same model: the same column types
    # (scoring, reports and exports are written against those)
    from kinerja_sim.workforce import synthesize

    syn = synthesize("binjai", n=60)
    wf = load_workforce(write_csv(tmp_path / "p.csv"), salt=SALT)
    for col in ("age", "tenure_years", "kelas_jabatan", "is_opd_head", "is_unit_head"):
        assert wf.employees[col].dtype == syn.employees[col].dtype, col
    assert wf.employees["age"].dtype == np.int16 and wf.employees["kelas_jabatan"].dtype == np.int8
    for f in ("indicator", "utama", "days_absent", "late", "innovation", "perilaku", "target"):
        assert getattr(wf.observed, f).dtype == getattr(syn.observed, f).dtype, f
    assert wf.observed.utama.dtype == np.bool_ and wf.plan.utama.dtype == np.bool_


def test_a_given_catalogue_is_the_one_the_indicator_names_refer_to(tmp_path):
    # a scenario catalogue with an indicator the packaged one lacks, counted downwards
    from kinerja_sim.indicators import catalogue_from

    cat = catalogue_from({"indicators": {"rapat_koordinasi": {
        "label": {"id": "Rapat koordinasi", "en": "Coordination meetings"}, "unit": "rapat",
        "direction": "lower", "aspect": "kuantitas", "target": 12, "sensitivity": 0.1,
        "noise_sd": 0.5, "context": 0.0, "manipulability": 0.1}}})
    assert "rapat_koordinasi" not in default_catalogue().names
    rs = rows(3)
    for r in rs:
        r.update(iki2_indikator="rapat_koordinasi", iki2_utama="tidak", iki2_target="12",
                 iki2_realisasi="10")
    path = write_csv(tmp_path / "p.csv", rs)
    m = load_workforce(path, salt=SALT, catalogue=cat).observed
    assert m.indicator_names == cat.names
    # appended after the packaged indicators: its code is their count
    assert m.indicator[:, 1].tolist() == [len(default_catalogue().names)] * 3
    assert m.higher_is_better[:, 1].tolist() == [False] * 3  # direction "lower"
    assert m.higher_is_better[:, 0].all()  # vaksinasi: higher
    # the packaged catalogue does not know the name
    find(problems(path)[1], "row 2", "iki2_indikator", "'rapat_koordinasi' is not an allowed")


def test_a_file_without_the_optional_inovasi_column_has_no_innovation(tmp_path):
    rs = [{k: v for k, v in r.items() if k != "inovasi"} for r in rows(4)]
    m = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT).observed
    assert m.innovation.dtype == np.bool_ and m.innovation.tolist() == [False] * 4


def test_pseudonym_functions_refuse_an_empty_salt_with_the_exact_message():
    from kinerja_sim.workforce.pseudonym import unique_pseudonyms

    for f in (pseudonymize, unique_pseudonyms):
        with pytest.raises(ValueError) as ei:
            f(pd.Series([nip(1)]), "")
        assert str(ei.value) == "salt must be a non-empty string", f.__name__


def test_a_collision_lengthens_pseudonyms_to_the_next_documented_length(monkeypatch):
    # a 12-digit collision cannot be found by chance in a test; a hash whose first 12 digits
    # are equal for every NIP stands in for one. Lengths go up in steps of 4 hex digits, the
    # documented shape (PSEUDONYM_SHAPE: 12..64 digits, a multiple of 4), so a lengthened
    # pseudonym is still recognised when an exported file is loaded again
    from kinerja_sim.workforce import pseudonym as ps

    def colliding(value, salt, length=ps.DEFAULT_LENGTH):
        full = hashlib.sha256((salt + value).encode("utf-8")).hexdigest()
        return "P-" + ("0" * 12 if length == 12 else full[:length])

    monkeypatch.setattr(ps, "pseudonym", colliding)
    out = ps.unique_pseudonyms(pd.Series([nip(1), nip(2), nip(1)]), "garam")
    full = [hashlib.sha256(("garam" + nip(i)).encode()).hexdigest() for i in (1, 2)]
    assert out.tolist() == ["P-" + full[0][:16], "P-" + full[1][:16], "P-" + full[0][:16]]
    assert all(ps.is_pseudonym(p) for p in out)
    # a hash equal for every NIP at every length: distinct NIPs can never be told apart
    monkeypatch.setattr(ps, "pseudonym", lambda value, salt, length=12: "P-" + "0" * length)
    with pytest.raises(RuntimeError) as ei:
        ps.unique_pseudonyms(pd.Series([nip(1), nip(2)]), "garam")
    assert str(ei.value) == "sha256 collision"


def test_a_hashed_id_equal_to_a_pseudonym_in_the_ids_is_a_clash_naming_both_positions():
    # the ids hold an id and, at another position, that id's own pseudonym under this salt
    # (the same person once raw and once pseudonymised): the two would merge silently
    from kinerja_sim.workforce.pseudonym import PseudonymClash, pseudonym, pseudonymize_ids

    ids = pd.Series(["E0000001", "Budi", "Sari", pseudonym("Budi", "garam")])
    with pytest.raises(PseudonymClash) as ei:
        pseudonymize_ids(ids, "garam")
    assert ei.value.pairs == [(1, 3)]
    assert isinstance(ei.value, ValueError)
    # without the clash the same ids are hashed and kept as documented
    out = pseudonymize_ids(ids[:3], "garam")
    assert out.tolist() == ["E0000001", pseudonym("Budi", "garam"), pseudonym("Sari", "garam")]


def test_an_id_and_its_own_pseudonym_in_one_file_is_one_problem_naming_both_rows(tmp_path):
    from kinerja_sim.workforce.pseudonym import pseudonym

    rs = rows(4)
    for r in rs:
        r["id_pegawai"] = "E000" + r.pop("nip")[-4:]
        pen = r.pop("nip_penilai")
        r["id_penilai"] = pen if pen == EXTERNAL_RATER else "E000" + pen[-4:]
        del r["nama"]
    raw = "pegawai-lama-17"
    rs[2]["id_pegawai"] = raw  # spreadsheet row 4, hashed on load
    rs[3]["id_pegawai"] = pseudonym(raw, SALT)  # row 5: the same person, already hashed
    text, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert len(probs) == 1
    p = probs[0]
    assert (p.location, p.column) == ("rows 4, 5", "id_pegawai")
    assert "of row 4, pseudonymised with this salt, is the id_pegawai of row 5" in p.message
    assert raw not in text and pseudonym(raw, SALT) not in text  # neither id is echoed


def test_validate_of_a_file_with_an_id_and_its_pseudonym_exits_1_without_traceback(tmp_path):
    import os
    import subprocess
    import sys

    from kinerja_sim.workforce.pseudonym import pseudonym

    rs = rows(3)
    for r in rs:
        r["id_pegawai"] = "E000" + r.pop("nip")[-4:]
        pen = r.pop("nip_penilai")
        r["id_penilai"] = pen if pen == EXTERNAL_RATER else "E000" + pen[-4:]
        del r["nama"]
    rs[1]["id_pegawai"], rs[2]["id_pegawai"] = "lama-9", pseudonym("lama-9", SALT)
    path = write_csv(tmp_path / "p.csv", rs)
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", "validate", str(path)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, SALT_ENV: SALT})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "rows 3, 4" in proc.stderr and "lama-9" not in proc.stderr


def test_an_empty_salt_is_one_problem_naming_the_salt_and_what_to_give():
    from kinerja_sim.workforce.pseudonym import SaltError

    for salt in ("", "  "):
        with pytest.raises(SaltError) as ei:
            resolve_salt(salt)
        assert ei.value.problems == [Problem(
            "salt", "", "the salt is empty", None,
            f"a non-empty secret text (--salt, or the environment variable {SALT_ENV}); "
            "leave it out for a random salt")]


def test_each_random_salt_is_logged_with_why_pseudonyms_change(monkeypatch, caplog):
    monkeypatch.delenv(SALT_ENV, raising=False)
    with caplog.at_level("INFO", logger="kinerja_sim.workforce.pseudonym"):
        a, b = resolve_salt(None), resolve_salt(None)
    assert a != b and re.fullmatch(r"[0-9a-f]{32}", a)
    assert [r.getMessage() for r in caplog.records] == [
        f"no salt given and ${SALT_ENV} not set: using a random salt; pseudonyms are stable "
        "within this load only"] * 2
    assert {r.levelname for r in caplog.records} == {"INFO"}
