"""The date the registers are read as of on every page and in every pack.

Board content is dated from the data, never from the machine clock alone: the registers are
read as they stand when the board pack for the latest month of data is due (the last day of
the month after it), or today if that is earlier. A live system with last month's data reads
as of today; a demo or an archive whose data ended long ago reads as of its own data period,
so its actions, reviews and milestones are not all shown overdue.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

#: the metric whose system series says which months hold data (as the packs do)
PERIOD_METRIC = "staff_in_post_fte"


def pack_due(period: str) -> dt.date:
    """The day the pack for ``period`` (``YYYY-MM``) is due: the last day of the next month."""
    return dt.date.fromisoformat(f"{period}-01") + relativedelta(months=1, day=31)


def for_period(period: str | None, today: dt.date | None = None) -> dt.date:
    """The as-of date for data ending in ``period``: its pack's due date, or ``today`` (the
    machine's date by default) if that is earlier; today when there is no data yet."""
    today = today or timezone.localdate()
    return today if not period else min(today, pack_due(period))


def latest_period() -> str | None:
    """The latest month with system figures in the results store (None before any)."""
    from oneworkforce.web.dashboard import data

    rows = data.store().results(PERIOD_METRIC, "system")
    periods = [str(r["period"]) for r in rows if r.get("value") is not None]
    return max(periods) if periods else None


def board_date(today: dt.date | None = None) -> dt.date:
    """The date the registers are read as of now (see the module's docstring)."""
    return for_period(latest_period(), today)
