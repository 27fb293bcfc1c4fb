"""Benchmark: the whole v1 metric catalogue, every month, by system, segment, org_code and
staff_group (four requests), on the DuckDB engine (issue 3, item 9).

Data (``metrics_data.py``): the national synthetic ICS (seed 1) loaded through the real
importer, so the engines read the lake's DuckDB views (``Lake.connect()``) exactly as in
production. "200k" is staff-in-post parts 0-1 (199,284 people over 36 months, 5.4 million
rows) with the other datasets' rows of those organisations; "national" is all 25 parts (2.2
million people, 59 million rows, 54 million non-bank rows at partners).

In one run, each measurement in its own subprocess (so its peak memory, VmHWM from
/proc/self/status, is its own), repeated and the median reported (the machine is noisy):

(a) DuckDB: the four requests as four ``compute()`` calls, and as one
    ``engine.compute_many()`` call that materialises the shared steps (the two scans of staff
    in post) once; time and peak memory.
(b) pandas (``metrics_pandas.py``, merges and groupbys, no SQL), on the same rows, loaded
    from the same views; its results must equal DuckDB's (same groups, values within 1e-9)
    or the benchmark fails.
(c) The floor: one scan of the ``staff_in_post`` view reading every column the metrics use,
    exactly ``SELECT count(*), sum(fte), max(period), max(org_code), max(person_id),
    max(staff_group), max(band), max(contract_type), max(ethnic_group), max(submission_id)
    FROM staff_in_post`` (an ungrouped aggregate that must decode every value of those ten
    columns; not a metadata-only count).
(d) Spark (local[*]) on the same lake (``register_spark_views``), the four requests.
(e) National scale, DuckDB.

    python benchmarks/metrics_engine.py [--repeats 3] [--skip-spark] [--skip-national]

Goals: DuckDB >= 20x faster than pandas, within 10x the floor, national under 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import metrics_data  # noqa: E402

SPLITS = [[], ["segment"], ["org_code"], ["staff_group"]]
FLOOR_SQL = (
    "SELECT count(*), sum(fte), max(period), max(org_code), max(person_id), max(staff_group), "
    "max(band), max(contract_type), max(ethnic_group), max(submission_id) FROM staff_in_post"
)

PRELUDE = f"""
import json, pickle, sys, time
sys.path.insert(0, {str(HERE)!r})
import metrics_data
SPLITS = {SPLITS!r}
def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
def done(seconds, **extra):
    print(json.dumps({{"seconds": seconds, "max_rss_mb": peak_rss_mb(), **extra}}))
"""

FLOOR = (
    PRELUDE
    + f"""
con = metrics_data.connect(sys.argv[1])
t = time.perf_counter()
row = con.execute({FLOOR_SQL!r}).fetchone()
done(time.perf_counter() - t, rows=row[0])
"""
)

DUCKDB = (
    PRELUDE
    + """
from oneworkforce.metrics import compute
from oneworkforce.metrics.engines import get_engine
from oneworkforce.metrics.periods import month_index
con = metrics_data.connect(sys.argv[1])
mode, dump = sys.argv[2], sys.argv[3]
t = time.perf_counter()
if mode == "many":
    results = get_engine("duckdb").compute_many(con, SPLITS)
else:
    results = [compute(con, by=by) for by in SPLITS]
seconds = time.perf_counter() - t
if dump != "-":
    out = [{(r.metric, month_index(r.period), tuple(r.dimensions.values())): r.value
            for r in rs if r.quality != "estimate"} for rs in results]
    pickle.dump(out, open(dump, "wb"))
done(seconds, results=sum(len(r) for r in results))
"""
)

PANDAS = (
    PRELUDE
    + """
import metrics_pandas
con = metrics_data.connect(sys.argv[1])
t = time.perf_counter()
names = ["organisations", "staff_in_post", "sickness_absence", "establishment",
         "temporary_staffing", "workforce_plan"]
frames = {n: con.execute(f"SELECT * FROM {n}").df() for n in names}
loaded = time.perf_counter() - t
d = metrics_pandas.prepare(frames)
out = [metrics_pandas.compute(d, by) for by in SPLITS]
seconds = time.perf_counter() - t
pickle.dump(out, open(sys.argv[2], "wb"))
done(seconds, load_seconds=loaded, results=sum(len(r) for r in out))
"""
)

SPARK = (
    PRELUDE
    + """
from oneworkforce.metrics.engines.spark import SparkEngine
spark = metrics_data.spark_session("local[*]")
metrics_data.register_views(spark, sys.argv[1])
engine = SparkEngine()
t = time.perf_counter()
results = engine.compute_many(spark, SPLITS)
seconds = time.perf_counter() - t
done(seconds, results=sum(len(r) for r in results))
"""
)


def run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{out.stderr[-3000:]}")
    last = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(last)


def repeated(repeats: int, code: str, *args: str) -> dict:
    runs = [run(code, *args) for _ in range(repeats)]
    return {
        "seconds_median": round(statistics.median(r["seconds"] for r in runs), 3),
        "seconds_all": [round(r["seconds"], 3) for r in runs],
        "peak_rss_mb": round(max(r["max_rss_mb"] for r in runs)),
        **{k: v for k, v in runs[0].items() if k not in ("seconds", "max_rss_mb")},
    }


def compare(duck: list[dict], pandas: list[dict]) -> dict:
    """Same groups and values (1e-9) for every split; raises on the first difference."""
    checked = 0
    for by, got, want in zip(SPLITS, duck, pandas, strict=True):
        if got.keys() != want.keys():
            extra = sorted(got.keys() - want.keys(), key=str)[:5]
            missing = sorted(want.keys() - got.keys(), key=str)[:5]
            raise SystemExit(f"by {by}: groups differ; only DuckDB {extra}; only pandas {missing}")
        for key, value in want.items():
            other = got[key]
            same = (value is None and other is None) or (
                value is not None
                and other is not None
                and abs(value - other) <= 1e-9 * max(1.0, abs(value))
            )
            if not same:
                raise SystemExit(f"by {by}: {key}: DuckDB {other} != pandas {value}")
            checked += 1
    return {"results_compared": checked, "match": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pandas-repeats", type=int, default=1, help="pandas takes minutes")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "metrics_engine.json")
    args = parser.parse_args()
    scales = ["200k"] + ([] if args.skip_national else ["national"])
    for scale in scales:
        metrics_data.ensure(scale)
    result: dict = {
        "benchmark": "metrics_engine",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
        },
        "data": "lake views loaded through the importer (benchmarks/metrics_data.py)",
        "requests": SPLITS,
        "floor_sql": FLOOR_SQL,
    }
    with tempfile.TemporaryDirectory() as tmp:
        r = result["200k"] = {}
        print("200k: floor ...", file=sys.stderr)
        r["floor"] = repeated(args.repeats, FLOOR, "200k")
        print("200k: duckdb, four compute() calls ...", file=sys.stderr)
        dump = str(Path(tmp) / "duck.pkl")
        r["duckdb_four_calls"] = repeated(args.repeats, DUCKDB, "200k", "calls", dump)
        print("200k: duckdb, compute_many ...", file=sys.stderr)
        r["duckdb_compute_many"] = repeated(args.repeats, DUCKDB, "200k", "many", "-")
        print("200k: pandas ...", file=sys.stderr)
        pdump = str(Path(tmp) / "pandas.pkl")
        r["pandas"] = repeated(args.pandas_repeats, PANDAS, "200k", pdump)
        with open(dump, "rb") as a, open(pdump, "rb") as b:
            r["pandas_matches_duckdb"] = compare(pickle.load(a), pickle.load(b))
        floor = r["floor"]["seconds_median"]
        for key in ("duckdb_four_calls", "duckdb_compute_many"):
            s = r[key]["seconds_median"]
            r[key]["pandas_over_duckdb"] = round(r["pandas"]["seconds_median"] / s, 1)
            r[key]["duckdb_over_floor"] = round(s / floor, 1)
        if not args.skip_spark:
            print("200k: spark ...", file=sys.stderr)
            r["spark"] = repeated(1, SPARK, "200k")
        if not args.skip_national:
            n = result["national"] = {}
            print("national: floor ...", file=sys.stderr)
            n["floor"] = repeated(args.repeats, FLOOR, "national")
            print("national: duckdb ...", file=sys.stderr)
            n["duckdb_four_calls"] = repeated(args.repeats, DUCKDB, "national", "calls", "-")
            n["duckdb_compute_many"] = repeated(args.repeats, DUCKDB, "national", "many", "-")
            for key in ("duckdb_four_calls", "duckdb_compute_many"):
                n[key]["duckdb_over_floor"] = round(
                    n[key]["seconds_median"] / n["floor"]["seconds_median"], 1
                )
    best = r["duckdb_compute_many"]
    result["goals"] = {
        "pandas_at_least_20x": best["pandas_over_duckdb"] >= 20,
        "within_10x_floor": best["duckdb_over_floor"] <= 10,
        "national_under_120s": None
        if args.skip_national
        else result["national"]["duckdb_compute_many"]["seconds_median"] < 120,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
