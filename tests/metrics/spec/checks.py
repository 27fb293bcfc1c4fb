"""Reading results in spec tests: ``table(results, metric)`` keyed by period and dimensions."""

from __future__ import annotations

from typing import Any

import pytest

from oneworkforce.metrics.results import MetricResult


def table(results: list[MetricResult], metric: str) -> dict[tuple[Any, ...], MetricResult]:
    """A metric's results keyed by ``(period, *dimension values)``."""
    out: dict[tuple[Any, ...], MetricResult] = {}
    for r in results:
        if r.metric == metric:
            key = (r.period, *r.dimensions.values())
            assert key not in out, f"two results for {metric} {key}"
            out[key] = r
    return out


def values(results: list[MetricResult], metric: str) -> dict[tuple[Any, ...], float | None]:
    return {k: r.value for k, r in table(results, metric).items()}


def assert_values(
    results: list[MetricResult], metric: str, expected: dict[tuple[Any, ...], float | None]
) -> None:
    """Exactly these results, values equal to 1e-9 (None where no value)."""
    got = values(results, metric)
    assert set(got) == set(expected), f"{metric}: got keys {sorted(got, key=str)}"
    for key, want in expected.items():
        if want is None:
            assert got[key] is None, f"{metric} {key}: {got[key]} is not None"
        else:
            assert got[key] == pytest.approx(want, rel=1e-9, abs=1e-12), f"{metric} {key}"
