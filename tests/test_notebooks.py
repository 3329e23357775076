"""Notebooks run top to bottom under the plain ``papermill`` command line, with small
parameters; committed notebooks carry no outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PAPERMILL = Path(sys.executable).parent / "papermill"


def outputs_text(nb) -> str:
    return "\n".join(o.get("text", "") or str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def papermill(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(PAPERMILL), *args, "--no-progress-bar"], cwd=cwd,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_report_notebook_runs_under_plain_papermill_cli_with_injected_parameters(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({"overrides": {"workforce.n": 600}, "replications": 2}))
    out_dir = tmp_path / "hasil"
    out_nb = tmp_path / "laporan.ipynb"
    papermill(str(NOTEBOOKS / "laporan_skenario.ipynb"), str(out_nb),
              "-p", "scenario", "permenpanrb_6_2022_kurva", "-p", "baseline", "status_quo",
              "-p", "periods", "2", "-p", "output_dir", str(out_dir), "-p", "lang", "en",
              "-f", str(params))
    nb = nbformat.read(out_nb, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "permenpanrb_6_2022_kurva" in injected[0].source
    text = outputs_text(nb)
    # the headline table (English labels: lang was injected), predikat, fairness, winners
    assert "Objectivity: predikat agreement (Cohen's kappa)" in text
    assert "status_quo" in text and "permenpanrb_6_2022_kurva" in text
    assert "adverse_impact" in text and "share_up" in text
    pngs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]
    assert len(pngs) == 3
    head = pd.read_parquet(out_dir / "ringkasan.parquet")
    assert set(head["scenario"]) == {"status_quo", "permenpanrb_6_2022_kurva"}
    reform = head[head["scenario"] == "permenpanrb_6_2022_kurva"]
    assert reform["delta_mean"].notna().all()
    assert pd.read_parquet(out_dir / "panel_metrik.parquet")["replication"].nunique() == 2
    assert "E000" not in text  # no identifier reaches the notebook output


def test_papermill_help_lists_the_report_parameters():
    proc = papermill("--help-notebook", str(NOTEBOOKS / "laporan_skenario.ipynb"))
    for name in ("scenario", "baseline", "profile", "data", "periods", "replications", "seed",
                 "lang", "output_dir"):
        assert f"  {name}: " in proc.stdout, name


PAPERMILL_NOTEBOOKS = {"laporan_skenario.ipynb", "bandingkan_skenario.ipynb"}
VOILA_NOTEBOOKS = {"perancang_bobot.ipynb", "sosialisasi.ipynb"}  # served; parameters optional


def test_committed_notebooks_carry_no_outputs_and_a_parameters_cell():
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert {p.name for p in paths} == PAPERMILL_NOTEBOOKS | VOILA_NOTEBOOKS
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3", path
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
        tagged = sum("parameters" in c.metadata.get("tags", []) for c in code)
        assert tagged == 1 if path.name in PAPERMILL_NOTEBOOKS else tagged <= 1, path
