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
from tests.browser.support import open_folded_sections, table_rows, wait_for_charts

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


def test_the_meeting_belongs_to_the_board_committee_and_lists_its_members(lead_page):
    page = lead_page
    page.goto(page.url.split("/registers/")[0] + "/registers/meetings/")
    page.get_by_role("link", name="Integrated Care Board meeting in public").first.click()
    # the 20 people of the Board's register of interests (seed 002), members from 1 July 2022
    members = page.locator("h2:has-text('Members of Integrated Care Board') + ul li")
    assert members.count() == 20
    page.get_by_role("link", name="Integrated Care Board", exact=True).click()
    rows = table_rows(page, "table:has(caption:has-text('Members of Integrated Care Board'))")
    assert len(rows) == 20
    assert any(r[0] == "Prem Singh" for r in rows)
    assert all(r[2] == "1 July 2022" for r in rows)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "committee-members.png"), full_page=True)


def test_the_planning_page_shows_each_programme_s_share_of_the_gap_closed(lead_page):
    page = lead_page
    page.goto(page.url.split("/registers/")[0] + "/planning/")
    # each scenario's tables are folded under its heading: open them as a reader would
    assert open_folded_sections(page) >= 1
    # the lever table of the run built from the registers: the one with a Programme column
    table = "table:has(thead th:text-is('Programme')):has(th:has-text('Share of the gap'))"
    rows = table_rows(page, table)
    programmes = {r[1] for r in rows}
    assert "Ethical International Recruitment Committee" in programmes
    assert "Paybill and Agency Management Committee" in programmes
    # every share is a percentage; moving agency shifts to bank closes none of the gap
    agency = next(r for r in rows if r[1] == "Paybill and Agency Management Committee")
    assert agency[-1] == "0%"
    assert all(r[-1].endswith("%") for r in rows)
    page.locator(table).first.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "planning-programme-shares.png"), full_page=True)
