"""The drill-down shows the ICS beside England and other ICSs from a national file; peers are
in no figure of the ICS."""

from __future__ import annotations

import re

import pytest

from tests.data.test_published_files import MARCH, _file, _sip_file
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_drilldown_shows_the_ics_beside_england_and_its_peers(
    loaded, importer, client_for, tmp_path
):
    result = importer.import_file(
        "sickness_absence", _file(tmp_path / "m.csv", "2024-03-31", MARCH)
    )
    assert result.status == "accepted" and not result.hook_errors, result.hook_errors
    page = client_for("analyst").get("/metrics/sickness_absence_rate/?period=2024-03")
    assert page.status_code == 200
    words = _text(page)
    assert "Beside England and other integrated care systems" in words
    # England: RZA's total 60/1000 + the peer's 30/1000 = 4.5%; Dalesway ICS (QZZ): 6.0%;
    # Other ICS (QYY, the peer R0A): 3.0%
    assert "England 4.5%" in words
    assert "Dalesway ICS (this ICS) 6.0%" in words
    assert "Other ICS 3.0%" in words
    assert "Pooled over the organisations of each system" in words
    # the peer is not an organisation of the ICS
    assert "Elsewhere Teaching Hospitals" not in words


def test_staff_in_post_drilldown_shows_growth_beside_england_and_two_other_icss(
    loaded, importer, client_for, tmp_path
):
    dalesway = "Y63,North East and Yorkshire,QZZ,Dalesway ICS"
    other = "Y60,Midlands,QYY,Other ICS,R0A,Elsewhere Teaching Hospitals,Acute,Acute"
    third = "Y61,London,QXX,Third ICS,R0B,Farside Hospitals,Acute,Acute"
    rows = [
        # partners: RZA sends an ESR extract for 2024-04 (the sample), RZB does not
        ("2023-04-30", f"{dalesway},RZA,Dalesway Acute,Acute,Acute", "1", "Total", "FTE", "4000"),
        ("2024-04-30", f"{dalesway},RZA,Dalesway Acute,Acute,Acute", "1", "Total", "FTE", "4100"),
        (
            "2023-04-30",
            f"{dalesway},RZB,Wolds Community,Community,Community",
            "1",
            "Total",
            "FTE",
            "1000",
        ),
        (
            "2024-04-30",
            f"{dalesway},RZB,Wolds Community,Community,Community",
            "1",
            "Total",
            "FTE",
            "1050",
        ),
        # a trust of this ICS that is not in the register (a peer in the same ICS)
        ("2023-04-30", f"{dalesway},RZC,Ravensmoor,Acute,Acute", "1", "Total", "FTE", "1000"),
        ("2024-04-30", f"{dalesway},RZC,Ravensmoor,Acute,Acute", "1", "Total", "FTE", "1000"),
        # peers in two other ICSs
        ("2023-04-30", other, "1", "Total", "FTE", "8000"),
        ("2024-04-30", other, "1", "Total", "FTE", "8400"),
        ("2023-04-30", third, "1", "Total", "FTE", "500"),
        ("2024-04-30", third, "1", "Total", "FTE", "490"),
    ]
    result = importer.import_file("nws_staff_in_post", _sip_file(tmp_path / "sip.csv", rows))
    assert result.status == "accepted" and not result.hook_errors, result.hook_errors
    page = client_for("analyst").get("/metrics/staff_in_post_fte/?period=2024-04")
    assert page.status_code == 200
    words = _text(page)
    # the system figure: RZA's extract (1.0) and RZB's published 1,050; peers are not in it
    assert "Latest (April 2024) 1,051.0" in words
    assert (
        "Source of this figure NHS Workforce Statistics (published) for 1 organisation "
        "without an ESR extract this month"
    ) in words
    assert (
        "Wolds Community Health 1,050.0 NHS Workforce Statistics (published): no ESR extract "
        "this month"
    ) in words
    # growth over 12 months, like for like, each trust in the ICS the file gives it:
    # this ICS (4100 + 1050 + 1000) / (4000 + 1000 + 1000) - 1 = 6150 / 6000 - 1 = 2.5%
    # Other ICS 8400 / 8000 - 1 = 5.0%; Third ICS 490 / 500 - 1 = -2.0%
    # England (6150 + 8400 + 490) / (6000 + 8000 + 500) - 1 = 15040 / 14500 - 1 = 3.7%
    assert "Staff in post (FTE): growth over 12 months" in words
    assert "England 3.7% Dalesway ICS (this ICS) 2.5% Third ICS -2.0% Other ICS 5.0%" in words
    assert "over the total of the same organisations twelve months before" in words
    assert "Farside" not in words and "Ravensmoor" not in words  # peers are not organisations
