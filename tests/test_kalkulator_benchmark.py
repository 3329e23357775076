"""Smoke test of benchmarks/sosialisasi.py at small size (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_sosialisasi_benchmark_runs_and_ends_with_json():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sosialisasi.py"),
                           "--changes", "6"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"calc_build_s", "calc_update_median_ms", "calc_update_p95_ms",
            "handout_html_s"} <= result.keys()
    assert result["calc_update_p95_ms"] >= result["calc_update_median_ms"] > 0
