"""Benchmark: what every command pays at its start before its own work (issue 12).

``reconcile`` runs when a command opens a data directory: it clears staging, checks every
stored file against the current formats (``migrate_lake``), removes unrecorded folders and
compares the lake's manifest with the ledger. On a copy of the ``ics`` demo's data directory
(``oneworkforce demo --no-serve``, or pass ``--home``), with nothing to repair, it is timed
``--repeats`` times, and ``migrate_lake`` alone beside it; medians are reported.

    python benchmarks/command_start.py [--home DIR] [--repeats 7] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import machine  # noqa: E402
from refresh import copy_home, demo_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="an ics demo data directory")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "command_start.json")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        work = copy_home(demo_home(args.home), Path(tmp) / "home")
        from oneworkforce import opstore
        from oneworkforce.config import Home
        from oneworkforce.data.importer import reconcile
        from oneworkforce.data.migrations import migrate_lake

        home = Home.resolve(work)
        opstore.setup(home)
        files = len(list(home.lake.glob("*/submission=*/*.parquet")))
        reconciles, migrations = [], []
        for _ in range(args.repeats):
            t = time.perf_counter()
            done = reconcile(home)
            reconciles.append(time.perf_counter() - t)
            assert done == {"orphans_removed": 0, "manifest_rewritten": 0, "files_migrated": 0}
            t = time.perf_counter()
            assert migrate_lake(home) == 0
            migrations.append(time.perf_counter() - t)
    result = {
        "benchmark": "command_start",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "stored_files": files,
        "reconcile_s_median": statistics.median(reconciles),
        "reconcile_s_all": [round(s, 3) for s in reconciles],
        "migrate_lake_s_median": statistics.median(migrations),
        "migrate_lake_s_all": [round(s, 3) for s in migrations],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k.endswith("median")}, indent=2))


if __name__ == "__main__":
    main()
