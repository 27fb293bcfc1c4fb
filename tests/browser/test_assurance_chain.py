"""The assurance chain in the browser (issue 15): the demo's board meeting of 1 July 2022
(seed 002) checked item by item, and a seed risk (003) watched by its indicators.

Expected by hand from the seed declarations register: item 8 (ICS People Plan and Annual
Report) concerns Midlands Partnership NHS Foundation Trust ("MPFT" in the papers). Present
and declaring an MPFT interest on 1 July 2022: Alexandra Brett ("Chief People Officer for
MPFT", a non-financial professional interest: not take part) and Heather Johnstone
("Step-sister employed by MPFT as a nurse", an indirect interest: not take part). Tracey
Shewan also declares MPFT but is not at the meeting.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import open_signed_in
from tests.browser.support import table_rows, wait_for_charts

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def lead_page(browser, base_url, accounts):
    context, page = open_signed_in(
        browser, base_url, accounts, "programme_lead", "/registers/meetings/"
    )
    yield page
    context.close()


def test_the_board_meeting_is_checked_item_by_item(lead_page):
    page = lead_page
    page.goto(page.url.split("/registers/")[0] + "/registers/meetings/")
    page.get_by_role("link", name="Integrated Care Board meeting in public").first.click()
    rows = table_rows(page, "main table")
    conflicts = [r for r in rows if "Midlands Partnership NHS Foundation Trust" in " ".join(r)]
    people = sorted(next(c for c in r if "–" in c).split(" –")[0] for r in conflicts)
    assert people == ["Alexandra Brett", "Heather Johnstone"]
    for r in conflicts:
        assert "Not take part" in r
        assert "Interests noted; no member excluded from the discussion." in r
    # items that name nothing a declaration concerns say so
    welcome = next(r for r in rows if r[0] == "1")
    assert "None identified" in welcome
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "meeting-conflicts.png"), full_page=True)


def test_a_seed_risk_names_its_key_risk_indicators(lead_page):
    page = lead_page
    page.goto(page.url.split("/registers/")[0] + "/registers/risks/")
    # seed risk 4: "we lose key staff groups" watches the leaver rate (a rise) and the
    # stability index (a fall)
    page.locator("tbody tr").filter(has_text="There is a risk that we lose key staff").get_by_role(
        "link"
    ).first.click()
    headings = page.get_by_role("heading", level=3).all_inner_texts()
    assert any(h.startswith("Leaver rate") and "a rise signals this risk" in h for h in headings)
    assert any(
        h.startswith("Stability index") and "a fall signals this risk" in h for h in headings
    )
    assert wait_for_charts(page) == 2  # each indicator's series, drawn
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "risk-indicators.png"), full_page=True)
