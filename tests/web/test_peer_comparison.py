"""The drill-down shows the ICS beside England and other ICSs from a national file; peers are
in no figure of the ICS."""

from __future__ import annotations

import re

import pytest

from tests.data.test_published_files import MARCH, _file
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
    # the peer is not an organisation of the ICS
    assert "Elsewhere Teaching Hospitals" not in words
