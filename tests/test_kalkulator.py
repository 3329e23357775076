"""The sosialisasi calculator's widgets, driven in plain pytest (no kernel, no browser).

Each test enters values the way a user would (setting widget values), then checks what the app
shows against what the package computes for the same inputs.
"""

from __future__ import annotations

import re

import pytest

from kinerja_sim.schemes import pp46_2011 as p46
from kinerja_sim.schemes.base import RATING_LEVELS
from kinerja_sim.schemes.distribution import LABELS
from kinerja_sim.schemes.single import Employee, Iki, appraise, curve_outcomes
from kinerja_sim.ui import kalkulator
from kinerja_sim.ui.kalkulator import defaults, fmt_number, fmt_rupiah, rumpun_indicators


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture()
def calc():
    return kalkulator().kalkulator


def shown_predikat(calc) -> str:
    prefix = "Predikat Anda: " if calc.lang == "id" else "Your predikat: "
    value = calc.out_predikat.value
    assert value.startswith(prefix), value
    return value.removeprefix(prefix)


def test_opens_prefilled_with_the_default_rumpun_from_the_catalogue(calc):
    slots = rumpun_indicators(defaults()["rumpun"])
    shown = [r.indicator for r in calc.iki_rows if r.indicator is not None]
    assert shown == [name for name, _ in slots]
    assert "waktu_respons_pengaduan" in shown and "rating_kualitas_layanan" in shown
    assert calc.iki_rows[0].target.value == calc.cat.indicators[shown[0]].target
    assert "Waktu respons pengaduan" in calc.iki_rows[0].name.value


def test_rumpun_switch_prefills_vaccinations_and_ikm_and_hides_unused_rows(calc):
    calc.rumpun.value = "kesehatan"
    assert [r.indicator for r in calc.iki_rows[:2]] == ["vaksinasi", "ikm"]
    assert calc.iki_rows[2].indicator is None
    assert calc.iki_rows[2].box.layout.display == "none"


@pytest.mark.parametrize(("realised", "perilaku"), [
    (1.0, 80), (1.2, 95), (0.7, 80), (1.2, 60), (0.7, 60), (1.0, 95)])
def test_shown_predikat_equals_the_package_for_the_same_inputs(calc, realised, perilaku):
    calc.rumpun.value = "kesehatan"
    rows = calc.iki_rows
    rows[0].target.value, rows[0].realisation.value = 400.0, 400.0 * realised
    rows[1].target.value, rows[1].realisation.value = 80.0, min(100.0, 80.0 * realised)
    for w in calc.perilaku:
        w.value = float(perilaku)
    d = defaults()
    expected = appraise(Employee(
        iki=(Iki("vaksinasi", 400.0, 400.0 * realised, True, d["quality"], d["time_target"],
                 d["time_realisation"]),
             Iki("ikm", 80.0, min(100.0, 80.0 * realised), True, d["quality"],
                 d["time_target"], d["time_realisation"])),
        perilaku=(float(perilaku),) * 7, kelas_jabatan=d["kelas_jabatan"],
        org_predikat=d["org_predikat"], jenis_jabatan=d["jenis_jabatan"]))
    assert shown_predikat(calc) == LABELS[expected.predikat]
    assert f"Rating hasil kerja: {RATING_LEVELS[expected.rating_hasil]}" in text(
        calc.out_ratings.value)
    assert p46.LABELS[expected.pp46_predikat] in text(calc.out_pp46.value)
    assert fmt_rupiah(expected.tpp["tpp_total"], "id") in text(calc.out_tpp.value)


def test_matrix_highlights_exactly_the_cell_of_the_two_ratings(calc):
    for w in calc.perilaku:
        w.value = 95.0  # Di Atas
    calc.iki_rows[0].realisation.value = 10.0   # response time 10 h on a 24 h target: 158 %
    calc.iki_rows[1].realisation.value = 95.0   # service quality 95 on 80: 119 %
    html = calc.out_matrix.value
    assert html.count("kk-here") == 1
    assert re.search(r"<td class='kk-here'>Sangat Baik</td>", html)
    assert shown_predikat(calc) == "Sangat Baik"


def test_lower_is_better_indicator_explained_with_its_formula(calc):
    calc.iki_rows[0].target.value = 24.0
    calc.iki_rows[0].realisation.value = 18.0  # (2 - 18/24) * 100 = 125 %
    line = text(calc.out_iki.value)
    assert "capaian 125 %" in line and "makin kecil makin baik" in line
    assert "Di Atas Ekspektasi" in line


def test_out_of_range_entries_get_a_message_next_to_the_field_not_a_traceback(calc):
    calc.perilaku[2].value = 150.0
    assert "antara 0 dan 100" in calc.msg["perilaku.2"].value
    assert calc.out_predikat.value == ""
    assert "Perbaiki isian" in calc.notice.value
    calc.iki_rows[1].target.value = 0.0
    assert "lebih dari 0" in calc.iki_rows[1].msg_target.value
    calc.iki_rows[1].realisation.value = 130.0  # a 0-100 quality score of 130
    assert "paling tinggi 100" in calc.iki_rows[1].msg_realisation.value
    calc.days_absent.value = 40.0
    assert "antara 0 dan" in calc.msg["days_absent"].value
    # fixing them brings the result back and clears the messages
    calc.perilaku[2].value = 80.0
    calc.iki_rows[1].target.value = 80.0
    calc.iki_rows[1].realisation.value = 80.0
    calc.days_absent.value = 0.0
    assert all(w.value == "" for w in calc.msg.values())
    assert shown_predikat(calc) == "Baik"


def test_kelas_jabatan_outside_1_to_17_is_flagged(calc):
    calc.kelas_jabatan.value = 18
    assert "1 sampai 17" in calc.msg["kelas_jabatan"].value
    assert calc.appraisal is None


def test_missing_realisation_is_explained_and_counts_below_expectation(calc):
    calc.rumpun.value = "kesehatan"
    calc.iki_rows[0].missing.value = True
    calc.iki_rows[1].missing.value = True
    assert "belum dilaporkan" in text(calc.out_iki.value)
    assert shown_predikat(calc) == "Butuh Perbaikan"


def test_english_switch_relabels_everything_and_keeps_the_numbers(calc):
    calc.iki_rows[1].realisation.value = 60.0
    before = calc.appraisal
    calc.language.value = "en"
    assert calc.appraisal == before
    assert calc.out_predikat.value.startswith("Your predikat: ")
    assert "achievement" in text(calc.out_iki.value)
    assert calc.perilaku[0].description.startswith("Berorientasi Pelayanan")
    assert calc.rumpun.label == "Public service / administration"
    assert fmt_rupiah(before.tpp["tpp_total"], "en") in text(calc.out_tpp.value)


def test_curve_sentence_lists_what_the_engine_says_is_possible(calc):
    calc.org_predikat.value = "Butuh Perbaikan"
    out = curve_outcomes(LABELS.index("Baik"), "Butuh Perbaikan", defaults()["curve_opd_size"])
    sentence = text(calc.out_curve.value)
    assert "Butuh Perbaikan" in sentence
    for code in out.possible:
        assert LABELS[code] in sentence
    calc.org_predikat.value = "Istimewa"  # an Istimewa OPD only caps Sangat Baik
    assert "tidak dapat mengubah" in text(calc.out_curve.value)


def test_sangat_baik_in_a_sangat_kurang_opd_is_always_moved(calc):
    for w in calc.perilaku:
        w.value = 95.0
    calc.iki_rows[0].realisation.value = 10.0
    calc.iki_rows[1].realisation.value = 95.0
    calc.org_predikat.value = "Sangat Kurang"
    assert "tidak membolehkan predikat Sangat Baik" in text(calc.out_curve.value)


def test_tpp_falls_with_absence_by_the_tpp_rule(calc):
    base = calc.appraisal.tpp["tpp_total"]
    calc.days_absent.value = 2.0
    assert calc.appraisal.tpp["tpp_total"] < base
    assert fmt_rupiah(calc.appraisal.tpp["tpp_total"], "id") in text(calc.out_tpp.value)


def test_an_unexpected_error_is_shown_in_plain_words(calc, monkeypatch):
    from importlib import import_module

    module = import_module("kinerja_sim.ui.kalkulator")  # the module, not the face function

    def boom(*a, **k):
        raise RuntimeError("data kurva rusak")

    monkeypatch.setattr(module, "curve_outcomes", boom)
    calc.iki_rows[0].realisation.value = 20.0
    assert "data kurva rusak" in calc.notice.value
    assert calc.out_predikat.value == ""


def test_each_build_has_its_own_state():
    a, b = kalkulator().kalkulator, kalkulator().kalkulator
    a.perilaku[0].value = 10.0
    assert b.perilaku[0].value == defaults()["perilaku"]
    assert a.iki_rows[0].target is not b.iki_rows[0].target


def test_number_formats_follow_the_language():
    assert fmt_number(1234.5, "id") == "1.234,5"
    assert fmt_number(1234.5, "en") == "1,234.5"
    assert fmt_rupiah(3615000, "id") == "Rp 3.615.000"
