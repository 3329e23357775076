"""Parameter sweeps: spec validation, points, common random numbers, files, in-process = Dask."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kinerja_sim import outcomes
from kinerja_sim.batch import sweep as sw
from kinerja_sim.errors import InputError
from kinerja_sim.report.files import is_inert

ROOT = Path(__file__).resolve().parent.parent

#: Small enough for a test: 300 employees, 2 quarters, 2 replications, 4 points.
SMALL = {
    "name": "kecil",
    "scenario": "kpi_objektif_binjai",
    "baseline": "status_quo",
    "periods": 2,
    "replications": 2,
    "n": 300,
    "parameters": {
        "scheme.params.behaviour_weight": [0.1, 0.3],
        "rollout.sosialisasi.coverage": [0.0, 0.9],
    },
}


def _problems(spec: dict) -> list[str]:
    with pytest.raises(InputError) as err:
        sw.plan_sweep(spec)
    return [f"{p.location}: {p.message}" for p in err.value.problems]


@pytest.fixture(scope="module")
def small_result():
    return sw.run_sweep(SMALL, progress=False)


# ---------------------------------------------------------------- the spec

def test_grid_points_are_the_cartesian_product_in_spec_order():
    spec, _, _ = sw.read_spec({**SMALL, "parameters": {
        "a.b": [1, 2], "c.d": {"low": 0.0, "high": 1.0, "n": 3}}})
    pts = sw.points(spec)
    assert len(pts) == 6
    assert pts[0] == {"a.b": 1, "c.d": 0.0} and pts[1] == {"a.b": 1, "c.d": 0.5}
    assert pts[-1] == {"a.b": 2, "c.d": 1.0}


def test_random_points_are_reproducible_and_inside_their_ranges():
    data = {**SMALL, "method": "random", "samples": 50, "seed": 11,
            "parameters": {"x.y": {"low": 0.2, "high": 0.4}, "z.w": [True, False]}}
    a = sw.points(sw.read_spec(data)[0])
    b = sw.points(sw.read_spec(data)[0])
    other = sw.points(sw.read_spec({**data, "seed": 12})[0])
    assert a == b and a != other and len(a) == 50
    xs = np.array([p["x.y"] for p in a])
    assert xs.min() >= 0.2 and xs.max() <= 0.4
    assert {p["z.w"] for p in a} == {True, False}


def test_bad_override_path_is_an_input_error_with_the_spec_key_path():
    msgs = _problems({**SMALL, "parameters": {"scheme.params.behaviour_wieght": [0.1]}})
    assert any(m.startswith("parameters.scheme.params.behaviour_wieght") for m in msgs), msgs


def test_out_of_domain_value_names_the_point_and_value():
    msgs = _problems({**SMALL, "parameters": {"rollout.sosialisasi.coverage": [0.5, "banyak"]}})
    assert any("parameters.rollout.sosialisasi.coverage" in m and "'banyak'" in m
               for m in msgs), msgs


@pytest.mark.parametrize("change, where", [
    ({"method": "random"}, "samples"),
    ({"parameters": {"rollout.sosialisasi.coverage": {"low": 0.0, "high": 1.0}}},
     "parameters.rollout.sosialisasi.coverage.n"),
    ({"parameters": {"rollout.sosialisasi.coverage": {"low": 1.0, "high": 0.0, "n": 2}}},
     "parameters.rollout.sosialisasi.coverage"),
    ({"parameters": {"seed": [1, 2]}}, "parameters.seed"),
    ({"parameters": {"workforce.n": [100]}}, "parameters.workforce.n"),
    ({"frontier": {"x": "fairness.nonsense"}}, "frontier.x"),
    ({"replications": 1}, "replications"),
    ({"parameterz": {}}, "parameterz"),
    ({"parameters": {}}, "parameters"),
])
def test_spec_problems_are_reported_at_their_key_path(change, where):
    msgs = _problems({**SMALL, **change})
    assert any(m.split(":")[0] == where for m in msgs), msgs


def test_all_problems_of_a_spec_are_reported_together():
    msgs = _problems({**SMALL, "method": "random",
                      "parameters": {"seed": [1], "x.y": {"low": 2.0, "high": 1.0}}})
    assert {m.split(":")[0] for m in msgs} >= {"samples", "parameters.seed", "parameters.x.y"}


def test_scenarios_resolve_next_to_the_spec_first(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "extends: " + str(ROOT / "scenarios" / "status_quo.yaml") + "\nname: mine\n")
    spec = tmp_path / "s.yaml"
    spec.write_text("name: s\nscenario: mine\nparameters: {raters.leniency_mean: [1.0]}\n")
    plan = sw.plan_sweep(spec)
    assert plan.reform.name == "mine" and plan.baseline.name == "status_quo"


# ---------------------------------------------------------------- the helpers

def test_pareto_mask_respects_the_better_direction():
    x = np.array([1.0, 2.0, 3.0, 2.0, np.nan])
    y = np.array([3.0, 2.0, 1.0, 1.0, 9.0])
    assert sw.pareto_mask(x, y).tolist() == [True, True, True, False, False]
    # lower x is better: the point (1, 3) now dominates (2, 2) and (2, 1) and (3, 1)
    assert sw.pareto_mask(x, y, sx=-1).tolist() == [True, False, False, False, False]


def test_final_metrics_equal_the_last_column_of_per_replication(small_workforce):
    from kinerja_sim.final_metrics import final_per_replication
    from kinerja_sim.simulate import simulate

    sim = simulate(small_workforce, "kpi_objektif_binjai_rollout", periods=4, replications=3)
    full = outcomes.per_replication(sim)
    fast = final_per_replication(sim)
    assert set(fast) == set(full)
    for k in full:
        np.testing.assert_array_equal(fast[k], full[k][:, -1], err_msg=k)


# ---------------------------------------------------------------- running

def test_table_has_one_row_per_point_with_parameters_and_intervals(small_result):
    tb = small_result.table
    assert len(tb) == 4 and tb["point"].tolist() == [0, 1, 2, 3]
    assert tb["param.scheme.params.behaviour_weight"].tolist() == [0.1, 0.1, 0.3, 0.3]
    for key in outcomes.METRICS:
        for stat in sw.STATS:
            assert f"{key}.{stat}" in tb.columns
    ok = tb["motivation.index.delta_lo"] <= tb["motivation.index.delta_hi"]
    assert ok.all()
    assert tb["pareto"].any()


def test_a_point_equal_to_the_baseline_has_zero_deltas_common_random_numbers():
    spec = {**SMALL, "scenario": "status_quo",
            "parameters": {"raters.leniency_mean": [4.0, 0.0]}}  # 4.0 = status quo's own value
    tb = sw.run_sweep(spec, progress=False).table
    deltas = tb.loc[0, [c for c in tb.columns if c.endswith(".delta_mean")]].astype(float)
    assert np.allclose(deltas.dropna().to_numpy(), 0.0, atol=0.0)
    assert abs(tb.loc[1, "predikat.share_sangat_baik.delta_mean"]) > 0  # the other point moves


def test_world_overrides_apply_to_baseline_and_reform_alike():
    spec = {**SMALL, "scenario": "status_quo", "world": {"raters.leniency_mean": 0.0},
            "parameters": {"raters.leniency_sd": [3.0]}}  # 3.0 = packaged default
    res = sw.run_sweep(spec, progress=False)
    assert res.table.loc[0, "predikat.share_sangat_baik.delta_mean"] == 0.0
    plain = sw.run_sweep({**spec, "world": {}}, progress=False)
    base = res.baseline.set_index("metric")["mean"]
    assert base["predikat.share_sangat_baik"] != \
        plain.baseline.set_index("metric")["mean"]["predikat.share_sangat_baik"]


def test_the_workforce_is_built_once_per_process_not_per_point(monkeypatch):
    import kinerja_sim.workforce as wfmod

    calls = []
    real = wfmod.synthesize

    def counting(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(wfmod, "synthesize", counting)
    monkeypatch.setattr(sw, "_WORKFORCES", {})
    sw.run_sweep({**SMALL, "n": 310}, progress=False)
    assert len(calls) == 1


def test_dask_localcluster_sweep_equals_in_process_sweep_exactly(small_result):
    on_dask = sw.run_sweep(SMALL, dask=True, progress=False)
    pd.testing.assert_frame_equal(on_dask.table, small_result.table, check_exact=True)
    pd.testing.assert_frame_equal(on_dask.baseline, small_result.baseline, check_exact=True)


def test_unreachable_scheduler_is_an_input_error():
    with pytest.raises(InputError) as err:
        sw.run_sweep(SMALL, scheduler="tcp://127.0.0.1:9", progress=False)
    assert "--scheduler" in err.value.message


# ---------------------------------------------------------------- files

def test_written_files_carry_provenance_and_no_formula(small_result, tmp_path):
    paths = sw.write_sweep(small_result, tmp_path / "out")
    meta = pq.read_schema(paths["parquet"]).metadata
    assert meta[b"sweep"] == b"kecil" and meta[b"baseline"] == b"status_quo"
    assert b"workforce_hash" in meta and b"version.kinerja_sim" in meta
    back = pd.read_parquet(paths["parquet"])
    pd.testing.assert_frame_equal(back, small_result.table, check_exact=True)
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert {"titik", "pembanding", "kolom", "tentang"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert all(is_inert(v) for v in row)
    tentang = {r[0]: r[1] for r in wb["tentang"].iter_rows(min_row=2, values_only=True)}
    assert tentang["scenario"] == "kpi_objektif_binjai"
    assert paths["png"].read_bytes()[:4] == b"\x89PNG"
    assert not list((tmp_path / "out").glob(".*part"))


def test_english_labels_in_the_workbook(small_result, tmp_path):
    paths = sw.write_sweep(small_result, tmp_path / "en", lang="en")
    assert {"points", "baseline", "columns"} <= set(openpyxl.load_workbook(paths["xlsx"])
                                                    .sheetnames)


def test_cli_sweep_writes_the_table_and_bad_spec_exits_1(tmp_path):
    spec = tmp_path / "s.yaml"
    import yaml

    spec.write_text(yaml.safe_dump({**SMALL, "parameters": {
        "scheme.params.behaviour_weight": [0.2]}}))
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", "sweep", str(spec),
                           "--out", str(tmp_path / "o"), "--no-progress"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_parquet(tmp_path / "o" / "sweep.parquet")) == 1
    spec.write_text(yaml.safe_dump({**SMALL, "parameters": {"scheme.params.nope": [1]}}))
    proc = subprocess.run([sys.executable, "-m", "kinerja_sim.cli", "sweep", str(spec)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 1
    assert "parameters.scheme.params.nope" in proc.stderr and "Traceback" not in proc.stderr


def test_bundled_example_spec_is_valid():
    plan = sw.plan_sweep(ROOT / "scenarios" / "sweeps" / "kpi_bobot_sosialisasi.yaml")
    assert len(plan.tasks) == 32


def test_dask_workers_keep_glibcs_dynamic_mmap_threshold():
    # the nanny's default MALLOC_TRIM_THRESHOLD_ more than doubled the engine's CPU time per
    # simulation in a worker (docs/performance.md); the runner's workers must not inherit it
    import os

    with sw.runner(dask=True, n_workers=1, progress=False) as r:
        env = r.map(os.getenv, ["MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS"])
    assert env == [None, "1"]
