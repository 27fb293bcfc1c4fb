"""Benchmark: the whole catalogue on Spark ``local[2]`` against DuckDB, same data, same
figures (issue 12, item 6).

The four requests of ``metrics_engine.py`` (by system, segment, organisation and staff group,
every month) as one ``compute_many`` call on each engine, each in its own subprocess, reading
the lake of a scale loaded through the real importer (``metrics_data.py``: "200k" is 199,284
people over 36 months, 5.4 million staff-in-post rows; "national" the national synthetic ICS,
59 million rows). Spark's time runs from registering the lake's views to the last result
(the JVM's start is reported apart); DuckDB's from opening the lake's views to the last
result. Every figure of both is then compared (not timed): the same groups, values equal to
1e-9 relative, or the benchmark fails. The load average is recorded before and after each
engine: the machine is shared.

    python benchmarks/spark_scale.py [--scale 200k] [--scale national] [--master local[2]]

Goal (issue 12): the national synthetic ICS on Spark local[2] within 4x DuckDB's time.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import metrics_data  # noqa: E402
from machine import machine  # noqa: E402

SPLITS = [[], ["segment"], ["org_code"], ["staff_group"]]
GOAL = 4.0

PRELUDE = f"""
import json, os, pickle, sys, time
sys.path.insert(0, {str(HERE)!r})
import metrics_data
from oneworkforce.metrics.periods import month_index
SPLITS = {SPLITS!r}
def dump(results, path):
    out = {{}}
    for i, rs in enumerate(results):
        for r in rs:
            key = (i, r.metric, month_index(r.period), tuple(r.dimensions.items()))
            out[key] = (r.value, r.numerator, r.denominator, r.quality)
    pickle.dump(out, open(path, "wb"))
def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

DUCKDB = (
    PRELUDE
    + """
from oneworkforce.metrics.engines.duckdb import DuckDBEngine
load = os.getloadavg()[0]
t = time.perf_counter()
con = metrics_data.connect(sys.argv[1])
results = DuckDBEngine().compute_many(con, SPLITS)
seconds = time.perf_counter() - t
rows = con.execute("SELECT count(*) FROM staff_in_post").fetchone()[0]
dump(results, sys.argv[2])
print(json.dumps({"seconds": seconds, "results": sum(map(len, results)), "staff_rows": rows,
                  "load_before": load, "load_after": os.getloadavg()[0],
                  "peak_rss_mb": peak_rss_mb()}))
"""
)

SPARK = (
    PRELUDE
    + """
from oneworkforce.metrics.engines.spark import SparkEngine
import logging
master, memory = sys.argv[3], sys.argv[4]
breakdown = []  # the engine's time per step and per batch of queries (at INFO)
class Keep(logging.Handler):
    def emit(self, record):
        breakdown.append(f"at {time.perf_counter() - t:.0f} s: {record.getMessage()}")
engine_log = logging.getLogger("oneworkforce.metrics.engines.spark")
engine_log.setLevel(logging.INFO)
engine_log.addHandler(Keep())
t = time.perf_counter()
spark = metrics_data.spark_session(master, memory)
started = time.perf_counter() - t
load = os.getloadavg()[0]
t = time.perf_counter()
metrics_data.register_views(spark, sys.argv[1])
results = SparkEngine(master).compute_many(spark, SPLITS)
seconds = time.perf_counter() - t
dump(results, sys.argv[2])
print(json.dumps({"seconds": seconds, "jvm_start_seconds": started,
                  "results": sum(map(len, results)), "load_before": load,
                  "load_after": os.getloadavg()[0], "driver_peak_rss_mb": peak_rss_mb(),
                  "shuffle_partitions": spark.conf.get("spark.sql.shuffle.partitions"),
                  "adaptive": spark.conf.get("spark.sql.adaptive.enabled"),
                  "breakdown": breakdown}))
"""
)


def run(code: str, *args: str, timeout: float | None = None) -> dict:
    # its own process group, so that a run past ``timeout`` is stopped with its JVM
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"seconds": None, "did_not_finish_within_seconds": timeout}
    out = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{out.stderr[-3000:]}")
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(spark_path: str, duck_path: str) -> dict:
    """Every figure of Spark against DuckDB's; raises on the first difference."""
    with open(spark_path, "rb") as a, open(duck_path, "rb") as b:
        got, want = pickle.load(a), pickle.load(b)
    if got.keys() != want.keys():
        only_spark = sorted(got.keys() - want.keys(), key=str)[:5]
        only_duck = sorted(want.keys() - got.keys(), key=str)[:5]
        raise SystemExit(f"groups differ: only Spark {only_spark}; only DuckDB {only_duck}")
    exact = 0
    for key, (value, numerator, denominator, quality) in want.items():
        other = got[key]
        same = (
            close(value, other[0])
            and close(numerator, other[1])
            and close(denominator, other[2])
            and quality == other[3]
        )
        if not same:
            raise SystemExit(f"{key}: Spark {other} != DuckDB {want[key]}")
        exact += other == want[key]
    return {"figures_compared": len(want), "bit_identical": exact, "match": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=["200k", "national"])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--spark-timeout", type=float, help="seconds; a slower run is reported")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "spark_scale.json")
    args = parser.parse_args()
    result: dict = {
        "benchmark": "spark_scale",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "requests": SPLITS,
        "master": args.master,
        "goal": f"Spark within {GOAL}x DuckDB at national scale",
    }
    for scale in args.scale or ["200k"]:
        metrics_data.ensure(scale)
        with tempfile.TemporaryDirectory() as tmp:
            duck, spark = str(Path(tmp) / "duck.pkl"), str(Path(tmp) / "spark.pkl")
            print(f"{scale}: duckdb ...", file=sys.stderr)
            r = {"duckdb": run(DUCKDB, scale, duck)}
            print(f"{scale}: spark {args.master} ...", file=sys.stderr)
            load = os.getloadavg()
            r["spark"] = run(
                SPARK, scale, spark, args.master, args.driver_memory, timeout=args.spark_timeout
            )
            r["spark"]["load_1_5_15_at_start"] = load
            if r["spark"]["seconds"] is None:  # a floor: at least this many times DuckDB
                r["spark_over_duckdb_at_least"] = round(
                    args.spark_timeout / r["duckdb"]["seconds"], 1
                )
                r["within_goal"] = False
            else:
                r["spark_over_duckdb"] = round(r["spark"]["seconds"] / r["duckdb"]["seconds"], 1)
                r["within_goal"] = r["spark_over_duckdb"] <= GOAL
                r["figures"] = compare(spark, duck)
        result[scale] = r
        print(json.dumps({scale: r}, indent=2), file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
