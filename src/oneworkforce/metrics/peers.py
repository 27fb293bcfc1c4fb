"""The ICS beside England and beside other ICSs, from NHS England's national files.

A national file (the sickness absence benchmarking CSV, the NHS Workforce Statistics staff in
post CSV) carries every organisation of England with its ICS. For a month, each
organisation's figure is its published total where it has one, else the sum of its staff
groups (as in the ICS's own figures); organisations are pooled by their ICS, and all of them
for England. Rates are pooled (days lost over days available), never a mean of rates. This
ICS is the ICS code most of the register's partners carry in the file.

Staff in post is compared as growth over twelve months, since ICSs differ in size: each
ICS's published total this month over the same organisations' total twelve months before,
minus one. Only organisations with a published total in both months count (like for like:
an organisation that opened or merged in the year is left out of both), and each is placed
in the ICS this month's file gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oneworkforce.data.reference import TOTAL_STAFF_GROUP

#: Metrics compared as pooled rates, with the dataset and columns pooled.
RATES = {
    "sickness_absence_rate": ("sickness_absence", "fte_days_lost", "fte_days_available"),
}
#: Metrics compared as growth over twelve months of the published total (its data type).
GROWTH = {"staff_in_post_fte": "fte", "staff_in_post_headcount": "headcount"}
#: Every metric a comparison exists for.
COMPARABLE = (*RATES, *GROWTH)


@dataclass(frozen=True)
class Comparison:
    level: str  # england | ics
    code: str | None
    name: str
    own: bool  # this ICS
    organisations: int
    numerator: float
    denominator: float
    growth: bool = False  # numerator this month, denominator twelve months before

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        ratio = self.numerator / self.denominator
        return ratio - 1 if self.growth else ratio


def title(metric: str, metric_title: str) -> str:
    """What the comparison of a metric shows."""
    return f"{metric_title}: growth over 12 months" if metric in GROWTH else metric_title


def explanation(metric: str) -> str:
    """How the comparison of a metric is worked out, in a sentence for its page."""
    if metric in GROWTH:
        return (
            "For each system, the published total this month over the total of the same "
            "organisations twelve months before; an organisation without a published total "
            "in both months is left out."
        )
    return "Pooled over the organisations of each system (their published totals where given)."


def unit(metric: str, metric_unit: str) -> str:
    return "fraction" if metric in GROWTH else metric_unit


def compare(con: Any, metric: str, period: str) -> list[Comparison]:
    """England, this ICS, then the other ICSs by value, for ``period`` (``YYYY-MM``); empty
    when no national file covers the month."""
    if metric in GROWTH:
        rows = _growth_rows(con, GROWTH[metric], period)
    elif metric in RATES:
        rows = _rate_rows(con, *RATES[metric], period)
    else:
        return []
    if not rows:
        return []
    growth = metric in GROWTH
    icss = [
        Comparison(
            "ics", code, name or code, bool(own), int(n), float(a or 0), float(b or 0), growth
        )
        for code, name, n, a, b, own in rows
    ]
    england = Comparison(
        "england",
        None,
        "England",
        False,
        sum(c.organisations for c in icss),
        sum(c.numerator for c in icss),
        sum(c.denominator for c in icss),
        growth,
    )
    mine = [c for c in icss if c.own]
    others = sorted(
        (c for c in icss if not c.own), key=lambda c: (c.value is None, c.value or 0, c.name)
    )
    return [england, *mine, *others]


_OWN_AND_POOLED = """
    own AS (
        SELECT o.ics_code FROM orgs o JOIN organisations r ON r.org_code = o.org_code
        WHERE r.partner GROUP BY o.ics_code ORDER BY count(*) DESC, o.ics_code LIMIT 1
    )
    SELECT ics_code, any_value(ics_name), count(*), sum(num), sum(den),
           coalesce(ics_code = (SELECT ics_code FROM own), false)
    FROM orgs GROUP BY ics_code ORDER BY ics_code
"""


def _growth_rows(con: Any, data_type: str, period: str) -> list[tuple[Any, ...]]:
    year, month = (int(p) for p in period.split("-"))
    before = f"{year - 1:04d}-{month:02d}"
    return con.execute(
        f"""
        WITH totals AS (
            SELECT org_code, strftime(period, '%Y-%m') AS month, ics_code, ics_name,
                   CAST(value AS DOUBLE) AS value
            FROM nws_staff_in_post
            WHERE staff_group = '{TOTAL_STAFF_GROUP}' AND data_type = ? AND value IS NOT NULL
              AND strftime(period, '%Y-%m') IN (?, ?)
        ), orgs AS (
            SELECT cur.org_code, cur.ics_code, cur.ics_name, cur.value AS num,
                   prev.value AS den
            FROM totals cur JOIN totals prev
              ON prev.org_code = cur.org_code AND prev.month = ?
            WHERE cur.month = ? AND cur.ics_code IS NOT NULL
        ), {_OWN_AND_POOLED}
        """,
        [data_type, period, before, before, period],
    ).fetchall()


def _rate_rows(con: Any, dataset: str, num: str, den: str, period: str) -> list[tuple[Any, ...]]:
    return con.execute(
        f"""
        WITH national AS (
            SELECT *, max(CASE WHEN staff_group = '{TOTAL_STAFF_GROUP}' THEN 1 ELSE 0 END)
                OVER (PARTITION BY org_code, period) AS has_total
            FROM "{dataset}" WHERE ics_code IS NOT NULL AND strftime(period, '%Y-%m') = ?
        ), orgs AS (
            SELECT org_code, any_value(ics_code) AS ics_code, any_value(ics_name) AS ics_name,
                   sum(CAST({num} AS DOUBLE)) AS num, sum(CAST({den} AS DOUBLE)) AS den
            FROM national
            WHERE CASE WHEN has_total = 1 THEN staff_group = '{TOTAL_STAFF_GROUP}' ELSE TRUE END
            GROUP BY org_code
        ), {_OWN_AND_POOLED}
        """,
        [period],
    ).fetchall()
