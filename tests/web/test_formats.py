"""Dates, times and money as a board paper prints them (formats.py)."""

from __future__ import annotations

import datetime as dt

from oneworkforce.formats import day, money, month_name, when


def test_dates_and_times_read_as_a_board_paper():
    assert day("2026-11-29") == "29 Nov 2026"
    assert day(dt.date(2025, 3, 1)) == "1 Mar 2025"
    # 14:05 UTC on 29 November is 14:05 in London (GMT); in July it is BST, an hour on
    assert when("2026-11-29T14:05:09.123+00:00") == "29 Nov 2026 14:05"
    assert when(dt.datetime(2025, 7, 1, 9, 30, tzinfo=dt.UTC)) == "1 Jul 2025 10:30"
    assert month_name("2025-03") == "March 2025"
    assert day(None) == "" and when("") == ""


def test_money_in_tables_and_summaries():
    assert money(80000000.04) == "£80,000,000"  # no float noise
    assert money(80000000.04, short=True) == "£80.0m"
    assert money(1_250_000, short=True) == "£1.3m"  # 1.25 rounds half up to 1.3
    assert money(250_400, short=True) == "£250k"
    assert money(-1234.5) == "-£1,235"  # 1234.5 rounds half up to 1235
    assert money(None) == "–"


def test_money_never_fails_on_a_huge_or_missing_amount():
    # 3e29 has 30 digits, more than Decimal's default 28: still whole pounds, no error
    assert money(3e29) == "£300,000,000,000,000,000,000,000,000,000"
    assert money(float("nan")) == "–"


def test_the_audit_trail_writes_recorded_timestamps_as_people_read_them():
    from oneworkforce.web.templatetags.owf import timestamps_read

    # 22:21 UTC on 29 November is 22:21 in London (GMT in winter); 14:05 UTC on 1 July is
    # 15:05 in London (BST, UTC+1)
    changes = {"created_at": "2026-11-29T22:21:54.123456+00:00", "at": "2026-07-01T14:05:00Z"}
    text = timestamps_read(changes)
    assert "29 Nov 2026 22:21" in text and "1 Jul 2026 15:05" in text
    assert "T22:21" not in text and "T14:05" not in text
