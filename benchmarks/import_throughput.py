"""Benchmark: staff-in-post rows per second through validation into the store.

Beside it, in the same run and on the same file, the floor: DuckDB's own raw read of the CSV
into a table (``CREATE TABLE t AS SELECT * FROM read_csv(file)``, types auto-detected). Each
measurement runs in a fresh subprocess so that its peak memory (max RSS) is its own; each is
repeated and the median reported, because this machine is small and noisy.

Then peak memory importing a file ten times larger (the ics file repeated with distinct
people), to show that memory does not grow with the file.

    python benchmarks/import_throughput.py [--repeats 3] [--skip-large] [--out FILE]

Goals (issue 2): >= 1 million rows a second, >= 0.3 of the raw read, bounded memory. The
headline (``ics_with_refresh``) is the command's whole path: the import and then the results
store's refresh that ``oneworkforce import`` runs after the commit (here the first results of
a new data directory, so a full build); ``ics`` is the import alone, beside the same floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "data"

PEAK = """
def peak_rss_mb():
    # the process's own high-water mark of resident memory (VmHWM), in MB
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

IMPORT = (
    PEAK
    + """
import json, sys, time, os
os.environ.pop("DATABASE_URL", None)
from pathlib import Path
from oneworkforce.config import Home
from oneworkforce import opstore
from oneworkforce.data.importer import Importer
home = Home.resolve(sys.argv[1]); opstore.setup(home)
imp = Importer(home, submitted_by="benchmark")
assert imp.import_file("organisations", Path(sys.argv[2])).status == "accepted"
refresh = []
if sys.argv[4] == "with-refresh":  # the CLI's path: the results store's hook after the commit
    from oneworkforce.metrics.results_writer import after_commit_hook
    hook = after_commit_hook(home)
    def timed(result):
        t = time.perf_counter(); hook(result); refresh.append(time.perf_counter() - t)
    imp.after_commit = [timed]
t = time.perf_counter()
r = imp.import_file("staff_in_post", Path(sys.argv[3]))
s = time.perf_counter() - t
assert r.status == "accepted", r.report.summary()
assert not r.hook_errors, r.hook_errors
print(json.dumps({"seconds": s, "refresh_seconds": sum(refresh), "rows": r.rows,
                  "max_rss_mb": peak_rss_mb()}))
"""
)

RAW = (
    PEAK
    + """
import json, sys, time, duckdb
con = duckdb.connect()
t = time.perf_counter()
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}')")
s = time.perf_counter() - t
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": s, "rows": rows, "max_rss_mb": peak_rss_mb()}))
"""
)


def run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ics_files() -> tuple[Path, Path]:
    folder = CACHE / "ics-seed1"
    if not (folder / "staff_in_post.csv").exists():
        from oneworkforce.data.synth import generate

        print("generating the ics-scale synthetic ICS (once) ...", file=sys.stderr)
        generate(folder, scale="ics", seed=1)
    return folder / "organisations.csv", folder / "staff_in_post.csv"


def ten_times(csv: Path) -> Path:
    """The same file ten times over, each copy with its own people: 10x the rows."""
    big = CACHE / "staff_in_post_x10.csv"
    if not big.exists():
        import duckdb

        copies = " UNION ALL ".join(
            f"SELECT * REPLACE (person_id || '-{i}' AS person_id) FROM src" for i in range(10)
        )
        con = duckdb.connect()
        con.execute(f"CREATE VIEW src AS SELECT * FROM read_csv('{csv}', all_varchar=true)")
        con.execute(f"COPY ({copies}) TO '{big}' (HEADER)")
    return big


def measure(repeats: int, orgs: Path, csv: Path, refresh: bool = False) -> dict:
    ours, floor = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            mode = "with-refresh" if refresh else "import-only"
            ours.append(run(IMPORT, tmp, str(orgs), str(csv), mode))
        floor.append(run(RAW, str(csv)))
    rows = ours[0]["rows"]
    ours_s = statistics.median(r["seconds"] for r in ours)
    floor_s = statistics.median(r["seconds"] for r in floor)
    return {
        "rows": rows,
        "file_mb": round(csv.stat().st_size / 1e6, 1),
        "import_seconds_median": round(ours_s, 3),
        "import_seconds_all": [round(r["seconds"], 3) for r in ours],
        "import_rows_per_second": round(rows / ours_s),
        "raw_read_seconds_median": round(floor_s, 3),
        "raw_read_rows_per_second": round(rows / floor_s),
        "ratio_to_raw_read": round(floor_s / ours_s, 3),
        "import_peak_rss_mb": round(max(r["max_rss_mb"] for r in ours)),
        "refresh_seconds_median": round(statistics.median(r["refresh_seconds"] for r in ours), 3),
        "raw_read_peak_rss_mb": round(max(r["max_rss_mb"] for r in floor)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "import_throughput.json")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    orgs, csv = ics_files()
    result = {
        "benchmark": "import_throughput",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        },
        # the headline: the command's whole path, the results refresh included
        "ics_with_refresh": measure(args.repeats, orgs, csv, refresh=True),
        "ics": measure(args.repeats, orgs, csv),
    }
    if not args.skip_large:
        result["ics_x10"] = measure(1, orgs, ten_times(csv))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
