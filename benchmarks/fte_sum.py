"""Benchmark: summing FTE as decimals or as 64-bit integers, on DuckDB and Spark, same groups.

The shared step that groups staff in post (``owm_sip``) sums FTE exactly: each value rounded
to ten places and added without rounding error (ADR 0010). This measures that grouping (by
month, organisation, staff group, band, contract type and submission, over every row of the
lake of a scale loaded by ``metrics_data.py``) with the sum written four ways:

- ``decimal``: ``compiler.exact_sum``, ``DECIMAL(38, 10)`` (Java BigDecimals on Spark);
- ``integer``: ``compiler.fte_sum``, integers of 1e-10 FTE in a BIGINT (what the product runs);
- ``double``: a plain ``SUM`` of doubles (not exact: the order of addition shows in the last
  bits), for scale;
- ``count``: the rows counted, no sum: the floor of the grouping itself.

Each is timed ``--rounds`` times on each engine (Spark ``local[2]`` in its own process, the
JVM's start apart); the medians are reported. Outside the timing, every group's ``decimal``
and ``integer`` sums are compared on DuckDB, and Spark's ``integer`` sums with DuckDB's: the
benchmark fails on any difference.

    python benchmarks/fte_sum.py [--scale national] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import metrics_data  # noqa: E402
from machine import machine  # noqa: E402
from spark_scale import run  # noqa: E402

KEYS = "period, org_code, staff_group, band, contract_type, submission_id"

PRELUDE = f"""
import json, pickle, sys, time
sys.path.insert(0, {str(HERE)!r})
import metrics_data
from oneworkforce.metrics.compiler import exact_sum, fte_sum
KEYS = {KEYS!r}
WAYS = {{
    "decimal": exact_sum("fte"),
    "integer": fte_sum("fte"),
    "double": "SUM(fte)",
    "count": "CAST(COUNT(*) AS DOUBLE)",
}}
def sql(way):
    return f"SELECT {{KEYS}}, {{WAYS[way]}} AS fte FROM staff_in_post GROUP BY {{KEYS}}"
def timed(run, rounds):
    # each way's seconds, round by round, each grouping read to its end by ``run``
    times = {{way: [] for way in WAYS}}
    for _ in range(rounds):
        for way in WAYS:
            t = time.perf_counter()
            run(f"SELECT COUNT(*), SUM(fte) FROM ({{sql(way)}}) x")
            times[way].append(time.perf_counter() - t)
    return times
"""

DUCKDB = (
    PRELUDE
    + """
con = metrics_data.connect(sys.argv[1])
times = timed(lambda q: con.execute(q).fetchone(), int(sys.argv[2]))
sums = {}
for way in ("decimal", "integer"):
    sums[way] = {row[:-1]: row[-1] for row in con.execute(sql(way)).fetchall()}
differ = sum(sums["decimal"][k] != v for k, v in sums["integer"].items())
same_keys = sums["decimal"].keys() == sums["integer"].keys()
pickle.dump(sums["integer"], open(sys.argv[3], "wb"))
print(json.dumps({"seconds": times, "groups": len(sums["integer"]),
                  "decimal_equals_integer": same_keys and differ == 0}))
"""
)

SPARK = (
    PRELUDE
    + """
spark = metrics_data.spark_session("local[2]")
metrics_data.register_views(spark, sys.argv[1])
times = timed(lambda q: spark.sql(q).collect(), int(sys.argv[2]))
ours = {tuple(r[:-1]): r[-1] for r in spark.sql(sql("integer")).collect()}
theirs = pickle.load(open(sys.argv[3], "rb"))
differ = sum(theirs.get(k) != v for k, v in ours.items())
print(json.dumps({"seconds": times, "groups": len(ours),
                  "integer_equals_duckdb": ours.keys() == theirs.keys() and differ == 0}))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national", choices=["200k", "national"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "fte_sum.json")
    args = parser.parse_args()
    metrics_data.ensure(args.scale)
    pickled = HERE / "out" / f"fte_sum_{args.scale}.pkl"
    pickled.parent.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "benchmark": "fte_sum",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "scale": args.scale,
        "rounds": args.rounds,
    }
    for engine, code in (("duckdb", DUCKDB), ("spark", SPARK)):
        print(f"{args.scale}: {engine} ...", file=sys.stderr)
        r = run(code, args.scale, str(args.rounds), str(pickled))
        r["median_seconds"] = {w: round(statistics.median(t), 2) for w, t in r["seconds"].items()}
        result[engine] = r
    pickled.unlink()
    result["match"] = (
        result["duckdb"]["decimal_equals_integer"] and result["spark"]["integer_equals_duckdb"]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({e: result[e]["median_seconds"] for e in ("duckdb", "spark")}, indent=2))
    if not result["match"]:
        raise SystemExit("the integer sums differ from the decimal ones (or Spark's from DuckDB's)")


if __name__ == "__main__":
    main()
