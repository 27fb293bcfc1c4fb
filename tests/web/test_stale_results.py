"""Never stale silently: while the stored results are behind the accepted files (a refresh
failed, was killed or has not run yet), every page says the figures are from an earlier data
version, and the metrics API says so in a header and in every row; once refreshed, neither.

Figures from tests/web/fixtures_api.py: staff_in_post_fte 2024-03 is 2.0 for the system (RZA
1.6, RZB 0.4). The file sent here replaces RZA's 2024-03 with p1 and p2 at 1.0 FTE each, so the
system becomes 2.0 + 0.4 = 2.4 once the results are refreshed.
"""

from __future__ import annotations

import pytest

from oneworkforce.metrics.results_writer import ResultsWriter
from tests.data.samples import SAMPLES, write
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

FTE = "/api/v1/metrics?metric=staff_in_post_fte&period=2024-03"
BANNER = "Figures from an earlier data version"


def _rza_march_at_full_time(tmp_path):
    rows = [
        {**r, "fte": 1.0}
        for r in SAMPLES["staff_in_post"]
        if r["org_code"] == "RZA" and r["period"] == "2024-03"
    ]
    assert len(rows) == 2
    return write(tmp_path / "rza-march.csv", rows)


@pytest.fixture
def stale(loaded, importer, tmp_path):
    """An accepted file whose refresh did not happen (as after a kill or a failed refresh)."""
    importer.after_commit = []
    result = importer.import_file("staff_in_post", _rza_march_at_full_time(tmp_path))
    assert result.status == "accepted", result.report.summary()
    return loaded


def test_fresh_results_carry_no_warning(loaded, client_for):
    client = client_for("analyst")
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "false"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.0)]
    assert all("data_stale" not in r for r in response.json())
    assert BANNER not in client.get("/").content.decode()


def test_stale_results_are_flagged_on_pages_and_in_the_api_until_refreshed(stale, client_for):
    client = client_for("analyst")
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "true"
    rows = response.json()
    assert [r["value"] for r in rows] == [pytest.approx(2.0)]  # the earlier figure
    assert all(r["data_stale"] is True for r in rows)
    for url in ("/", "/submissions/"):
        page = client.get(url).content.decode()
        assert BANNER in page, url
        assert "before the latest files were accepted" in page

    assert ResultsWriter(stale.lake).refresh().mode == "incremental"

    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "false"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.4)]
    assert all("data_stale" not in r for r in response.json())
    assert BANNER not in client.get("/").content.decode()
