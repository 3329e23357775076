"""``kinerja-sim run ... --robustness`` puts the robustness analysis in the batch report."""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kinerja_sim.batch.robustness import robustness_of
from kinerja_sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--periods", "2", "--replications", "2", "--set", "workforce.n=600", "--no-progress"]
ROBUST = ["--robustness", "--robustness-replications", "1", "--trajectories", "2",
          "--sobol-top", "1", "--sobol-n", "2",
          "--param", "behaviour.resistance.effort_penalty",
          "--param", "rollout.understanding_rule.familiar"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def robust_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "hasil"
    proc = run("run", "status_quo", "kpi_objektif_binjai", "--baseline", "status_quo",
               "--out", str(out), *SMALL, *ROBUST)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_batch_robustness_equals_the_api_on_the_same_settings(robust_batch):
    out, _ = robust_batch
    summary = pd.read_parquet(out / "ketahanan" / "ringkasan.parquet")
    ov = {"workforce.n": 600}
    api = robustness_of([load_scenario("kpi_objektif_binjai", ov)],
                        load_scenario("status_quo", ov), profile="binjai", seed=2026,
                        periods=2, replications=1, trajectories=2, sobol_top=1, sobol_n=2,
                        parameters=["behaviour.resistance.effort_penalty",
                                    "rollout.understanding_rule.familiar"], progress=False)
    pd.testing.assert_frame_equal(summary.reset_index(drop=True),
                                  api.summary.reset_index(drop=True), check_dtype=False)


def test_index_and_workbook_show_the_verdicts_and_tornado(robust_batch):
    out, _ = robust_batch
    summary = pd.read_parquet(out / "ketahanan" / "ringkasan.parquet")
    page = (out / "index.html").read_text("utf-8")
    assert "Ketahanan rekomendasi di dunia yang masuk akal" in page
    for verdict in summary["verdict"]:
        assert verdict.split(";")[0].replace("'", "&#x27;") in page
    assert 'href="ketahanan/robustness.xlsx"' in page
    assert "://" not in page and "<script" not in page
    # the tornado of the reform is embedded (on top of the batch's own figures)
    assert page.count("data:image/png;base64,") >= 5
    wb = openpyxl.load_workbook(out / "ringkasan.xlsx", read_only=True)
    rows = list(wb["ketahanan"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(summary)
    assert {r[4] for r in rows[1:]} == set(summary["verdict"])


def test_rerun_skips_the_robustness_and_a_changed_option_recomputes_it(robust_batch):
    out, _ = robust_batch
    marker = out / "ketahanan" / "tentang.json"
    before = marker.read_text()
    again = run("run", "status_quo", "kpi_objektif_binjai", "--baseline", "status_quo",
                "--out", str(out), *SMALL, *ROBUST)
    assert again.returncode == 0, again.stderr
    assert "ketahanan: sudah ada dengan pengaturan yang sama, dilewati" in again.stderr
    assert marker.read_text() == before
    changed = [*ROBUST]
    changed[changed.index("--trajectories") + 1] = "3"
    third = run("run", "status_quo", "kpi_objektif_binjai", "--baseline", "status_quo",
                "--out", str(out), *SMALL, *changed)
    assert third.returncode == 0, third.stderr
    assert "dilewati" not in third.stderr.split("ketahanan:")[-1]
    assert json.loads(marker.read_text())["options"]["trajectories"] == 3
    worlds = pd.read_parquet(out / "ketahanan" / "robustness_worlds.parquet")
    assert len(worlds) == 3 * 3 + 2 * 3  # Morris r(k+1) with r=3, k=2; Sobol n(k+2), k=1


def test_without_robustness_there_is_no_robustness_section(tmp_path):
    out = tmp_path / "hasil"
    proc = run("run", "status_quo", "kpi_objektif_binjai", "--baseline", "status_quo",
               "--out", str(out), *SMALL, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert not (out / "ketahanan").exists()
    page = (out / "index.html").read_text("utf-8")
    assert "Robustness of the recommendations" not in page
    assert "ketahanan" not in openpyxl.load_workbook(out / "ringkasan.xlsx").sheetnames


def test_robustness_with_a_data_file_is_one_input_error(tmp_path):
    proc = run("run", "status_quo", "--baseline", "status_quo", "--out", str(tmp_path / "x"),
               "--data", str(tmp_path / "pegawai.csv"), "--robustness")
    assert proc.returncode == 1
    assert "--robustness" in proc.stderr and "Traceback" not in proc.stderr
