"""Fixtures for the web pages: a data directory with 18 months of staff in post and sickness
for the three partner organisations of the sample register (the data of
tests/metrics/test_results_store.py), the results stored, and one user per role.

Worked by hand from that data (RZA: secondary care, North; RZB: NHS community, South;
B99001: general practice, North):

* staff in post FTE, secondary care: 2024-06 a1, a2, a3, a5 at 1.0 = 4.0; 2023-06 also a4 at
  0.5 = 4.5.
* sickness, secondary care (RZA): days lost 30 + month index over 1,000 available, so
  2024-06 (index 17) 4.7% and 2023-06 (index 5) 3.5%; NHS community (RZB) 2024-06: 2.9%.
"""

from __future__ import annotations

import shutil

import pytest
from django.db import transaction
from django.test import Client

from oneworkforce.config import Home
from oneworkforce.data.importer import Importer
from oneworkforce.metrics.store import ResultsStore
from oneworkforce.web.accounts.service import create_user
from tests.data.samples import SAMPLES, write
from tests.metrics.test_results_store import MONTHS, ORG, sickness, staff

PASSWORD = "a-long-test-password-1"

#: the users of the web tests: name -> (role, organisations of the membership)
PEOPLE = {
    "admin": ("admin", ()),
    "analyst": ("analyst", ()),
    "programme_lead": ("programme_lead", ()),
    "org_data_lead": ("org_data_lead", ("RZA",)),
    "other_org_lead": ("org_data_lead", ("RZB",)),  # a member of another organisation
    "board": ("board", ()),
    "viewer": ("viewer", ()),
}


@pytest.fixture(scope="session")
def story_lake(tmp_path_factory, django_db_setup, django_db_blocker):
    """The story data loaded and every result stored, once per session. The ledger rows the
    import writes are rolled back; the pages read only the lake and the results."""
    root = tmp_path_factory.mktemp("story")
    home = Home.resolve(root / "home")
    with django_db_blocker.unblock(), transaction.atomic():
        importer = Importer(home, submitted_by="tester")
        for name, dataset, rows in (
            ("register", "organisations", SAMPLES["organisations"]),
            ("sip", "staff_in_post", [r for m in MONTHS for o in ORG for r in staff(o, m)]),
            ("sick_rza", "sickness_absence", [sickness("RZA", m) for m in MONTHS]),
            ("sick_rzb", "sickness_absence", [sickness("RZB", m) for m in MONTHS]),
        ):
            result = importer.import_file(dataset, write(root / f"{name}.csv", rows))
            assert result.status == "accepted", result.report.summary()
        ResultsStore(home.lake).rebuild()
        transaction.set_rollback(True)
    return home


@pytest.fixture
def story(story_lake, settings, tmp_path, db):
    """A copy of the story data directory of its own for one test."""
    home = Home.resolve(tmp_path / "home")
    shutil.copytree(story_lake.lake, home.lake, dirs_exist_ok=True)
    settings.HOME = home
    return home


@pytest.fixture
def people(db):
    return {
        name: create_user(name, role, password=PASSWORD, organisations=orgs)
        for name, (role, orgs) in PEOPLE.items()
    }


@pytest.fixture
def browser_for(people):
    """A signed-in Django test client for one of PEOPLE (``None``: anonymous)."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(people[name])
        return client

    return make


@pytest.fixture(autouse=True)
def fresh_page_caches():
    """Each test has a data directory of its own, while a server process serves one: the
    per-process store cache and the shared fragment cache are emptied before each test, so a
    page never shows figures cached from another test's data directory."""
    from django.core.cache import cache

    from oneworkforce.web.dashboard import data

    data._cache.clear()
    cache.clear()
