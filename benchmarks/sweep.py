"""Benchmark: a parameter sweep in-process (serial) against a 2-worker Dask LocalCluster.

Run from the repository root::

    .venv/bin/python benchmarks/sweep.py          # 64 points x 10 replications x 8 quarters

Workload: the objective-KPI design (``kpi_objektif_binjai``) against ``status_quo`` on the
Binjai workforce (5,124 ASN), a grid of 64 points: behaviour weight (8 values, 0.05..0.40) x
distribution curve on/off x sosialisasi coverage 0 / 0.9 x rater training on/off. Each point
is the reform with its overrides, simulated for ``--periods`` quarters x ``--replications``
replications and compared with the baseline on common random numbers.

1. Serial: ``run_sweep(spec)`` in this process (one workforce and one baseline, then the
   points one by one). Timed from the call to the finished table.
2. Dask: ``run_sweep(spec, dask=True)``: a new ``LocalCluster(n_workers=2,
   threads_per_worker=1, processes=True)`` — its start-up, each worker's import, workforce and
   baseline are inside the timed span.
3. The two tables must be identical (exact equality), else exit 1.

The last printed line is JSON: ``wall_s`` (serial + Dask), ``serial_wall_s``, ``dask_wall_s``,
``s_per_point`` (serial seconds per point), ``dask_speedup`` (serial / Dask), ``identical``.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=64, help="multiple of 8 (default 64)")
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--n", type=int, default=None, help="rescale the workforce (smoke runs)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    import pandas as pd

    from kinerja_sim.batch.sweep import run_sweep

    s = spec(args.points, args.periods, args.replications, args.n)
    print(f"machine: {platform.python_version()} on {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    t0 = time.perf_counter()
    serial = run_sweep(s, progress=False)
    t_serial = time.perf_counter() - t0
    n_points = len(serial.table)
    print(f"serial (in-process): {n_points} points in {t_serial:.1f} s "
          f"({t_serial / n_points:.2f} s per point)")

    t0 = time.perf_counter()
    dask = run_sweep(s, dask=True, n_workers=args.workers, progress=False)
    t_dask = time.perf_counter() - t0
    print(f"Dask LocalCluster ({args.workers} workers, cluster start included): "
          f"{t_dask:.1f} s")
    try:
        pd.testing.assert_frame_equal(serial.table, dask.table, check_exact=True)
        identical = True
    except AssertionError as err:
        print(f"TABLES DIFFER: {err}")
        identical = False
    speedup = t_serial / t_dask
    print(f"identical tables: {identical}; Dask speedup {speedup:.2f}x "
          f"(2x is the limit on 2 cores); load average {os.getloadavg()[0]:.1f} at end")
    print(json.dumps({"wall_s": round(t_serial + t_dask, 2),
                      "serial_wall_s": round(t_serial, 2), "dask_wall_s": round(t_dask, 2),
                      "s_per_point": round(t_serial / n_points, 3),
                      "dask_speedup": round(speedup, 3), "n_points": n_points,
                      "replications": args.replications, "periods": args.periods,
                      "identical": identical}))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
