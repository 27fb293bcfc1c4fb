"""Never stale silently: while the stored results are behind the accepted files (a refresh
failed, was killed or has not run yet), every page says the figures are from an earlier data
version, and the metrics API says so in a header and in every row; once refreshed, neither.

Figures from tests/web/fixtures_api.py: staff_in_post_fte 2024-03 is 2.0 for the system (RZA
1.6, RZB 0.4). The file sent here replaces RZA's 2024-03 with p1 and p2 at 1.0 FTE each, so the
system becomes 2.0 + 0.4 = 2.4 once the results are refreshed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from oneworkforce.metrics.results_writer import ResultsWriter
from tests.data.samples import SAMPLES, write
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

FTE = "/api/v1/metrics?metric=staff_in_post_fte&period=2024-03"
BANNER = "Figures from an earlier data version"


def _rza_march_at_full_time(tmp_path):
    rows = [
        {**r, "fte": 1.0}
        for r in SAMPLES["staff_in_post"]
        if r["org_code"] == "RZA" and r["period"] == "2024-03"
    ]
    assert len(rows) == 2
    return write(tmp_path / "rza-march.csv", rows)


@pytest.fixture
def stale(loaded, importer, tmp_path):
    """An accepted file whose refresh did not happen (as after a kill or a failed refresh)."""
    importer.after_commit = []
    result = importer.import_file("staff_in_post", _rza_march_at_full_time(tmp_path))
    assert result.status == "accepted", result.report.summary()
    return loaded


def test_fresh_results_carry_no_warning(loaded, client_for):
    client = client_for("analyst")
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "false"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.0)]
    assert all("data_stale" not in r for r in response.json())
    assert BANNER not in client.get("/").content.decode()


def test_stale_results_are_flagged_on_pages_and_in_the_api_until_refreshed(stale, client_for):
    client = client_for("analyst")
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "true"
    rows = response.json()
    assert [r["value"] for r in rows] == [pytest.approx(2.0)]  # the earlier figure
    assert all(r["data_stale"] is True for r in rows)
    # the banner gives the time the figures were computed in UK time, as every page does
    # (the index records it in UTC; in July London is an hour ahead)
    computed = datetime.fromisoformat(ResultsWriter(stale.lake).index()["computed_at"])
    uk = computed.astimezone(ZoneInfo("Europe/London"))
    said = f"computed at {uk.day} {uk:%b %Y %H:%M}, before the latest files were accepted"
    for url in ("/", "/submissions/"):
        page = client.get(url).content.decode()
        assert BANNER in page, url
        assert said in page, url
        assert "UTC" not in page.split(BANNER)[1][:400]

    assert ResultsWriter(stale.lake).refresh().mode == "incremental"

    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "false"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.4)]
    assert all("data_stale" not in r for r in response.json())
    assert BANNER not in client.get("/").content.decode()


@pytest.fixture
def ledger_ahead(loaded, importer, tmp_path, monkeypatch):
    """Killed after the ledger's commit but before the lake's manifest was rewritten: the
    manifest and the stored results still agree with each other; only the ledger moved on."""
    importer.after_commit = []
    monkeypatch.setattr(importer, "sync_manifest", lambda: None)
    result = importer.import_file("staff_in_post", _rza_march_at_full_time(tmp_path))
    assert result.status == "accepted", result.report.summary()
    return loaded


def test_results_behind_the_ledger_are_flagged_before_the_manifest_catches_up(
    ledger_ahead, client_for
):
    from oneworkforce.data.importer import reconcile
    from oneworkforce.data.ledger.service import generation
    from oneworkforce.metrics.results_reader import ResultsReader

    # against the manifest alone the store looks current: that is what was missed before
    reader = ResultsReader(ledger_ahead.lake)
    assert not reader.freshness().stale
    # the register is one slice and the sample staff in post three (RZA 2024-03, RZA 2024-04,
    # RZB 2024-03): 4 stored; the new file adds RZA 2024-03 again (the old one superseded): 5
    assert reader.freshness().stored_generation == 4
    assert generation() == 5
    assert reader.freshness(ledger_generation=generation()).stale

    client = client_for("analyst")
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "true"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.0)]
    assert all(r["data_stale"] is True for r in response.json())
    assert BANNER in client.get("/").content.decode()

    # what the next command does: the manifest from the ledger, then the refresh
    reconcile(ledger_ahead)
    assert ResultsWriter(ledger_ahead.lake).refresh().mode == "incremental"
    response = client.get(FTE)
    assert response["X-OneWorkforce-Data-Stale"] == "false"
    assert [r["value"] for r in response.json()] == [pytest.approx(2.4)]
    assert BANNER not in client.get("/").content.decode()


# --- the repair a page queues ---------------------------------------------------------------


@pytest.fixture
def queue_with_workers(monkeypatch):
    """The queue as served (jobs handed to workers, not run inside the page): the tests'
    settings run each job at once, and a page must never run a refresh itself. Nothing is
    handed over here (a test's transaction never commits), so the rows stay queued."""
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "_immediate", False)


def _refresh_jobs():
    from oneworkforce.jobs.models import Job

    return list(Job.objects.filter(kind="refresh").order_by("created"))


def test_the_first_page_to_find_the_figures_behind_queues_one_refresh(
    stale, client_for, queue_with_workers
):
    from oneworkforce.audit.models import AuditEvent

    client = client_for("board")
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert BANNER in page
    assert "being brought up to date in the background" in page
    (job,) = _refresh_jobs()
    assert (job.state, job.actor) == ("queued", "system")
    assert AuditEvent.objects.filter(action="job.queued", object_id=str(job.id)).exists()

    # the next pages and API calls find it queued, and queue no other
    client.get("/submissions/")
    assert client_for("analyst").get(FTE)["X-OneWorkforce-Data-Stale"] == "true"
    assert len(_refresh_jobs()) == 1

    # a worker runs it: the figures are current, and the pages queue nothing more
    from oneworkforce.jobs.tasks import execute

    execute(str(job.id))
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert BANNER not in client.get("/").content.decode()
    assert client_for("analyst").get(FTE).json()[0]["value"] == pytest.approx(2.4)
    assert len(_refresh_jobs()) == 1


def test_an_upload_under_way_is_left_to_refresh_the_figures(stale, client_for, queue_with_workers):
    from oneworkforce.jobs import actions

    upload = actions.start("upload", "someone", "staff.csv (staff_in_post)", queue=False)
    actions.claim(str(upload.id))  # running
    assert BANNER in client_for("board").get("/").content.decode()
    assert _refresh_jobs() == []


@pytest.mark.parametrize("outcome", ["failed", "done"])
def test_after_a_refresh_finished_pages_wait_before_queuing_another(
    stale, client_for, queue_with_workers, outcome
):
    """At most one repair every five minutes, whatever became of the last: a page view must
    not queue a refresh each time if refreshing cannot bring the figures up to date."""
    from datetime import timedelta

    from django.utils import timezone

    from oneworkforce.jobs import actions
    from oneworkforce.jobs.kinds import Done
    from oneworkforce.jobs.models import Job
    from oneworkforce.web.freshness import BETWEEN_REPAIRS

    last = actions.start("refresh", "system", "Results refresh", queue=False)
    actions.claim(str(last.id))
    job = Job.objects.get(pk=last.id)
    if outcome == "failed":
        actions.fail(job, "OSError: disk full")
    else:
        actions.finish(job, Done(result={}))
    client = client_for("board")
    assert BANNER in client.get("/").content.decode()
    assert [j.id for j in _refresh_jobs()] == [last.id]  # none queued on top

    # once the wait is over, the next page tries again
    Job.objects.filter(pk=last.id).update(
        finished=timezone.now() - BETWEEN_REPAIRS - timedelta(seconds=1)
    )
    client.get("/")
    jobs = _refresh_jobs()
    assert len(jobs) == 2 and jobs[1].state == "queued"


def test_the_queued_repair_catches_the_manifest_up_with_the_ledger_first(
    ledger_ahead, client_for, queue_with_workers
):
    """Killed between the ledger's commit and the manifest's rewrite: the results store's
    refresh alone would find nothing to do (it reads the manifest). The repair job reconciles
    the lake with the ledger first, as a command does."""
    from oneworkforce.jobs.tasks import execute

    client = client_for("board")
    assert BANNER in client.get("/").content.decode()
    (job,) = _refresh_jobs()
    execute(str(job.id))
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.result["refresh"]["mode"] == "incremental"
    assert BANNER not in client.get("/").content.decode()
    assert client_for("analyst").get(FTE).json()[0]["value"] == pytest.approx(2.4)


def test_a_page_opened_without_signing_in_queues_nothing(stale, client, queue_with_workers):
    assert client.get("/accounts/login/").status_code == 200
    assert _refresh_jobs() == []


def test_a_database_error_while_queuing_leaves_the_page_and_its_warning(
    stale, client_for, queue_with_workers, monkeypatch, caplog
):
    from django.db import OperationalError

    from oneworkforce.web import freshness

    def locked():
        raise OperationalError("database is locked")

    monkeypatch.setattr(freshness, "queue_repair", locked)
    response = client_for("board").get("/")
    assert response.status_code == 200
    assert BANNER in response.content.decode()
    assert "could not queue a refresh of the stored results" in caplog.text


def test_current_figures_queue_nothing(loaded, client_for, queue_with_workers):
    assert BANNER not in client_for("board").get("/").content.decode()
    assert _refresh_jobs() == []
