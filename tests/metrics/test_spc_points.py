"""The SPC points of stored series, built column by column (metrics/spc_points.py): each run
of rows with the same series columns is one series, months missing inside it are missing
values, and figures SPC does not apply to get their values only. Expected figures are worked
out by hand in the comments."""

from datetime import UTC, datetime

import pyarrow as pa

from oneworkforce.metrics.catalogue import CATALOGUE
from oneworkforce.metrics.results_layout import DIMENSION_COLUMNS, SERIES_COLUMNS
from oneworkforce.metrics.spc_points import analyse_table, series_starts

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def table(rows):
    """Rows of (metric, org_code, period, value); every other dimension missing."""
    columns = {c: [] for c in (*SERIES_COLUMNS, "period", "value")}
    for metric, org, period, value in rows:
        for c in SERIES_COLUMNS:
            columns[c].append(None)
        columns["metric"][-1] = metric
        columns["org_code"][-1] = org
        columns["origin"][-1] = "computed"
        columns["period"].append(period)
        columns["value"].append(value)
    return pa.table(
        {
            **{c: pa.array(columns[c], pa.string()) for c in (*SERIES_COLUMNS, "period")},
            "value": pa.array(columns["value"], pa.float64()),
        }
    )


ROWS = table(
    [
        # the system's monthly rate, February missing
        ("sickness_absence_rate", None, "2024-01", 0.04),
        ("sickness_absence_rate", None, "2024-03", 0.06),
        # one trust's
        ("sickness_absence_rate", "RZA", "2024-01", 0.01),
        ("sickness_absence_rate", "RZA", "2024-02", 0.02),
        ("sickness_absence_rate", "RZA", "2024-03", 0.03),
        # the system's rolling 12-month rate: no SPC
        ("sickness_absence_rate_12m", None, "2024-01", 0.045),
        ("sickness_absence_rate_12m", None, "2024-02", 0.046),
    ]
)


def by_series(points):
    out = {}
    for p in points.to_pylist():
        out.setdefault((p["metric"], p["org_code"]), []).append(p)
    return out


def test_each_run_of_equal_series_columns_is_one_series_missing_dimensions_equal():
    assert series_starts(ROWS).tolist() == [0, 2, 5, 7]
    assert series_starts(ROWS.slice(0, 0)).tolist() == [0]


def test_a_missing_month_is_a_missing_value_and_breaks_the_moving_ranges():
    points, count = analyse_table(ROWS, CATALOGUE, NOW)
    assert count == 3
    system = by_series(points)["sickness_absence_rate", None]
    assert [p["period"] for p in system] == ["2024-01", "2024-02", "2024-03"]
    assert [p["index"] for p in system] == [0, 1, 2]
    assert [p["value"] for p in system] == [0.04, None, 0.06]
    # mean (0.04 + 0.06) / 2 = 0.05; the gap drops both moving ranges touching it, so no
    # moving range is left to set limits with (the gap is not bridged)
    assert all(p["mean"] == 0.05 for p in system)
    assert all(p["lpl"] is None and p["upl"] is None for p in system)
    assert system[1]["relative_to_mean"] is None and system[1]["rule"] == "Common Cause"
    assert all(p["trial_limits"] and p["computed_at"] == NOW for p in system)
    assert all(p[d] is None for p in system for d in DIMENSION_COLUMNS)


def test_a_series_gets_its_own_limits():
    trust = by_series(analyse_table(ROWS, CATALOGUE, NOW)[0])["sickness_absence_rate", "RZA"]
    # mean 0.02; moving ranges 0.01 and 0.01 (neither screened: both under 3.267 x 0.01), so
    # the limits are 0.02 -/+ 2.66 x 0.01
    assert [p["index"] for p in trust] == [0, 1, 2]
    assert {(p["mean"], p["lpl"], p["upl"]) for p in trust} == {(0.02, -0.0066, 0.0466)}
    assert [p["relative_to_mean"] for p in trust] == [-1, 0, 1]
    assert all(p["origin"] == "computed" and p["improvement"] == "decrease" for p in trust)


def test_a_rolling_figure_gets_its_values_only():
    rolling = by_series(analyse_table(ROWS, CATALOGUE, NOW)[0])["sickness_absence_rate_12m", None]
    assert [p["value"] for p in rolling] == [0.045, 0.046]
    assert all(
        p["mean"] is None
        and p["point_type"] is None
        and p["variation_icon"] is None
        and not p["special_cause_flag"]
        for p in rolling
    )


def test_no_rows_no_points():
    points, count = analyse_table(ROWS.slice(0, 0), CATALOGUE, NOW)
    assert (points.num_rows, count) == (0, 0)
