"""Figures of the analysts' reports: predikat distributions, trajectories, deltas, winners/losers.

Each function takes the tidy tables a report writes (so the index of a batch can redraw them
from its Parquet files) and returns a :class:`matplotlib.figure.Figure` built without pyplot:
no global figure state, nothing shown twice by a notebook's inline backend, and no GUI backend
needed. Save with :func:`kinerja_sim.report.files.save_figure`; text comes from the label table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kinerja_sim.labels import t

#: Colours for the five predikat levels, worst (0) to best (4).
PREDIKAT_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#67a9cf", "#2166ac")


def predikat_bars(predikat: pd.DataFrame, lang: str = "id") -> Figure:
    """Stacked horizontal bars: the share of each predikat level per scenario (final period).

    ``predikat`` has columns ``scenario, code, label, mean`` (share 0..1), one row per level.
    """
    scenarios = list(dict.fromkeys(predikat["scenario"]))
    fig = Figure(figsize=(8.0, 0.5 * len(scenarios) + 1.6))
    ax = fig.add_subplot()
    left = np.zeros(len(scenarios))
    for code in range(5):
        rows = predikat[predikat["code"] == code].set_index("scenario").reindex(scenarios)
        share = rows["mean"].fillna(0.0).to_numpy()
        ax.barh(scenarios, 100 * share, left=100 * left, color=PREDIKAT_COLOURS[code],
                label=t(f"batch.predikat_level_{code}", lang), edgecolor="white", lw=0.5)
        left += share
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("batch.axis_share_pct", lang), fontsize=8)
    ax.set_title(t("batch.fig_predikat", lang), fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.25 if
              len(scenarios) < 4 else -0.12), frameon=False)
    fig.tight_layout()
    return fig


def trajectory_lines(lintasan: pd.DataFrame, keys: tuple[str, ...], lang: str = "id") -> Figure:
    """One panel per metric: mean per quarter with its 90 % band, one line per scenario.

    ``lintasan`` has columns ``scenario, metric, period, mean, lo, hi``.
    """
    fig = Figure(figsize=(3.6 * len(keys), 3.4))
    axes = fig.subplots(1, len(keys), squeeze=False)[0]
    for key, ax in zip(keys, axes, strict=True):
        for name, rows in lintasan[lintasan["metric"] == key].groupby("scenario", sort=False):
            ax.plot(rows["period"], rows["mean"], marker="o", ms=3, label=name)
            ax.fill_between(rows["period"], rows["lo"], rows["hi"], alpha=0.2)
        ax.set_title(t(f"metric.{key}", lang), fontsize=7, wrap=True)
        ax.set_xlabel(t("batch.axis_period", lang), fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0].legend(fontsize=6)
    fig.tight_layout()
    return fig


def delta_intervals(headline: pd.DataFrame, keys: tuple[str, ...], lang: str = "id") -> Figure:
    """Per metric, each reform's change against the baseline with its 90 % interval.

    ``headline`` is a ``compare`` headline table (rows with NaN delta are the baseline).
    """
    reforms = headline[headline["delta_mean"].notna()]
    scenarios = list(dict.fromkeys(reforms["scenario"]))
    fig = Figure(figsize=(8.0, len(keys) * (0.28 * len(scenarios) + 0.9)))
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    for key, ax in zip(keys, axes, strict=True):
        rows = reforms[reforms["metric"] == key].set_index("scenario").reindex(scenarios)
        y = np.arange(len(scenarios))
        mean = rows["delta_mean"].to_numpy(dtype=float)
        err = np.vstack([mean - rows["delta_lo"].to_numpy(dtype=float),
                         rows["delta_hi"].to_numpy(dtype=float) - mean])
        ax.errorbar(mean, y, xerr=np.abs(err), fmt="o", ms=4, capsize=3)
        ax.axvline(0.0, color="grey", lw=0.8)
        ax.set_yticks(y, scenarios)
        ax.set_title(t(f"metric.{key}", lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def winners_losers_bars(table: pd.DataFrame, dimension: str, lang: str = "id") -> Figure:
    """Share of each group whose predikat rose (right) or fell (left), per scenario.

    ``table`` is a ``winners_losers`` table; suppressed groups (fewer than 10 employees) have
    no value and are drawn as empty rows, so their absence is visible.
    """
    rows = table[table["dimension"] == dimension]
    scenarios = list(dict.fromkeys(rows["scenario"]))
    groups = sorted(rows["group"].astype(str).unique())
    fig = Figure(figsize=(max(3.4 * len(scenarios), 7.0), 0.28 * len(groups) + 1.8))
    axes = fig.subplots(1, max(len(scenarios), 1), squeeze=False, sharey=True)[0]
    for name, ax in zip(scenarios, axes, strict=False):
        part = rows[rows["scenario"] == name]
        part = part.set_index(part["group"].astype(str)).reindex(groups)
        y = np.arange(len(groups))
        ax.barh(y, 100 * part["share_up"].fillna(0.0), color="#2166ac",
                label=t("column.share_up", lang))
        ax.barh(y, -100 * part["share_down"].fillna(0.0), color="#b2182b",
                label=t("column.share_down", lang))
        ax.axvline(0.0, color="grey", lw=0.8)
        ax.set_yticks(y, groups)
        ax.set_title(name, fontsize=7)
        ax.set_xlabel(t("batch.axis_share_pct", lang), fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0].invert_yaxis()
    axes[0].legend(fontsize=6, loc="lower left")
    fig.suptitle(t("batch.fig_winners_losers", lang, dimension=dimension), fontsize=8,
                 wrap=True)
    fig.tight_layout()
    return fig
