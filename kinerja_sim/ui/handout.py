"""The trainers' handout: the sosialisasi walkthrough as one self-contained HTML file and a PDF.

A trainer prints it or sends it to a room without a network: the HTML embeds its chart as a
``data:`` URI and has no external URL at all (no CDN, no font, no script), and the PDF is that
same file printed by chromium (``--headless --print-to-pdf``), so the two cannot drift apart.
The calculator part becomes two worked examples, rendered by the calculator itself
(:class:`~kinerja_sim.ui.kalkulator.Kalkulator` built without a kernel), so the sentences are
exactly those a participant sees on the page.

Both files are written through the writer layer (:mod:`kinerja_sim.report.files`): atomically,
HTML with :func:`write_text`, the PDF inside :func:`atomic_path`. Command:
``kinerja-sim handout --out handout.html [--pdf handout.pdf] [--lang en]``.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.labels import t
from kinerja_sim.report.files import atomic_path, write_text

__all__ = ["handout_html", "write_handout", "print_pdf", "find_chromium", "params_hash",
           "register", "cmd_handout", "PRINT_CSS", "CHROMIUM_ARGS"]

#: Packaged files whose content the handout shows (their hash goes in the footer).
PARAMETER_FILES = ("schemes/permenpanrb_6_2022.yaml", "schemes/pp46_2011.yaml",
                   "schemes/tpp.yaml", "indicators.yaml", "sosialisasi.yaml",
                   "labels/sosialisasi.yaml")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--no-pdf-header-footer")
PRINT_CSS = """<style>
body {font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px;}
@page {size: A4; margin: 16mm 14mm;}
@media print { body {margin: 0;} .sos {max-width: none;} }
h2, h3 {break-after: avoid;}
table, img, .example, .faq-q {break-inside: avoid;}
.example {border: 1px solid #bbb; border-radius: 6px; padding: 6px 12px; margin: 10px 0;}
.example h4 {margin: 4px 0;}
.kk-predikat {font-size: 17px; font-weight: 700; padding: 4px 8px; background: #e8f0fe;}
table.kk-matrix {border-collapse: collapse;}
table.kk-matrix td, table.kk-matrix th {border: 1px solid #999; padding: 3px 6px;
  text-align: center; font-size: 12px;}
.kk-sentence {margin: 2px 0 5px 0;}
footer {margin-top: 24px; font-size: 11px; color: #555; border-top: 1px solid #ccc;}
</style>"""


def params_hash() -> str:
    """Short content hash of the packaged files the handout's numbers and texts come from."""
    h = hashlib.sha256()
    data = resources.files("kinerja_sim").joinpath("data")
    for rel in PARAMETER_FILES:
        h.update(rel.encode())
        h.update(data.joinpath(*rel.split("/")).read_bytes())
    return h.hexdigest()[:16]


def _example(lang: str, title_key: str, rumpun: str, realisations: dict[int, float | None],
             perilaku: float) -> str:
    """One worked example, rendered by the calculator itself."""
    from kinerja_sim.ui.kalkulator import Kalkulator

    k = Kalkulator(lang=lang, rumpun=rumpun)
    for j, value in realisations.items():
        if value is None:
            k.iki_rows[j].missing.value = True
        else:
            k.iki_rows[j].realisation.value = value
    for w in k.perilaku:
        w.value = perilaku
    parts = [f"<h4>{html.escape(t(title_key, lang))}</h4>", k.out_iki.value,
             k.out_ratings.value, k.out_matrix.value,
             f"<div class='kk-predikat'>{k.out_predikat.value}</div>",
             k.out_predikat_note.value, k.out_curve.value, k.out_tpp.value, k.out_pp46.value]
    return f"<div class='example'>{''.join(parts)}</div>"


def handout_html(lang: str = "id") -> str:
    """The whole handout as one HTML document with no external reference."""
    from kinerja_sim.provenance import versions
    from kinerja_sim.ui.sosialisasi import CONTENT_CSS, section_html

    body = [section_html(k, lang) for k in ("intro", "measure", "data", "matrix", "curve")]
    body.append(f"<h2>{html.escape(t('sosialisasi.calc.head', lang))}</h2>"
                f"<p>{html.escape(t('sosialisasi.calc.handout', lang))}</p>")
    body.append(_example(lang, "sosialisasi.calc.example_ok", "pelayanan_administrasi", {},
                         80.0))
    body.append(_example(lang, "sosialisasi.calc.example_low", "kesehatan",
                         {0: None, 1: 70.0}, 80.0))
    body.append(section_html("faq", lang))
    footer = t("sosialisasi.footer", lang, version=versions()["kinerja_sim"],
               created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), params_hash=params_hash())
    title = html.escape(t("sosialisasi.title", lang))
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{title}</title>{CONTENT_CSS}{PRINT_CSS}</head><body><div class='sos'>"
            + "".join(body) + f"<footer>{html.escape(footer)}</footer></div></body></html>\n")


def find_chromium(path: str | None = None, lang: str = "id") -> str:
    """The chromium executable: ``path`` if given (and nothing else), else env
    ``KINERJA_SIM_CHROMIUM``, else chromium on PATH."""
    candidates = (path,) if path else (os.environ.get("KINERJA_SIM_CHROMIUM"), "chromium",
                                       "chromium-browser", "google-chrome")
    for candidate in candidates:
        if candidate and (found := shutil.which(candidate)):
            return found
    raise InputError([Problem("handout", "--pdf", t("handout.no_chromium", lang),
                              expected=t("handout.chromium_hint", lang))])


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None,
              timeout: float = 180.0, lang: str = "id") -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless chromium (atomic: a failed print leaves
    no file). A throw-away profile keeps it independent of any running chromium."""
    exe = find_chromium(chromium, lang)
    uri = Path(html_path).resolve().as_uri()
    with atomic_path(pdf_path) as tmp, tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([exe, *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                               f"--print-to-pdf={tmp}", uri], capture_output=True,
                              timeout=timeout, check=False)
        data = Path(tmp).read_bytes() if Path(tmp).exists() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise InputError([Problem(str(pdf_path), "", t("handout.pdf_failed", lang),
                                      expected=" | ".join(tail) or None)])
    return Path(pdf_path)


def write_handout(out: str | Path, pdf: str | Path | None = None, lang: str = "id",
                  chromium: str | None = None) -> list[Path]:
    """Write the handout HTML to ``out`` and, if asked, its PDF print to ``pdf``."""
    written = [write_text(out, handout_html(lang))]
    if pdf is not None:
        written.append(print_pdf(out, pdf, chromium, lang=lang))
    return written


def register(subparsers) -> list[argparse.ArgumentParser]:
    p = subparsers.add_parser("handout", help="handout pelatih (HTML + PDF) / trainers' "
                                              "handout (HTML + PDF)")
    p.add_argument("--out", required=True, help="FILE.html (satu file mandiri)")
    p.add_argument("--pdf", default=None, help="FILE.pdf, dicetak chromium dari HTML")
    p.add_argument("--chromium", default=None, metavar="PATH",
                   help="program chromium (default: /usr/bin/chromium di PATH)")
    p.set_defaults(func=cmd_handout)
    return [p]


def cmd_handout(args) -> int:
    lang = getattr(args, "lang", "id")
    if args.pdf is not None:
        find_chromium(args.chromium, lang)  # fail before writing anything
    for path in write_handout(args.out, args.pdf, lang, args.chromium):
        print(t("handout.written", lang, path=path), file=sys.stderr)
    return 0
