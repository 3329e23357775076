"""The command line's contract, asserted per command as a user meets it (subprocess):

* exit 0 on success;
* exit 1 on an input error, with one message on stderr and no traceback;
* exit 2 on a usage error (argparse), with the usage line and no traceback.

Every command of ``kinerja-sim --help`` must appear in :data:`SUCCESS`, :data:`INPUT_ERRORS` and
:data:`USAGE_ERRORS` (a test checks), so a command added later without its contract fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ("--set", "workforce.n=300")


def kinerja_sim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    from kinerja_sim.workforce import synthesize
    from kinerja_sim.workforce.export import export_workforce

    d = tmp_path_factory.mktemp("kontrak")
    export_workforce(synthesize("binjai", seed=4, n=150), d / "pegawai.csv")
    (d / "rusak.csv").write_text("nip,opd\n123,Dinas\n", encoding="utf-8")
    (d / "rusak.yaml").write_text("name: x\nscheme: {name: tidak_ada}\n", encoding="utf-8")
    (d / "catatan.txt").write_text("bukan data\n", encoding="utf-8")
    (d / "sweep_rusak.yaml").write_text("scenario: tidak_ada\n", encoding="utf-8")
    return d


# command -> argument lists (``{tmp}`` is the module's temporary directory)
SUCCESS = {
    "workforce": ["workforce", "--n", "120", "--out", "{tmp}/baru.xlsx"],
    "score": ["score", "{tmp}/pegawai.csv", "--scenario", "permenpanrb_6_2022_kurva",
              "--out", "{tmp}/hasil.xlsx", "--salt", "s"],
    "validate": ["validate", "{tmp}/pegawai.csv", "scenarios/status_quo.yaml"],
    "compare": ["compare", "permenpanrb_6_2022_kurva", "--baseline", "status_quo",
                "--periods", "1", "--replications", "2", *SMALL, "--out", "{tmp}/banding.xlsx"],
    "simulate": ["simulate", "status_quo", *SMALL, "--out", "{tmp}/simulasi.csv"],
    "run": ["run", "pp46_2011", "--baseline", "status_quo", "--out", "{tmp}/batch",
            "--periods", "1", "--replications", "2", *SMALL, "--no-progress"],
    "demo": ["demo", "--out", "{tmp}/demo", "--periods", "1", "--replications", "2",
             "--no-progress"],
    "handout": ["handout", "--out", "{tmp}/handout.html"],
    "audit": ["audit", "{tmp}/pegawai.csv", "--out", "{tmp}/audit", "--salt", "s"],
    "calibrate": ["calibrate", "{tmp}/pegawai.csv", "--out", "{tmp}/kalibrasi.yaml",
                  "--salt", "s"],
}
#: Commands whose success is a long-running process or a study, asserted by the named test
#: (the listing test checks that test exists) instead of a second run here.
SUCCESS_ELSEWHERE = {
    "serve": ("tests/test_browser_sosialisasi.py", "def test_"),
    "sweep": ("tests/test_sweep.py", "def test_cli_sweep_writes_the_table_and_bad_spec_exits_1"),
    "robustness": ("tests/test_robustness.py",
                   "def test_cli_robustness_writes_verdicts_tornado_and_worlds"),
}
INPUT_ERRORS = {
    "workforce": [
        ["workforce", "--profile", "mars", "--out", "{tmp}/w.xlsx"],  # unknown profile
        ["workforce", "--n", "50", "--out", "{tmp}/w.txt"],  # unsupported output type
        ["workforce", "--n", "50", "--out", "{tmp}/catatan.txt/w.csv"],  # a file, not a folder
    ],
    "score": [
        ["score", "{tmp}/tidak_ada.csv", "--scenario", "status_quo", "--out", "{tmp}/h.xlsx"],
        ["score", "{tmp}/rusak.csv", "--scenario", "status_quo", "--out", "{tmp}/h.xlsx"],
        ["score", "{tmp}/pegawai.csv", "--scenario", "tidak_ada", "--out", "{tmp}/h.xlsx"],
        ["score", "{tmp}/pegawai.csv", "--scenario", "status_quo", "--out", "{tmp}/h.txt"],
    ],
    "validate": [
        ["validate", "{tmp}/rusak.yaml"],
        ["validate", "{tmp}/rusak.csv"],
        ["validate", "{tmp}/catatan.txt"],
        ["validate", "scenarios/status_quo.yaml", "{tmp}/rusak.csv"],  # one bad of two
    ],
    "compare": [
        ["compare", "tidak_ada", "--baseline", "status_quo", "--periods", "1",
         "--replications", "1"],
        ["compare", "status_quo", "--baseline", "status_quo", "--set", "rusak", "--periods",
         "1", "--replications", "1"],
        ["compare", "status_quo", "--baseline", "status_quo", "--set", "raters.tidak_ada=1",
         "--periods", "1", "--replications", "1"],
        ["compare", "status_quo", "--baseline", "status_quo", "--periods", "1",
         "--replications", "1", "--out", "{tmp}/banding.csv"],
    ],
    "simulate": [["simulate", "tidak_ada", "--out", "{tmp}/s.csv"]],
    "run": [["run", "tidak_ada", "--baseline", "status_quo", "--out", "{tmp}/b2"]],
    "demo": [["demo", "--out", "{tmp}/catatan.txt/demo"]],
    "sweep": [["sweep", "{tmp}/sweep_rusak.yaml"]],
    "robustness": [["robustness", "tidak_ada", "--baseline", "status_quo"]],
    "serve": [["serve", "tidak_ada"], ["serve", "sosialisasi", "--notebooks", "{tmp}/tidak_ada"]],
    "handout": [["handout", "--out", "{tmp}/catatan.txt/h.html"]],
    "audit": [["audit", "{tmp}/tidak_ada.csv", "--out", "{tmp}/a"]],
    "calibrate": [["calibrate", "{tmp}/tidak_ada.csv", "--out", "{tmp}/k.yaml"]],
}
USAGE_ERRORS = {
    "workforce": [["workforce"], ["workforce", "--out", "{tmp}/w.csv", "--n", "0"],
                  ["workforce", "--out", "{tmp}/w.csv", "--seed", "dua"]],
    "score": [["score", "--scenario", "status_quo", "--out", "{tmp}/h.xlsx"],
              ["score", "{tmp}/pegawai.csv", "--out", "{tmp}/h.xlsx"],
              ["score", "{tmp}/pegawai.csv", "--scenario", "x", "--out", "o.xlsx",
               "--tidak-ada"]],
    "validate": [["validate"], ["validate", "--lang", "fr", "scenarios/status_quo.yaml"]],
    "compare": [["compare", "status_quo"],
                ["compare", "status_quo", "--baseline", "status_quo", "--periods", "0"],
                ["compare", "status_quo", "--baseline", "status_quo", "--replications", "-1"]],
    "simulate": [["simulate", "--out", "{tmp}/s.csv"]],
    "run": [["run", "pp46_2011", "--out", "{tmp}/b"]],
    "demo": [["demo", "--jobs", "dua"]],
    "sweep": [["sweep"]],
    "robustness": [["robustness", "kpi_objektif_binjai"]],
    "serve": [["serve"]],
    "handout": [["handout"]],
    "audit": [["audit", "{tmp}/pegawai.csv"]],
    "calibrate": [["calibrate", "{tmp}/pegawai.csv"]],
    "": [[], ["tidak_ada"], ["--lang", "fr", "validate", "x.yaml"]],
}


def _args(args: list[str], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in args]


def test_every_command_has_its_contract_listed(capsys):
    from kinerja_sim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    groups = [g.split(",") for g in re.findall(r"\{([a-z_,-]+)\}", capsys.readouterr().out)]
    listed = next(g for g in groups if "validate" in g)  # the subcommands, not --lang's choices
    assert set(listed) == set(SUCCESS) | set(SUCCESS_ELSEWHERE) == set(INPUT_ERRORS) \
        == set(USAGE_ERRORS) - {""}
    assert not set(SUCCESS) & set(SUCCESS_ELSEWHERE)
    for file, test in SUCCESS_ELSEWHERE.values():
        assert test in (ROOT / file).read_text("utf-8"), (file, test)


def _check_input_error(code: int, err: str, args) -> None:
    assert code == 1, (args, err[-2000:])
    assert "Traceback" not in err and err.strip()
    assert not re.search(r'File ".*", line \d+', err)
    # one message: InputError's "N problem(s) found" block, or one line for a system error
    headers = re.findall(r"^\d+ problems? found:", err, flags=re.M)
    assert len(headers) == 1 or (not headers and len(err.strip().splitlines()) == 1), err
    assert "usage:" not in err


# As a process, once per command and outcome (a process start costs seconds on a busy machine)

@pytest.mark.parametrize("command", sorted(SUCCESS))
def test_success_exits_0_and_writes_what_it_says(tmp, command):
    proc = kinerja_sim(*_args(SUCCESS[command], tmp))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for out in re.findall(r"\{tmp\}/(\S+\.(?:xlsx|csv|html|yaml))", " ".join(SUCCESS[command])):
        if command != "validate" and out != "pegawai.csv":
            assert (tmp / out).stat().st_size > 0, out
    if command in ("run", "demo", "audit"):  # commands that write a folder of reports
        folder = tmp / SUCCESS[command][SUCCESS[command].index("--out") + 1].split("/")[-1]
        assert any(folder.glob("*.html")) and any(folder.glob("*.xlsx")), sorted(folder.iterdir())


@pytest.mark.parametrize("command", sorted(INPUT_ERRORS))
def test_input_error_exits_1_with_one_message_and_no_traceback(tmp, command):
    args = _args(INPUT_ERRORS[command][0], tmp)
    proc = kinerja_sim(*args)
    _check_input_error(proc.returncode, proc.stderr, args)


@pytest.mark.parametrize("command", sorted(USAGE_ERRORS))
def test_usage_error_exits_2_with_usage_and_no_traceback(tmp, command):
    args = _args(USAGE_ERRORS[command][0], tmp)
    proc = kinerja_sim(*args)
    assert proc.returncode == 2, (args, proc.stderr[-2000:])
    assert "usage: kinerja-sim" in proc.stderr and "Traceback" not in proc.stderr


# Every listed case in-process through main(), which the installed command wraps as
# sys.exit(main()): an exception escaping main() fails the test with its traceback

@pytest.mark.parametrize("command,case", [(c, i) for c, v in sorted(INPUT_ERRORS.items())
                                          for i in range(len(v))])
def test_main_returns_1_with_one_message_for_each_input_error(tmp, command, case, capsys,
                                                                 monkeypatch):
    from kinerja_sim.cli import main

    monkeypatch.chdir(ROOT)
    args = _args(INPUT_ERRORS[command][case], tmp)
    code = main(args)
    _check_input_error(code, capsys.readouterr().err, args)


@pytest.mark.parametrize("command,case", [(c, i) for c, v in sorted(USAGE_ERRORS.items())
                                          for i in range(len(v))])
def test_main_exits_2_for_each_usage_error(tmp, command, case, capsys, monkeypatch):
    from kinerja_sim.cli import main

    monkeypatch.chdir(ROOT)
    args = _args(USAGE_ERRORS[command][case], tmp)
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2, args
    assert "usage: kinerja-sim" in capsys.readouterr().err


def test_validate_names_every_bad_file_and_still_checks_the_good_ones(tmp, capsys,
                                                                      monkeypatch):
    from kinerja_sim.cli import main

    monkeypatch.chdir(ROOT)
    code = main(["validate", str(tmp / "rusak.yaml"), str(tmp / "rusak.csv"),
                 "scenarios/status_quo.yaml"])
    out = capsys.readouterr()
    assert code == 1
    assert "rusak.yaml" in out.err and "rusak.csv" in out.err
    assert "status_quo.yaml: valid" in out.out


def test_main_returns_1_not_0_after_an_input_error(tmp, capsys, monkeypatch):
    from kinerja_sim.cli import main

    monkeypatch.chdir(ROOT)
    assert main(["validate", str(tmp / "rusak.yaml")]) == 1
    assert main(["score", str(tmp / "tidak_ada.csv"), "--scenario", "status_quo", "--out",
                 str(tmp / "h.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "file not found" in err and "Traceback" not in err
    assert main(["validate", "scenarios/status_quo.yaml"]) == 0
