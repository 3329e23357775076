"""Validation equals running (issue 10 item 3): names are checked against the workforce, with a
suggestion, the real file and the key path; settings a run would not read are errors saying
why; and the property that ties validation to the engine: a random valid override either
changes the simulated result or validation reported it as inert."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from kinerja_sim import outcomes
from kinerja_sim.cli import main
from kinerja_sim.errors import InputError
from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate


def _problems(name, overrides) -> list:
    with pytest.raises(InputError) as err:
        load_scenario(name, overrides)
    return err.value.problems


# ------------------------------------------------------------------ names


def test_misspelt_rumpun_and_indicator_in_weights_name_the_file_key_and_suggestion():
    probs = _problems("kpi_objektif_binjai", {
        "scheme.params.indicator_weights.by_rumpun.kesehatn": {"vaksinasi": 1.0},
        "scheme.params.indicator_weights.by_rumpun.pendidikan": {"jam_mengajarr": 1.0}})
    by_loc = {p.location: p for p in probs}
    rump = by_loc["scheme.params.indicator_weights.by_rumpun.kesehatn"]
    assert rump.file.endswith("scenarios/kpi_objektif_binjai.yaml")
    assert "'kesehatan'" in rump.expected
    ind = by_loc["scheme.params.indicator_weights.by_rumpun.pendidikan.jam_mengajarr"]
    assert "'jam_mengajar'" in ind.expected
    assert all("<scenario>" not in str(p) for p in probs)


def test_misspelt_name_in_an_indicator_list_is_an_input_error_not_a_value_error():
    probs = _problems("status_quo", {
        "measurement.assignment.by_rumpun.kesehatan.utama": ["vaksinasii", "ikm"]})
    locs = [p.location for p in probs]
    assert "measurement.assignment.by_rumpun.kesehatan.utama.0" in locs
    unknown = next(p for p in probs if p.location.endswith("utama.0"))
    assert "'vaksinasi'" in unknown.expected


def test_misspelt_opd_and_golongan_are_errors_with_suggestions():
    probs = _problems("permenpanrb_6_2022_kurva", {
        "organisation.by_opd": {"Dinas Kesehatn": "Istimewa"},
        "behaviour.valence.gaji_pokok": {"iv": 5_000_000}})
    text = "\n".join(map(str, probs))
    assert "'Dinas Kesehatan', the closest real name" in text
    assert "behaviour.valence.gaji_pokok.iv" in text


def test_weight_on_an_indicator_the_rumpun_does_not_hold_is_inert():
    (p,) = _problems("kpi_objektif_binjai", {
        "scheme.params.indicator_weights.by_rumpun.kesehatan": {"jam_mengajar": 2.0}})
    assert p.location == "scheme.params.indicator_weights.by_rumpun.kesehatan.jam_mengajar"
    assert "has no effect" in p.message and "kesehatan" in p.message


def test_names_are_checked_against_the_workforce_passed_in(small_workforce):
    sc = load_scenario("status_quo", workforce=small_workforce)
    assert sc.name == "status_quo"
    with pytest.raises(InputError, match="not in the workforce"):
        load_scenario("status_quo", {"rollout.pilot.opds": ["Dinas Fiktif"]},
                      workforce=small_workforce)


def test_validate_command_reports_names_with_file_and_key_path(tmp_path, capsys):
    f = tmp_path / "typo.yaml"
    f.write_text("extends: " + str(load_scenario("kpi_objektif_binjai").source) + "\n"
                 "name: typo\nscheme:\n  name: weighted_kpi\n  params:\n"
                 "    indicator_weights: {by_rumpun: {kesehatan: {vaksinasii: 2.0}}}\n")
    assert main(["validate", str(f)]) == 1
    err = capsys.readouterr().err
    assert f"{f}: scheme.params.indicator_weights.by_rumpun.kesehatan.vaksinasii" in err
    assert "Traceback" not in err and "'vaksinasi'" in err


# ------------------------------------------------------------------ inert settings


@pytest.mark.parametrize("base, key, value, why", [
    ("status_quo", "rollout.rater_training.leniency_sd_factor", 0.3, "rater training is off"),
    ("status_quo", "scheme.params.distribution.rules.Baik.caps",
     [{"category": "Baik", "max_share": 0.5, "move_to": "Butuh Perbaikan"}], "curve is off"),
    ("permenpanrb_6_2022_kurva", "scheme.params.distribution.rules.Istimewa.caps",
     [{"category": "Sangat Baik", "max_share": 0.5, "move_to": "Baik"}],
     "no OPD has organisation predikat 'Istimewa'"),
    ("pp30_2019_70_30", "behaviour.task_weights.hasil_share_6_2022", 0.9,
     "only permenpanrb_6_2022 reads it"),
    ("pp30_2019_70_30", "organisation.default", "Istimewa", "pp30_2019 has no SE 03/2023"),
    ("status_quo", "raters.quality_center", 70.0, "only pp46_2011"),
    ("status_quo", "measurement.innovation.base_rate", 0.3, "innovations"),
    ("status_quo", "rollout.sosialisasi.understanding_gain", 0.9, "coverage is 0"),
    ("status_quo", "rollout.audit.inflation_reduction", 0.5, "no record is audited"),
    ("status_quo", "rollout.pilot.full_rollout_period", 2, "there is no pilot"),
    ("status_quo", "measurement.indicators.vaksinasi.target", 999.0, "belong to the workforce"),
    ("status_quo", "measurement.period_months", 6.0, "belong to the workforce"),
    ("status_quo", "tpp.base_amount.by_kelas.16", 1.0, "no employee in the workforce"),
    ("status_quo", "behaviour.justice.procedural_weights.voice", 0.4, "no appeal channel"),
    ("kpi_objektif_binjai", "scheme.params.thresholds.zscore_within_unit",
     [1.0, 2.0, 3.0, 4.0], "not zscore_within_unit"),
    ("pp30_2019_70_30", "scheme.params.weights_presets.with_peer_subordinate_input",
     {"skp": 0.5, "perilaku": 0.5}, "weights_preset is default"),
])
def test_settings_a_run_would_not_read_are_errors_saying_why(base, key, value, why):
    probs = _problems(base, {key: value})
    inert = [p for p in probs if "has no effect" in p.message]
    assert inert, probs
    assert any(why in p.message for p in inert), inert
    assert all(p.file.endswith(f"scenarios/{base}.yaml") for p in probs)


def test_a_new_indicator_in_a_scenario_is_an_error_explaining_where_indicators_live():
    vaks = load_scenario("status_quo").catalogue.indicators["vaksinasi"].model_dump()
    (p,) = _problems("status_quo", {"measurement.indicators.vaksinasi_baru": vaks})
    assert p.location == "measurement.indicators.vaksinasi_baru"
    assert "held by no employee" in p.message and "indicators.yaml" in p.message


def test_restating_a_default_is_not_an_error():
    sc = load_scenario("status_quo", {"rollout.rater_training.leniency_sd_factor": 0.5,
                                      "raters.quality_center": 84.0})
    assert sc.rollout_params.rater_training.leniency_sd_factor == 0.5


def test_inert_settings_become_active_with_their_switch():
    sc = load_scenario("status_quo", {"rollout.rater_training":
                                      {"enabled": True, "leniency_sd_factor": 0.3}})
    assert sc.rollout_params.rater_training.leniency_sd_factor == 0.3


def test_overrides_merge_mappings_and_replace_lists():
    sc = load_scenario("status_quo", {"raters": {"halo_sd": 0.5}})
    assert sc.rater_params.halo_sd == 0.5
    assert sc.rater_params.leniency_mean == 4.0  # the status quo's value survives the merge
    kurva = load_scenario("permenpanrb_6_2022_kurva", {
        "scheme.params.distribution.rules.Baik.caps":
            [{"category": "Baik", "max_share": 0.5, "move_to": "Butuh Perbaikan"}]})
    (cap,) = kurva.scheme_params.distribution.rules["Baik"].caps
    assert cap.max_share == 0.5
    assert kurva.scheme_params.distribution.rules["Baik"].floors  # untouched: still there


# ------------------------------------------------------------------ the property

BASES = ("status_quo", "kpi_objektif_binjai_rollout", "pp46_2011", "pp30_2019_60_40",
         "permenpanrb_6_2022_kurva")
PERIODS = 3
#: Value-dependent effects that validation cannot see without running, listed in
#: docs/scenarios.md §4: bounds that may not bind for the run's draws.
CAPS = ("measurement.attendance.working_days", "behaviour.effort_cost.max_change",
        "scheme.params.distribution.min_group_size")


def _blocks(sc) -> dict:
    return {"scheme.params": sc.scheme_params.model_dump(), "tpp": sc.tpp_params.model_dump(),
            "raters": sc.rater_params.model_dump(), "measurement": sc.catalogue.model_dump(),
            "behaviour": sc.behaviour_params.model_dump(),
            "rollout": sc.rollout_params.model_dump(),
            "": {"target_ambition": sc.spec.target_ambition}}


def _numeric_leaves(tree, path=()):
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k in ("reference", "note") or str(k).endswith("_note"):
                continue
            yield from _numeric_leaves(v, (*path, str(k)))
    elif isinstance(tree, (bool, int, float)):
        yield path, tree


@cache
def _leaves(base: str) -> tuple:
    sc = load_scenario(base)
    out = []
    for block, tree in _blocks(sc).items():
        for path, v in _numeric_leaves(tree):
            key = ".".join(p for p in (block, *path) if p)
            if key in CAPS or key.endswith(".max_value"):
                continue
            if sc.rollout_params.audit.probability > 0 and (
                    key.endswith(".manipulability") or key.startswith("behaviour.gaming.")):
                continue  # audits may deter all gaming: value-dependent (docs §4)
            out.append((key, v))
    return tuple(out)


def _fingerprint(sim) -> np.ndarray:
    final = sim.final.select_dtypes("number").to_numpy(dtype=float)
    parts = [final.ravel()] + [sim.panel[k].ravel() for k in sorted(sim.panel)]
    per = outcomes.per_replication(sim)
    parts += [np.asarray(per[k], dtype=float).ravel() for k in sorted(per)]
    return np.nan_to_num(np.concatenate(parts), nan=-7.0)


@cache
def _base_run(base: str, wf_id: int):
    return _fingerprint(simulate(_WF[wf_id], load_scenario(base), seed=3, periods=PERIODS))


_WF: dict[int, object] = {}


@st.composite
def _override(draw):
    base = draw(st.sampled_from(BASES))
    key, v = draw(st.sampled_from(_leaves(base)))
    if isinstance(v, bool):
        new = not v
    elif isinstance(v, int) and key.endswith(("start_period", "full_rollout_period")):
        new = draw(st.sampled_from([t for t in range(PERIODS) if t != v]))
    elif isinstance(v, int):
        new = v + draw(st.sampled_from([1, 2]))
    elif v == 0:
        new = draw(st.sampled_from([0.3, 0.6]))
    else:
        new = v * draw(st.sampled_from([0.25, 0.5]))
    return base, key, new


@settings(max_examples=40, deadline=None)  # each example is a 3-period simulation
@given(case=_override())
def test_a_valid_override_changes_the_result_or_validation_says_it_is_inert(
        small_workforce, case):
    base, key, value = case
    _WF[id(small_workforce)] = small_workforce
    try:
        sc = load_scenario(base, {key: value})
    except InputError as err:
        if any(p.location == key and "has no effect" in p.message for p in err.problems):
            return  # validation said so
        assert not any("has no effect" in p.message for p in err.problems), err
        reject()  # outside the parameter's domain (or a rule spanning keys): not valid
    got = _fingerprint(simulate(small_workforce, sc, seed=3, periods=PERIODS))
    ref = _base_run(base, id(small_workforce))
    assert got.shape != ref.shape or not np.array_equal(got, ref), (
        f"{base}: {key} -> {value!r} validated but changed nothing")


def test_weighted_kpi_yaml_example_names_real_indicators_and_rumpun():
    import re

    from kinerja_sim.params import load_yaml
    from kinerja_sim.yaml_safe import load_text

    note = load_yaml("schemes/weighted_kpi.yaml")["indicator_weights"]["note"]
    example = re.search(r"Example: by_rumpun: (\{.*\})", note).group(1)
    weights = load_text(example)
    sc = load_scenario("kpi_objektif_binjai",
                       {"scheme.params.indicator_weights.by_rumpun": weights})
    assert sc.scheme_params.indicator_weights.by_rumpun["kesehatan"]["vaksinasi"] == 2.0


def test_validate_command_accepts_every_bundled_scenario(capsys):
    from pathlib import Path

    files = sorted(str(p) for p in (Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count("valid") == len(files)


def test_unknown_workforce_profile_is_an_error_with_a_suggestion():
    (p,) = _problems("status_quo", {"workforce.profile": "binjia"})
    assert p.location == "workforce.profile" and "'binjai'" in p.expected


def test_scheme_params_of_another_scheme_say_which_scheme_reads_them():
    (p,) = _problems("kpi_objektif_binjai", {"scheme.params.weights_preset": "default"})
    assert p.location == "scheme.params.weights_preset"
    assert "a parameter of pp30_2019, not of weighted_kpi" in p.message
