"""The distributed engine: the same compiled plan, transpiled to Spark SQL, on PySpark.

PySpark is an optional extra (``oneworkforce[spark]``); it is imported only when a session is
first needed. The session is created lazily, ``local[*]`` unless told otherwise, and shared.
The datasets are temporary views of the same names; :func:`register_parquet` makes them from
the Parquet files the DuckDB engine reads, so nothing is exported by hand.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

from oneworkforce.metrics.engines.base import Database, SqlEngine

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

_SESSION: SparkSession | None = None

DEFAULT_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    # Spark's default of 200 shuffle partitions suits a cluster, not a few cores: on 2 cores
    # the whole catalogue by organisation for the small ICS took 251 s with it and 49 s with 4.
    # A cluster sets its own through ``config``.
    "spark.sql.shuffle.partitions": "4",
}


def session(master: str = "local[*]", config: Mapping[str, str] | None = None) -> SparkSession:
    """The shared Spark session, created on first use."""
    global _SESSION
    if _SESSION is None:
        from pyspark.sql import SparkSession

        # Python tasks (the planning model) run in this interpreter, whose environment has
        # oneworkforce, unless PYSPARK_PYTHON says otherwise (read when the session starts)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.master(master).appName("oneworkforce-metrics")
        for key, value in {**DEFAULT_CONFIG, **(config or {})}.items():
            builder = builder.config(key, value)
        _SESSION = builder.getOrCreate()
    return _SESSION


def stop_session() -> None:
    """Stop the shared session (the next :func:`session` starts a new one)."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None


def register_parquet(
    spark: SparkSession, tables: Mapping[str, str | PathLike[str] | list[str]]
) -> None:
    """Make each dataset a temporary view over its Parquet file(s) or folder."""
    for name, path in tables.items():
        paths = [str(p) for p in path] if isinstance(path, list) else [str(path)]
        spark.read.parquet(*paths).createOrReplaceTempView(name)


class SparkDatabase(Database):
    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.cached: dict[str, DataFrame] = {}

    def materialise(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.createOrReplaceTempView(name)
        self.cached[name] = frame

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(sql).collect()]

    def fetch_dicts(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.spark.sql(sql).collect()]

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        frame = self.cached.pop(name, None)
        if frame is not None:
            frame.unpersist()


class SparkEngine(SqlEngine):
    """``source`` is a SparkSession with the datasets as views, or None for the shared one."""

    name = "spark"
    dialect = "spark"

    def __init__(self, master: str = "local[*]", config: Mapping[str, str] | None = None) -> None:
        self.master = master
        self.config = dict(config or {})

    def database(self, source: Any) -> Database:
        if source is None:
            source = session(self.master, self.config)
        return SparkDatabase(source)
