"""``compute_many(splits)``, which the results store's writer calls so that the shared steps
(the scans of staff in post, each person's months) are made once for several splits, gives
exactly what one ``compute`` per split gives: the same results, in the same order."""

from __future__ import annotations

import pytest

from oneworkforce.metrics import compute
from oneworkforce.metrics.engines.duckdb import DuckDBEngine
from oneworkforce.metrics.impact import SPLITS
from tests.metrics.test_results_store import loaded  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("periods", [None, ["2023-06", "2024-01", "2024-06"]])
def test_compute_many_equals_one_compute_per_split(loaded, periods):  # noqa: F811
    importer, _, _ = loaded
    con = importer.lake.connect()
    try:
        # the metrics every split supports (the staff-in-post and sickness metrics)
        codes = ["staff_in_post_fte", "turnover_rate", "sickness_absence_rate_12m"]
        many = DuckDBEngine().compute_many(con, [s.by for s in SPLITS], codes, periods)
        one_by_one = [compute(con, codes, periods, by=s.by) for s in SPLITS]
    finally:
        con.close()
    assert len(many) == len(SPLITS)
    for split, got, want in zip(SPLITS, many, one_by_one, strict=True):
        assert want, split.name  # something to compare
        assert [r.to_dict() for r in got] == [r.to_dict() for r in want], split.name
