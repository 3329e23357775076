"""The weight designer in plain pytest (no kernel): move widgets, click buttons, read outputs."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

from kinerja_sim import load_scenario, simulate
from kinerja_sim.cli import main as cli_main
from kinerja_sim.labels import t
from kinerja_sim.scenario import SCENARIO_DIR
from kinerja_sim.ui import designer
from kinerja_sim.ui import designer_state as ds
from kinerja_sim.ui.designer import KernelScheduler, ManualScheduler

PERIODS, REPS = 3, 2
RSUD = "RSUD Dr. R.M. Djoelham"  # an OPD name with dots: key paths are tuples, not strings


class DeferredScheduler(ManualScheduler):
    """Like ManualScheduler, but background work waits until :meth:`finish` is called."""

    def __init__(self):
        super().__init__()
        self.jobs = []

    def background(self, work, done):
        self.jobs.append((work, done))

    def finish(self):
        work, done = self.jobs.pop(0)
        done(work(), None)


@pytest.fixture
def app(small_workforce, tmp_path):
    return designer(small_workforce, scheduler=ManualScheduler(), periods=PERIODS,
                    replications=REPS, save_dir=tmp_path)


def shown_shares(app) -> np.ndarray:
    """Candidate predikat shares as the table shows them (data attributes), by code 0..4."""
    pairs = re.findall(r'data-code="(\d)" data-candidate="([0-9.]+)"',
                       app.distribution_table.value)
    out = np.zeros(5)
    for code, value in pairs:
        out[int(code)] = float(value)
    assert len(pairs) == 5
    return out


def shares_of(sim) -> np.ndarray:
    pred = sim.final["predikat_code"].to_numpy()
    return np.bincount(pred, minlength=5) / pred.size


def test_initial_view_shows_the_preset_against_status_quo(app, small_workforce):
    assert app.message.value == ""
    expected = shares_of(simulate(small_workforce, "kpi_objektif_binjai"))
    np.testing.assert_allclose(shown_shares(app), expected, atol=1e-6)
    assert app.chart.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "status_quo" in app.status.value


def test_weight_slider_changes_the_shown_shares_and_the_chart(app):
    before_shares, before_chart = shown_shares(app), app.chart.value
    before_fair = app.fairness_table.value
    app.weight_sliders[("pendidikan", "jam_mengajar")].value = 5.0
    app.behaviour_weight.value = 0.6
    assert not np.allclose(shown_shares(app), before_shares)
    assert app.chart.value != before_chart
    assert app.fairness_table.value != before_fair
    assert app.message.value == ""


def test_weight_shows_as_a_normalised_percentage(app):
    share = app.weight_shares[("kesehatan", "vaksinasi")]
    assert "66,7 %" in share.value  # vaksinasi 2.0 of {vaksinasi 2.0, ikm 1.0}
    app.weight_sliders[("kesehatan", "ikm")].value = 2.0
    assert "50,0 %" in share.value


def test_fairness_table_flags_match_the_thresholds(app):
    fair = app.last_fast.fairness
    n_flags = int(fair["ff_flag"].sum() + fair["gap_flag"].sum())
    assert app.fairness_table.value.count('class="ks-flag"') == n_flags
    ff = fair.set_index("dimension")["ff_candidate"]
    assert ((ff < 0.8) == fair.set_index("dimension")["ff_flag"]).all()
    assert set(fair["dimension"]) == {"gender", "status", "rumpun", "golongan", "opd"}


def test_winners_and_losers_follow_the_chosen_grouping(app, small_workforce):
    app.winners_dimension.value = "gender"
    rows = app.winners_table.value.count("<tr>") - 1  # minus the header row
    assert rows == small_workforce.employees["gender"].nunique()
    wl = app.last_fast.winners_losers
    part = wl[wl["dimension"] == "gender"]
    assert (part["share_up"] + part["share_down"] <= 1 + 1e-12).all()


def test_saved_yaml_extends_the_preset_with_only_the_changed_keys(app, tmp_path):
    app.weight_sliders[("kesehatan", "vaksinasi")].value = 4.0
    app.distribution.value = True
    app.org_predikat[RSUD].value = "Istimewa"
    app.coverage.value = 0.5
    app.save_name.value = "rancangan_uji"
    path = tmp_path / "rancangan_uji.yaml"
    assert app.save_path.value == str(path)
    app.save_button.click()
    assert app.message.value == "", app.message.value
    assert str(path) in app.save_message.value
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (tmp_path / data["extends"]).resolve() == SCENARIO_DIR / "kpi_objektif_binjai.yaml"
    assert data["name"] == "rancangan_uji"
    assert data["scheme"] == {"params": {"indicator_weights": {"by_rumpun": {
        "kesehatan": {"vaksinasi": 4.0}}}, "distribution": {"enabled": True}}}
    assert data["organisation"] == {"by_opd": {RSUD: "Istimewa"}}
    assert data["rollout"] == {"sosialisasi": {"coverage": 0.5}}
    assert set(data) == {"extends", "name", "description", "scheme", "organisation", "rollout"}
    assert cli_main(["validate", str(path)]) == 0


def test_saved_yaml_through_the_api_gives_the_designers_numbers(app, small_workforce,
                                                                 tmp_path):
    app.weight_sliders[("pelayanan_administrasi", "dokumen_diselesaikan")].value = 3.0
    app.method.value = "percentile_within_unit"
    app.rater_training.value = True
    assert app.scheduler.run_pending()  # the debounced projection
    path = tmp_path / "api.yaml"
    app.save_path.value = str(path)
    app.save_button.click()
    assert app.message.value == "", app.message.value

    sc = load_scenario(path)
    assert sc.hash == app.last_fast.candidate_hash == app.last_projection.candidate_hash
    one = simulate(small_workforce, sc, periods=1)
    np.testing.assert_allclose(shown_shares(app), shares_of(one), atol=1e-6)
    proj = simulate(small_workforce, sc, periods=PERIODS, replications=REPS)
    shown = app.last_projection.final.set_index("metric")["candidate"]
    assert shown["motivation.index"] == pytest.approx(
        proj.panel["motivation"][:, -1].mean(axis=1).mean())
    assert shown["service.ikm"] == pytest.approx(proj.service["ikm"][:, -1].mean())


def test_a_weight_change_in_an_unlisted_rumpun_writes_its_whole_set(small_workforce,
                                                                    tmp_path):
    app = designer(small_workforce, "kpi_objektif_binjai", scheduler=ManualScheduler(),
                   save_dir=tmp_path)
    st = app.state
    # structural staff of kesehatan carry realisasi_program_unit + ketepatan_laporan
    app.weight_sliders[("kesehatan", "ketepatan_laporan")].value = 3.0
    written = {p[-1]: v for p, v in st.changes().items() if p[:-2] == ds.WEIGHTS}
    assert written == {"ketepatan_laporan": 3.0}  # kesehatan is listed in the preset
    # a preset whose by_rumpun omits a rumpun: that rumpun's weights come from `default`
    # (ketepatan_laporan: held in every rumpun, so `default` still acts once kesehatan is
    # written out on its own)
    base = tmp_path / "partial.yaml"
    base.write_text("extends: {}\nname: partial\nscheme:\n  name: weighted_kpi\n"
                    "  params: {{indicator_weights: {{default: {{ketepatan_laporan: 2.0}}}}}}\n"
                    .format(SCENARIO_DIR / "status_quo.yaml"), encoding="utf-8")
    app.preset_file.value = str(base)
    app.preset_file_button.click()
    assert app.message.value == "", app.message.value
    app.weight_sliders[("kesehatan", "vaksinasi")].value = 4.0
    kes = {p[-1]: v for p, v in app.state.changes().items() if p[-2] == "kesehatan"}
    assert kes == {"vaksinasi": 4.0, "ikm": 1.0, "realisasi_program_unit": 1.0,
                   "ketepatan_laporan": 2.0}
    out = tmp_path / "from_partial.yaml"
    app.save_path.value = str(out)
    app.save_button.click()
    assert load_scenario(out).hash == app.state.candidate().hash


def test_projection_waits_for_the_debounce_and_shows_that_it_is_working(small_workforce):
    sched = DeferredScheduler()
    app = designer(small_workforce, scheduler=sched, periods=PERIODS, replications=REPS)
    waiting = t("designer.projection_waiting")
    assert app.projection_status.value.startswith(waiting[:20])
    app.weight_sliders[("teknis", "ketepatan_laporan")].value = 2.0
    assert sched.pending is not None and not sched.jobs  # only one armed call, nothing run
    sched.run_pending()
    assert "ks-working" in app.projection_status.value
    assert app.projection_chart.value == b""
    app.weight_sliders[("teknis", "ketepatan_laporan")].value = 2.5  # sliders stay live
    assert app.message.value == ""
    sched.finish()  # stale: the design moved on -> discarded and started again
    assert app.last_projection is None and len(sched.jobs) == 1
    sched.finish()
    assert "ks-done" in app.projection_status.value
    assert app.last_projection.candidate_hash == app.state.candidate().hash
    assert app.projection_chart.value[:4] == b"\x89PNG"
    app.save_name.value = "nama_lain"  # a new name does not change the numbers
    app.weight_sliders[("teknis", "ketepatan_laporan")].value = 2.5  # same value: no event
    assert not sched.jobs and "ks-done" in app.projection_status.value


def test_weights_that_leave_an_skp_without_weight_are_reported(app):
    app.weight_sliders[("kesehatan", "vaksinasi")].value = 0.0  # still valid: ikm carries it
    assert app.message.value == ""
    before = shown_shares(app)
    app.weight_sliders[("kesehatan", "ikm")].value = 0.0
    assert "weight 0" in app.message.value
    assert t("designer.error_input", action=t("designer.action_update")) in app.message.value
    assert "—" in app.weight_shares[("kesehatan", "ikm")].value
    np.testing.assert_allclose(shown_shares(app), before)  # last good numbers stay shown
    app.weight_sliders[("kesehatan", "ikm")].value = 1.0
    assert app.message.value == ""


def test_projection_button_runs_without_waiting(small_workforce):
    app = designer(small_workforce, scheduler=ManualScheduler(), periods=PERIODS,
                   replications=REPS, auto_projection=False)
    assert app.scheduler.pending is None
    app.projection_button.click()
    assert app.last_projection is not None and "ks-done" in app.projection_status.value


def test_an_exception_in_a_callback_is_shown_in_the_app(app, monkeypatch):
    def boom():
        raise RuntimeError("penghitung rusak")

    monkeypatch.setattr(app.state, "fast", boom)
    app.weight_sliders[("pendidikan", "jam_mengajar")].value = 2.0
    assert "penghitung rusak" in app.message.value
    assert t("designer.error_unexpected", action=t("designer.action_update")) \
        in app.message.value
    assert app.message.layout.display is None  # visible


def test_a_failing_projection_is_shown_in_the_app(app, monkeypatch):
    def broken(*_a, **_k):
        raise ValueError("proyeksi rusak")

    monkeypatch.setattr(ds, "project", broken)
    app.projection_button.click()
    assert "proyeksi rusak" in app.message.value
    assert app.projection_status.value == t("designer.projection_failed")


def test_a_bad_scenario_file_is_reported_in_plain_words(app, tmp_path):
    app.preset_file.value = str(tmp_path / "tidak_ada.yaml")
    app.preset_file_button.click()
    assert "scenario file not found" in app.message.value
    assert t("designer.error_input", action=t("designer.action_preset")) in app.message.value
    assert app.preset.value == "kpi_objektif_binjai"  # the design is left as it was


def test_a_preset_that_fails_to_load_leaves_the_dropdown_on_the_design_in_use(app,
                                                                               monkeypatch):
    def broken(_preset):
        raise RuntimeError("preset rusak")

    monkeypatch.setattr(app.state, "load_preset", broken)
    app.preset.value = "pp46_2011"
    assert "preset rusak" in app.message.value
    assert app.preset.value == "kpi_objektif_binjai" == app.state.preset.name


def test_another_baseline_changes_the_baseline_column(app, small_workforce):
    app.baseline.value = "pp30_2019_70_30"
    assert app.message.value == ""
    expected = shares_of(simulate(small_workforce, "pp30_2019_70_30"))
    shown = [float(x) for x in re.findall(r'data-baseline="([0-9.]+)"',
                                          app.distribution_table.value)][::-1]
    np.testing.assert_allclose(shown, expected, atol=1e-6)


def test_an_invalid_scenario_name_is_refused(app, tmp_path):
    app.save_name.value = "../luar"
    app.save_button.click()
    assert "../luar" in app.message.value
    assert not list(tmp_path.glob("*.yaml"))


def test_a_preset_without_weights_shows_its_own_settings(app):
    app.preset.value = "permenpanrb_6_2022_kurva"
    assert app.message.value == ""
    assert app.weight_sliders == {} and app.behaviour_weight is None
    assert app.distribution.value is True
    app.distribution.value = False
    assert app.state.changes() == {ds.DISTRIBUTION: False}
    app.preset.value = "pp46_2011"
    assert app.distribution is None
    labels = app.last_fast.labels_candidate
    assert labels[0] == "Buruk" and "Buruk" in app.distribution_table.value


def test_english_labels_and_no_raw_keys(small_workforce):
    app = designer(small_workforce, scheduler=ManualScheduler(), lang="en")
    texts = []

    def walk(widget):
        for attr in ("value", "description"):
            v = getattr(widget, attr, None)
            if isinstance(v, str):
                texts.append(v)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(app)
    joined = "\n".join(texts)
    assert "weight designer" in joined and "Baseline" in joined
    assert "designer." not in joined
    assert list(app.tabs.titles)[0] == "Indicator weights"


def test_every_designer_label_has_both_languages():
    from kinerja_sim.labels import table

    section = table()["designer"]
    assert section and all(set(v) == {"id", "en"} and v["id"] and v["en"]
                           for v in section.values())


def test_kernel_scheduler_debounces_and_hands_results_to_the_loop():
    async def scenario():
        sched = KernelScheduler(delay_s=1.0)  # long enough that 3 quick calls never race it
        fired, done = [], asyncio.Event()
        for i in range(3):
            sched.debounce(lambda i=i: (fired.append(i), done.set()))
        await asyncio.wait_for(done.wait(), 10)
        threads, finished = [], asyncio.Event()

        def on_done(result, error):
            threads.append((threading.current_thread() is threading.main_thread(), result,
                            error))
            finished.set()

        sched.background(lambda: 41 + 1, on_done)
        await asyncio.wait_for(finished.wait(), 10)
        return fired, threads

    fired, threads = asyncio.run(scenario())
    assert fired == [2]  # only the last of three quick changes runs
    assert threads == [(True, 42, None)]  # on the loop's (main) thread, not the worker's


def test_notebook_is_thin_and_has_a_kernelspec():
    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks"
                       / "perancang_bobot.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "designer(" in code and len(code.splitlines()) < 10
