"""The one actions layer of the registers: every create, update and archive is here.

Each runs in ``transaction.atomic()`` and appends an audit event in the same transaction.
Edits carry the ``version`` the editor saw; if the record has moved on since, the edit is
refused with :class:`StaleEdit` (two people never silently overwrite each other). Submitted
status reports are frozen (:class:`Frozen`). Records are archived, never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from oneworkforce.audit import trail
from oneworkforce.registers import scoring
from oneworkforce.registers.models import (
    Action,
    ActionUpdate,
    Declaration,
    ImportRun,
    Interest,
    PhaseChange,
    Programme,
    Record,
    Risk,
    RiskAssessment,
    StatusReport,
)

R = TypeVar("R", bound=models.Model)

#: fields the actions layer manages itself; forms and imports never set them
MANAGED = frozenset({"id", "version", "archived", "archived_at", "created_at", "updated_at"})


_INTEREST_TEXTS = (
    "financial",
    "non_financial_professional",
    "non_financial_personal",
    "indirect",
    "gifts_hospitality",
)


class StaleEdit(Exception):
    """The record was changed by someone else after the editor loaded it."""

    def __init__(self, obj: models.Model, expected: int):
        self.obj = obj
        self.expected = expected
        super().__init__(
            f"{type(obj).__name__} {obj.pk} was changed by someone else since you opened it "
            f"(you had version {expected}, it is now version {getattr(obj, 'version', '?')}). "
            "Your changes were not saved: reload it, then make them again."
        )


class Frozen(Exception):
    """A submitted status report cannot be changed."""


def object_type(model: type[models.Model] | models.Model) -> str:
    return f"registers.{model._meta.model_name}"


def fields_of(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a record (foreign keys as ids), for the audit trail."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"}:
            continue
        out[field.attname] = getattr(obj, field.attname)
    return out


def _m2m(obj: models.Model) -> dict[str, list]:
    if isinstance(obj, Risk) and obj.pk:
        return {"programmes": sorted(obj.programmes.values_list("code", flat=True))}
    return {}


def create(actor: str, model: type[R], /, *, m2m: Mapping[str, list] | None = None, **values) -> R:
    """Create a record and record it in the audit trail."""
    with transaction.atomic():
        obj = model(**{k: v for k, v in values.items() if k not in MANAGED})
        _guard_values(obj)
        obj.save()
        _set_m2m(obj, m2m)
        _after_write(actor, obj, {})
        trail.record(
            actor,
            f"{model._meta.model_name}.create",
            object_type(model),
            obj.pk,
            {**fields_of(obj), **_m2m(obj)},
        )
        return obj


def update(
    actor: str,
    obj: R,
    expected_version: int | None,
    changes: Mapping[str, Any],
    *,
    m2m: Mapping[str, list] | None = None,
    note: str = "",
) -> R:
    """Apply ``changes`` to a record if it is still at ``expected_version``.

    Returns the (reloaded) record. A change that changes nothing writes nothing and records
    nothing. ``expected_version=None`` is for imports, which compare content instead.
    """
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != int(expected_version):
            raise StaleEdit(current, int(expected_version))
        if isinstance(current, StatusReport) and current.submitted:
            raise Frozen(
                f"The status report of {current.report_date:%d %B %Y} was submitted and cannot "
                "be changed; write a new report instead."
            )
        before = {**fields_of(current), **_m2m(current)}
        for key, value in changes.items():
            if key in MANAGED:
                continue
            setattr(current, key, value)
        _guard_values(current)
        _set_m2m_pending = m2m or {}
        after_preview = {
            **fields_of(current),
            **{k: sorted(v) for k, v in _set_m2m_pending.items()},
        }
        merged_before = {k: before.get(k) for k in after_preview}
        changed = trail.diff(merged_before, after_preview)
        if not changed:
            return current
        current.version += 1
        current.save()
        _set_m2m(current, m2m)
        _after_write(actor, current, before)
        trail.record(
            actor,
            f"{model._meta.model_name}.update",
            object_type(model),
            current.pk,
            changed,
            note=note,
        )
        return current


def archive(actor: str, obj: Record, expected_version: int) -> Record:
    """Archive a record (it stays in the database and the history; lists hide it). The
    version the person saw is required: an archive never applies blind."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().get(pk=obj.pk)
        if current.version != int(expected_version):
            raise StaleEdit(current, int(expected_version))
        if current.archived:
            return current
        current.archived = True
        current.archived_at = timezone.now()
        current.version += 1
        current.save()
        trail.record(
            actor,
            f"{current._meta.model_name}.archive",
            object_type(current),
            current.pk,
            {"archived": [False, True]},
        )
        return current


def submit_report(actor: str, report: StatusReport, expected_version: int) -> StatusReport:
    """Submit a status report: from now on it never changes (the version seen is required)."""
    with transaction.atomic():
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if current.version != int(expected_version):
            raise StaleEdit(current, int(expected_version))
        if current.submitted:
            raise Frozen("This status report was already submitted.")
        current.submitted_at = timezone.now()
        current.submitted_by = actor
        current.version += 1
        current.save()
        trail.record(
            actor,
            "statusreport.submit",
            object_type(current),
            current.pk,
            {"submitted_at": [None, current.submitted_at], "submitted_by": [None, actor]},
        )
        if current.rag_overall and current.programme.rag != current.rag_overall:
            prog = current.programme
            update(
                actor,
                prog,
                None,
                {"rag": current.rag_overall},
                note=f"from the status report of {current.report_date}",
            )
        return current


def add_action_update(
    actor: str, action: Action, expected_version: int | None, text: str, *, close: bool = False
) -> Action:
    """Add a dated update to an action (and close it if asked)."""
    with transaction.atomic():
        changes: dict[str, Any] = {"update": text}
        if close:
            changes |= {"status": "closed", "closed_on": timezone.localdate()}
        updated = update(actor, action, expected_version, changes)
        entry = ActionUpdate.objects.create(
            action=updated, written_at=timezone.now(), text=text, actor=actor
        )
        trail.record(
            actor,
            "actionupdate.create",
            object_type(ActionUpdate),
            entry.pk,
            {"action_id": updated.pk, "text": text},
        )
        return updated


# --- rules that keep records consistent -------------------------------------------------


def _guard_values(obj: models.Model) -> None:
    if isinstance(obj, Risk):
        for stage in ("initial", "current", "target"):
            lik = getattr(obj, f"{stage}_likelihood")
            con = getattr(obj, f"{stage}_consequence")
            if lik is not None and con is not None:
                scoring.score(int(lik), int(con))  # raises ScoreError if off the matrix
        if not obj.criteria_version:
            obj.criteria_version = scoring.CRITERIA_VERSION
    if isinstance(obj, Declaration):
        from oneworkforce.registers.parsing import financial_year, is_none

        obj.nil = all(is_none(getattr(obj, t)) for t in _INTEREST_TEXTS)
        if not obj.financial_year:
            obj.financial_year = financial_year(obj.declared_on)


def _set_m2m(obj: models.Model, m2m: Mapping[str, list] | None) -> None:
    if not m2m:
        return
    if isinstance(obj, Risk) and "programmes" in m2m:
        obj.programmes.set(Programme.objects.filter(code__in=list(m2m["programmes"])))


def _after_write(actor: str, obj: models.Model, before: Mapping[str, Any]) -> None:
    """History rows that follow from a change: phases, risk scorings, interests."""
    if isinstance(obj, Programme) and obj.phase and obj.phase != before.get("phase"):
        change = PhaseChange.objects.create(
            programme=obj,
            phase=obj.phase,
            previous=before.get("phase") or "",
            changed_on=timezone.localdate(),
            actor=actor,
        )
        trail.record(
            actor,
            "phasechange.create",
            object_type(PhaseChange),
            change.pk,
            {"programme_id": obj.pk, "phase": [before.get("phase"), obj.phase]},
        )
    if isinstance(obj, Risk):
        for stage in ("initial", "current", "target"):
            lik = getattr(obj, f"{stage}_likelihood")
            con = getattr(obj, f"{stage}_consequence")
            if lik is None or con is None:
                continue
            if (before.get(f"{stage}_likelihood"), before.get(f"{stage}_consequence")) == (
                lik,
                con,
            ):
                continue
            value = scoring.score(int(lik), int(con))
            assessment = RiskAssessment.objects.create(
                risk=obj,
                stage=stage,
                assessed_at=timezone.now(),
                likelihood=lik,
                consequence=con,
                score=value,
                band=scoring.band(value),
                criteria_version=scoring.CRITERIA_VERSION,
                criteria=scoring.criteria(),
                actor=actor,
            )
            trail.record(
                actor,
                "riskassessment.create",
                object_type(RiskAssessment),
                assessment.pk,
                {"risk_id": obj.pk, "stage": stage, "score": value},
            )
    if isinstance(obj, Declaration) and any(
        getattr(obj, t) != before.get(t) for t in _INTEREST_TEXTS
    ):
        _rebuild_interests(actor, obj)


def _rebuild_interests(actor: str, declaration: Declaration) -> None:
    from oneworkforce.registers.parsing import parse_interests

    withdrawn = declaration.interests.filter(withdrawn=False).update(withdrawn=True)
    made = []
    for category in _INTEREST_TEXTS:
        for item in parse_interests(getattr(declaration, category)):
            made.append(Interest.objects.create(declaration=declaration, category=category, **item))
    trail.record(
        actor,
        "interest.rebuild",
        object_type(Declaration),
        declaration.pk,
        {"interests": [withdrawn, len(made)]},
    )


def as_of_today() -> dt.date:
    return timezone.localdate()


def record_run(actor: str, kind: str, import_plan, counts: dict[str, int]) -> None:
    """Keep an import that changed something (its headings, mapping and counts), audited;
    an import that changed nothing leaves no trace. Call inside the import's transaction."""
    if not (counts["create"] or counts["update"]):
        return
    run = ImportRun.objects.create(
        kind=kind,
        file_name=import_plan.file_name,
        headings=import_plan.headings,
        mapping=import_plan.mapping,
        counts=counts,
        actor=actor,
    )
    trail.record(
        actor,
        "importrun.create",
        "registers.importrun",
        run.pk,
        {"kind": kind, "file": import_plan.file_name, **counts},
    )
