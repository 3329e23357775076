"""The sosialisasi walkthrough: the sections a trainer shows, as HTML, for the notebook and the
handout alike.

Every sentence comes from the label table (``data/labels/sosialisasi.yaml``); every number and
rule shown comes from the packaged parameters through the engine (the indicator catalogue, the
6/2022 levels and matrix, the SE 03/2023 rules, the example OPD run through the engine's curve),
so a changed parameter changes the material and no figure is typed twice. The notebook
(``notebooks/sosialisasi.ipynb``) shows one section per cell; :mod:`kinerja_sim.ui.handout`
strings the same sections into one printable file.
"""

from __future__ import annotations

import html
from functools import lru_cache

import numpy as np

from kinerja_sim.indicators import default_catalogue
from kinerja_sim.labels import t
from kinerja_sim.params import load_yaml
from kinerja_sim.report.files import figure_png, png_data_uri
from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.schemes.distribution import LABELS, DistributionParams, apply_distribution

__all__ = ["SECTIONS", "section_html", "show", "rules_text", "curve_example", "curve_figure",
           "figure_data_uri", "CONTENT_CSS"]

#: Section keys in the order of a session.
SECTIONS = ("intro", "measure", "data", "matrix", "curve", "faq")

CONTENT_CSS = """<style>
.sos {max-width: 980px; font-size: 15px; line-height: 1.45;}
.sos h2 {margin-top: 1.2em; border-bottom: 2px solid #1a5276; color: #1a5276;}
.sos table {border-collapse: collapse; margin: 6px 0;}
.sos td, .sos th {border: 1px solid #999; padding: 3px 8px; font-size: 13px;}
.sos .faq-q {font-weight: 700; margin-top: 10px;}
.sos img {max-width: 100%;}
table.kk-matrix td.kk-here {background: #ffd54f; font-weight: 700;}
</style>"""


def _e(x: object) -> str:
    return html.escape(str(x))


def _p(key: str, lang: str, **fmt) -> str:
    return f"<p>{_e(t(f'sosialisasi.{key}', lang, **fmt))}</p>"


def _h(key: str, lang: str) -> str:
    return f"<h2>{_e(t(f'sosialisasi.{key}', lang))}</h2>"


def _pct(x: float) -> str:
    return f"{x * 100:g}"


def rules_text(org: str, rules: DistributionParams, lang: str = "id") -> str:
    """One sentence with the SE 03/2023 rules of an organisation predikat, read from the rule
    data (optional floors of 0 % are not rules and are left out)."""
    r = rules.rules[org]
    parts = []
    for c in r.caps:
        parts.append(t("sosialisasi.curve.cap_zero", lang, category=c.category)
                     if c.max_share == 0 else
                     t("sosialisasi.curve.cap", lang, category=c.category,
                       pct=_pct(c.max_share)))
    joiner = t("sosialisasi.curve.or", lang)
    for f in r.floors:
        cats = joiner.join(f.categories)
        if f.min_share > 0:
            parts.append(t("sosialisasi.curve.floor", lang, pct=_pct(f.min_share),
                           categories=cats))
        elif f.min_count > 0:
            parts.append(t("sosialisasi.curve.floor_count", lang, count=f.min_count,
                           categories=cats))
    return t("sosialisasi.curve.rule", lang, org=org, rules="; ".join(parts))


@lru_cache(maxsize=4)
def curve_example() -> dict[str, np.ndarray]:
    """The example OPD of ``data/sosialisasi.yaml`` through the engine's curve under each
    organisation predikat: ``{"before": (5,), org: (5,) counts after, "moved_" + org: n}``."""
    ex = load_yaml("sosialisasi.yaml")["curve_example"]
    counts = np.array([ex["counts"][label] for label in LABELS], dtype=np.int64)
    n = int(counts.sum())
    if n != ex["opd_size"]:
        raise ValueError(f"sosialisasi.yaml curve_example: counts sum to {n}, "
                         f"opd_size is {ex['opd_size']}")
    raw = np.repeat(np.arange(5, dtype=np.int8), counts)
    merit = np.linspace(-1.0, 1.0, n)
    rules = p6.default_params().distribution.model_copy(update={"enabled": True})
    out: dict[str, np.ndarray] = {"before": counts}
    G = len(ORG_PREDIKAT)
    final, report = apply_distribution(np.tile(raw, G), np.tile(merit, G),
                                       np.repeat(np.arange(G), n), np.arange(G),
                                       np.ones(G * n, dtype=bool), rules)
    for g, org in enumerate(ORG_PREDIKAT):
        out[org] = report["counts_final"][g]
        out["moved_" + org] = int(report["moved_per_group"][g])
    return out


def curve_figure(lang: str = "id"):
    """Bars of the example OPD before the curve and after it, one panel per OPD predikat."""
    from matplotlib.figure import Figure  # no pyplot: no backend switch inside a kernel

    ex = curve_example()
    orgs = list(reversed(ORG_PREDIKAT))
    fig = Figure(figsize=(11, 3.9), layout="constrained")
    axes = fig.subplots(1, len(orgs), sharey=True)
    x = np.arange(5)
    for ax, org in zip(axes, orgs, strict=True):
        ax.bar(x - 0.2, ex["before"], width=0.4, color="#bbbbbb",
               label=t("sosialisasi.curve.before", lang))
        ax.bar(x + 0.2, ex[org], width=0.4, color="#1a5276",
               label=t("sosialisasi.curve.after", lang))
        ax.set_title(f"OPD {org}\n{t('sosialisasi.curve.moved', lang, n=ex['moved_' + org])}",
                     fontsize=9)
        ax.set_xticks(x, LABELS, fontsize=7, rotation=40, ha="right")
    axes[0].set_ylabel(t("sosialisasi.curve.ylabel", lang))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8)
    return fig


def figure_data_uri(fig) -> str:
    """A figure as a ``data:`` URI (embedded, so the page and the handout need no file)."""
    return png_data_uri(figure_png(fig, dpi=110))


def _measure_table(lang: str) -> str:
    cat = default_catalogue()
    rows = []
    groups = [*cat.assignment.by_rumpun.items(), ("struktural", cat.assignment.structural)]
    for rumpun, slots in groups:
        for kind, names in (("utama", slots.utama), ("tambahan", slots.tambahan)):
            for name in names:
                spec = cat.indicators[name]
                rows.append("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in (
                    t(f"kalkulator.rumpun.{rumpun}", lang), getattr(spec.label, lang),
                    spec.unit, t(f"kalkulator.direction_{spec.direction}", lang),
                    f"{spec.target:g}", t(f"sosialisasi.measure.{kind}", lang))) + "</tr>")
    head = "".join(f"<th>{_e(t(f'sosialisasi.measure.col_{c}', lang))}</th>" for c in (
        "rumpun", "indicator", "unit", "direction", "target", "kind"))
    return (f"<p>{_e(t('sosialisasi.measure.table_caption', lang))}</p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table>")


def section_html(key: str, lang: str = "id", *, embed_figures: bool = True) -> str:
    """The HTML of one walkthrough section (``key`` in :data:`SECTIONS`)."""
    par = p6.default_params()
    if key == "intro":
        return (f"<h1>{_e(t('sosialisasi.title', lang))}</h1>"
                f"<p><i>{_e(t('sosialisasi.subtitle', lang))}</i></p>"
                + _h("intro.head", lang)
                + "".join(_p(f"intro.p{i}", lang) for i in range(1, 5)))
    if key == "measure":
        return (_h("measure.head", lang) + _p("measure.p1", lang)
                + f"<ul><li>{_e(t('sosialisasi.measure.higher', lang))}</li>"
                f"<li>{_e(t('sosialisasi.measure.lower', lang))}</li></ul>"
                + _p("measure.levels", lang, sesuai=f"{par.hasil.sesuai_from:g}",
                     atas=f"{par.hasil.atas_from:g}")
                + _measure_table(lang))
    if key == "data":
        return (f"<h3>{_e(t('sosialisasi.data.head', lang))}</h3>"
                + "".join(_p(f"data.{k}", lang) for k in ("missing", "inconsistent", "slips")))
    if key == "matrix":
        from kinerja_sim.ui.kalkulator import matrix_html

        return (_h("matrix.head", lang) + _p("matrix.p1", lang) + _p("matrix.p2", lang)
                + matrix_html(par))
    if key == "curve":
        ex = curve_example()
        before = ", ".join(f"{int(c)} {lbl}" for c, lbl in zip(ex["before"], LABELS,
                                                                 strict=True) if c)
        rules = "".join(f"<li>{_e(rules_text(org, par.distribution, lang))}</li>"
                        for org in reversed(ORG_PREDIKAT))
        body = (_h("curve.head", lang) + _p("curve.p1", lang)
                + f"<p>{_e(t('sosialisasi.curve.rules_caption', lang))}</p><ul>{rules}</ul>"
                + _p("curve.example", lang, n=int(ex["before"].sum()), before=before))
        if embed_figures:
            body += f"<img alt='curve' src='{figure_data_uri(curve_figure(lang))}'/>"
        return body
    if key == "faq":
        items = "".join(f"<div class='faq-q'>{_e(t(f'sosialisasi.faq.q{i}', lang))}</div>"
                        f"<div>{_e(t(f'sosialisasi.faq.a{i}', lang))}</div>"
                        for i in range(1, 6))
        return _h("faq.head", lang) + items
    if key == "calc":
        return _h("calc.head", lang) + _p("calc.p1", lang)
    raise ValueError(f"unknown section {key!r}; expected one of {(*SECTIONS, 'calc')}")


def show(key: str, lang: str = "id") -> None:
    """Display one section in a notebook (used by notebooks/sosialisasi.ipynb)."""
    from IPython.display import HTML, display

    css = CONTENT_CSS if key == "intro" else ""
    display(HTML(f"{css}<div class='sos'>{section_html(key, lang)}</div>"))
