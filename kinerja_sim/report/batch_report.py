"""The report of a finished batch: ``index.html`` and ``ringkasan.xlsx`` from its result files.

Reads the Parquet tables each scenario's report notebook wrote (``DIR/hasil/<scenario>/``), so
the batch report, the ``bandingkan_skenario`` notebook and anyone with pandas see the same
numbers. Baseline rows are taken once (every scenario's tables carry the same baseline, run on
the same random numbers). Group cells with fewer than 10 employees arrive suppressed (NaN,
``suppressed`` True) from the engine's tables and stay so.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja_sim.labels import t
from kinerja_sim.report import figures
from kinerja_sim.report import html as h
from kinerja_sim.report.comparison import (
    DEFAULT_TRAJECTORIES,
    assumptions_text,
    headline_text,
)
from kinerja_sim.report.files import figure_png, write_bytes, write_sheets, write_text

#: Tables every scenario writes (file stems under ``hasil/<scenario>/``).
TABLES = ("ringkasan", "predikat", "keadilan", "menang_kalah", "kelompok", "lintasan", "asumsi")
#: Metrics drawn as deltas with intervals in the index: fairness, motivation, service output.
DELTA_KEYS = ("fairness.four_fifths.gender", "fairness.four_fifths.opd",
              "fairness.parity_gap.opd", "motivation.index", "service.true_output")
#: Dimensions of the winners-and-losers charts in the index.
WINNERS_LOSERS_DIMENSIONS = ("rumpun", "jenis_jabatan")


@dataclass
class Batch:
    """The results of a finished batch, one table per kind across its scenarios."""

    directory: Path
    baseline: str
    scenarios: list[str]
    tables: dict[str, pd.DataFrame]
    provenance: dict[str, dict[str, str]]

    def summary_table(self, lang: str = "id") -> pd.DataFrame:
        """One row per metric, one column per scenario: value, delta [90 % interval]."""
        return headline_text(self.tables["ringkasan"], self.baseline, lang)

    def adverse_impact_groups(self) -> pd.DataFrame:
        """Group cells whose mean impact ratio is under the four-fifths threshold."""
        fair = self.tables["keadilan"]
        flagged = fair[fair["adverse_impact"].fillna(False).astype(bool)]
        return flagged[["scenario", "dimension", "group", "n", "rate", "impact_ratio",
                        "impact_ratio_lo", "impact_ratio_hi"]].reset_index(drop=True)

    def figure(self, name: str, lang: str = "id"):
        """A figure of the batch: "predikat", "delta", "lintasan" or "menang_kalah:<dim>"."""
        if name == "predikat":
            return figures.predikat_bars(self.tables["predikat"], lang)
        if name == "delta":
            return figures.delta_intervals(self.tables["ringkasan"], DELTA_KEYS, lang)
        if name == "lintasan":
            return figures.trajectory_lines(self.tables["lintasan"], DEFAULT_TRAJECTORIES, lang)
        if name.startswith("menang_kalah:"):
            return figures.winners_losers_bars(self.tables["menang_kalah"],
                                               name.split(":", 1)[1], lang)
        raise KeyError(name)

    def png(self, name: str, lang: str = "id") -> bytes:
        return figure_png(self.figure(name, lang), dpi=100)

    def show(self, name: str, lang: str = "id"):
        from IPython.display import Image

        return Image(data=self.png(name, lang))


def _read_provenance(path: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    raw = (pq.read_schema(path).metadata or {}).get(b"kinerja_sim.provenance")
    return json.loads(raw) if raw else {}


def finished_scenarios(directory: str | Path) -> list[str]:
    """Scenarios of a batch directory whose results are complete (resume marker present)."""
    folder = Path(directory) / ".batch" / "selesai"
    return sorted(p.stem for p in folder.glob("*.json"))


def load_batch(directory: str | Path, scenarios: Sequence[str] | None = None) -> Batch:
    """Read a batch directory: the named scenarios, or every finished one."""
    directory = Path(directory)
    names = [n for n in (scenarios or finished_scenarios(directory))
             if (directory / "hasil" / n / "ringkasan.parquet").is_file()]
    if not names:
        from kinerja_sim.errors import InputError, Problem

        raise InputError([Problem(str(directory), "", "no finished scenario results",
                                  expected="a directory written by kinerja-sim run")])
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in TABLES}
    prov: dict[str, dict[str, str]] = {}
    baseline = None
    for name in names:
        folder = directory / "hasil" / name
        prov[name] = _read_provenance(folder / "ringkasan.parquet")
        base = prov[name].get("baseline", name)
        baseline = baseline or base
        for kind in TABLES:
            df = pd.read_parquet(folder / f"{kind}.parquet")
            keep = df["scenario"] == name
            if not frames[kind] or name == baseline:
                keep |= df["scenario"] == baseline
            frames[kind].append(df[keep])
    tables = {}
    for kind, parts in frames.items():
        df = pd.concat(parts, ignore_index=True)
        key = [c for c in ("scenario", "metric", "code", "dimension", "group", "period",
                           "assumption")
               if c in df.columns]
        tables[kind] = df.drop_duplicates(subset=key, keep="first").reset_index(drop=True)
    order = [baseline, *[n for n in names if n != baseline]]
    for kind, df in tables.items():
        rank = {n: i for i, n in enumerate(order)}
        tables[kind] = df.sort_values("scenario", key=lambda s: s.map(rank), kind="stable") \
            .reset_index(drop=True)
    return Batch(directory, baseline, [n for n in order if n in names or n == baseline],
                 tables, prov)


# ---------------------------------------------------------------- workbook

def _style_sheet(ws: Any, df: pd.DataFrame) -> None:
    """Header bold on dark blue, header row frozen, number formats and widths per column."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="1F3B63")
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    for j, col in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        s = df[col]
        fmt = None
        if pd.api.types.is_float_dtype(s.dtype):
            big = s.abs().max(skipna=True)
            fmt = "#,##0" if pd.notna(big) and big >= 1000 else "0.000"
        elif pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            fmt = "0"
        if fmt:
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                row[0].number_format = fmt
        width = max([len(str(col))] + [len(str(v)) for v in s.head(200).tolist()])
        ws.column_dimensions[letter].width = min(max(8, width + 2), 60)


def _labelled(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = df.copy()
    if "metric" in out.columns:
        out.insert(out.columns.get_loc("metric") + 1, "label",
                   [t(f"metric.{m}", lang) for m in out["metric"]])
    return out


def about_table(batch: Batch, batch_provenance: Mapping[str, str] | None) -> pd.DataFrame:
    """The provenance of the batch and of each scenario, one row per field."""
    cols = {}
    if batch_provenance:
        cols["batch"] = dict(batch_provenance)
    cols.update(batch.provenance)
    keys = list(dict.fromkeys(k for rec in cols.values() for k in rec))
    return pd.DataFrame({"field": keys, **{name: [rec.get(k, "") for k in keys]
                                           for name, rec in cols.items()}})


def write_workbook(batch: Batch, path: str | Path, lang: str = "id",
                   batch_provenance: Mapping[str, str] | None = None,
                   failures: Sequence[Any] = (), robustness: Any = None) -> Path:
    """``ringkasan.xlsx``: a sheet per table, formatted, formula-inert, with ``tentang``."""
    sheets = {"ringkasan": _labelled(batch.tables["ringkasan"], lang),
              "ringkasan_teks": batch.summary_table(lang).rename_axis(
                  t("column.metric", lang)).reset_index(),
              "predikat": batch.tables["predikat"],
              "keadilan": batch.tables["keadilan"],
              "menang_kalah": batch.tables["menang_kalah"],
              "kelompok": batch.tables["kelompok"],
              "lintasan": _labelled(batch.tables["lintasan"], lang),
              "asumsi": assumptions_text(batch.tables["asumsi"], lang)}
    if robustness is not None:
        sheets["ketahanan"] = robustness.table(lang)
    if failures:
        sheets["gagal"] = pd.DataFrame([{"scenario": f.scenario, "cell": f.cell,
                                         "error": f.error} for f in failures])
    sheets["tentang"] = about_table(batch, batch_provenance)
    return write_sheets(path, sheets, style=_style_sheet)


# ---------------------------------------------------------------- index.html

def index_figure_names(batch: Batch) -> list[str]:
    """The figures the index page shows, in page order (names as :meth:`Batch.figure` takes)."""
    reforms = [n for n in batch.scenarios if n != batch.baseline]
    names = ["predikat", *(["delta"] if reforms else []), "lintasan"]
    if not batch.tables["menang_kalah"].empty:
        names += [f"menang_kalah:{d}" for d in WINNERS_LOSERS_DIMENSIONS]
    return names


def can_fork() -> bool:
    """Whether work may go to forked processes: Linux only (macOS forbids fork once its system
    frameworks are loaded; Windows has no fork)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def figure_pool(names: Sequence[str], workers: int):
    """A process pool to draw ``names`` in, or None to draw them in this process.

    Drawing is most of a batch report's time (about 4 of 5 s for 8 scenarios on one core), and
    the batch runner gets here with every notebook finished and the other core idle. The
    workers are forked: the tables are already in memory and nothing is imported again."""
    if workers < 2 or len(names) < 2 or not can_fork():
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(min(workers, len(names)),
                               mp_context=multiprocessing.get_context("fork"))


def _submit_forked(pool: Any, batch: Batch, names: Sequence[str], lang: str) -> dict:
    """Submit each figure to the forked ``pool``, with this process's objects frozen while the
    workers fork (Python's advice for fork without exec: the workers' garbage collector then
    never walks, and so never copies, the tables and libraries they inherit)."""
    import gc

    gc.freeze()
    try:
        return {name: pool.submit(batch.png, name, lang) for name in names}
    finally:
        gc.unfreeze()


def render_figures(batch: Batch, names: Sequence[str], lang: str = "id") -> dict[str, bytes]:
    """PNG bytes of each named figure, drawn here one after the other."""
    return {name: batch.png(name, lang) for name in names}


def index_html(batch: Batch, lang: str = "id", batch_provenance: Mapping[str, str] | None = None,
               failures: Sequence[Any] = (), figure_dir: Path | None = None,
               robustness: RobustnessSection | None = None,
               pngs: Mapping[str, bytes] | None = None) -> str:
    """The self-contained index page of a batch (figures embedded; also saved as PNG when
    ``figure_dir`` is given). ``pngs``: the figures already drawn (:func:`render_figures`)."""
    if pngs is None:
        pngs = render_figures(batch, index_figure_names(batch), lang)
    if figure_dir is not None:
        for name, png in pngs.items():
            write_bytes(figure_dir / f"{name.replace(':', '_')}.png", png)
    parts = [h.paragraph(t("batch.index_intro", lang, baseline=batch.baseline,
                           n=len(batch.scenarios))),
             h.paragraph(t("message.suppressed_note", lang), "note")]
    if failures:
        parts.append(h.heading(t("batch.failed_title", lang)))
        parts.append(h.bullet_list((h.esc(f.line(lang)) for f in failures), "fail"))
    parts += [h.heading(t("batch.summary_title", lang, baseline=batch.baseline)),
              h.table(batch.summary_table(lang))]
    parts += [h.heading(t("assumption.title", lang)),
              h.paragraph(t("assumption.note", lang), "note"),
              h.table(assumptions_text(batch.tables["asumsi"], lang), index=False)]
    captions = {"predikat": t("batch.fig_predikat", lang), "delta": t("batch.fig_deltas", lang),
                "lintasan": t("batch.fig_trajectories", lang)}
    for name, png in pngs.items():
        if name.startswith("menang_kalah:"):
            caption = t("batch.fig_winners_losers", lang, dimension=name.split(":", 1)[1])
        else:
            caption = captions[name]
        parts += [h.heading(caption.splitlines()[0]), h.figure(png, caption)]
    parts.append(h.heading(t("batch.fairness_title", lang)))
    flagged = batch.adverse_impact_groups()
    parts.append(h.paragraph(t("batch.fairness_note", lang, n=len(flagged)), "note"))
    if len(flagged):
        parts.append(h.table(flagged, index=False))
    if robustness is not None:
        link = h.link(f"{robustness.folder.name}/robustness.xlsx",
                      f"{robustness.folder.name}/robustness.xlsx")
        prov = robustness.provenance
        parts.append(h.heading(t("robustness.batch_title", lang)))
        note = t("robustness.batch_note", lang, n=prov.get("n_worlds", "?"),
                 k=prov.get("n_parameters", "?"), replications=prov.get("replications", "?"),
                 link="\x00")
        # the link is markup: put it in after the text is escaped
        parts.append(h.paragraph(note, "note").replace("\x00", link))
        parts.append(h.table(robustness.table(lang), index=False, float_format="{:,.0f}"))
        for name, png in robustness.tornado.items():
            caption = t("robustness.tornado_title", lang, name=name, baseline=batch.baseline)
            parts += [h.heading(caption), h.figure(png, caption)]
    parts.append(h.heading(t("batch.notebooks_title", lang)))
    parts.append(h.bullet_list(
        h.link(f"notebook/{n}.ipynb", n) for n in batch.scenarios
        if (batch.directory / "notebook" / f"{n}.ipynb").is_file()))
    parts.append(h.bullet_list(h.link(f, f) for f in ("ringkasan.xlsx",)))
    prov = dict(batch_provenance or next(iter(batch.provenance.values()), {}))
    parts.append(h.footer(prov, t("batch.provenance_title", lang)))
    return h.page(t("batch.index_title", lang), parts, lang)


def write_batch_report(directory: str | Path, scenarios: Sequence[str], baseline: str,
                       lang: str = "id", failures: Sequence[Any] = (),
                       batch_provenance: Mapping[str, str] | None = None,
                       robustness_dir: Path | None = None, workers: int = 1) -> Path | None:
    """Write ``index.html``, ``ringkasan.xlsx`` and the batch figures; None if nothing finished.

    ``robustness_dir``: the batch's robustness results (``kinerja-sim run --robustness``), shown
    as a section of the page and a ``ketahanan`` sheet. ``workers``: processes that draw the
    figures while this one writes the workbook (:func:`figure_pool`)."""
    directory = Path(directory)
    done = set(finished_scenarios(directory))
    names = [n for n in scenarios if n in done]
    if not names:
        return None
    batch = load_batch(directory, names)
    robust = RobustnessSection.read(robustness_dir) if robustness_dir is not None else None
    figure_names = index_figure_names(batch)
    pool = figure_pool(figure_names, workers)
    try:
        futures = None if pool is None else _submit_forked(pool, batch, figure_names, lang)
        write_workbook(batch, directory / "ringkasan.xlsx", lang, batch_provenance, failures,
                       robust)
        pngs = render_figures(batch, figure_names, lang) if futures is None else \
            {name: fut.result() for name, fut in futures.items()}
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    page = index_html(batch, lang, batch_provenance, failures, directory / "gambar", robust,
                      pngs)
    return write_text(directory / "index.html", page)


@dataclass
class RobustnessSection:
    """What the report shows of a batch's robustness analysis: the per-(scenario, metric)
    summary with verdicts, the tornado PNG of each scenario, and the run's provenance."""

    folder: Path
    summary: pd.DataFrame
    tornado: dict[str, bytes]
    provenance: dict[str, str]

    @classmethod
    def read(cls, folder: Path) -> RobustnessSection:
        summary = pd.read_parquet(folder / "ringkasan.parquet")
        pngs = {name: (folder / f"tornado_{name}.png").read_bytes()
                for name in dict.fromkeys(summary["scenario"])
                if (folder / f"tornado_{name}.png").is_file()}
        return cls(folder, summary, pngs, _read_provenance(folder / "ringkasan.parquet"))

    def table(self, lang: str = "id") -> pd.DataFrame:
        """One row per (scenario, metric): share of better worlds, what it hangs on, verdict."""
        s = self.summary
        return pd.DataFrame({
            t("robustness.col_scenario", lang): s["scenario"],
            t("robustness.col_metric", lang): [t(f"metric.{m}", lang) for m in s["metric"]],
            t("robustness.col_share", lang): (100 * s["share_better"]).round(0),
            t("robustness.col_hangs", lang): s["hangs_on"],
            t("robustness.col_verdict", lang): s["verdict"]})
