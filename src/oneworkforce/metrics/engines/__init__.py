"""Engines that compute the catalogue: ``duckdb`` (default), ``spark`` and ``reference``."""

from __future__ import annotations

from typing import Any

from oneworkforce.metrics.engines.base import Engine

ENGINES = ("duckdb", "spark", "reference")


def get_engine(name: str = "duckdb", **options: Any) -> Engine:
    """An engine by name; Spark and its JVM are only loaded when asked for."""
    if name == "duckdb":
        from oneworkforce.metrics.engines.duckdb import DuckDBEngine

        return DuckDBEngine()
    if name == "spark":
        from oneworkforce.metrics.engines.spark import SparkEngine

        return SparkEngine(**options)
    if name == "reference":
        from oneworkforce.metrics.engines.reference import ReferenceEngine

        return ReferenceEngine()
    raise ValueError(f"unknown engine {name!r}; use {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "get_engine"]
