"""Errors and edges (issue 14, item 6): each was a reproduced finding, and each answers a
clear refusal now instead of a server error, a silent change or a world-readable file."""

from __future__ import annotations

import os
import stat

import pytest

from oneworkforce.config import Home
from tests.data.test_atomicity import cli


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2025-13", "2025-00", "2025-1", "March"])
def test_a_month_that_does_not_exist_is_a_400_naming_it(client, django_user_model, period):
    from oneworkforce.web.accounts.models import Membership

    user = django_user_model.objects.create_user("an", password="a-long-test-password-1")
    Membership.objects.create(user=user, role="analyst")
    client.force_login(user)
    response = client.get(f"/?period={period}")
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


@pytest.mark.slow
def test_a_negative_limit_is_one_line_not_an_unexpected_error(tmp_path):
    run = cli(tmp_path / "home", "submissions", "--limit", "-1")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "oneworkforce: --limit must be a whole number of 1 or more, not -1"
    ]


@pytest.mark.slow
def test_the_data_directory_lake_and_sqlite_file_are_the_owners_only(tmp_path):
    from oneworkforce.data.lake import Lake

    # a real command on a new home: it opens the operational store (SQLite, no DATABASE_URL)
    env_home = tmp_path / "new-home"
    run = cli(env_home, "submissions")
    assert run.returncode == 0, run.stderr
    home = Home.resolve(env_home)
    lake = Lake(home)
    mode = {
        "home": stat.S_IMODE(os.stat(home.root).st_mode),
        "lake": stat.S_IMODE(os.stat(lake.root).st_mode),
        "sqlite": stat.S_IMODE(os.stat(home.sqlite).st_mode),
    }
    assert mode == {"home": 0o700, "lake": 0o700, "sqlite": 0o600}


def test_asking_where_the_sqlite_file_is_does_not_create_it(tmp_path):
    home = Home.resolve(tmp_path / "asked")
    assert home.sqlite.name == "operational.sqlite3"
    assert not home.sqlite.exists()


def test_an_existing_directory_keeps_its_permissions(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    Home.resolve(shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o755  # the owner chose it
