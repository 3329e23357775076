"""Smoke test of benchmarks/scale.py at small size (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scale_benchmark_runs_and_loop_matches_vectorised():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--n", "20000",
         "--loop-sample", "2000"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    # exit code 0: the per-employee loop gave the vectorised predikat (and TPP) for every
    # sampled employee
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"wall_s", "peak_rss_mib", "speedup_vs_loop"} <= result.keys()
    assert result["predikat_match"] is True and result["tpp_match"] is True
    assert result["loop_sample"] == 2000 and result["n_employees"] > 15000
