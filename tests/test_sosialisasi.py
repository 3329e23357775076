"""The sosialisasi walkthrough: its sections come from the label table and the engine, and the
notebook runs top to bottom under papermill."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from kinerja_sim.labels import t
from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.schemes.distribution import LABELS, rules_satisfied
from kinerja_sim.ui.sosialisasi import SECTIONS, curve_example, rules_text, section_html

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "sosialisasi.ipynb"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_section_speaks_the_chosen_language(lang):
    html = "".join(section_html(k, lang, embed_figures=False) for k in SECTIONS)
    for key in ("intro.head", "measure.head", "matrix.head", "curve.head", "faq.q1", "faq.q3"):
        assert t(f"sosialisasi.{key}", lang).replace("'", "&#x27;") in html


def test_staff_concerns_are_answered():
    html = section_html("faq", "id")
    assert "Apakah ini akan dipakai untuk menjatuhkan saya?" in html
    assert "Pekerjaan saya tidak bisa dihitung." in html
    assert "terlalu murah atau terlalu pelit" in html


def test_levels_and_matrix_are_read_from_the_scheme_parameters():
    par = p6.default_params()
    html = section_html("measure", "id")
    assert f"{par.hasil.sesuai_from:g} %" in html and f"{par.hasil.atas_from:g} %" in html
    matrix = section_html("matrix", "id")
    for row in par.matrix.cells.values():
        for predikat in row.values():
            assert predikat in matrix


def test_rule_sentences_follow_the_rule_data():
    rules = p6.default_params().distribution
    changed = p6.params_from({"distribution": {"rules": {"Baik": {"caps": [
        {"category": "Baik", "max_share": 0.55, "move_to": "Butuh Perbaikan"}]}}}}).distribution
    assert "70 %" in rules_text("Baik", rules, "id")
    assert "55 %" in rules_text("Baik", changed, "id")
    assert "tidak boleh ada Sangat Baik" in rules_text("Sangat Kurang", rules, "id")


def test_curve_example_is_the_engine_curve_and_satisfies_the_rules():
    ex = curve_example()
    rules = p6.default_params().distribution
    for code, org in enumerate(ORG_PREDIKAT):
        assert ex[org].sum() == ex["before"].sum()
        assert rules_satisfied(ex[org][None, :], [code], rules)[0]
    assert ex["moved_Istimewa"] == 0  # the pile-up of Baik breaks no Istimewa rule
    assert ex["Baik"][LABELS.index("Baik")] <= 0.7 * ex["before"].sum()


def test_committed_notebook_has_python3_kernelspec_and_no_hard_coded_text():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"  # Voila needs it
    assert all(c.cell_type == "code" for c in nb.cells)  # text comes from the label table
    assert "parameters" in nb.cells[0].metadata.get("tags", [])


def test_sosialisasi_notebook_runs_and_shows_the_calculator(tmp_path):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(NOTEBOOK, out, parameters={"lang": "en"}, kernel_name="python3",
                        progress_bar=False, execution_timeout=300, cwd=str(NOTEBOOK.parent))
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert t("sosialisasi.title", "en") in html
    assert "data:image/png;base64," in html  # the curve chart is embedded
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for o in outputs)  # the calculator widget
    assert not any(o.get("output_type") == "error" for o in outputs)
