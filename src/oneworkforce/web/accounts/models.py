"""A membership gives a user a role, system-wide (no organisation) or for one organisation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models

from oneworkforce.web.access import Role


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role])
    #: an organisation code from the register; blank means the whole system
    organisation = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="one_membership_per_scope"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.organisation or '(system)'}"


class ApiToken(models.Model):
    """A bearer token for the JSON API (Power BI, Excel). Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user} {self.name}"


class UserSession(AbstractBaseSession):
    """A signed-in (or anonymous) session, with the user it belongs to."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from oneworkforce.web.accounts.sessions import SessionStore

        return SessionStore
