"""Accounts (issue 14, item 5): Django's password validators on every password that is set,
no silent password change of an existing user, and the commands that deactivate a user,
revoke a token and unlock a locked-out account, each audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oneworkforce.audit.models import AuditEvent
from oneworkforce.web.accounts import service
from oneworkforce.web.accounts.service import AccountError, create_user
from tests.web.test_accounts import run_cli

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"
NEW_PASSWORD = "another-long-password-2"


@pytest.mark.parametrize(
    ("username", "password", "why"),
    [
        ("ann", "short-pw-1", "too short"),  # 10 characters < 12
        ("ann", "123456789012345", "entirely numeric"),
        ("ann", "password1234", "too common"),  # in Django's list of common passwords
        ("margaret.hamilton", "margaret.hamilton1", "too similar"),  # to the user name
    ],
)
def test_every_password_validator_is_enforced(username, password, why):
    with pytest.raises(AccountError, match=why):
        create_user(username, "viewer", password=password)
    assert not get_user_model().objects.filter(username=username).exists()


def test_an_existing_users_password_changes_only_with_reset_password():
    user = create_user("ann", "viewer", password=PASSWORD)
    with pytest.raises(AccountError, match=r"already exists.*--reset-password"):
        create_user("ann", "analyst", password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.memberships.filter(role="analyst").exists()  # nothing half-done
    # granting another role without a password is still allowed
    create_user("ann", "board", password=None, actor="admin")
    create_user("ann", "viewer", password=NEW_PASSWORD, reset_password=True, actor="admin")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    events = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("actor", "action"))
    assert ("admin", "user.reset_password") in events
    # a reset password is checked like a new one
    with pytest.raises(AccountError, match="too short"):
        create_user("ann", "viewer", password="short-pw-1", reset_password=True)


def test_a_deactivated_user_cannot_sign_in_and_it_is_audited():
    create_user("ann", "board", password=PASSWORD)
    service.deactivate_user("ann", actor="admin")
    client = Client()
    response = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not the redirect to the dashboard
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor == "admin" and event.changes == {"is_active": [True, False]}
    with pytest.raises(AccountError, match="no user 'nobody'"):
        service.deactivate_user("nobody", actor="admin")


def test_a_revoked_token_is_refused_and_it_is_audited():
    user = create_user("pbi", "analyst", password=PASSWORD)
    key = service.issue_token(user, "Power BI", actor="admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/catalogue", **auth).status_code == 200
    assert service.revoke_token("pbi", "Power BI", actor="admin") == 1
    assert Client().get("/api/v1/catalogue", **auth).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor="admin").count() == 1
    with pytest.raises(AccountError, match="no live API token"):
        service.revoke_token("pbi", "Power BI", actor="admin")


def test_token_use_is_written_at_most_hourly_and_audited():
    user = create_user("pbi", "analyst", password=PASSWORD)
    key = service.issue_token(user, "Power BI", actor="admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for _ in range(3):
        assert Client().get("/api/v1/catalogue", **auth).status_code == 200
    # three requests within the hour: one use recorded
    assert AuditEvent.objects.filter(action="api_token.use", actor="pbi").count() == 1


def test_unlock_lets_a_locked_out_user_sign_in_again():
    create_user("ann", "board", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ann", "password": "wrong-password"})
    locked = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert locked.status_code == 429
    assert service.unlock("ann", actor="admin") >= 1
    again = client.post("/accounts/login/", {"username": "ann", "password": PASSWORD})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="user.unlock", actor="admin").count() == 1


@pytest.mark.slow
def test_the_account_commands(tmp_path):
    home = tmp_path / "home"
    made = run_cli(
        home, "createuser", "ann", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    weak = run_cli(
        home, "createuser", "bob", "--role", "viewer", "--password-stdin", stdin="password1234\n"
    )
    assert weak.returncode == 2 and "too common" in weak.stderr
    again = run_cli(
        home, "createuser", "ann", "--role", "viewer", "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert again.returncode == 2 and "--reset-password" in again.stderr
    reset = run_cli(
        home,
        "createuser",
        "ann",
        "--role",
        "viewer",
        "--password-stdin",
        "--reset-password",
        stdin=NEW_PASSWORD + "\n",
    )
    assert reset.returncode == 0, reset.stderr
    token = run_cli(home, "token", "ann", "--name", "Excel")
    assert token.returncode == 0, token.stderr
    revoked = run_cli(home, "revoke-token", "ann", "--name", "Excel")
    assert revoked.returncode == 0 and "Revoked 1 API token" in revoked.stderr
    unlocked = run_cli(home, "unlock", "ann")
    assert unlocked.returncode == 0 and "can sign in again" in unlocked.stderr
    gone = run_cli(home, "deactivate", "ann")
    assert gone.returncode == 0 and "deactivated" in gone.stderr
    missing = run_cli(home, "deactivate", "nobody")
    assert missing.returncode == 2 and "no user 'nobody'" in missing.stderr
    trail = run_cli(home, "audit", "--actor", "cli", "--object", "user", "--format", "json")
    import json

    actions = [e["action"] for e in json.loads(trail.stdout)]
    # newest first: deactivate, unlock, reset (with its grant), create
    assert actions == [
        "user.deactivate",
        "user.unlock",
        "user.reset_password",
        "user.grant",
        "user.create",
    ]
