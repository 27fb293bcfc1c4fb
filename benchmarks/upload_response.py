"""Benchmark: how long the upload page makes a data lead wait (issue 12, item 1).

Product path: ``POST /submissions/upload/`` through the Django test client against a small
demo data directory, with the embedded queue and a running ``oneworkforce worker``: the
time until the page answers (the job queued), and the time until the job row says the file
is stored and the results refreshed. Baseline, in the same run: what the page did before
issue 12, the same import with the results refresh in the request (``Importer`` with the
results store's after-commit hook), timed in the same process. Each repeat sends a new
month of one organisation's sickness absence (one row), so no file is a duplicate.

    python benchmarks/upload_response.py --home DIR [--repeats 5]

``--home``: a copy is made of a data directory built with ``oneworkforce demo --no-serve
--scale small`` (the demo's data is not changed). Writes benchmarks/results/upload_response.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "upload_response.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    home_dir = work / "home"
    shutil.copytree(args.home, home_dir, ignore=shutil.ignore_patterns("queue.sqlite3", "jobs"))
    os.environ["ONEWORKFORCE_HOME"] = str(home_dir)
    os.environ.pop("ONEWORKFORCE_REDIS_URL", None)
    os.environ.setdefault("ONEWORKFORCE_SECRET_KEY", "benchmark-only")

    from oneworkforce import opstore
    from oneworkforce.config import Home

    home = Home.resolve(home_dir)
    opstore.setup(home)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from oneworkforce.data.importer import Importer
    from oneworkforce.data.lake import Lake
    from oneworkforce.jobs.models import Job
    from oneworkforce.metrics.store import after_commit_hook
    from oneworkforce.web.accounts.service import create_user

    org = sorted(Lake(home).organisation_codes())[0]
    user = create_user("bench-analyst", "analyst", password=None, actor="benchmark")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    worker = subprocess.Popen(
        [sys.executable, "-m", "oneworkforce", "--home", str(home_dir), "worker", "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def sickness(month: int, lost: float) -> bytes:
        return (
            "period,org_code,staff_group,fte_days_lost,fte_days_available\n"
            f"2010-{month:02d},{org},nursing_midwifery,{lost},1000\n"
        ).encode()

    page, landed, baseline = [], [], []
    try:
        for i in range(args.repeats):
            body = sickness(i + 1, 10.0 + i)
            began = time.perf_counter()
            response = client.post(
                "/submissions/upload/",
                {"dataset": "sickness_absence", "file": SimpleUploadedFile(f"s{i}.csv", body)},
            )
            page.append(time.perf_counter() - began)
            assert response.status_code == 302, response.status_code
            job = Job.objects.get(pk=response["Location"].split("job=")[1])
            while not Job.objects.get(pk=job.pk).is_finished:
                time.sleep(0.05)
            landed.append(time.perf_counter() - began)
            job.refresh_from_db()
            assert job.state == "done" and job.result["status"] == "accepted", job.error

            path = work / f"b{i}.csv"
            path.write_bytes(sickness(i + 7, 20.0 + i))
            began = time.perf_counter()
            importer = Importer(
                home, submitted_by="benchmark", after_commit=[after_commit_hook(home)]
            )
            result = importer.import_file("sickness_absence", path)
            baseline.append(time.perf_counter() - began)
            assert result.status == "accepted" and not result.hook_errors
    finally:
        worker.terminate()
        worker.wait()
        shutil.rmtree(work, ignore_errors=True)

    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other work",
        "load_average": os.getloadavg(),
        "repeats": args.repeats,
        "page_answers_s_median": round(statistics.median(page), 3),
        "job_done_s_median": round(statistics.median(landed), 3),
        "baseline_request_s_median": round(statistics.median(baseline), 3),
        "baseline_over_page": round(statistics.median(baseline) / statistics.median(page), 1),
        "page_s": [round(x, 3) for x in page],
        "job_done_s": [round(x, 3) for x in landed],
        "baseline_s": [round(x, 3) for x in baseline],
    }
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
