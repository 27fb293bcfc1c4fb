"""NHS England's published sickness files in the demo, as a board member sees them: the
sickness drill-down shows the ICS beside England and the neighbouring ICS (from the
synthetic ICS's monthly benchmarking CSVs), with staff groups named by classification.
Screenshot written to build/screenshots/ for a reviewer to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_sickness_drilldown_beside_england_and_other_icss(sign_in):
    page = sign_in("board", "/metrics/sickness_absence_rate/?period=2025-03")
    page.set_viewport_size({"width": 1400, "height": 900})
    heading = page.get_by_role(
        "heading",
        name="Beside England and other integrated care systems (NHS England "
        "published data), 2025-03",
    )
    assert heading.count() == 1
    rows = page.locator("#by-ics tbody tr")
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    # England first, then this ICS, then the neighbouring ICS whose trusts are peers
    assert names == [
        "England",
        "NHS Dalesway Integrated Care Board (this ICS)",
        "NHS Fellside Integrated Care Board",
    ]
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").nth(1).inner_text().endswith("%")
    groups = page.locator("#by-staff_group tbody").inner_text()
    assert "(NHS Workforce Statistics)" in groups  # the trusts' published groups
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sickness-beside-england.png"), full_page=True)
