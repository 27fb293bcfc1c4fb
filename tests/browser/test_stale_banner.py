"""Never stale silently, as a board member sees it: an import killed after the ledger took
the file but before the figures were refreshed leaves the dashboard showing the earlier
figures under a warning that says so, in words and in UK time. That page queues a results
refresh for the job workers; once it has run, the new figures are shown and the warning has
gone, and the jobs page lists the refresh.

This runs on its own copy of the demo, served by its own ``oneworkforce serve``, so the
other browser tests never see its data. The file is the ICB's whole staff in post for the
latest month: five assignments in post (3.9 FTE by hand: 1.0 + 0.8 + 1.0 + 0.6 + 0.5) and
one bank assignment, which is never staff in post.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from oneworkforce.data.importer import CRASH_ENV
from oneworkforce.web.freshness import REPAIR_TITLE
from tests.browser.conftest import COMMAND_CEILING, _cli, _env, open_signed_in, served
from tests.browser.support import (
    ICB_MONTH,
    ICB_MONTH_FTE,
    JOB_CEILING_MS,
    UPLOAD_SEGMENT,
    fte_text,
    write_staff_in_post,
)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CELL = f'td[data-segment="{UPLOAD_SEGMENT}"][data-metric="staff_in_post_fte"] .owf-value'
BANNER = "Figures from an earlier data version"


def _copy(source: Path, target: Path) -> Path:
    """A copy of a data directory; its SQLite databases through SQLite's backup, so that a
    write the shared server is making cannot be caught half done."""
    databases = {p.name for p in source.glob("*.sqlite3")}
    shutil.copytree(source, target, ignore=lambda _, names: [n for n in names if n in databases])
    for name in databases:
        with sqlite3.connect(source / name) as src, sqlite3.connect(target / name) as dst:
            src.backup(dst)
    return target


def _run(home: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = _env()
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        _cli(home, *args), env=env, capture_output=True, text=True, timeout=COMMAND_CEILING
    )


def _status(home: Path) -> dict:
    done = _run(home, "results", "status", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def stale_demo(demo_home, accounts, tmp_path_factory):
    """(home, address): a copy of the demo (with the accounts), served on its own."""
    folder = tmp_path_factory.mktemp("stale")
    home = _copy(demo_home, folder / "home")
    with served(home, folder) as url:
        yield home, url


def test_a_killed_refresh_is_shown_as_earlier_figures_until_the_queued_repair_ran(
    stale_demo, chromium, accounts, demo, icb_code, tmp_path
):
    home, url = stale_demo
    month = demo.latest_month
    before = fte_text(demo.fte(UPLOAD_SEGMENT, month))
    assert before != ICB_MONTH_FTE
    context, page = open_signed_in(chromium, url, accounts, "board")
    try:
        page.goto("/")
        assert page.locator(CELL).inner_text() == before
        assert page.get_by_text(BANNER).count() == 0

        # the import is killed where the results refresh starts: the ledger has the file
        path = write_staff_in_post(tmp_path, "icb.csv", ICB_MONTH, month, icb_code)
        killed = _run(
            home, "import", "staff_in_post", str(path), crash_at="results_refresh_started"
        )
        assert killed.returncode == 137, killed.stderr

        # the page still shows the figures of the earlier data version, and says so
        page.goto("/")
        assert page.locator(CELL).inner_text() == before
        banner = page.locator(".nhsuk-warning-callout", has_text=BANNER)
        assert banner.is_visible()
        text = banner.inner_text()
        # when they were computed, in UK time as every page says it (the index keeps UTC)
        index = json.loads((home / "lake" / "_results" / "index.json").read_text())
        uk = datetime.fromisoformat(index["computed_at"]).astimezone(ZoneInfo("Europe/London"))
        assert f"computed at {uk.day} {uk:%b %Y %H:%M}, before the latest files" in text
        assert "UTC" not in text and not re.search(r"\d{4}-\d\d-\d\dT", text)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "stale-banner.png"), full_page=False)

        # that page queued a refresh; a worker runs it, and a reload shows the new figures
        deadline = time.monotonic() + JOB_CEILING_MS / 1000
        while page.get_by_text(BANNER).count():
            assert time.monotonic() < deadline, "the figures were not brought up to date"
            time.sleep(0.5)
            page.goto("/")
        assert page.locator(CELL).inner_text() == ICB_MONTH_FTE
        page.screenshot(path=str(SHOTS / "stale-banner-gone.png"), full_page=False)
        assert _status(home)["stale"] is False
    finally:
        context.close()

    # the administrator sees the refresh the page queued, finished, on the jobs page
    context, page = open_signed_in(chromium, url, accounts, "admin", "/jobs/")
    try:
        row = page.locator("tr", has_text=REPAIR_TITLE)
        assert row.count() == 1
        assert "Finished" in row.inner_text()
    finally:
        context.close()
