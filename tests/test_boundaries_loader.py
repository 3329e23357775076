"""Boundaries of the employee-file loader (issue 9): identifiers, numbers, quiet acceptance,
bounded work on pathological files."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font
from test_loader import SALT, nip, problems, rows, table, write_csv, write_xlsx

from kinerja_sim import cli
from kinerja_sim.errors import InputError
from kinerja_sim.workforce import synthesize
from kinerja_sim.workforce.loader import load_workforce
from kinerja_sim.workforce.pseudonym import pseudonym
from kinerja_sim.workforce.reader import read_table
from kinerja_sim.workforce.synthetic import N_TOLERANCE, N_TOLERANCE_MIN

# -- identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize("form", [
    lambda n: f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}",
    lambda n: f"{n[:4]}.{n[4:8]}.{n[8:12]}.{n[12:14]}.{n[14]}.{n[15:]}",
    lambda n: f"NIP. {n}",
    lambda n: f"nip:{n[:8]}-{n[8:14]}-{n[14]}-{n[15:]}",
    lambda n: f"{n[:8]}/{n[8:14]}/{n[14]}/{n[15:]}",
])
def test_punctuated_and_prefixed_nips_get_the_pseudonym_of_the_plain_nip(tmp_path, form):
    rs = rows(3)
    plain = [r["nip"] for r in rs]
    for r in rs:
        r["nip"] = form(r["nip"])
        if r["nip_penilai"] != "WALIKOTA":
            r["nip_penilai"] = form(r["nip_penilai"])
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT)
    assert wf.employees["employee_id"].tolist() == [pseudonym(n, SALT) for n in plain]
    assert wf.employees["rater_id"].iloc[1] == pseudonym(plain[0], SALT)


def test_ids_that_are_not_pseudonyms_are_hashed(tmp_path):
    rs = rows(3)
    ids = ["Siti Rahmawati", "1990.0101.2015.03", "P-0123456789ab"]  # name, partial NIP, pseudonym
    for r, i in zip(rs, ids, strict=True):
        r.pop("nip")
        r.pop("nama")
        r["id_pegawai"] = i
    for r in rs:
        pen = r.pop("nip_penilai")
        r["id_penilai"] = "WALIKOTA" if pen == "WALIKOTA" else ids[0]
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT)
    got = wf.employees["employee_id"].tolist()
    assert got[2] == "P-0123456789ab"  # the documented pseudonym shape is kept
    assert got[0] == pseudonym("Siti Rahmawati", SALT) and got[1].startswith("P-")
    assert "Siti" not in wf.employees.astype(str).to_csv() and "1990" not in got[1]
    assert wf.employees["rater_id"].iloc[1] == got[0]  # the rating relation is kept


def test_no_message_repeats_an_identifier_cell(tmp_path):
    rs = rows(4)
    rs[1]["nip"] = "Budi Santoso"
    rs[2]["nip"] = "=HYPERLINK(\"x\"," + nip(40) + ")"
    rs[3]["nip_penilai"] = nip(41)
    rs[3]["usia"] = nip(42)  # a NIP pasted into a number column: not echoed either
    path = write_xlsx(tmp_path / "p.xlsx", rs)
    wb = openpyxl.load_workbook(path)
    wb["pegawai"]["A4"] = "=A2"  # a formula in the NIP column
    wb.save(path)
    msg, probs = problems(path)
    for secret in ("Budi Santoso", nip(40), nip(41), nip(42)):
        assert secret not in msg
    assert re.search(r"row 3, column 'nip': not an 18-digit NIP", msg)
    assert "cell A4 contains a formula (expected" in msg
    assert "digits>" in msg  # the usia cell (a number in the xlsx), described by its length


def test_empty_salt_is_an_input_error_with_exit_1(tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", rows(3))
    code = cli.main(["score", str(path), "--scenario", "status_quo", "--out",
                     str(tmp_path / "h.xlsx"), "--salt", ""])
    err = capsys.readouterr().err
    assert code == 1 and "the salt is empty" in err and "Traceback" not in err
    with pytest.raises(InputError):
        load_workforce(path, salt="   ")


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("col,value", [
    ("hari_tidak_hadir", "1e20"), ("hari_tidak_hadir", "367"), ("terlambat_tl2", "9999999"),
    ("iki1_target", "9007199254740993"), ("iki1_realisasi", "1e16"), ("usia", "1_000"),
    ("perilaku_loyal", "nan"), ("perilaku_loyal", "inf"), ("usia", "٣٤"), ("iki1_target", "0x10"),
    ("masa_kerja", "-0.5"), ("kelas_jabatan", "1e400"),
])
def test_numbers_outside_the_documented_range_or_syntax_are_errors(tmp_path, col, value):
    rs = rows(3)
    rs[1][col] = value
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    assert [p for p in probs if p.location == "row 3" and p.column == col], probs


def test_largest_documented_amount_is_exact(tmp_path):
    rs = rows(3)
    rs[0]["iki1_biaya_target"] = str(10**15)
    rs[0]["iki1_biaya_realisasi"] = str(10**15 - 1)
    wf = load_workforce(write_csv(tmp_path / "p.csv", rs), salt=SALT)
    assert wf.observed.cost_target[0, 0] == 10**15
    assert int(wf.observed.cost_realisation[0, 0]) == 10**15 - 1


# -- quiet acceptance ------------------------------------------------------------------------


@pytest.mark.parametrize("typo,meant", [("inovsi", "inovasi"), ("iik1_kualitas", "iki1_kualitas"),
                                        ("inovais", "inovasi"), ("iki1_kwalitas",
                                                                 "iki1_kualitas")])
def test_misspelt_optional_header_is_an_error_with_a_suggestion(tmp_path, typo, meant):
    rs = rows(3)
    for r in rs:
        r.pop(meant, None)  # the optional column is absent, its misspelling present
        r[typo] = "ya"
    _, probs = problems(write_csv(tmp_path / "p.csv", rs))
    hit = [p for p in probs if p.column == typo]
    assert hit and meant in hit[0].expected


def test_other_extra_columns_are_still_ignored(tmp_path):
    header, body = table(rows(3))
    header = header + ["no", "jabatan", "nama_penilai", "nik", "keterangan"]
    body = [b + ["1", "Staf", "X", "123", "-"] for b in body]
    assert load_workforce(write_csv(tmp_path / "p.csv", header=header, body=body),
                          salt=SALT).n == 3


def test_merged_cells_in_the_data_are_an_error_naming_the_range(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", rows(4))
    wb = openpyxl.load_workbook(path)
    wb["pegawai"].merge_cells("D3:D5")  # one OPD name over three employees
    wb.save(path)
    _, probs = problems(path)
    assert any("D3:D5" in p.message and "merged" in p.message for p in probs)


@pytest.mark.parametrize("n", [300, 529, 1000, 2500, 5000, 9000])
def test_workforce_n_is_honoured_within_the_stated_tolerance(n):
    wf = synthesize("binjai", seed=1, n=n, observed=False)
    assert abs(wf.n - n) <= max(N_TOLERANCE * n, N_TOLERANCE_MIN)


def test_cli_workforce_n_300_writes_about_300(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert cli.main(["workforce", "--n", "300", "--out", str(out)]) == 0
    n = len(pd.read_csv(out, encoding="utf-8-sig"))
    assert abs(n - 300) <= max(N_TOLERANCE * 300, N_TOLERANCE_MIN)


# -- bounded work ----------------------------------------------------------------------------


def test_formatted_corner_cell_and_bogus_dimension_do_not_widen_the_read(tmp_path,
                                                                          monkeypatch):
    from openpyxl.worksheet import _read_only

    def padded(*a, **k):  # the old path that built every empty cell of the used range
        raise AssertionError("iter_rows over the recorded dimension was used")

    path = write_xlsx(tmp_path / "p.xlsx", rows(6))
    wb = openpyxl.load_workbook(path)
    wb["pegawai"]["XFD1048576"].font = Font(bold=True)
    wb.save(path)
    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", padded)
    t = read_table(path)
    header, _ = table(rows(6))
    assert len(t.header) == len(header) and t.data.shape == (6, len(header))
    assert load_workforce(path, salt=SALT).n == 6


def test_separator_only_csv_lines_are_dropped_before_parsing(tmp_path, monkeypatch):
    header, body = table(rows(3))
    path = write_csv(tmp_path / "p.csv", header=header, body=body)
    with open(path, "a") as f:
        f.write(("," * (len(header) - 1) + "\n") * 50_000)
    seen = []
    real = pd.read_csv

    def counting(buf, *a, **k):
        text = buf.getvalue()
        seen.append(text.count("\n"))
        return real(buf, *a, **k)

    monkeypatch.setattr(pd, "read_csv", counting)
    wf = load_workforce(path, salt=SALT)
    assert wf.n == 3 and seen == [4]  # header + 3 employees reach the parser


def test_blank_lines_inside_quoted_values_are_kept(tmp_path):
    header, body = table(rows(3))
    body[1][header.index("unit_kerja")] = "Bidang\n" + "," * 5 + "\nLayanan"
    path = write_csv(tmp_path / "p.csv", header=header, body=body)
    with open(path, "a") as f:
        f.write(("," * (len(header) - 1) + "\n") * 2000)
    t = read_table(path)
    assert t.data.shape[0] == 3 and t.rows.tolist() == [2, 3, 4]
    assert t.data[header.index("unit_kerja")][1].startswith("Bidang\n")


def test_too_many_columns_fail_from_the_header(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("nip" + "," * 200_000 + "\n1\n")
    with pytest.raises(InputError, match="more than the 1000"):
        load_workforce(path, salt=SALT)


def test_row_numbers_survive_dropped_blank_lines(tmp_path):
    header, body = table(rows(3))
    path = tmp_path / "p.csv"
    blank = "," * (len(header) - 1) + "\n"
    lines = [",".join(header) + "\n", ",".join(body[0]) + "\n", blank * 1500,
             ",".join(body[1]) + "\n", ",".join(body[2]).replace("vaksinasi", "x") + "\n"]
    path.write_text("".join(lines))
    _, probs = problems(path)
    assert [p.location for p in probs if p.column == "iki1_indikator"] == ["row 1504"]
    assert np.all(read_table(path).rows == [2, 1503, 1504])
