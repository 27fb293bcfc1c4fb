"""Months as integers, and the months a window covers.

A month is held as ``year * 12 + month - 1`` (so ``p - 12`` is the same month a year before)
and shown as ``YYYY-MM``. The financial year starts in April (§5: financial-year-to-date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from oneworkforce.metrics.definitions import PersonFlow, TableMeasure, Window

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
APRIL = 3  # month-of-year index, January = 0


def month_index(period: str | date) -> int:
    """``'2024-03'`` (or a date in that month) as a month index."""
    if isinstance(period, date):
        return period.year * 12 + period.month - 1
    match = _PERIOD.match(period.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"a period is written YYYY-MM, not {period!r}")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


@lru_cache(maxsize=1024)
def period_label(m: int) -> str:
    """A month index as ``YYYY-MM`` (kept: a rebuild labels 230,000 figures and their SPC
    points, over a few dozen months)."""
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def first_day(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive, as ``YYYY-MM``."""
    first, last = month_index(start), month_index(end)
    if last < first:
        raise ValueError(f"{end} is before {start}")
    return [period_label(m) for m in range(first, last + 1)]


def financial_year_start(m: int) -> int:
    """The April that starts the financial year containing month ``m``."""
    return m - (m % 12 - APRIL) % 12


def window_months(window: Window, m: int, lag: int = 0) -> range:
    """The data months feeding a result for month ``m`` (shifted ``lag`` months back)."""
    if window == "rolling_12m":
        first = m - 11
    elif window == "fytd":
        first = financial_year_start(m)
    else:
        first = m
    return range(first - lag, m - lag + 1)


def expected_months(window: Window, m: int) -> int:
    """How many months a complete window has (quality is ``partial`` below that)."""
    return len(window_months(window, m))


def source_months(window: Window, measure: object, m: int) -> tuple[int, ...]:
    """Every month whose submissions feed a result: both ends of a flow, all of a window."""
    if isinstance(measure, PersonFlow):
        return (m - measure.months, m)
    months = set(window_months(window, m))
    if isinstance(measure, TableMeasure):
        for total in (measure.numerator, measure.denominator):
            if total is not None:
                months.update(window_months(window, m, total.lag_months))
    return tuple(sorted(months))
