"""Board packs in the browser (issue 6): an analyst makes a pack with the form, reads it and
downloads its files; a viewer reads only the public packs.

The figure checked is the secondary care staff in post (FTE) of the pack's month, worked out
from the demo's source files (``Demo.fte``), which the page and the XLSX must both hold.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from tests.browser.support import fte_text, table_rows, wait_for_job

pytestmark = pytest.mark.browser

TITLE = "Browser test pack"
MEETING = "People Board in public"
MEETING_DATE = "2025-04-17"
ACTION = "Discussion"
#: the segment whose figure is checked (not the one the upload test changes)
SEGMENT, SEGMENT_TITLE = "secondary_care", "Secondary care"
FTE_COLUMN = "Staff in post (FTE)"
#: what a pack is called when nobody chose its title or meeting (reports/options.py)
DEFAULT_TITLE, DEFAULT_MEETING = "Workforce report", "ICB Workforce Board"


def month_name(period: str) -> str:
    return dt.date.fromisoformat(f"{period}-01").strftime("%B %Y")


def field(page, section: str, key: str) -> str:
    """A cover-sheet field (label: value) as the pack's page shows it."""
    row = page.locator(f"#{section} .nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{re.escape(key)}$"))
    )
    return row.locator("dd").inner_text().strip()


def people_story_figure(page) -> str:
    """The secondary care staff in post on the pack's page, without its icons or note (the
    cell's own text: the Making Data Count icons come before it, the note after)."""
    table = page.locator("#people_story table")
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=SEGMENT_TITLE, exact=True)
    )
    cell = row.locator("th, td").nth(heads.index(FTE_COLUMN))
    return cell.evaluate(
        "c => [...c.childNodes].find(n => n.nodeType === 3 && n.textContent.trim())"
        ".textContent.trim()"
    )


def download(page, link: str) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("link", name=link, exact=True).click()
    return event.value.path().read_bytes()


@pytest.fixture(scope="module")
def made_pack(analyst_page) -> str:
    """The path of a full pack the analyst makes with the form (once for the module)."""
    page = analyst_page
    page.goto("/packs/")
    page.get_by_text("Make a pack", exact=True).click()  # the form sits in a <details>
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Meeting", exact=True).fill(MEETING)
    page.get_by_label("Date of meeting (YYYY-MM-DD)").fill(MEETING_DATE)
    page.get_by_label("Action required").select_option(ACTION)
    assert not page.get_by_label(re.compile("^Public version")).is_checked()
    page.get_by_role("button", name="Make and freeze the pack").click()
    page.wait_for_load_state()
    # the packs page follows the pack's job (made by a worker) until it has finished
    assert wait_for_job(page) == "done", page.locator("#job").inner_text()
    page.locator("#job-object").click()  # "Open the pack"
    page.wait_for_load_state()
    assert re.search(r"/packs/[0-9a-f-]{36}/$", page.url), page.url
    return urlsplit(page.url).path


def test_an_analyst_makes_a_pack_and_reads_it(analyst_page, made_pack, demo):
    page = analyst_page
    page.goto(made_pack)
    period = demo.latest_month
    month = month_name(period)
    assert page.get_by_role("heading", level=1).inner_text() == f"{TITLE}: {month}"

    contents = page.get_by_role("navigation", name="Contents").inner_text()
    for section in ("Cover sheet", "The People Story"):
        assert section in contents
    assert page.locator("#cover h2").inner_text() == "Cover sheet"
    assert page.locator("#people_story h2").inner_text() == "The People Story"

    assert field(page, "cover", "Report to") == MEETING
    assert field(page, "cover", "Date of meeting") == "17 Apr 2025"  # MEETING_DATE in words
    assert field(page, "cover", "Title") == f"{TITLE}: {month}"
    assert field(page, "cover", "Action required") == ACTION
    assert field(page, "cover", "Report exempt from public disclosure") == "Yes"  # a full pack
    chosen = table_rows(page, "#table-action_required")
    heads = page.locator("#table-action_required thead th").all_inner_texts()
    assert dict(zip(heads, chosen[0], strict=True))[ACTION] == "✓ Selected"

    caption = page.locator("#people_story caption").inner_text()
    assert caption.startswith(f"People Story matrix, {month}")
    assert people_story_figure(page) == fte_text(demo.fte(SEGMENT, period))


def test_the_packs_xlsx_holds_the_figure_on_its_page(analyst_page, made_pack, demo):
    page = analyst_page
    page.goto(made_pack)
    shown = people_story_figure(page)
    book = CalamineWorkbook.from_filelike(io.BytesIO(download(page, "Excel (XLSX)")))
    assert "people_story" in book.sheet_names
    rows = book.get_sheet_by_name("people_story").to_python()
    assert rows[0][0] == f"People Story matrix, {month_name(demo.latest_month)}"
    heads = rows[2]
    (row,) = [r for r in rows[3:] if r[0] == SEGMENT_TITLE]
    value = row[heads.index(FTE_COLUMN)]
    assert isinstance(value, float), "a figure is stored as a number"
    assert value == pytest.approx(demo.fte(SEGMENT, demo.latest_month), abs=0.005)
    assert fte_text(value) == shown


def test_the_packs_pdf_is_a_pdf_with_the_cover_sheets_title(analyst_page, made_pack, demo):
    page = analyst_page
    page.goto(made_pack)
    data = download(page, "PDF (PDF)")
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert f"{TITLE}: {month_name(demo.latest_month)}" in text
    assert "Cover sheet" in text


def test_a_viewer_reads_the_public_pack_but_not_a_full_one(sign_in, made_pack, demo):
    page = sign_in("viewer", "/packs/public/")
    assert page.get_by_role("heading", level=1).inner_text() == "Public board packs"
    rows = table_rows(page, "table")
    assert rows and all(r[2] == "Public" for r in rows), rows
    period = demo.latest_month
    month = month_name(period)  # the list names the month in words ("March 2025")
    demo_pack = [
        r
        for r in rows
        if r[0] == month
        and r[1].split() == f"{DEFAULT_TITLE} {DEFAULT_MEETING}".split()
        and r[4] == "demo"
    ]
    assert len(demo_pack) == 1, "the demo's public pack is listed"

    listed = page.locator("tbody tr").filter(has_text=DEFAULT_TITLE).filter(has_text="demo")
    listed.get_by_role("link", name=month, exact=True).click()
    page.wait_for_load_state()
    # the public version says so in its title
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == f"{DEFAULT_TITLE}: {month} – public version"
    assert field(page, "cover", "Report exempt from public disclosure") == "No"
    # the demo's board meets when the pack for its latest month is due (the last day of the
    # next month: March 2025's pack on 30 Apr 2025), never on the machine's date
    assert period == "2025-03"
    assert field(page, "cover", "Date of meeting") == "30 Apr 2025"

    for refused in (made_pack, "/packs/"):
        response = page.goto(refused)
        assert response.status == 403, refused
        assert page.get_by_role("heading", level=1).inner_text() == "You cannot see this page"
