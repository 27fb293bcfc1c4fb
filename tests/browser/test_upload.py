"""Uploading files as the ICB's data lead: a bad file is refused with its errors listed, a
good one replaces the ICB's staff in post for the month and the dashboard changes.

The figures after the good upload are worked out by hand from the file below."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.formats import month_name
from tests.browser.support import (
    ICB_MONTH,
    ICB_MONTH_FTE,
    UPLOAD_SEGMENT,
    axe_violations,
    describe,
    fte_text,
    table_rows,
    wait_for_job,
    write_staff_in_post,
)

pytestmark = pytest.mark.browser

#: rows 3 to 6 (the heading is row 1) each break one rule
BAD = [
    "{m},{org},p0000001,a1,admin_clerical,band_4,1,permanent,40,female,white,no,2015-01-01",
    "{m},{org},p0000002,a1,admin_clerical,band_4,lots,permanent,40,female,white,no,2015-01-01",
    "{m},{org},p0000003,a1,admin_clerical,band_4,2.0,permanent,40,female,white,no,2015-01-01",
    "{m},{org},p0000004,a1,wizards,band_4,1,permanent,40,female,white,no,2015-01-01",
    "{m},{org},p0000005,a1,managers,band_7,1,permanent,12,male,white,no,2015-01-01",
]
BAD_ERRORS = [  # row, column, value, rule (docs/formats.md: fte > 0 and <= 1.5, age 16..90)
    ["3", "fte", "lots", "not_a_number"],
    ["4", "fte", "2.0", "out_of_range"],
    ["5", "staff_group", "wizards", "unknown_code"],
    ["6", "age", "12", "out_of_range"],
]
GOOD, GOOD_FTE = ICB_MONTH, ICB_MONTH_FTE

CELL = f'td[data-segment="{UPLOAD_SEGMENT}"][data-metric="staff_in_post_fte"] .owf-value'


SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def _upload(page, path: Path) -> None:
    """Send the file, then watch the page follow its job until the job has finished
    (screenshots of both states: build/screenshots/upload-<file>-progress.png, -outcome.png)."""
    page.goto("/submissions/upload/")
    page.get_by_label("Which data is in the file").select_option("staff_in_post")
    page.get_by_label("The file", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Check and submit").click()
    page.wait_for_load_state()
    # the page answers at once with the job's progress (steps listed), then polls it
    assert page.locator("#job").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"upload-{path.stem}-progress.png"), full_page=True)
    wait_for_job(page)
    page.screenshot(path=str(SHOTS / f"upload-{path.stem}-outcome.png"), full_page=True)


def _icb_figure(page) -> str:
    page.goto("/")
    return page.locator(CELL).inner_text()


def test_a_bad_file_is_refused_with_each_error_named(sign_in, demo, icb_code, tmp_path):
    analyst = sign_in("analyst")
    before = _icb_figure(analyst)
    lead = sign_in("org_data_lead", "/submissions/upload/")
    _upload(lead, write_staff_in_post(tmp_path, "bad.csv", BAD, demo.latest_month, icb_code))

    summary = lead.locator(".nhsuk-error-summary").inner_text()
    assert "bad.csv was rejected: 4 problems found. Nothing was loaded." in summary
    for words in (
        "A figure is not a number: 1",
        "A figure is outside its allowed range: 2",
        "A code is not in the reference list: 1",
    ):
        assert words in summary
    errors = table_rows(lead, "#errors")
    assert [[row[0], row[1], row[2], row[4]] for row in errors] == BAD_ERRORS
    assert "greater than 0 and at most 1.5" in errors[1][3]
    violations = axe_violations(lead)  # the error state is accessible too
    assert not violations, f"the rejected upload fails WCAG 2.2 AA:\n{describe(violations)}"

    assert _icb_figure(analyst) == before  # nothing was loaded


def test_a_good_file_replaces_the_slice_and_the_dashboard_changes(
    sign_in, demo, icb_code, tmp_path
):
    month = demo.latest_month
    analyst = sign_in("analyst")
    assert _icb_figure(analyst) == fte_text(demo.fte(UPLOAD_SEGMENT, month))
    assert fte_text(demo.fte(UPLOAD_SEGMENT, month)) != GOOD_FTE

    lead = sign_in("org_data_lead", "/submissions/upload/")
    _upload(lead, write_staff_in_post(tmp_path, "icb-staff-in-post.csv", GOOD, month, icb_code))
    accepted = lead.locator("#accepted").inner_text()
    expected = (
        f"icb-staff-in-post.csv was accepted as staff_in_post: 6 rows for {icb_code}, {month}."
    )
    assert expected in accepted
    assert "icb-staff-in-post.csv" in accepted
    assert "It replaces 1 earlier slice" in accepted
    assert "The figures on the dashboard have been brought up to date." in accepted

    assert _icb_figure(analyst) == GOOD_FTE
    analyst.locator(
        f'td[data-segment="{UPLOAD_SEGMENT}"][data-metric="staff_in_post_fte"] a'
    ).click()
    analyst.wait_for_load_state()
    assert analyst.locator("#latest-value").inner_text() == GOOD_FTE
    # the series table names its months in words ("March 2025"), as every page does
    assert table_rows(analyst, "#series-table")[-1][:2] == [month_name(month), GOOD_FTE]
