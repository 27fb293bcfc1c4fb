"""The organisations behind each stored figure (metrics/contributors.py), counted by hand.

The data of tests/metrics/test_results_store.py: RZA (North, secondary care: nursing and
midwifery a1-a3, medical and dental a5), RZB (South, NHS community: AHPs b1-b3) and B99001
(North, general practice: admin and clerical g1, g2) send staff in post; RZA and RZB send
sickness (nursing and midwifery, and AHPs), B99001 does not. Nursing and midwifery, medical
and dental and AHPs are all of the registered clinical level; admin and clerical is not.
"""

from __future__ import annotations

import json

import pytest

from oneworkforce.metrics.results_layout import FORMAT, index_path
from oneworkforce.metrics.store import ResultsStore, repair_if_stale
from tests.data.samples import write
from tests.metrics.test_results_store import loaded, staff  # noqa: F401

pytestmark = pytest.mark.django_db

FTE = "staff_in_post_fte"
SICK = "sickness_absence_rate"


def stored(store, split, metric, period, **group):
    """The contributors and their count stored with one figure."""
    (row,) = [
        r
        for r in store.results(metric, split=split, filters={"period": period})
        if all(r[d] == v for d, v in group.items())
    ]
    return row["contributors"], row["contributor_count"]


def agency_returns() -> list[dict]:
    """Agency FTE, March 2024, through the aggregate dataset: RZA 5.0, B99001 0.0, RZB 3.0 and
    two areas' care homes, 4.0 and 2.0 (also tests/web/test_group_size.py)."""
    base = {"period": "2024-03", "metric": "agency_fte", "unit": "fte", "numerator": None}
    base |= {"denominator": None, "basis": "return", "quality": "actual"}
    return [
        {**base, "segment": s, "org_code": o, "area_code": a, "value": v}
        for s, o, a, v in (
            ("secondary_care", "RZA", None, 5.0),
            ("general_practice", "B99001", None, 0.0),
            ("nhs_community", "RZB", None, 3.0),
            ("care_homes", None, "E06000014", 4.0),
            ("care_homes", None, "E06000015", 2.0),
        )
    ]


def test_the_stored_contributors_of_each_split(loaded):  # noqa: F811
    _, store, _ = loaded
    june = "2024-06"
    assert stored(store, "system", FTE, june) == (["B99001", "RZA", "RZB"], 3)
    assert stored(store, "place", FTE, june, place="North") == (["B99001", "RZA"], 2)
    assert stored(store, "place", FTE, june, place="South") == (["RZB"], 1)
    assert stored(store, "segment", FTE, june, segment="secondary_care") == (["RZA"], 1)
    assert stored(store, "place_segment", FTE, june, place="North", segment="general_practice") == (
        ["B99001"],
        1,
    )
    assert stored(store, "staff_group", FTE, june, staff_group="ahp") == (["RZB"], 1)
    assert stored(store, "staff_category", FTE, june, staff_category="registered_clinical") == (
        ["RZA", "RZB"],
        2,
    )
    assert stored(
        store,
        "segment_staff_group",
        FTE,
        june,
        segment="secondary_care",
        staff_group="medical_dental",
    ) == (["RZA"], 1)
    assert (
        not [  # RZA has no AHPs: no such group is stored
            r
            for r in store.results(FTE, split="segment_staff_group", filters={"period": june})
            if r["segment"] == "secondary_care" and r["staff_group"] == "ahp"
        ]
    )
    assert stored(store, "org_code", FTE, june, org_code="RZA") == (["RZA"], 1)
    # B99001 sends no sickness: in North, but not behind North's sickness figure
    assert stored(store, "system", SICK, june) == (["RZA", "RZB"], 2)
    assert stored(store, "place", SICK, june, place="North") == (["RZA"], 1)


def test_spc_points_carry_the_contributors_of_their_month(loaded):  # noqa: F811
    _, store, _ = loaded
    points = store.spc_points(FTE, split="place", filters={"place": "North"})
    june = [p for p in points if p["period"] == "2024-06"]
    assert [(p["contributors"], p["contributor_count"]) for p in june] == [(["B99001", "RZA"], 2)]


def test_a_refresh_counts_a_month_only_one_organisation_sent(loaded, tmp_path):  # noqa: F811
    """July 2024 from RZA alone: the system figure is RZA's 4.0 FTE, one contributor, and a
    programme lead is not shown it; June keeps its three."""
    from oneworkforce.metrics.group_size import Viewer
    from oneworkforce.metrics.results_reader import ResultsReader

    importer, store, _ = loaded
    result = importer.import_file(
        "staff_in_post", write(tmp_path / "july.csv", staff("RZA", "2024-07"))
    )
    assert result.status == "accepted", result.report.summary()
    assert store.refresh().mode == "incremental"
    assert stored(store, "system", FTE, "2024-07") == (["RZA"], 1)
    assert stored(store, "system", FTE, "2024-06") == (["B99001", "RZA", "RZB"], 3)
    lead = ResultsReader(store.lake_root, viewer=Viewer(frozenset(), 2))
    (july,) = lead.results(FTE, split="system", filters={"period": "2024-07"})
    assert july["value"] is None and july["withheld"] == "fewer than 2 organisations"
    assert "contributors" not in july and "contributor_count" not in july  # never passed on
    (june,) = lead.results(FTE, split="system", filters={"period": "2024-06"})
    assert june["value"] == pytest.approx(8.8)


def test_aggregate_figures_count_their_source_rows(importer, tmp_path):
    """Agency FTE, March 2024, through the aggregate dataset: RZA 5.0 and B99001 0.0 (both
    North), RZB 3.0 (South), and two areas' care homes, 4.0 and 2.0. North is RZA's alone
    (B99001's 0.0 adds nothing); care homes pool the two areas; the system pools RZA, RZB and
    both areas."""
    rows = agency_returns()
    result = importer.import_file("aggregate", write(tmp_path / "aggregate.csv", rows))
    assert result.status == "accepted", result.report.summary()
    store = ResultsStore(importer.home.lake)
    store.rebuild()
    month = "2024-03"
    assert stored(store, "place", "agency_fte", month, place="North") == (["RZA"], 1)
    assert stored(store, "segment", "agency_fte", month, segment="care_homes") == (
        ["area E06000014", "area E06000015"],
        2,
    )
    assert stored(store, "system", "agency_fte", month) == (
        ["RZA", "RZB", "area E06000014", "area E06000015"],
        4,
    )


def test_a_store_of_the_previous_format_is_rebuilt(loaded):  # noqa: F811
    """A store written before the contributors were stored (format 4) is read as not built,
    and opening the data directory rebuilds it in this format."""
    importer, store, _ = loaded
    path = index_path(store.lake_root)
    index = json.loads(path.read_text())
    path.write_text(json.dumps({**index, "format": 4}))
    assert store.index() is None
    report = repair_if_stale(importer.home)
    assert report is not None and report.mode == "rebuild"
    assert json.loads(path.read_text())["format"] == FORMAT == 6
    assert stored(store, "system", FTE, "2024-06") == (["B99001", "RZA", "RZB"], 3)
    assert repair_if_stale(importer.home) is None  # fresh now
