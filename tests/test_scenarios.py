"""Scenario files: schema, inheritance, overrides, errors with key paths, stable hashes, and
the status-quo calibration to the observed pile-up (BKN 2023)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kinerja_sim.errors import InputError
from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def test_bundled_scenarios_load_and_cover_the_required_designs():
    loaded = {load_scenario(p).name: load_scenario(p) for p in SCENARIOS}
    assert len(loaded) >= 8
    schemes = {s.spec.scheme.name for s in loaded.values()}
    assert schemes == {"pp46_2011", "pp30_2019", "permenpanrb_6_2022", "weighted_kpi"}
    assert loaded["pp30_2019_70_30"].scheme_params.effective_weights.skp == 0.70
    assert loaded["pp30_2019_60_40"].scheme_params.effective_weights.skp == 0.60
    assert loaded["permenpanrb_6_2022_kurva"].scheme_params.distribution.enabled
    assert not loaded["permenpanrb_6_2022"].scheme_params.distribution.enabled
    assert not loaded["status_quo"].scheme_params.distribution.enabled
    ro = loaded["kpi_objektif_binjai_rollout"].rollout_params
    assert ro.rater_training.enabled and ro.sosialisasi.coverage > 0
    assert len({s.hash for s in loaded.values()}) == len(loaded)


def test_hash_is_stable_and_content_based(tmp_path):
    source = SCENARIOS[0].parent / "status_quo.yaml"  # has no `extends:`
    a = load_scenario(source)
    assert load_scenario(source).hash == a.hash
    text = source.read_text()
    copy = tmp_path / "copy.yaml"
    copy.write_text("# a comment changes nothing\n" + text)
    assert load_scenario(copy).hash == a.hash
    assert load_scenario(source, {"raters.leniency_mean": 9.0}).hash != a.hash


def test_unknown_keys_and_bad_values_are_all_reported_with_key_paths(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\n"
        "scheme:\n  name: permenpanrb_6_2022\n  params:\n    hasill: {sesuai_from: 90}\n"
        "raters: {leniency_mena: 3}\n"
        "tpp: {split_preset: nope}\n"
        "behaviour: {effort_cost: {own: 'lots'}}\n"
        "colour: blue\n")
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    msg = str(err.value)
    for path in ["scheme.params.hasill", "raters.leniency_mena", "tpp.split_preset",
                 "behaviour.effort_cost.own", "colour"]:
        assert path in msg, msg
    assert len(err.value.problems) == 5
    assert all(p.file == str(bad) for p in err.value.problems)


def test_unknown_scheme_and_missing_name(tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("scheme: {name: pp99}\n")
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    msg = str(err.value)
    assert "scheme.name" in msg and "name: Field required" in msg


def test_extends_overrides_and_cycles(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("name: base\nscheme: {name: pp30_2019}\nraters: {leniency_mean: 2.0}\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\nraters: {halo_sd: 0.5}\n")
    sc = load_scenario(child)
    assert sc.rater_params.leniency_mean == 2.0 and sc.rater_params.halo_sd == 0.5
    sc2 = load_scenario(child, {"raters.leniency_mean": 7, "scheme.params.weights_preset":
                                "with_peer_subordinate_input"})
    assert sc2.rater_params.leniency_mean == 7
    assert sc2.scheme_params.effective_weights.perilaku == 0.40
    loop = tmp_path / "loop.yaml"
    loop.write_text("extends: loop2.yaml\nname: a\n")
    (tmp_path / "loop2.yaml").write_text("extends: loop.yaml\nname: b\n")
    with pytest.raises(InputError, match="circular extends"):
        load_scenario(loop)


def test_yaml_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nscheme: {name: pp30_2019\n")
    with pytest.raises(InputError, match=r"line \d+"):
        load_scenario(bad)


def test_status_quo_reproduces_the_observed_pile_up():
    # BKN 2023: ~94 % Baik, ~5 % Sangat Baik; accept >= 90 % Baik and <= 8 % Sangat Baik
    sim = simulate(None, load_scenario("status_quo"), periods=4, replications=3)
    final = sim.panel["predikat"][:, -1].ravel().astype(int)
    shares = np.bincount(final, minlength=5) / final.size
    assert shares[3] >= 0.90, shares
    assert shares[4] <= 0.08, shares


def test_unknown_opd_names_are_errors_at_load_naming_the_file():
    # validation equals running: the names are checked against the scenario's own profile
    # when it is loaded, not first at run time
    with pytest.raises(InputError) as err:
        load_scenario("permenpanrb_6_2022_kurva", {
            "organisation.by_opd": {"Dinas Pendidikan": "Istimewa", "Dinas Fiktif": "Kurang"},
            "rollout.pilot.opds": ["Dinas Khayalan"]})
    msg = str(err.value)
    assert "Dinas Fiktif" in msg and "Dinas Khayalan" in msg
    assert "organisation.by_opd" in msg and "rollout.pilot.opds" in msg
    assert all(p.file.endswith("permenpanrb_6_2022_kurva.yaml") for p in err.value.problems)


def test_unknown_opd_names_of_another_workforce_are_errors_at_run_time(small_workforce):
    from dataclasses import replace

    import pandas as pd

    sc = load_scenario("permenpanrb_6_2022_kurva",
                       {"organisation.by_opd": {"Dinas Pendidikan": "Istimewa"}})
    e = small_workforce.employees.copy()
    e["opd"] = pd.Categorical(e["opd"].astype(str).str.replace("Dinas Pendidikan", "Disdik"))
    other = replace(small_workforce, employees=e)
    with pytest.raises(InputError) as err:
        simulate(other, sc)
    assert "Dinas Pendidikan" in str(err.value)
    assert err.value.problems[0].file.endswith("permenpanrb_6_2022_kurva.yaml")


def test_org_predikat_changes_the_curve(small_workforce):
    # an OPD rated Butuh Perbaikan must get >= 60 % Butuh Perbaikan (SE MenPANRB 03/2023)
    sc = load_scenario("permenpanrb_6_2022_kurva",
                       {"organisation.by_opd": {"Dinas Pendidikan": "Butuh Perbaikan"}})
    df = simulate(small_workforce, sc).final
    staff = df[(df["opd"] == "Dinas Pendidikan") & ~df["is_opd_head"]]
    assert (staff["predikat"] == "Butuh Perbaikan").mean() >= 0.60
    assert (staff["predikat"] == "Sangat Baik").mean() <= 0.10
