"""Benchmark: how interactive the interactive faces are, on the Binjai workforce (5,124 ASN).

Run from the repository root::

    .venv/bin/python benchmarks/interactive.py              # everything (~3 min)
    .venv/bin/python benchmarks/interactive.py --no-browser # the designer in-process only

1. Fast update (``fast_median_ms``, ``fast_p95_ms``; target p95 <= 150 ms): the designer app
   (``kinerja_sim.ui.designer``, default preset kpi_objektif_binjai vs status_quo) built in
   process with a synchronous scheduler and the auto projection off; then ``--changes`` (>= 50)
   weight changes, each setting one indicator-weight slider to a new value (sliders and values
   drawn with a fixed seed). Timed: the slider assignment, i.e. everything its observer does —
   update the design, re-score one period (``simulate(..., periods=1)``), four-fifths and
   parity per grouping, winners and losers, redraw the chart to PNG, fill the HTML tables.
   Three warm-up changes are not counted. Also reported: the process CPU time of the same
   work (``fast_cpu_p95_ms``, ``projection_cpu_p95_s``), which a busy shared machine inflates
   much less than wall time.
2. Projection (``projection_median_s``, ``projection_p95_s``; target p95 <= 1.5 s): after a
   weight change, the projection button (8 quarters x 5 replications of the candidate;
   the baseline's projection is cached per baseline, so its first run is timed separately as
   ``projection_first_s``), ``--projections`` times, run synchronously: simulate + the per-
   quarter summaries + the chart + the table.
3. Page ready (``page_ready_s``; target <= 3 s): ``kinerja-sim serve sosialisasi`` on a free
   loopback port (Voila, preheated kernel pool of 2); after ``--warm-s`` seconds for the pool
   to fill, ``--pages`` navigations in headless Debian chromium (Playwright), ``--gap-s``
   apart so the pool refills; each timed from ``page.goto`` to the calculator being usable
   (its predikat output shown and its first realisation field editable). ``page_ready_s`` is
   the median; every value is printed. The same for ``kinerja-sim serve designer``
   (``designer_page_ready_s``: until the predikat table is shown).

The last printed line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def bench_designer(changes: int, projections: int, seed: int) -> dict:
    from kinerja_sim.ui.designer import ManualScheduler, designer

    t0 = time.perf_counter()
    app = designer(scheduler=ManualScheduler(), auto_projection=False)
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    sliders = list(app.weight_sliders.values())

    def change() -> float:
        s = sliders[int(rng.integers(len(sliders)))]
        value = float(np.round(rng.uniform(0.1, 5.0), 1))
        while abs(value - s.value) < 1e-9:
            value = float(np.round(rng.uniform(0.1, 5.0), 1))
        start, cpu = time.perf_counter(), time.process_time()
        s.value = value
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if app.message.value:
            raise SystemExit(f"the designer showed an error: {app.message.value}")
        return elapsed, cpu

    for _ in range(3):
        change()
    fast = [change() for _ in range(changes)]

    def projection() -> tuple[float, float]:
        change()
        start, cpu = time.perf_counter(), time.process_time()
        app.projection_button.click()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if app.last_projection is None or app.message.value:
            raise SystemExit(f"the projection failed: {app.message.value}")
        return elapsed, cpu

    first = projection()[0]
    proj = [projection() for _ in range(projections)]
    reps, periods = app.last_projection.replications, app.last_projection.periods
    return {"designer_build_s": build_s, "fast_ms": [1000 * x for x, _ in fast],
            "fast_cpu_ms": [1000 * c for _, c in fast], "projection_first_s": first,
            "projection_s": [x for x, _ in proj], "projection_cpu_s": [c for _, c in proj],
            "projection_replications": reps, "projection_periods": periods,
            "n_employees": app.state.workforce.n}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(face: str, port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kinerja_sim.cli", "serve", face,
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kinerja-sim serve {face} exited: see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"kinerja-sim serve {face} did not open port {port}")


def bench_pages(face: str, pages: int, warm_s: float, gap_s: float, log_dir: Path) -> list[float]:
    from playwright.sync_api import expect, sync_playwright

    port = _free_port()
    proc = _serve(face, port, log_dir / f"serve_{face}.log")
    url = f"http://127.0.0.1:{port}/"
    times = []
    try:
        time.sleep(warm_s)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(pages):
                if i:
                    time.sleep(gap_s)
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(url, timeout=180_000)
                if face == "sosialisasi":
                    expect(page.locator(".kk-predikat")).not_to_have_text("", timeout=180_000)
                    expect(page.locator(".kk-realisation-0 input")).to_be_editable(
                        timeout=180_000)
                else:
                    expect(page.locator(".ks-distribution table")).to_be_visible(
                        timeout=180_000)
                times.append(time.perf_counter() - start)
                page.close()
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=60)
    ap.add_argument("--projections", type=int, default=6)
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--warm-s", type=float, default=30.0)
    ap.add_argument("--gap-s", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--log-dir", default=str(ROOT / "out"))
    args = ap.parse_args()
    if args.changes < 50 or args.projections < 5:
        ap.error("use at least 50 changes and 5 projections")
    print(f"machine: {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    r = bench_designer(args.changes, args.projections, args.seed)
    fast, proj = r["fast_ms"], r["projection_s"]
    fast_cpu, proj_cpu = r["fast_cpu_ms"], r["projection_cpu_s"]
    print(f"designer built in {r['designer_build_s']:.2f} s on {r['n_employees']} employees")
    print(f"fast update ({len(fast)} weight changes): median {statistics.median(fast):.1f} ms, "
          f"p95 {p95(fast):.1f} ms, max {max(fast):.1f} ms; CPU time median "
          f"{statistics.median(fast_cpu):.1f} ms, p95 {p95(fast_cpu):.1f} ms")
    print(f"projection ({r['projection_periods']} quarters x {r['projection_replications']} "
          f"replications): first (with the baseline) {r['projection_first_s']:.2f} s; then "
          f"{len(proj)} runs median {statistics.median(proj):.2f} s, p95 {p95(proj):.2f} s; "
          f"CPU time median {statistics.median(proj_cpu):.2f} s, p95 {p95(proj_cpu):.2f} s")
    out = {"fast_median_ms": round(statistics.median(fast), 1), "fast_p95_ms": round(p95(fast), 1),
           "fast_changes": len(fast), "projection_first_s": round(r["projection_first_s"], 3),
           "projection_median_s": round(statistics.median(proj), 3),
           "projection_p95_s": round(p95(proj), 3), "projection_runs": len(proj),
           "fast_cpu_p95_ms": round(p95(fast_cpu), 1),
           "projection_cpu_p95_s": round(p95(proj_cpu), 3), "n_employees": r["n_employees"]}
    if not args.no_browser:
        log_dir = Path(args.log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        for face, key in (("sosialisasi", "page_ready_s"), ("designer", "designer_page_ready_s")):
            times = bench_pages(face, args.pages, args.warm_s, args.gap_s, log_dir)
            print(f"{face} page ready (preheated pool): " + ", ".join(f"{x:.2f}" for x in times)
                  + f" s; median {statistics.median(times):.2f} s")
            out[key] = round(statistics.median(times), 2)
            out[f"{key.removesuffix('_s')}_max_s"] = round(max(times), 2)
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
