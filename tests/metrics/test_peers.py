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


def _published() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE organisations AS SELECT * FROM (VALUES ('A', true), ('B', true)) "
        "t(org_code, partner)"
    )
    con.execute(
        "CREATE TABLE nws_staff_in_post AS SELECT CAST(period AS DATE) AS period, * "
        "EXCLUDE (period) FROM (VALUES "
        # this ICS (QA): A and B, a year apart
        "('2024-03-01', 'A', 'QA', 'Home ICS', 'all_staff_groups', 'fte', 1000.0),"
        "('2025-03-01', 'A', 'QA', 'Home ICS', 'all_staff_groups', 'fte', 1100.0),"
        "('2024-03-01', 'B', 'QA', 'Home ICS', 'all_staff_groups', 'fte', 500.0),"
        "('2025-03-01', 'B', 'QA', 'Home ICS', 'all_staff_groups', 'fte', 480.0),"
        # a staff group row and a headcount row: not the FTE total
        "('2025-03-01', 'A', 'QA', 'Home ICS', 'midwives', 'fte', 90.0),"
        "('2025-03-01', 'A', 'QA', 'Home ICS', 'all_staff_groups', 'headcount', 1300.0),"
        # peers in two other ICSs: X and Y (QX); Z (QY), and W (QY) opened this year
        "('2024-03-01', 'X', 'QX', 'Other ICS', 'all_staff_groups', 'fte', 2000.0),"
        "('2025-03-01', 'X', 'QX', 'Other ICS', 'all_staff_groups', 'fte', 2100.0),"
        "('2024-03-01', 'Y', 'QX', 'Other ICS', 'all_staff_groups', 'fte', 1000.0),"
        "('2025-03-01', 'Y', 'QX', 'Other ICS', 'all_staff_groups', 'fte', 1000.0),"
        "('2024-03-01', 'Z', 'QY', 'Third ICS', 'all_staff_groups', 'fte', 400.0),"
        "('2025-03-01', 'Z', 'QY', 'Third ICS', 'all_staff_groups', 'fte', 380.0),"
        "('2025-03-01', 'W', 'QY', 'Third ICS', 'all_staff_groups', 'fte', 250.0),"
        # a suppressed total a year before: the organisation cannot be compared
        "('2024-03-01', 'V', 'QY', 'Third ICS', 'all_staff_groups', 'fte', NULL),"
        "('2025-03-01', 'V', 'QY', 'Third ICS', 'all_staff_groups', 'fte', 70.0)"
        ") t(period, org_code, ics_code, ics_name, staff_group, data_type, value)"
    )
    return con


def test_staff_in_post_growth_beside_england_and_two_other_icss():
    rows = compare(_published(), "staff_in_post_fte", "2025-03")
    # this ICS (QA): (1100 + 480) / (1000 + 500) - 1 = 1580 / 1500 - 1 = 0.05333...
    # QX: (2100 + 1000) / (2000 + 1000) - 1 = 3100 / 3000 - 1 = 0.03333...
    # QY: Z only (W has no total a year before, V's is suppressed): 380 / 400 - 1 = -0.05
    # England: (1580 + 3100 + 380) / (1500 + 3000 + 400) - 1 = 5060 / 4900 - 1 = 0.03265...
    assert [(r.code, r.own, r.organisations) for r in rows] == [
        (None, False, 5),
        ("QA", True, 2),
        ("QY", False, 1),  # others by value: -5% before +3.3%
        ("QX", False, 2),
    ]
    assert [(r.numerator, r.denominator) for r in rows] == [
        (5060.0, 4900.0),
        (1580.0, 1500.0),
        (380.0, 400.0),
        (3100.0, 3000.0),
    ]
    assert rows[1].value == 1580 / 1500 - 1
    assert rows[2].value == 380 / 400 - 1


def test_headcount_growth_needs_headcount_in_both_months():
    # A has a headcount total only this month: nothing to compare it with
    assert compare(_published(), "staff_in_post_headcount", "2025-03") == []
