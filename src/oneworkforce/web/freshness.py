"""Whether the figures shown are from the current data: the template context behind the
"figures from an earlier data version" banner of ``base.html`` (see
:meth:`oneworkforce.metrics.results_reader.ResultsReader.freshness`), and the repair a page
or API call starts when it finds them behind: a results refresh job, queued once.

Stored results fall behind the accepted files when a refresh failed or its process was
killed (say, an ``oneworkforce import`` stopped part-way). The next command repairs them as
it starts; a served app does not wait for one: the first page a signed-in user opens (or
API call) that finds them behind queues a refresh for the job workers (the job reconciles
the lake with the ledger first, as a command does), unless an upload or a refresh is queued
or running (which will bring them up to date) or a refresh finished in the last five
minutes (at most one repair every five minutes, whatever becomes of it: a failed one is on
the jobs page with its error). The page itself never waits for it, and a database error
while queuing is logged, never shown: the page still says the figures are behind.

Two requests at the same moment may both queue one; the second refresh then finds nothing
to do (the results store lets one writer in at a time).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from oneworkforce.metrics.results_reader import Freshness, ResultsReader

log = logging.getLogger("oneworkforce.web")
#: the jobs that bring the stored results up to date when they finish
REFRESHING_KINDS = ("upload", "refresh")
REPAIR_TITLE = "Results refresh (the figures were behind the accepted files)"
#: after a refresh finished, pages wait this long before queuing another, rather than one on
#: every page view if it could not bring the figures up to date (a failed one is on the
#: jobs page, with its error)
BETWEEN_REPAIRS = timedelta(minutes=5)


def current(*, repair: bool = True) -> Freshness:
    """The stored results against the ledger, now (the ledger's slice count and two ``stat``
    calls when nothing changed); when they are behind and ``repair``, a refresh is queued."""
    from oneworkforce.data.ledger.service import generation

    freshness = ResultsReader(settings.HOME.lake).freshness(ledger_generation=generation())
    if freshness.stale and repair:
        try:
            queue_repair()
        except DatabaseError:  # e.g. the database locked for longer than its timeout
            log.exception("could not queue a refresh of the stored results")
    return freshness


def queue_repair() -> Any:
    """Queue a results refresh unless one (or an upload, which refreshes) is queued or
    running, or a refresh finished in the last :data:`BETWEEN_REPAIRS`; returns the new job,
    or None. With an immediate queue (the unit tests' settings, which run a job inside the
    caller) nothing is queued: a page must not run the refresh itself, and the next command
    repairs the results."""
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from oneworkforce.jobs import actions
    from oneworkforce.jobs.models import Job, State

    if HUEY.immediate:
        return None
    pending = Job.objects.filter(kind__in=REFRESHING_KINDS, state__in=(State.QUEUED, State.RUNNING))
    recent = Job.objects.filter(kind="refresh", finished__gte=timezone.now() - BETWEEN_REPAIRS)
    if pending.exists() or recent.exists():
        return None
    log.warning("the stored results are behind the accepted files: queuing a refresh")
    return actions.start("refresh", "system", REPAIR_TITLE)


def context(request: Any) -> dict[str, Any]:
    """Template context: ``results_freshness`` for the banner in ``base.html`` (a page opened
    without signing in, such as the sign-in page, queues nothing)."""
    user = getattr(request, "user", None)
    return {"results_freshness": current(repair=bool(user and user.is_authenticated))}
