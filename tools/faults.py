"""Fault injection: re-apply the faults an outside review left undetected (issue 12) to a
scratch copy of the project, one at a time, and show that the tests guarding each one fail.

Run from the repository root (takes a few minutes; not part of the suite)::

    .venv/bin/python tools/faults.py              # all faults, then a clean control run
    .venv/bin/python tools/faults.py --only 4 6   # some faults

For every fault the tool copies ``kinerja_sim/``, ``tests/``, ``scenarios/``, ``docs/``,
``benchmarks/`` and ``pyproject.toml`` to a temporary directory, replaces one exact piece of
source text (it refuses to run if the text is not found exactly once, so a fault can never be
silently not applied), checks that the copy's package is the one imported, runs the fault's
guarding tests there, and reports which of them failed. A fault is *caught* when at least one
guard fails; the control run (no fault) must pass all guards. The working tree is never
touched. Exit status 1 if any fault is not caught or the control fails.

The last line printed is JSON: ``{"faults": n, "caught": k, "control_passed": bool}``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ("kinerja_sim", "tests", "scenarios", "docs", "benchmarks", "pyproject.toml")


@dataclass(frozen=True)
class Fault:
    number: int
    what: str
    file: str
    old: str
    new: str
    guards: tuple[str, ...]


FAULTS = (
    Fault(1, "real (loaded) files silently skip the SE 03/2023 curve",
          "kinerja_sim/simulate.py",
          "    result, allowance = scoring.score_period(wf.observed, org, sc)\n",
          "    result, allowance = scoring.score_period(wf.observed, org, sc)\n"
          "    result.predikat = result.predikat_raw.copy()\n"
          "    allowance = scoring.tpp.compute(result.predikat, wf.observed, org, "
          "sc.tpp_params)\n",
          ("tests/test_guards.py::test_loaded_file_gets_the_se_curve_in_every_opd",
           "tests/test_real_file_path.py")),
    Fault(2, "the predikat of a loaded file shifted by one row",
          "kinerja_sim/workforce/loader.py",
          "    perilaku = np.column_stack([v[sc.perilaku_column(b)] for b in BERAKHLAK])"
          ".astype(np.float64)\n",
          "    perilaku = np.roll(np.column_stack([v[sc.perilaku_column(b)] for b in "
          "BERAKHLAK]).astype(np.float64), 1, axis=0)\n",
          ("tests/test_guards.py::test_loaded_file_predikat_belongs_to_its_own_row",
           "tests/test_real_file_path.py")),
    Fault(3, "the XLSX reader ignores --sheet (reads the first sheet)",
          "kinerja_sim/workforce/reader.py",
          "        match = [n for n in names if n == sheet] or [\n"
          "            n for n in names if n.strip().lower() == sheet.strip().lower()]\n",
          "        match = names[:1]\n",
          ("tests/test_guards.py::test_xlsx_loader_reads_the_named_sheet_not_the_first",
           "tests/test_real_file_path.py")),
    Fault(4, "kinerja-sim returns 0 after an input error",
          "kinerja_sim/cli.py",
          "    except InputError as err:\n        print(err.message, file=sys.stderr)\n"
          "        return 1\n",
          "    except InputError as err:\n        print(err.message, file=sys.stderr)\n"
          "        return 0\n",
          ("tests/test_guards.py::test_command_returns_1_after_an_input_error",
           "tests/test_cli_contract.py::test_input_error_exits_1_with_one_message_and_no_"
           "traceback")),
    Fault(5, "rater training no longer narrows leniency",
          "kinerja_sim/dynamics.py",
          '    return rp.model_copy(update={"leniency_sd": rp.leniency_sd * t.leniency_sd_factor,'
          '\n                                 "leniency_mean": rp.leniency_mean * '
          "t.leniency_mean_factor,\n",
          '    return rp.model_copy(update={"leniency_sd": rp.leniency_sd,\n'
          '                                 "leniency_mean": rp.leniency_mean,\n',
          ("tests/test_guards.py::test_rater_training_lowers_the_spread_of_supervisor_leniency",
           "tests/test_behaviour.py::test_rater_training_narrows_leniency_and_raises_"
           "procedural_justice")),
    Fault(6, "the trajectories table always shows period 0",
          "kinerja_sim/outcomes.py",
          "            s = mt.summarize(values[:, t])\n",
          "            s = mt.summarize(values[:, 0])\n",
          ("tests/test_guards.py::test_trajectories_row_t_is_the_summary_of_period_t",)),
    Fault(7, "the rater calibration moved back to the value it was corrected from",
          "kinerja_sim/data/raters.yaml",
          "halo_sd: 0.85\n", "halo_sd: 0.8\n",
          ("tests/test_raters.py::test_interrater_reliability_is_052_within_001_over_16_seeds",)),
)


def scratch_copy(dest: Path) -> None:
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", ".hypothesis", "*.egg-info"))
        else:
            shutil.copy2(src, dest / name)


def apply(fault: Fault, dest: Path) -> None:
    path = dest / fault.file
    text = path.read_text(encoding="utf-8")
    if text.count(fault.old) != 1:
        raise SystemExit(f"fault {fault.number}: the text to replace occurs "
                         f"{text.count(fault.old)} times in {fault.file} (expected once); "
                         "update tools/faults.py to the current source")
    path.write_text(text.replace(fault.old, fault.new), encoding="utf-8")


def run_guards(dest: Path, guards: tuple[str, ...]) -> tuple[int, list[str], str]:
    probe = "import kinerja_sim; print(kinerja_sim.__file__)"
    which = subprocess.run([sys.executable, "-c", probe], cwd=dest, capture_output=True,
                           text=True, check=True).stdout.strip()
    if not Path(which).resolve().is_relative_to(dest.resolve()):
        raise SystemExit(f"the copy's package is not the one imported ({which})")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-rfE", *guards], cwd=dest, capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, flags=re.M)
    summary = (proc.stdout.strip().splitlines() or [""])[-1]
    return proc.returncode, failed, summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", type=int, nargs="*", help="fault numbers to run (default: all)")
    ap.add_argument("--no-control", action="store_true", help="skip the clean control run")
    a = ap.parse_args(argv)
    faults = [f for f in FAULTS if not a.only or f.number in a.only]
    caught = 0
    for fault in faults:
        with tempfile.TemporaryDirectory(prefix=f"fault{fault.number}_") as tmp:
            dest = Path(tmp)
            scratch_copy(dest)
            apply(fault, dest)
            code, failed, summary = run_guards(dest, fault.guards)
        ok = code != 0 and bool(failed)
        caught += ok
        print(f"fault {fault.number}: {fault.what} ({fault.file})")
        print(f"  guards: {', '.join(fault.guards)}")
        print(f"  -> {'CAUGHT' if ok else 'NOT CAUGHT'}: {summary}")
        for f in failed:
            print(f"     failed: {f}")
    control = True
    if not a.no_control:
        guards = tuple(sorted({g for f in faults for g in f.guards}))
        with tempfile.TemporaryDirectory(prefix="fault_control_") as tmp:
            dest = Path(tmp)
            scratch_copy(dest)
            code, failed, summary = run_guards(dest, guards)
        control = code == 0
        print(f"control (no fault), all guards: {'passed' if control else 'FAILED'}: {summary}")
    print(json.dumps({"faults": len(faults), "caught": caught, "control_passed": control}))
    return 0 if caught == len(faults) and control else 1


if __name__ == "__main__":
    sys.exit(main())
