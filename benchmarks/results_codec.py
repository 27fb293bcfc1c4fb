"""Benchmark: writing and reading the results store's files, zstd against Snappy (issue 12).

A refresh rewrites every results and SPC file of the families it touches (36 for one trust's
month of temporary staffing, 72 for staff in post) and reads the files it keeps from disk
when the process has not read them before. This times both, in memory, for every file of the
stored results of the ``ics`` demo (``oneworkforce demo --no-serve``, or pass ``--home``),
written as the store writes them (each metric its own row group) with each codec, and
reports the medians of ``--repeats`` rounds, the total bytes and the ratios.

    python benchmarks/results_codec.py [--home DIR] [--repeats 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import machine  # noqa: E402
from refresh import demo_home  # noqa: E402

CODECS = ("zstd", "snappy")


def parts(table):
    """The table as the store writes it: one part (row group) per metric, in order."""
    metrics = list(dict.fromkeys(table.column("metric").to_pylist()))
    return [table.filter(pc.equal(table["metric"], m)) for m in metrics]


def write(tables, codec: str) -> list[bytes]:
    out = []
    for split in tables:
        buffer = io.BytesIO()
        with pq.ParquetWriter(buffer, split[0].schema, compression=codec) as writer:
            for part in split:
                writer.write_table(part)
        out.append(buffer.getvalue())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="an ics demo data directory")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "results_codec.json")
    args = parser.parse_args()
    root = demo_home(args.home) / "lake" / "_results"
    files = sorted(p for p in root.glob("*.parquet") if not p.name.startswith("manifest-"))
    assert files, f"no stored results under {root}"
    tables = [parts(pq.read_table(p)) for p in files]
    result: dict = {
        "benchmark": "results_codec",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "files": len(files),
    }
    for codec in CODECS:
        writes, reads = [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            written = write(tables, codec)
            writes.append(time.perf_counter() - started)
            started = time.perf_counter()
            for data in written:
                pq.read_table(io.BytesIO(data))
            reads.append(time.perf_counter() - started)
        result[codec] = {
            "write_s_median": statistics.median(writes),
            "read_s_median": statistics.median(reads),
            "bytes": sum(len(d) for d in written),
        }
        print(codec, json.dumps(result[codec]), file=sys.stderr)
    z, s = result["zstd"], result["snappy"]
    result["snappy_against_zstd"] = {
        "write_time": s["write_s_median"] / z["write_s_median"],
        "read_time": s["read_s_median"] / z["read_s_median"],
        "bytes": s["bytes"] / z["bytes"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["snappy_against_zstd"], indent=2))


if __name__ == "__main__":
    main()
