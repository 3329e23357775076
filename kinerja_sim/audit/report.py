"""The audit as a self-contained HTML page (figures embedded as PNG, no network) and an xlsx.

Every text on the page is escaped; every table is suppressed where a group has fewer than
``min_group_size`` employees; raters and employees appear by pseudonym only. Written through
the one writer layer (:mod:`kinerja_sim.report.files`).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim.audit.core import AuditResult
from kinerja_sim.labels import t
from kinerja_sim.metrics import metrics_param
from kinerja_sim.report.files import figure_png, frame_html, png_data_uri, write_sheets, write_text


def flag_messages(res: AuditResult, lang: str = "id") -> pd.DataFrame:
    """One plain sentence per flag (what, where, why), next to its columns."""
    min_n = metrics_param("min_group_size")
    out = []
    for r in res.flags.to_dict("records"):
        fmt = {k: ("" if _na(v) else v) for k, v in r.items()}
        n = r.get("n")
        fmt["n_text"] = t("audit.suppressed", lang) if _na(n) or n < min_n else f"{int(n)}"
        for k in ("share", "base", "value", "target", "low", "high"):
            fmt[k] = 0.0 if _na(r.get(k)) else float(r[k])
        out.append(t(f"audit.flag.{r['check']}", lang, **fmt))
    fl = res.flags.copy()
    # counts of small groups are not shown exactly
    fl["n"] = fl["n"].astype("Float64").where(~(fl["n"] < min_n), pd.NA)
    fl.insert(0, "message", out)
    return fl


def localised(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers from the label table (section ``audit_col``), others unchanged."""
    from kinerja_sim.labels import table

    cols = table().get("audit_col", {})
    return df.rename(columns={c: cols[c][lang] for c in df.columns if c in cols})


def _na(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def suppressed_tables(res: AuditResult, lang: str = "id") -> dict[str, pd.DataFrame]:
    """The report's tables with every group cell under the minimum size blanked."""
    min_n = metrics_param("min_group_size")
    q = res.quality_opd.copy()
    q = q.astype("Float64")
    q.loc[q["slots"] < min_n, :] = pd.NA
    qi = res.quality_indicator.astype("Float64")
    qi.loc[qi["slots"] < min_n, :] = pd.NA
    b = res.behaviour_opd.astype("Float64")
    b.loc[b["employees"] < min_n, :] = pd.NA
    c = res.curve.copy()
    small = c["n"] < min_n
    for col in c.columns:
        if col != "org_predikat":
            c[col] = c[col].astype("object").where(~small, pd.NA)
    r = res.raters.drop(columns=["mean_rating"]).copy()
    r["n"] = r["n"].astype("Float64").where(r["n"] >= min_n, pd.NA)  # team size: < 10 hidden
    values = {"employees": res.n, **res.rater_summary, "flags": len(res.flags)}
    summary = pd.DataFrame({"item": [t(f"audit.summary_{k}", lang) for k in values],
                            "value": [f"{v:,.0f}" if k in ("employees", "raters", "flags")
                                      else f"{v:.3g}" for k, v in values.items()]})
    return {"ringkasan": summary,
            "mutu_opd": q.reset_index(), "mutu_indikator": qi.reset_index(),
            "perilaku_opd": b.reset_index(), "penilai": r, "kurva": c.reset_index()}


def _png(fig) -> str:
    png = figure_png(fig, dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return png_data_uri(png)


def _figures(res: AuditResult, lang: str) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = []
    r = res.raters.loc[res.raters["n"] >= 3].sort_values("leniency")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    xs = np.arange(len(r))
    ax.vlines(xs, r["leniency_lo"], r["leniency_hi"], color="0.7", lw=0.8)
    ax.plot(xs, r["leniency"], ".", ms=2, color="C0")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks([])
    ax.set_ylabel("poin" if lang == "id" else "points")
    figs.append((t("audit.figure_raters", lang), _png(fig)))
    q = res.quality_opd.loc[res.quality_opd["slots"] >= metrics_param("min_group_size")]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    xs = np.arange(len(q))
    ax.bar(xs - 0.2, q["missing_share"], 0.4, label="kosong" if lang == "id" else "missing")
    ax.bar(xs + 0.2, q["at_target_share"].fillna(0), 0.4,
           label="= target")
    ax.set_xticks(xs, [str(i)[:18] for i in q.index], rotation=90, fontsize=6)
    ax.legend(fontsize=7)
    figs.append((t("audit.figure_quality", lang), _png(fig)))
    return figs


def render_html(res: AuditResult, lang: str, provenance: dict[str, str]) -> str:
    """The self-contained page (no script, no external resource; all text escaped)."""
    esc = html.escape
    fl = flag_messages(res, lang)
    tables = suppressed_tables(res, lang)
    parts = [f"<!doctype html><html lang='{esc(lang)}'><head><meta charset='utf-8'>",
             f"<title>{esc(t('audit.title', lang))}</title>",
             "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
             "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
             "padding:2px 4px}</style></head><body>",
             f"<h1>{esc(t('audit.title', lang))}</h1><p>{esc(t('audit.intro', lang))}</p>",
             f"<h2>{esc(t('audit.summary', lang))}</h2>",
             frame_html(localised(tables["ringkasan"], lang)),
             f"<h2>{esc(t('audit.flags', lang))} ({len(fl)})</h2>"]
    if len(fl):
        parts.append("<ul>" + "".join(f"<li>{esc(m)}</li>" for m in fl["message"]) + "</ul>")
    else:
        parts.append(f"<p>{esc(t('audit.no_flags', lang))}</p>")
    for title, png in _figures(res, lang):
        parts.append(f"<h3>{esc(title)}</h3><img alt='{esc(title)}' "
                     f"src='{png}'>")
    for key, sheet in (("quality_opd", "mutu_opd"), ("quality_indicator", "mutu_indikator"),
                       ("behaviour_opd", "perilaku_opd"), ("curve", "kurva"),
                       ("raters", "penilai")):
        parts.append(f"<h2>{esc(t('audit.' + key, lang))}</h2>")
        parts.append(frame_html(localised(tables[sheet], lang),
                                float_format=lambda v: f"{v:.3g}"))
    parts.append(f"<h2>{esc(t('audit.provenance', lang))}</h2><table>")
    parts += [f"<tr><td>{esc(str(k))}</td><td>{esc(str(v))}</td></tr>"
              for k, v in provenance.items()]
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_audit(res: AuditResult, out_dir: str | Path, lang: str,
                provenance: dict[str, str]) -> tuple[Path, Path]:
    """``audit.html`` and ``audit.xlsx`` in ``out_dir``."""
    out = Path(out_dir)
    html_path = write_text(out / "audit.html", render_html(res, lang, provenance))
    sheets = {"temuan": flag_messages(res, lang), **suppressed_tables(res, lang)}
    sheets = {name: localised(df, lang) for name, df in sheets.items()}
    sheets = {**sheets,
              "tentang": pd.DataFrame(list(provenance.items()), columns=["kunci", "nilai"])}
    xlsx_path = write_sheets(out / "audit.xlsx", sheets)
    return html_path, xlsx_path
