"""Which submissions a user may see, and a submission as the pages and the API show it.

A submission spans organisations (one slice per organisation and month). A user with
VIEW_SUBMISSIONS for some organisations sees a submission when any of its slices is for one of
them, and then only those slices; a rejected file has no slices, so it is shown only to
holders of VIEW_SUBMISSIONS for every organisation and to the person who sent it. The
organisations register (slice ``*``) is likewise system-wide only.

Person identifiers never leave the server: an error's value in an identifier column of a
person-level dataset (``person_id``, ``assignment_id``) is replaced by :data:`HIDDEN`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.data.ledger.models import Status, Submission, SubmissionSlice
from oneworkforce.data.reference import normalise_token
from oneworkforce.data.schemas import Dataset
from oneworkforce.web.access import Permission, Scope

HIDDEN = "(hidden: identifies a person)"
STATUSES = tuple(s.value for s in Status)


def visible(scope: Scope) -> QuerySet[Submission]:
    """Every submission the user may see, newest first."""
    allowed = scope.organisations(Permission.VIEW_SUBMISSIONS)
    submissions = Submission.objects.all()
    if allowed is None:
        return submissions
    theirs = SubmissionSlice.objects.filter(org_code__in=sorted(allowed)).values("submission_id")
    own_rejected = Q(status=Status.REJECTED, submitted_by=scope.username or "")
    return submissions.filter(Q(pk__in=theirs) | own_rejected)


def filtered(
    scope: Scope,
    *,
    dataset: str | None = None,
    status: str | None = None,
    organisation: str | None = None,
) -> QuerySet[Submission]:
    """The ledger filtered as the list page and the API filter it (values already checked)."""
    submissions = visible(scope)
    if dataset:
        submissions = submissions.filter(dataset=dataset)
    if status:
        submissions = submissions.filter(status=status)
    if organisation:
        # only over organisations the user may see: filtering by another organisation would
        # tell which files hold its data
        allowed = scope.organisations(Permission.VIEW_SUBMISSIONS)
        if allowed is not None and organisation.upper() not in allowed:
            return submissions.none()
        holding = SubmissionSlice.objects.filter(org_code=organisation.upper())
        submissions = submissions.filter(pk__in=holding.values("submission_id"))
    return submissions


def filter_problems(dataset: str | None, status: str | None, organisation: str | None) -> list[str]:
    """Plain-words reasons the filters cannot be used (empty when they are fine)."""
    problems = []
    if dataset and dataset not in ALL_DATASETS:
        problems.append(f"unknown dataset '{dataset}'; choose one of: {', '.join(ALL_DATASETS)}")
    if status and status not in STATUSES:
        problems.append(f"unknown status '{status}'; choose one of: {', '.join(STATUSES)}")
    if organisation and not organisation.strip().isalnum():
        problems.append(f"'{organisation}' is not an organisation code (letters and digits)")
    return problems


@dataclass(frozen=True)
class SliceView:
    org_code: str
    segment: str | None
    period: str | None
    rows: int
    status: str
    superseded_by: str | None
    superseded_at: Any


def slices(scope: Scope, submission: Submission) -> tuple[list[SliceView], int]:
    """The slices the user may see, and how many others the submission has."""
    allowed = scope.organisations(Permission.VIEW_SUBMISSIONS)
    shown, hidden = [], 0
    for s in submission.slices.all().order_by("org_code", "segment", "period"):
        if allowed is not None and s.org_code not in allowed:
            hidden += 1
            continue
        shown.append(
            SliceView(
                s.org_code,
                s.segment,
                s.period.strftime("%Y-%m") if s.period else None,
                s.rows,
                s.status,
                str(s.superseded_by_id) if s.superseded_by_id else None,
                s.superseded_at,
            )
        )
    return shown, hidden


def organisations(scope: Scope, submission: Submission) -> tuple[list[str], int]:
    """The submission's organisations the user may see, and how many others it has."""
    shown = scope.filter_orgs(Permission.VIEW_SUBMISSIONS, submission.organisations)
    return shown, len(submission.organisations) - len(shown)


def _identifier_spellings(dataset: Dataset) -> set[str]:
    if not dataset.person_level:
        return set()
    return {
        normalise_token(spelling)
        for column in dataset.columns
        if column.kind == "text"
        for spelling in (column.name, *column.synonyms)
    }


def errors(submission: Submission) -> list[dict[str, Any]]:
    """The listed errors (at most 100, as the importer kept them), identifiers hidden."""
    return safe_errors(submission.dataset, submission.errors)


def safe_errors(dataset_name: str, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    dataset = ALL_DATASETS.get(dataset_name)
    identifying = _identifier_spellings(dataset) if dataset else set()
    out = []
    for e in listed:
        e = dict(e)
        column = e.get("column")
        if column and e.get("value") is not None and normalise_token(column) in identifying:
            e["value"] = HIDDEN
        out.append(e)
    return out


def as_dict(scope: Scope, submission: Submission, *, detail: bool) -> dict[str, Any]:
    """A submission in the fields of ``oneworkforce submissions --format json``."""
    orgs, other_orgs = organisations(scope, submission)
    out: dict[str, Any] = {
        "id": str(submission.id),
        "dataset": submission.dataset,
        "file_name": submission.file_name,
        "file_type": submission.file_type,
        "sha256": submission.sha256,
        "submitted_by": submission.submitted_by,
        "submitted_at": submission.submitted_at.isoformat(),
        "status": submission.status,
        "rows": submission.rows,
        "organisations": orgs,
        "other_organisations": other_orgs,
        "periods": submission.periods,
        "error_count": submission.error_count,
        "counts_by_rule": submission.counts_by_rule,
        "seconds": submission.seconds,
    }
    if detail:
        shown, hidden = slices(scope, submission)
        out["errors"] = errors(submission)
        out["slices"] = [
            {
                "org_code": s.org_code,
                "segment": s.segment,
                "period": s.period,
                "rows": s.rows,
                "status": s.status,
                "superseded_by": s.superseded_by,
                "superseded_at": s.superseded_at.isoformat() if s.superseded_at else None,
            }
            for s in shown
        ]
        out["other_slices"] = hidden
    return out
