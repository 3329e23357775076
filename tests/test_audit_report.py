"""The audit report: escaped text, suppressed small groups, inert spreadsheet cells, and the
observed-file writer it is tested on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_sim.audit import audit
from kinerja_sim.audit.report import flag_messages, render_html, suppressed_tables, write_audit
from kinerja_sim.scenario import load_scenario
from kinerja_sim.workforce.model import Workforce
from kinerja_sim.workforce.observed import observe, observed_file, with_latent

EVIL = "<b>Dinas & \"Co\"</b>"
FORMULA = "=HYPERLINK(\"http://x\")"


@pytest.fixture(scope="module")
def renamed():
    wf, _ = observed_file("binjai", load_scenario("status_quo"), seed=3, n=1200)
    e = wf.employees.copy()
    cats = list(e["opd"].cat.categories)
    e["opd"] = e["opd"].cat.rename_categories({cats[0]: EVIL, cats[1]: FORMULA})
    wf = Workforce(e, wf.plan, wf.observed, wf.source, wf.rater_row)
    sc = load_scenario("status_quo")
    return wf, audit(wf, sc)


def test_html_escapes_every_text_from_the_file(renamed):
    _, res = renamed
    page = render_html(res, "id", {"source": EVIL})
    assert EVIL not in page and "&lt;b&gt;Dinas &amp;" in page
    assert "<script" not in page


def test_xlsx_cells_are_formula_inert(renamed, tmp_path):
    _, res = renamed
    _, xlsx = write_audit(res, tmp_path, "en", {"source": "test"})
    book = pd.read_excel(xlsx, sheet_name=None, dtype=str)
    cells = pd.concat([df.stack() for df in book.values()]).astype(str)
    assert not cells.str.startswith("=").any()
    assert cells.str.startswith("'=HYPERLINK").any()


def test_groups_under_ten_are_suppressed_in_every_table(renamed):
    _, res = renamed
    t = suppressed_tables(res)
    small = res.quality_opd["slots"] < 10
    assert t["mutu_opd"].loc[small.to_numpy(), "missing"].isna().all()
    small_curve = (res.curve["n"] < 10).to_numpy()
    assert t["kurva"].loc[small_curve, "Baik"].isna().all()
    small_team = (res.raters["n"] < 10).to_numpy()
    assert t["penilai"].loc[small_team, "n"].isna().all()
    assert "mean_rating" not in t["penilai"]  # a team's raw mean is never shown


def test_every_flag_has_a_sentence_saying_where_and_why(renamed):
    _, res = renamed
    msgs = flag_messages(res, "en")
    assert len(msgs) == len(res.flags) > 0
    for check, text in zip(msgs["check"], msgs["message"], strict=True):
        assert "OPD" in text and "." in text, (check, text)


def test_observe_is_reproducible_and_real_files_need_latent_traits(renamed):
    wf, _ = renamed
    sc = load_scenario("status_quo")
    a, ta = observe(wf, sc, seed=9)
    b, _ = observe(wf, sc, seed=9)
    assert np.array_equal(a.observed.perilaku, b.observed.perilaku)
    real = Workforce(wf.employees.drop(columns=[c for c in wf.employees
                                                if c.startswith("latent_")]),
                     wf.plan, wf.observed, "file")
    with pytest.raises(ValueError, match="latent"):
        observe(real, sc)
    lat = with_latent(real, seed=1)
    assert lat.is_synthetic and lat.n == real.n
    assert ta.rater_leniency.index.isin(wf.employees["rater_id"]).all()


def test_audit_is_public_at_package_level_and_takes_any_base_scheme(renamed):
    import kinerja_sim

    wf, _ = renamed
    res = kinerja_sim.audit(wf, "pp46_2011")  # the curve check still uses PermenPANRB 6/2022
    assert {"curve_ok", "to_move", "org_predikat"} <= set(res.curve.columns)
    assert res.predikat_labels[-1] == "Sangat Baik"
    assert "audit" in kinerja_sim.__all__
