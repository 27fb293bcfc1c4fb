"""The metric catalogue and the engines that compute it.

Call :func:`compute` (or an engine from :func:`get_engine`) with a source holding the current
accepted data; see ``catalogue.py`` for the metrics and ``definitions.py`` for what a
definition says. Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.definitions import Metric, Target
from oneworkforce.metrics.engines import ENGINES, get_engine
from oneworkforce.metrics.periods import month_range
from oneworkforce.metrics.request import DIMENSIONS
from oneworkforce.metrics.results import MetricResult


def compute(
    source: Any,
    metrics: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    by: Sequence[str] = (),
    engine: str = "duckdb",
    catalogue: Catalogue = CATALOGUE,
) -> list[MetricResult]:
    """Compute metrics (all by default) for periods (``YYYY-MM``; all with data by default),
    split by dimensions (``DIMENSIONS``; none is the system)."""
    return get_engine(engine).compute(source, metrics, periods, by, catalogue)


__all__ = [
    "CATALOGUE",
    "DIMENSIONS",
    "ENGINES",
    "Catalogue",
    "Metric",
    "MetricResult",
    "Target",
    "compute",
    "get_engine",
    "month_range",
]
