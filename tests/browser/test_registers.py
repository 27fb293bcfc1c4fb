"""The assurance registers in the browser (issue 5): the programme grid, editing a risk's
scores, two people editing the same risk, what a viewer may open, and the import preview.

The figures expected are worked out from the seed tables the demo loads
(``src/oneworkforce/registers/demo/*.csv``) and the NHS 5x5 matrix: a score is likelihood
times consequence; bands 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oneworkforce.registers.demo import OWNERS_ORGANISATION, RISK_OWNERS
from tests.browser.conftest import open_signed_in
from tests.browser.support import table_rows

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parents[2] / "src/oneworkforce/registers/demo"
#: the NPSA descriptors (2008) of the scores the tests set or read
LIKELIHOOD = {3: "Possible", 4: "Likely", 5: "Almost certain"}
CONSEQUENCE = {4: "Major", 5: "Catastrophic"}
#: the risk whose current scores the edit test changes, and to what
EDITED_REF, NEW_LIKELIHOOD, NEW_CONSEQUENCE = "2", 4, 5
#: the risk two people edit at once (its scores never change)
CONTESTED_REF = "7"
#: a row added to the seed action log for the import test
NEW_ACTION = "Browser test: share the retention dashboard with the People Board."


def seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def band(score: int) -> str:
    """The band of a 5x5 score, from the matrix's definition."""
    if score <= 3:
        return "low"
    if score <= 6:
        return "moderate"
    if score <= 12:
        return "high"
    return "extreme"


def seed_heat_map(changed: dict[str, tuple[int, int]] | None = None) -> dict:
    """(likelihood, consequence) -> the refs of the risks currently scored there, from the
    seed risk register with ``changed`` ref -> (likelihood, consequence) applied."""
    cells: dict[tuple[int, int], list[str]] = {
        (lik, con): [] for lik in range(1, 6) for con in range(1, 6)
    }
    for row in seed_rows("risk_register.csv"):
        ref = row["Risk Ref"]
        scores = (int(row["Current Likelihood"]), int(row["Current Consequence"]))
        cells[(changed or {}).get(ref, scores)].append(ref)
    return {cell: sorted(refs, key=int) for cell, refs in cells.items()}


def shown_heat_map(page) -> dict:
    """The heat map as a user reads it: each cell's count, refs and the score and band it
    names; checks the count agrees with the refs and the band with the score."""
    cells = {}
    for row in table_rows(page, ".owf-heatmap"):
        likelihood = int(row[0].split()[0])
        for consequence, text in enumerate(row[1:], start=1):
            head, note = [line.strip() for line in text.splitlines() if line.strip()]
            count, _, refs_text = head.partition(":")
            refs = [r.strip() for r in refs_text.split(",") if r.strip()]
            # "4 risks: 1, 6, 8, 9" or, for screen readers, "No risks"
            n = 0 if count == "No risks" else int(count.split()[0])
            assert n == len(refs), f"cell {likelihood}x{consequence} says {head!r}"
            score = likelihood * consequence
            assert note == f"{score} {band(score)}"  # the cell names its score and band
            cells[(likelihood, consequence)] = sorted(refs, key=int)
    assert len(cells) == 25
    return cells


def summary_value(page, key: str) -> str:
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{re.escape(key)}$"))
    )
    return row.locator("dd").inner_text().strip()


def open_risk(page, ref: str) -> str:
    """Open a risk from the register by its ref; returns the risk page's path."""
    page.goto("/registers/risks/")
    page.get_by_role("rowheader", name=ref, exact=True).get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"Risk {ref}"
    return urlsplit(page.url).path


def seed_risk(ref: str) -> dict[str, str]:
    return next(r for r in seed_rows("risk_register.csv") if r["Risk Ref"] == ref)


@pytest.fixture(scope="module")
def lead_page(browser, base_url, accounts):
    """One programme lead's session shared by the module's tests."""
    context, page = open_signed_in(
        browser, base_url, accounts, "programme_lead", "/registers/programmes/"
    )
    yield page
    context.close()


def test_the_assurance_grid_names_seed_programmes_with_their_chair_or_sro(lead_page):
    page = lead_page
    page.goto("/registers/programmes/")
    assert page.get_by_role("heading", level=1).inner_text() == "Programme assurance grid"
    grid = {
        r["Our Workforce Transformation Programme 2024/25"]: r
        for r in seed_rows("programme_grid.csv")
    }
    expected = {
        # seed 000 Appendix 1: one "Chair/SRO" column
        "Health and Wellbeing Committee": grid["Health and Wellbeing Committee"]["Chair/SRO"],
        "People Story Committee": grid["People Story Committee"]["Chair/SRO"],
    }
    # seed 004: "P4 Corporate Collaboration", SRO written "Name (Programme Director)"
    portfolio = next(r for r in seed_rows("portfolio_table.csv") if r["Portfolio"].startswith("P4"))
    name = portfolio["Portfolio"].split(" ", 1)[1]
    expected[name] = portfolio["Senior Responsible Officer (SRO) (Programme Director)"].split(" (")[
        0
    ]
    assert expected == {
        "Health and Wellbeing Committee": "Polly McMeekin, YSFT",
        "People Story Committee": "Simon Nearney, Humber Group",
        "Corporate Collaboration": "Jonathan Woods",
    }  # the hand reading of the seed tables
    for programme, chair in expected.items():
        row = page.locator("tbody tr").filter(
            has=page.get_by_role("link", name=programme, exact=True)
        )
        assert row.count() == 1, f"{programme} should be on the grid once"
        assert row.locator("td").first.inner_text().strip() == chair


def test_editing_a_risks_scores_shows_the_new_score_band_and_heat_map(lead_page):
    page = lead_page
    page.goto("/registers/risks/")
    assert shown_heat_map(page) == seed_heat_map()

    path = open_risk(page, EDITED_REF)
    seed = seed_risk(EDITED_REF)
    old_l, old_c = int(seed["Current Likelihood"]), int(seed["Current Consequence"])
    assert summary_value(page, "Current").startswith(f"{old_l} (")
    review = summary_value(page, "Review date")
    assert review != "Not set"  # the demo gives every risk a review date
    page.get_by_role("link", name="Edit", exact=True).click()
    # the form shows the risk's review date (a required field), so a user who only changes
    # the scores can save
    review_date = page.get_by_role("group", name="Review date")
    for part in ("Day", "Month", "Year"):
        assert review_date.get_by_label(part).input_value().isdigit(), (
            f"the Review date's {part} field is empty"
        )
    page.get_by_label("Current likelihood").select_option(str(NEW_LIKELIHOOD))
    page.get_by_label("Current consequence").select_option(str(NEW_CONSEQUENCE))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    assert page.url.endswith(path), "saving goes back to the risk"
    assert "Saved." in page.locator("main").inner_text()
    score = NEW_LIKELIHOOD * NEW_CONSEQUENCE
    assert score == 20 and band(score) == "extreme"
    current = summary_value(page, "Current")
    assert current.startswith(
        f"{NEW_LIKELIHOOD} ({LIKELIHOOD[NEW_LIKELIHOOD]}) × "
        f"{NEW_CONSEQUENCE} ({CONSEQUENCE[NEW_CONSEQUENCE]}) = 20 extreme"
    )
    # 20 is at or over the default escalation score (15)
    assert "escalated to the Board Assurance Framework" in current
    assert summary_value(page, "Review date") == review

    page.goto("/registers/risks/")
    changed = {EDITED_REF: (NEW_LIKELIHOOD, NEW_CONSEQUENCE)}
    assert shown_heat_map(page) == seed_heat_map(changed)
    assert seed_heat_map(changed)[(old_l, old_c)] == []  # risk 2 was alone there
    row = page.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=EDITED_REF, exact=True)
    )
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[3] == "20 extreme"  # the Current column
    assert "On the BAF" in cells[0]


def fill_date(page, label: str, day: int, month: int, year: int) -> None:
    """Type a date into the day, month and year fields of the group named ``label``."""
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_a_stale_edit_is_refused_and_nothing_of_it_is_saved(lead_page, analyst_page):
    first, second = lead_page, analyst_page
    path = open_risk(first, CONTESTED_REF)
    edit = path.replace("/registers/risks/", "/registers/edit/risk/")
    first.goto(edit)
    second.goto(edit)

    first.get_by_label("Owner", exact=True).fill("Owner saved by the first editor")
    fill_date(first, "Review date", 30, 6, 2027)
    first.get_by_role("button", name="Save").click()
    first.wait_for_load_state()
    assert "Saved." in first.locator("main").inner_text()

    second.get_by_label("Owner", exact=True).fill("Owner typed by the second editor")
    fill_date(second, "Review date", 31, 7, 2027)
    second.get_by_label("Current likelihood").select_option("5")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name="Save").click()
    assert answer.value.status == 409
    summary = second.locator(".nhsuk-error-summary").inner_text()
    assert "was changed by someone else since you opened it" in summary
    assert "Your changes were not saved" in summary
    # the form keeps what they typed, so they can make it again
    assert second.get_by_label("Owner", exact=True).input_value() == (
        "Owner typed by the second editor"
    )

    first.goto(path)
    # the owner as typed, then the owner in the people register (the demo's, unchanged)
    assert summary_value(first, "Owner") == (
        f"Owner saved by the first editor – {RISK_OWNERS[CONTESTED_REF]} ({OWNERS_ORGANISATION})"
    )
    assert summary_value(first, "Review date") == "30 Jun 2027"
    seed = seed_risk(CONTESTED_REF)
    lik, con = int(seed["Current Likelihood"]), int(seed["Current Consequence"])
    assert (lik, con) == (3, 4)
    assert summary_value(first, "Current").startswith(
        f"3 ({LIKELIHOOD[3]}) × 4 ({CONSEQUENCE[4]}) = 12 high"
    )


def _declared(text: str) -> str:
    """'22nd June 2022' as the register writes it: '22 Jun 2022'."""
    day = dt.datetime.strptime(re.sub(r"(\d+)(st|nd|rd|th)", r"\1", text), "%d %B %Y")
    return f"{day.day} {day:%b %Y}"


def test_a_viewer_sees_the_published_register_of_interests_but_not_the_risks(sign_in):
    page = sign_in("viewer", "/registers/published/declarations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Register of interests"
    first = seed_rows("declarations_register.csv")[0]
    name = f"{first['Title']} {first['Forename']} {first['Surname']}"
    assert name == "Mr Peter Axon"
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == first["Role"]
    assert cells[1] == _declared(first["Date of Declaration"]) == "22 Jun 2022"

    for refused in ("/registers/risks/", "/registers/declarations/"):
        response = page.goto(refused)
        assert response.status == 403, refused
        assert page.get_by_role("heading", level=1).inner_text() == "You cannot see this page"


def test_the_import_shows_the_heading_mapping_before_anything_is_saved(lead_page, tmp_path):
    seed = (SEEDS / "action_log.csv").read_text(encoding="utf-8")
    upload = tmp_path / "action_log.csv"
    new_row = f'21.04.22,7.,ICS People Plan,"{NEW_ACTION}",AB,,01.09.22,\n'
    upload.write_text(seed.rstrip("\n") + "\n" + new_row, encoding="utf-8")
    seed_count = len(seed_rows("action_log.csv"))
    assert seed_count == 5

    page = lead_page
    log = page.context.new_page()
    log.goto("/registers/actions/")
    assert len(table_rows(log, "table")) == seed_count
    assert NEW_ACTION not in log.locator("main").inner_text()

    page.goto("/registers/import/")
    page.get_by_label("Register", exact=True).select_option(label="Action log")
    page.get_by_label("CSV or XLSX file").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()

    assert page.locator("main h2").first.inner_text() == "Preview: action_log.csv"
    # the seed rows are already in the register, unchanged; the added row is new
    assert (
        "Nothing has been saved yet. 1 to create, 0 to update, "
        f"{seed_count} unchanged, 0 with problems."
    ) in page.locator("main").inner_text()
    mapping = page.locator("table").filter(has_text="How the headings map")
    assert table_rows_of(mapping) == [  # the action log's columns (registers/tabular.py)
        ["Date", "meeting_date"],
        ["Item", "item"],
        ["Agenda Item", "agenda_item"],
        ["Action", "action"],
        ["Action Owner", "owner"],
        ["Update", "update"],
        ["Due Date", "due_date"],
        ["RAG", "rag_text"],
    ]

    log.reload()  # the preview saved nothing
    assert len(table_rows(log, "table")) == seed_count
    assert NEW_ACTION not in log.locator("main").inner_text()

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    assert (
        f"Imported: 1 created, 0 updated, {seed_count} unchanged."
        in page.locator("main").inner_text()
    )
    log.reload()
    assert len(table_rows(log, "table")) == seed_count + 1
    assert NEW_ACTION in log.locator("main").inner_text()
    log.close()


def table_rows_of(table) -> list[list[str]]:
    return table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def test_a_lead_adds_a_committee_member_and_ends_the_membership(lead_page):
    """The members page (EDIT_REGISTERS): a new person added to a committee with no members,
    then their membership ended before the board date (30 Apr 2025, the demo's)."""
    from pathlib import Path

    shots = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page = lead_page
    page.goto("/registers/programmes/")
    page.get_by_role("link", name="Health and Wellbeing Committee", exact=True).click()
    assert "No current members." in page.locator("main").inner_text()
    page.get_by_role("link", name="Add or change members").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Members of Health and Wellbeing Committee"
    )
    page.get_by_label("Or a new person's name").fill("Deputy Director of Nursing")
    page.get_by_label("The new person's organisation").fill("Synthetic Acute Trust")
    page.get_by_label("Role on the committee").fill("Member")
    fill_date(page, "Member from", 1, 4, 2024)
    page.get_by_role("button", name="Add the member").click()
    page.wait_for_load_state()
    assert "Deputy Director of Nursing is a member" in page.locator("main").inner_text()
    [row] = table_rows(page, "#members")
    named = [line for line in row[0].splitlines() if line.strip()]
    assert named == ["Deputy Director of Nursing", "Synthetic Acute Trust"]
    assert row[1:5] == ["Member", "1 Apr 2024", "–", "Member"]
    page.screenshot(path=str(shots / "committee-members-edit.png"), full_page=True)

    page.get_by_role("link", name="Change Deputy Director of Nursing's membership").click()
    fill_date(page, "Until", 31, 3, 2025)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    [row] = table_rows(page, "#members")
    assert row[1:5] == ["Member", "1 Apr 2024", "31 Mar 2025", "Not a member"]
    page.screenshot(path=str(shots / "committee-members-ended.png"), full_page=True)
