"""Worst-case scenario files: each must load or fail within the 1 s budget (issue 9).

Times ``load_scenario`` on the bundled scenarios and on adversarial inputs: the largest file
accepted (32 kB, dense), a file just over the size limit, a "billion laughs" file, 15,000
levels of nesting, a 2,000-problem file, a long extends chain, and a scalar of 10,000 digits.
Prints one line per case, then one line of JSON (``max_wall_s`` / ``max_cpu_s``: the slowest
case, best of ``--repeat`` runs; ``cold_first_load_s``: a fresh process's first load after
``import kinerja_sim`` (``import_s``), the profile's names included).

    python benchmarks/scenario_parse.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kinerja_sim.errors import InputError
from kinerja_sim.scenario import SCENARIO_DIR, load_scenario
from kinerja_sim.yaml_safe import MAX_BYTES

HEAD = "name: bench\nscheme: {name: pp30_2019}\n"


def cases(tmp: Path) -> dict[str, Path]:
    out = {f"bundled/{p.stem}": p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}

    def put(name: str, text: str) -> None:
        f = tmp / f"{name}.yaml"
        f.write_text(text, encoding="utf-8")
        out[name] = f

    dense, i = [HEAD, "description: x\nx:\n"], 0
    while sum(map(len, dense)) < MAX_BYTES - 40:
        dense.append(f"  k{i}: [{i}.5, {i}]\n")
        i += 1
    put("dense_max_size", "".join(dense))
    put("over_size_limit", HEAD + "description: " + "x" * (MAX_BYTES + 1) + "\n")
    lol = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for k in range(1, 9):
        p, c = chr(96 + k), chr(97 + k)
        lol.append(f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]")
    put("billion_laughs", HEAD + "\n".join(lol) + "\n")
    put("nesting_15k", HEAD + "x: " + "[" * 15_000 + "]" * 15_000 + "\n")
    put("many_problems", HEAD + "raters:\n" + "".join(f"  bad{i}: {i}\n" for i in range(2_000)))
    put("huge_integer", HEAD + "seed: " + "9" * 10_000 + "\n")
    chain = tmp / "chain0.yaml"
    chain.write_text(HEAD, encoding="utf-8")
    for k in range(1, 40):
        (tmp / f"chain{k}.yaml").write_text(f"extends: chain{k - 1}.yaml\nname: c{k}\n")
    out["extends_chain_40"] = tmp / "chain39.yaml"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        worst = cpu_worst = 0.0
        rows = {}
        for name, path in cases(Path(d)).items():
            best = cpu_best = float("inf")
            outcome = ""
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                try:
                    load_scenario(path)
                    outcome = "loaded"
                except InputError as err:
                    outcome = (f"InputError ({len(err.problems)} problems, {len(str(err))} "
                               f"chars): {err.problems[0].message[:50]}")
                best = min(best, time.perf_counter() - t0)
                cpu_best = min(cpu_best, time.process_time() - c0)
            worst = max(worst, best)
            cpu_worst = max(cpu_worst, cpu_best)
            rows[name] = round(best, 4)
            print(f"{name:32s} {best:8.4f} s wall {cpu_best:8.4f} s cpu  {outcome}")
    code = ("import time; t0 = time.perf_counter(); from kinerja_sim.scenario import "
            "load_scenario; t1 = time.perf_counter(); load_scenario('kpi_objektif_binjai'); "
            "print(t1 - t0, time.perf_counter() - t1)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    imports, cold = float(out[0]), float(out[1])
    print(f"{'import kinerja_sim (fresh process)':32s} {imports:8.4f} s wall")
    print(f"{'first load after the import':32s} {cold:8.4f} s wall")
    print(json.dumps({"max_wall_s": round(worst, 4), "max_cpu_s": round(cpu_worst, 4),
                      "cold_first_load_s": round(cold, 4), "import_s": round(imports, 4),
                      "cases": len(rows), "wall_s": rows}))


if __name__ == "__main__":
    main()
