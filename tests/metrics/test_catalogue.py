"""The catalogue as data: the v1 codes, their definitions' shape, JSON, targets."""

from __future__ import annotations

import csv
import json
from importlib import resources

import pytest

from oneworkforce.metrics import CATALOGUE, Target, sources
from oneworkforce.metrics.catalogue import BAND_CLUSTER_TOTAL, BAND_CLUSTERS
from oneworkforce.metrics.compiler import POOL, compile_plan, compile_plans, reads, split_tag
from oneworkforce.metrics.definitions import Condition, PersonFlow, TableMeasure
from oneworkforce.metrics.periods import (
    financial_year_start,
    month_index,
    month_range,
    period_label,
    window_months,
)
from oneworkforce.metrics.request import Request

V1 = (
    "staff_in_post_fte",
    "staff_in_post_headcount",
    "turnover_rate",
    "leaver_rate",
    "joiner_rate",
    "stability_index",
    "sickness_absence_rate",
    "sickness_absence_rate_12m",
    "vacancy_fte",
    "vacancy_rate",
    "agency_fte",
    "bank_fte",
    "agency_spend",
    "agency_share_of_paybill",
    "agency_share_of_paybill_fytd",
    "agency_cost_avoided_fytd",
    "price_cap_compliance",
    "plan_variance_substantive_fte",
    "plan_variance_substantive_fte_pct",
    "plan_variance_agency_fte",
    "plan_variance_agency_fte_pct",
    "wres_bme_share",
)


def test_the_v1_codes():
    assert CATALOGUE.codes == V1


def test_every_metric_cites_its_official_definition():
    for metric in CATALOGUE:
        assert metric.source.section.startswith("§"), metric.code
        assert metric.source.url.startswith("https://"), metric.code
        assert metric.segments and metric.datasets and metric.description


def test_the_catalogue_is_json():
    listed = json.loads(json.dumps(CATALOGUE.to_list()))
    turnover = next(m for m in listed if m["code"] == "turnover_rate")
    assert turnover["measure"] == {
        "node": "PersonFlow",
        "count": "leavers",
        "denominator": "mean_headcount",
        "counting": "organisation",
        "leaving": "group",
        "months": 12,
    }
    assert turnover["targets"][0] | {"label": "", "source": ""} == {
        "node": "Target",
        "label": "",
        "lower": 0.08,
        "upper": 0.12,
        "kind": "range",
        "set_by": "OneWorkforce default",
        "source": "",
        "segments": [
            "nhs_community",
            "secondary_care",
            "nhs_mental_health",
            "ambulance",
            "icb_corporate",
        ],
    }
    # social care turnover has its own target: at or below England's 24.8% (§6)
    assert turnover["targets"][1]["upper"] == 0.248
    assert "care_homes" in turnover["targets"][1]["segments"]
    assert turnover["window"] == "rolling_12m" and turnover["unit"] == "fraction"
    # SPC applies to independent monthly points only, never to rolling windows
    assert turnover["spc"] is False
    assert next(m for m in listed if m["code"] == "sickness_absence_rate")["spc"] is True
    assert next(m for m in listed if m["code"] == "agency_share_of_paybill_fytd")["spc"] is False


def test_seed_targets():
    targets = {m.code: m.targets for m in CATALOGUE if m.targets}
    assert targets["sickness_absence_rate"][0].upper == 0.045
    assert targets["agency_share_of_paybill"][0].upper == 0.032
    assert (targets["vacancy_rate"][0].lower, targets["vacancy_rate"][0].upper) == (0.08, 0.12)


def test_an_ics_sets_its_own_targets():
    mine = CATALOGUE.with_targets({"sickness_absence_rate": [Target("ours", upper=0.04)]})
    assert mine.get("sickness_absence_rate").targets[0].upper == 0.04
    assert CATALOGUE.get("sickness_absence_rate").targets[0].upper == 0.045
    with pytest.raises(KeyError):
        CATALOGUE.with_targets({"no_such_metric": []})


def test_definitions_are_checked():
    with pytest.raises(ValueError):
        Condition("band", "in")
    with pytest.raises(ValueError):
        PersonFlow("joiners", "mean_headcount", "level", "system")
    with pytest.raises(ValueError):
        Target("none")


def test_band_clusters_match_the_reference_bands():
    text = resources.files("oneworkforce.data.reference").joinpath("bands.csv").read_text()
    reference = {r["band"]: r["wres_cluster"] for r in csv.DictReader(text.splitlines())}
    ours = {band: cluster for cluster, bands in BAND_CLUSTERS.items() for band in bands}
    assert ours == {b: c for b, c in reference.items() if c != "other"}
    assert BAND_CLUSTER_TOTAL not in BAND_CLUSTERS


def test_months():
    assert month_index("2024-03") - month_index("2023-03") == 12
    assert period_label(month_index("2024-01")) == "2024-01"
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert period_label(financial_year_start(month_index("2024-03"))) == "2023-04"
    assert period_label(financial_year_start(month_index("2024-04"))) == "2024-04"
    assert len(window_months("fytd", month_index("2024-03"))) == 12
    assert list(window_months("rolling_12m", 100, lag=12)) == list(range(77, 89))
    with pytest.raises(ValueError):
        month_index("2024-13")


def test_requests_are_checked():
    with pytest.raises(ValueError, match="unknown dimension"):
        Request.build(by=["ward"])
    with pytest.raises(KeyError):
        Request.build(metrics=["nope"])


def test_every_metric_compiles_to_spark_sql():
    pytest.importorskip("sqlglot")
    plan = compile_plan(Request.build(by=["segment", "staff_group"])).to_dialect("spark")
    assert len(plan.queries) == len(V1)
    assert all("owm_" in q.sql for q in plan.queries)


def test_several_splits_compile_to_one_query_per_metric():
    """``compute_many`` runs each metric once for every split (GROUPING SETS), and the
    person-level steps are one aggregation each, however many splits are asked for; only the
    published-table measures have two queries, as a split by staff group reads other rows."""
    splits = [[], ["segment"], ["org_code"], ["staff_group"]]
    plans = compile_plans([Request.build(by=by) for by in splits])
    one = compile_plan(Request.build())
    assert [s.name for s in plans[0].steps] == [s.name for s in one.steps]
    assert all(p.steps == plans[0].steps for p in plans)
    for code in {q.metric for q in plans[0].queries}:
        sqls = {q.sql for p in plans for q in p.queries if q.metric == code}
        by_group = any(q.metric == code for q in plans[-1].queries)  # split by staff group
        table = isinstance(CATALOGUE.get(code).measure, TableMeasure)
        assert len(sqls) == (2 if table and by_group else 1), code
    # each split reads its own rows of the shared query, by its tag; a total across segments
    # reads its rows by its dimensions and the pooled organisations' mark (metrics/sources.py)
    for plan, by in zip(plans, splits, strict=True):
        for q in plan.queries:
            assert not q.pooled or sources.pooled(tuple(by)), (by, q.metric)
            want = split_tag((*by, POOL)) if q.pooled else split_tag(by)
            assert want in q.tags, (by, q.metric)
    assert any(q.pooled for q in plans[0].queries)  # the system total has pooled measures


def test_spark_counts_the_months_behind_a_windowed_sum_as_bits():
    """On Spark a table measure's ``COUNT(DISTINCT num_month)`` (a shuffle or two of its own
    on Spark) is the count of bits ``m - num_month`` set; DuckDB's SQL keeps the distinct
    count, and a month further back than a word holds stops the query (the bit would be
    lost)."""
    sqlglot = pytest.importorskip("sqlglot")
    duck = compile_plans([Request.build(by=by) for by in ([], ["staff_group"])])
    spark = [p.to_dialect("spark") for p in duck]
    table = [
        (d, s)
        for plan, other in zip(duck, spark, strict=True)
        for d, s in zip(plan.queries, other.queries, strict=True)
        if isinstance(CATALOGUE.get(d.metric).measure, TableMeasure)
    ]
    assert table
    for d, s in table:
        assert "COUNT(DISTINCT num_month)" in d.sql, d.metric
        assert "DISTINCT" not in s.sql, s.metric
        assert "BIT_COUNT(BIT_OR(" in s.sql and "RAISE_ERROR(" in s.sql, s.metric
    # the steps and every other query are transpiled as before
    for d, s in zip(duck[0].steps, spark[0].steps, strict=True):
        assert s.sql == sqlglot.transpile(d.sql, read="duckdb", write="spark")[0]


def test_a_refresh_of_one_month_reads_only_the_months_of_staff_in_post_it_needs():
    """A staff-in-post refresh of January 2025 (and the January 2026 its 12-month flows reach)
    reads January 2024, 2025 and 2026 of staff in post: both ends of each flow, not the months
    between them, which no figure of those months takes its sources from."""
    request = Request.build(
        metrics=["leaver_rate", "staff_in_post_fte"], periods=["2025-01", "2026-01"]
    )
    sip = next(s.sql for s in compile_plan(request).steps if s.name == "owm_sip")
    for month in ("2024-01-01", "2025-01-01", "2026-01-01"):
        assert f"period BETWEEN DATE '{month}' AND DATE '{month}'" in sip, month
    assert "2025-06" not in sip and "2024-06" not in sip
    # so do the published totals that stand in for a month with no extract
    published = compile_plan(request).published
    assert "n.period BETWEEN DATE '2025-01-01' AND DATE '2025-01-01'" in published
    assert "2025-06" not in published
    # months next to each other are read as one range
    request = Request.build(metrics=["leaver_rate"], periods=["2025-01", "2025-02", "2025-03"])
    sip = next(s.sql for s in compile_plan(request).steps if s.name == "owm_sip")
    assert (
        "(period BETWEEN DATE '2024-01-01' AND DATE '2024-03-01' "
        "OR period BETWEEN DATE '2025-01-01' AND DATE '2025-03-01')"
    ) in sip


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_each_step_reads_only_steps_made_before_it(dialect):
    """Engines build the shared steps in plan order (Spark overlaps those that do not read
    each other): each step and query names only steps made before it, and the person-level
    steps read staff in post's own; the query on sickness reads none of them."""
    plans = [
        p.to_dialect(dialect)
        for p in compile_plans([Request.build(by=by) for by in ([], ["staff_group"])])
    ]
    names = [s.name for s in plans[0].steps]
    for i, step in enumerate(plans[0].steps):
        assert reads(step.sql, names) <= set(names[:i]), step.name
        assert step.name not in reads(step.sql, names[:i])
    sql = {s.name: s.sql for s in plans[0].steps}
    assert reads(sql["owm_levels_rows"], names) == {"owm_partner_people", "owm_orgs"}
    assert reads(sql["owm_partner_people"], names) == {"owm_people", "owm_orgs"}
    sickness = next(q for q in plans[0].queries if q.metric == "sickness_absence_rate")
    assert not reads(sickness.sql, names) & {"owm_people", "owm_sip", "owm_levels"}
    assert reads(sickness.sql, names)  # the organisations and months it is given for
