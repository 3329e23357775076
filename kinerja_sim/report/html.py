"""Self-contained HTML pages: escaped text, tables, figures embedded as data URIs.

A report page is sent by e-mail or WhatsApp and opened offline, so it must not fetch anything:
no CDN stylesheet, no script, no web font, no remote image. Figures are PNG bytes embedded as
``data:image/png;base64`` URIs; links point only to files next to the page (relative paths).
Every piece of text — labels, scenario names, table cells, error messages — is escaped here, so
a scenario named ``<script>`` shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from urllib.parse import quote

import pandas as pd

from kinerja_sim.report.files import frame_html, png_data_uri

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 1.5rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.8rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
td { white-space: nowrap; }
tbody th { min-width: 20rem; text-align: left; font-weight: normal; background: #e8edf4;
           color: #222; position: static; }
th { background: #1f3b63; color: #fff; position: sticky; top: 0; }
td:first-child, th:first-child { text-align: left; }
tr:nth-child(even) td { background: #f5f7fa; }
img { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.85rem; }
.fail { color: #b2182b; }
footer { margin-top: 3rem; font-size: 0.75rem; color: #555; border-top: 1px solid #ccc; }
.scroll { overflow-x: auto; }
"""


def esc(text: object) -> str:
    """``text`` as HTML-safe text (quotes included)."""
    return html.escape(str(text), quote=True)


def data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` URI (nothing to fetch)."""
    return png_data_uri(png)


def figure(png: bytes, alt: str) -> str:
    return f'<figure><img src="{data_uri(png)}" alt="{esc(alt)}"></figure>'


def table(df: pd.DataFrame, index: bool = True, float_format: str = "{:,.3f}") -> str:
    """A DataFrame as an HTML table; every cell and header escaped."""
    body = frame_html(df, index=index, border=0, na_rep="-", float_format=float_format.format)
    return f'<div class="scroll">{body}</div>'


def link(href: str, text: str) -> str:
    """A link to a file next to the page (a relative path; its parts are URL-quoted)."""
    if "://" in href or href.startswith(("/", "data:", "javascript:")):
        raise ValueError(f"only relative links are allowed in a self-contained page: {href!r}")
    return f'<a href="{esc(quote(href))}">{esc(text)}</a>'


def paragraph(text: str, cls: str | None = None) -> str:
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<p{attr}>{esc(text)}</p>"


def heading(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def bullet_list(items: Iterable[str], cls: str | None = None) -> str:
    """A list whose items are already-built HTML fragments (from the functions above)."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def footer(record: Mapping[str, str], title: str) -> str:
    """The provenance record as a small key/value list at the page's foot."""
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in record.items())
    return f"<footer><p>{esc(title)}</p><table>{rows}</table></footer>"


def page(title: str, parts: Iterable[str], lang: str = "id") -> str:
    """A complete HTML document from already-escaped fragments."""
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{esc(title)}</h1>\n{body}\n</body>\n</html>\n")
