"""The one actions layer of the registers: every create, update and archive is here.

Each runs in ``transaction.atomic()`` and appends an audit event in the same transaction.
Edits carry the ``version`` the editor saw; if the record has moved on since, the edit is
refused with :class:`StaleEdit` (two people never silently overwrite each other). Submitted
status reports are frozen (:class:`Frozen`). Records are archived, never deleted.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from oneworkforce.audit import trail
from oneworkforce.registers import scoring
from oneworkforce.registers.models import (
    Action,
    ActionUpdate,
    Attendee,
    Declaration,
    ImportRun,
    IndicatorReview,
    Interest,
    KeyRiskIndicator,
    Meeting,
    Membership,
    Organisation,
    Person,
    PersonAlias,
    PhaseChange,
    Programme,
    Record,
    Risk,
    RiskAssessment,
    StatusReport,
)
from oneworkforce.registers.people import match, name_key, split_written

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


#: when the risk scorings being recorded were made (None: now); see ``scored_on``
_SCORED_AT: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "scored_at", default=None
)


@contextlib.contextmanager
def scored_on(when: dt.datetime) -> Iterator[None]:
    """Risk scorings recorded inside are dated ``when``: for loading a register whose ratings
    were made on a known day (the demo's seed register, at its latest quarterly review)."""
    token = _SCORED_AT.set(when)
    try:
        yield
    finally:
        _SCORED_AT.reset(token)


def record_past_scoring(
    actor: str, risk: Risk, stage: str, likelihood: int, consequence: int, when: dt.datetime
) -> RiskAssessment:
    """A scoring made on an earlier day, added to the risk's history (its current fields are
    not changed): a review held on paper, or the rating a risk was first given."""
    with transaction.atomic():
        return _record_scoring(actor, risk, stage, likelihood, consequence, when)


def _record_scoring(
    actor: str, risk: Risk, stage: str, likelihood: int, consequence: int, when: dt.datetime | None
) -> RiskAssessment:
    """One scoring in the risk's history, audited (call inside the change's transaction)."""
    value = scoring.score(likelihood, consequence)
    assessment = RiskAssessment.objects.create(
        risk=risk,
        stage=stage,
        assessed_at=when or timezone.now(),
        likelihood=likelihood,
        consequence=consequence,
        score=value,
        band=scoring.band(value),
        criteria_version=scoring.CRITERIA_VERSION,
        criteria=scoring.criteria(),
        actor=actor,
    )
    changes = {"risk_id": risk.pk, "stage": stage, "score": value}
    if when is not None:
        changes["on"] = when.date().isoformat()
    trail.record(
        actor, "riskassessment.create", object_type(RiskAssessment), assessment.pk, changes
    )
    return assessment


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
            _record_scoring(actor, obj, stage, int(lik), int(con), _SCORED_AT.get())
    if isinstance(obj, Declaration) and any(
        getattr(obj, t) != before.get(t) for t in _INTEREST_TEXTS
    ):
        _rebuild_interests(actor, obj)
    if isinstance(obj, Organisation | Programme) and (
        not before or obj.name != before.get("name") or _aliases(obj) != before.get("aliases")
    ):
        _reread_interests(actor)
    if isinstance(obj, Declaration) and obj.person_id is None and not before:
        _identify_declarant(actor, obj)
    if isinstance(obj, Meeting) and (not before or obj.attendance != before.get("attendance")):
        rebuild_attendees(actor, obj)


def _aliases(obj: models.Model) -> Any:
    return getattr(obj, "aliases", None)


def _reread_interests(actor: str) -> None:
    """Read again the organisations of the interests nobody has confirmed (a registered
    organisation or programme was added or renamed)."""
    from oneworkforce.registers.conflicts import organisations_in, registered_subjects

    registered = registered_subjects()
    changed = 0
    for interest in Interest.objects.filter(withdrawn=False, organisations_confirmed=False):
        found = organisations_in(interest.description, registered)
        if found != interest.organisations:
            interest.organisations = found
            interest.save(update_fields=["organisations"])
            changed += 1
    if changed:
        trail.record(actor, "interest.reread", object_type(Interest), None, {"interests": changed})


def _identify_declarant(actor: str, declaration: Declaration) -> None:
    person = person_for_declaration(actor, declaration)
    if person is None:
        return
    Declaration.objects.filter(pk=declaration.pk).update(person=person)
    declaration.person = person
    trail.record(
        actor,
        "declaration.identify",
        object_type(Declaration),
        declaration.pk,
        {"person_id": [None, person.pk]},
    )


def confirm_organisations(actor: str, interest: Interest, organisations: list[str]) -> Interest:
    """A person confirms (or corrects) the organisations an interest concerns."""
    names = [o.strip() for o in organisations if o.strip()]
    with transaction.atomic():
        current = Interest.objects.select_for_update().get(pk=interest.pk)
        before = {
            "organisations": current.organisations,
            "organisations_confirmed": current.organisations_confirmed,
        }
        current.organisations = names
        current.organisations_confirmed = True
        current.save(update_fields=["organisations", "organisations_confirmed"])
        trail.record(
            actor,
            "interest.confirm",
            object_type(Interest),
            current.pk,
            trail.diff(before, {"organisations": names, "organisations_confirmed": True}),
        )
        return current


def _rebuild_interests(actor: str, declaration: Declaration) -> None:
    from oneworkforce.registers.conflicts import organisations_in, registered_subjects
    from oneworkforce.registers.parsing import parse_interests

    withdrawn = declaration.interests.filter(withdrawn=False).update(withdrawn=True)
    registered = registered_subjects()
    made = []
    for category in _INTEREST_TEXTS:
        for item in parse_interests(getattr(declaration, category)):
            item["organisations"] = organisations_in(item["description"], registered)
            made.append(Interest.objects.create(declaration=declaration, category=category, **item))
    trail.record(
        actor,
        "interest.rebuild",
        object_type(Declaration),
        declaration.pk,
        {"interests": [withdrawn, len(made)]},
    )


# --- key risk indicators (registers/indicators.py reads them) ----------------------------


def record_review(
    actor: str, risk: Risk, note: str, through_period: str | None, *, as_owner: bool = False
) -> IndicatorReview:
    """Record a review of a flagged risk (clears the flag until a later month signals);
    ``as_owner`` when the risk's owner records it without edit permission (audited so)."""
    note = note.strip()
    if not note:
        raise ValueError("write what the review found (the note is required)")
    with transaction.atomic():
        review = IndicatorReview.objects.create(
            risk=risk,
            reviewed_at=timezone.now(),
            through_period=through_period or timezone.localdate().strftime("%Y-%m"),
            note=note,
            actor=actor,
        )
        trail.record(
            actor,
            "indicatorreview.create",
            object_type(Risk),
            risk.pk,
            {
                "indicator_review": [None, review.through_period],
                "note": [None, note],
                **({"reviewed_as": [None, "risk owner"]} if as_owner else {}),
            },
        )
    return review


def set_indicators(actor: str, risk: Risk, indicators: list[dict[str, str]]) -> None:
    """Replace a risk's key risk indicators (audited)."""
    from oneworkforce.metrics.catalogue import CATALOGUE

    for item in indicators:
        try:
            CATALOGUE.get(item["metric"])
        except KeyError:
            raise ValueError(f"{item['metric']!r} is not a catalogue metric") from None
        if item.get("direction", "up") not in {"up", "down"}:
            raise ValueError(f"direction {item.get('direction')!r} is not 'up' or 'down'")
    with transaction.atomic():
        before = [
            {"metric": i.metric, "segment": i.segment, "place": i.place, "direction": i.direction}
            for i in risk.indicators.all()
        ]
        after = [
            {
                "metric": i["metric"],
                "segment": i.get("segment", ""),
                "place": i.get("place", ""),
                "direction": i.get("direction", "up"),
            }
            for i in indicators
        ]
        if before == after:
            return
        risk.indicators.all().delete()
        for item in after:
            KeyRiskIndicator.objects.create(risk=risk, **item)
        trail.record(
            actor, "risk.indicators", object_type(Risk), risk.pk, {"indicators": [before, after]}
        )


# --- people (registers/people.py matches names; these are its writes) -------------------


def create_person(actor: str, name: str, **values) -> Person:
    with transaction.atomic():
        person = create(actor, Person, name=name.strip(), key=name_key(name), **values)
        relink(actor, person.key)
    return person


def add_member(
    actor: str,
    committee: Programme,
    person: Person | Mapping[str, str],
    *,
    role: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Membership:
    """Make someone a member of a committee: a person of the register, or a new person
    (``{"name": ..., "organisation": ...}``) created with the membership, in one transaction."""
    with transaction.atomic():
        if not isinstance(person, Person):
            details = {k: str(v).strip() for k, v in person.items() if k != "name"}
            person = create_person(actor, str(person["name"]), **details)
        return create(
            actor,
            Membership,
            committee=committee,
            person=person,
            role=role,
            since=since,
            until=until,
        )


def relink(actor: str, key: str) -> None:
    """Match again the attendance lines written with this name that matched nobody (call
    inside the transaction that made the person)."""
    changed = 0
    for att in Attendee.objects.filter(person__isnull=True):
        if name_key(att.written) == key:
            found = match(att.written)
            att.person, att.status = found.person, found.status
            att.save(update_fields=["person", "status"])
            changed += 1
    if changed:
        trail.record(actor, "attendee.relink", "registers.attendee", key, {"attendees": changed})


def person_for_declaration(actor: str, declaration: Declaration) -> Person | None:
    """The person a declaration is by: the one with that name, or a new person when nobody
    has it (a declaration is the person's own statement); none when the name is ambiguous."""
    name = " ".join(p for p in (declaration.forename, declaration.surname) if p)
    found = match(name)
    if found.status == "matched":
        return found.person
    if found.status == "unknown":
        return create_person(actor, name, role=declaration.role)
    return None


def rebuild_attendees(actor: str, meeting: Meeting) -> None:
    """The meeting's attendance lines as :class:`Attendee` rows, each matched to a person."""
    meeting.attendees.all().delete()
    made = []
    for position, line in enumerate(meeting.attendance or []):
        if isinstance(line, dict):
            written, role = str(line.get("name", "")), str(line.get("role", ""))
            present = bool(line.get("present", True))
            organisation, email = str(line.get("organisation", "")), str(line.get("email", ""))
        else:
            (written, role), present, organisation, email = split_written(line), True, "", ""
        if not written.strip():
            continue
        found = match(written, organisation=organisation, email=email)
        made.append(
            Attendee.objects.create(
                meeting=meeting,
                person=found.person,
                written=written,
                role=role,
                present=present,
                status=found.status,
                position=position,
            )
        )
    trail.record(
        actor,
        "attendee.rebuild",
        "registers.attendee",
        f"meeting-{meeting.pk}",
        {
            "meeting_id": meeting.pk,
            "attendees": len(made),
            "unresolved": sum(1 for a in made if a.person_id is None),
        },
    )


def identify_person(
    actor: str,
    written: str,
    person: Person | None = None,
    *,
    create: dict | None = None,
) -> Person:
    """Identify a name as written: as ``person``, or as a new person made from ``create``
    (name, role, organisation, email). The name becomes an alias of the person and every
    attendance line and declaration written with it is linked (all audited)."""
    key = name_key(written)
    if not key:
        raise ValueError("there is no name to identify")
    with transaction.atomic():
        if person is None:
            values = dict(create or {})
            name = values.pop("name", "") or written
            person = create_person(actor, name, **values)
        if person.key != key:
            alias = PersonAlias.objects.create(person=person, key=key, written=written, actor=actor)
            trail.record(
                actor,
                "personalias.create",
                object_type(PersonAlias),
                alias.pk,
                {"person_id": person.pk, "written": written},
            )
        relinked = 0
        for att in Attendee.objects.filter(person__isnull=True):
            if name_key(att.written) == key:
                att.person, att.status = person, "matched"
                att.save(update_fields=["person", "status"])
                relinked += 1
        for decl in Declaration.objects.filter(person__isnull=True):
            if name_key(f"{decl.forename} {decl.surname}") == key:
                update(actor, decl, None, {"person": person}, note=f"identified {written}")
        trail.record(
            actor,
            "person.resolve",
            object_type(Person),
            person.pk,
            {"written": written, "attendances": relinked},
        )
    return person


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
