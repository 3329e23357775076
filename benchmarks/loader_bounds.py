"""Benchmark: pathological employee files load or fail within the 2 s bound (issue 9).

Run from the repository root::

    .venv/bin/python benchmarks/loader_bounds.py

Each case builds a file in a temporary directory, then times ``load_workforce`` on it (wall
clock, best of ``--repeats``), and reports whether it loaded or raised ``InputError``:

* ``xlsx_formatted_corner``: a valid 1,200-employee workbook plus ONE formatted, empty cell at
  XFD1048576 (the last row and column of a sheet). Before the cell-by-cell reader, openpyxl's
  ``iter_rows`` padded every row to 16,384 columns and filled 1,048,576 rows (11-18 s).
* ``xlsx_plain``: the same workbook without that cell (the reference).
* ``xlsx_bogus_dimension``: the workbook with its recorded used range rewritten to A1:XFD1048576.
* ``csv_separator_lines``: a valid 3-employee CSV followed by 1,000,000 lines of separators only
  (~36 MB), which pandas used to parse into 36 million empty cells (8 s).
* ``csv_short_separator_lines``: the same 3 employees followed by 1,000,000 lines ``,`` (2 MB).
* ``csv_wide_header``: a header of 2,000,000 separators (2 MB): rejected from the header line.

The last printed line is JSON: ``<case>_wall_s`` and ``<case>_cpu_s`` (process CPU time, less
sensitive to a shared machine) for each case, ``max_wall_s``, ``max_cpu_s``, ``bound_s``, and
``corner_vs_plain_ratio`` (the formatted corner cell's cost relative to the plain workbook).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _time(path: Path, repeats: int) -> tuple[float, float, str]:
    from kinerja_sim.errors import InputError
    from kinerja_sim.workforce.loader import load_workforce

    best, cpu, outcome = float("inf"), float("inf"), ""
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            wf = load_workforce(path, salt="bench")
            outcome = f"loaded {wf.n} employees"
        except InputError as e:
            outcome = "InputError: " + e.problems[0].message[:80]
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return best, cpu, outcome


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    import openpyxl
    from openpyxl.styles import Font
    from test_loader import rows, table, write_csv, write_xlsx

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        staff = rows(1200)
        for i, r in enumerate(staff):
            r["usia"] = str(30 + i % 30)
        plain = write_xlsx(d / "plain.xlsx", staff)
        corner = d / "corner.xlsx"
        wb = openpyxl.load_workbook(plain)
        wb["pegawai"]["XFD1048576"].font = Font(bold=True)
        wb.save(corner)
        bogus = d / "bogus.xlsx"
        with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(bogus, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                  data)
                zout.writestr(item, data)
        header, body = table(rows(3))
        sep_lines = d / "separators.csv"
        write_csv(sep_lines, header=header, body=body)
        with open(sep_lines, "a") as f:
            f.write(("," * (len(header) - 1) + "\n") * 1_000_000)
        short_lines = d / "short_separators.csv"
        write_csv(short_lines, header=header, body=body)
        with open(short_lines, "a") as f:
            f.write(",\n" * 1_000_000)
        wide = d / "wide.csv"
        wide.write_text("nip" + "," * 2_000_000 + "\n1\n")
        cases = {"xlsx_plain": plain, "xlsx_formatted_corner": corner,
                 "xlsx_bogus_dimension": bogus, "csv_separator_lines": sep_lines,
                 "csv_short_separator_lines": short_lines,
                 "csv_wide_header": wide}
        for name, path in cases.items():
            wall, cpu, outcome = _time(path, args.repeats)
            size = path.stat().st_size / 1e6
            print(f"{name:26s} {size:8.2f} MB  wall {wall:6.3f} s  cpu {cpu:6.3f} s  {outcome}")
            out[f"{name}_wall_s"] = round(wall, 3)
            out[f"{name}_cpu_s"] = round(cpu, 3)
    out["max_wall_s"] = max(v for k, v in out.items() if k.endswith("_wall_s"))
    out["max_cpu_s"] = max(v for k, v in out.items() if k.endswith("_cpu_s"))
    out["corner_vs_plain_ratio"] = round(out["xlsx_formatted_corner_wall_s"]
                                         / out["xlsx_plain_wall_s"], 2)
    out["bound_s"] = 2.0
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
