"""Fixtures for the registers tests: the seed tables, and a signed-in client per role."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.web.access import Role

DEMO = Path(__file__).resolve().parents[2] / "src" / "oneworkforce" / "registers" / "demo"


@pytest.fixture
def seed():
    return DEMO


@pytest.fixture
def client_for(db, client):
    """``client_for(role)`` signs a user with that system-wide role in (or None: no roles)."""
    from django.contrib.auth import get_user_model

    from oneworkforce.web.accounts.models import Membership

    def make(role: Role | None):
        user = get_user_model().objects.create_user(
            username=f"user-{role or 'none'}", password="a-long-test-password-1"
        )
        if role is not None:
            Membership.objects.create(user=user, role=role)
        client.force_login(user)
        return client

    return make
