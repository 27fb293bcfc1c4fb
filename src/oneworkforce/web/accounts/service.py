"""Creating users and giving them roles: the one place that writes accounts, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

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
):
    """Create (or update the roles of) a user. Organisation roles need ``organisations``."""
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
    if password is not None and len(password) < 12:
        raise AccountError("the password must be at least 12 characters")
    User = get_user_model()
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        if password is not None:
            user.set_password(password)
        elif created:
            user.set_unusable_password()  # signs in through OpenID Connect only
        if email:
            user.email = email
        user.save()
        scopes = orgs or [""]
        for org in scopes:
            user.memberships.get_or_create(role=role_.value, organisation=org)
        trail.record(
            actor,
            "user.create" if created else "user.grant",
            "user",
            user.pk,
            {"username": username, "role": role_.value, "organisations": orgs},
        )
    return user


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


def end_sessions(user_id: int, *, actor: str = "system", reason: str = "") -> int:
    """End every session of a user on every worker and app server at once: the rows go from
    the database and their copies from the shared cache. Returns how many were ended; audited
    (as ``user.sessions_end``) when a reason is given."""
    from oneworkforce.web.accounts.models import UserSession

    store = UserSession.get_session_store_class()
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    with transaction.atomic():
        for key in keys:
            store(key).delete()
        if reason:
            trail.record(
                actor, "user.sessions_end", "user", user_id, {"reason": reason, "ended": len(keys)}
            )
    return len(keys)
