"""Read an employee file (CSV or XLSX) into raw text cells, without judging them.

Reading is its own step so the checks see one uniform table whatever the file type: CSV
encoding and delimiter detection, XLSX sheet lookup and formula detection, blank-row skipping
with spreadsheet row numbers kept. Problems that make a file unreadable are raised here as one
:class:`~kinerja_sim.errors.InputError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim.errors import InputError, Problem

#: Problems listed individually per (column, kind of problem); the rest are summarised.
MAX_PER_CHECK = 20

_SAVE_AS_UTF8 = ("a CSV saved as UTF-8: in Excel use File > Save As > 'CSV UTF-8 (Comma "
                 "delimited) (*.csv)'; in LibreOffice Calc use Save As > Text CSV, tick 'Edit "
                 "filter settings' and choose character set 'Unicode (UTF-8)'")
_strip = np.frompyfunc(str.strip, 1, 1)  # C-level loop: 3x faster than Series.str.strip


# -- reading ---------------------------------------------------------------------------------


@dataclass
class RawTable:
    """A sheet as text: header row and data cells, before any checking.

    ``data`` has one column per file column (by position) of stripped strings, "" = empty;
    fully empty rows are left out and ``rows`` keeps each remaining row's spreadsheet number
    (header = row 1). ``numeric`` / ``formula`` mark XLSX cells stored as numbers / formulas.
    """

    header: list[str]
    data: pd.DataFrame
    rows: np.ndarray
    numeric: dict[int, np.ndarray] = field(default_factory=dict)
    formula: dict[int, np.ndarray] = field(default_factory=dict)


def _fatal(file: str, message: str, expected: str | None = None,
           location: str = "") -> InputError:
    """A one-problem InputError for a file that cannot be read at all (raise it)."""
    return InputError([Problem(file, location, message, None, expected)])


def read_table(path: str | os.PathLike, *, sheet: str = "pegawai",
               file: str | None = None) -> RawTable:
    """Read a CSV/XLSX file into a :class:`RawTable` (raises InputError if unreadable)."""
    file = str(path) if file is None else file
    p = Path(path)
    if not p.exists():
        raise _fatal(file, "file not found")
    if p.is_dir():
        raise _fatal(file, "this is a directory, not a file", "a .csv or .xlsx file")
    ext = p.suffix.lower()
    if ext == ".csv":
        return _read_csv(p, file)
    if ext in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet, file)
    hint = " (old Excel format: open it in Excel and Save As .xlsx)" if ext == ".xls" else ""
    raise _fatal(file, f"unsupported file type '{ext or '(no extension)'}'{hint}",
                 "a .csv file (UTF-8) or an Excel .xlsx workbook")


def _read_csv(p: Path, file: str) -> RawTable:
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise _fatal(file, f"cannot read the file: {e.strerror or e}") from None
    if not raw:
        raise _fatal(file, "the file is empty (0 bytes)",
               "a header row with the column names and one row per employee")
    if raw[:4] == b"PK\x03\x04":
        raise _fatal(file, "this is an Excel workbook (.xlsx) with a .csv name",
               "rename it to .xlsx, or save it from Excel as 'CSV UTF-8'")
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _fatal(file, "this is an old Excel (.xls) workbook with a .csv name", _SAVE_AS_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        what = ("it looks like UTF-16 ('Unicode Text')" if utf16 else
                "it was probably saved as plain 'CSV (Comma delimited)', which uses the Windows "
                "code page (e.g. cp1252)")
        raise _fatal(file, f"the file is not UTF-8 text: byte 0x{raw[e.start]:02X} on line "
                     f"{line} is not valid UTF-8; {what}. The loader does not guess encodings",
                     _SAVE_AS_UTF8, location=f"row {line}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _fatal(file, "the file contains no data (only blank space)",
               "a header row with the column names and one row per employee")
    first = text.split("\n", 1)[0]
    # Excel in Indonesian locale writes ';' (the comma is the decimal sign); headers never
    # contain these characters, so the header line tells the delimiter unambiguously.
    delim = max((",", ";", "\t"), key=first.count)
    try:
        df = pd.read_csv(io.StringIO(text), sep=delim, header=None, dtype=str, na_filter=False,
                         skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        raise InputError(_csv_structure_problems(text, delim, file)) from None
    except pd.errors.EmptyDataError:
        raise _fatal(file, "the file contains no data",
                     "a header row with the column names and one row per employee") from None
    df = df.fillna("")
    header = [str(h) for h in df.iloc[0].tolist()]
    data = df.iloc[1:].reset_index(drop=True)
    data.columns = range(data.shape[1])
    if data.size:
        data = pd.DataFrame(_strip(data.to_numpy(dtype=object)), dtype=object)
    return _drop_blank_rows(header, data, np.arange(len(data)) + 2, {}, {})


def _csv_structure_problems(text: str, delim: str, file: str) -> list[Problem]:
    """Slow path, only when pandas cannot parse the CSV: name every malformed row."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text), delimiter=delim, strict=True)
    width = 0
    extra = []
    try:
        for i, rec in enumerate(reader):
            if i == 0:
                width = len(rec)
            elif len(rec) > width:
                extra.append((i + 1, len(rec)))
    except csv.Error as e:
        problems.append(Problem(file, f"row {reader.line_num}", f"cannot read the CSV: {e}",
                                None, 'values with commas, quotes or line breaks enclosed in '
                                'double quotes ("...")'))
    for row, nvals in extra[:MAX_PER_CHECK]:
        problems.append(Problem(file, f"row {row}",
                                f"this row has {nvals} values but the header has {width} columns",
                                None, "no more values than header columns: a stray separator, "
                                f"or a '{delim}' inside an unquoted value?"))
    if len(extra) > MAX_PER_CHECK:
        problems.append(Problem(file, f"rows {extra[MAX_PER_CHECK][0]}-{extra[-1][0]}",
                                f"{len(extra) - MAX_PER_CHECK} more rows with too many values"))
    if not problems:
        problems.append(Problem(file, "", "cannot read the CSV (malformed quoting)", None,
                                'values with commas, quotes or line breaks enclosed in double '
                                'quotes ("...")'))
    return problems


def _read_xlsx(p: Path, sheet: str, file: str) -> RawTable:
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(p, read_only=True, data_only=False)
    except Exception as e:  # any failure here means "not a readable workbook"
        raise _fatal(file, "cannot open the file as an Excel .xlsx workbook: it is damaged or "
                     f"not really an .xlsx file ({type(e).__name__})",
                     "a workbook saved by Excel/LibreOffice as .xlsx, or a UTF-8 .csv") from None
    try:
        names = list(wb.sheetnames)
        match = [n for n in names if n == sheet] or [
            n for n in names if n.strip().lower() == sheet.strip().lower()]
        if not match:
            listed = ", ".join(f"'{n}'" for n in names) or "(none)"
            raise _fatal(file, f"the workbook has no sheet '{sheet}'; its sheets are: {listed}",
                   f"a sheet named '{sheet}': rename the sheet, or pass sheet=...")
        ws = wb[match[0]]
        ws.reset_dimensions()  # some writers record a wrong used range
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    except InputError:
        raise
    except Exception as e:
        raise _fatal(file, f"cannot read sheet '{sheet}': the workbook is damaged "
                     f"({type(e).__name__})",
                     "a workbook saved by Excel/LibreOffice as .xlsx") from None
    finally:
        wb.close()
    if not any(any(v is not None and str(v).strip() for v in r) for r in rows):
        raise _fatal(file, f"sheet '{match[0]}' is empty",
                     "a header row (row 1) with the column names and one row per employee")
    width = max(len(r) for r in rows)
    formula_types = (ArrayFormula, DataTableFormula)

    def text(v: object) -> str:
        if v is None:
            return ""
        t = type(v)
        if t is str:
            return v.strip()  # type: ignore[union-attr]
        if t is int:
            return str(v)
        if t is float:
            return repr(v)
        if t is bool:
            return "true" if v else "false"
        if isinstance(v, formula_types):
            f = str(getattr(v, "text", "") or "")
            return f if f.startswith("=") else "=" + f
        if isinstance(v, dt.datetime | dt.date | dt.time):
            return v.isoformat()
        return str(v).strip()

    header = [text(v) for v in rows[0]] + [""] * (width - len(rows[0]))
    body = rows[1:]
    cols: dict[int, pd.Series] = {}
    numeric: dict[int, np.ndarray] = {}
    formula: dict[int, np.ndarray] = {}
    nip_positions = {j for j, h in enumerate(header)
                     if normalise_header(h) in ("nip", "nip_penilai")}
    for j in range(width):
        values = [r[j] if j < len(r) else None for r in body]
        texts = pd.Series([text(v) for v in values], dtype=str)
        f = texts.str.startswith("=").to_numpy()
        if f.any():
            formula[j] = f
        if j in nip_positions:
            numeric[j] = np.array([type(v) in (int, float) for v in values], dtype=bool)
        cols[j] = texts
    data = pd.DataFrame(cols, index=range(len(body)))
    return _drop_blank_rows(header, data, np.arange(len(body)) + 2, numeric, formula)


def _drop_blank_rows(header: list[str], data: pd.DataFrame, rows: np.ndarray,
                     numeric: dict[int, np.ndarray], formula: dict[int, np.ndarray]) -> RawTable:
    """Leave out rows with no value at all (blank lines, formatted-but-empty Excel rows)."""
    if data.shape[1] == 0:
        return RawTable(header, data, rows, numeric, formula)
    filled = np.zeros(len(data), dtype=bool)
    for j in data.columns:
        filled |= (data[j] != "").to_numpy()
    if filled.all():
        return RawTable(header, data, rows, numeric, formula)
    keep = np.flatnonzero(filled)
    return RawTable(header, data.iloc[keep].reset_index(drop=True), rows[keep],
                    {j: m[keep] for j, m in numeric.items()},
                    {j: m[keep] for j, m in formula.items()})


def normalise_header(header: str) -> str:
    """Header matching: case-insensitive, surrounding blanks ignored, spaces = underscores."""
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def column_letter(j: int) -> str:
    """Spreadsheet column letter of 0-based position ``j`` (0 -> A, 26 -> AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def show_value(v: str, limit: int = 40) -> str:
    return repr(v if len(v) <= limit else v[: limit - 3] + "...")


