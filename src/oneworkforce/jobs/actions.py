"""Every write to a job row, each audited in its own transaction (audit/trail.py).

A job is created ``queued`` and handed to the queue once its row has committed; a worker
claims it (``running``; only one worker can), moves its progress on, and finishes it
(``done``) or fails it with the error in plain words (``failed``). A job whose worker died is
put back on the queue, or failed, by the next worker to start on that machine (:func:`recover`).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
from typing import Any

from django.db import transaction
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from oneworkforce.audit import trail
from oneworkforce.jobs.kinds import KINDS, Done
from oneworkforce.jobs.models import Job, State

log = logging.getLogger("oneworkforce.jobs")
#: what the queue's store raises when it cannot be reached
QUEUE_UNREACHABLE: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    sqlite3.OperationalError,
)
#: the most characters of an error kept on the job row
MAX_ERROR = 2000


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _enqueue(job: Job) -> None:
    from oneworkforce.jobs import tasks

    task = tasks.TASKS[job.kind]
    if task.huey.immediate:  # the unit tests: run it now, inside the caller's transaction
        task(str(job.id))
    else:  # a worker must not look for the row before it has committed
        transaction.on_commit(lambda: hand_over(task, str(job.id)))


def hand_over(task: Any, job_id: str) -> bool:
    """Put a committed job on the queue. While the queue's store is unreachable (Redis down,
    the embedded queue's file locked) the job row stays ``queued``, nothing is lost, and the
    next worker to start hands it over again (:func:`requeue_waiting`); the page that started
    it shows it waiting instead of failing with a server error."""
    try:
        task(job_id)
    except QUEUE_UNREACHABLE as error:
        log.error(
            "the job queue is unreachable; job %s stays queued until a worker starts: %s",
            job_id,
            error,
        )
        return False
    return True


def requeue_waiting() -> list[str]:
    """Hand every ``queued`` job to the queue again (run by each worker as it starts): a job
    whose hand-over failed is taken up, and a job already on the queue is only claimed once
    (:func:`claim` refuses a second copy)."""
    from oneworkforce.jobs import tasks

    waiting = list(Job.objects.filter(state=State.QUEUED).values_list("id", "kind"))
    for job_id, kind in waiting:
        hand_over(tasks.TASKS[kind], str(job_id))
    return [str(job_id) for job_id, _ in waiting]


def start(
    kind: str,
    actor: str,
    title: str,
    params: dict[str, Any] | None = None,
    *,
    organisations: list[str] | None = None,
    job_id: Any = None,
    queue: bool = True,
) -> Job:
    """Record a new job and queue it. Returns the job row (``queued``, unless the queue runs
    jobs immediately). ``queue=False``: only record it; the caller runs it (:func:`claim`,
    then :func:`finish` or :func:`fail`)."""
    spec = KINDS[kind]
    with transaction.atomic():
        job = Job.objects.create(
            **({"id": job_id} if job_id else {}),
            kind=kind,
            actor=actor or "system",
            title=title[:300],
            params=params or {},
            organisations=sorted(organisations or []),
            steps=list(spec.steps),
        )
        trail.record(
            job.actor,
            "job.queued",
            "job",
            job.id,
            {"kind": [None, kind], "title": [None, job.title]},
        )
        if queue:
            _enqueue(job)
    job.refresh_from_db()
    return job


def claim(job_id: str) -> Job | None:
    """Take a queued job for this worker; ``None`` if it is not there or not queued (already
    taken, finished, or a second copy of its queue entry)."""
    with transaction.atomic():
        taken = Job.objects.filter(pk=job_id, state=State.QUEUED).update(
            state=State.RUNNING, started=timezone.now(), worker=worker_id(), finished=None
        )
        if not taken:
            return None
        job = Job.objects.get(pk=job_id)
        job.attempts += 1
        job.save(update_fields=["attempts"])
        trail.record(
            "system",
            "job.started",
            "job",
            job.id,
            {"attempt": [None, job.attempts]},
            note=job.worker,
        )
    return job


def progress(job: Job, steps_done: int, detail: str = "") -> None:
    """Move the job's progress on: ``steps_done`` of its steps, and a note on the current one."""
    with transaction.atomic():
        before = (job.steps_done, job.detail)
        job.steps_done, job.detail = min(steps_done, len(job.steps)), detail[:200]
        Job.objects.filter(pk=job.pk).update(steps_done=job.steps_done, detail=job.detail)
        trail.record(
            "system",
            "job.progress",
            "job",
            job.id,
            trail.diff(
                {"steps_done": before[0], "detail": before[1]},
                {"steps_done": job.steps_done, "detail": job.detail},
            ),
        )


def finish(job: Job, done: Done) -> None:
    with transaction.atomic():
        job.state, job.finished = State.DONE, timezone.now()
        job.steps_done, job.detail, job.error = len(job.steps), "", ""
        job.result = done.result
        job.object_type, job.object_id = done.object_type, done.object_id
        if done.organisations is not None:
            job.organisations = sorted(done.organisations)
        job.save()
        trail.record(
            "system",
            "job.done",
            "job",
            job.id,
            {"state": [State.RUNNING, State.DONE], "object": [None, done.object_id]},
        )


def fail(job: Job, error: str, result: dict[str, Any] | None = None) -> None:
    with transaction.atomic():
        before = job.state
        job.state, job.finished, job.error = State.FAILED, timezone.now(), error[:MAX_ERROR]
        if result is not None:
            job.result = result
        job.save()
        trail.record(
            "system",
            "job.failed",
            "job",
            job.id,
            {"state": [before, State.FAILED], "error": [None, job.error]},
        )


def requeue(job: Job, reason: str) -> None:
    """Put the job back on the queue (a retry); the reason is kept until it runs again."""
    with transaction.atomic():
        before = job.state
        job.state, job.error, job.worker, job.detail = State.QUEUED, reason[:MAX_ERROR], "", ""
        job.save(update_fields=["state", "error", "worker", "detail"])
        trail.record(
            "system",
            "job.requeued",
            "job",
            job.id,
            {"state": [before, State.QUEUED], "reason": [None, job.error]},
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover() -> list[str]:
    """Jobs left ``running`` by a worker of this machine that has died: a retry-safe kind goes
    back on the queue, any other is failed with the reason. Run by every worker as it starts.
    Returns the ids of the jobs put back on the queue."""
    host = socket.gethostname()
    requeued = []
    for job in Job.objects.filter(state=State.RUNNING, worker__startswith=f"{host}:"):
        pid = job.worker.rsplit(":", 1)[1]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if KINDS[job.kind].retry_safe:
            requeue(job, "The worker running this job stopped; it was queued again.")
            _enqueue(job)
            requeued.append(str(job.id))
        else:
            fail(
                job,
                f"The worker running this {KINDS[job.kind].title.lower()} stopped before it "
                "finished, so it was not completed. Start it again.",
            )
    return requeued
