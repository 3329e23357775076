"""Smoke test of benchmarks/dynamics.py at tiny size (no timing assertions).

Runs both Mesa variants: the shared-measurement model (exact check on common random numbers)
and the full per-agent model (statistical check against the engine).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_dynamics_benchmark_runs_and_implementations_agree():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "dynamics.py"), "--n", "300",
         "--periods", "4", "--replications", "4", "--mesa-replications", "2",
         "--check-replications", "1", "--repeats", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"wall_s", "speedup_vs_mesa", "speedup_vs_mesa_shared_measurement",
            "mesa_wall_s", "mesa_shared_measurement_wall_s"} <= result.keys()
    assert result["effort_check_passed"] is True
    # shared-measurement variant: exact agreement on common random numbers
    assert result["max_abs_mean_effort_diff"] <= result["effort_tolerance"]
    # full per-agent variant: agreement within the Monte-Carlo tolerance
    assert result["full_max_effort_diff_over_tolerance"] <= 1
    assert result["full_max_predikat_share_diff_over_tolerance"] <= 1
    assert result["mesa_scaled_linearly"] is True  # 2 of 4 replications, scaled and said so
    assert "scaled linearly" in proc.stdout
    assert "[mesa, full per-agent]" in proc.stdout and "[mesa, shared measurement]" in proc.stdout
