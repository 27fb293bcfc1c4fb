"""Accounts and sign-in: Argon2 hashes, throttled sign-in, secure headers and cookies, CSRF,
memberships that scope a role, OpenID Connect by configuration, and ``createuser``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oneworkforce.audit.models import AuditEvent
from oneworkforce.web.access import Permission as P
from oneworkforce.web.access import scope_for
from oneworkforce.web.accounts.service import AccountError, create_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def test_passwords_are_hashed_with_argon2():
    user = create_user("ann", "analyst", password=PASSWORD)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_sign_in_and_out_with_a_local_account(client):
    create_user("ann", "board", password=PASSWORD)
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b'name="csrfmiddlewaretoken"' in page.content
    response = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/start/"
    # a board member's first page is the People Story, the first page of their menu
    assert client.get("/start/")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_for_that_address():
    create_user("ann", "board", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        bad = client.post("/accounts/login/", {"username": "ann", "password": "wrong-password"})
        assert bad.status_code in (200, 429)
    locked = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Too many sign-in attempts" in locked.content
    # another address is not locked out
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert (
        other.post("/accounts/login/", {"username": "ann", "password": PASSWORD}).status_code == 302
    )


def test_forms_need_a_csrf_token():
    create_user("ann", "board", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert response.status_code == 403


def test_security_headers_and_cookies(client):
    create_user("ann", "board", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_memberships_scope_a_role_to_organisations():
    lead = create_user("olu", "org_data_lead", password=PASSWORD, organisations=["rza"])
    scope = scope_for(lead)
    assert scope.can(P.SUBMIT_DATA, "RZA") and not scope.can(P.SUBMIT_DATA, "RZB")
    assert scope.can(P.VIEW_AGGREGATES) and not scope.can(P.EDIT_COVERAGE)
    assert scope.organisations(P.VIEW_SUBMISSIONS) == {"RZA"}
    analyst = scope_for(create_user("ann", "analyst", password=PASSWORD))
    assert analyst.organisations(P.VIEW_SUBMISSIONS) is None  # every organisation
    with pytest.raises(AccountError, match="needs at least one --org"):
        create_user("x", "org_data_lead", password=PASSWORD)
    with pytest.raises(AccountError, match="unknown role"):
        create_user("x", "superhero", password=PASSWORD)
    with pytest.raises(AccountError, match="at least 12 characters"):
        create_user("x", "viewer", password="short")


def test_creating_a_user_is_audited():
    user = create_user("ann", "analyst", password=PASSWORD, actor="admin")
    event = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
    assert (event.actor, event.action) == ("admin", "user.create")
    assert event.changes["role"] == "analyst" and PASSWORD not in str(event.changes)


def test_oidc_sign_in_creates_a_viewer_for_allowed_domains(settings):
    from oneworkforce.web.accounts.oidc import OrganisationOIDCBackend

    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/keys"
    backend = OrganisationOIDCBackend()
    assert backend.verify_claims({"email": "Jo.Bloggs@NHS.net"})
    assert not backend.verify_claims({"email": "jo@gmail.com"})
    user = backend.create_user({"email": "Jo.Bloggs@nhs.net", "given_name": "Jo"})
    assert user.username == "jo.bloggs@nhs.net" and not user.has_usable_password()
    assert scope_for(get_user_model().objects.get(pk=user.pk)).roles == {"viewer"}


def test_the_login_page_offers_nhs_mail_only_when_configured(client, settings):
    assert b"Sign in with NHS mail" not in client.get("/accounts/login/").content
    settings.OIDC_ENABLED = True
    assert b"Sign in with NHS mail" in client.get("/accounts/login/").content


def run_cli(home, *args, stdin=""):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite
    return subprocess.run(
        [sys.executable, "-m", "oneworkforce", "--home", str(home), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a ceiling for a loaded machine, not an expected time
    )


def test_createuser_reads_the_password_from_stdin_and_checks_organisations(tmp_path):
    home = tmp_path / "home"
    # the shipped register is the synthetic ICS's: RZA is in it, ZZ999 is not
    unknown = run_cli(
        home,
        "createuser",
        "olu",
        "--role",
        "org_data_lead",
        "--org",
        "ZZ999",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert unknown.returncode == 2 and "unknown organisation code(s): ZZ999" in unknown.stderr
    ok = run_cli(
        home,
        "createuser",
        "olu",
        "--role",
        "org_data_lead",
        "--org",
        "RZA",
        "--password-stdin",
        "--format",
        "json",
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0, ok.stderr
    assert '"role": "org_data_lead"' in ok.stdout and '"organisation": "RZA"' in ok.stdout
    assert PASSWORD not in ok.stdout
    bad = run_cli(
        home, "createuser", "bob", "--role", "wizard", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert bad.returncode == 2 and "unknown role 'wizard'" in bad.stderr
