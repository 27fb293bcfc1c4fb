"""Reading the People Story matrix and drilling down from a cell, as an analyst."""

from __future__ import annotations

import pytest

from oneworkforce.formats import month_name
from tests.browser.support import UPLOAD_SEGMENT, fte_text, table_rows, wait_for_charts

pytestmark = pytest.mark.browser

CELL = 'td[data-segment="{segment}"][data-metric="{metric}"]'


def test_the_matrix_shows_staff_in_post_of_every_segment_with_person_level_data(sign_in, demo):
    page = sign_in("analyst")
    month = demo.latest_month
    # the caption names the month in words: 2025-03 is "March 2025"
    assert month_name(month) in page.locator("#people-story caption").inner_text()
    segments = [s for s in demo.segments_with_staff_in_post() if s != UPLOAD_SEGMENT]
    assert "secondary_care" in segments and "general_practice" in segments
    for segment in segments:
        cell = page.locator(CELL.format(segment=segment, metric="staff_in_post_fte"))
        shown = cell.locator(".owf-value").inner_text()
        assert shown == fte_text(demo.fte(segment, month)), segment


def test_drilling_down_from_a_cell_shows_its_chart_breakdowns_and_table(sign_in, demo):
    page = sign_in("analyst")
    month = demo.latest_month
    expected = fte_text(demo.fte("secondary_care", month))
    cell = page.locator(CELL.format(segment="secondary_care", metric="staff_in_post_fte"))
    cell.get_by_role("link").click()
    page.wait_for_load_state()

    assert "/metrics/staff_in_post_fte/" in page.url and "segment=secondary_care" in page.url
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Staff in post (FTE) – Secondary care"
    assert page.locator("#latest-value").inner_text() == expected

    # the SPC chart, drawn as SVG, with its text description
    assert wait_for_charts(page) == 4  # the SPC chart and the three breakdowns
    spc = page.locator('figure[data-chart="spc-chart"]')
    assert spc.locator(".owf-chart__canvas svg").count() == 1
    months = demo.months("secondary_care")
    caption = spc.locator("figcaption").inner_text()
    first, last = month_name(months[0]), month_name(months[-1])  # "April 2022"
    assert f"{len(months)} months from {first} to {last}" in caption

    # the table behind the chart: one row a month, the latest the cell's figure
    series = table_rows(page, "#series-table")
    assert [row[0] for row in series] == [month_name(m) for m in months]
    assert series[-1][1] == expected

    # by organisation: each partner trust's staff in post, from the source file
    by_org = {name: value for name, value in table_rows(page, "#by-organisation")}
    fte = demo.fte_by_org(month)
    assert by_org == {
        demo.organisations[code]["org_name"]: fte_text(fte[code])
        for code in demo.partners("secondary_care")
        if code in fte
    }
    # by place: the trusts' figures summed by the place they are in
    places: dict[str, float] = {}
    for code in demo.partners("secondary_care"):
        place = demo.organisations[code]["place"]
        places[place] = places.get(place, 0.0) + fte.get(code, 0.0)
    assert dict(table_rows(page, "#by-place")) == {p: fte_text(v) for p, v in places.items()}


def test_an_organisation_in_the_breakdown_drills_down_to_its_own_series(sign_in, demo):
    page = sign_in("analyst", "/metrics/staff_in_post_fte/?segment=secondary_care")
    code = demo.partners("secondary_care")[0]
    name = demo.organisations[code]["org_name"]
    page.locator("#by-organisation").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"Staff in post (FTE) – {name}"
    expected = fte_text(demo.fte_by_org(demo.latest_month)[code])
    assert page.locator("#latest-value").inner_text() == expected
