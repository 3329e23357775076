"""Guards against the faults an outside review left undetected (issue 12), one test per fault,
each named for what it guards. They run in-process, so mutation testing sees them too.
Fault 7 (the rater calibration moved back to halo 0.80) is guarded statistically in
tests/test_raters.py (``test_interrater_reliability_is_052_within_001_over_16_seeds``).

The fault each test was shown to catch (docs/testing.md, "Fault injection"; re-run with
``python tools/faults.py``) is named in its docstring. Expected values are computed here from
the panel, the input rows or the regulation, never taken from the function under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_real_file_path import (
    ORG,
    SALT,
    _codes,
    curve_violations,
    expected_raw,
    nip,
    pseudonym,
)

from kinerja_sim import outcomes, simulate
from kinerja_sim.scenario import load_scenario


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A real-looking employee file (NIPs, a name column) loaded from CSV and from XLSX."""
    from kinerja_sim.workforce import load_workforce, synthesize
    from kinerja_sim.workforce.export import export_workforce

    tmp = tmp_path_factory.mktemp("guards")
    export_workforce(synthesize("binjai", seed=5, n=500), tmp / "export.csv")
    df = pd.read_csv(tmp / "export.csv", dtype=str, keep_default_na=False)
    ids = {pid: nip(i) for i, pid in enumerate(df["id_pegawai"])}
    df.insert(0, "nip", df["id_pegawai"].map(ids))
    df.insert(1, "nip_penilai", df["id_penilai"].map(lambda r: ids.get(r, r)))
    df.insert(2, "nama", "Nama")
    df = df.drop(columns=["id_pegawai", "id_penilai"])
    csv = tmp / "pegawai.csv"
    df.to_csv(csv, index=False)
    xlsx = tmp / "pegawai.xlsx"
    with pd.ExcelWriter(xlsx) as w:  # a test input, not an output of the package
        pd.DataFrame({"catatan": ["lembar pertama bukan data"]}).to_excel(
            w, sheet_name="catatan", index=False)
        df.to_excel(w, sheet_name="Data Pegawai", index=False)
    scenario = load_scenario({"extends": str(load_scenario("permenpanrb_6_2022_kurva").source),
                              "organisation": {"default": "Baik", "by_opd": ORG}})
    return {"df": df, "csv": load_workforce(csv, salt=SALT),
            "xlsx": load_workforce(xlsx, sheet="Data Pegawai", salt=SALT),
            "scenario": scenario}


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_loaded_file_gets_the_se_curve_in_every_opd(loaded, form):
    """Fault 1: a loaded (real) file silently skipping the SE 03/2023 curve."""
    final = simulate(loaded[form], loaded["scenario"]).final.set_index("employee_id")
    heads = set(loaded["df"].loc[loaded["df"]["kepala_opd"] == "ya", "nip"].map(pseudonym))
    staff = final[~final.index.isin(heads)]
    raw_broken = [o for o, g in staff.groupby("opd", observed=True)
                  if curve_violations(_codes(g["predikat_raw"].astype(str)), ORG.get(o, "Baik"))]
    assert len(raw_broken) >= 5  # the file's own distribution breaks the curve
    broken = {o: v for o, g in staff.groupby("opd", observed=True)
              if (v := curve_violations(_codes(g["predikat"].astype(str)), ORG.get(o, "Baik")))}
    assert not broken
    assert final["moved_by_distribution"].sum() > 0


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_loaded_file_predikat_belongs_to_its_own_row(loaded, form):
    """Fault 2: the predikat of a loaded file shifted by one row."""
    final = simulate(loaded[form], loaded["scenario"]).final.set_index("employee_id")
    expected = expected_raw(loaded["df"])
    got = _codes(final["predikat_raw"].astype(str))
    assert (got == expected.loc[final.index].to_numpy()).all()


def test_xlsx_loader_reads_the_named_sheet_not_the_first(loaded):
    """Fault 3: the XLSX reader ignoring ``sheet`` / ``--sheet``."""
    from kinerja_sim.errors import InputError
    from kinerja_sim.workforce.reader import read_table

    a, b = loaded["csv"].employees, loaded["xlsx"].employees
    assert b["employee_id"].tolist() == a["employee_id"].tolist()
    assert b["opd"].astype(str).tolist() == a["opd"].astype(str).tolist()
    first = read_table(loaded["xlsx"].source, sheet="catatan")
    assert first.header == ["catatan"]
    with pytest.raises(InputError, match="no sheet 'pegawai'"):
        read_table(loaded["xlsx"].source)


def test_command_returns_1_after_an_input_error(tmp_path, capsys):
    """Fault 4: ``kinerja-sim`` returning 0 after an input error."""
    from kinerja_sim.cli import main

    bad = tmp_path / "rusak.yaml"
    bad.write_text("name: x\nraterz: {}\n", encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert main(["score", str(tmp_path / "tidak_ada.csv"), "--scenario", "status_quo",
                 "--out", str(tmp_path / "h.xlsx")]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_rater_training_lowers_the_spread_of_supervisor_leniency(small_workforce):
    """Fault 5: rater training no longer narrowing leniency."""
    base = load_scenario("status_quo")
    trained = load_scenario(base.source, {"rollout.rater_training.enabled": True,
                                          "rollout.rater_training.start_period": 0})
    f0 = simulate(small_workforce, base, seed=4).final
    f1 = simulate(small_workforce, trained, seed=4).final

    def rater_means(f):
        g = f[f["rater_id"] != "WALIKOTA"].groupby("rater_id")["perilaku_mean"]
        return g.mean()[g.size() >= 3]

    m0, m1 = rater_means(f0), rater_means(f1)
    assert m1.std() < 0.85 * m0.std(), (m0.std(), m1.std())
    assert f1["perilaku_mean"].mean() < f0["perilaku_mean"].mean() - 1.0


def test_trajectories_row_t_is_the_summary_of_period_t(small_workforce):
    """Fault 6: the trajectories table always showing period 0."""
    sim = simulate(small_workforce, load_scenario("kpi_objektif_binjai"), periods=4,
                   replications=3, seed=2)
    tr = outcomes.trajectories(sim).set_index(["metric", "period"])
    pn = sim.panel
    for t in range(4):
        # computed here from the panel: mean over replications of the per-replication value,
        # interval = 5th and 95th percentiles across replications (metrics.yaml level 0.90)
        per_rep = {
            "motivation.index": pn["motivation"][:, t].mean(axis=1),
            "allowance.mean_tpp": pn["tpp_total"][:, t].mean(axis=1),
            "predikat.share_baik": (pn["predikat"][:, t] == 3).mean(axis=1),
            "motivation.effort_change": (pn["effort"][:, t].mean(axis=1)
                                         - pn["effort"][:, 0].mean(axis=1)),
        }
        for metric, v in per_rep.items():
            row = tr.loc[(metric, t)]
            assert row["mean"] == pytest.approx(v.mean(), rel=1e-12, abs=1e-12), (metric, t)
            assert row["lo"] == pytest.approx(np.quantile(v, 0.05), rel=1e-12, abs=1e-12)
            assert row["hi"] == pytest.approx(np.quantile(v, 0.95), rel=1e-12, abs=1e-12)
    index = tr.xs("motivation.index", level="metric")["mean"]
    assert index.nunique() == 4  # the periods really differ, so a stuck period shows
