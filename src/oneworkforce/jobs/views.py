"""The jobs pages: one job's progress (a fragment the other pages poll with htmx, or a page
of its own) and, for admins, the recent jobs with their state, duration and error."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import render

from oneworkforce.jobs.models import Job
from oneworkforce.web.access import Permission as P
from oneworkforce.web.access import may_see_job
from oneworkforce.web.decorators import requires

RECENT = 200
#: how often a page showing an unfinished job asks for its progress
POLL_SECONDS = 1
#: kind -> the template of its outcome, shown once the job has finished
OUTCOMES = {
    "upload": "submissions/_job_outcome.html",
    "refresh": "jobs/_outcome_refresh.html",
    "scenario": "planning/_job_outcome.html",
    "pack": "reports/_job_outcome.html",
}


def visible_job(request, job_id) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not may_see_job(request.scope, job):
        raise Http404("no such job")  # not the user's to see: not even named
    return job


def job_context(job: Job) -> dict:
    """What the progress fragment shows: the job, and for a rejected upload its report."""
    context: dict = {"job": job, "outcome": OUTCOMES.get(job.kind), "poll": POLL_SECONDS}
    if job.kind == "upload" and job.result.get("status") == "rejected":
        from oneworkforce.web.submissions.views import _report

        validation = job.result.get("validation", {})
        context["report"] = _report(
            job.result["dataset"],
            validation.get("total", 0),
            validation.get("counts_by_rule", {}),
            validation.get("errors", []),
        )
    return context


def following(request, kind: str) -> dict:
    """The progress context of the job a page follows (``?job=<id>``, of ``kind``), or ``{}``
    when it follows none. A job the user may not see, or of another kind, is a 404."""
    raw = request.GET.get("job")
    if not raw:
        return {}
    try:
        job = visible_job(request, uuid.UUID(raw))
    except ValueError as exc:
        raise Http404("no such job") from exc
    if job.kind != kind:
        raise Http404("no such job")
    return job_context(job)


@requires(P.VIEW_PUBLISHED)  # every signed-in user; the job itself decides (web/access.py)
def detail(request, job_id):
    job = visible_job(request, job_id)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, job_context(job))


@requires(P.VIEW_JOBS)
def job_list(request):
    jobs = list(Job.objects.all()[:RECENT])
    return render(request, "jobs/list.html", {"jobs": jobs, "recent": RECENT})
