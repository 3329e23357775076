"""Real browser: `kinerja-sim serve sosialisasi` in Debian's chromium (Playwright, Python).

A participant types indicator values into the calculator on the served page; the predikat the
page shows must become the one the package computes for the same inputs. Screenshots go to
tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from browser import ARTIFACTS, chromium_page, screenshot, served

from kinerja_sim.schemes.distribution import LABELS
from kinerja_sim.schemes.single import Employee, Iki, appraise
from kinerja_sim.ui.kalkulator import defaults, rumpun_indicators

TIMEOUT_MS = 120_000


def expected_predikat(realisations: dict[int, float], perilaku: float) -> str:
    """What the package says for the calculator's default entries with these changes."""
    from kinerja_sim.indicators import default_catalogue

    d = defaults()
    cat = default_catalogue()
    iki = tuple(
        Iki(name, cat.indicators[name].target, realisations.get(k, cat.indicators[name].target),
            utama, d["quality"], d["time_target"], d["time_realisation"])
        for k, (name, utama) in enumerate(rumpun_indicators(d["rumpun"])))
    emp = Employee(iki=iki, perilaku=(perilaku,) * 7, jenis_jabatan=d["jenis_jabatan"],
                   kelas_jabatan=d["kelas_jabatan"], org_predikat=d["org_predikat"])
    return LABELS[appraise(emp).predikat]


def enter(page, css: str, value: float) -> None:
    box = page.locator(f"{css} input")
    box.fill(f"{value:g}")
    box.press("Enter")


def test_served_calculator_shows_the_package_predikat_for_typed_values():
    from playwright.sync_api import expect

    with served("sosialisasi") as url, chromium_page(height=1000) as page:
        page.goto(url, timeout=TIMEOUT_MS)
        predikat = page.locator(".kk-predikat")
        expect(predikat).to_have_text(f"Predikat Anda: {expected_predikat({}, 80.0)}",
                                      timeout=TIMEOUT_MS)
        # code is hidden: no notebook source on the page
        assert "from kinerja_sim" not in page.content()

        # results below target on two of three IKI: response time 40 h on 24 h, quality 60/80
        low = {0: 40.0, 1: 60.0}
        enter(page, ".kk-realisation-0", low[0])
        enter(page, ".kk-realisation-1", low[1])
        want = expected_predikat(low, 80.0)
        assert want == "Butuh Perbaikan"  # the case is the one intended
        expect(predikat).to_have_text(f"Predikat Anda: {want}", timeout=30_000)
        expect(page.locator(".kk-matrix td.kk-here")).to_have_text(want)
        screenshot(page, "sosialisasi-butuh-perbaikan")

        # results above expectation and every BerAKHLAK value at 95
        high = {0: 12.0, 1: 95.0, 2: 360.0}
        for k, v in high.items():
            enter(page, f".kk-realisation-{k}", v)
        for j in range(7):
            enter(page, f".kk-perilaku-{j}", 95.0)
        want = expected_predikat(high, 95.0)
        assert want == "Sangat Baik"
        expect(predikat).to_have_text(f"Predikat Anda: {want}", timeout=30_000)

        # an out-of-range entry gets a message next to its field, and no result
        enter(page, ".kk-perilaku-3", 150.0)
        expect(page.locator(".kk-msg-perilaku-3")).to_contain_text("antara 0 dan 100",
                                                                   timeout=30_000)
        # beside its own field: the message sits right of the input, on the same line
        field = page.locator(".kk-perilaku-3").bounding_box()
        msg = page.locator(".kk-msg-perilaku-3").bounding_box()
        assert msg["x"] >= field["x"] + field["width"] - 1
        assert abs(msg["y"] - field["y"]) < field["height"]
        expect(predikat).to_have_text("", timeout=30_000)
        screenshot(page, "sosialisasi-out-of-range")
        enter(page, ".kk-perilaku-3", 95.0)
        expect(predikat).to_have_text(f"Predikat Anda: {want}", timeout=30_000)

        # the English switch
        page.get_by_role("button", name="English").click()
        expect(predikat).to_have_text(f"Your predikat: {want}", timeout=30_000)
        page.locator(".kk-app").screenshot(path=str(ARTIFACTS
                                              / "sosialisasi-kalkulator.png"))
        assert not [e for e in page.errors if not re.search(r"favicon", e)], page.errors


def test_missing_chromium_fails_under_ci_and_skips_locally(monkeypatch, tmp_path):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        browser.require_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        browser.require_browser()
