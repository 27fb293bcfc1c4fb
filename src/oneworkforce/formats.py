"""How dates, times and money read on every page and in every pack: ``29 Nov 2026``,
``29 Nov 2026 14:05`` (UK time), ``£80,000,000`` in tables and ``£80.0m`` in summaries.
One place, so a page never shows a raw ISO timestamp or an unformatted amount."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def _parse(value) -> dt.date | dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def day(value) -> str:
    """``29 Nov 2026`` ('' for nothing; text that is not a date is returned as it is)."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is not None:
        parsed = parsed.astimezone(UK)
    return f"{parsed.day} {parsed:%b %Y}"


def when(value) -> str:
    """``29 Nov 2026 14:05`` in UK time (a naive time is taken as UTC)."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    if not isinstance(parsed, dt.datetime):
        return day(parsed)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    local = parsed.astimezone(UK)
    return f"{local.day} {local:%b %Y %H:%M}"


def month_name(period: str | None) -> str:
    """``2025-03`` as ``March 2025``."""
    if not period:
        return ""
    try:
        return dt.date.fromisoformat(f"{period}-01").strftime("%B %Y")
    except ValueError:
        return str(period)


def pounds(value) -> Decimal | None:
    """An amount rounded to whole pounds (half up), so no float noise reaches a cell."""
    if value is None or value == "":
        return None
    amount = Decimal(str(value))
    if not amount.is_finite():
        return None
    # enough digits for any amount (the default context keeps 28 and refuses more)
    wide = Context(prec=max(28, amount.adjusted() + 2))
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP, context=wide)


def money(value, *, short: bool = False) -> str:
    """``£80,000,000``; with ``short``, ``£80.0m`` (``£250k`` under a million)."""
    amount = pounds(value)
    if amount is None:
        return "–"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if not short:
        return f"{sign}£{amount:,.0f}"
    if amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{sign}£{millions:,}m"
    if amount >= 1_000:
        thousands = (amount / 1_000).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return f"{sign}£{thousands:,}k"
    return f"{sign}£{amount:,.0f}"
