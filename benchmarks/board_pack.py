"""Benchmark: a board pack for the ``ics`` demo in all four formats (issue 6, item 7).

Data: ``oneworkforce demo --no-serve --scale ics`` (60,000 staff over 36 months, the demo
registers) in ``--home`` (made first if it has no stored results). Each repeat, in its own
subprocess so no cache is warm:

(a) the whole job as ``oneworkforce report create`` does it: read the stores, build and
    freeze the content, render PDF, DOCX, XLSX and HTML;
(b) each format alone, after building the content (what ``report render`` costs);
(c) the baseline: building and freezing the content alone, no file rendered.

Medians of ``--repeats`` (3). Goal: (a) under 10 seconds.

    python benchmarks/board_pack.py [--home /tmp/pack-home] [--repeats 3]
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
ROOT = HERE.parent

JOB = """
import json, sys, time
from pathlib import Path
from oneworkforce import opstore
from oneworkforce.config import Home
home = Home.resolve(sys.argv[1])
opstore.setup(home)
from oneworkforce.reports import freeze, service
from oneworkforce.reports.options import PackOptions
formats = sys.argv[2].split(",") if sys.argv[2] else []
start = time.perf_counter()
pack = freeze.make(home, PackOptions(), actor="benchmark")
built = time.perf_counter()
files = service.render_stored(home, pack, formats, out=Path(sys.argv[3])) if formats else {}
done = time.perf_counter()
stages = {"content": built - start, "render": done - built, "total": done - start}
print(json.dumps({"stages": stages, "files": {k: str(v) for k, v in files.items()}}))
"""


def run(home: Path, formats: str) -> dict:
    env = dict(os.environ, ONEWORKFORCE_SECRET_KEY="benchmark")
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-c", JOB, str(home), formats, out],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["sizes"] = {k: Path(v).stat().st_size for k, v in result["files"].items()}
    return result


def ensure_demo(home: Path) -> None:
    if (home / "lake" / "_results" / "index.json").exists():
        return
    subprocess.run(
        [
            sys.executable,
            "-m",
            "oneworkforce",
            "--home",
            str(home),
            "demo",
            "--no-serve",
            "--scale",
            "ics",
        ],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/pack-home"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ensure_demo(args.home)
    cases = {
        "all_formats": "pdf,docx,xlsx,html",
        "pdf_only": "pdf",
        "docx_only": "docx",
        "xlsx_only": "xlsx",
        "html_only": "html",
        "baseline_content_only": "",
    }
    results = {}
    for name, formats in cases.items():
        runs = [run(args.home, formats) for _ in range(args.repeats)]
        results[name] = {
            "median_seconds": statistics.median(r["stages"]["total"] for r in runs),
            "median_content_seconds": statistics.median(r["stages"]["content"] for r in runs),
            "median_render_seconds": statistics.median(r["stages"]["render"] for r in runs),
            "runs": [r["stages"] for r in runs],
            "file_bytes": runs[-1]["sizes"],
        }
        sys.stderr.write(f"{name}: {results[name]['median_seconds']:.2f} s\n")
    report = {
        "benchmark": "board_pack",
        "goal": "all four formats for the ics demo in under 10 seconds",
        "data": "oneworkforce demo --scale ics (seed 1): 60k staff, 36 months, demo registers",
        "repeats": args.repeats,
        "results": results,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    path = HERE / "results" / "board_pack.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(report["results"], indent=2) + "\n")


if __name__ == "__main__":
    main()
