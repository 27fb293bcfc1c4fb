"""Benchmark: 36 monthly NHS sickness absence benchmarking CSVs imported unedited (issue 11).

Each file is in the published layout (13 columns, NHS Workforce Statistics staff group
spellings, an 'All staff groups' row per organisation, some cells suppressed with ``*``) with
about 3,000 rows: 215 organisations x 14 rows. Twenty of them are in the register (the ICS);
the rest become peers from the file's own columns.

Beside it, in the same run: the baseline, the same rows in the product's own five-column
layout (staff group codes, every organisation in the register, no suppression), imported
the same way. Each side runs in its own subprocess, so its peak memory (VmHWM) is its own,
and is repeated ``--repeats`` times; medians are reported.

    python benchmarks/published_sickness.py [--repeats 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oneworkforce.data.schemas import published_headings

HERE = Path(__file__).resolve().parent
ORGS = 215
OWN = 20
MONTHS = 36
GROUPS = (
    ("HCHS doctors", "hchs_doctors"),
    ("Nurses & health visitors", "nurses_health_visitors"),
    ("Midwives", "midwives"),
    ("Ambulance staff", "ambulance"),
    ("Scientific, therapeutic & technical staff", "scientific_therapeutic_technical"),
    ("Support to doctors, nurses & midwives", "support_doctors_nurses_midwives"),
    ("Support to ambulance staff", "support_ambulance"),
    ("Support to ST&T staff", "support_stt"),
    ("Central functions", "central_functions"),
    ("Hotel, property & estates", "hotel_property_estates"),
    ("Senior managers", "senior_managers"),
    ("Managers", "managers"),
    ("Other staff or those with unknown classification", "nws_other"),
)
HEADINGS = published_headings("sickness_absence")

JOB = """
import json, os, sys, time
os.environ.pop("DATABASE_URL", None)
from pathlib import Path
from oneworkforce import opstore
from oneworkforce.config import Home
from oneworkforce.data.importer import Importer
home = Home.resolve(sys.argv[1]); opstore.setup(home)
imp = Importer(home, submitted_by="benchmark")
assert imp.import_file("organisations", Path(sys.argv[2])).status == "accepted"
files = sorted(Path(sys.argv[3]).glob("*.csv"))
each, rows = [], 0
start = time.perf_counter()
for path in files:
    t = time.perf_counter()
    r = imp.import_file("sickness_absence", path)
    each.append(time.perf_counter() - t)
    assert r.status == "accepted", r.report.summary()
    rows += r.rows
total = time.perf_counter() - start
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
print(json.dumps({"seconds": total, "per_file_median": sorted(each)[len(each) // 2],
                  "files": len(files), "rows": rows, "max_rss_mb": peak}))
"""


def _org(i: int) -> str:
    return f"R{i:03d}"


def write_data(root: Path) -> tuple[Path, Path, Path, Path]:
    """The register (ICS only, and everyone), the published files and the own-layout files."""
    published, own = root / "published", root / "own"
    published.mkdir(parents=True)
    own.mkdir()
    register_ics, register_all = root / "register_ics.csv", root / "register_all.csv"
    lines = ["org_code,org_name,segment,place,sector,partner"]
    everyone = lines + [
        f"{_org(i)},Trust {i},secondary_care,Place {i % 5},nhs,{'true' if i < OWN else 'false'}"
        for i in range(ORGS)
    ]
    register_ics.write_text("\n".join(everyone[: OWN + 1]) + "\n", encoding="utf-8")
    register_all.write_text("\n".join(everyone) + "\n", encoding="utf-8")
    for m in range(MONTHS):
        year, month = 2022 + (m + 3) // 12, (m + 3) % 12 + 1
        date = f"{year}-{month:02d}-28"
        with (published / f"sickness_{year}-{month:02d}.csv").open("w", newline="") as fh:
            pub = csv.writer(fh)
            pub.writerow(HEADINGS)
            with (own / f"sickness_{year}-{month:02d}.csv").open("w", newline="") as gh:
                mine = csv.writer(gh)
                mine.writerow(
                    ["period", "org_code", "staff_group", "fte_days_lost", "fte_days_available"]
                )
                for i in range(ORGS):
                    ics = ("QZZ", "Home ICS") if i < OWN else (f"Q{i % 41:02d}", f"ICS {i % 41}")
                    place = ["Y63", "North East and Yorkshire", *ics, _org(i), f"Trust {i}"]
                    place += ["Acute", "Acute - Medium"]
                    total_lost = total_avail = 0.0
                    for g, (title, code) in enumerate(GROUPS):
                        avail = 500.0 + 37 * ((i * 7 + g * 13 + m) % 50)
                        lost = round(avail * (0.03 + 0.001 * ((i + g + m) % 30)), 2)
                        total_lost += lost
                        total_avail += avail
                        suppressed = (i + g + m) % 97 == 0
                        cells = ["*", "*", ""] if suppressed else [lost, avail, ""]
                        pub.writerow([date, *place, title, *cells])
                        mine.writerow([f"{year}-{month:02d}", _org(i), code, lost, avail])
                    pub.writerow(
                        [date, *place, "All staff groups", round(total_lost, 2), total_avail, ""]
                    )
    return register_ics, register_all, published, own


def run(home: Path, register: Path, folder: Path) -> dict:
    env = dict(os.environ, ONEWORKFORCE_SECRET_KEY="benchmark")
    done = subprocess.run(
        [sys.executable, "-c", JOB, str(home), str(register), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "published_sickness.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        register_ics, register_all, published, own = write_data(root / "data")
        rows_per_file = sum(1 for _ in (next(published.glob("*.csv"))).open()) - 1
        runs: dict[str, list[dict]] = {"published": [], "own_layout": []}
        for r in range(args.repeats):
            runs["published"].append(run(root / f"p{r}", register_ics, published))
            runs["own_layout"].append(run(root / f"o{r}", register_all, own))
    summary = {
        side: {
            "seconds_median": statistics.median(x["seconds"] for x in results),
            "per_file_seconds_median": statistics.median(x["per_file_median"] for x in results),
            "max_rss_mb_median": statistics.median(x["max_rss_mb"] for x in results),
            "rows": results[0]["rows"],
            "files": results[0]["files"],
            "runs": results,
        }
        for side, results in runs.items()
    }
    out = {
        "benchmark": "published_sickness",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows_per_file": rows_per_file,
        "repeats": args.repeats,
        "ratio_published_to_own_layout": summary["published"]["seconds_median"]
        / summary["own_layout"]["seconds_median"],
        **summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k not in ("published", "own_layout")}))
    for side in ("published", "own_layout"):
        s = summary[side]
        print(
            f"{side}: {s['files']} files, {s['rows']:,} rows stored, "
            f"{s['seconds_median']:.1f} s (median of {args.repeats}), "
            f"{s['per_file_seconds_median']:.2f} s a file, peak {s['max_rss_mb_median']:.0f} MB"
        )


if __name__ == "__main__":
    main()
