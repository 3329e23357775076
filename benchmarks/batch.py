"""Batch benchmark: the 8 bundled scenarios through ``kinerja-sim run --jobs 2`` against a
sequential loop of plain ``papermill`` CLI calls on the same report notebook, same run.

Both produce one executed ``laporan_skenario`` notebook and its result files per scenario,
compared with ``status_quo`` on the full Binjai workforce. The loop is what an analyst would
write without the runner: each call starts papermill, a kernel, imports, and simulates the
baseline again. The runner shares the baseline (simulated once, cached by hash), keeps warm
kernels ready (by default forked from a template that imported the package once; the
``--no-fork`` variant, a new kernel process per notebook started ahead, is timed too) and runs
two notebooks at a time. The tables of all three must be identical (checked).

Prints both wall times and their ratio; the last line is JSON with ``wall_s`` (runner),
``papermill_loop_wall_s`` and ``speedup_vs_papermill_loop``.

    python benchmarks/batch.py                       # 8 quarters x 10 replications (the demo)
    python benchmarks/batch.py --replications 20     # heavier
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "laporan_skenario.ipynb"
BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=None, help="work directory (default: a temporary one)")
    args = ap.parse_args()
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    work = Path(args.out or tempfile.mkdtemp(prefix="bench_batch_"))
    common = ["--periods", str(args.periods), "--replications", str(args.replications)]

    run_dir = work / "run"
    run_wall = timed([str(BIN / "kinerja-sim"), "run", *map(str, scenarios), "--baseline",
                      "status_quo", "--jobs", str(args.jobs), "--out", str(run_dir),
                      "--no-progress", *common])
    print(f"kinerja-sim run --jobs {args.jobs}: {run_wall:.1f} s for {len(scenarios)} "
          "scenarios", flush=True)

    plain_dir = work / "run_no_fork"
    plain_wall = timed([str(BIN / "kinerja-sim"), "run", *map(str, scenarios), "--baseline",
                        "status_quo", "--jobs", str(args.jobs), "--out", str(plain_dir),
                        "--no-progress", "--no-fork", *common])
    print(f"kinerja-sim run --jobs {args.jobs} --no-fork (a new kernel process each): "
          f"{plain_wall:.1f} s", flush=True)

    loop_dir = work / "loop"
    loop_dir.mkdir(parents=True, exist_ok=True)
    loop_wall = 0.0
    for sc in scenarios:
        name = sc.stem
        wall = timed([str(BIN / "papermill"), str(NOTEBOOK), str(loop_dir / f"{name}.ipynb"),
                      "-p", "scenario", str(sc), "-p", "baseline", "status_quo",
                      "-p", "periods", str(args.periods), "-p", "replications",
                      str(args.replications), "-p", "output_dir", str(loop_dir / name),
                      "--no-progress-bar"])
        loop_wall += wall
        print(f"  papermill {name}: {wall:.1f} s", flush=True)
    print(f"sequential papermill CLI loop: {loop_wall:.1f} s", flush=True)

    equal = True
    for sc in scenarios:
        for table in ("ringkasan", "menang_kalah", "keadilan", "kelompok"):
            a = pd.read_parquet(run_dir / "hasil" / sc.stem / f"{table}.parquet")
            b = pd.read_parquet(loop_dir / sc.stem / f"{table}.parquet")
            c = pd.read_parquet(plain_dir / "hasil" / sc.stem / f"{table}.parquet")
            try:
                pd.testing.assert_frame_equal(a, b)
                pd.testing.assert_frame_equal(a, c)
            except AssertionError as err:
                equal = False
                print(f"  DIFFERENT {sc.stem}/{table}: {err}")
    ratio = loop_wall / run_wall
    print(f"speed-up of the runner over the papermill loop: {ratio:.2f}x; tables identical: "
          f"{equal}")
    print(json.dumps({"wall_s": round(run_wall, 2), "papermill_loop_wall_s": round(loop_wall, 2),
                      "speedup_vs_papermill_loop": round(ratio, 2),
                      "no_fork_wall_s": round(plain_wall, 2),
                      "no_fork_speedup_vs_papermill_loop": round(loop_wall / plain_wall, 2),
                      "scenarios": len(scenarios),
                      "periods": args.periods, "replications": args.replications,
                      "jobs": args.jobs, "tables_identical": equal}))
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
