"""The distributed engine: the same compiled plan, transpiled to Spark SQL, on PySpark.

PySpark is an optional extra (``oneworkforce[spark]``); it is imported only when a session is
first needed. The session is created lazily, ``local[*]`` unless told otherwise, and shared.
The datasets are temporary views of the same names; :func:`register_parquet` makes them from
the Parquet files the DuckDB engine reads, so nothing is exported by hand.

Run for its scale: each shared step is cached and built once, in order, before any metric
reads it (so its size is known and the small ones are broadcast in joins); the metric queries
are unioned into a few wide jobs (:data:`QUERIES_PER_JOB`) instead of one job each, because
every Spark job pays for planning, scheduling and a shuffle whatever its size; adaptive query
execution coalesces the shuffles of small steps; shuffle partitions follow the cores.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

from oneworkforce.metrics.compiler import COLUMNS_AFTER_DIMS, Query
from oneworkforce.metrics.engines.base import Database, SqlEngine

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

_SESSION: SparkSession | None = None
#: each step's and each batch of queries' time, at INFO (the benchmark reports them)
log = logging.getLogger(__name__)

DEFAULT_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    # Adaptive execution re-plans each stage on the sizes it finds: small shuffles are
    # coalesced into a few partitions and joins with a small side become broadcasts.
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    # The dimension relations (partner organisations, months, offsets, words) are kilobytes,
    # far under the 10 MB under which Spark broadcasts a join's side; once cached, their size
    # is known, so they are broadcast rather than shuffled. (A higher threshold broadcast the
    # per-person steps too and ran the driver out of memory at 200k staff.)
    "spark.sql.autoBroadcastJoinThreshold": str(10 * 2**20),
}
#: Metric queries run together in one Spark job (a union), at most this many at a time.
QUERIES_PER_JOB = 64


def local_cores(master: str) -> int | None:
    """The cores of a ``local``, ``local[N]`` or ``local[*]`` master; None for a cluster."""
    if master == "local":
        return 1
    if master.startswith("local[") and master.endswith("]"):
        count = master[len("local[") : -1].split(",")[0]
        return (os.cpu_count() or 1) if count == "*" else int(count)
    return None


def sized_config(master: str | None) -> dict[str, str]:
    """Settings that follow the machine: shuffle partitions twice the local cores (Spark's
    default of 200 suits a cluster, not two cores, where it spends most of its time
    scheduling empty tasks: the whole catalogue for 200k staff took 1,058 s with it). A
    cluster keeps Spark's defaults unless ``config`` says otherwise."""
    cores = local_cores(master) if master else None
    if cores is None:
        return {}
    return {
        "spark.sql.shuffle.partitions": str(2 * cores),
        "spark.default.parallelism": str(2 * cores),
    }


def session(
    master: str | None = "local[*]", config: Mapping[str, str] | None = None
) -> SparkSession:
    """The shared Spark session, created on first use. ``master=None`` takes the master
    ``spark-submit`` was given (or PySpark's own default)."""
    global _SESSION
    if _SESSION is None:
        from pyspark.sql import SparkSession

        # Python tasks (the planning model) run in this interpreter, whose environment has
        # oneworkforce, unless PYSPARK_PYTHON says otherwise (read when the session starts)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.appName("oneworkforce-metrics")
        if master is not None:
            builder = builder.master(master)
        settings = {**DEFAULT_CONFIG, **sized_config(master), **(config or {})}
        for key, value in settings.items():
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
        """Cache the step and build it now, once: the queries after it read the cached rows,
        and Spark knows its size when it chooses which side of a join to broadcast."""
        started = time.perf_counter()
        frame = self.spark.sql(sql).cache()
        rows = frame.count()
        frame.createOrReplaceTempView(name)
        self.cached[name] = frame
        log.info("step %s: %d rows in %.1f s", name, rows, time.perf_counter() - started)

    def fetch_queries(self, queries: Sequence[Query]) -> list[list[tuple[Any, ...]]]:
        """Every metric query's rows from a few wide jobs: up to :data:`QUERIES_PER_JOB`
        queries unioned into one, each row tagged with its query and padded to one shape."""
        answers: list[list[tuple[Any, ...]]] = [[] for _ in queries]
        for start in range(0, len(queries), QUERIES_PER_JOB):
            chunk = range(start, min(start + QUERIES_PER_JOB, len(queries)))
            width = max(len(queries[i].columns) for i in chunk)
            wide = None
            shapes: dict[int, tuple[int, bool]] = {}
            for i in chunk:
                frame, shapes[i] = _tagged(self.spark.sql(queries[i].sql), i, width)
                wide = frame if wide is None else wide.unionAll(frame)
            assert wide is not None
            started = time.perf_counter()
            collected = wide.collect()
            log.info(
                "queries %d-%d: %d rows in %.1f s",
                chunk[0],
                chunk[-1],
                len(collected),
                time.perf_counter() - started,
            )
            for row in collected:
                q, m, g, *rest = tuple(row)
                dims, has_suppressed = shapes[q]
                values = rest[width : width + 4]
                suppressed = (rest[width + 4],) if has_suppressed else ()
                answers[q].append((m, g, *rest[:dims], *values, *suppressed))
        return answers

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._collect(sql)]

    def fetch_dicts(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self._collect(sql)]

    def _collect(self, sql: str) -> list[Any]:
        started = time.perf_counter()
        rows = self.spark.sql(sql).collect()
        log.info("side query %.60s: %.1f s", sql, time.perf_counter() - started)
        return rows

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        frame = self.cached.pop(name, None)
        if frame is not None:
            frame.unpersist()


def _tagged(frame: DataFrame, index: int, width: int) -> tuple[DataFrame, tuple[int, bool]]:
    """A metric query's rows in the union's shape: ``q``, ``m``, ``g``, ``width`` dimension
    columns (text, NULL past the query's own), the four figures and ``suppressed``."""
    from pyspark.sql import functions as F

    names = frame.columns
    dims = len(names) - 2 - len(COLUMNS_AFTER_DIMS)
    has_suppressed = False
    if names[-1] == "suppressed":
        dims -= 1
        has_suppressed = True
    columns = [
        F.lit(index).alias("q"),
        F.col(f"`{names[0]}`").cast("bigint").alias("m"),
        F.col(f"`{names[1]}`").cast("bigint").alias("g"),
    ]
    columns += [
        (F.col(f"`{names[2 + k]}`") if k < dims else F.lit(None)).cast("string").alias(f"d{k}")
        for k in range(width)
    ]
    first = 2 + dims
    columns += [
        F.col(f"`{names[first + k]}`").cast(kind).alias(f"v{k}")
        for k, kind in enumerate(("double", "double", "bigint", "bigint"))
    ]
    suppressed = F.col("`suppressed`") if has_suppressed else F.lit(None)
    columns.append(suppressed.cast("bigint").alias("suppressed"))
    return frame.select(*columns), (dims, has_suppressed)


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
