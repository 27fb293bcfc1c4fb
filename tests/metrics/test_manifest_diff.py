"""The lake's manifest read column by column: its data version, the slices two manifests differ
in, and the submissions the lake's views read, each equal to the slice-by-slice reading it
replaced (hand-made manifests with missing values, dates and superseded slices)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date

import pyarrow as pa

from oneworkforce.data.lake import MANIFEST_SCHEMA, Slice, _submissions
from oneworkforce.metrics.impact import Change
from oneworkforce.metrics.periods import month_index
from oneworkforce.metrics.results_layout import data_version, table_version
from oneworkforce.metrics.results_writer import _diff

REGISTER = {"RZA": ("North", "secondary_care"), "RZB": ("South", "nhs_community")}

OLD = [
    Slice("s1", "sickness_absence", None, "RZA", date(2024, 1, 1), 8, "accepted"),
    Slice("s1", "sickness_absence", None, "RZA", date(2024, 2, 1), 8, "accepted"),
    Slice("s2", "staff_in_post", None, "RZB", date(2024, 1, 1), 120, "accepted"),
    Slice("r1", "organisations", None, None, None, 3, "accepted"),
    Slice("a1", "aggregate", "care_homes", "RZA", date(2024, 1, 1), 1, "accepted"),
]
# RZA resends February (s1's slice superseded by s3), and RZB's sickness starts in March
NEW = [
    *OLD[:1],
    dataclasses.replace(OLD[1], status="superseded"),
    *OLD[2:],
    Slice("s3", "sickness_absence", None, "RZA", date(2024, 2, 1), 9, "accepted"),
    Slice("s4", "sickness_absence", None, "RZB", date(2024, 3, 1), 4, "accepted"),
]


def table(slices: list[Slice]) -> pa.Table:
    return pa.Table.from_pylist([dataclasses.asdict(s) for s in slices], schema=MANIFEST_SCHEMA)


def by_hand(slices: list[Slice]) -> str:
    """The data version as stores of earlier versions recorded it: each slice's fields as
    ``str`` spells them, joined by U+001F, the lines sorted and hashed."""
    lines = sorted("\x1f".join(str(v) for v in dataclasses.astuple(s)) for s in slices)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def test_the_data_version_of_a_table_is_that_of_its_slices():
    for slices in ([], OLD, NEW, list(reversed(NEW))):
        rows = [dataclasses.asdict(s) for s in slices]
        assert table_version(table(slices)) == data_version(rows) == by_hand(slices)
    assert table_version(table(OLD)) != table_version(table(NEW))


def test_two_manifests_differ_in_the_slices_changed_and_the_months_gaining_data():
    changes, moved = _diff(table(OLD), table(NEW), REGISTER)
    feb, mar = month_index("2024-02"), month_index("2024-03")
    # s1's February (now superseded), s3's February and s4's March
    assert changes == sorted(
        {
            Change("sickness_absence", "RZA", None, feb),
            Change("sickness_absence", "RZB", None, mar),
        }
    )
    # sickness gains its first partner data in March; February had RZA's before and after
    assert moved == {("sickness_absence", mar)}
    assert _diff(table(NEW), table(NEW), REGISTER) == ([], set())


def test_the_views_read_the_same_submissions_from_a_table_as_from_slices():
    by_table, by_list = _submissions(table(NEW)), _submissions(NEW)
    assert by_table == by_list
    assert by_list["sickness_absence"] == ({"s1", "s3", "s4"}, {"s1"})
    assert by_list["staff_in_post"] == ({"s2"}, set())
