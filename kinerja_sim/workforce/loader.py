"""Load a real employee file (CSV or XLSX) into a :class:`Workforce`.

The file follows :mod:`kinerja_sim.workforce.schema` (documented in ``docs/data.md``). Every cell
is checked and *every* problem is reported at once in one :class:`InputError` (file, spreadsheet
row, column, what is wrong, what was expected): analysts fix these files in Excel, so stopping
at the first bad cell would make them iterate one cell at a time. Nothing is silently dropped or
coerced: "12,5" in a numeric column, 3.7 in an integer column, an unknown rater or an unknown
indicator are all errors naming the row.

NIPs are replaced by salted-hash pseudonyms (:mod:`.pseudonym`) and names are dropped while
loading; neither is kept anywhere in the returned Workforce.

Checks are column-wise and vectorised (``pd.to_numeric(errors="coerce")`` and compare the NaN
mask with the cells' emptiness): a 50,000-row CSV loads in about a second. Python loops run only
over the (bounded) list of problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim.errors import InputError, Problem, ProblemCollector
from kinerja_sim.indicators import Catalogue, arrays, default_catalogue
from kinerja_sim.schemes.base import BERAKHLAK, JENIS_JABATAN, Measurements
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.model import EXTERNAL_RATER, TaskPlan, Workforce
from kinerja_sim.workforce.pseudonym import resolve_salt, unique_pseudonyms

#: Problems listed individually per (column, kind of problem); the rest are summarised.
MAX_PER_CHECK = 20

_SAVE_AS_UTF8 = ("a CSV saved as UTF-8: in Excel use File > Save As > 'CSV UTF-8 (Comma "
                 "delimited) (*.csv)'; in LibreOffice Calc use Save As > Text CSV, tick 'Edit "
                 "filter settings' and choose character set 'Unicode (UTF-8)'")
_PASTE_VALUES = ("a plain value: select the column, Copy, then Paste Special > Values; "
                 "the loader does not evaluate formulas")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_NIP = re.compile(r"\d{18}")
_strip = np.frompyfunc(str.strip, 1, 1)  # C-level loop: 3x faster than Series.str.strip


def load_workforce(path: str | os.PathLike, *, sheet: str = "pegawai", salt: str | None = None,
                   catalogue: Catalogue | None = None) -> Workforce:
    """Load an employee file (``.csv`` UTF-8 or ``.xlsx``) into a :class:`Workforce`.

    ``sheet`` names the worksheet of an XLSX file (ignored for CSV). ``salt`` keys the NIP
    pseudonyms (default: ``$KINERJA_SIM_SALT``, else a random salt, making pseudonyms stable
    within this load only; see :func:`~kinerja_sim.workforce.pseudonym.resolve_salt`).
    ``catalogue`` is the indicator catalogue the ``iki{k}_indikator`` names refer to
    (default: the packaged one).

    Raises :class:`~kinerja_sim.errors.InputError` listing every problem in the file.
    """
    file = str(path)
    cat = catalogue if catalogue is not None else default_catalogue()
    salt = resolve_salt(salt)
    table = read_table(path, sheet=sheet, file=file)
    checked = _Checker(table, cat, file).run()
    return _build(checked, cat, salt, file)


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
    nip_positions = {j for j, h in enumerate(header) if _norm(h) in ("nip", "nip_penilai")}
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


def _norm(header: str) -> str:
    """Header matching: case-insensitive, surrounding blanks ignored, spaces = underscores."""
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def _letter(j: int) -> str:
    """Spreadsheet column letter of 0-based position ``j`` (0 -> A, 26 -> AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _show(v: str, limit: int = 40) -> str:
    return repr(v if len(v) <= limit else v[: limit - 3] + "...")


# -- checking --------------------------------------------------------------------------------


@dataclass
class _Checked:
    """Parsed, valid columns (by schema name) ready to build a Workforce."""

    mode: str
    slots: int
    n: int
    values: dict[str, np.ndarray]


class _Checker:
    """Collects every problem of one table; :meth:`run` raises them or returns parsed data."""

    def __init__(self, table: RawTable, cat: Catalogue, file: str) -> None:
        self.t = table
        self.cat = cat
        self.file = file
        self.pc = ProblemCollector()
        self.n = len(table.data)
        self.pos: dict[str, int] = {}  # usable columns (present once) -> position
        self.values: dict[str, np.ndarray] = {}  # parsed values, by schema name
        self.ok: dict[str, np.ndarray] = {}  # cell filled and valid
        self.empty: dict[str, np.ndarray] = {}

    # ---- reporting

    def report(self, mask: np.ndarray, column: str | None, message, expected: str | None) -> None:
        """One problem per flagged row (first MAX_PER_CHECK), then one summary problem."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        rows = self.t.rows
        for i in idx[:MAX_PER_CHECK]:
            msg = message(i) if callable(message) else message
            self.pc.add(self.file, f"row {rows[i]}", msg, column, expected)
        rest = idx[MAX_PER_CHECK:]
        if len(rest):
            self.pc.add(self.file, f"rows {rows[rest[0]]}-{rows[rest[-1]]}",
                        f"{len(rest)} more rows with the same problem", column, expected)

    def header_problem(self, message: str, column: str | None = None,
                       expected: str | None = None) -> None:
        self.pc.add(self.file, "row 1", message, column, expected)

    def sort_problems(self) -> None:
        """Header first, then by spreadsheet row and column position (the order to fix them in
        Excel); problems without a row come last."""
        first = {}
        for j, h in enumerate(self.t.header):
            first.setdefault(_norm(h), j)

        def key(p: Problem) -> tuple[int, int]:
            m = re.match(r"rows? (\d+)", p.location)
            return (int(m.group(1)) if m else 10**9, first.get(p.column or "", 10**6))

        self.pc.problems.sort(key=key)

    # ---- structure

    def run(self) -> _Checked:
        mode, slots, expected_cols = self.check_header()
        if self.n == 0:
            self.pc.add(self.file, "row 2", "the file has a header row but no data rows",
                        None, "one row per employee below the header")
            self.pc.raise_if_any()
        for c in expected_cols:
            if c.name in self.pos and c.group != "iki" and c.name != sc.NAME_COLUMN:
                self.check_column(c)
        for k in range(1, slots + 1):
            self.check_slot(k, [c for c in expected_cols if c.name.startswith(f"iki{k}_")])
        self.check_rows(mode, slots)
        self.sort_problems()
        self.pc.raise_if_any()
        return _Checked(mode or "nip", slots, self.n, self.values)

    def check_header(self) -> tuple[str | None, int, list[sc.Column]]:
        names = [_norm(h) for h in self.t.header]
        by_name: dict[str, list[int]] = {}
        for j, name in enumerate(names):
            by_name.setdefault(name, []).append(j)
        known = {c.name for c in sc.columns(self.cat, slots=sc.MAX_SLOTS, identity="nip")}
        known |= {c.name for c in sc.identity_columns("id")}
        for name, positions in by_name.items():
            if name == "":
                for j in positions:
                    if (self.t.data[j] != "").any():
                        self.header_problem(f"column {_letter(j)} has values but no header",
                                            None, "a column name in row 1, or delete the column")
            elif len(positions) > 1 and name != sc.NAME_COLUMN and (
                    name in known or sc.looks_like_schema_column(name)):
                letters = ", ".join(_letter(j) for j in positions)
                self.header_problem(f"column header '{name}' appears {len(positions)} times "
                                    f"(columns {letters})", name,
                                    "each column exactly once: delete or rename the copies")
            else:
                self.pos[name] = positions[0]
        present = set(by_name)

        mode: str | None = None
        if "nip" in present and "id_pegawai" in present:
            self.header_problem("both 'nip' and 'id_pegawai' columns are present", "id_pegawai",
                                "exactly one identity column: 'nip' for real data, "
                                "pseudonymised on load, or 'id_pegawai' for pseudonymous ids")
            mode = "nip"
        elif "nip" in present:
            mode = "nip"
        elif "id_pegawai" in present:
            mode = "id"
        else:
            self.header_problem("no identity column: neither 'nip' nor 'id_pegawai' is present",
                                "nip", "a column 'nip' with 18-digit NIPs or 'id_pegawai' "
                                "with pseudonymous ids")
        if mode is not None:
            own, other = sc.IDENTITY[mode][1], sc.IDENTITY["id" if mode == "nip" else "nip"][1]
            if other in present:
                self.header_problem(f"column '{other}' does not go with '{sc.IDENTITY[mode][0]}'",
                                    other, f"the rater in column '{own}'")

        ks = set()
        for name in present:
            parsed = sc.parse_slot(name)
            if parsed is None or parsed[1] not in sc.SLOT_FIELDS:
                continue
            if 1 <= parsed[0] <= sc.MAX_SLOTS:
                ks.add(parsed[0])
            else:
                self.header_problem(f"IKI slot {parsed[0]} is outside 1..{sc.MAX_SLOTS}", name,
                                    f"at most {sc.MAX_SLOTS} IKI slots, iki1_... to "
                                    f"iki{sc.MAX_SLOTS}_...")
        slots = max(ks, default=1)
        cols = list(sc.columns(self.cat, slots=slots, identity=mode or "nip"))
        if mode is None:
            cols = [c for c in cols if c.group != "identitas"]
        for name in sorted(present - known):
            parsed = sc.parse_slot(name)
            if name and sc.looks_like_schema_column(name) and not (
                    parsed and parsed[1] in sc.SLOT_FIELDS):
                close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                self.header_problem(f"unknown column '{name}'", name,
                                    f"'{close[0]}'" if close else "a column of the schema; "
                                    "see docs/data.md")
        missing = [c.name for c in cols if c.column_required and c.name not in present]
        for name in missing:
            self.header_problem(f"required column '{name}' is missing", name,
                                "a column with this header in row 1; see docs/data.md")
        return mode, slots, cols

    # ---- cells

    def check_column(self, c: sc.Column, required: np.ndarray | None = None) -> None:
        """Check one column's cells; store parsed values and the valid mask.

        ``required`` overrides the column's cell rule (slot columns: indicator filled).
        """
        j = self.pos[c.name]
        s = self.t.data[j]
        text = s.to_numpy(dtype=object)
        empty = (s == "").to_numpy()
        skip = np.zeros(self.n, dtype=bool)
        f = self.t.formula.get(j)
        if f is not None:
            self.report(f, c.name, lambda i: f"cell {_letter(j)}{self.t.rows[i]} contains a "
                        f"formula ({_show(text[i])})", _PASTE_VALUES)
            skip = f
        if required is None:
            required = np.full(self.n, c.cell == "required")
        self.report(empty & required, c.name, "value is missing", c.expected())
        filled = ~empty & ~skip
        values, bad, message = self.parse(c, s, text, filled, j)
        self.report(bad, c.name, message, c.expected())
        self.values[c.name] = values
        self.ok[c.name] = filled & ~bad
        self.empty[c.name] = empty

    def parse(self, c: sc.Column, s: pd.Series, text: np.ndarray, filled: np.ndarray, j: int):
        """(values, bad mask, message) for the filled cells of column ``c``."""
        none = np.zeros(self.n, dtype=bool)
        if c.kind == "text":
            return text, none, ""
        if c.kind in ("category", "boolean"):
            if c.kind == "category":
                table: dict[str, object] = {a.lower(): a for a in c.allowed}
            else:
                table = {w: True for w in sc.TRUE_WORDS} | {w: False for w in sc.FALSE_WORDS}
            mapped = s.str.lower().map(table)
            bad = filled & mapped.isna().to_numpy()
            values = mapped.to_numpy(dtype=object)
            if c.kind == "boolean":
                values = np.where(filled & ~bad, values, False).astype(bool)
            what = "a yes/no value" if c.kind == "boolean" else "an allowed value"
            return values, bad, lambda i: f"{_show(text[i])} is not {what}"
        if c.kind == "nip":
            compact = s.str.replace(" ", "", regex=False)
            ok = compact.str.fullmatch(_NIP.pattern).to_numpy(dtype=bool)
            values = compact.to_numpy(dtype=object)
            if c.name == "nip_penilai":
                ext = (s.str.upper() == EXTERNAL_RATER).to_numpy()
                values = np.where(ext, EXTERNAL_RATER, values)
                ok = ok | ext
            numeric = self.t.numeric.get(j, np.zeros(self.n, dtype=bool))
            bad = filled & ~(ok & ~numeric)

            def nip_message(i: int) -> str:
                if numeric[i]:
                    return ("the NIP is stored as a number, which Excel rounds to 15 digits (the "
                            "last digits are lost); format the column as Text and enter the NIPs "
                            "again")
                hint = ""
                if re.search(r"[eE][+-]?\d+$", text[i]):
                    hint = " (scientific notation: the NIP was turned into a number)"
                return f"{_show(text[i])} is not an 18-digit NIP{hint}"

            return values, bad, nip_message
        if c.kind == "id":
            upper = s.str.upper()
            ext = (upper == EXTERNAL_RATER).to_numpy()
            looks_nip = s.str.replace(" ", "", regex=False).str.fullmatch(_NIP.pattern)
            looks_nip = looks_nip.to_numpy(dtype=bool)
            if c.name == "id_penilai":
                values = np.where(ext, EXTERNAL_RATER, text)
                bad = filled & looks_nip
            else:
                values = text
                bad = filled & (looks_nip | ext)

            def id_message(i: int) -> str:
                if ext[i]:
                    return f"{EXTERNAL_RATER} is reserved for the external rater"
                return ("the value looks like a NIP (18 digits): put NIPs in a column "
                        f"'{'nip' if c.name == 'id_pegawai' else 'nip_penilai'}' so they are "
                        "pseudonymised")

            return values, bad, id_message
        # integer / number
        num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64)
        bad_parse = filled & ~np.isfinite(num)
        ok = filled & ~bad_parse
        not_int = ok & (np.floor(num) != num) if c.kind == "integer" else none
        ok &= ~not_int
        low = np.zeros(self.n, dtype=bool)
        if c.minimum is not None:
            low = ok & ((num <= c.minimum) if c.exclusive_minimum else (num < c.minimum))
        high = ok & (num > c.maximum) if c.maximum is not None else none
        bad = bad_parse | not_int | low | high

        def num_message(i: int) -> str:
            v = text[i]
            if bad_parse[i]:
                if _DECIMAL_COMMA.match(v):
                    return f"{_show(v)} uses a comma as decimal sign; use a dot (e.g. 12.5)"
                return f"{_show(v)} is not a number"
            if not_int[i]:
                return f"{_show(v)} is not a whole number"
            return f"{_show(v)} is out of range"

        return np.where(ok, num, np.nan), bad, num_message

    def check_slot(self, k: int, cols: list[sc.Column]) -> None:
        ind_name = f"iki{k}_indikator"
        by_name = {c.name: c for c in cols}
        if ind_name in self.pos:
            self.check_column(by_name[ind_name])
            used = ~self.empty[ind_name]  # a misspelt indicator still marks the slot as used
        else:
            used = None
        for c in cols:
            if c.name == ind_name or c.name not in self.pos:
                continue
            if used is None:
                self.check_column(c, required=np.zeros(self.n, dtype=bool))
                continue
            self.check_column(c, required=used if c.cell == "slot" else
                              np.zeros(self.n, dtype=bool))
            stray = ~self.empty[c.name] & ~used
            self.report(stray, c.name, f"value given but {ind_name} is empty",
                        f"an indicator in {ind_name}, or an empty cell")

    # ---- rows

    def check_rows(self, mode: str | None, slots: int) -> None:
        ok, v = self.ok, self.values
        if "usia" in ok and "masa_kerja" in ok:
            both = ok["usia"] & ok["masa_kerja"]
            bad = both & (v["masa_kerja"] >= v["usia"] - 14)
            self.report(bad, "masa_kerja", lambda i: f"masa_kerja {v['masa_kerja'][i]:g} is not "
                        f"smaller than usia - 14 = {v['usia'][i] - 14:g}",
                        "masa_kerja < usia - 14")
        if "kepala_opd" in ok and "opd" in ok:
            heads = ok["kepala_opd"] & v["kepala_opd"] & ok["opd"]
            self.report_groups(pd.Series(v["opd"][heads]), np.flatnonzero(heads), "kepala_opd",
                               lambda key, n: f"{n} employees are marked kepala_opd of OPD "
                               f"{_show(str(key), 60)}", "at most one kepala_opd per OPD")
        inds = [f"iki{k}_indikator" for k in range(1, slots + 1)]
        if all(name in self.empty for name in inds):
            none = np.logical_and.reduce([self.empty[name] for name in inds])
            self.report(none, "iki1_indikator", "no IKI: all iki{k}_indikator cells are empty",
                        "at least one catalogue indicator per employee")
        if mode is None:
            return
        id_col, rater_col = sc.IDENTITY[mode]
        if id_col not in ok:
            return
        ids = pd.Series(v[id_col], dtype=object)
        valid_ids = ok[id_col]
        dup = valid_ids & ids.duplicated(keep=False).to_numpy()
        self.report_groups(ids[dup], np.flatnonzero(dup), id_col,
                           lambda key, n: f"the same {id_col} appears on {n} rows",
                           "one row per employee")
        if rater_col not in ok:
            return
        rater = pd.Series(v[rater_col], dtype=object)
        check = ok[rater_col] & (rater != EXTERNAL_RATER).to_numpy()
        known = rater.isin(set(ids[valid_ids])).to_numpy()
        show = mode == "id"  # never echo a NIP
        self.report(check & ~known, rater_col,
                    lambda i: (f"{_show(str(rater[i]))}: " if show else "")
                    + f"no employee in this file has this {id_col}",
                    f"the {id_col} of another employee in the file, or {EXTERNAL_RATER}")
        self.report(check & valid_ids & (rater == ids).to_numpy(), rater_col,
                    "the employee is their own rater", f"the {id_col} of another employee")

    def report_groups(self, keys: pd.Series, idx: np.ndarray, column: str, message,
                      expected: str) -> None:
        """One problem per group of rows sharing a key (e.g. duplicated NIP), naming all rows."""
        if not len(idx):
            return
        rows = self.t.rows[idx]
        groups = pd.Series(rows).groupby(keys.to_numpy(), sort=False)
        counts = groups.size()
        counts = counts[counts > 1]
        for listed, key in enumerate(counts.index):
            if listed == MAX_PER_CHECK:
                self.pc.add(self.file, "", f"{len(counts) - listed} more groups with the same "
                            "problem", column, expected)
                break
            r = groups.get_group(key).tolist()
            where = ", ".join(str(x) for x in r[:50]) + (" ..." if len(r) > 50 else "")
            self.pc.add(self.file, f"rows {where}", message(key, len(r)), column, expected)


# -- building --------------------------------------------------------------------------------


def _build(ck: _Checked, cat: Catalogue, salt: str, file: str) -> Workforce:
    v, n, k = ck.values, ck.n, ck.slots
    id_col, rater_col = sc.IDENTITY[ck.mode]
    ids = pd.Series(v[id_col], dtype=object)
    rater = pd.Series(v[rater_col], dtype=object)
    if ck.mode == "nip":
        pseudo = unique_pseudonyms(ids, salt)
        table = dict(zip(ids, pseudo, strict=True))
        table[EXTERNAL_RATER] = EXTERNAL_RATER
        ids, rater = pseudo, rater.map(table)
    ids_arr = ids.to_numpy(dtype=object)
    rater_arr = rater.to_numpy(dtype=object)

    opd = v["opd"]
    unit = v["unit_kerja"]
    is_opd_head = v["kepala_opd"].astype(bool)
    # unit head: top of the rating chain inside its (OPD, unit) -- rates another employee of
    # the same unit but is not rated from inside it -- or head of the OPD. (A Pengawas who
    # rates staff of the unit is rated by the unit head, so is not a unit head.)
    unit_key = (pd.Series(opd).astype(str) + "\x00" + pd.Series(unit).astype(str)).to_numpy()
    pos_of = pd.Series(np.arange(n), index=ids_arr)
    r_idx = pd.Series(rater_arr).map(pos_of).to_numpy()
    has = ~np.isnan(r_idx)
    r_int = np.where(has, r_idx, 0).astype(np.int64)
    same_unit = has & (unit_key[r_int] == unit_key) & (r_int != np.arange(n))
    rates_in_unit = np.zeros(n, dtype=bool)
    rates_in_unit[r_int[same_unit]] = True
    is_unit_head = is_opd_head | (rates_in_unit & ~same_unit)

    employees = pd.DataFrame({
        "employee_id": ids_arr,
        "opd": pd.Categorical(opd, categories=pd.unique(opd)),
        "unit": pd.Categorical(unit, categories=pd.unique(unit)),
        "rater_id": rater_arr,
        "jenis_jabatan": pd.Categorical(v["jenis_jabatan"], categories=list(JENIS_JABATAN)),
        "rumpun": pd.Categorical(v["rumpun"], categories=list(cat.assignment.by_rumpun)),
        "status": pd.Categorical(v["status"], categories=list(sc.STATUS)),
        "golongan": pd.Categorical(v["golongan"], categories=list(sc.GOLONGAN)),
        "gender": pd.Categorical(v["jenis_kelamin"], categories=list(sc.JENIS_KELAMIN)),
        "age": v["usia"].astype(np.int16),
        "tenure_years": v["masa_kerja"].astype(np.int16),
        "kelas_jabatan": v["kelas_jabatan"].astype(np.int8),
        "is_opd_head": is_opd_head,
        "is_unit_head": is_unit_head,
    })

    code_of = {name: i for i, name in enumerate(cat.names)}
    code = np.full((n, k), -1, dtype=np.int16)
    utama = np.zeros((n, k), dtype=bool)
    fields = {f: np.full((n, k), np.nan) for f in ("target", "realisasi", "kualitas",
                                                   "waktu_target", "waktu_realisasi",
                                                   "biaya_target", "biaya_realisasi")}
    for s in range(k):
        p = f"iki{s + 1}_"
        names = pd.Series(v[p + "indikator"], dtype=object)
        code[:, s] = names.map(code_of).fillna(-1).to_numpy(dtype=np.int16)
        utama[:, s] = v[p + "utama"] & (code[:, s] >= 0)
        for f, arr in fields.items():
            if p + f in v:
                arr[:, s] = v[p + f]
    slot = code >= 0
    for arr in fields.values():
        arr[~slot] = np.nan
    hib = arrays(cat).higher_is_better
    higher = np.where(slot, hib[np.where(slot, code, 0)], True)

    perilaku = np.column_stack([v[sc.perilaku_column(b)] for b in BERAKHLAK]).astype(np.float64)
    late = np.column_stack([v[sc.late_column(b)] for b in sc.LATE_BANDS]).astype(np.int64)
    innovation = v["inovasi"].astype(bool) if "inovasi" in v else np.zeros(n, dtype=bool)

    # the plan gets its own copies: a scheme editing observed arrays must not change the plan
    plan = TaskPlan(indicator=code.copy(), target=fields["target"].copy(), utama=utama.copy(),
                    time_target=fields["waktu_target"].copy(),
                    cost_target=fields["biaya_target"].copy())
    observed = Measurements(
        indicator=code, indicator_names=cat.names, target=fields["target"],
        realisation=fields["realisasi"], higher_is_better=higher, utama=utama,
        quality=fields["kualitas"], time_target=fields["waktu_target"],
        time_realisation=fields["waktu_realisasi"], cost_target=fields["biaya_target"],
        cost_realisation=fields["biaya_realisasi"], perilaku=perilaku,
        days_absent=v["hari_tidak_hadir"].astype(np.int64), late=late, innovation=innovation,
    )
    return Workforce(employees=employees, plan=plan, observed=observed, source=file)
