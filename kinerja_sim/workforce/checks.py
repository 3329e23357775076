"""Check every cell of a raw employee table against the schema, collecting every problem.

Column-wise and vectorised (``pd.to_numeric(errors="coerce")`` and compare the NaN mask with
the cells' emptiness); Python loops run only over the bounded list of problems. Nothing is
coerced: "12,5" in a numeric column or 3.7 in an integer column is an error naming the row.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja_sim.errors import Problem, ProblemCollector
from kinerja_sim.indicators import Catalogue
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.model import EXTERNAL_RATER
from kinerja_sim.workforce.reader import (
    MAX_PER_CHECK,
    RawTable,
    column_letter,
    normalise_header,
    show_value,
)

PASTE_VALUES = ("a plain value: select the column, Copy, then Paste Special > Values; "
                 "the loader does not evaluate formulas")
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
NIP_PATTERN = re.compile(r"\d{18}")
#: How a NIP may be written: 18 digits, grouped by blanks, dots, dashes or slashes, optionally
#: after "NIP" / "NIP." / "NIP:" (all forms are pseudonymised the same way).
NIP_SEPARATORS = re.compile(r"^(?:nip\s*[.:]?\s*)|[\s./\-]", re.IGNORECASE)
#: A plain decimal number in ASCII (no thousands separators, no "nan"/"inf", no "1_000").
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: Edit distance up to which an unknown header counts as a misspelt schema column, by length.
TYPO_DISTANCE = ((5, 0), (9, 1), (10**9, 2))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours),
    capped at ``limit`` (enough to tell a typo from another word)."""
    if abs(len(a) - len(b)) > limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def typo_of(name: str, known: set[str]) -> str | None:
    """The schema column ``name`` is most likely a misspelling of, or None."""
    allowed = next(d for n, d in TYPO_DISTANCE if len(name) < n)
    if not allowed:
        return None
    best = sorted((edit_distance(name, k), k) for k in known)
    return best[0][1] if best and best[0][0] <= allowed else None


def describe_identifier(value: str) -> str:
    """What is wrong with an identifier cell, without repeating it (it may be a real NIP or
    a name): its length and the kinds of characters in it."""
    digits = sum(ch.isdigit() for ch in value)
    letters = sum(ch.isalpha() for ch in value)
    other = len(value) - digits - letters
    parts = [f"{digits} digit{'s' if digits != 1 else ''}"]
    if letters:
        parts.append(f"{letters} letter{'s' if letters != 1 else ''}")
    if other:
        parts.append(f"{other} other character{'s' if other != 1 else ''}")
    return "the value has " + ", ".join(parts)

# -- checking --------------------------------------------------------------------------------


@dataclass
class CheckedTable:
    """Parsed, valid columns (by schema name) ready to build a Workforce."""

    mode: str
    slots: int
    n: int
    values: dict[str, np.ndarray]
    #: spreadsheet row number of each value (for problems found while building)
    rows: np.ndarray


class TableChecker:
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
            first.setdefault(normalise_header(h), j)

        def key(p: Problem) -> tuple[int, int]:
            m = re.match(r"rows? (\d+)", p.location)
            return (int(m.group(1)) if m else 10**9, first.get(p.column or "", 10**6))

        self.pc.problems.sort(key=key)

    # ---- structure

    def run(self) -> CheckedTable:
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
        return CheckedTable(mode or "nip", slots, self.n, self.values, np.asarray(self.t.rows))

    def check_header(self) -> tuple[str | None, int, list[sc.Column]]:
        names = [normalise_header(h) for h in self.t.header]
        by_name: dict[str, list[int]] = {}
        for j, name in enumerate(names):
            by_name.setdefault(name, []).append(j)
        known = {c.name for c in sc.columns(self.cat, slots=sc.MAX_SLOTS, identity="nip")}
        known |= {c.name for c in sc.identity_columns("id")}
        for name, positions in by_name.items():
            if name == "":
                for j in positions:
                    if (self.t.data[j] != "").any():
                        self.header_problem(f"column {column_letter(j)} has values but no header",
                                            None, "a column name in row 1, or delete the column")
            elif len(positions) > 1 and name != sc.NAME_COLUMN and (
                    name in known or sc.looks_like_schema_column(name)):
                letters = ", ".join(column_letter(j) for j in positions)
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
            elif name and (typo := typo_of(name, known - present)) is not None:
                # a misspelt optional column would otherwise be ignored and read as absent
                self.header_problem(f"unknown column '{name}' looks like a "
                                    f"misspelling of '{typo}'", name,
                                    f"'{typo}' (rename the header), or a name that is not "
                                    "this close to a schema column")
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
            secret = c.group == "identitas"
            self.report(f, c.name, lambda i: f"cell {column_letter(j)}{self.t.rows[i]} contains a "
                        "formula" + ("" if secret else f" ({show_value(text[i])})"),
                        PASTE_VALUES)
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
            return values, bad, lambda i: f"{show_value(text[i])} is not {what}"
        if c.kind == "nip":
            compact = s.str.replace(NIP_SEPARATORS, "", regex=True)
            ok = compact.str.fullmatch(NIP_PATTERN.pattern).to_numpy(dtype=bool)
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
                return f"not an 18-digit NIP: {describe_identifier(text[i])}{hint}"

            return values, bad, nip_message
        if c.kind == "id":
            upper = s.str.upper()
            ext = (upper == EXTERNAL_RATER).to_numpy()
            looks_nip = s.str.replace(NIP_SEPARATORS, "", regex=True).str.fullmatch(
                NIP_PATTERN.pattern)
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
        syntax = s.str.fullmatch(NUMBER.pattern).to_numpy(dtype=bool)
        num = pd.to_numeric(s.where(syntax, ""), errors="coerce").to_numpy(dtype=np.float64)
        bad_parse = filled & ~(syntax & np.isfinite(num))
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
                if DECIMAL_COMMA.match(v):
                    return f"{show_value(v)} uses a comma as decimal sign; use a dot (e.g. 12.5)"
                return f"{show_value(v)} is not a number"
            if not_int[i]:
                return f"{show_value(v)} is not a whole number"
            return f"{show_value(v)} is out of range ({c.range_text})"

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
                               f"{show_value(str(key), 60)}", "at most one kepala_opd per OPD")
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
        # never echo the value: a NIP, or an id that may be one (or a name)
        self.report(check & ~known, rater_col,
                    f"no employee in this file has this {id_col}",
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


