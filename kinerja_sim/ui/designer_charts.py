"""The designer's two matplotlib charts, rendered to PNG bytes for an ``ipywidgets.Image``.

Object-oriented matplotlib (``Figure`` + Agg canvas, never ``pyplot``): no global figure state,
so a chart can be drawn in a kernel without a display and a redraw costs one Agg render. The
distribution chart keeps its figure and only moves its bars on a redraw (the fast path).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib import image as mimage
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kinerja_sim.labels import t

COLOURS = {"baseline": "#9aa5b1", "candidate": "#1f6fb2"}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


class DistributionChart:
    """Predikat shares, baseline vs candidate, as grouped horizontal bars (best on top)."""

    def __init__(self, lang: str = "id") -> None:
        self.lang = lang
        # fixed margins: a layout engine would re-measure every text on every redraw
        self.fig = Figure(figsize=(5.6, 2.8), dpi=80)
        self.fig.subplots_adjust(left=0.33, right=0.97, top=0.9, bottom=0.1)
        self.ax = self.fig.add_subplot()
        self._labels: tuple[str, ...] | None = None
        y = np.arange(5)
        self.y = y
        self.bars = {
            side: self.ax.barh(y + off, np.zeros(5), height=0.38, color=COLOURS[side],
                               label=t(f"designer.{side}", lang))
            for side, off in (("baseline", 0.2), ("candidate", -0.2))}
        # few texts: glyph rendering is most of a redraw; the numbers are in the table beside
        self.ax.set_xlim(0, 1.0)
        self.ax.set_xticks([0, 0.5, 1.0], labels=["0%", "50%", "100%"], fontsize=8)
        self.ax.grid(axis="x", color="#eeeeee")
        self.ax.set_axisbelow(True)
        self.ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=8,
                       frameon=False, borderaxespad=0.1)
        self.ax.spines[["top", "right"]].set_visible(False)

        for bars in self.bars.values():
            for bar in bars:
                bar.set_animated(True)  # drawn on top of a cached background (blitting)
        self.canvas = FigureCanvasAgg(self.fig)
        self._background = None

    def render(self, labels: tuple[str, ...], baseline: np.ndarray, candidate: np.ndarray
               ) -> bytes:
        """PNG of the chart. Axes, ticks and legend are drawn once per set of labels; a
        redraw only paints the ten bars over that background."""
        if labels != self._labels or self._background is None:
            self.ax.set_yticks(self.y, labels=list(labels), fontsize=8)
            self._labels = labels
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._background)
        for side, shares in (("baseline", baseline), ("candidate", candidate)):
            for bar, v in zip(self.bars[side], shares, strict=True):
                bar.set_width(float(v))
                self.ax.draw_artist(bar)
        buf = io.BytesIO()
        mimage.imsave(buf, np.asarray(self.canvas.buffer_rgba()), format="png",
                      pil_kwargs={"compress_level": 1})
        return buf.getvalue()


def projection_png(result, lang: str = "id") -> bytes:
    """Motivation index and true service contribution per quarter: mean and 90 % band."""
    fig = Figure(figsize=(7.0, 2.6), dpi=80, layout="constrained")
    axes = fig.subplots(1, 2)
    quarters = np.arange(1, result.periods + 1)
    for ax, key in zip(axes, ("motivation.index", "service.true_output"), strict=True):
        for side in ("baseline", "candidate"):
            s = result.series[key][side]
            ax.plot(quarters, s["mean"], color=COLOURS[side], label=t(f"designer.{side}", lang))
            ax.fill_between(quarters, s["lo"], s["hi"], color=COLOURS[side], alpha=0.2, lw=0)
        ax.set_title(t(f"designer.chart_{key.split('.')[0]}", lang), fontsize=10)
        ax.set_xlabel(t("designer.quarter", lang), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].legend(fontsize=8, frameon=False)
    return _png(fig)
