"""Comparison tables and figures: the headline text table, trajectories, the comparison workbook.

Only pseudonymous, aggregated or simulation tables are written; group cells with fewer than 10
employees are suppressed by the tables themselves (see :mod:`kinerja_sim.outcomes`). Every file
goes through :mod:`kinerja_sim.report.files` (atomic, formula-inert).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim.labels import t
from kinerja_sim.report.files import write_sheets


def labelled_metrics(df: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Add a human-readable label column next to metric keys."""
    out = df.copy()
    out.insert(out.columns.get_loc("metric") + 1, "label",
               [t(f"metric.{m}", lang) for m in out["metric"]])
    return out


#: Trajectories shown by default: what a policy designer looks at first.
DEFAULT_TRAJECTORIES = ("motivation.index", "motivation.effort_change",
                        "motivation.share_resisting", "service.true_output")


def plot_trajectories(simulations, keys=DEFAULT_TRAJECTORIES, lang: str = "id"):
    """One panel per metric: mean per quarter with the 90 % band, one line per scenario."""
    import matplotlib.pyplot as plt

    from kinerja_sim import outcomes

    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.6), squeeze=False)
    tables = [(s.scenario.name, outcomes.trajectories(s)) for s in simulations]
    for key, ax in zip(keys, axes[0], strict=True):
        for name, tr in tables:
            row = tr[tr["metric"] == key]
            ax.plot(row["period"], row["mean"], marker="o", ms=3, label=name)
            ax.fill_between(row["period"], row["lo"], row["hi"], alpha=0.2)
        ax.set_title(t(f"metric.{key}", lang), fontsize=8, wrap=True)
        ax.set_xlabel("periode (triwulan)" if lang == "id" else "period (quarter)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    ax = abs(x)
    if ax >= 1e5:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.1f}"
    return f"{x:.3f}"


def headline_text(head: pd.DataFrame, baseline: str, lang: str = "id") -> pd.DataFrame:
    """One row per metric, one column per scenario: value, and delta [interval] for reforms."""
    cells = {}
    for _, row in head.iterrows():
        text = f"{_fmt(row['mean'])} [{_fmt(row['lo'])}, {_fmt(row['hi'])}]"
        if row["scenario"] != baseline:
            text = (f"{_fmt(row['mean'])} Δ{_fmt(row['delta_mean'])} "
                    f"[{_fmt(row['delta_lo'])}, {_fmt(row['delta_hi'])}]")
        cells.setdefault(t(f"metric.{row['metric']}", lang), {})[row["scenario"]] = text
    order = list(dict.fromkeys(head["scenario"]))
    return pd.DataFrame.from_dict(cells, orient="index")[order]


def assumptions_text(table: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """The assumptions table (:attr:`kinerja_sim.compare.Comparison.assumptions`) for people:
    labelled columns, the value with its plausible range, the elements new to staff."""
    def new(text: str) -> str:
        return ", ".join(t(f"assumption.element_{e.strip()}", lang)
                         for e in text.split(",") if e.strip()) or "-"

    rows = [{t("assumption.col_scenario", lang): r["scenario"],
             t("assumption.col_assumption", lang): t(f"assumption.{r['assumption']}", lang),
             t("assumption.col_value", lang): f"{r['value']:.2f}",
             t("assumption.col_range", lang): f"{r['low']:.2f}-{r['high']:.2f}",
             t("assumption.col_source", lang): t(f"assumption.source_{r['source']}", lang),
             t("assumption.col_new", lang): new(r["new_elements"])}
            for _, r in table.iterrows()]
    return pd.DataFrame(rows)


def write_comparison(comp, path: str | Path, lang: str = "id") -> Path:
    from kinerja_sim import outcomes

    about = pd.DataFrame([{
        "scenario": s.scenario.name, "hash": s.scenario.hash, "source": s.scenario.source,
        "seed": s.seed, "periods": s.periods, "replications": s.replications}
        for s in comp.simulations])
    trajectories = pd.concat([outcomes.trajectories(s).assign(scenario=s.scenario.name)
                              for s in comp.simulations], ignore_index=True)
    groups = pd.concat([outcomes.group_table(s).assign(scenario=s.scenario.name)
                        for s in comp.simulations], ignore_index=True)
    return write_sheets(path, {
        "ringkasan": labelled_metrics(comp.headline, lang),
        "menang_kalah": comp.winners_losers,
        "kelompok": groups,
        "lintasan": labelled_metrics(trajectories, lang),
        "asumsi": assumptions_text(comp.assumptions, lang),
        "tentang": about,
    })


def predikat_distribution(simulations, period: int = -1) -> pd.DataFrame:
    """Predikat shares (%) side by side: one row per level (best first), one column per
    scenario, each cell "label share" because schemes name their five levels differently."""
    cols = {}
    for sim in simulations:
        codes = sim.panel["predikat"][:, period].astype(np.int64)
        shares = np.stack([np.bincount(r, minlength=5) / r.size for r in codes]).mean(axis=0)
        cols[sim.scenario.name] = [f"{sim.labels[k]} {100 * shares[k]:.1f}%"
                                   for k in range(4, -1, -1)]
    return pd.DataFrame(cols, index=range(4, -1, -1)).rename_axis("kode")
