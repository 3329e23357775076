"""A scenario over its time limit fails alone: the others finish, and a rerun completes it."""

import nbformat

from kinerja_sim.batch.runner import default_notebook, marker_path, run_batch

OV = {"workforce.n": 600}
SLOW = "pp46_2011"


def _slow_notebook(tmp_path):
    # the report notebook with one extra cell after the parameters: the pp46 scenario sleeps
    nb = nbformat.read(default_notebook(), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(
        f"import time\nif str(scenario).endswith('{SLOW}.yaml'):\n    time.sleep(300)"))
    path = tmp_path / "lambat.ipynb"
    nbformat.write(nb, path)
    return path


def test_timed_out_scenario_is_reported_kept_and_rerun_while_the_other_finishes(tmp_path):
    out = tmp_path / "b"
    result = run_batch(["kpi_objektif_binjai", SLOW], "status_quo", out, jobs=2, periods=2,
                       replications=2, overrides=OV, timeout=45, progress=False,
                       notebook=_slow_notebook(tmp_path))
    assert result.exit_code == 1
    assert result.ran == ["kpi_objektif_binjai"]
    [failure] = result.failed
    assert failure.scenario == SLOW and failure.error == "TimeoutError: over 45 s"
    assert failure.cell == "3 (import time)"  # the cell that was running (the sleep)
    assert (out / "notebook" / f"{SLOW}.ipynb").is_file()  # the executed notebook is kept
    assert not marker_path(out, SLOW).exists()
    assert not list(out.rglob(".*.part"))
    # the report covers the scenario that finished and names the failure
    assert "TimeoutError" in (out / "index.html").read_text("utf-8")

    again = run_batch(["kpi_objektif_binjai", SLOW], "status_quo", out, jobs=2, periods=2,
                      replications=2, overrides=OV, progress=False)
    assert again.exit_code == 0
    assert again.skipped == ["kpi_objektif_binjai"] and again.ran == [SLOW]
    assert marker_path(out, SLOW).is_file()
