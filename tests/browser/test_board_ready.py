"""Board-ready presentation (issue 13), as a board member sees it in Chromium at 1400x900:
the People Story matrix on one screen, no SPC icon on a rolling 12-month figure, the risk
heat map in band colours, no placeholder target or raw timestamp on a page. Screenshots of
each page are written to build/screenshots/ (not committed) for a reviewer to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.support import open_folded_sections

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_people_story_fits_one_screen_with_mdc_icons(sign_in):
    page = sign_in("board")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/")
    box = page.locator("#people-story").bounding_box()
    assert box is not None
    assert box["width"] <= 1400 and box["height"] <= 900, box
    # rolling 12-month figures (turnover, leaver rate) carry no SPC icon
    for metric in ("turnover_rate", "leaver_rate"):
        cells = page.locator(f'td[data-metric="{metric}"]')
        assert cells.count() == 14
        assert page.locator(f'td[data-metric="{metric}"] svg.owf-mdc').count() == 0
    # monthly figures do, drawn as SVG with a text alternative
    icons = page.locator('td[data-metric="sickness_absence_rate"] svg.owf-mdc')
    assert icons.count() > 0
    assert icons.first.get_attribute("aria-label")
    text = page.locator("body").inner_text()
    assert "seed:" not in text and "Synthetic monthly" not in text
    assert not ISO_TIMESTAMP.search(text)
    _shot(page, "people-story")
    page.locator('td[data-metric="sickness_absence_rate"] a').first.click()
    page.wait_for_load_state()
    _shot(page, "drill-down")


def test_the_heat_map_is_coloured_by_band(sign_in):
    page = sign_in("board", "/registers/risks/")
    page.set_viewport_size({"width": 1400, "height": 900})
    cells = page.locator("table.owf-heatmap td")
    assert cells.count() == 25
    colours = set()
    for i in range(25):
        cell = cells.nth(i)
        colour = cell.evaluate("e => getComputedStyle(e).backgroundColor")
        if cell.get_attribute("data-count") != "0":
            # a cell with risks has its band's colour, never the page's transparent default
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), cell.inner_text()
        colours.add(colour)
    assert len(colours) == 4  # low, moderate, high, extreme
    _shot(page, "risk-register")
    page.goto("/registers/baf/")
    _shot(page, "baf")
    page.goto("/registers/programmes/")
    assert "Synthetic monthly" not in page.locator("body").inner_text()
    _shot(page, "programme-grid")


def test_the_planning_page(sign_in):
    page = sign_in("analyst", "/planning/")
    page.set_viewport_size({"width": 1400, "height": 900})
    _shot(page, "planning")  # as it opens: the scenarios at a glance, details folded
    open_folded_sections(page)  # the folded tables are read too
    text = page.locator("body").inner_text()
    assert "seed:" not in text and not ISO_TIMESTAMP.search(text)


def test_care_homes_staff_in_post_is_the_estimate_against_the_estimate(sign_in):
    """Issue 11: the demo's care homes cell read ~235 FTE (the few providers' ASC-WDS worker
    files) against 13,028.8 a year before (-98%). Both months now come from Skills for Care's
    area-wide estimate: the change is a few per cent, and the tip says who else reports."""
    page = sign_in("board")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/")
    cell = page.locator('td[data-segment="care_homes"][data-metric="staff_in_post_fte"]')
    assert cell.get_attribute("data-availability") == "estimate"
    value = float(cell.locator(".owf-value").inner_text().replace(",", ""))
    assert value > 10_000  # the synthetic ICS's estimate: 16,000 posts x 0.80 FTE x size
    cell.locator("a").hover()
    tip = cell.locator(".owf-tip").inner_text()
    change = re.search(r"\(([+-]\d+\.\d)%\)", tip)
    assert change, tip
    assert abs(float(change.group(1))) < 10, tip
    assert re.search(r"Estimate for the whole area; \d+ providers? also reports? ", tip), tip
    _shot(page, "people-story-care-homes")


def test_a_date_reads_the_same_in_a_us_browser(browser, base_url, accounts):
    """Issue 13: a date picker follows the browser's locale (04/03/2026 is 3 April in the UK
    and 4 March in the US); the day, month and year fields do not."""
    from tests.browser.conftest import open_signed_in

    context, page = open_signed_in(
        browser, base_url, accounts, "analyst", "/registers/risks/", locale="en-US"
    )
    try:
        assert page.evaluate("navigator.language") == "en-US"
        page.locator("table a[href^='/registers/risks/']").first.click()
        page.wait_for_load_state()
        risk_url = page.url
        page.get_by_role("link", name=re.compile("^Edit")).first.click()
        page.wait_for_load_state()
        assert page.locator('input[type="date"]').count() == 0
        group = page.get_by_role("group", name="Review date")
        group.get_by_label("Day").fill("3")
        group.get_by_label("Month").fill("4")
        group.get_by_label("Year").fill("2026")
        _shot(page, "risk-edit-us-locale")
        page.get_by_role("button", name=re.compile("^Save")).click()
        page.wait_for_load_state()
        page.goto(risk_url)
        # day 3, month 4: 3 April 2026, whatever the browser's locale
        assert "3 Apr 2026" in page.locator("main").inner_text()
    finally:
        context.close()
