"""Baseline for benchmarks/refresh.py: the results refresh before issue 12 (commit d668d47),
timed on the same cases, to be run on the same machine at the same time.

    git worktree add /tmp/old d668d47
    python benchmarks/refresh_baseline.py --old-src /tmp/old/src --home ICS_DEMO

The old code's store (one file per split) is format 1; run it on a demo directory whose
results were last written in that format (a fresh ``oneworkforce demo`` of d668d47), or its
first refresh is a full rebuild.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-src", type=Path, required=True, help="src/ of commit d668d47")
    parser.add_argument("--home", type=Path, required=True, help="an ics demo data directory")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "refresh_baseline.json")
    args = parser.parse_args()
    sys.path.insert(0, str(args.old_src))
    sys.path.insert(0, str(HERE))
    os.environ.pop("DATABASE_URL", None)
    from refresh import copy_home, one_slice

    import oneworkforce
    from oneworkforce import opstore
    from oneworkforce.config import Home
    from oneworkforce.data.importer import Importer
    from oneworkforce.metrics.store import ResultsStore, after_commit_hook

    assert str(args.old_src) in oneworkforce.__file__, oneworkforce.__file__
    data = next((args.home / "demo-data").glob("ics-seed*"))
    out: dict = {"benchmark": "refresh_baseline", "when": time.strftime("%Y-%m-%d %H:%M")}
    out["load_average_at_start"] = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        home = Home.resolve(copy_home(args.home, Path(tmp) / "home"))
        opstore.setup(home)
        t = time.perf_counter()
        ResultsStore(home.lake).refresh()
        out["first_refresh_s"] = time.perf_counter() - t
        hook, seconds = after_commit_hook(home), []

        def timed(result) -> None:
            t = time.perf_counter()
            hook(result)
            seconds.append(time.perf_counter() - t)

        importer = Importer(home, submitted_by="baseline", after_commit=[timed])
        cases = (
            ("sickness", "sickness_absence", "fte_days_lost"),
            ("temporary_staffing", "temporary_staffing", "agency_spend"),
            ("staff_in_post", "staff_in_post", "fte"),
        )
        for name, dataset, column in cases:
            runs = []
            for i in range(args.repeats):
                path = Path(tmp) / f"{name}-{i}.csv"
                one_slice(data / f"{dataset}.csv", path, "RZA", "2025-01", column, 0.01 * (i + 1))
                result = importer.import_file(dataset, path)
                assert result.status == "accepted" and not result.hook_errors
                runs.append(seconds[-1])
            out[name] = {"refresh_s_median": statistics.median(runs), "refresh_s_all": runs}
            print(name, json.dumps(out[name]), file=sys.stderr, flush=True)
    out["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
