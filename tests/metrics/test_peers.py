"""The ICS beside England and other ICSs, from a national file (pooled, totals first)."""

from __future__ import annotations

import duckdb

from oneworkforce.metrics.peers import compare


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE organisations AS SELECT * FROM (VALUES ('A', true), ('B', true)) "
        "t(org_code, partner)"
    )
    con.execute(
        "CREATE TABLE sickness_absence AS SELECT DATE '2024-03-01' AS period, * FROM (VALUES "
        # this ICS (QA): A gives a total and a group; B only groups
        "('A', 'QA', 'Home ICS', 'all_staff_groups', 50.0, 1000.0),"
        "('A', 'QA', 'Home ICS', 'midwives', 20.0, 100.0),"
        "('B', 'QA', 'Home ICS', 'midwives', 3.0, 100.0),"
        "('B', 'QA', 'Home ICS', 'hchs_doctors', 1.0, 100.0),"
        # two other ICSs
        "('X', 'QX', 'Other ICS', 'all_staff_groups', 40.0, 1000.0),"
        "('Y', 'QY', 'Third ICS', 'all_staff_groups', 80.0, 1000.0),"
        # a partner's own return (no ICS column): not part of the national comparison
        "('A', NULL, NULL, 'nursing_midwifery', 9.0, 10.0)"
        ") t(org_code, ics_code, ics_name, staff_group, fte_days_lost, fte_days_available)"
    )
    return con


def test_ics_beside_england_and_other_icss():
    rows = compare(_con(), "sickness_absence_rate", "2024-03")
    # England: A's total 50/1000 + B's groups 4/200 + X 40/1000 + Y 80/1000 = 174/3200
    # this ICS: (50 + 4) / (1000 + 200) = 0.045; others by value: QX 0.04, QY 0.08
    assert [(r.level, r.code, r.own) for r in rows] == [
        ("england", None, False),
        ("ics", "QA", True),
        ("ics", "QX", False),
        ("ics", "QY", False),
    ]
    assert (rows[0].numerator, rows[0].denominator) == (174.0, 3200.0)
    assert rows[1].value == 54 / 1200 and rows[1].organisations == 2
    assert rows[2].value == 0.04 and rows[3].value == 0.08


def test_no_comparison_without_a_national_file_or_for_other_metrics():
    assert compare(_con(), "sickness_absence_rate", "2024-04") == []
    assert compare(_con(), "vacancy_rate", "2024-03") == []
