"""Benchmark: a parameter sweep in-process (serial) against a 2-worker Dask LocalCluster.

Run from the repository root::

    .venv/bin/python benchmarks/sweep.py          # 64 points x 10 replications x 8 quarters

Workload: the objective-KPI design (``kpi_objektif_binjai``) against ``status_quo`` on the
Binjai workforce (5,124 ASN), a grid of 64 points: behaviour weight (8 values, 0.05..0.40) x
distribution curve on/off x sosialisasi coverage 0 / 0.9 x rater training on/off. Each point
is the reform with its overrides, simulated for ``--periods`` quarters x ``--replications``
replications and compared with the baseline on common random numbers.

``run_sweep(spec, run=AlternatingRunner)`` runs the points in ``--blocks`` blocks, each
block first serially in this process (``Runner(None)``: one workforce and one baseline, then
the points one by one) and then on a ``LocalCluster(n_workers=2, threads_per_worker=1,
processes=True)`` (each worker imports, builds its workforce and its baseline on its first
point, inside the timed span). Alternating keeps both runs under the same machine load on a
shared machine. The cluster's start-up is timed separately and counted against Dask once.
``run_sweep`` itself runs, with this alternating runner; every block's serial and Dask
results must be identical (exact equality), else exit 1.

The last printed line is JSON: ``wall_s`` (everything), ``serial_wall_s``, ``dask_wall_s``,
``dask_start_s``, ``s_per_point`` (serial seconds per point), ``dask_speedup`` (serial / (Dask
+ start-up)), ``dask_speedup_excluding_start``, ``identical``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time


def spec(points: int, periods: int, replications: int, n: int | None) -> dict:
    n_weights = max(1, points // 8)
    out = {
        "name": "benchmark",
        "scenario": "kpi_objektif_binjai",
        "baseline": "status_quo",
        "periods": periods,
        "replications": replications,
        "parameters": {
            "scheme.params.behaviour_weight": (
                {"low": 0.05, "high": 0.40, "n": n_weights} if n_weights > 1 else [0.2]),
            "scheme.params.distribution.enabled": [False, True],
            "rollout.sosialisasi.coverage": [0.0, 0.9],
            "rollout.rater_training.enabled": [False, True],
        },
    }
    if n is not None:
        out["n"] = n
    return out


class AlternatingRunner:
    """A sweep Runner for benchmarks: every ``map`` runs its tasks in ``blocks`` blocks, each
    first serially in this process and then on the Dask client, timing both; the two result
    lists must be equal, and the serial one is returned. The code under test (``run_sweep``,
    ``morris``) runs unchanged; alternating keeps both sides under the same machine load."""

    def __init__(self, client, blocks: int = 4, lang: str = "id"):
        from kinerja_sim.batch.sweep import Runner

        self.serial = Runner(None, progress=False, lang=lang)
        self.dask = Runner(client, progress=False, lang=lang)
        self.blocks, self.lang, self.progress = blocks, lang, False
        self.t_serial = self.t_dask = 0.0
        self.identical = True

    def map(self, func, tasks, desc=None):
        import numpy as np

        out = []
        for b in np.array_split(np.arange(len(tasks)), max(1, min(self.blocks, len(tasks)))):
            block = [tasks[i] for i in b]
            t1 = time.perf_counter()
            a = self.serial.map(func, block)
            t2 = time.perf_counter()
            d = self.dask.map(func, block)
            t3 = time.perf_counter()
            self.t_serial += t2 - t1
            self.t_dask += t3 - t2
            self.identical &= _same(a, d)
            print(f"  block of {len(block)}: serial {t2 - t1:.1f} s, Dask {t3 - t2:.1f} s "
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)
            out += a
        return out


def _same(a, b) -> bool:
    """Exact equality of nested results (NaN equals NaN)."""
    import numpy as np

    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (np.isnan(a) and np.isnan(b))
    return bool(np.all(a == b))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=64, help="multiple of 8 (default 64)")
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--n", type=int, default=None, help="rescale the workforce (smoke runs)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocks", type=int, default=4,
                    help="alternate serial and Dask in this many blocks (default 4)")
    args = ap.parse_args()

    from kinerja_sim.batch import sweep as sw

    s = spec(args.points, args.periods, args.replications, args.n)
    print(f"machine: {platform.python_version()} on {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    t0 = time.perf_counter()
    with sw.runner(dask=True, n_workers=args.workers, progress=False) as dask_run:
        t_start = time.perf_counter() - t0
        alt = AlternatingRunner(dask_run.client, args.blocks)
        result = sw.run_sweep(s, run=alt)
    n_points = len(result.table)
    t_serial, t_dask = alt.t_serial, alt.t_dask
    print(f"serial (in-process): {n_points} points in {t_serial:.1f} s "
          f"({t_serial / n_points:.2f} s per point)")
    print(f"Dask LocalCluster ({args.workers} workers): {t_dask:.1f} s + cluster start "
          f"{t_start:.1f} s")
    speedup = t_serial / (t_dask + t_start)
    print(f"identical results: {alt.identical}; Dask speedup {speedup:.2f}x with cluster "
          f"start, {t_serial / t_dask:.2f}x without (2x is the limit on 2 cores); load average "
          f"{os.getloadavg()[0]:.1f} at end")
    print(json.dumps({"wall_s": round(time.perf_counter() - t0, 2),
                      "serial_wall_s": round(t_serial, 2), "dask_wall_s": round(t_dask, 2),
                      "dask_start_s": round(t_start, 2),
                      "s_per_point": round(t_serial / n_points, 3),
                      "dask_speedup": round(speedup, 3),
                      "dask_speedup_excluding_start": round(t_serial / t_dask, 3),
                      "n_points": n_points, "replications": args.replications,
                      "periods": args.periods, "identical": alt.identical}))
    return 0 if alt.identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
