"""The whole catalogue on Spark as one job: what ``spark-submit`` runs on a cluster.

It reads a data directory's lake (the current slices, as every engine does), computes every
metric for each split the results store keeps (or those given) and writes the results to one
Parquet file. Locally::

    python -m oneworkforce.metrics.spark_job --master 'local[2]' --data DIR --out results.parquet

On a cluster, the same module is the application (``--master`` left out: spark-submit's
applies) and the data directory is on storage mounted at the same path on every node; see
docs/spark.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oneworkforce.metrics.results import MetricResult
from oneworkforce.metrics.results_layout import DIMENSION_COLUMNS, RESULTS_SCHEMA

SYSTEM = "system"
#: Columns of the results store that say where and when it stored a figure, not the figure.
STORE_ONLY = ("origin", "contributors", "contributor_count", "computed_at", "data_version")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="oneworkforce.metrics.spark_job", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", required=True, help="the data directory (holds lake/)")
    parser.add_argument("--out", required=True, help="the Parquet file of results to write")
    parser.add_argument(
        "--by",
        action="append",
        help="a split: 'system' or dimensions joined by commas (repeat for more); "
        "default: every split the results store keeps",
    )
    parser.add_argument("--metric", help="metric codes, comma-separated; default: all")
    parser.add_argument("--from", dest="first", help="first month, YYYY-MM (with --to)")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM (with --from)")
    parser.add_argument(
        "--master", help="e.g. local[2]; leave out under spark-submit, whose --master applies"
    )
    parser.add_argument(
        "--conf", action="append", default=[], help="a Spark setting KEY=VALUE (repeatable)"
    )
    args = parser.parse_args(argv)
    if bool(args.first) != bool(args.last):
        parser.error("--from and --to go together")
    return args


def splits_of(by: Sequence[str] | None) -> list[tuple[str, tuple[str, ...]]]:
    """(name, dimensions) of each split asked for, or of every split the store keeps."""
    if not by:
        from oneworkforce.metrics.impact import SPLITS

        return [(s.name, tuple(s.by)) for s in SPLITS]
    out = []
    for text in by:
        dims = tuple(d.strip() for d in text.split(",") if d.strip() and d.strip() != SYSTEM)
        out.append(("_".join(dims) or SYSTEM, dims))
    return out


def result_rows(split: str, results: Sequence[MetricResult]) -> list[dict[str, Any]]:
    """The results in the store's layout (one column per dimension), with their split."""
    rows = []
    for r in results:
        unknown = set(r.dimensions) - set(DIMENSION_COLUMNS)
        if unknown:
            raise ValueError(f"{r.metric}: dimension {sorted(unknown)[0]!r} is not stored")
        row = {"split": split, **r.to_dict(), "sources": list(r.sources)}
        rows.append(row | {d: r.dimensions.get(d) for d in DIMENSION_COLUMNS})
    return rows


def write_results(path: Path, rows: list[dict[str, Any]]) -> None:
    """One Parquet file: the results store's columns (less its bookkeeping) and ``split``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kept = [f for f in RESULTS_SCHEMA if f.name not in STORE_ONLY]
    schema = pa.schema([pa.field("split", pa.string()), *kept])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from oneworkforce.config import Home
    from oneworkforce.data.lake import Lake, register_spark_views
    from oneworkforce.metrics.compiler import read_window
    from oneworkforce.metrics.engines.spark import SparkEngine, session
    from oneworkforce.metrics.periods import month_range

    periods = month_range(args.first, args.last) if args.first else None
    codes = [c.strip() for c in args.metric.split(",")] if args.metric else None
    splits = splits_of(args.by)
    config = dict(item.split("=", 1) for item in args.conf)
    spark = session(args.master, config)
    started = time.perf_counter()
    lake = Lake(Home.resolve(args.data))
    register_spark_views(lake, spark, read_window(periods))
    computed = SparkEngine().compute_many(spark, [by for _, by in splits], codes, periods)
    rows = [
        row
        for (name, _), results in zip(splits, computed, strict=True)
        for row in result_rows(name, results)
    ]
    write_results(Path(args.out), rows)
    seconds = time.perf_counter() - started
    print(f"{len(rows)} results for {len(splits)} split(s) in {seconds:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
