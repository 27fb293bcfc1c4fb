"""``oneworkforce serve``: gunicorn starts after migrating, serves pages and static files."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.data.samples import SAMPLES, write


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read()


def server_env() -> dict[str, str]:
    """The environment of the served app and its commands: the data directory's own SQLite."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ONEWORKFORCE_SECRET_KEY"] = "test"
    return env


def start_serve(home, port: int, log, workers: int) -> subprocess.Popen:
    """`oneworkforce serve`, its output to ``log``."""
    command = [sys.executable, "-m", "oneworkforce", "--home", str(home), "serve"]
    return subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=server_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_serve_migrates_and_serves_pages_and_static_files(tmp_path):
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = start_serve(tmp_path / "home", port, log, workers=1)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert (status, body) == (200, b"ok")
        status, location, _ = fetch(f"{base}/")
        assert status == 302 and location.startswith("/accounts/login/")
        status, _, body = fetch(f"{base}/accounts/login/")
        assert status == 200 and b"Sign in to OneWorkforce" in body
        assert (tmp_path / "home" / "operational.sqlite3").exists()  # migrated on start
        status, _, css = fetch(f"{base}/static/oneworkforce/app.css")
        assert status == 200 and b".owf-matrix" in css
        # serve started the job workers too: a queued upload is run without anything else
        register = write(tmp_path / "reg.csv", SAMPLES["organisations"])
        cli = [sys.executable, "-m", "oneworkforce", "--home", str(tmp_path / "home"), "jobs"]
        queued = subprocess.run(
            [*cli, "upload", "organisations", str(register), "--format", "json"],
            env=server_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        job_id = json.loads(queued.stdout)["id"]
        waited = subprocess.run(  # a ceiling for a loaded machine, not the expected time
            [*cli, "wait", job_id, "--timeout", "300", "--format", "json"],
            env=server_env(),
            capture_output=True,
            text=True,
            timeout=360,
        )
        assert waited.returncode == 0, waited.stderr
        assert json.loads(waited.stdout)["result"]["status"] == "accepted"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_stopping_the_server_ends_every_worker_cleanly(tmp_path):
    """Issue 14: stopping `serve` now and then aborted a worker (SIGABRT/SIGSEGV from native
    threads torn down at interpreter exit). Each stop, straight after start-up (workers still
    warming) and after serving pages, must end every worker with no signal and exit 0."""
    for attempt, wait_for_pages in enumerate([False, True, True]):
        port = free_port()
        log_path = tmp_path / f"server-{attempt}.log"
        with log_path.open("wb") as log:
            server = start_serve(tmp_path / "home", port, log, workers=2)
            deadline = time.monotonic() + 120
            while True:
                try:
                    fetch(f"http://127.0.0.1:{port}/healthz")
                    break
                except OSError:
                    assert server.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            if wait_for_pages:
                for path in ("/accounts/login/", "/", "/healthz"):
                    fetch(f"http://127.0.0.1:{port}{path}")
            server.terminate()
            code = server.wait(timeout=60)
        text = log_path.read_text()
        assert "was sent SIG" not in text and "terminate called" not in text, text
        assert code == 0, text
