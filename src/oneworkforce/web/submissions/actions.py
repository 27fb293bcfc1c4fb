"""Submitting an uploaded file: kept and queued by the page (:func:`submit`), then checked,
imported (audited by the ledger in the import's own transaction) and the results refreshed
by a job worker (:func:`run_upload`).

The upload is written under the data directory's ``jobs/`` (never the system temporary
folder: partner files stay on the data volume), with the name the user gave it, because the
ledger records the file name the importer sees. It is removed when the job has finished.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import duckdb
from django.utils.text import get_valid_filename

from oneworkforce.config import Home
from oneworkforce.data import ascwds
from oneworkforce.data.importer import Importer, ImportResult
from oneworkforce.data.readers import UnreadableFile
from oneworkforce.jobs.kinds import Done, JobError
from oneworkforce.jobs.models import Job
from oneworkforce.web.access import Permission, Scope
from oneworkforce.web.submissions.checks import file_organisations


def submittable_datasets(scope: Scope) -> list[str]:
    """Datasets the user may submit: the organisations register needs system-wide rights."""
    from oneworkforce.data.lake import ALL_DATASETS

    system_wide = scope.organisations(Permission.SUBMIT_DATA) is None
    names = [name for name in ALL_DATASETS if name != "organisations" or system_wide]
    return [*names, *ascwds.KINDS]


def refusal(scope: Scope, codes: frozenset[str]) -> str | None:
    """Why a file holding ``codes`` may not be submitted by this user, in plain words."""
    allowed = scope.organisations(Permission.SUBMIT_DATA)
    if allowed is None:
        return None
    others = sorted(c for c in codes if c not in allowed)
    if not others:
        return None
    yours = ", ".join(sorted(allowed)) or "none"
    return (
        f"This file has rows for {', '.join(others)}, and you can only submit data for "
        f"{yours}. Nothing was loaded. Remove those rows, or ask a data lead for "
        f"{'that organisation' if len(others) == 1 else 'those organisations'} to send them."
    )


def submit(
    home: Home, scope: Scope, dataset: str, upload, *, strict: bool = False, period: str = ""
) -> Job:
    """Keep an uploaded file (``upload``: a Django UploadedFile) and queue its import; the
    page then follows the job. The file waits in the data directory's ``jobs/<job id>/`` and
    is removed when the job has finished. ``period`` is the month of an ASC-WDS file."""
    from oneworkforce.jobs import actions as jobs

    name = get_valid_filename(Path(upload.name).name) or "upload"
    job_id = uuid.uuid4()
    folder = home.jobs / str(job_id)
    folder.mkdir()
    with (folder / name).open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    allowed = scope.organisations(Permission.SUBMIT_DATA)
    try:
        return jobs.start(
            "upload",
            scope.username or "web",
            f"{name} ({dataset})",
            {
                "dataset": dataset,
                "file": name,
                "scoped": allowed is not None,
                "strict": strict,
                **({"period": period} if period else {}),
            },
            organisations=sorted(allowed or []),
            job_id=job_id,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def run_upload(job, progress) -> Done:
    """The upload job, in a worker: the organisation check, the import, the results
    refresh. A retried attempt whose file the first attempt already stored carries
    on from the stored submission."""
    from django.conf import settings

    from oneworkforce.web.access import scope_for_username

    home = Home(settings.HOME.root)
    dataset, name = job.params["dataset"], job.params["file"]
    path = home.jobs / str(job.id) / name
    try:
        if not path.is_file():
            raise JobError(f"The uploaded file {name} is no longer there. Send it again.")
        scope = scope_for_username(job.actor)
        if job.params.get("scoped"):
            refused = _check_organisations(home, scope, dataset, path)
            if refused:
                raise JobError(refused)
        outcome = _import(home, job, scope, dataset, path, progress)
    except JobError:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    shutil.rmtree(path.parent, ignore_errors=True)
    return outcome


def _check_organisations(home: Home, scope: Scope, dataset: str, path: Path) -> str | None:
    if dataset in ascwds.KINDS:
        try:
            codes = ascwds.file_organisations(Importer(home), path)
        except (duckdb.Error, UnreadableFile):
            return None  # the import refuses it and says why
        return refusal(scope, frozenset(codes))
    try:
        found = file_organisations(home, dataset, path)
    except duckdb.Error:
        return (
            "The file could not be read to check which organisations it holds. "
            "Nothing was loaded. Save it again as CSV UTF-8, Excel or Parquet."
        )
    return refusal(scope, found.codes) if found.readable else None


def _import(home: Home, job, scope: Scope, dataset: str, path: Path, progress) -> Done:
    from oneworkforce.metrics.store import after_commit_hook

    def note(stage: str) -> None:
        if stage == "committing":  # every row passed every rule
            progress(1)

    started = time.perf_counter()
    if dataset in ascwds.KINDS:
        return _import_ascwds(home, job, dataset, path, note, progress, started)
    result = Importer(home, submitted_by=job.actor).import_file(
        dataset, path, progress=note, strict=bool(job.params.get("strict"))
    )
    own = result.status == "duplicate" and _stored_by(job, result.duplicate_of)
    if own:  # an earlier attempt of this job stored it, then its worker stopped
        from oneworkforce.data.importer import reconcile

        reconcile(home)  # the lake's manifest may not yet list it
        result = _from_ledger(result.duplicate_of, result)
    if result.status == "accepted":
        progress(2)
        after_commit_hook(home)(result)  # an error here is retried: the import is kept
        progress(3)
    out = result.to_dict()
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["dropped_lines"] = result.report.dropped_lines()
    submission = result.submission_id if result.status != "duplicate" else result.duplicate_of
    return Done(
        result=out,
        object_type="submission",
        object_id=submission or "",
        organisations=tuple(result.organisations) if result.status == "accepted" else None,
    )


def _import_ascwds(home: Home, job, kind: str, path: Path, note, progress, started) -> Done:
    """An ASC-WDS file through the same job: its parts (staff in post, aggregate figures) are
    stored in one transaction, then the results refreshed once."""
    from oneworkforce.metrics.store import after_commit_hook

    outcome = ascwds.import_ascwds(
        Importer(home, submitted_by=job.actor),
        kind,
        path,
        job.params["period"],
        strict=bool(job.params.get("strict")),
        progress=note,
    )
    stored = [r for r in outcome.results if r.status == "accepted"]
    if stored:
        progress(2)
        after_commit_hook(home)(stored[-1])
        progress(3)
    out = {
        "file": outcome.file,
        "dataset": kind,
        "status": "accepted" if outcome.ok else "rejected",
        "rows": sum(r.rows for r in stored),
        "organisations": sorted({o for r in stored for o in r.organisations}),
        "periods": [job.params["period"]],
        "superseded": [s for r in stored for s in r.superseded],
        "validation": outcome.report.to_dict(),
        "warnings": outcome.warnings,
        "counts": outcome.counts,
        "seconds": round(time.perf_counter() - started, 1),
        "dropped_lines": outcome.report.dropped_lines(),
    }
    if outcome.ok and not stored:  # every part identical to a file already loaded
        out["status"] = "duplicate"
    first = (stored or outcome.results or [None])[0]
    ledger_id = None if first is None else first.submission_id or first.duplicate_of
    return Done(
        result=out,
        object_type="submission",
        object_id=ledger_id or "",
        organisations=tuple(out["organisations"]) if stored else None,
    )


def _stored_by(job, submission_id: str | None) -> bool:
    from oneworkforce.data.ledger.models import Submission

    return Submission.objects.filter(
        pk=submission_id, submitted_by=job.actor, submitted_at__gte=job.created
    ).exists()


def _from_ledger(submission_id: str | None, duplicate: ImportResult) -> ImportResult:
    """The accepted result of a submission, rebuilt from the ledger."""
    from oneworkforce.data.ledger.models import Submission

    s = Submission.objects.get(pk=submission_id)
    replaced = s.superseding.all()
    return ImportResult(
        duplicate.file,
        s.dataset,
        s.status,
        submission_id=str(s.id),
        rows=s.rows,
        organisations=list(s.organisations),
        periods=list(s.periods),
        superseded=[
            {
                "submission_id": str(r.submission_id),
                "org_code": r.org_code,
                "segment": r.segment,
                "period": r.period.strftime("%Y-%m") if r.period else None,
            }
            for r in replaced
        ],
    )
