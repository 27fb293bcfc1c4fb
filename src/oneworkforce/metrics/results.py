"""Results: one :class:`MetricResult` per metric, period and group, the same from every engine.

Engines return :class:`RawRow` (numerator and denominator per group); :func:`finish` derives
the value, quality and sources the same way whichever engine computed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from oneworkforce.metrics.definitions import Metric, TableMeasure
from oneworkforce.metrics.periods import expected_months, period_label
from oneworkforce.metrics.provenance import Provenance


class RawRow(NamedTuple):
    """An engine's answer for one metric, month and group (a named tuple: engines make one
    for every figure, 230,000 in a rebuild of the ics demo, and a frozen dataclass took
    several times as long to make)."""

    metric: str
    m: int
    dimensions: tuple[tuple[str, str | None], ...]
    numerator: float | None
    denominator: float | None
    numerator_months: int | None = None  # months of data in a windowed numerator
    denominator_months: int | None = None
    suppressed: int | None = None  # published cells behind the figure that were suppressed


#: The keys of a result's JSON around its dimensions, in order; ``note`` only when there is one.
LEADING_FIELDS = ("metric", "period")
VALUE_FIELDS = ("value", "numerator", "denominator", "unit", "basis", "quality", "sources")
OPTIONAL_FIELDS = ("note",)


@dataclass(frozen=True)
class MetricResult:
    """One figure: rates as fractions; ``value`` is None where the denominator is 0 or data is
    missing. ``basis`` is the metric's basis, or how an aggregate figure was measured."""

    metric: str
    period: str
    dimensions: dict[str, str | None]
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    basis: str
    quality: str
    sources: tuple[str, ...] = ()
    note: str | None = None
    #: for a segment group, whether the figure is an area-wide one or the providers' own
    #: (``sources.COVERAGE_AREA`` / ``COVERAGE_PROVIDERS``); None for other splits
    coverage: str | None = None
    key: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the CLI: one key per dimension asked for (none at system level)."""
        out: dict[str, Any] = {"metric": self.metric, "period": self.period}
        out.update(self.dimensions)
        out.update({name: getattr(self, name) for name in VALUE_FIELDS})
        out["sources"] = list(self.sources)
        if self.note:
            out["note"] = self.note
        return out


def for_group(
    by: Sequence[str],
    metric: str,
    m: int,
    group: tuple[Any, ...],
    position: int,
    *,
    rank: tuple[Any, ...] = (),
    **values: Any,
) -> MetricResult:
    """A result for one group of a request: the metric, its month ``m``, the group's values of
    the request's dimensions ``by``, and its place in the order of results (the metric's
    ``position`` in the request, the month, the group, then ``rank``)."""
    return MetricResult(
        metric=metric,
        period=period_label(m),
        dimensions=dict(zip(by, group, strict=True)),
        key=(position, m, tuple("" if v is None else v for v in group), *rank),
        **values,
    )


def combine(metric: Metric, numerator: float | None, denominator: float | None) -> float | None:
    """The value from numerator and denominator (see :class:`Metric`)."""
    if metric.combine == "amount":
        return numerator
    if numerator is None or denominator is None:
        return None
    if metric.combine == "difference":
        return numerator - denominator
    if denominator == 0:
        return None
    if metric.combine == "ratio":
        return numerator / denominator
    return (numerator - denominator) / denominator


#: The quality of a figure some of whose published cells were suppressed: an organisation's
#: figure then comes from its published total, and a staff group's leaves the cell out.
PARTLY_SUPPRESSED = "partly_suppressed"


def quality(metric: Metric, row: RawRow) -> str:
    """``partial`` when a windowed sum lacks months of data; ``partly_suppressed`` when a
    published cell behind it was suppressed; else ``actual``."""
    if row.suppressed:
        return PARTLY_SUPPRESSED
    if not isinstance(metric.measure, TableMeasure) or metric.window == "month":
        return "actual"
    full = expected_months(metric.window, row.m)
    months = [n for n in (row.numerator_months, row.denominator_months) if n is not None]
    return "partial" if any(n < full for n in months) else "actual"


def finish(
    metrics: Iterable[Metric], rows: Iterable[RawRow], provenance: Provenance
) -> list[MetricResult]:
    """Turn raw rows into results, in catalogue order, then by period and dimensions."""
    by_code: Mapping[str, Metric] = {m.code: m for m in metrics}
    order = {code: i for i, code in enumerate(by_code)}
    results = []
    for row in rows:
        metric = by_code[row.metric]
        dims = dict(row.dimensions)
        denominator = None if metric.combine == "amount" else row.denominator
        results.append(
            MetricResult(
                metric=metric.code,
                period=period_label(row.m),
                dimensions=dims,
                value=combine(metric, row.numerator, row.denominator),
                numerator=row.numerator,
                denominator=denominator,
                unit=metric.unit,
                basis=metric.basis,
                quality=quality(metric, row),
                sources=provenance.sources(metric, row.m, dims),
                key=(
                    order[metric.code],
                    row.m,
                    tuple("" if v is None else v for v in dims.values()),
                ),
            )
        )
    return results


def in_order(results: Iterable[MetricResult]) -> list[MetricResult]:
    return sorted(results, key=lambda r: r.key)
