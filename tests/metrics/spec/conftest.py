"""The ``engine`` fixture: every spec test runs on the reference engine, DuckDB and Spark.

Spark tests are marked ``spark`` (skip them with ``-m "not spark"``); the JVM starts only
when the first one runs, once per test session, with one shuffle partition and no UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from oneworkforce.metrics.engines import get_engine
from oneworkforce.metrics.results import MetricResult

from .tables import to_parquet

Compute = Callable[..., list[MetricResult]]


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from oneworkforce.metrics.engines import spark

    scratch = tmp_path_factory.mktemp("spark")
    session = spark.session(
        master="local[1]",
        config={
            "spark.sql.shuffle.partitions": "1",
            "spark.default.parallelism": "1",
            "spark.sql.adaptive.enabled": "false",
            "spark.ui.enabled": "false",
            "spark.sql.warehouse.dir": str(scratch / "warehouse"),
            "spark.driver.extraJavaOptions": f"-Djava.io.tmpdir={scratch}",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    spark.stop_session()


def _spark_compute(session: Any, scratch: Path) -> Compute:
    from oneworkforce.metrics.engines.spark import SparkEngine, register_parquet

    def compute(
        con: duckdb.DuckDBPyConnection,
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        by: Sequence[str] = (),
    ) -> list[MetricResult]:
        register_parquet(session, to_parquet(con, scratch))
        return SparkEngine().compute(session, metrics, periods, by)

    return compute


@pytest.fixture(params=["reference", "duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Compute:
    """``engine(con, metrics, periods, by)`` on the engine of this parametrisation."""
    if request.param == "spark":
        return _spark_compute(request.getfixturevalue("spark_session"), tmp_path / "lake")
    return get_engine(request.param).compute
