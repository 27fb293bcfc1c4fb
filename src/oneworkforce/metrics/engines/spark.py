"""The distributed engine: the same compiled plan, transpiled to Spark SQL, on PySpark.

PySpark is an optional extra (``oneworkforce[spark]``); it is imported only when a session is
first needed. The session is created lazily, ``local[*]`` unless told otherwise, and shared.
The datasets are temporary views of the same names; :func:`register_parquet` makes them from
the Parquet files the DuckDB engine reads, so nothing is exported by hand.

Run for its scale: each shared step is built once, before any metric reads it (a large one
cached, a small one collected to the driver as a local relation: either way its size is
known and the small ones are broadcast in joins); steps and metric queries run a few at a
time from driver threads (:data:`QUERY_THREADS`), each once the steps it reads are built, as
most of their stages are a task or two on a few thousand rows and one's planning and
scheduling leave the cores to another; adaptive query execution coalesces the shuffles of
small steps; shuffle partitions follow the cores.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from os import PathLike
from typing import TYPE_CHECKING, Any

from oneworkforce.metrics.compiler import (
    MONTHS,
    OFFSETS,
    ORGS,
    PERIOD_BITS,
    ROWS_SUFFIX,
    SIP_ORGS,
    SUBMITTED,
    TARGET_WORDS,
    WORDS,
    Query,
    Step,
    reads,
)
from oneworkforce.metrics.engines.base import Database, Rows, SqlEngine

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
#: The steps of a few rows (partner organisations, months, offsets, words, which months each
#: organisation submitted): built on the driver as local relations rather than cached, as a
#: cached step costs a Spark job of its own to build and a scan of cached blocks to read.
SMALL_STEPS = frozenset(
    (ORGS, SIP_ORGS, MONTHS, OFFSETS, TARGET_WORDS, WORDS, PERIOD_BITS, SUBMITTED)
)
#: Steps and metric queries run at once, each from its own driver thread (a Spark job each).
QUERY_THREADS = 4


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
        """Build the step now, once: a small one (:data:`SMALL_STEPS`) is collected to the
        driver and becomes a local relation, which costs one small job and no cached blocks;
        a large one is cached. Either way the queries after it read its rows, and Spark knows
        its size when it chooses which side of a join to broadcast."""
        started = time.perf_counter()
        frame = self.spark.sql(sql)
        if name.endswith(ROWS_SUFFIX):
            # the columns of one aggregation's rows, picked from a cached step and joined to
            # the broadcast organisations: read inline by that aggregation alone, as a
            # cached copy costs a job of its own and a scan of its blocks (20.6 s of 245 s
            # for the national synthetic ICS, docs/benchmarks.md)
            frame.createOrReplaceTempView(name)
            log.info("step %s: a view, %.1f s", name, time.perf_counter() - started)
            return
        if name in SMALL_STEPS:
            # collected and made a LocalRelation inside the JVM: PySpark's createDataFrame
            # from Python rows would be an RDD of pickled rows, of unknown size to the planner
            jframe = frame._jdf
            collected = jframe.collectAsList()
            rows = collected.size()
            local = self.spark._jsparkSession.createDataFrame(collected, jframe.schema())
            local.createOrReplaceTempView(name)
        else:
            frame = frame.cache()
            rows = frame.count()
            self.cached[name] = frame
            frame.createOrReplaceTempView(name)
        log.info("step %s: %d rows in %.1f s", name, rows, time.perf_counter() - started)

    def answer(self, steps: Sequence[Step], queries: Sequence[Query]) -> list[Rows]:
        """The steps and the metric queries as one graph, :data:`QUERY_THREADS` of them at a
        time from driver threads, each started once the steps it reads are built (steps
        first, in plan order, then queries). Most of a step's or a query's stages are a
        task or two, and while one waits on its scheduling, planning or last task another
        uses the cores: the queries on sickness and temporary staffing, which read none of
        the person-level steps, run while those steps are built."""
        started = time.perf_counter()
        names = {step.name for step in steps}
        items: list[Step | Query] = [*steps, *queries]
        work = [(item, reads(item.sql, names)) for item in items]
        answers: dict[int, Rows] = {}
        built: set[str] = set()
        waiting = list(range(len(work)))
        running: dict[Future[Rows | None], int] = {}
        with ThreadPoolExecutor(QUERY_THREADS) as pool:
            while waiting or running:
                for i in [i for i in waiting if work[i][1] <= built]:
                    if len(running) == QUERY_THREADS:
                        break
                    waiting.remove(i)
                    running[pool.submit(self._do, work[i][0])] = i
                if not running:
                    raise ValueError(f"steps read but never built: {work[waiting[0]][1] - built}")
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = running.pop(future)
                    rows = future.result()  # a failure is raised here, and stops the rest
                    item = work[i][0]
                    if isinstance(item, Step):
                        built.add(item.name)
                    else:
                        answers[i - len(steps)] = rows or []
        log.info(
            "steps and queries: %d and %d in %.1f s, %d at a time",
            len(steps),
            len(queries),
            time.perf_counter() - started,
            QUERY_THREADS,
        )
        return [answers[i] for i in range(len(queries))]

    def _do(self, item: Step | Query) -> Rows | None:
        """Build a step, or run a metric query and give its rows."""
        if isinstance(item, Step):
            self.materialise(item.name, item.sql)
            return None
        began = time.perf_counter()
        rows = [tuple(row) for row in self.spark.sql(item.sql).collect()]
        log.info(
            "query %s %s: %d rows in %.1f s",
            item.metric,
            ",".join(item.dims) or "-",
            len(rows),
            time.perf_counter() - began,
        )
        return rows

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
