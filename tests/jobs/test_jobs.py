"""Job rows in one process (the tests' queue runs a job at once): a failing job keeps its error
in plain words, retries only where safe, jobs cut short by a dead worker are taken back, the
admins' page lists jobs with state, duration and error, and who may follow which job."""

from __future__ import annotations

import re
import socket
from types import SimpleNamespace

import pytest

from oneworkforce.audit.models import AuditEvent
from oneworkforce.jobs import actions, kinds, tasks
from oneworkforce.jobs.models import Job
from oneworkforce.web.access import may_see_job, scope_from_memberships
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db


def _broken(job, progress):
    progress(0, "half way")
    raise RuntimeError("the disk is full\nsecond line not shown")


@pytest.fixture
def broken_refresh(monkeypatch):
    spec = kinds.KINDS["refresh"]
    monkeypatch.setitem(
        kinds.KINDS, "refresh", kinds.Kind(**{**spec.__dict__, "runner": f"{__name__}:_broken"})
    )


def test_a_failing_job_is_failed_with_its_error(loaded, broken_refresh):
    job = actions.start("refresh", "analyst", "Results refresh", queue=False)
    tasks.execute(str(job.id))  # no retries left
    job.refresh_from_db()
    assert job.state == "failed" and job.attempts == 1
    assert job.error == "RuntimeError: the disk is full"  # the first line only
    assert job.finished is not None and job.seconds is not None
    actions_audited = list(
        AuditEvent.objects.filter(object_id=str(job.id))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions_audited[0] == "job.queued" and actions_audited[-1] == "job.failed"
    assert "job.started" in actions_audited


def test_an_error_is_retried_while_retries_remain(loaded, broken_refresh):
    job = actions.start("refresh", "analyst", "Results refresh", queue=False)
    with pytest.raises(RuntimeError):  # raised again, for the queue to run it later
        tasks.execute(str(job.id), task=SimpleNamespace(retries=1))
    job.refresh_from_db()
    assert job.state == "queued"
    assert job.error == "Retrying after an error: RuntimeError: the disk is full"


def test_only_retry_safe_kinds_are_retried():
    safe = {k for k, spec in kinds.KINDS.items() if spec.retry_safe}
    assert safe == {"upload", "refresh"}
    assert all(kinds.KINDS[k].retries == 0 for k in ("scenario", "pack"))
    assert {t.retries for k, t in tasks.TASKS.items() if k in ("scenario", "pack")} == {0}


def _left_by_a_dead_worker(kind: str) -> Job:
    job = actions.start(kind, "analyst", f"A {kind}", queue=False)
    actions.claim(job.id)
    # the worker process is gone: pid 2**22 + 1 is above Linux's highest pid (4194304)
    Job.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{2**22 + 1}")
    return job


def test_a_job_left_by_a_dead_worker_is_run_again_or_failed(loaded):
    refresh = _left_by_a_dead_worker("refresh")
    pack = _left_by_a_dead_worker("pack")
    assert actions.recover() == [str(refresh.id)]
    refresh.refresh_from_db()
    pack.refresh_from_db()
    # the refresh is safe to run again (the tests' queue runs it at once): done, 2 attempts
    assert refresh.state == "done" and refresh.attempts == 2 and refresh.error == ""
    # a pack is not: a second attempt could make a second pack
    assert pack.state == "failed"
    assert pack.error == (
        "The worker running this board pack stopped before it finished, so it was not "
        "completed. Start it again."
    )


def test_the_admins_page_lists_jobs_with_state_duration_and_error(
    loaded, broken_refresh, client_for
):
    job = actions.start("refresh", "analyst", "Nightly refresh", queue=False)
    tasks.execute(str(job.id))
    page = client_for("admin").get("/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nightly refresh" in html and "Failed" in html
    assert "RuntimeError: the disk is full" in html
    assert client_for("analyst").get("/jobs/").status_code == 403  # admins only


def test_the_job_page_shows_the_error_and_stops_polling(loaded, broken_refresh, client_for):
    job = actions.start("refresh", "analyst", "Nightly refresh", queue=False)
    running = client_for("analyst").get(f"/jobs/{job.id}/", HTTP_HX_REQUEST="true")
    html = running.content.decode()
    assert 'data-job-state="queued"' in html and 'hx-trigger="every 1s"' in html
    assert "<html" not in html  # the fragment alone, for htmx to swap in
    tasks.execute(str(job.id))
    done = client_for("analyst").get(f"/jobs/{job.id}/", HTTP_HX_REQUEST="true").content
    assert b'data-job-state="failed"' in done and b"hx-trigger" not in done
    assert b"RuntimeError: the disk is full" in done


def _job(kind="upload", actor="someone", organisations=(), status="accepted"):
    return SimpleNamespace(
        kind=kind, actor=actor, organisations=list(organisations), result={"status": status}
    )


@pytest.mark.parametrize(
    ("who", "job", "sees"),
    [
        ((("org_data_lead", "RZA"),), _job(organisations=["RZA"]), True),
        ((("org_data_lead", "RZB"),), _job(organisations=["RZA"]), False),
        ((("org_data_lead", "RZA"),), _job(organisations=["RZA", "RZB"]), False),  # not all theirs
        ((("org_data_lead", "RZA"),), _job(organisations=["RZA"], status="rejected"), False),
        ((("org_data_lead", "RZA"),), _job(actor="me", status="rejected"), True),  # their own
        ((("analyst", None),), _job(organisations=["RZA"], status="rejected"), True),
        ((("board", None),), _job(kind="upload", organisations=["RZA"]), False),
        ((("board", None),), _job(kind="scenario"), True),
        ((("board", None),), _job(kind="pack"), True),
        ((("viewer", None),), _job(kind="pack"), False),
        ((("analyst", None),), _job(kind="refresh"), False),
        ((("admin", None),), _job(kind="refresh"), True),
    ],
)
def test_who_may_follow_a_job(who, job, sees):
    assert may_see_job(scope_from_memberships("me", who), job) is sees


def test_the_upload_page_shows_the_steps_of_a_running_job(loaded, client_for):
    params = {"dataset": "sickness_absence", "file": "s.csv", "scoped": True}
    job = actions.start("upload", "org_data_lead", "s.csv (sickness_absence)", params, queue=False)
    job = actions.claim(job.id)
    actions.progress(job, 1)  # validated; being stored
    page = client_for("org_data_lead").get(f"/submissions/upload/?job={job.id}")
    html = re.sub(r"\s+", " ", page.content.decode())
    assert 'data-job-state="running"' in html and 'hx-trigger="every 1s"' in html
    assert 'nhsuk-tag--green">Done</strong> Validated' in html
    assert 'nhsuk-tag--blue">In progress</strong> Stored' in html
    assert 'nhsuk-tag--grey">To do</strong> Results refreshed' in html
    # an analyst (submissions of every organisation) may follow it; the board may not, and is
    # not even told it exists
    assert client_for("analyst").get(f"/submissions/upload/?job={job.id}").status_code == 200
    assert client_for("board").get(f"/jobs/{job.id}/").status_code == 404
