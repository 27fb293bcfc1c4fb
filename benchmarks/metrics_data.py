"""Data for ``metrics_engine.py``: synthetic ICS data loaded into real stores, once.

The national synthetic ICS (``generate(..., scale="national", seed=1)``) is written to
``benchmarks/out/data/national-seed1`` and loaded through the real importer into two data
directories, so the engines read the lake's DuckDB views exactly as in production:

- ``home-200k``: the first staff-in-post parts that together hold about 200,000 distinct
  people (parts 0 and 1: 199,284 people, 36 months), with the organisations register and the
  rows of every other dataset for the organisations in those parts;
- ``home-national``: all 25 parts (about 2.2 million people, 59 million rows, 57 million at
  partner organisations) and every dataset.

    python benchmarks/metrics_data.py [200k|national]...
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "data"
SOURCE = CACHE / "national-seed1"
RETURNS = (
    "sickness_absence",
    "establishment",
    "temporary_staffing",
    "workforce_plan",
    "aggregate",
)
TARGET_STAFF = 200_000


def source() -> Path:
    if not (SOURCE / "staff_in_post" / "part-0024.parquet").exists():
        from oneworkforce.data.synth import generate

        print("generating the national synthetic ICS (once, ~45 s) ...", file=sys.stderr)
        generate(SOURCE, scale="national", seed=1)
    return SOURCE


def parts_for(target: int = TARGET_STAFF) -> list[Path]:
    """The first parts whose distinct people add up to about ``target``."""
    import duckdb

    parts = sorted((source() / "staff_in_post").glob("part-*.parquet"))
    chosen: list[Path] = []
    con = duckdb.connect()
    for part in parts:
        people = con.execute(
            f"SELECT count(DISTINCT person_id) FROM read_parquet('{part}')"
        ).fetchone()[0]
        chosen.append(part)
        target -= people
        if target <= 1_000:  # within 0.5% of the target is "about"
            break
    return chosen


def home_path(scale: str) -> Path:
    return CACHE / f"home-{scale}"


def build_home(scale: str) -> Path:
    """Load the data of a scale into its data directory through the importer (once)."""
    home_dir = home_path(scale)
    done = home_dir / ".benchmark-loaded"
    if done.exists():
        return home_dir
    import shutil

    import duckdb

    os.environ.pop("DATABASE_URL", None)
    from oneworkforce import opstore
    from oneworkforce.config import Home
    from oneworkforce.data.importer import Importer

    shutil.rmtree(home_dir, ignore_errors=True)
    src = source()
    parts = (
        sorted((src / "staff_in_post").glob("part-*.parquet"))
        if scale == "national"
        else parts_for()
    )
    files: list[tuple[str, Path]] = []
    if scale == "national":
        files = [(name, src / f"{name}.csv") for name in RETURNS]
    else:
        # the other datasets' rows for the organisations of the chosen parts
        subset = CACHE / "subset-200k"
        subset.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        paths = ", ".join(f"'{p}'" for p in parts)
        con.execute(f"CREATE TABLE orgs AS SELECT DISTINCT org_code FROM read_parquet([{paths}])")
        for name in RETURNS:
            out = subset / f"{name}.csv"
            con.execute(
                f"COPY (SELECT * FROM read_csv('{src / name}.csv', all_varchar=true) "
                "WHERE org_code IN (SELECT org_code FROM orgs)) "
                f"TO '{out}' (HEADER)"
            )
            if sum(1 for _ in out.open()) > 1:  # area-level aggregate rows name no org
                files.append((name, out))
    home = Home.resolve(home_dir)
    opstore.setup(home)
    importer = Importer(home, submitted_by="benchmark")
    started = time.perf_counter()
    plan = [("organisations", src / "organisations.csv")]
    plan += [("staff_in_post", p) for p in parts] + files
    for dataset, path in plan:
        result = importer.import_file(dataset, path)
        if result.status != "accepted":
            raise SystemExit(f"{dataset} {path.name}: {result.status}: {result.report}")
        print(f"  {scale}: {dataset} {path.name} {result.rows} rows", file=sys.stderr)
    print(f"  {scale}: loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    done.write_text(",".join(p.name for p in parts))
    return home_dir


def connect(scale: str, threads: int | None = None):
    """A DuckDB connection on the lake's views of a loaded scale (as ``Lake.connect``)."""
    from oneworkforce.config import Home
    from oneworkforce.data.lake import Lake

    con = Lake(Home.resolve(build_home(scale))).connect(threads=threads)
    con.execute("SET enable_progress_bar = false")
    return con


def spark_session(master: str, memory: str = "8g"):
    """The shared Spark session of a benchmark's process, logging errors only."""
    from oneworkforce.metrics.engines.spark import session

    spark = session(master, {"spark.driver.memory": memory})
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_views(spark, scale: str) -> None:
    """A loaded scale's lake as Spark views, as the product makes them."""
    from oneworkforce.config import Home
    from oneworkforce.data.lake import Lake, register_spark_views

    register_spark_views(Lake(Home.resolve(home_path(scale))), spark)


def ensure(scale: str) -> Path:
    """Build a scale's data directory in a subprocess (Django's settings are per process)."""
    if not (home_path(scale) / ".benchmark-loaded").exists():
        import subprocess

        subprocess.run([sys.executable, __file__, scale], check=True)
    return home_path(scale)


if __name__ == "__main__":
    for name in sys.argv[1:] or ["200k", "national"]:
        ensure(name) if len(sys.argv) != 2 else build_home(name)
