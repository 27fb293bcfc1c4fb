"""Reading the values people write in their grids: dates, money, phases, RAGs, interests.

Each parser takes the text as written and returns what it means, or ``None``/empty when it
cannot tell; the importer always keeps the text as written beside the value read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal

from dateutil import parser as dateparser

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})(?:\s*/\s*({_MONTH}))?\.?\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


def _month_number(name: str) -> int:
    return dateparser.parse(f"1 {name[:3]} 2000").month


def parse_date(text: str | None, *, end: bool = False) -> dt.date | None:
    """The first date in ``text``, read day first (UK): ``16.12.21``, ``22nd June 2022``,
    ``2022-06-22``. A month and year (``March 2016``, ``March/April 2016``) or a year alone is
    a period: its first day, or with ``end=True`` its last day (a due date "May 2016" means
    by the end of May)."""
    if not text:
        return None
    text = str(text)
    if m := _ISO.search(text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if m := _NUMERIC.search(text):
        try:
            return dateparser.parse(m[0].replace("-", ".").replace("/", "."), dayfirst=True).date()
        except (ValueError, OverflowError):
            return None
    if m := _DAY_MONTH_YEAR.search(text):
        try:
            return dateparser.parse(f"{m[1]} {m[2][:3]} {m[3]}", dayfirst=True).date()
        except (ValueError, OverflowError):
            return None
    if m := _MONTH_YEAR.search(text):
        month = _month_number(m[2] if (end and m[2]) else m[1])
        year = int(m[3])
        day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day)
    if m := _YEAR.search(text):
        year = int(m[1])
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    return None


_MONEY = re.compile(
    r"£\s*(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*[-–]\s*\d+(?:\.\d+)?)?\s*"
    r"(bn|billion|m|million|k|thousand)?(?![a-z])",
    re.IGNORECASE,
)
_SCALE = {
    "bn": 10**9,
    "billion": 10**9,
    "m": 10**6,
    "million": 10**6,
    "k": 10**3,
    "thousand": 10**3,
}


def parse_money(text: str | None) -> Decimal | None:
    """The first sum of money in ``text``: ``£80m recurrently`` is 80,000,000; of a range
    (``£80-100m``) the lower end, the prudent reading of an opportunity."""
    if not text:
        return None
    m = _MONEY.search(str(text))
    if not m:
        return None
    amount = Decimal(m[1].replace(",", ""))
    scale = _SCALE.get((m[2] or "").lower(), 1)
    return amount * scale


def money_kind(text: str | None) -> str | None:
    """Recurrent, non-recurrent or cost avoidance, when the text says so."""
    low = (text or "").lower()
    if "non-recurrent" in low or "non recurrent" in low:
        return "non_recurrent"
    if "recurrent" in low:
        return "recurrent"
    if "avoid" in low:
        return "cost_avoidance"
    return None


_PHASE_WORD = r"(planning|mobili[sz]ation|delivery|closed?)"


def parse_phase(text: str | None) -> str | None:
    """The delivery phase named in a status: "Mobilisation phase Steering Group established"
    is ``mobilisation``. A word followed by "phase" counts anywhere; otherwise only a status
    that starts with the phase word."""
    if not text:
        return None
    m = re.search(rf"\b{_PHASE_WORD}\s+phase\b", text, re.IGNORECASE) or re.match(
        rf"\s*{_PHASE_WORD}\b", text, re.IGNORECASE
    )
    if not m:
        return None
    word = m[1].lower()
    if word.startswith("mobili"):
        return "mobilisation"
    if word.startswith("close"):
        return "closed"
    return word


_RAG = {
    "r": "red",
    "red": "red",
    "a": "amber",
    "amber": "amber",
    "a r": "amber",
    "amber red": "amber",
    "a g": "amber",
    "amber green": "amber",
    "g": "green",
    "green": "green",
    "b": "blue",
    "blue": "blue",
    "complete": "blue",
    "completed": "blue",
}


def parse_rag(text: str | None) -> str:
    key = re.sub(r"[^a-z]+", " ", (text or "").lower()).strip()
    return _RAG.get(key, "")


def parse_int(text: str | None) -> int | None:
    if text is None:
        return None
    m = re.search(r"-?\d+", str(text))
    return int(m[0]) if m else None


_NONE = {"", "none", "none required", "nil", "n a", "na", "no", "not applicable", "nothing"}


def is_none(text: str | None) -> bool:
    return re.sub(r"[^a-z]+", " ", (text or "").lower()).strip() in _NONE


_ITEM = re.compile(r"(?:^|(?<=\s))\d{1,2}\.\s+(?=\S)")
_PERIOD = re.compile(r"\(([^()]*(?:\d{4}|ongoing)[^()]*)\)")


def parse_interests(text: str | None) -> list[dict]:
    """The interests in one category cell of a declarations register.

    Items are numbered ("1. ... 2. ..."); each may end with its period in brackets:
    ``(January 2014- March 2017)``, ``(May 2015 - ongoing)``, ``(2005 - 30th June 2022)``.
    "None" (and the like) means no interest.
    """
    if is_none(text):
        return []
    parts = [p.strip() for p in _ITEM.split(str(text)) if p.strip()]
    items = []
    for part in parts:
        start = end = None
        periods = _PERIOD.findall(part)
        if periods:
            span = re.split(r"\s*[-–]\s*", periods[-1], maxsplit=1)
            start = parse_date(span[0]) if len(span) == 2 else None
            tail = span[-1].lower()
            if "ongoing" not in tail and "date" not in tail and len(span) == 2:
                end = parse_date(span[1], end=True)
        items.append({"description": part, "start": start, "end": end})
    return items


def financial_year(day: dt.date | None) -> str:
    """The NHS financial year (April to March) of a date, as ``2022/23``."""
    if day is None:
        return ""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{str(first + 1)[-2:]}"
