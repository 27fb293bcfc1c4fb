"""The queue with real worker processes (``oneworkforce worker``) over a small data directory:
a queued job survives the workers being stopped, a job cut short by a dying worker is run
again and lands once, two uploads for different organisations run side by side and both land,
a failing job is reported with its error, and a job runs through Redis.

Everything goes through the command line, as an operator would: ``jobs upload`` queues,
``jobs wait`` waits on the job row (never a fixed sleep), ``jobs show`` reads it back. The
limits on the waits are ceilings with headroom for a busy machine, not expected durations.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.data.samples import SAMPLES, write
from tests.metrics.test_results_store import sickness

pytestmark = pytest.mark.slow

#: the longest a job may take here on a loaded two-core machine (a tiny file: seconds alone)
JOB_CEILING = 300
COMMAND_CEILING = 300


def _env(**extra: str) -> dict[str, str]:
    drop = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ONEWORKFORCE_HOME", "ONEWORKFORCE_REDIS_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["ONEWORKFORCE_SECRET_KEY"] = "job-tests-only"
    env.update(extra)
    return env


class Site:
    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.home, self.env = root, root / "home", env
        self.command = [sys.executable, "-m", "oneworkforce", "--home", str(self.home)]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*self.command, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_CEILING,
        )
        assert not check or done.returncode == 0, f"{args}: {done.stderr[-2000:]}"
        return done

    def queue_upload(self, name: str, rows: list[dict]) -> str:
        path = write(self.root / name, rows)
        out = self.cli("jobs", "upload", "sickness_absence", str(path), "--format", "json")
        return json.loads(out.stdout)["id"]

    def show(self, job_id: str) -> dict:
        return json.loads(self.cli("jobs", "show", job_id, "--format", "json").stdout)

    def wait(self, job_id: str) -> dict:
        done = self.cli(
            "jobs", "wait", job_id, "--timeout", str(JOB_CEILING), "--format", "json", check=False
        )
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    @contextlib.contextmanager
    def workers(self, count: int = 1, **env: str) -> Iterator[subprocess.Popen]:
        log = (self.root / "worker.log").open("ab")
        proc = subprocess.Popen(
            [*self.command, "worker", "--workers", str(count)],
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the consumer and its worker processes: one group
        )
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            log.close()


def _site(tmp_path: Path, **env: str) -> Site:
    site = Site(tmp_path, _env(**env))
    site.cli("import", "organisations", str(write(tmp_path / "reg.csv", SAMPLES["organisations"])))
    return site


@pytest.fixture
def site(tmp_path) -> Site:
    return _site(tmp_path)


def _ledger(site: Site) -> list[dict]:
    return json.loads(site.cli("submissions", "--format", "json").stdout)


def test_a_queued_job_waits_for_a_worker_and_survives_a_restart(site):
    first = site.queue_upload("rza.csv", [sickness("RZA", "2024-03", days_lost=40.0)])
    with site.workers():
        assert site.wait(first)["state"] == "done"
    # the workers are stopped (killed): a job queued now waits in the queue's file
    second = site.queue_upload("rzb.csv", [sickness("RZB", "2024-03", days_lost=30.0)])
    assert site.show(second)["state"] == "queued"
    with site.workers():  # started again: it takes the job that was waiting
        job = site.wait(second)
    assert job["state"] == "done" and job["attempts"] == 1
    assert job["steps"] == ["Validated", "Stored", "Results refreshed"]
    assert job["result"]["status"] == "accepted" and job["result"]["organisations"] == ["RZB"]
    results = json.loads(site.cli("results", "status", "--format", "json").stdout)
    assert results["stale"] is False  # the refresh ran as the job's last step


def test_a_job_cut_short_by_a_dying_worker_runs_again_and_lands_once(site):
    job_id = site.queue_upload("rza.csv", [sickness("RZA", "2024-03", days_lost=40.0)])
    # the worker process dies (as kill -9 would) just after the import commits, before the
    # results refresh; the consumer starts a new one, which takes the job back
    with site.workers(ONEWORKFORCE_TEST_CRASH_AT="after_commit"):
        job = site.wait(job_id)
    assert job["state"] == "done", job["error"]
    assert job["attempts"] == 2  # the first attempt died
    assert job["result"]["status"] == "accepted"  # its own earlier attempt's file, not "identical"
    accepted = [s for s in _ledger(site) if s["dataset"] == "sickness_absence"]
    assert len(accepted) == 1 and accepted[0]["status"] == "accepted"  # stored once
    assert job["object_id"] == accepted[0]["id"]
    results = json.loads(site.cli("results", "status", "--format", "json").stdout)
    assert results["stale"] is False


def test_two_uploads_for_different_organisations_run_at_once_and_both_land(site):
    a = site.queue_upload("rza.csv", [sickness("RZA", "2024-03", days_lost=40.0)])
    b = site.queue_upload("rzb.csv", [sickness("RZB", "2024-03", days_lost=30.0)])
    with site.workers(count=2):
        jobs = [site.wait(a), site.wait(b)]
    assert [j["state"] for j in jobs] == ["done", "done"]
    assert [j["result"]["organisations"] for j in jobs] == [["RZA"], ["RZB"]]
    # both ran at once: each started before the other finished
    start = [datetime.fromisoformat(j["started"]) for j in jobs]
    end = [datetime.fromisoformat(j["finished"]) for j in jobs]
    assert start[0] < end[1] and start[1] < end[0]
    orgs = sorted(o for s in _ledger(site) if s["status"] == "accepted" for o in s["organisations"])
    assert "RZA" in orgs and "RZB" in orgs


def test_a_failing_job_is_reported_with_its_error(site):
    job_id = site.queue_upload("gone.csv", [sickness("RZA", "2024-03")])
    # the file the job was to import disappears before a worker takes it
    for path in (site.home / "jobs" / job_id).iterdir():
        path.unlink()
    with site.workers():
        job = site.wait(job_id)
    assert job["state"] == "failed"
    assert job["error"] == "The uploaded file gone.csv is no longer there. Send it again."
    listed = site.cli("jobs", "list").stderr
    assert "upload failed: gone.csv (sickness_absence)" in listed


def test_a_job_runs_through_redis(tmp_path):
    site = _site(tmp_path, ONEWORKFORCE_REDIS_URL="redis://127.0.0.1:6379/0")
    job_id = site.queue_upload("rza.csv", [sickness("RZA", "2024-03", days_lost=40.0)])
    assert not (site.home / "queue.sqlite3").exists()  # not the embedded queue
    with site.workers():
        job = site.wait(job_id)
    assert job["state"] == "done" and job["result"]["status"] == "accepted"
    assert "Redis at 127.0.0.1:6379" in (tmp_path / "worker.log").read_text()
