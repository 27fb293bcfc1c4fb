"""Fixtures for the API and submissions tests: a data directory with the sample register and
staff in post loaded and the results stored, and one user per role.

The sample staff in post (tests/data/samples.py) for 2024-03: RZA has p1 at 1.0 FTE and p2 at
0.6 FTE, RZB has p2 at 0.4 FTE; so staff_in_post_fte is 2.0 for the system, 1.6 for RZA and
0.4 for RZB. 2024-04 has p1 at RZA only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from oneworkforce.metrics.store import after_commit_hook
from oneworkforce.web.accounts.service import create_user, issue_token
from tests.data.samples import SAMPLES, write

__all__ = ["client_for", "loaded", "submissions_templates", "token_for", "users"]

PASSWORD = "a-long-test-password-1"
SUBMISSIONS_TEMPLATES = (
    Path(__file__).resolve().parents[2] / "src/oneworkforce/web/submissions/templates"
)
#: role -> organisations of the membership (none: system-wide)
ROLES = {
    "admin": (),
    "analyst": (),
    "programme_lead": (),
    "org_data_lead": ("RZA",),
    "board": (),
    "viewer": (),
}


@pytest.fixture(autouse=True)
def submissions_templates(settings):
    """Find the submissions templates even before the app is in INSTALLED_APPS (a change the
    lead makes in settings); a no-op once it is."""
    if "oneworkforce.web.submissions" not in django_settings.INSTALLED_APPS:
        templates = [dict(t) for t in settings.TEMPLATES]
        templates[0]["DIRS"] = [*templates[0]["DIRS"], SUBMISSIONS_TEMPLATES]
        settings.TEMPLATES = templates


@pytest.fixture
def loaded(importer, settings, tmp_path):
    """The sample staff in post loaded through the importer, results stored by its hook."""
    home = importer.home
    settings.HOME = home
    importer.after_commit = [after_commit_hook(home)]
    result = importer.import_file(
        "staff_in_post", write(tmp_path / "staff.csv", SAMPLES["staff_in_post"])
    )
    assert result.status == "accepted", result.report.summary()
    assert not result.hook_errors, result.hook_errors
    return home


@pytest.fixture
def users(db):
    return {
        role: create_user(role, role, password=PASSWORD, organisations=orgs)
        for role, orgs in ROLES.items()
    }


@pytest.fixture
def client_for(users):
    """A signed-in test client for a role (``None``: anonymous)."""

    def make(role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(users[role])
        return client

    return make


@pytest.fixture
def token_for(users):
    def make(role: str) -> str:
        return issue_token(users[role], f"{role} Power BI", actor="tests")

    return make
