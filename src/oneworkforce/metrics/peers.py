"""The ICS beside England and beside other ICSs, from NHS England's national files.

A national file (the sickness absence benchmarking CSV) carries every organisation of
England with its ICS. For a month, each organisation's figure is its published total where
it has one, else the sum of its staff groups (as in the ICS's own figures); organisations are
pooled by their ICS, and all of them for England. Rates are pooled (days lost over days
available), never a mean of rates. This ICS is the ICS code most of the register's partners
carry in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oneworkforce.data.reference import TOTAL_STAFF_GROUP

#: The metrics a comparison exists for, with the dataset and columns it pools.
COMPARABLE = {
    "sickness_absence_rate": ("sickness_absence", "fte_days_lost", "fte_days_available"),
}


@dataclass(frozen=True)
class Comparison:
    level: str  # england | ics
    code: str | None
    name: str
    own: bool  # this ICS
    organisations: int
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def compare(con: Any, metric: str, period: str) -> list[Comparison]:
    """England, this ICS, then the other ICSs by value, for ``period`` (``YYYY-MM``); empty
    when no national file covers the month."""
    if metric not in COMPARABLE:
        return []
    dataset, num, den = COMPARABLE[metric]
    rows = con.execute(
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
        ), own AS (
            SELECT o.ics_code FROM orgs o JOIN organisations r ON r.org_code = o.org_code
            WHERE r.partner GROUP BY o.ics_code ORDER BY count(*) DESC, o.ics_code LIMIT 1
        )
        SELECT ics_code, any_value(ics_name), count(*), sum(num), sum(den),
               coalesce(ics_code = (SELECT ics_code FROM own), false)
        FROM orgs GROUP BY ics_code ORDER BY ics_code
        """,
        [period],
    ).fetchall()
    if not rows:
        return []
    icss = [
        Comparison("ics", code, name or code, bool(own), int(n), float(a or 0), float(b or 0))
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
    )
    mine = [c for c in icss if c.own]
    others = sorted(
        (c for c in icss if not c.own), key=lambda c: (c.value is None, c.value or 0, c.name)
    )
    return [england, *mine, *others]
