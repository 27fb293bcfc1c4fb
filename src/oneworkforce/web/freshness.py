"""Whether the figures shown are from the current data: the template context behind the
"figures from an earlier data version" banner of ``base.html`` (see
:meth:`oneworkforce.metrics.results_reader.ResultsReader.freshness`), and the repair a page
or API call starts when it finds them behind: a results refresh job, queued once.

Stored results fall behind the accepted files when a refresh failed or its process was
killed (say, an ``oneworkforce import`` stopped part-way). The next command repairs them as
it starts; a served app does not wait for one: the first page that finds them behind queues
a refresh for the job workers, unless an upload or a refresh is already queued or running
(which will bring them up to date). The page itself never waits for it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings

from oneworkforce.metrics.results_reader import Freshness, ResultsReader

log = logging.getLogger("oneworkforce.web")
#: the jobs that bring the stored results up to date when they finish
REFRESHING_KINDS = ("upload", "refresh")
REPAIR_TITLE = "Results refresh (the figures were behind the accepted files)"
#: after a refresh failed, pages wait this long before queuing another (the banner stays, and
#: the failed job, with its error, is on the jobs page), rather than one on every page view
AFTER_A_FAILURE = timedelta(minutes=5)


def current() -> Freshness:
    """The stored results against the ledger, now (the ledger's slice count and two ``stat``
    calls when nothing changed); when they are behind, a refresh is queued."""
    from oneworkforce.data.ledger.service import generation

    freshness = ResultsReader(settings.HOME.lake).freshness(ledger_generation=generation())
    if freshness.stale:
        queue_repair()
    return freshness


def queue_repair() -> Any:
    """Queue a results refresh unless one (or an upload, which refreshes) is queued or
    running, or a refresh failed in the last :data:`AFTER_A_FAILURE`; returns the new job, or
    None. With an immediate queue (the unit tests' settings, which run a job inside the
    caller) nothing is queued: a page must not run the refresh itself, and the next command
    repairs the results."""
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from oneworkforce.jobs import actions
    from oneworkforce.jobs.models import Job, State

    if HUEY.immediate:
        return None
    pending = Job.objects.filter(kind__in=REFRESHING_KINDS, state__in=(State.QUEUED, State.RUNNING))
    failed = Job.objects.filter(
        kind="refresh", state=State.FAILED, finished__gte=timezone.now() - AFTER_A_FAILURE
    )
    if pending.exists() or failed.exists():
        return None
    log.warning("the stored results are behind the accepted files: queuing a refresh")
    return actions.start("refresh", "system", REPAIR_TITLE)


def context(request: Any) -> dict[str, Any]:
    """Template context: ``results_freshness`` for the banner in ``base.html``."""
    return {"results_freshness": current()}
