"""Mutation score per module from mutmut's result files (``mutants/**/*.meta``).

    .venv/bin/python tools/mutation_score.py              # table per module
    .venv/bin/python tools/mutation_score.py --survivors  # also list surviving mutants

Killed = a covering test failed; timeout = the tests ran past mutmut's limit (counted as
detected, as mutmut does); survived = every covering test passed; no tests = no selected test
reaches the function. Score = (killed + timeout) / (done - no tests)."""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATUS = {None: "pending", 0: "survived", 1: "killed", 33: "no_tests", -24: "timeout",
          -9: "timeout", 34: "skipped", 37: "type_check"}


def read_meta(path: Path) -> dict:
    for _ in range(10):  # mutmut rewrites these while it runs
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, OSError):
            time.sleep(0.3)
    return {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--survivors", action="store_true")
    a = ap.parse_args(argv)
    rows, survivors = [], []
    for meta in sorted((ROOT / "mutants").glob("kinerja_sim/**/*.py.meta")):
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".py.meta")].replace("/", ".")
        codes = read_meta(meta).get("exit_code_by_key", {})
        c = collections.Counter(STATUS.get(v, "other") for v in codes.values())
        survivors += [k for k, v in codes.items() if v == 0]
        if codes:
            rows.append((module, len(codes), c))
    print(f"{'module':42s} {'mutants':>7s} {'done':>5s} {'killed':>6s} {'timeout':>7s} "
          f"{'survived':>8s} {'no tests':>8s} {'score':>6s}")
    for module, total, c in rows:
        done = total - c["pending"]
        tested = done - c["no_tests"]
        score = 100 * (c["killed"] + c["timeout"]) / tested if tested else float("nan")
        print(f"{module:42s} {total:7d} {done:5d} {c['killed']:6d} {c['timeout']:7d} "
              f"{c['survived']:8d} {c['no_tests']:8d} {score:5.1f}%")
    if a.survivors:
        print("\n".join(["", "survivors:", *sorted(survivors)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
