"""One engine, one truth: one result type, replication-stable streams, one Binjai workforce."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinerja_sim import compare, load_scenario, simulate, synthesize
from kinerja_sim.dynamics import Simulation
from kinerja_sim.random_streams import StackedGenerator, streams
from kinerja_sim.simulate import resolve_workforce

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return subprocess.run([sys.executable, "-m", "kinerja_sim.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


# ------------------------------------------------------------------ one result type

def test_simulate_returns_a_simulation_for_one_period_and_one_replication(small_workforce):
    sim = simulate(small_workforce, load_scenario("permenpanrb_6_2022_kurva"))
    assert isinstance(sim, Simulation)
    assert (sim.periods, sim.replications) == (1, 1)
    assert len(sim.final) == small_workforce.n
    assert sim.panel["predikat"].shape == (1, 1, small_workforce.n)
    # the panel and the final table describe the same period
    assert np.array_equal(sim.panel["predikat"][0, 0], sim.final["predikat_code"].to_numpy())


def test_compare_works_with_one_period_and_one_replication(small_workforce):
    base = simulate(small_workforce, load_scenario("status_quo"))
    kpi = simulate(small_workforce, load_scenario("kpi_objektif_binjai"))
    comp = compare(base, kpi)
    kappa = comp.headline.set_index(["scenario", "metric"]).loc[
        ("kpi_objektif_binjai", "objectivity.kappa")]
    assert np.isfinite(kappa["mean"]) and np.isfinite(kappa["delta_mean"])


def test_cli_compare_with_one_period_and_one_replication_exits_0():
    proc = cli("compare", "kpi_objektif_binjai", "--baseline", "status_quo",
               "--periods", "1", "--replications", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_cli_rejects_zero_periods_as_a_usage_error():
    proc = cli("simulate", "status_quo", "--periods", "0", "--out", "x.csv")
    assert proc.returncode == 2
    assert "at least 1" in proc.stderr


def test_panel_false_keeps_the_same_final_table(small_workforce):
    sc = load_scenario("permenpanrb_6_2022_kurva")
    full = simulate(small_workforce, sc, seed=3)
    light = simulate(small_workforce, sc, seed=3, panel=False)
    pd.testing.assert_frame_equal(full.final, light.final)
    assert light.panel == {} and np.isnan(light.flip_rate).all()


# ------------------------------------------------------------------ replication-stable streams

@pytest.mark.parametrize("scenario", ["kpi_objektif_binjai_rollout", "permenpanrb_6_2022_kurva"])
def test_replication_0_is_identical_for_1_5_and_20_replications(small_workforce, scenario):
    sc = load_scenario(scenario)
    sims = {r: simulate(small_workforce, sc, seed=11, periods=2, replications=r)
            for r in (1, 5, 20)}
    for r in (5, 20):
        for field in ("predikat", "score", "merit", "effort", "motivation", "tpp_total"):
            assert np.array_equal(sims[r].panel[field][0], sims[1].panel[field][0],
                                  equal_nan=True), (r, field)
        assert sims[r].moved[0].tolist() == sims[1].moved[0].tolist()
        assert sims[r].flip_rate[0] == sims[1].flip_rate[0]
    # replication 4 of R = 5 is replication 4 of R = 20 too
    assert np.array_equal(sims[5].panel["merit"][4], sims[20].panel["merit"][4])
    # and replications differ from each other (independent streams)
    assert not np.array_equal(sims[5].panel["merit"][0], sims[5].panel["merit"][1])


def test_stacked_generator_draws_each_replications_rows_from_its_own_generator():
    rows, reps = 7, 3
    per_rep = [streams(5, r)["measurement"] for r in range(reps)]
    fresh = [streams(5, r)["measurement"] for r in range(reps)]
    g = StackedGenerator(per_rep, rows)
    whole = g.standard_normal((rows * reps, 2))
    pieces = np.concatenate([g.standard_normal((4, 2)), g.standard_normal((rows * reps - 4, 2))])
    for r in range(reps):
        expect = fresh[r].standard_normal((2 * rows, 2))  # two passes, same generator
        assert np.array_equal(whole[r * rows:(r + 1) * rows], expect[:rows])
        assert np.array_equal(pieces[r * rows:(r + 1) * rows], expect[rows:])


def test_stacked_integers_stay_within_their_replication():
    g = StackedGenerator([streams(1, r)["measurement"] for r in range(4)], 50)
    idx = g.integers(0, 4 * 9, 200)  # 9 raters per replication, 50 employees per replication
    rep_of_row = np.repeat(np.arange(4), 50)
    assert np.array_equal(idx // 9, rep_of_row)


def test_one_replication_facade_equals_the_plain_generator():
    plain = streams(9)["measurement"]
    g = StackedGenerator([streams(9)["measurement"]], 10)
    assert np.array_equal(g.standard_normal((10, 3)), plain.standard_normal((10, 3)))
    assert np.array_equal(g.random(10), plain.random(10))
    lam = np.linspace(0.5, 4, 10)
    assert np.array_equal(g.poisson(lam), plain.poisson(lam))


# ------------------------------------------------------------------ one Binjai workforce

def test_readme_api_workforce_and_cli_workforce_give_the_same_run():
    sc = load_scenario("permenpanrb_6_2022_kurva")
    api = simulate(synthesize("binjai"), sc).final       # the README's API call
    via_cli = simulate(resolve_workforce(None, sc), sc).final  # what the CLI builds
    assert int(api["moved_by_distribution"].sum()) == int(via_cli["moved_by_distribution"].sum())
    assert int(api["moved_by_distribution"].sum()) > 0
    pd.testing.assert_frame_equal(api, via_cli)


def test_api_and_cli_simulate_write_byte_identical_tables(tmp_path):
    from kinerja_sim.report import write_csv

    out = tmp_path / "cli.csv"
    proc = cli("simulate", "permenpanrb_6_2022_kurva", "--seed", "4", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    sc = load_scenario("permenpanrb_6_2022_kurva")
    api = tmp_path / "api.csv"
    write_csv(api, simulate(synthesize("binjai"), sc, seed=4).final)
    assert out.read_bytes() == api.read_bytes()
    assert len(pd.read_csv(out)) > 5000
