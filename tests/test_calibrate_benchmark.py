"""Smoke test of benchmarks/calibrate.py at small size (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_calibrate_benchmark_runs_and_reports_its_timings():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "calibrate.py"), "--n",
                           "700", "--repeats", "1"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"audit_s", "calibrate_s", "load_s", "total_s"} <= result.keys()
    assert result["n_employees"] > 500 and result["audit_s"] > 0 and result["calibrate_s"] > 0
