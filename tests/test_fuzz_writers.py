"""Fuzzing every writer of kinerja_sim.report.files (and export_workforce) with Hypothesis.

Random tables -- text with formula triggers, control characters, huge integers, infinities,
categories, time-zone dates, hostile column and sheet names -- are written and read back. No
writer may raise; every written text cell, header and sheet name is inert; no cell is a
formula; no row is lost; text survives (up to the documented ``'`` prefix). HTML: no data can
open a tag, and the text reads back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_sim.report.files import (
    DEFAULT_CSP,
    XLSX_MAX_CELL,
    html_table,
    is_inert,
    write_csv,
    write_html,
    write_parquet,
    write_sheets,
)

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TRIGGERS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " =", "\u00a0@", "'"])
TEXT = st.one_of(st.text(max_size=20),
                 st.builds(lambda a, b: a + b, TRIGGERS, st.text(max_size=20)),
                 st.sampled_from(['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "-1",
                                  "<script>alert(1)</script>", "a\x00b", "\x01=1", "History"]))
N = st.integers(0, 5)


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(N)
    k = draw(st.integers(1, 4))
    cols = {}
    for j in range(k):
        kind = draw(st.sampled_from(["text", "float", "int", "cat", "bool", "date", "mixed"]))
        if kind == "text":
            values = draw(st.lists(st.none() | TEXT, min_size=n, max_size=n))
            s = pd.Series(values, dtype=object)
        elif kind == "float":
            s = pd.Series(draw(st.lists(st.floats(), min_size=n, max_size=n)), dtype=float)
        elif kind == "int":
            s = pd.Series(draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n,
                                        max_size=n)), dtype=np.int64)
        elif kind == "cat":
            s = pd.Series(pd.Categorical(draw(st.lists(TEXT, min_size=n, max_size=n))))
        elif kind == "bool":
            s = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "date":
            tz = draw(st.sampled_from([None, "UTC", "Asia/Jakarta"]))
            s = pd.Series(pd.date_range("2026-01-01", periods=n, freq="D", tz=tz))
        else:
            s = pd.Series(draw(st.lists(st.one_of(TEXT, st.integers(-(2**70), 2**70),
                                                  st.floats(), st.none(),
                                                  st.lists(st.integers(), max_size=2)),
                                        min_size=n, max_size=n)), dtype=object)
        cols[j] = s
    names = draw(st.lists(TEXT, min_size=k, max_size=k))
    df = pd.DataFrame(cols)
    df.columns = names  # duplicates allowed, as in real tables
    return df


def _texts(df: pd.DataFrame) -> list[str]:
    out = []
    for j in range(df.shape[1]):
        out += [v for v in df.iloc[:, j].astype(object) if isinstance(v, str)]
    return out


def _same_text(written: str, original: str) -> bool:
    if written == original or written == "'" + original:
        return True
    # xlsx: control characters become U+FFFD, overlong text is cut
    return len(original) > XLSX_MAX_CELL or "\ufffd" in written or "\r" in original


@FUZZ
@given(tables=st.lists(frames(), min_size=1, max_size=3),
       names=st.lists(TEXT, min_size=3, max_size=3), index=st.booleans())
def test_fuzz_write_sheets(tables, names, index):
    sheets = dict(zip(names, tables, strict=False))
    with tempfile.TemporaryDirectory() as d:
        path = write_sheets(Path(d) / "out.xlsx", sheets, index=index)
        wb = openpyxl.load_workbook(path)
        assert len(wb.sheetnames) == len(sheets)
        assert len({s.lower() for s in wb.sheetnames}) == len(sheets)
        for title, df in zip(wb.sheetnames, sheets.values(), strict=True):
            assert is_inert(title) and len(title) <= 31
            ws = wb[title]
            values = []
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (title, c.coordinate, c.value)
                    assert is_inert(c.value), (title, c.coordinate, c.value)
                    if isinstance(c.value, str):
                        values.append(c.value)
            filled = int(df.notna().any(axis=1).sum()) if df.shape[1] else 0
            assert ws.max_row >= 1 + filled  # no data row lost
            assert ws.max_row <= 1 + len(df) + (1 if index and df.index.name is not None else 0)
            for text in _texts(df):
                if text.strip(" \t\r\n\x0b\x0c"):
                    assert any(_same_text(v, text) for v in values), text
        wb.close()
        _no_formula_in_parts(path)


def _no_formula_in_parts(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


@FUZZ
@given(df=frames(), index=st.booleans(), bom=st.booleans())
def test_fuzz_write_csv(df, index, bom):
    with tempfile.TemporaryDirectory() as d:
        path = write_csv(Path(d) / "out.csv", df, index=index,
                         encoding="utf-8-sig" if bom else "utf-8")
        with open(path, newline="", encoding="utf-8-sig") as f:
            records = list(csv.reader(f))
        assert len(records) == 1 + len(df)  # header + every row, embedded newlines quoted
        for rec in records:
            for field in rec:
                assert _is_number(field) or is_inert(field), field
        fields = [f for rec in records[1:] for f in rec]
        for text in _texts(df):
            assert text in fields or "'" + text in fields, text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "footer", "table", "caption",
                "thead", "tbody", "tr", "th", "td", "p"}


@FUZZ
@given(parts=st.lists(TEXT, max_size=4), title=TEXT, footer=st.none() | TEXT, df=frames())
def test_fuzz_write_html(parts, title, footer, df):
    with tempfile.TemporaryDirectory() as d:
        path = write_html(Path(d) / "out.html", [*parts, html_table(df)], title=title,
                          footer=footer)
        page = path.read_text(encoding="utf-8")
    p = _Collect()
    p.feed(page)
    p.close()
    assert set(p.tags) <= ALLOWED_TAGS, set(p.tags) - ALLOWED_TAGS
    assert {(t, k) for t, k, _ in p.attrs} <= {("html", "lang"), ("meta", "charset"),
                                               ("meta", "http-equiv"), ("meta", "content")}
    csp = [v for t, k, v in p.attrs if (t, k) == ("meta", "content")]
    assert csp == [DEFAULT_CSP]  # no script may run, whatever markup a face adds
    text = "".join(p.text)
    for t in [*parts, title] + ([footer] if footer else []):
        clean = t.replace("\x00", "\ufffd")
        assert all(ch in text or not ch.isprintable() for ch in clean[:50]), t


@FUZZ
@given(df=frames())
def test_fuzz_write_parquet(df):
    df = df.copy()
    df.columns = [f"c{j}" for j in range(df.shape[1])]  # parquet needs distinct text names
    for c in df.columns:  # parquet columns hold one type; mixed object columns as text
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: None if v is None else str(v))
    with tempfile.TemporaryDirectory() as d:
        path = write_parquet(Path(d) / "out.parquet", df, {"seed": "1"})
        back = pd.read_parquet(path)
    assert len(back) == len(df) and list(back.columns) == list(df.columns)


OPD_NAMES = st.lists(TEXT.filter(lambda s: s.strip() and "\x00" not in s), min_size=1,
                     max_size=4)


@FUZZ
@given(names=OPD_NAMES, ext=st.sampled_from(["xlsx", "csv"]))
def test_fuzz_export_workforce(names, ext):
    from test_export import make_workforce

    from kinerja_sim.workforce.export import export_workforce
    from kinerja_sim.workforce.model import Workforce

    wf = make_workforce(n_opd=1, per_opd=6)
    emp = wf.employees.copy()
    labels = [names[i % len(names)] for i in range(wf.n)]
    emp["opd"] = pd.Categorical(labels)
    wf = Workforce(emp, wf.plan, wf.observed, "fuzz")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"pegawai.{ext}"
        try:
            export_workforce(wf, path)
        except ValueError as e:  # documented: an OPD name starting with '=' is refused
            assert "formulas" in str(e) and any(n.startswith("=") for n in labels)
            assert not path.exists()
            return
        if ext == "csv":
            with open(path, newline="", encoding="utf-8-sig") as f:
                records = list(csv.reader(f))
            assert len(records) == 1 + wf.n
            assert all(_is_number(x) or is_inert(x) for rec in records for x in rec)
        else:
            book = openpyxl.load_workbook(path)
            ws = book["pegawai"]
            assert ws.max_row == 1 + wf.n
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f" and is_inert(c.value)


def test_write_sheets_makes_inert_every_kind_of_label():
    df = pd.DataFrame({"=a": ["=1", "-2"], "b": pd.Categorical(["+x", "@y"])},
                      index=pd.Index(["=i", "ok"], name="@idx"))
    with tempfile.TemporaryDirectory() as d:
        path = write_sheets(Path(d) / "x.xlsx", {"=SUM(A1)": df}, index=True)
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["_=SUM(A1)"]
        cells = [c.value for row in wb.active.iter_rows() for c in row]
    assert {"'=a", "'=1", "'-2", "'+x", "'@y", "'=i", "'@idx"} <= set(cells)
    assert all(is_inert(v) for v in cells)


def test_time_zone_dates_and_big_integers_are_written_without_loss():
    df = pd.DataFrame({"t": pd.date_range("2026-01-01", periods=2, tz="Asia/Jakarta"),
                       "big": [2**53 + 1, -(2**60)]})
    with tempfile.TemporaryDirectory() as d:
        path = write_sheets(Path(d) / "x.xlsx", {"s": df})
        ws = openpyxl.load_workbook(path).active
        assert ws["A2"].value == dt.datetime(2025, 12, 31, 17, 0)  # as UTC
        assert ws["B2"].value == str(2**53 + 1)
        assert ws["B3"].value == "'" + str(-(2**60))
