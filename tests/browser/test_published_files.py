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
        "published data), March 2025",
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


def _growth(demo, ics: str | None, now: str, before: str) -> str:
    """Published FTE growth over 12 months, like for like, straight from the demo's file."""
    import csv

    [path] = (demo.folder / "published" / "nws_staff_in_post").glob("*.csv")
    totals: dict[tuple[str, str], float] = {}
    icss: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Staff Group"] == "Total" and row["Data Type"] == "FTE":
                totals[row["Date"], row["Org Code"]] = float(row["Total"])
                if row["Date"] == now:
                    icss[row["Org Code"]] = row["ICS code"]
    orgs = [o for o in icss if (ics is None or icss[o] == ics) and (before, o) in totals]
    growth = sum(totals[now, o] for o in orgs) / sum(totals[before, o] for o in orgs) - 1
    return f"{100 * growth:.1f}%"


def test_staff_in_post_growth_beside_england_and_the_neighbouring_ics(sign_in, demo):
    page = sign_in("board", "/metrics/staff_in_post_fte/?period=2025-03")
    page.set_viewport_size({"width": 1400, "height": 900})
    rows = page.locator("#by-ics tbody tr")
    cells = [
        (
            rows.nth(i).locator("td").first.inner_text(),
            rows.nth(i).locator("td").nth(1).inner_text(),
        )
        for i in range(rows.count())
    ]
    expected = [
        ("England", _growth(demo, None, "2025-03-31", "2024-03-31")),
        (
            "NHS Dalesway Integrated Care Board (this ICS)",
            _growth(demo, "QZZ", "2025-03-31", "2024-03-31"),
        ),
        ("NHS Fellside Integrated Care Board", _growth(demo, "QZY", "2025-03-31", "2024-03-31")),
    ]
    assert cells == expected
    header = page.locator("#by-ics thead").inner_text()
    assert "Staff in post (FTE): growth over 12 months" in header
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#by-ics").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "staff-in-post-growth-beside-england.png"), full_page=True)
