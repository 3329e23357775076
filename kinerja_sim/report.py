"""Report files (Excel for now): written atomically so an interrupted run leaves no half file.

Only pseudonymous, aggregated or simulation tables are written; group cells with fewer than 10
employees are suppressed by the tables themselves (see :mod:`kinerja_sim.outcomes`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kinerja_sim.labels import t


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path next to ``path``; move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_sheets(path: str | Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write DataFrames to one .xlsx (one sheet each) or, for .csv, the first one only."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".csv":
            next(iter(sheets.values())).to_csv(tmp, index=False, encoding="utf-8")
        else:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, df in sheets.items():
                    df.to_excel(xw, sheet_name=name[:31], index=False)
    return path


def labelled_metrics(df: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Add a human-readable label column next to metric keys."""
    out = df.copy()
    out.insert(out.columns.get_loc("metric") + 1, "label",
               [t(f"metric.{m}", lang) for m in out["metric"]])
    return out
