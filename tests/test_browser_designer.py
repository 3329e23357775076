"""The designer in a real browser: `kinerja-sim serve designer` + Playwright + Debian chromium.

Move a weight, see the predikat table show what the package computes for that design, the
chart redraw and the projection finish. Screenshots go to tests/artifacts/ (git-ignored).
Outside CI a missing chromium skips; under CI (env CI set) it fails the run (tests/browser.py).
"""

from __future__ import annotations

from browser import chromium_page, screenshot, served


def _expected_baik_text(weight: float) -> tuple[str, str]:
    """(indicator label, candidate 'Baik' share as the app prints it) computed by the
    package for the preset with pendidikan/jam_mengajar = ``weight``."""
    from kinerja_sim.ui import designer_state as ds
    from kinerja_sim.ui.designer import _pct

    st = ds.DesignState()
    control = next(c for c in st.weight_controls
                   if (c.rumpun, c.indicator) == ("pendidikan", "jam_mengajar"))
    st.set(control.path, weight)
    return control.label["id"], _pct(st.fast().shares_candidate[3], "id")


def test_moving_a_weight_updates_the_table_and_the_chart():
    from playwright.sync_api import expect

    label, expected_baik = _expected_baik_text(5.0)
    with served("designer", timeout=180) as url, chromium_page(1400, 1000) as page:
        page.goto(url, timeout=180_000)
        table = page.locator(".ks-distribution table")
        expect(table).to_be_visible(timeout=180_000)
        baik = table.locator('tr[data-code="3"] td').nth(2)
        assert baik.inner_text() != expected_baik
        chart = page.locator("img.ks-chart")
        src_before = chart.get_attribute("src")
        screenshot(page, "designer_before")

        readout = page.locator(".ks-weight", has_text=label).locator(".widget-readout")
        readout.fill("5.0")
        readout.press("Enter")
        expect(baik).to_have_text(expected_baik, timeout=120_000)
        expect(chart).not_to_have_attribute("src", src_before or "", timeout=60_000)
        expect(page.locator(".ks-fairness table")).to_be_visible()
        expect(page.locator(".ks-message")).to_have_text("")  # no error shown in the app

        expect(page.locator(".ks-projection-status .ks-done")).to_be_visible(timeout=240_000)
        expect(page.locator(".ks-projection table")).to_be_visible()
        screenshot(page, "designer_after")
        assert page.errors == []
