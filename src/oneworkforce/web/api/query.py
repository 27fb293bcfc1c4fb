"""The metrics query: the ``oneworkforce metrics`` options as query parameters.

``metric``, ``period``, ``from``, ``to`` and ``by`` mean what they mean on the command line
and are checked with the same helpers (:func:`oneworkforce.metrics.month_range`,
:class:`oneworkforce.metrics.request.Request`), with the same messages. The API reads the
stored results, so ``by`` must name one of the stored splits
(:data:`oneworkforce.metrics.impact.SPLITS`); ``band`` is computed on the command line only.
"""

from __future__ import annotations

from dataclasses import dataclass

from oneworkforce.metrics import CATALOGUE, month_range
from oneworkforce.metrics.impact import SPLITS, Split
from oneworkforce.metrics.request import Request


class QueryError(ValueError):
    """A query parameter that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class MetricsQuery:
    codes: list[str] | None  # None: the whole catalogue
    periods: list[str] | None  # None: every stored period
    split: Split


def split_list(value: str | None) -> list[str] | None:
    """``a,b`` as a list (as the CLI splits its comma-separated options)."""
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def split_for(dims: list[str]) -> Split:
    wanted = set(dims) - {"system"}
    for split in SPLITS:
        if set(split.by) == wanted:
            return split
    offered = "; ".join(",".join(s.by) or "system" for s in SPLITS)
    raise QueryError(
        f"by={','.join(dims)} is not a stored split; use one of: {offered} "
        "(other splits: the oneworkforce metrics command)"
    )


def parse(
    metric: str | None, period: str | None, from_: str | None, to: str | None, by: str | None
) -> MetricsQuery:
    codes = split_list(metric)
    unknown = [c for c in codes or [] if c not in CATALOGUE]
    if unknown:
        raise QueryError(f"unknown metric '{unknown[0]}'; GET catalogue lists them")
    if period and (from_ or to):
        raise QueryError("give period, or from and to, not both")
    if bool(from_) != bool(to):
        raise QueryError("from and to go together")
    try:
        periods = [period] if period else (month_range(from_, to) if from_ and to else None)
        if periods:
            month_range(periods[0], periods[-1])  # checks the spelling
        dims = split_list(by) or []
        Request.build(codes, periods, dims)  # unknown dimensions, metrics that cannot split
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    return MetricsQuery(codes, periods, split_for(dims))
