"""Downloading the table behind a chart: the file holds the figures the page shows."""

from __future__ import annotations

import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from oneworkforce.formats import month_name
from tests.browser.support import fte_text, percent_text, table_rows

pytestmark = pytest.mark.browser

HEADER = [
    "Month",
    "Value",
    "Numerator",
    "Denominator",
    "Mean",
    "Lower process limit",
    "Upper process limit",
    "Variation",
    "Withheld",  # organisations left out of a group (issue 14); none for an analyst
]
#: (drill-down, unit, how the page writes a figure of that unit)
PAGES = {
    "csv": ("/metrics/staff_in_post_fte/?segment=secondary_care", "fte", fte_text),
    "xlsx": ("/metrics/turnover_rate/?segment=general_practice", "fraction", percent_text),
}


def _download(page, link: str) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("link", name=link).click()
    return event.value.path().read_bytes()


def _as_shown(value, show) -> str:
    return "–" if value in (None, "") else show(float(value))


def _check(rows: list[list], page_rows: list[list[str]], show) -> None:
    """Month, value, mean, limits and variation of each row, as the page writes them."""
    assert len(rows) == len(page_rows)
    for row, shown in zip(rows, page_rows, strict=True):
        month, value, _num, _den, mean, lpl, upl, variation, withheld = row
        assert withheld in (None, "")  # an analyst sees every organisation
        assert [
            month_name(month),  # the page reads "June 2024" where the file has 2024-06
            _as_shown(value, show),
            _as_shown(mean, show),
            _as_shown(lpl, show),
            _as_shown(upl, show),
            variation or "",
        ] == shown


def test_the_csv_download_holds_the_pages_table(sign_in):
    path, unit, show = PAGES["csv"]
    page = sign_in("analyst", path)
    title = page.get_by_role("heading", level=1).inner_text()
    shown = table_rows(page, "#series-table")
    lines = list(csv.reader(io.StringIO(_download(page, "Download as CSV").decode("utf-8"))))
    assert lines[0] == [f"{title} ({unit})"]
    assert lines[1] == HEADER
    _check(lines[2:], shown, show)


def test_the_excel_download_holds_the_pages_table(sign_in):
    path, unit, show = PAGES["xlsx"]
    page = sign_in("analyst", path)
    title = page.get_by_role("heading", level=1).inner_text()
    shown = table_rows(page, "#series-table")
    assert shown, "the page should have a table to download"
    book = CalamineWorkbook.from_filelike(io.BytesIO(_download(page, "Download as Excel (XLSX)")))
    assert book.sheet_names == ["Series"]
    rows = book.get_sheet_by_name("Series").to_python()
    assert rows[0][0] == f"{title} ({unit})"
    assert rows[1] == HEADER
    _check(rows[2:], shown, show)
    # the figures are numbers a spreadsheet can sum, not text
    assert all(isinstance(r[1], float) for r in rows[2:] if r[1] != "")
