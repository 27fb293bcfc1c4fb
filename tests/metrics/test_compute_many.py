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


def test_flows_counted_the_same_way_share_one_query():
    # turnover and the joiner rate are counted in each organisation, the leaver rate and
    # stability at the level asked for: two queries for the four, each metric its figure
    from oneworkforce.metrics.compiler import compile_plans
    from oneworkforce.metrics.request import Request

    codes = ["turnover_rate", "leaver_rate", "joiner_rate", "stability_index"]
    requests = [Request.build(codes, None, by) for by in ([], ["org_code"], ["staff_group"])]
    for plan in compile_plans(requests):
        queries = {q.metric: q for q in plan.queries}
        assert queries["turnover_rate"].sql == queries["joiner_rate"].sql
        assert queries["leaver_rate"].sql == queries["stability_index"].sql
        assert queries["turnover_rate"].sql != queries["leaver_rate"].sql
        assert [queries[c].figure for c in codes] == [0, 0, 1, 1]
    # a flow asked for alone is a query of its own, its figure the only one
    (alone,) = compile_plans([Request.build(["turnover_rate"], None, [])])
    assert [q.figure for q in alone.queries] == [None]
