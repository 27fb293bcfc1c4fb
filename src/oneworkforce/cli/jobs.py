"""``oneworkforce jobs``: queue an upload or a results refresh, list jobs, show one, wait for
one. The workers (``oneworkforce worker``, or ``serve``) run what is queued."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import typer

from oneworkforce.cli.common import OutputFormat, err, fail, open_stores, print_json

jobs_app = typer.Typer(help="Background jobs: queue, list, show and wait for them.")


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


def _row(job) -> dict:
    return {
        "id": str(job.id),
        "kind": job.kind,
        "title": job.title,
        "actor": job.actor,
        "state": job.state,
        "steps": [s["name"] for s in job.step_rows() if s["done"]],
        "attempts": job.attempts,
        "created": job.created.isoformat(),
        "started": job.started.isoformat() if job.started else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "seconds": round(job.seconds, 3) if job.seconds is not None else None,
        "error": job.error or None,
        "object_type": job.object_type or None,
        "object_id": job.object_id or None,
        "result": job.result,
    }


def _get(job_id: str):
    from oneworkforce.jobs.models import Job

    try:
        job = Job.objects.filter(pk=uuid.UUID(job_id)).first()
    except ValueError:
        job = None
    if job is None:
        fail(f"no job {job_id!r}")
    return job


def _show(job, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        print_json(_row(job))
    else:
        err.print(
            f"{job.id} {job.kind} {job.state}: {job.title}"
            + (f" ({job.error})" if job.error else ""),
            markup=False,
        )


@jobs_app.command("upload", help="Queue a file's import (then the results refresh).")
def upload(
    dataset: str = typer.Argument(..., help="which dataset the file holds"),
    file: Path = typer.Argument(..., help="the file", exists=True, dir_okay=False),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    home = open_stores()
    from oneworkforce.data.lake import ALL_DATASETS
    from oneworkforce.jobs import actions

    if dataset not in ALL_DATASETS:
        fail(f"unknown dataset {dataset!r}; choose one of: {', '.join(ALL_DATASETS)}")
    job_id = uuid.uuid4()
    folder = home.jobs / str(job_id)
    folder.mkdir()
    shutil.copyfile(file, folder / file.name)
    params = {"dataset": dataset, "file": file.name, "scoped": False}
    _show(actions.start("upload", "cli", f"{file.name} ({dataset})", params, job_id=job_id), fmt)


@jobs_app.command("refresh", help="Queue a refresh of the stored results.")
def refresh(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    open_stores()
    from oneworkforce.jobs import actions

    _show(actions.start("refresh", "cli", "Results refresh"), fmt)


@jobs_app.command("list", help="The most recent jobs, newest first.")
def list_jobs(
    limit: int = typer.Option(20, "--limit", min=1),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    open_stores()
    from oneworkforce.jobs.models import Job

    jobs = list(Job.objects.all()[:limit])
    if fmt is OutputFormat.json:
        print_json([_row(j) for j in jobs])
    else:
        for job in jobs:
            _show(job, fmt)


@jobs_app.command("show", help="One job: state, steps, error, what it made.")
def show(
    job_id: str = typer.Argument(...),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    open_stores()
    _show(_get(job_id), fmt)


@jobs_app.command("wait", help="Wait until a job has finished: exit 0 when done, 1 when it failed.")
def wait(
    job_id: str = typer.Argument(...),
    timeout: float = typer.Option(600.0, "--timeout", help="give up after this many seconds"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    open_stores()
    deadline = time.monotonic() + timeout
    job = _get(job_id)
    while not job.is_finished:
        if time.monotonic() > deadline:
            fail(f"job {job_id} has not finished after {timeout:g} s (state: {job.state})", 3)
        time.sleep(0.2)
        job.refresh_from_db()
    _show(job, fmt)
    if job.state != "done":
        raise typer.Exit(1)
