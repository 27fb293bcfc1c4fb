"""Writing to and reading from the ledger: the actions layer of imports. Each write records
its audit event (``submission.accepted`` / ``submission.rejected``) in the transaction that
writes the ledger, so an accepted file and its audit event commit or fail together, whether
the file came from the web, the API, the command line or the demo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oneworkforce.data.errors import ValidationReport
from oneworkforce.data.lake import MANIFEST_SCHEMA, Slice
from oneworkforce.data.ledger.models import Status, Submission, SubmissionSlice


@dataclass(frozen=True)
class FileFacts:
    dataset: str
    file_name: str
    file_type: str
    sha256: str
    size_bytes: int
    submitted_by: str


@dataclass(frozen=True)
class SlicePlan:
    segment: str | None
    org_code: str
    period: date | None
    rows: int


def find_duplicate(dataset: str, sha256: str) -> Submission | None:
    """An earlier accepted file with exactly the same bytes, if any."""
    return (
        Submission.objects.filter(
            dataset=dataset, sha256=sha256, status__in=[Status.ACCEPTED, Status.SUPERSEDED]
        )
        .order_by("submitted_at")
        .first()
    )


def _storable(value: Any) -> Any:
    """A value PostgreSQL's JSON can hold: a NUL character (which a broken file can carry
    into an error's quoted value) is written as the visible symbol for it, U+2400."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _audit(submission: Submission, superseded: Sequence[SubmissionSlice] = ()) -> None:
    from oneworkforce.audit import trail

    trail.record(
        submission.submitted_by,
        f"submission.{submission.status}",
        "submission",
        submission.pk,
        {
            "dataset": submission.dataset,
            "file": submission.file_name,
            "sha256": submission.sha256,
            "rows": submission.rows,
            "organisations": submission.organisations,
            "periods": submission.periods,
            "errors": submission.error_count,
            "superseded_slices": len(superseded),
        },
        organisation=(submission.organisations[0] if len(submission.organisations) == 1 else ""),
    )


def record_rejected(facts: FileFacts, report: ValidationReport, seconds: float) -> Submission:
    with transaction.atomic():
        submission = Submission.objects.create(
            **asdict(facts),
            status=Status.REJECTED,
            error_count=report.total,
            errors=[_storable(e.to_dict()) for e in report.errors],
            counts_by_rule=report.counts_by_rule,
            seconds=seconds,
        )
        _audit(submission)
    return submission


def record_accepted(
    submission_id: str, facts: FileFacts, slices: Sequence[SlicePlan], seconds: float
) -> tuple[Submission, list[SubmissionSlice]]:
    """Record an accepted file and supersede the current slices it replaces.

    Must run inside ``transaction.atomic()``; returns the slices it superseded.
    """
    assert transaction.get_connection().in_atomic_block, "record_accepted needs a transaction"
    now = timezone.now()
    submission = Submission.objects.create(
        **asdict(facts),
        id=submission_id,
        status=Status.ACCEPTED,
        submitted_at=now,
        rows=sum(s.rows for s in slices),
        organisations=sorted({s.org_code for s in slices}),
        periods=sorted({s.period.strftime("%Y-%m") for s in slices if s.period}),
        seconds=seconds,
    )
    superseded = _current_matching(facts.dataset, slices)
    touched = {s.submission_id for s in superseded}
    SubmissionSlice.objects.filter(pk__in=[s.pk for s in superseded]).update(
        status=Status.SUPERSEDED, superseded_by=submission, superseded_at=now
    )
    SubmissionSlice.objects.bulk_create(
        [
            SubmissionSlice(
                submission=submission,
                dataset=facts.dataset,
                segment=s.segment,
                org_code=s.org_code,
                period=s.period,
                rows=s.rows,
            )
            for s in slices
        ],
        batch_size=2000,
    )
    # A file all of whose slices are now superseded is itself superseded.
    for old in Submission.objects.filter(pk__in=touched):
        if not old.slices.filter(status=Status.ACCEPTED).exists():
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status"])
    _audit(submission, superseded)
    return submission, superseded


def _current_matching(dataset: str, slices: Sequence[SlicePlan]) -> list[SubmissionSlice]:
    current = SubmissionSlice.objects.filter(dataset=dataset, status=Status.ACCEPTED)
    if dataset == "organisations":  # a new register replaces the whole register
        return list(current)
    wanted = {(s.segment, s.org_code, s.period) for s in slices}
    orgs = {s.org_code for s in slices}
    candidates = current.filter(org_code__in=orgs).filter(
        Q(period__in={s.period for s in slices if s.period}) | Q(period__isnull=True)
    )
    return [c for c in candidates if (c.segment, c.org_code, c.period) in wanted]


def all_slices() -> list[Slice]:
    """Every slice of the ledger (as :func:`slices_table`, one object each)."""
    return [
        Slice(_uuid_text(sid), ds, seg, org, _date(period), int(n), status)
        for sid, ds, seg, org, period, n, status in _slice_rows()
    ]


def slices_table() -> pa.Table:
    """Every slice of the ledger as a table of the lake's manifest, converted column by column:
    the manifest is written from it after every accepted file, and on a ledger of years of
    monthly files (thousands of slices) the ORM's conversion of each value took longer than
    the query."""
    rows = _slice_rows()
    if not rows:
        return MANIFEST_SCHEMA.empty_table()
    ids, datasets, segments, orgs, periods, counts, statuses = zip(*rows, strict=True)
    return pa.table(
        [
            _uuid_texts(ids),
            pa.array(datasets, pa.string()),
            pa.array(segments, pa.string()),
            pa.array(orgs, pa.string()),
            _dates(periods),
            pa.array(counts, pa.int64()),
            pa.array(statuses, pa.string()),
        ],
        schema=MANIFEST_SCHEMA,
    )


def _slice_rows() -> list[tuple[Any, ...]]:
    """The ledger's slices as the database returns them, in one plain query (submission id,
    dataset, segment, organisation, month, rows, status)."""
    from django.db import connection

    meta = SubmissionSlice._meta
    names = ("submission", "dataset", "segment", "org_code", "period", "rows", "status")
    quoted = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(meta.db_table)}")
        return list(cursor.fetchall())


def _uuid_text(value: Any) -> str:
    """A submission id as text with hyphens, as the ORM spells it: PostgreSQL returns a UUID,
    SQLite the 32 hexadecimal digits Django stores."""
    return str(value if isinstance(value, UUID) else UUID(value))


def _date(value: Any) -> date | None:
    """A slice's month as a date (SQLite returns the ISO text Django stores)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _uuid_texts(values: Sequence[Any]) -> pa.Array:
    """:func:`_uuid_text` of each value, the 32 digits of SQLite hyphenated in one pass."""
    digits = pa.array(values, pa.string()) if isinstance(values[0], str) else None
    if digits is None or not pc.all(pc.equal(pc.utf8_length(digits), 32)).as_py():
        return pa.array([_uuid_text(v) for v in values], pa.string())
    parts = [pc.utf8_slice_codeunits(digits, a, b) for a, b in _UUID_GROUPS]
    return pc.binary_join_element_wise(*parts, "-")


_UUID_GROUPS = ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))


def _dates(values: Sequence[Any]) -> pa.Array:
    """:func:`_date` of each value, in one pass."""
    if any(isinstance(v, str) for v in values):
        return pa.array(values, pa.string()).cast(pa.date32())
    return pa.array(values, pa.date32())


def generation() -> int:
    """The ledger's generation: how many slices it has recorded. Every accepted file adds at
    least one and none is ever removed (a superseded slice stays, marked), so the count moves
    on with every accepted file; the results store records the generation it reflects."""
    return SubmissionSlice.objects.count()


def recorded_ids() -> set[str]:
    """Ids of every submission whose files belong in the lake (accepted or superseded)."""
    return {
        str(i)
        for i in Submission.objects.filter(
            status__in=[Status.ACCEPTED, Status.SUPERSEDED]
        ).values_list("id", flat=True)
    }


def ledger(dataset: str | None = None, limit: int | None = None) -> Iterable[Submission]:
    qs = Submission.objects.all().prefetch_related("slices")
    if dataset:
        qs = qs.filter(dataset=dataset)
    return qs[:limit] if limit else qs


def prune_error_values(
    datasets: Sequence[str],
    before: date,
    *,
    actor: str,
    removed: dict[str, Any],
    dry_run: bool = False,
) -> list[str]:
    """Retention (data/prune.py): clear the values quoted in the error reports of files of
    ``datasets`` whose months are all before ``before`` (a file with no month read: sent
    before it), and record the prune, with everything it removed, as one audit event in the
    same transaction. Returns the ids of the submissions whose reports were cleared."""
    from oneworkforce.audit import trail

    month = before.strftime("%Y-%m")
    sent_before = timezone.make_aware(
        timezone.datetime(before.year, before.month, 1), timezone.get_current_timezone()
    )
    with transaction.atomic():
        cleared = []
        for submission in Submission.objects.filter(dataset__in=datasets).exclude(errors=[]):
            periods = submission.periods or []
            if periods:
                old = all(p < month for p in periods)
            else:
                old = submission.submitted_at < sent_before
            if not old or not any(e.get("value") is not None for e in submission.errors):
                continue
            cleared.append(str(submission.pk))
            if not dry_run:
                submission.errors = [{**e, "value": None} for e in submission.errors]
                submission.save(update_fields=["errors"])
        if not dry_run:
            trail.record(
                actor,
                "prune",
                "lake",
                f"before {month}",
                {**removed, "error_reports_cleared": cleared},
                note=f"person-level data before {month} removed (retention)",
            )
    return cleared
