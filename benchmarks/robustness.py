"""Benchmark: Morris screening of every [M] parameter, serial in-process vs 2-worker Dask.

Run from the repository root::

    .venv/bin/python benchmarks/robustness.py     # kpi_objektif_binjai vs status_quo, Binjai

Workload: ``run_robustness(["kpi_objektif_binjai"], "status_quo", sobol_top=0)`` — Morris
screening (4 levels, ``--trajectories`` trajectories) of every parameter in
``kinerja_sim/data/ranges.yaml``: ``trajectories x (k + 1)`` worlds, each a reform-vs-baseline
comparison on the Binjai workforce (5,124 ASN) over ``--periods`` quarters x
``--replications`` replications on common random numbers (every world has its own baseline,
so nothing is shared between worlds except the workforce).

``run_robustness`` runs once with the ``AlternatingRunner`` of ``benchmarks/sweep.py``: the
worlds are run in ``--blocks`` blocks, each first serially in this process, then on a
LocalCluster with 2 worker processes, so both see the same load on a shared machine; the
cluster's start-up is timed separately and counted against Dask. Every block's serial and Dask
results must be identical (exit 1 if not).

Targets: serial <= 10 minutes, Dask >= 1.7x faster. The last printed line is JSON: ``wall_s``
(serial), ``dask_wall_s``, ``dask_start_s``, ``n_parameters``, ``n_points`` (worlds),
``dask_speedup`` (serial / (Dask + start)), ``dask_speedup_excluding_start``, ``identical``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trajectories", type=int, default=4)
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--n", type=int, default=None, help="rescale the workforce (smoke runs)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocks", type=int, default=4,
                    help="alternate serial and Dask in this many blocks (default 4)")
    ap.add_argument("--reform", default="kpi_objektif_binjai")
    args = ap.parse_args()

    from kinerja_sim.batch import sweep as sw
    from kinerja_sim.batch.robustness import run_robustness

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sweep import AlternatingRunner  # benchmarks/sweep.py

    print(f"machine: {platform.python_version()} on {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    t0 = time.perf_counter()
    with sw.runner(dask=True, n_workers=args.workers, progress=False) as dask_run:
        t_start = time.perf_counter() - t0
        alt = AlternatingRunner(dask_run.client, args.blocks)
        result = run_robustness([args.reform], "status_quo", periods=args.periods,
                                replications=args.replications, n=args.n,
                                trajectories=args.trajectories, sobol_top=0, run=alt)
    k, n_points = len(result.parameters), len(result.worlds)
    t_serial, t_dask = alt.t_serial, alt.t_dask
    speedup = t_serial / (t_dask + t_start)
    print(f"serial: Morris of {k} parameters, {n_points} worlds in {t_serial:.1f} s "
          f"({t_serial / n_points:.2f} s per world)")
    print(f"Dask LocalCluster ({args.workers} workers): {t_dask:.1f} s + start {t_start:.1f} s;"
          f" speedup {speedup:.2f}x ({t_serial / t_dask:.2f}x without start); identical: "
          f"{alt.identical}; load average {os.getloadavg()[0]:.1f} at end")
    for row in result.summary.itertuples():
        print(f"  {row.verdict}")
    print(json.dumps({"wall_s": round(t_serial, 2), "dask_wall_s": round(t_dask, 2),
                      "dask_start_s": round(t_start, 2), "n_parameters": k,
                      "n_points": n_points, "dask_speedup": round(speedup, 3),
                      "dask_speedup_excluding_start": round(t_serial / t_dask, 3),
                      "periods": args.periods, "replications": args.replications,
                      "identical": alt.identical}))
    return 0 if alt.identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
