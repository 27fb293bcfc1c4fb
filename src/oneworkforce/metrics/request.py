"""What a caller asks for: metrics, periods and dimensions, checked once for every engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.definitions import Metric
from oneworkforce.metrics.periods import month_index

#: The dimensions results can be split by (any of them together; ``system`` is no split).
#: ``place`` and ``segment`` come from the ``organisations`` register; ``staff_category`` is
#: the cross-sector level every staff group rolls up to (``staff_groups.csv``).
DIMENSIONS = ("system", "place", "segment", "org_code", "staff_group", "staff_category", "band")


@dataclass(frozen=True)
class Request:
    metrics: tuple[Metric, ...]
    months: tuple[int, ...] | None  # None: every month with data
    by: tuple[str, ...]  # in DIMENSIONS order, without "system"

    @classmethod
    def build(
        cls,
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        by: Sequence[str] = (),
        catalogue: Catalogue = CATALOGUE,
    ) -> Request:
        unknown = [d for d in by if d not in DIMENSIONS]
        if unknown:
            raise ValueError(f"unknown dimension {unknown[0]!r}; use {', '.join(DIMENSIONS)}")
        dims = tuple(d for d in DIMENSIONS if d in by and d != "system")
        selected = catalogue.select(metrics)
        unsupported = [m.code for m in selected if not set(dims) <= set(m.dimensions)]
        if unsupported and metrics is not None:
            raise ValueError(f"{unsupported[0]} cannot be split by {', '.join(dims)}")
        months = None if periods is None else tuple(sorted({month_index(p) for p in periods}))
        return cls(tuple(m for m in selected if m.code not in unsupported), months, dims)

    @property
    def org_dims(self) -> tuple[str, ...]:
        return tuple(d for d in self.by if d in ("place", "segment", "org_code"))

    @property
    def person_dims(self) -> tuple[str, ...]:
        return tuple(d for d in self.by if d in ("staff_group", "staff_category", "band"))

    def output_dims(self, metric: Metric) -> tuple[str, ...]:
        """The dimension keys of a metric's results: those asked for plus intrinsic splits."""
        return self.by + metric.split_dimensions
