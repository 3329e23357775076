"""Benchmark: audit + calibrate of a Binjai-size appraisal file (target <= 60 s on 2 cores).

Run from the repository root::

    .venv/bin/python benchmarks/calibrate.py              # Binjai, 5,124 ASN, CSV file
    .venv/bin/python benchmarks/calibrate.py --format xlsx

1. Setup (untimed): a synthetic Binjai file written under ``status_quo`` with non-default
   measurement settings (``kinerja_sim.workforce.observed.observed_file``, then the exporter),
   as ``kinerja-sim workforce --scenario`` writes it.
2. ``load_s``: loading the file (``load_workforce``: read, check every cell, pseudonymise).
3. ``audit_s``: ``audit(workforce)`` and writing ``audit.html`` + ``audit.xlsx`` (what
   ``kinerja-sim audit`` does after loading).
4. ``calibrate_s``: ``calibrate(workforce)`` (bootstrap, simulated method of moments, the
   predictive check) and writing the scenario YAML.
Each timing is the median of ``--repeats``. The last printed line is JSON; ``total_s`` is
load + audit + calibrate, to compare with ``target_s`` (the issue's 60 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {"raters.leniency_sd": 6.0, "raters.halo_sd": 1.2,
            "measurement.defaults.data_quality.missing": 0.04, "target_ambition": -0.15}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--n", type=int, default=None, help="rescale Binjai to about n")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)

    from kinerja_sim.audit.calibrate import calibrate, scenario_yaml
    from kinerja_sim.audit.core import audit
    from kinerja_sim.audit.report import write_audit
    from kinerja_sim.provenance import provenance
    from kinerja_sim.report.files import write_text
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import load_workforce
    from kinerja_sim.workforce.export import export_workforce
    from kinerja_sim.workforce.observed import observed_file

    sc = load_scenario("status_quo", SETTINGS)
    wf0, _ = observed_file("binjai", sc, seed=2026, n=args.n)
    tmp = Path(tempfile.mkdtemp(prefix="kinerja_bench_"))
    data = tmp / f"pegawai.{args.format}"
    export_workforce(wf0, data)
    loads, audits, cals = [], [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        wf = load_workforce(data, salt="bench")
        t1 = time.perf_counter()
        res = audit(wf)
        write_audit(res, tmp / "audit", "id", provenance(load_scenario("status_quo"), 0, wf))
        t2 = time.perf_counter()
        cal = calibrate(wf, file_id="bench")
        write_text(tmp / "kal.yaml", scenario_yaml(cal, tmp / "kal.yaml"))
        t3 = time.perf_counter()
        loads.append(t1 - t0)
        audits.append(t2 - t1)
        cals.append(t3 - t2)
    load_scenario(tmp / "kal.yaml")
    out = {"n_employees": wf.n, "format": args.format, "repeats": args.repeats,
           "load_s": round(statistics.median(loads), 3),
           "audit_s": round(statistics.median(audits), 3),
           "calibrate_s": round(statistics.median(cals), 3),
           "flags": int(len(res.flags))}
    out["total_s"] = round(out["load_s"] + out["audit_s"] + out["calibrate_s"], 3)
    out["target_s"] = 60
    print(f"Binjai-size file: {wf.n} employees ({args.format}); median of {args.repeats}")
    print(f"  load      {out['load_s']:7.2f} s")
    print(f"  audit     {out['audit_s']:7.2f} s  ({out['flags']} findings)")
    print(f"  calibrate {out['calibrate_s']:7.2f} s")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
