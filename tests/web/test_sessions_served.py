"""Sessions end on every worker at once (issue 16): the real server, gunicorn with two
workers as ``oneworkforce serve`` starts it, on the embedded cache (files in the data
directory) and on Redis (127.0.0.1:6379).

For each way a session ends (sign-out, a password change, a deactivation, a role change):
sign in, make requests on new connections until both workers have served the session, end
it, then send the old session cookie 50 times: every one of the 50 is sent to sign-in. Before
the shared cache, each worker kept its own copy of the session and 11 to 20 of 20-30 such
requests were still let in (issue 16).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.web.test_serve import free_port

PASSWORD = "a-long-test-password-1"
ROOT = Path(__file__).resolve().parents[2]


def in_home(home: Path, env: dict[str, str], code: str) -> str:
    """Run Python against a data directory's operational store in a new process, with
    ``User`` and ``transaction`` at hand; returns what it printed."""
    script = (
        "from oneworkforce import opstore; from oneworkforce.config import Home\n"
        f"opstore.setup(Home.resolve({str(home)!r}), migrate=False)\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.db import transaction\n"
        "User = get_user_model()\n" + code
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Server:
    def __init__(self, home: Path, env: dict[str, str], log: Path) -> None:
        self.home, self.env, self.port = home, env, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oneworkforce",
                "--home",
                str(home),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--threads",
                "2",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert self.proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)

    def get(self, path: str, session: str) -> requests.Response:
        """A request on a new connection (so the kernel picks a worker each time)."""
        return requests.get(
            self.base + path,
            cookies={"sessionid": session},
            headers={"Connection": "close"},
            allow_redirects=False,
            timeout=10,
        )

    def sign_in(self, username: str) -> str:
        with requests.Session() as browser:
            page = browser.get(f"{self.base}/accounts/login/", timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = browser.post(
                f"{self.base}/accounts/login/",
                data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
                headers={"Referer": f"{self.base}/accounts/login/"},
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code == 302, answer.text[:500]
            return browser.cookies["sessionid"]

    def spread(self, session: str) -> set[str]:
        """Requests until both workers have served the session (signed in on each)."""
        workers: set[str] = set()
        for _ in range(200):
            response = self.get("/accounts/", session)
            assert response.status_code == 200, (response.status_code, response.headers)
            workers.add(response.headers["X-Test-Worker"])
            if len(workers) == 2:
                return workers
        raise AssertionError(f"only workers {workers} answered 200 requests")

    def refused(self, session: str, times: int = 50) -> tuple[int, set[str]]:
        """How many of ``times`` requests with the cookie were sent to sign in, and by which
        workers."""
        count, workers = 0, set()
        for _ in range(times):
            response = self.get("/accounts/", session)
            workers.add(response.headers["X-Test-Worker"])
            if response.status_code == 302 and "/accounts/login/" in response.headers["Location"]:
                count += 1
        return count, workers

    def sign_out(self, session: str) -> None:
        with requests.Session() as browser:
            browser.cookies.set("sessionid", session)
            page = browser.get(f"{self.base}/accounts/", timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = browser.post(
                f"{self.base}/accounts/logout/",
                data={"csrfmiddlewaretoken": token},
                headers={"Referer": f"{self.base}/accounts/"},
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code == 302

    def run(self, *args: str, stdin: str = "") -> None:
        done = subprocess.run(
            [sys.executable, "-m", "oneworkforce", "--home", str(self.home), *args],
            env=self.env,
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def django(self, code: str) -> str:
        """Change the operational store as another process would (the server's own setup)."""
        return in_home(self.home, self.env, code)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture(params=["embedded", "redis"])
def server(request, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.pop("ONEWORKFORCE_REDIS_URL", None)
    env["ONEWORKFORCE_SECRET_KEY"] = "test-only-not-a-secret"
    env["DJANGO_SETTINGS_MODULE"] = "tests.serve_settings"
    env["ONEWORKFORCE_CACHE_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"  # this test's keys only
    if request.param == "redis":
        env["ONEWORKFORCE_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    home = tmp_path / "home"
    for name in ("ann", "bob", "cat", "dan"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "oneworkforce",
                "--home",
                str(home),
                "createuser",
                name,
                "--role",
                "analyst",
                "--password-stdin",
            ],
            env=env,
            cwd=ROOT,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    srv = Server(home, env, tmp_path / "server.log")
    yield srv
    srv.stop()


#: (user, how their session ends); each signs in, is served by both workers, then this
ENDINGS = [
    ("ann", "sign-out"),
    ("bob", "password change"),  # each by an administrator's command, in another process
    ("cat", "deactivation"),
    ("dan", "role change"),  # another role granted with createuser
]


def end(server: Server, name: str, how: str, session: str) -> None:
    """End the session the way a person or an administrator would."""
    if how == "sign-out":
        server.sign_out(session)
    elif how == "password change":
        server.run(
            "createuser",
            name,
            "--role",
            "analyst",
            "--password-stdin",
            "--reset-password",
            stdin="another-Long-pass-2026\n",
        )
    elif how == "deactivation":
        server.run("deactivate", name)
    else:
        server.run("createuser", name, "--role", "board")


@pytest.mark.slow
def test_a_session_ends_on_every_worker_at_once(server):
    for name, how in ENDINGS:
        session = server.sign_in(name)
        assert len(server.spread(session)) == 2
        end(server, name, how, session)
        refused, workers = server.refused(session)
        assert refused == 50 and len(workers) == 2, (how, refused, workers)

    # every ended session's row is gone, not only refused
    server.django(
        "from oneworkforce.web.accounts.models import UserSession\n"
        "ids = User.objects.filter(username__in=['ann','bob','cat','dan']).values('pk')\n"
        "assert not UserSession.objects.filter(user_id__in=ids).exists()\n"
    )
