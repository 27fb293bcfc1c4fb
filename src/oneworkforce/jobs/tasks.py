"""The queue's tasks: one a kind of job, each running :func:`execute` for a job row.

Imported by the web app (to queue) and by the workers (to run). The queue itself is the
Django setting ``HUEY`` (jobs/queue.py builds it), read by ``huey.contrib.djhuey``.
"""

from __future__ import annotations

import logging

from huey.contrib.djhuey import HUEY, db_task, on_startup

from oneworkforce.jobs import actions
from oneworkforce.jobs.kinds import KINDS, JobError

log = logging.getLogger("oneworkforce.jobs")
RETRY_DELAY_SECONDS = 5


def execute(job_id: str, task=None) -> None:
    """Run one job: claim it, run its kind's function, record the outcome. An unexpected
    error is retried while the kind allows it, and then reported with its message."""
    job = actions.claim(job_id)
    if job is None:  # finished, or being run by another worker
        return
    spec = KINDS[job.kind]

    def progress(steps_done: int, detail: str = "") -> None:
        actions.progress(job, steps_done, detail)

    try:
        done = spec.run(job, progress)
    except JobError as exc:
        actions.fail(job, str(exc))
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}".splitlines()[0]
        log.exception("job %s (%s) failed", job.id, job.kind)
        if task is not None and task.retries > 0:
            actions.requeue(job, f"Retrying after an error: {message}")
            raise  # the queue runs it again after RETRY_DELAY_SECONDS
        actions.fail(job, message)
    else:
        actions.finish(job, done)


def _task(kind: str):
    spec = KINDS[kind]

    def run(job_id: str, task=None) -> None:
        execute(job_id, task)

    run.__name__ = f"run_{kind}"
    return db_task(
        name=f"oneworkforce.{kind}",
        retries=spec.retries if spec.retry_safe else 0,
        retry_delay=RETRY_DELAY_SECONDS,
        context=True,
    )(run)


TASKS = {kind: _task(kind) for kind in KINDS}


@on_startup()
def _recover() -> None:
    """Each worker, as it starts, takes back the jobs a dead worker of this machine left."""
    if HUEY.immediate:
        return
    from django.db import close_old_connections

    requeued = actions.recover()
    if requeued:
        log.warning("queued again after a worker stopped: %s", ", ".join(requeued))
    waiting = actions.requeue_waiting()
    if waiting:
        log.info("handed to the queue again as this worker started: %s", ", ".join(waiting))
    close_old_connections()
