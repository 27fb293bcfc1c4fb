"""The kinds of job: their steps, whether a worker may run one again, and the function that
does the work. A runner is called in a worker as ``runner(job, progress)`` and returns a
:class:`Done`; ``progress(steps_done, detail="")`` moves the job's progress on.

Retried where it is safe: an upload (the import is all or nothing, and a file already stored
by an earlier attempt is recognised by its checksum) and a results refresh (it brings the
store in line with the lake, however often it runs). A scenario run or a board pack is not
run again on its own: a second attempt would make a second run or pack, so a failure is
reported and the user starts it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

Progress = Callable[..., None]


class JobError(Exception):
    """A failure to report to the user in the message's own plain words; never retried."""


@dataclass(frozen=True)
class Done:
    """What a finished job produced: shown by the pages, linked by ``object_type``/``_id``."""

    result: dict[str, Any] = field(default_factory=dict)
    object_type: str = ""
    object_id: str = ""
    #: the organisations the job turned out to be about (an accepted upload's), if known
    organisations: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    steps: tuple[str, ...]
    runner: str  # "module:function"
    retry_safe: bool
    retries: int = 0  # how often an unexpected error is retried (retry-safe kinds only)

    def run(self, job: Any, progress: Progress) -> Done:
        module, function = self.runner.split(":")
        return getattr(import_module(module), function)(job, progress)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "upload",
            "Upload",
            ("Validated", "Stored", "Results refreshed"),
            "oneworkforce.web.submissions.actions:run_upload",
            retry_safe=True,
            retries=2,
        ),
        Kind(
            "refresh",
            "Results refresh",
            ("Results refreshed",),
            "oneworkforce.jobs.kinds:run_refresh",
            retry_safe=True,
            retries=2,
        ),
        Kind(
            "scenario",
            "Scenario run",
            ("Baseline read", "Runs projected", "Results written"),
            "oneworkforce.planning.views:run_job",
            retry_safe=False,
        ),
        Kind(
            "pack",
            "Board pack",
            ("Content frozen", "Files made"),
            "oneworkforce.reports.views:run_job",
            retry_safe=False,
        ),
    )
}


def refresh_results(home: Any) -> dict[str, Any]:
    """Bring the stored results in line with the ledger, as every command does as it starts:
    the lake reconciled with the ledger first (an import killed between the ledger's commit
    and the manifest's rewrite leaves the manifest behind, and the results store refreshes
    from the manifest), then the results store's own refresh."""
    from oneworkforce.data.importer import reconcile
    from oneworkforce.metrics.store import ResultsStore

    reconcile(home)
    return ResultsStore(home.lake).refresh().to_dict()


def run_refresh(job: Any, progress: Progress) -> Done:
    from django.conf import settings

    report = refresh_results(settings.HOME)
    progress(1)
    return Done(result={"refresh": report})
