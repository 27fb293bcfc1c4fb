"""Sign-in with NHS mail end to end (issue 16): OneWorkforce served by ``oneworkforce serve``
(two workers) against a real OpenID Connect provider on loopback, the certified Node
``oidc-provider`` package (pinned in package.json) run with the machine's Node, driven by
Debian's chromium.

OneWorkforce is given only the issuer, the client id and the secret: every endpoint comes
from the provider's discovery document. The provider (tests/browser/oidc_provider.mjs) lets
anyone sign in with any name; the test switches its token endpoint to answer with an ID token
signed by a key that is not the provider's, one for another client, and one signed by a new
key the provider has just published (a key rotation, which must be accepted). Last, the
provider is stopped (connections refused) and replaced by a listener that never answers;
each ends on OneWorkforce's error page within the configured read timeout (3 s here).

Screenshots of each page are saved in the test's folder (``shots/``) and, when
``ONEWORKFORCE_SHOTS`` names a folder, copied there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import _env, _free_port
from tests.browser.support import axe_violations, describe
from tests.web.test_sessions_served import in_home

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
READ_TIMEOUT = 3  # seconds: ONEWORKFORCE_OIDC_READ_TIMEOUT for this server


def _spawn(cmd: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """Start a process writing to ``log`` (the child keeps its own handle)."""
    with log.open("wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, **kwargs)


def _wait(url: str, proc: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{url} did not start: {log.read_text()[-2000:]}"
        time.sleep(0.3)


class Stack:
    """OneWorkforce and the provider, each in its own process."""

    def __init__(self, folder: Path) -> None:
        assert NODE, "Node.js is needed for the OpenID Connect provider (apt-get install nodejs)"
        self.folder = folder
        self.op_port, self.rp_port = _free_port(), _free_port()
        self.issuer = f"http://127.0.0.1:{self.op_port}"
        self.base = f"http://127.0.0.1:{self.rp_port}"
        self.home = folder / "home"
        self.env = _env()
        self.env.update(
            {
                "ONEWORKFORCE_OIDC_ISSUER": self.issuer,  # only the issuer and the client
                "ONEWORKFORCE_OIDC_CLIENT_ID": "oneworkforce",
                "ONEWORKFORCE_OIDC_CLIENT_SECRET": "oneworkforce-test-secret",
                "ONEWORKFORCE_OIDC_READ_TIMEOUT": str(READ_TIMEOUT),
                "ONEWORKFORCE_OIDC_CONNECT_TIMEOUT": "2",
                "NO_PROXY": "127.0.0.1,localhost",
            }
        )
        self.env.pop("ONEWORKFORCE_REDIS_URL", None)
        self.start_provider()
        log = folder / "server.log"
        self.rp = _spawn(
            [
                sys.executable,
                "-m",
                "oneworkforce",
                "--home",
                str(self.home),
                "serve",
                "--port",
                str(self.rp_port),
                "--workers",
                "2",
            ],
            log,
            env=self.env,
        )
        _wait(f"{self.base}/healthz", self.rp, log)

    def start_provider(self) -> None:
        log = self.folder / "provider.log"
        self.op = _spawn(
            [NODE, str(ROOT / "tests/browser/oidc_provider.mjs"), str(self.op_port), self.base],
            log,
        )
        _wait(f"{self.issuer}/.well-known/openid-configuration", self.op, log, 30)

    def mode(self, name: str) -> None:
        assert requests.get(f"{self.issuer}/test/mode?set={name}", timeout=5).json() == {
            "mode": name
        }

    def forget_provider(self) -> None:
        """Empty OneWorkforce's cache (files in its data directory), so the next sign-in
        reads the discovery document again."""
        shutil.rmtree(self.home / "cache", ignore_errors=True)

    def stop(self) -> None:
        for proc in (self.rp, self.op):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


def audit(stack: Stack, action: str) -> list[dict]:
    printed = in_home(
        stack.home,
        stack.env,
        "import json; from oneworkforce.audit.models import AuditEvent\n"
        "print(json.dumps([dict(actor=e.actor, changes=e.changes) for e in "
        f"AuditEvent.objects.filter(action={action!r}).order_by('id')]))",
    )
    return json.loads(printed.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("oidc"))
    yield s
    s.stop()


@pytest.fixture
def page(chromium, stack, tmp_path, request):
    context = chromium.new_context(base_url=stack.base)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.shots = tmp_path / "shots"  # type: ignore[attr-defined]
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.shots.mkdir(exist_ok=True)
    path = page.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if folder := os.environ.get("ONEWORKFORCE_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def nhs_mail(page, email: str | None) -> None:
    """Press "Sign in with NHS mail"; at the provider, sign in as ``email`` if it asks."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with NHS mail").click()
    page.wait_for_load_state()
    login = page.locator("input[name=login]")
    if email is not None and login.count():
        login.fill(email)
        page.locator("input[name=password]").fill("any-password")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_load_state()


def provider_sign_out(page, stack: Stack) -> None:
    """End the provider's own session (as signing out of NHS mail elsewhere would)."""
    page.goto(f"{stack.issuer}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_load_state()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_sign_in_with_only_the_issuer_configured_and_sign_out_at_the_provider(page, stack):
    nhs_mail(page, "jo.bloggs@nhs.net")
    # a new NHS mail user is a viewer, and lands on the one page a viewer may see
    assert page.url == f"{stack.base}/published/", page.url
    assert "jo.bloggs@nhs.net (viewer)" in page.locator(".nhsuk-header__account").inner_text()
    shot(page, "oidc-signed-in-viewer")
    assert [e["changes"]["via"] for e in audit(stack, "user.sign_in")] == ["oidc"]

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    # the provider asks to end its own session too (RP-initiated logout)
    assert page.url.startswith(stack.issuer), page.url
    shot(page, "oidc-provider-sign-out")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_load_state()
    assert page.url == f"{stack.base}/accounts/login/"
    assert [e["actor"] for e in audit(stack, "user.sign_out")] == ["jo.bloggs@nhs.net"]
    # signing in again asks the provider for a name: its session has ended
    page.get_by_role("link", name="Sign in with NHS mail").click()
    page.wait_for_load_state()
    assert page.url.startswith(stack.issuer) and page.locator("input[name=login]").count() == 1


def test_a_refused_address_is_told_why_and_cannot_lock_out_others(page, stack):
    nhs_mail(page, "someone@gmail.com")
    assert heading(page) == "Your address cannot sign in here"
    words = page.locator("main").inner_text()
    assert "someone@gmail.com" in words and "@nhs.net" in words
    assert page.get_by_role("link", name="Back to sign in").count() == 1
    shot(page, "oidc-refused-address")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # four more refusals from this browser's address (the provider remembers the user)
    for _ in range(4):
        nhs_mail(page, None)
    assert heading(page) in ("Your address cannot sign in here", "Too many sign-in attempts")
    nhs_mail(page, None)  # the sixth: that address is now paused from here
    assert heading(page) == "Too many sign-in attempts"
    shot(page, "oidc-locked-out")
    # a valid NHS mail user from the same address signs in
    provider_sign_out(page, stack)
    nhs_mail(page, "sam.smith@nhs.net")
    assert page.url == f"{stack.base}/published/", page.url
    refusals = [e for e in audit(stack, "user.sign_in_failed") if e["actor"] == "someone@gmail.com"]
    assert {e["changes"]["reason"] for e in refusals} == {"refused", "locked"}
    assert len(refusals) == 6


@pytest.mark.parametrize(
    "mode,accepted",
    [("wrong-key", False), ("wrong-aud", False), ("rotated", True)],
)
def test_id_tokens_are_checked(page, stack, mode, accepted):
    stack.mode(mode)
    try:
        nhs_mail(page, f"token.{mode}@nhs.net")
    finally:
        stack.mode("normal")
    if accepted:  # a key the provider has just published: its keys are fetched again
        assert page.url == f"{stack.base}/published/", page.url
    else:
        assert heading(page) == "NHS mail sign-in could not be checked"
        shot(page, f"oidc-{mode}")
        assert page.get_by_role("link", name="Back to sign in").count() == 1


def test_a_provider_that_refuses_connections_or_never_answers(page, stack):
    stack.op.terminate()
    stack.op.wait(timeout=30)
    stack.forget_provider()
    started = time.monotonic()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with NHS mail").click()
    page.wait_for_load_state()
    assert heading(page) == "NHS mail sign-in is not available"
    assert time.monotonic() - started < 10
    shot(page, "oidc-unreachable")

    silent = socket.socket()
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", stack.op_port))
    silent.listen(16)  # accepts connections and never answers
    try:
        stack.forget_provider()
        started = time.monotonic()
        page.goto("/accounts/login/")
        page.get_by_role("link", name="Sign in with NHS mail").click()
        page.wait_for_load_state()
        waited = time.monotonic() - started
        assert heading(page) == "NHS mail sign-in is not answering"
        assert READ_TIMEOUT <= waited < READ_TIMEOUT + 7, waited
        shot(page, "oidc-slow")
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        silent.close()
    failures = [e["changes"]["reason"] for e in audit(stack, "user.sign_in_failed")]
    assert "unreachable" in failures and "slow" in failures
