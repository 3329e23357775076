"""Sosialisasi face workloads: the calculator's update after an entry, and the handout.

* calculator: median and p95 of one full update (range checks, the three schemes, the curve
  outcomes over every colleague composition of an OPD of 10, all sentences) over ``--changes``
  entries typed into the widgets in plain Python (no kernel, no browser);
* handout: building the HTML, and printing it to PDF with chromium (if found);
* ``--browser``: time from navigation to a visible predikat on ``kinerja-sim serve
  sosialisasi`` with the preheated pool, over ``--pages`` page loads, the first ``--warmup`` s
  after the port opens and the others ``--gap`` s apart (time for the pool to refill).

Prints the figures, then ONE line of JSON (keys name their units).
Usage: ``python benchmarks/sosialisasi.py [--changes 60] [--browser --pages 3]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def bench_calculator(changes: int) -> dict[str, float]:
    from kinerja_sim.ui.kalkulator import Kalkulator

    t0 = time.perf_counter()
    k = Kalkulator()
    build = time.perf_counter() - t0
    times = []
    orgs = ["Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang"]
    for i in range(changes):
        t0 = time.perf_counter()
        if i % 3 == 0:
            k.iki_rows[0].realisation.value = 10.0 + (i % 30)
        elif i % 3 == 1:
            k.perilaku[i % 7].value = 60.0 + (i % 40)
        else:
            k.org_predikat.value = orgs[i % 5]
        times.append(time.perf_counter() - t0)
        assert k.appraisal is not None
    return {"calc_build_s": build, "calc_update_median_ms": statistics.median(times) * 1e3,
            "calc_update_p95_ms": p95(times) * 1e3}


def bench_handout() -> dict[str, float]:
    from kinerja_sim.errors import InputError
    from kinerja_sim.report.files import write_text
    from kinerja_sim.ui.handout import handout_html, print_pdf

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        html = write_text(Path(tmp) / "h.html", handout_html("id"))
        out = {"handout_html_s": time.perf_counter() - t0}
        try:
            t0 = time.perf_counter()
            print_pdf(html, Path(tmp) / "h.pdf")
            out["handout_pdf_s"] = time.perf_counter() - t0
        except InputError as err:
            print(f"PDF skipped: {err}", file=sys.stderr)
    return out


def bench_browser(pages: int, warmup: float, gap: float) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import chromium_page, served

    ready = []
    with served("sosialisasi") as url:
        time.sleep(warmup)  # the two pooled kernels execute the notebook after the port opens
        for i in range(pages):
            if i:
                time.sleep(gap)  # the pool refills in the background between visitors
            with chromium_page() as page:
                t0 = time.perf_counter()
                page.goto(url, timeout=120_000)
                page.locator(".kk-predikat").wait_for(timeout=120_000)
                ready.append(time.perf_counter() - t0)
    return {"page_ready_median_s": statistics.median(ready), "page_ready_max_s": max(ready)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=60)
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=30.0, help="s after the port opens")
    ap.add_argument("--gap", type=float, default=15.0, help="s between page loads")
    args = ap.parse_args()
    result = bench_calculator(args.changes)
    result.update(bench_handout())
    if args.browser:
        result.update(bench_browser(args.pages, args.warmup, args.gap))
    for key, value in result.items():
        print(f"{key:28s} {value:10.3f}")
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
