"""The designer shows the candidate's understanding assumption and its robustness verdict."""

import pandas as pd

from kinerja_sim.batch.robustness import ROBUSTNESS_QUICK, robustness_of
from kinerja_sim.ui.designer import ManualScheduler, designer


class DeferredScheduler(ManualScheduler):
    """Background work waits until the test runs it: a click can arrive while a test runs."""

    def __init__(self) -> None:
        super().__init__()
        self.work: list = []

    def background(self, work, done) -> None:
        self.work.append((work, done))

    def finish(self) -> None:
        work, done = self.work.pop(0)
        ManualScheduler.background(self, work, done)


def test_assumption_line_shows_the_candidates_understanding_and_range(small_workforce):
    app = designer(small_workforce, "kpi_objektif_binjai", scheduler=ManualScheduler(),
                   auto_projection=False)
    a = app.state.candidate().understanding
    text = app.assumption.value
    assert f"{a.value:.2f}".replace(".", ",") in text or f"{a.value:.2f}" in text
    assert "0,80" in text or "0.80" in text  # the status quo baseline's value


def test_robustness_button_gives_the_apis_verdicts_and_ignores_a_second_click(small_workforce):
    sched = DeferredScheduler()
    app = designer(small_workforce, "kpi_objektif_binjai", scheduler=sched,
                   auto_projection=False)
    assert app.start_robustness() is True
    assert app.start_robustness() is False  # still running: ignored, says so
    assert "masih berjalan" in app.robustness_status.value
    assert len(sched.work) == 1
    candidate, baseline = app.state.candidate(), app.state.baseline
    sched.finish()
    assert app.last_robustness is not None and app.robustness_chart.value[:4] == b"\x89PNG"
    api = robustness_of([candidate], baseline, progress=False, **ROBUSTNESS_QUICK)
    pd.testing.assert_series_equal(app.last_robustness.summary["verdict"],
                                   api.summary["verdict"])
    for verdict in api.summary["verdict"]:
        assert verdict.split(";")[0].replace("'", "&#x27;") in app.robustness_table.value
    assert app.start_robustness() is True  # free again once finished
