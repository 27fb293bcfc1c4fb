"""Import of an ICS's ASC-WDS bulk upload files: 200 establishments, about 15,000 workers.

Writes a register of 200 independent social care providers and their workplace and worker
files (``data/synth/ascwds_files.py``), then times ``oneworkforce import ascwds_workplace`` and
``oneworkforce import ascwds_worker`` as a user runs them, each in a child process whose peak
resident memory is measured. The baseline, in the same run, is importing the same workers'
staff in post as an ordinary ``staff_in_post`` CSV. Median of ``--repeat`` runs.
Usage: python benchmarks/ascwds_import.py [--repeat 3] [--out benchmarks/results/...json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from oneworkforce.data.synth import ascwds_files

PERIOD = "2025-03"
PROBE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "run = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps({'rc': run.returncode, 'seconds': time.perf_counter() - t, "
    "'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
    "'tail': run.stdout[-400:] + run.stderr[-400:]}))\n"
)


def register(n: int) -> list[dict[str, str]]:
    # two care homes to one home care provider: about 75 workers each, 15,000 in all
    segments = ("care_homes", "support_at_home", "care_homes")
    rows = []
    for i in range(n):
        code = f"VB{i:04d}"
        rows.append(
            {
                "org_code": code,
                "org_name": f"Provider {i}",
                "segment": segments[i % 3],
                "place": f"Place {i % 5}",
                "sector": "independent",
                "partner": "true",
                "cqc_location_id": ascwds_files.cqc_location_id(code),
                "ascwds_local_id": code,
            }
        )
    return rows


def write_register(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def staff_in_post_csv(worker_file: Path, out: Path) -> int:
    """The baseline: the same staff in post as an ordinary staff_in_post file."""
    n = 0
    with worker_file.open(newline="") as src, out.open("w", newline="") as dst:
        writer = csv.writer(dst)
        writer.writerow(["period", "org_code", "person_id", "staff_group", "fte", "contract_type"])
        for row in csv.DictReader(src):
            if row["EMPLSTATUS"] not in ("1", "2", "3"):
                continue
            hours = row["CONTHOURS"] or row["AVGHOURS"]
            kind = {"1": "permanent", "2": "fixed_term", "3": "bank"}[row["EMPLSTATUS"]]
            writer.writerow(
                [PERIOD, row["LOCALESTID"], row["UNIQUEWORKERID"], "care_worker",
                 float(hours) / 37.5, kind]
            )  # fmt: skip
            n += 1
    return n


def run(home: Path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ONEWORKFORCE_SECRET_KEY"] = "bench"
    command = [sys.executable, "-m", "oneworkforce", "--home", str(home), *args]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *command], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{result['tail']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--establishments", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    timings: dict[str, list[dict]] = {"workplace": [], "worker": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        providers = register(args.establishments)
        reg = write_register(tmp / "register.csv", providers)
        workplace, worker = ascwds_files.write(
            tmp / "ascwds", providers, PERIOD, 2, np.random.default_rng(7)
        )
        with worker.open() as fh:
            workers = sum(1 for _ in fh) - 1
        baseline = tmp / "staff_in_post.csv"
        baseline_rows = staff_in_post_csv(worker, baseline)
        for i in range(args.repeat):
            home = tmp / f"home{i}"
            run(home, "import", "organisations", str(reg))
            timings["workplace"].append(
                run(home, "import", "ascwds_workplace", str(workplace), "--period", PERIOD)
            )
            timings["worker"].append(
                run(home, "import", "ascwds_worker", str(worker), "--period", PERIOD)
            )
            other = tmp / f"base{i}"
            run(other, "import", "organisations", str(reg))
            timings["baseline"].append(run(other, "import", "staff_in_post", str(baseline)))
    summary = {
        "establishments": args.establishments,
        "workers": workers,
        "baseline_rows": baseline_rows,
        "repeat": args.repeat,
        **{
            name: {
                "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
                "median_peak_mb": round(statistics.median(r["peak_mb"] for r in runs), 1),
            }
            for name, runs in timings.items()
        },
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
