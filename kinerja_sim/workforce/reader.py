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
#: Columns an employee file may have (the schema has 73; Excel's own limit is 16,384).
MAX_COLUMNS = 1000
#: Headers of the columns that hold personal identifiers: their values are never echoed.
IDENTIFIER_COLUMNS = ("nip", "nip_penilai", "id_pegawai", "id_penilai", "nama")

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
    if first.count(delim) + 1 > MAX_COLUMNS:
        raise _fatal(file, f"the header row has {first.count(delim) + 1} columns, more than the "
                     f"{MAX_COLUMNS} an employee file can have", "one column per schema field "
                     "(docs/data.md)", location="row 1")
    text, record_rows = _without_blank_records(text, delim)
    try:
        df = pd.read_csv(io.StringIO(text), sep=delim, header=None, dtype=str, na_filter=False,
                         skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        raise InputError(_csv_structure_problems(text, delim, file)) from None
    except pd.errors.EmptyDataError:
        raise _fatal(file, "the file contains no data",
                     "a header row with the column names and one row per employee") from None
    df = df.fillna("")
    if df.shape[1] > MAX_COLUMNS:
        raise _fatal(file, f"the file has rows with {df.shape[1]} values, more than the "
                     f"{MAX_COLUMNS} columns an employee file can have",
                     "one column per schema field (docs/data.md)")
    header = [str(h) for h in df.iloc[0].tolist()]
    data = df.iloc[1:].reset_index(drop=True)
    data.columns = range(data.shape[1])
    if data.size:
        data = pd.DataFrame(_strip(data.to_numpy(dtype=object)), dtype=object)
    rows = record_rows[1:] if record_rows is not None else np.arange(len(data)) + 2
    if len(rows) != len(data):  # pandas saw other records than the scan: keep its count
        rows = np.arange(len(data)) + 2
    return _drop_blank_rows(header, data, rows, {}, {})


def _without_blank_records(text: str, delim: str) -> tuple[str, np.ndarray | None]:
    """Drop records made only of separators and blanks before pandas parses the text.

    Excel leaves such lines after a "cleared" range, and a million of them made pandas build
    millions of empty cells (8 s). Returns the text to parse and the spreadsheet row number of
    each kept record (header = 1), or ``(text, None)`` when nothing needed dropping. Lines
    inside a quoted value (odd number of ``"`` before them) are never dropped.
    """
    lines = text.split("\n")
    blank_chars = delim + " \t\r"
    blank = [not line.strip(blank_chars) for line in lines]
    if text.endswith("\n"):
        blank[-1] = False  # the empty string after the final newline is no record
        lines_used = lines[:-1]
        blank = blank[:-1]
    else:
        lines_used = lines
    if sum(blank) < 1000:  # nothing worth the rewrite; pandas and _drop_blank_rows cope
        return text, None
    quotes = np.fromiter((line.count('"') for line in lines_used), dtype=np.int64,
                         count=len(lines_used))
    inside_before = (np.cumsum(quotes) - quotes) % 2 == 1  # line starts inside a quoted value
    starts = ~inside_before
    record = np.cumsum(starts)  # record number (1 = header) of the record each line is in
    drop = np.asarray(blank) & starts & (quotes % 2 == 0)
    drop[0] = False  # the first line is the header, even when blank
    keep_lines = [line for line, d in zip(lines_used, drop, strict=True) if not d]
    kept_records = record[starts & ~drop]
    return "\n".join(keep_lines) + "\n", kept_records.astype(np.int64)


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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cells, merged, formula_cells = _sheet_cells(wb, wb[match[0]])
    except InputError:
        raise
    except Exception as e:
        raise _fatal(file, f"cannot read sheet '{sheet}': the workbook is damaged "
                     f"({type(e).__name__})",
                     "a workbook saved by Excel/LibreOffice as .xlsx") from None
    finally:
        wb.close()
    if not cells:
        raise _fatal(file, f"sheet '{match[0]}' is empty",
                     "a header row (row 1) with the column names and one row per employee")
    return _xlsx_table(cells, merged, formula_cells, file)


def _sheet_cells(wb, ws) -> tuple[dict[tuple[int, int], object], list[str],
                                  set[tuple[int, int]]]:
    """Only the cells that hold a value, by (row, column), the merged ranges and the
    positions of formula cells (a text cell starting with ``=`` is text, not a formula).

    Streams the sheet XML with openpyxl's own parser instead of ``iter_rows``: ``iter_rows``
    pads every row to the widest one and fills the rows between, so one formatted but empty
    cell at XFD1048576 (or a wrong recorded dimension) made it build 17 billion ``None``s.
    Here the work is proportional to the cells written in the file.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    cells: dict[tuple[int, int], object] = {}
    formulas: set[tuple[int, int]] = set()
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=False, epoch=wb.epoch,
                                 date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        for _, row in parser.parse():
            for c in row:
                v = c["value"]
                if v is None or (type(v) is str and not v.strip()):
                    continue
                if c["data_type"] == "f":
                    formulas.add((c["row"], c["column"]))
                cells[(c["row"], c["column"])] = v
        merged = [str(m.ref) for m in (parser.merged_cells.mergeCell
                                       if parser.merged_cells is not None else [])]
    return cells, merged, formulas


def _xlsx_text(v: object) -> str:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    t = type(v)
    if t is str:
        return v.strip()  # type: ignore[union-attr]
    if t is int:
        return str(v)
    if t is float:
        return repr(v)
    if t is bool:
        return "true" if v else "false"
    if isinstance(v, ArrayFormula | DataTableFormula):
        f = str(getattr(v, "text", "") or "")
        return f if f.startswith("=") else "=" + f
    if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
        return v.isoformat() if hasattr(v, "isoformat") else str(v)
    return str(v).strip()


def _xlsx_table(cells: dict[tuple[int, int], object], merged: list[str],
                formula_cells: set[tuple[int, int]], file: str) -> RawTable:
    from openpyxl.utils.cell import range_boundaries

    header_cols = [c for (r, c) in cells if r == 1]
    width = max(c for (_, c) in cells)
    if width > MAX_COLUMNS:
        raise _fatal(file, f"the sheet has values in column {column_letter(width - 1)}, beyond "
                     f"the {MAX_COLUMNS} columns an employee file can have",
                     "one column per schema field (docs/data.md)")
    data_rows = sorted({r for (r, _) in cells if r > 1})
    last_row = max(data_rows, default=1)
    problems = []
    for ref in merged:
        try:
            c0, r0, c1, r1 = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if r1 is None or r0 is None or c0 is None or c1 is None:
            continue
        if r0 <= last_row and c0 <= max(width, max(header_cols, default=1)):
            problems.append(Problem(file, f"rows {r0}-{r1}" if r1 > r0 else f"row {r0}",
                                    f"cells {ref} are merged: only the first cell of a merged "
                                    "range holds a value, the others would read as empty",
                                    None, "one value per cell: select the range and use "
                                    "Merge & Center > Unmerge Cells, then fill every cell"))
    if problems:
        raise InputError(problems[:MAX_PER_CHECK])
    pos = {r: i for i, r in enumerate(data_rows)}
    header = [""] * width
    cols = [[""] * len(data_rows) for _ in range(width)]
    numeric_cells: dict[int, set[int]] = {}
    for (r, c), v in cells.items():
        text = _xlsx_text(v)
        if r == 1:
            header[c - 1] = text
        else:
            cols[c - 1][pos[r]] = text
            if type(v) in (int, float):
                numeric_cells.setdefault(c - 1, set()).add(pos[r])
    data = pd.DataFrame({j: pd.Series(cols[j], dtype=object) for j in range(width)},
                        index=range(len(data_rows)))
    formula: dict[int, np.ndarray] = {}
    for (r, c) in formula_cells:
        if r > 1:
            formula.setdefault(c - 1, np.zeros(len(data_rows), dtype=bool))[pos[r]] = True
    numeric = {}
    for j, h in enumerate(header):
        if normalise_header(h) in IDENTIFIER_COLUMNS:
            m = np.zeros(len(data_rows), dtype=bool)
            m[list(numeric_cells.get(j, ()))] = True
            numeric[j] = m
    rows = np.array(data_rows, dtype=np.int64)
    return _drop_blank_rows(header, data, rows, numeric, formula)


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


#: A run of this many digits may be (part of) a NIP: never repeated in a message.
_LONG_DIGITS = re.compile(r"\d[\d .\-/]{6,}\d")


def show_value(v: str, limit: int = 40) -> str:
    """A cell value quoted for an error message: cut at ``limit`` characters, and any run of
    8 or more digits (a NIP pasted into the wrong column, say) replaced by its length."""
    v = _LONG_DIGITS.sub(lambda m: _digits_note(m.group(0)), v)
    return repr(v if len(v) <= limit else v[: limit - 3] + "...")


def _digits_note(run: str) -> str:
    digits = sum(ch.isdigit() for ch in run)
    return f"<{digits} digits>" if digits >= 8 else run


