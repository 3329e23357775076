"""The one writer layer: every xlsx, csv, html, parquet, png and text file the project writes.

Two promises hold for every file written through here, whatever the origin of its content
(data, scenario, label, user input):

* **Atomic**: content goes to a temporary name in the same directory and is renamed into place
  only once complete, so a kill at any moment leaves either the old file or the new one, never a
  half-written one (and no stray temporary).
* **Inert**: no text cell can run as a spreadsheet formula. Following OWASP's CSV-injection rule,
  text starting with ``= + - @``, a tab or a carriage return is prefixed with ``'``; HTML text is
  escaped by the caller's template engine and written here as bytes.

Faces never call ``DataFrame.to_excel`` / ``to_csv`` themselves; they call these functions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

#: First characters a spreadsheet may treat as the start of a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


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


def neutralise_text(value: object) -> object:
    """``value`` made inert for a spreadsheet: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, column names and index labels are all inert."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = [neutralise_text(c) for c in s.cat.categories]
            if cats != list(s.cat.categories):
                out[col] = s.cat.rename_categories(cats)
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(neutralise_text, na_action="ignore")
    out.columns = _neutral_index(out.columns)
    out.index = _neutral_index(out.index)
    return out


def _neutral_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_neutral_index(level) for level in index.levels])
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return index.map(neutralise_text)
    return index


def write_sheets(path: str | Path, sheets: Mapping[str, pd.DataFrame], *,
                 index: bool = False,
                 style: Callable[[Any, pd.DataFrame], None] | None = None) -> Path:
    """Write DataFrames to one .xlsx (one sheet each) or, for .csv, the only one given.

    ``style(worksheet, df)``, if given, is called for each openpyxl worksheet after its data is
    written (header formats, frozen panes, number formats, widths). It formats cells; it must
    not write values, so every cell stays as inert as :func:`neutralise` made it.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        if len(sheets) != 1:
            raise ValueError("a .csv file holds one table; write an .xlsx for several")
        return write_csv(path, next(iter(sheets.values())), index=index)
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in sheets.items():
            sheet = str(neutralise_text(name))[:31]
            neutralise(df).to_excel(xw, sheet_name=sheet, index=index)
            if style is not None:
                style(xw.sheets[sheet], df)
    return path


def write_csv(path: str | Path, df: pd.DataFrame, *, index: bool = False) -> Path:
    """Write one table as UTF-8 CSV with every text cell inert."""
    with atomic_path(path) as tmp:
        neutralise(df).to_csv(tmp, index=index, encoding="utf-8")
    return Path(path)


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
    return not (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS))
