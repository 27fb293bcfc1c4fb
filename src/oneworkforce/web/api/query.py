"""The metrics query: the ``oneworkforce metrics`` options as query parameters.

The OpenAPI schema is the contract: every value the schema allows is answered (200), and
what it does not allow is refused (422) before this module sees it. So ``metric`` is one or
more catalogue codes, ``period``, ``from`` and ``to`` are months (``YYYY-MM``), ``by`` one of
the stored splits (:data:`oneworkforce.metrics.impact.SPLITS`). Together they select:

* the months: ``period`` is one month; ``from`` and ``to`` bound a range, either may be left
  open; given together, a row must satisfy every bound (so ``period`` outside ``from``-``to``,
  or ``from`` after ``to``, selects nothing);
* the split: the stored results of that split; a metric that is not split that way has no
  rows in it (``GET catalogue`` says which splits each metric has).
"""

from __future__ import annotations

from dataclasses import dataclass

from oneworkforce.metrics.impact import SPLITS, Split


class QueryError(ValueError):
    """A query parameter that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class MetricsQuery:
    codes: list[str] | None  # None: the whole catalogue
    first: str | None  # the first month wanted (YYYY-MM), None: open
    last: str | None  # the last month wanted, None: open
    split: Split

    def wants(self, period: str) -> bool:
        return (self.first is None or period >= self.first) and (
            self.last is None or period <= self.last
        )


def split_list(value: str | None) -> list[str] | None:
    """``a,b`` as a list (as the CLI splits its comma-separated options)."""
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def split_for(by: str | None) -> Split:
    wanted = set(split_list(by) or []) - {"system"}
    for split in SPLITS:
        if set(split.by) == wanted:
            return split
    offered = "; ".join(",".join(s.by) or "system" for s in SPLITS)
    raise QueryError(f"by={by} is not a stored split; use one of: {offered}")


def parse(
    metric: str | None, period: str | None, from_: str | None, to: str | None, by: str | None
) -> MetricsQuery:
    """The query of parameters the schema has already checked (months are ``YYYY-MM``)."""
    lower = [m for m in (period, from_) if m]
    upper = [m for m in (period, to) if m]
    return MetricsQuery(
        split_list(metric) or None,
        max(lower) if lower else None,
        min(upper) if upper else None,
        split_for(by),
    )
