"""The one writer layer: every xlsx, csv, html, parquet, png and text file the project writes.

Two promises hold for every file written through here, whatever the origin of its content
(data, scenario, label, user input):

* **Atomic**: content goes to a temporary name in the same directory and is renamed into place
  only once complete, so a kill at any moment leaves either the old file or the new one, never a
  half-written one (and no stray temporary).
* **Inert**: no text cell can run as a spreadsheet formula. Following OWASP's CSV-injection rule,
  text starting with ``= + - @``, a tab, a carriage return or a line feed (also after leading
  blanks) is prefixed with ``'``; this holds for cells of every dtype, column headers, index
  labels, categories and sheet names. HTML goes through :func:`write_html`, which escapes every
  part that is not :class:`Markup` and forbids scripts with a Content-Security-Policy.

Faces never call ``DataFrame.to_excel`` / ``to_csv`` themselves; they call these functions.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: First characters a spreadsheet may treat as the start of a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Blanks a spreadsheet may skip before it looks for a formula trigger.
_LEADING_BLANKS = " \t\r\n\x0b\x0c\u00a0\u2000\u2001\u2002\u2003\u2009\u3000\ufeff"
#: Control characters XML 1.0 (hence xlsx) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters Excel forbids in a sheet name.
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
#: Excel keeps at most this many characters in one cell.
XLSX_MAX_CELL = 32_767
#: Largest integer a spreadsheet (IEEE double) holds exactly.
EXACT_INT = 2**53
#: Infinity has no spreadsheet value; written as text without a formula trigger.
POS_INF, NEG_INF = "inf", "\u2212inf"


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".part",
                               dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def needs_quote(value: str) -> bool:
    """True when a spreadsheet could read ``value`` as a formula (also after leading blanks)."""
    return value.startswith(FORMULA_TRIGGERS) or \
        value.lstrip(_LEADING_BLANKS).startswith(FORMULA_TRIGGERS)


def neutralise_text(value: object) -> object:
    """``value`` made inert for a spreadsheet: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and needs_quote(value):
        return "'" + value
    return value


def _cell(value: object, xlsx: bool) -> object:
    """One object-column value made writable and inert (text, numbers, dates, anything else)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return value
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | np.bool_):
        return value
    elif isinstance(value, int | np.integer):
        if xlsx and abs(int(value)) > EXACT_INT:
            text = str(int(value))  # a double would silently round it
        else:
            return value
    elif isinstance(value, float | np.floating):
        if np.isnan(value):
            return value
        if np.isinf(value):
            return POS_INF if value > 0 else NEG_INF
        return value
    elif isinstance(value, dt.datetime | dt.date | dt.time | pd.Timestamp):
        if getattr(value, "tzinfo", None) is not None:
            text = value.isoformat()
        else:
            return value
    else:
        text = str(value)
    if xlsx:
        text = _ILLEGAL_XML.sub("\ufffd", text)
        if len(text) > XLSX_MAX_CELL:
            text = text[: XLSX_MAX_CELL - 1] + "\u2026"
    return neutralise_text(text)


def _label(value: object, xlsx: bool) -> object:
    """A column/index label: non-text labels stay (ints), text is cleaned like a cell."""
    if isinstance(value, tuple):
        return " / ".join(str(_cell(v, xlsx)) for v in value)
    if value is None or isinstance(value, bool | int | float | np.number):
        return value
    return _cell(value if isinstance(value, str) else str(value), xlsx)


def neutralise(df: pd.DataFrame, *, xlsx: bool = False) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, column names and index labels are all inert.

    Whatever its dtype, every text value gets a ``'`` when it could start a formula; values that
    are neither text nor plain numbers/dates are written as their text. For an xlsx target
    (``xlsx=True``) control characters XML cannot hold become U+FFFD, text is cut at Excel's
    32,767 characters and integers beyond 2**53 are written as text so no digit is lost.
    Infinity becomes the text ``inf`` / ``−inf`` (U+2212, not a formula trigger).
    """
    out = df.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.Index([_label(c, xlsx) for c in out.columns], dtype=object)
    cols = list(out.columns)
    for pos in range(len(cols)):
        s = out.iloc[:, pos]
        new = None
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = [_cell(c, xlsx) for c in s.cat.categories]
            if cats != list(s.cat.categories):
                if len(set(map(str, cats))) == len(cats):
                    new = s.cat.rename_categories(cats)
                else:
                    new = s.astype(object).map(lambda v: _cell(v, xlsx))
        elif pd.api.types.is_bool_dtype(s.dtype):
            continue
        elif pd.api.types.is_float_dtype(s.dtype):
            vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isinf(vals).any():
                new = s.astype(object).map(lambda v: _cell(v, xlsx))
        elif pd.api.types.is_integer_dtype(s.dtype):
            if xlsx and len(s) and s.dropna().abs().gt(EXACT_INT).any():
                new = s.astype(object).map(lambda v: _cell(v, xlsx))
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            new = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif pd.api.types.is_datetime64_any_dtype(s.dtype) or \
                pd.api.types.is_timedelta64_dtype(s.dtype):
            continue
        else:  # object, string, interval, period, ...: every value checked
            new = s.astype(object).map(lambda v: _cell(v, xlsx))
        if new is not None:
            out.isetitem(pos, new)
    out.columns = _neutral_index(out.columns, xlsx)
    out.index = _neutral_index(out.index, xlsx)
    return out


def _neutral_index(index: pd.Index, xlsx: bool = False) -> pd.Index:
    names = [_label(n, xlsx) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        out = pd.MultiIndex.from_arrays(
            [pd.Index([_label(v, xlsx) for v in index.get_level_values(i)], dtype=object)
             for i in range(index.nlevels)])
    elif isinstance(index, pd.RangeIndex) or pd.api.types.is_numeric_dtype(index.dtype):
        out = index.copy()
    else:
        out = pd.Index([_label(v, xlsx) for v in index], dtype=object)
    out.names = names
    return out


def sheet_names(names: Iterable[object]) -> list[str]:
    """Valid, distinct, inert Excel sheet names for ``names`` (in order).

    Excel forbids ``\\ / ? * [ ] :``, a leading or trailing ``'``, more than 31 characters
    and two sheets whose names differ only in case. A name that could start a formula gets a
    leading ``_`` (``'`` is not allowed first in a sheet name).
    """
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        text = _ILLEGAL_XML.sub("_", _SHEET_FORBIDDEN.sub("_", str(name)))
        text = text.strip("'") or "sheet"
        if needs_quote(text):
            text = "_" + text
        base, k = text[:31], 1
        candidate = base
        while candidate.lower() in seen or candidate.lower() == "history":
            k += 1
            suffix = f"~{k}"
            candidate = base[: 31 - len(suffix)] + suffix
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def write_sheets(path: str | Path, sheets: Mapping[str, pd.DataFrame], *,
                 index: bool = False, freeze_header: bool = False,
                 style: Callable[[Any, pd.DataFrame], None] | None = None) -> Path:
    """Write DataFrames to one .xlsx (one sheet each) or, for .csv, the only one given.

    Every text cell, header, index label and sheet name is made inert (:func:`neutralise`,
    :func:`sheet_names`). ``freeze_header`` keeps row 1 visible while scrolling.
    ``style(worksheet, df)``, if given, is called for each openpyxl worksheet after its data is
    written (header formats, frozen panes, number formats, widths). It formats cells; it must
    not write values, so every cell stays as inert as :func:`neutralise` made it.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        if len(sheets) != 1:
            raise ValueError("a .csv file holds one table; write an .xlsx for several")
        return write_csv(path, next(iter(sheets.values())), index=index)
    names = sheet_names(sheets)
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in zip(names, sheets.values(), strict=True):
            neutralise(df, xlsx=True).to_excel(
                xw, sheet_name=name, index=index,
                freeze_panes=(1, 0) if freeze_header else None)
            if style is not None:
                style(xw.sheets[name], df)
    return path


def write_csv(path: str | Path, df: pd.DataFrame, *, index: bool = False,
              encoding: str = "utf-8") -> Path:
    """Write one table as CSV (UTF-8; ``encoding="utf-8-sig"`` adds the byte-order mark Excel
    needs to show non-ASCII text) with every text cell inert.

    Records end in CRLF (RFC 4180): Python's csv writer quotes a value only for the characters
    of the line terminator, so with a bare LF a value holding a CR was written unquoted and
    split its record in two (found by tests/test_fuzz_writers.py)."""
    with atomic_path(path) as tmp:
        neutralise(df).to_csv(tmp, index=index, encoding=encoding, lineterminator="\r\n")
    return Path(path)


# -- HTML -------------------------------------------------------------------------------------

#: Content-Security-Policy of written HTML: no script, no remote resource, inline style only.
DEFAULT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
               "base-uri 'none'; form-action 'none'")


class Markup(str):
    """Text already safe as HTML (built by :func:`html_escape`, :func:`html_table` or a face's
    own template). Anything that is not Markup is escaped by :func:`write_html`."""

    __slots__ = ()


def html_escape(value: object) -> Markup:
    """``value`` as HTML text: ``& < > " '`` escaped, so data can never become markup."""
    if isinstance(value, Markup):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return Markup("")
    return Markup(html.escape(_ILLEGAL_XML.sub("\ufffd", str(value)), quote=True))


def html_table(df: pd.DataFrame, *, index: bool = False, caption: object = None) -> Markup:
    """A plain ``<table>`` of ``df`` with every header and cell escaped."""
    cols = ([*(df.index.names if index else [])] + list(df.columns))
    head = "".join(f"<th>{html_escape('' if c is None else c)}</th>" for c in cols)
    body = []
    for key, row in zip(df.index, df.itertuples(index=False, name=None), strict=True):
        keys = (key if isinstance(key, tuple) else (key,)) if index else ()
        cells = "".join(f"<td>{html_escape(v)}</td>" for v in (*keys, *row))
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html_escape(caption)}</caption>" if caption is not None else ""
    return Markup(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
                  "</tbody></table>")


def html_document(body: Iterable[object] | object, *, title: object, lang: str = "id",
                  footer: object = None, style: str = "", csp: str = DEFAULT_CSP) -> str:
    """A complete HTML page: parts of ``body`` that are not :class:`Markup` are escaped, and
    the Content-Security-Policy forbids scripts even if a face's own markup lets one in."""
    parts = [body] if isinstance(body, str) or not isinstance(body, Iterable) else list(body)
    inner = "".join(html_escape(p) for p in parts)
    foot = f"<footer>{html_escape(footer)}</footer>" if footer is not None else ""
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html_escape(lang)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{html_escape(csp)}">'
            f"<title>{html_escape(title)}</title>"
            f"<style>{style.replace('<', '')}</style></head>"
            f"<body>{inner}{foot}</body></html>\n")


def write_html(path: str | Path, body: Iterable[object] | object, *, title: object,
               lang: str = "id", footer: object = None, style: str = "",
               csp: str = DEFAULT_CSP) -> Path:
    """Write an HTML page atomically (see :func:`html_document`): the one way faces write
    HTML, so text from data, scenarios or users cannot inject markup or script."""
    return write_text(path, html_document(body, title=title, lang=lang, footer=footer,
                                          style=style, csp=csp))


def write_text(path: str | Path, text: str) -> Path:
    """Write a text file (HTML, YAML, Markdown) atomically as UTF-8."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write a binary file atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
    return Path(path)


def write_parquet(path: str | Path, df: pd.DataFrame,
                  metadata: Mapping[str, str] | None = None) -> Path:
    """Write a table as Parquet, with ``metadata`` (provenance) in the file's key-value store."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if metadata:
        meta = dict(table.schema.metadata or {})
        meta.update({str(k).encode(): str(v).encode() for k, v in metadata.items()})
        table = table.replace_schema_metadata(meta)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return Path(path)


def save_figure(fig, path: str | Path, dpi: int = 110) -> Path:
    """Save a matplotlib figure atomically (format from the suffix, PNG by default)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or "png")
    return path


def is_inert(value: object) -> bool:
    """True when a written cell value cannot run as a formula (used by tests and scans)."""
    return not (isinstance(value, str) and needs_quote(value))


# -- figures and tables embedded in HTML ------------------------------------------------------

def figure_png(fig, dpi: int = 110, **savefig_kwargs: Any) -> bytes:
    """A matplotlib figure as PNG bytes, for embedding (the one place figures are rendered to
    memory, so every report embeds them the same way)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **savefig_kwargs)
    return buf.getvalue()


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` URI: a page that embeds its figures needs no other file."""
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def frame_html(df: pd.DataFrame, *, index: bool = False, na_rep: str = "-",
               float_format: Callable[[float], str] | None = None, **kwargs: Any) -> Markup:
    """``df`` as an HTML table through pandas, with escaping forced on (no keyword can turn it
    off), for reports that want pandas' number formatting."""
    kwargs.pop("escape", None)
    return Markup(df.to_html(index=index, escape=True, na_rep=na_rep,
                             float_format=float_format, **kwargs))
