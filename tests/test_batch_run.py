"""``kinerja-sim run`` driven as a user would (subprocess), on a tiny workload.

One clean batch is run once per session; the tests read it (report files, workbook, HTML,
equality with the API) or run further batches against it (resume, failures, SIGKILL).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--periods", "2", "--replications", "2", "--set", "workforce.n=600", "--no-progress"]
SCENARIOS = ["status_quo", "kpi_objektif_binjai", "permenpanrb_6_2022_kurva"]


def kinerja(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


def result_files(directory: Path) -> dict[str, Path]:
    """Every result file of a batch (relative name -> path), the internal .batch/ excluded."""
    return {str(p.relative_to(directory)): p for p in sorted(directory.rglob("*"))
            if p.is_file() and ".batch" not in p.relative_to(directory).parts}


@pytest.fixture(scope="session")
def clean_batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "hasil"
    proc = run("run", *SCENARIOS, "--baseline", "status_quo", "--out", str(out), "--jobs", "2",
               *SMALL)
    assert proc.returncode == 0, proc.stderr
    return out


def test_batch_writes_one_executed_notebook_and_results_per_scenario(clean_batch):
    for name in SCENARIOS:
        nb = json.loads((clean_batch / "notebook" / f"{name}.ipynb").read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] for c in code)  # every cell ran
        assert any("injected-parameters" in c["metadata"].get("tags", []) for c in code)
        for stem in ("ringkasan", "predikat", "keadilan", "menang_kalah", "kelompok",
                     "lintasan", "panel_metrik"):
            assert (clean_batch / "hasil" / name / f"{stem}.parquet").is_file()
        assert (clean_batch / "hasil" / name / "predikat.png").read_bytes()[:4] == b"\x89PNG"
    assert (clean_batch / "index.html").is_file() and (clean_batch / "ringkasan.xlsx").is_file()
    assert not list(clean_batch.rglob(".*.part"))
    assert not list((clean_batch / ".batch").glob("pembanding-*.pkl"))  # cache removed on success


def test_batch_tables_equal_the_compare_api(clean_batch):
    from kinerja_sim import compare_scenarios, load_scenario

    ov = {"workforce.n": 600}
    comp = compare_scenarios([load_scenario("kpi_objektif_binjai", ov)],
                             load_scenario("status_quo", ov), periods=2, replications=2)
    got = pd.read_parquet(clean_batch / "hasil" / "kpi_objektif_binjai" / "ringkasan.parquet")
    pd.testing.assert_frame_equal(got, comp.headline, check_dtype=False)
    wl = pd.read_parquet(clean_batch / "hasil" / "kpi_objektif_binjai" / "menang_kalah.parquet")
    pd.testing.assert_frame_equal(wl, comp.winners_losers, check_dtype=False)


def test_result_tables_carry_provenance_and_no_identifier(clean_batch):
    folder = clean_batch / "hasil" / "kpi_objektif_binjai"
    for path in folder.glob("*.parquet"):
        meta = pq.read_schema(path).metadata
        prov = json.loads(meta[b"kinerja_sim.provenance"])
        assert prov["scenario"] == "kpi_objektif_binjai" and prov["seed"]
        assert prov["workforce_hash"] and prov["version.kinerja_sim"]
        cols = pq.read_schema(path).names
        assert not {"employee_id", "rater_id", "nip", "nama", "unit"} & set(cols), path


def test_group_cells_under_ten_are_suppressed_in_batch_tables(clean_batch):
    folder = clean_batch / "hasil" / "kpi_objektif_binjai"
    for stem, value in (("kelompok", "share_sangat_baik"), ("menang_kalah", "share_up"),
                        ("keadilan", "rate")):
        df = pd.read_parquet(folder / f"{stem}.parquet")
        small = df[df["n"] < 10]
        assert len(small), f"{stem}: the tiny workforce should have small groups"
        assert small["suppressed"].all() and small[value].isna().all(), stem


def test_workbook_has_formatted_sheets_and_no_formula_cell(clean_batch):
    wb = openpyxl.load_workbook(clean_batch / "ringkasan.xlsx")
    assert {"ringkasan", "predikat", "keadilan", "menang_kalah", "tentang"} <= set(
        wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2"
        assert ws.cell(1, 1).font.bold
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), (
                    ws.title, cell.coordinate)
    about = wb["tentang"]
    fields = {row[0].value for row in about.iter_rows(min_row=2)}
    assert {"seed", "scenario_hash", "workforce_hash", "created_utc"} <= fields


def test_index_html_is_self_contained(clean_batch):
    import re

    page = (clean_batch / "index.html").read_text("utf-8")
    assert "://" not in page  # no http(s)://, no protocol-relative fetch either
    for attr, value in re.findall(r'\b(src|href)="([^"]*)"', page):
        if attr == "src":
            assert value.startswith("data:image/png;base64,"), value[:40]
        else:
            assert not value.startswith(("/", "data:", "javascript:")), value
    assert page.count("data:image/png;base64,") >= 4
    assert "<script" not in page and "@import" not in page
    for name in SCENARIOS:
        assert f'href="notebook/{name}.ipynb"' in page
    assert "workforce_hash" in page  # provenance footer


def test_index_and_workbook_show_each_scenarios_understanding_assumption(clean_batch):
    from kinerja_sim.scenario import load_scenario

    page = (clean_batch / "index.html").read_text("utf-8")
    assert "Asumsi yang menentukan peringkat" in page
    wb = openpyxl.load_workbook(clean_batch / "ringkasan.xlsx", read_only=True)
    rows = list(wb["asumsi"].iter_rows(values_only=True))
    by_name = {r[0]: r for r in rows[1:]}
    for name in SCENARIOS:
        a = load_scenario(name).understanding
        assert by_name[name][2] == f"{a.value:.2f}"
        assert by_name[name][3] == f"{a.low:.2f}-{a.high:.2f}"
        assert f"{a.low:.2f}-{a.high:.2f}" in page


def test_resume_skips_finished_scenarios(clean_batch):
    before = {k: p.stat().st_mtime_ns for k, p in result_files(clean_batch).items()
              if not k.endswith((".html", ".xlsx")) and not k.startswith("gambar")}
    proc = run("run", *SCENARIOS, "--baseline", "status_quo", "--out", str(clean_batch),
               *SMALL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("dilewati") == len(SCENARIOS)
    after = {k: p.stat().st_mtime_ns for k, p in result_files(clean_batch).items()
             if k in before}
    assert after == before  # no notebook re-executed, no result rewritten


def test_changed_seed_is_not_skipped(clean_batch, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(clean_batch, out)
    proc = run("run", "kpi_objektif_binjai", "--baseline", "status_quo", "--out", str(out),
               *SMALL, "--seed", "99")
    assert proc.returncode == 0, proc.stderr
    assert "dilewati" not in proc.stderr
    prov = json.loads(pq.read_schema(out / "hasil" / "kpi_objektif_binjai" / "ringkasan.parquet")
                      .metadata[b"kinerja_sim.provenance"])
    assert prov["seed"] == "99"


def _wait_for(predicate, timeout=900.0, what="condition", proc=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"runner exited ({proc.returncode}) before {what}: "
                                 f"{proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_failing_scenario_and_killed_kernel_do_not_stop_the_others(tmp_path):
    # A scenario that raises inside its notebook. Validation now catches a bad scenario before
    # anything runs (one message for the whole batch), so the file is valid when the batch is
    # planned and broken (an OPD that does not exist) before its own notebook starts: it is
    # last of four with two workers, and it is rewritten while the first one is running.
    bad = tmp_path / "gagal.yaml"
    head = f"extends: {ROOT / 'scenarios' / 'permenpanrb_6_2022_kurva.yaml'}\nname: gagal_opd\n"
    bad.write_text(head + "organisation:\n  by_opd: {\"Dinas Kesehatan\": \"Baik\"}\n")
    out = tmp_path / "b"
    names = ["kpi_objektif_binjai", "pp46_2011", "permenpanrb_6_2022_kurva", str(bad)]
    proc = kinerja("run", *names, "--baseline", "status_quo", "--out", str(out), "--jobs", "2",
                   "--periods", "2", "--replications", "3", "--set", "workforce.n=600",
                   "--no-progress")
    running = out / ".batch" / "berjalan" / "kpi_objektif_binjai.json"
    info = _wait_for(lambda: running.is_file() and json.loads(running.read_text()),
                     what="kpi_objektif_binjai to start", proc=proc)
    assert not (out / ".batch" / "berjalan" / "gagal_opd.json").exists()
    bad.write_text(head + "organisation:\n  by_opd: {\"Dinas Fiktif\": \"Baik\"}\n")
    os.kill(info["kernel_pid"], signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode != 0
    failed = [line for line in stderr.splitlines() if line.startswith("GAGAL")]
    assert len(failed) == 2, stderr
    assert any("gagal_opd" in f and "InputError" in f and "Dinas Fiktif" in f for f in failed)
    assert any("kpi_objektif_binjai" in f and ("DeadKernel" in f or "died" in f)
               for f in failed), failed
    for ok in ("pp46_2011", "permenpanrb_6_2022_kurva"):
        assert (out / ".batch" / "selesai" / f"{ok}.json").is_file()
    # failing notebooks are kept; the report lists the failures
    assert (out / "notebook" / "gagal_opd.ipynb").is_file()
    assert (out / "notebook" / "kpi_objektif_binjai.ipynb").is_file()
    assert not (out / ".batch" / "selesai" / "gagal_opd.json").exists()
    page = (out / "index.html").read_text("utf-8")
    assert "gagal_opd" in page and "Dinas Fiktif" in page
    assert "2 dijalankan" in stdout and "2 gagal" in stdout


def _tables(directory: Path) -> dict[str, pd.DataFrame]:
    return {k: pd.read_parquet(p) for k, p in result_files(directory).items()
            if k.endswith(".parquet")}


def _provenance_without_time(path: Path) -> dict:
    prov = json.loads(pq.read_schema(path).metadata[b"kinerja_sim.provenance"])
    prov.pop("created_utc")
    return prov


def test_sigkill_mid_batch_then_rerun_gives_identical_results(clean_batch, tmp_path):
    import psutil

    out = tmp_path / "b"
    args = ["run", *SCENARIOS, "--baseline", "status_quo", "--out", str(out), "--jobs", "1",
            *SMALL]
    proc = kinerja(*args)
    done = out / ".batch" / "selesai"
    _wait_for(lambda: done.is_dir() and len(list(done.glob("*.json"))) >= 1,
              what="a first scenario to finish", proc=proc)
    kernels = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    psutil.wait_procs(kernels, timeout=30)  # orphaned kernels notice and exit
    assert len(list(done.glob("*.json"))) < len(SCENARIOS)  # it really stopped mid-batch
    rerun = run(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert "dilewati" in rerun.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert not list((out / ".batch" / "berjalan").glob("*"))
    assert set(result_files(out)) == set(result_files(clean_batch))
    got, want = _tables(out), _tables(clean_batch)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
        assert _provenance_without_time(out / name) == \
            _provenance_without_time(clean_batch / name)
    for name in result_files(clean_batch):
        if name.startswith("hasil/") and name.endswith(".png"):
            assert (out / name).read_bytes() == (clean_batch / name).read_bytes(), name


def test_ctrl_c_stops_the_batch_at_once_cleanly_and_a_rerun_finishes_it(clean_batch, tmp_path):
    import psutil

    from kinerja_sim.labels import t

    out = tmp_path / "c"
    args = ["run", *SCENARIOS, "--baseline", "status_quo", "--out", str(out), "--jobs", "2",
            *SMALL]
    proc = kinerja(*args, start_new_session=True)  # Ctrl-C reaches the terminal's group
    running = out / ".batch" / "berjalan"
    _wait_for(lambda: running.is_dir() and len(list(running.glob("*.json"))) >= 2,
              what="two notebooks running", proc=proc)
    kernels = psutil.Process(proc.pid).children(recursive=True)
    assert len(kernels) >= 3  # the template and at least two kernels
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert t("batch.interrupted") in err and "Traceback" not in err
    assert "never retrieved" not in err
    assert "without encryption" not in err  # kernels on Unix sockets, not TCP
    gone, alive = psutil.wait_procs(kernels, timeout=30)
    assert not alive  # no kernel or template left behind
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert not list(running.glob("*"))
    assert not (out / "index.html").exists()  # no report of a batch that did not finish
    rerun = run(*args)
    assert rerun.returncode == 0, rerun.stderr
    got, want = _tables(out), _tables(clean_batch)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)


def test_comparison_notebook_reads_a_finished_batch_under_plain_papermill(clean_batch,
                                                                          tmp_path):
    import nbformat

    out_nb = tmp_path / "bandingkan.ipynb"
    proc = subprocess.run([str(Path(sys.executable).parent / "papermill"),
                           str(ROOT / "notebooks" / "bandingkan_skenario.ipynb"), str(out_nb),
                           "-p", "batch_dir", str(clean_batch), "--no-progress-bar"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out_nb, as_version=4)
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    for name in SCENARIOS:
        assert name in text
    assert "Objektivitas" in text
    assert sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", [])) == 4


def test_index_and_workbook_in_english_from_the_same_label_table(clean_batch, tmp_path):
    from kinerja_sim.report.batch_report import index_html, load_batch, write_workbook

    batch = load_batch(clean_batch)
    assert batch.baseline == "status_quo" and set(batch.scenarios) == set(SCENARIOS)
    page = index_html(batch, "en")
    assert "Comparison of ASN performance-appraisal scenarios" in page
    assert "Objectivity: predikat agreement" in page and "Objektivitas" not in page
    wb = openpyxl.load_workbook(write_workbook(batch, tmp_path / "en.xlsx", "en"))
    labels = [c.value for c in wb["ringkasan"]["C"]]
    assert "Objectivity: predikat agreement (Cohen's kappa)" in labels


def test_new_kernel_processes_give_the_same_tables_as_forked_kernels(clean_batch, tmp_path):
    # clean_batch ran with the default (kernels forked from a template); --no-fork starts a
    # new Python process per kernel
    out = tmp_path / "not_forked"
    proc = run("run", "kpi_objektif_binjai", "--baseline", "status_quo", "--out", str(out),
               "--no-fork", *SMALL)
    assert proc.returncode == 0, proc.stderr
    for stem in ("ringkasan", "keadilan", "kelompok", "lintasan", "panel_metrik"):
        name = f"hasil/kpi_objektif_binjai/{stem}.parquet"
        pd.testing.assert_frame_equal(pd.read_parquet(out / name),
                                      pd.read_parquet(clean_batch / name), obj=name)
