"""Smoke test of benchmarks/dynamics.py at tiny size (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_dynamics_benchmark_runs_and_implementations_agree():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dynamics.py"), "--n", "300",
         "--periods", "4", "--replications", "2", "--mesa-replications", "1",
         "--check-replications", "1", "--repeats", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"wall_s", "speedup_vs_mesa"} <= result.keys()
    assert result["effort_check_passed"] is True
    assert result["max_abs_mean_effort_diff"] <= result["effort_tolerance"]
    assert result["mesa_scaled_linearly"] is True  # 1 of 2 replications, scaled and said so
    assert "scaled linearly" in proc.stdout
