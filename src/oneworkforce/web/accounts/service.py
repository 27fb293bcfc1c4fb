"""The actions layer of accounts: creating users, giving them roles, resetting passwords,
deactivating users, issuing and revoking API tokens, unlocking a locked-out sign-in. The one
place that writes accounts; each action records its audit event in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oneworkforce.audit import trail
from oneworkforce.web.access import ORG_ROLES, Role


class AccountError(ValueError):
    pass


def create_user(
    username: str,
    role: str,
    *,
    password: str | None,
    organisations: Iterable[str] = (),
    email: str = "",
    actor: str = "system",
    known_organisations: set[str] | None = None,
    reset_password: bool = False,
):
    """Create a user, or give an existing user another role. Organisation roles need
    ``organisations``. An existing user's password is changed only with ``reset_password``
    (audited as ``user.reset_password``); otherwise a password for an existing user is
    refused, so a typing slip cannot take over someone else's account."""
    try:
        role_ = Role(role)
    except ValueError:
        raise AccountError(
            f"unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}"
        ) from None
    orgs = list(dict.fromkeys(o.strip().upper() for o in organisations if o.strip()))
    if role_ in ORG_ROLES and not orgs:
        raise AccountError(f"role {role_.value} needs at least one --org")
    if known_organisations is not None:
        unknown = [o for o in orgs if o not in known_organisations]
        if unknown:
            raise AccountError(f"unknown organisation code(s): {', '.join(unknown)}")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, email=email)
        elif password is not None and not reset_password:
            raise AccountError(
                f"user {username!r} already exists; to change their password, "
                "run createuser again with --reset-password"
            )
        elif reset_password and password is None:
            raise AccountError("--reset-password needs a new password (--password-stdin)")
        if password is not None:
            check_password(password, user)
            user.set_password(password)
        elif created:
            user.set_unusable_password()  # signs in through OpenID Connect only
        if email:
            user.email = email
        user.save()
        scopes = orgs or [""]
        for org in scopes:
            user.memberships.get_or_create(role=role_.value, organisation=org)
        grant = {"username": username, "role": role_.value, "organisations": orgs}
        if created:
            trail.record(actor, "user.create", "user", user.pk, grant)
        else:
            trail.record(actor, "user.grant", "user", user.pk, grant)
            if password is not None:
                trail.record(actor, "user.reset_password", "user", user.pk, {"username": username})
    return user


def check_password(password: str, user) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS: similar to the user
    name or e-mail, at least 12 characters, not a common password, not all digits)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("the password " + "; ".join(_lower(m) for m in exc.messages)) from None


def _lower(message: str) -> str:
    # Django's messages read "This password is too short. ..." -> "is too short. ..."
    for prefix in ("This password ", "The password "):
        if message.startswith(prefix):
            return message[len(prefix) :].rstrip(".")
    return message.rstrip(".")


def create_oidc_user(email: str, first_name: str = "", last_name: str = ""):
    """The user of a first OpenID Connect sign-in: a viewer, with no local password."""
    User = get_user_model()
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
        user.memberships.create(role=Role.VIEWER.value, organisation="")
        trail.record(email, "user.create", "user", user.pk, {"via": "oidc", "role": "viewer"})
    return user


def deactivate_user(username: str, *, actor: str):
    """Stop a user signing in or using their API tokens (their history stays)."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            raise AccountError(f"there is no user {username!r}")
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            trail.record(actor, "user.deactivate", "user", user.pk, {"is_active": [True, False]})
    return user


def revoke_token(username: str, name: str, *, actor: str) -> int:
    """Revoke the user's live API tokens called ``name``; how many were revoked."""
    from oneworkforce.web.accounts.models import ApiToken

    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update().filter(
                user__username=username, name=name, revoked=False
            )
        )
        if not tokens:
            raise AccountError(f"{username!r} has no live API token called {name!r}")
        for token in tokens:
            token.revoked = True
            token.save(update_fields=["revoked"])
            trail.record(
                actor, "api_token.revoke", "api_token", token.pk, {"revoked": [False, True]}
            )
    return len(tokens)


def unlock(username: str, *, actor: str) -> int:
    """Clear django-axes' record of failed sign-ins for ``username`` (from every address, so
    the user can sign in again at once); how many records were cleared."""
    from axes.utils import reset

    user = get_user_model().objects.filter(username=username).first()
    with transaction.atomic():
        cleared = reset(username=username)
        trail.record(
            actor,
            "user.unlock",
            "user",
            user.pk if user else username,
            {"username": username, "attempts_cleared": cleared},
        )
    return cleared


#: a token's ``last_used_at`` is written (and audited) at most this often
TOKEN_USE_RESOLUTION = dt.timedelta(hours=1)


def note_token_use(token) -> None:
    """Record that a token was used: at most once an hour per token, audited, so the trail
    shows when each token was in use without an event for every request."""
    from oneworkforce.web.accounts.models import ApiToken

    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        trail.record(token.user.get_username(), "api_token.use", "api_token", token.pk, {})


def issue_token(user, name: str, *, actor: str) -> str:
    """Make an API token; the plain key is returned once and never stored."""
    from oneworkforce.web.accounts.models import ApiToken

    key = "owf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key))
        trail.record(actor, "api_token.create", "api_token", token.pk, {"name": name})
    return key


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def end_sessions(user_id: int, *, actor: str = "", action: str = "") -> int:
    """End every session of a user on every worker and app server at once: the rows go from
    the database and their copies from the shared cache. Returns how many were ended; with
    an ``action`` (e.g. ``user.sign_out_everywhere``) it is audited in the same transaction."""
    from oneworkforce.web.accounts.models import UserSession

    store = UserSession.get_session_store_class()
    with transaction.atomic():
        keys = list(
            UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True)
        )
        for key in keys:
            store(key).delete()
        if action:
            trail.record(actor or "system", action, "user", user_id, {"sessions": len(keys)})
    return len(keys)


def sign_in(request, user, *, via: str, client: str) -> None:
    """Sign a user in: the session row, the last sign-in time and the audit event commit
    together."""
    from django.contrib import auth

    with transaction.atomic():
        auth.login(request, user)
        request.session.save()
        trail.record(
            user.get_username(), "user.sign_in", "user", user.pk, {"via": via, "client": client}
        )


def sign_out(request) -> None:
    """Sign the request's user out: the session goes, with its audit event."""
    from django.contrib import auth

    with transaction.atomic():
        if request.user.is_authenticated:
            user = request.user
            trail.record(user.get_username(), "user.sign_out", "user", user.pk)
        auth.logout(request)


def sign_in_refused(name: str, *, reason: str, detail: str, client: str, via: str = "oidc") -> None:
    """Audit a sign-in that did not happen (nothing else is written): ``name`` is the e-mail
    address or user name that was tried (never the password)."""
    with transaction.atomic():
        trail.record(
            name or "anonymous",
            "user.sign_in_failed",
            "user",
            name or "",
            {"via": via, "reason": reason, "detail": detail[:200], "client": client},
        )
