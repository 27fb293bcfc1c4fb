"""Browser tests: Playwright driving Debian's chromium against the web app, served by
``oneworkforce serve`` over a small demo data directory.

Everything expensive happens once per session: the demo is generated, imported and computed
in a temporary folder (``demo --no-serve --scale small``), one user per role is created with
``createuser``, and one server is started. Chromium is launched once per test module
(``chromium``). The server's environment has no ``DATABASE_URL``, so it keeps its
operational store in SQLite inside that folder and never touches a test database. The
browser is the system's ``/usr/bin/chromium``; no browser is ever downloaded.

The tests assert on what a user sees. Expected figures are worked out from the demo's source
files (``Demo``), following the metric definitions, never read back from the app. The upload
test changes the data (a new staff-in-post slice for the ICB), so the other tests leave the
ICB corporate segment alone (``UPLOAD_SEGMENT``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.support import UPLOAD_SEGMENT, Demo

CHROMIUM = Path("/usr/bin/chromium")
ROLES = ("admin", "analyst", "programme_lead", "org_data_lead", "board", "viewer")
PASSWORD = "Nimbus-quartz-lantern-{role}-2718"  # unlike the username (validators)
SERVER_START_SECONDS = 90
#: the longest one command may take on a loaded machine: a ceiling, not an expected time
COMMAND_CEILING = 600


# --- the served demo ---------------------------------------------------------------------


def _env() -> dict[str, str]:
    """The server's environment: no DATABASE_URL (SQLite in the data directory) and none of
    the test settings pytest-django put in this process's environment."""
    drop = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ONEWORKFORCE_HOME"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["ONEWORKFORCE_SECRET_KEY"] = "browser-tests-only"
    return env


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "oneworkforce", "--home", str(home), *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # a missing browser fails the run (never a silent skip): install it, or deselect the
    # browser tests with -m "not browser"
    assert CHROMIUM.exists(), (
        "Debian's chromium is not at /usr/bin/chromium: apt-get install chromium "
        "(.ci/run does), or run with -m 'not browser'"
    )
    home = tmp_path_factory.mktemp("browser") / "home"
    done = subprocess.run(
        _cli(home, "demo", "--no-serve", "--scale", "small"),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the demo failed:\n{done.stderr[-3000:]}"
    return home


@pytest.fixture(scope="session")
def demo(demo_home: Path) -> Demo:
    return Demo(demo_home / "demo-data" / "small-seed1")


@pytest.fixture(scope="session")
def icb_code(demo: Demo) -> str:
    (code,) = demo.partners(UPLOAD_SEGMENT)
    return code


@pytest.fixture(scope="session")
def accounts(demo_home: Path, icb_code: str) -> dict[str, tuple[str, str]]:
    """role -> (username, password): one user per role (the data lead for the ICB), made
    with ``createuser`` side by side."""

    def create(role: str) -> tuple[str, str]:
        username = f"browser-{role.replace('_', '-')}"
        password = PASSWORD.format(role=role)
        orgs = ["--org", icb_code] if role == "org_data_lead" else []
        done = subprocess.run(
            _cli(demo_home, "createuser", username, "--role", role, *orgs, "--password-stdin"),
            env=_env(),
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=COMMAND_CEILING,
        )
        assert done.returncode == 0, f"createuser {role}: {done.stderr}"
        return username, password

    with ThreadPoolExecutor(max_workers=len(ROLES)) as pool:
        return dict(zip(ROLES, pool.map(create, ROLES), strict=True))


@contextlib.contextmanager
def served(home: Path, log_dir: Path) -> Iterator[str]:
    """``oneworkforce serve`` of ``home`` (its web workers and job workers) on a free port,
    once it answers ``/healthz``: its address; stopped with all its processes afterwards."""
    port = _free_port()
    log_path = log_dir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            _cli(home, "serve", "--port", str(port), "--workers", "2", "--threads", "4"),
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share its process group, stopped together
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(f"{url}/healthz"):
            assert server.poll() is None, f"serve exited:\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "serve did not answer /healthz in time"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()  # gunicorn's master stops its workers on SIGTERM
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        # whatever is left of the master and its workers, by their group's id
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(scope="session")
def base_url(demo_home: Path, accounts, tmp_path_factory) -> Iterator[str]:
    with served(demo_home, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, launched once per test module: Playwright's sync API allows one
    running instance per thread, so a module's browser tests share it. It is stopped after
    each module because the sync API keeps an event loop running in this thread while it is
    up, and Django refuses any database query from a thread with a running loop
    (``SynchronousOnlyOperation``): a ``django_db`` test that the same xdist worker runs after
    the browser group would fail at its setup."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed at /usr/bin/chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser(base_url: str, chromium):
    """The module's chromium, once the demo is served."""
    return chromium


def open_signed_in(
    browser, base_url: str, accounts, role: str, next_path: str = "/", locale: str = "en-GB"
):
    """A new browser session signed in through the form as ``role``, on ``next_path``, in a
    browser set to ``locale``: (context, page)."""
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(next_path)
    username, password = accounts[role]
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{role} could not sign in"
    return context, page


@pytest.fixture
def sign_in(browser, base_url: str, accounts) -> Iterator[Callable[..., object]]:
    """``sign_in(role, next_path="/")``: a new browser session signed in through the form;
    returns its page."""
    contexts = []

    def open_as(role: str, next_path: str = "/"):
        context, page = open_signed_in(browser, base_url, accounts, role, next_path)
        contexts.append(context)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def analyst_page(browser, base_url: str, accounts):
    """One analyst's session shared by a module's tests (each test goes to its own page)."""
    context, page = open_signed_in(browser, base_url, accounts, "analyst", "/published/")
    yield page
    context.close()


@pytest.fixture
def anonymous_page(browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
