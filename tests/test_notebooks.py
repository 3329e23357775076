"""Notebooks run top to bottom under papermill with small parameters."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parent.parent


def test_comparison_notebook_runs_and_writes_workbook(tmp_path):
    out_nb = tmp_path / "out.ipynb"
    out_xlsx = tmp_path / "banding.xlsx"
    pm.execute_notebook(
        ROOT / "notebooks" / "perbandingan_skenario.ipynb", out_nb,
        parameters={"scenarios": [str(ROOT / "scenarios" / "permenpanrb_6_2022_kurva.yaml")],
                    "baseline": str(ROOT / "scenarios" / "status_quo.yaml"),
                    "periods": 2, "replications": 2, "workforce_n": 600,
                    "out": str(out_xlsx)},
        kernel_name="python3", progress_bar=False, execution_timeout=300,
        cwd=str(ROOT / "notebooks"))
    nb = nbformat.read(out_nb, as_version=4)
    text = "\n".join(o.get("text", "") or str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "Objektivitas" in text
    assert any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))
    assert out_xlsx.exists()
    # no identifier reaches the notebook output
    assert "E000" not in text


def test_committed_notebooks_carry_no_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path
