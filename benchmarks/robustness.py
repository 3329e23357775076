"""Benchmark: Morris screening of every [M] parameter, serial in-process vs 2-worker Dask.

Run from the repository root::

    .venv/bin/python benchmarks/robustness.py     # kpi_objektif_binjai vs status_quo, Binjai

Workload: ``run_robustness(["kpi_objektif_binjai"], "status_quo", sobol_top=0)`` — Morris
screening (4 levels, ``--trajectories`` trajectories) of every parameter in
``kinerja_sim/data/ranges.yaml``: ``trajectories x (k + 1)`` worlds, each a reform-vs-baseline
comparison on the Binjai workforce (5,124 ASN) over ``--periods`` quarters x
``--replications`` replications on common random numbers (every world has its own baseline,
so nothing is shared between worlds except the workforce).

1. Serial, in this process. 2. ``--dask``: a new LocalCluster with 2 worker processes (start-up
included in the timed span). The Morris tables of both runs must be identical (exit 1 if not).

Targets: serial <= 10 minutes, Dask >= 1.7x faster. The last printed line is JSON: ``wall_s``
(serial), ``dask_wall_s``, ``n_parameters``, ``n_points`` (worlds), ``dask_speedup``,
``identical``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trajectories", type=int, default=4)
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--n", type=int, default=None, help="rescale the workforce (smoke runs)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reform", default="kpi_objektif_binjai")
    args = ap.parse_args()

    import pandas as pd

    from kinerja_sim.batch.robustness import run_robustness

    kw = dict(periods=args.periods, replications=args.replications, n=args.n,
              trajectories=args.trajectories, sobol_top=0, progress=False)
    print(f"machine: {platform.python_version()} on {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    t0 = time.perf_counter()
    serial = run_robustness([args.reform], "status_quo", **kw)
    t_serial = time.perf_counter() - t0
    k, n_points = len(serial.parameters), len(serial.worlds)
    print(f"serial: Morris of {k} parameters, {n_points} worlds in {t_serial:.1f} s "
          f"({t_serial / n_points:.2f} s per world)")
    t0 = time.perf_counter()
    dask = run_robustness([args.reform], "status_quo", dask=True, n_workers=args.workers, **kw)
    t_dask = time.perf_counter() - t0
    try:
        pd.testing.assert_frame_equal(serial.morris, dask.morris, check_exact=True)
        pd.testing.assert_frame_equal(serial.worlds, dask.worlds, check_exact=True)
        identical = True
    except AssertionError as err:
        print(f"RESULTS DIFFER: {err}")
        identical = False
    speedup = t_serial / t_dask
    print(f"Dask LocalCluster ({args.workers} workers, start-up included): {t_dask:.1f} s; "
          f"speedup {speedup:.2f}x; identical: {identical}; load average "
          f"{os.getloadavg()[0]:.1f} at end")
    for row in serial.summary.itertuples():
        print(f"  {row.verdict}")
    print(json.dumps({"wall_s": round(t_serial, 2), "dask_wall_s": round(t_dask, 2),
                      "n_parameters": k, "n_points": n_points,
                      "dask_speedup": round(speedup, 3), "periods": args.periods,
                      "replications": args.replications, "identical": identical}))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
