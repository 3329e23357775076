"""The trainers' handout: one self-contained HTML file, and its PDF printed by chromium."""

from __future__ import annotations

import re

import pytest
from browser import require_browser

from kinerja_sim.cli import main
from kinerja_sim.labels import t
from kinerja_sim.schemes.distribution import LABELS
from kinerja_sim.schemes.single import Employee, Iki, appraise
from kinerja_sim.ui.handout import handout_html, params_hash, write_handout
from kinerja_sim.ui.kalkulator import defaults


@pytest.fixture(scope="module")
def page_id():
    return handout_html("id")


def test_handout_is_self_contained(page_id):
    assert not re.search(r"https?://", page_id)  # no CDN, font, image or link to fetch
    assert "<script" not in page_id and "<link" not in page_id
    images = re.findall(r"<img [^>]*src='([^']+)'", page_id)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_handout_has_every_part_of_the_walkthrough(page_id):
    for key in ("title", "intro.head", "measure.head", "data.head", "matrix.head",
                "curve.head", "calc.head", "faq.head", "faq.q1", "faq.q2", "faq.q3"):
        assert t(f"sosialisasi.{key}", "id").replace("'", "&#x27;") in page_id, key


def test_handout_examples_show_the_package_predikat(page_id):
    d = defaults()
    low = Employee(iki=(Iki("vaksinasi", 450.0, None, True, d["quality"], d["time_target"],
                            d["time_realisation"]),
                        Iki("ikm", 82.0, 70.0, True, d["quality"], d["time_target"],
                            d["time_realisation"])),
                   perilaku=(80.0,) * 7, kelas_jabatan=d["kelas_jabatan"],
                   org_predikat=d["org_predikat"], jenis_jabatan=d["jenis_jabatan"])
    expected = LABELS[appraise(low).predikat]
    shown = re.findall(r"Predikat Anda: ([A-Za-z/ ]+?)<", page_id)
    assert shown == ["Baik", expected]


def test_handout_footer_carries_version_and_parameter_hash(page_id):
    assert params_hash() in page_id
    assert "kinerja_sim" in page_id


def test_english_handout():
    page = handout_html("en")
    assert "Questions staff often ask" in page and "Your predikat: Baik" in page


def test_handout_command_writes_html_and_pdf(tmp_path):
    require_browser()
    out, pdf = tmp_path / "handout.html", tmp_path / "handout.pdf"
    assert main(["handout", "--out", str(out), "--pdf", str(pdf)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000  # text, tables and the embedded chart
    assert not list(tmp_path.glob(".*part"))  # atomic: no temporary left behind


def test_missing_chromium_is_an_input_error_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "h.html"
    code = main(["handout", "--out", str(out), "--pdf", str(tmp_path / "h.pdf"),
                 "--chromium", str(tmp_path / "no-such-chromium"), "--lang", "en"])
    assert code == 1
    assert "chromium not found" in capsys.readouterr().err
    assert not out.exists()


def test_write_handout_without_pdf_needs_no_browser(tmp_path):
    written = write_handout(tmp_path / "x.html", lang="en")
    assert [p.name for p in written] == ["x.html"]
