"""The registers' records. Every write goes through :mod:`oneworkforce.registers.actions`.

Each record carries a ``version`` (optimistic concurrency: an edit made from a stale page is
refused), ``archived`` (nothing is deleted), ``extra`` (imported columns that map to no field,
kept as written) and ``source`` (the imported row and what it was read as, so an export in
the people's own headings gives back their text unchanged).
"""

from __future__ import annotations

from django.db import models

from oneworkforce.registers import vocab


class ArchiveOnly(Exception):
    """Registers keep their history: records are archived, never deleted."""


class Record(models.Model):
    version = models.PositiveIntegerField(default=1)
    archived = models.BooleanField(default=False, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: imported columns that map to no field: {heading: text}
    extra = models.JSONField(default=dict, blank=True)
    #: {"row": {heading: text}, "parsed": {field: value}} from the last import
    source = models.JSONField(default=dict, blank=True)
    #: natural key and content hash of the imported row (re-importing changes nothing)
    import_key = models.CharField(max_length=255, blank=True, default="", db_index=True)
    content_hash = models.CharField(max_length=64, blank=True, default="")
    source_order = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise ArchiveOnly(f"{type(self).__name__} records are archived, never deleted")


def _choices(pairs):
    return [(str(k), v) for k, v in pairs]


class Programme(Record):
    """A portfolio, programme, workstream, committee, task-and-finish group or project."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=vocab.KINDS, default="programme")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    section = models.CharField(max_length=200, blank=True, default="")
    ce_sponsor = models.CharField("chief executive sponsor", max_length=200, blank=True)
    sro = models.CharField("senior responsible officer", max_length=300, blank=True)
    chair = models.CharField(max_length=300, blank=True)
    lead = models.CharField("ICB lead", max_length=300, blank=True)
    clinical_lead = models.CharField(max_length=200, blank=True)
    programme_director = models.CharField(max_length=200, blank=True)
    objective = models.TextField(blank=True)
    phase = models.CharField(max_length=20, choices=vocab.PHASES, blank=True)
    status_text = models.TextField("status update", blank=True)
    rag = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    risks_text = models.TextField("risks", blank=True)
    trajectory = models.TextField("delivery trajectory", blank=True)
    savings_text = models.TextField("savings opportunity", blank=True)
    savings_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    domains = models.JSONField(default=list, blank=True)
    journey_stages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("source_order", "code")

    def __str__(self) -> str:
        return self.name


class PhaseChange(models.Model):
    """The phase history of a programme (written by the actions layer, never edited)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="phases")
    phase = models.CharField(max_length=20, choices=vocab.PHASES)
    previous = models.CharField(max_length=20, blank=True)
    changed_on = models.DateField()
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ("changed_on", "id")


class StatusReport(Record):
    """A dated status report; frozen once submitted."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="reports")
    report_date = models.DateField()
    rag_overall = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    rag_delivery = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    rag_benefits_finance = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    rag_risk = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    rag_resources = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    narrative = models.TextField(blank=True)
    change_reason = models.TextField("reason for any change of RAG", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ("programme_id", "-report_date")
        constraints = (
            models.UniqueConstraint(fields=["programme", "report_date"], name="one_report_a_day"),
        )

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def rag(self) -> dict[str, str]:
        return {dim: getattr(self, f"rag_{dim}") for dim, _ in vocab.RAG_DIMENSIONS}


class Milestone(Record):
    """A milestone or deliverable; a deliverable names the catalogue metrics it should move."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="milestones"
    )
    name = models.TextField()
    kind = models.CharField(
        max_length=20,
        choices=[("milestone", "Milestone"), ("deliverable", "Deliverable")],
        default="milestone",
    )
    owner = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=vocab.MILESTONE_STATUSES, default="not_started"
    )
    completed_on = models.DateField(null=True, blank=True)
    metrics = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("due_date", "id")

    def __str__(self) -> str:
        return self.name


class Benefit(Record):
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="benefits"
    )
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=vocab.BENEFIT_KINDS, default="recurrent")
    unit = models.CharField(max_length=30, default="£", blank=True)
    owner = models.CharField(max_length=200, blank=True)
    rag = models.CharField(max_length=10, choices=vocab.RAGS, blank=True)
    planned_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    #: the planning lever the benefit delivers (its trajectory is that lever's input)
    lever = models.CharField(max_length=30, choices=vocab.LEVERS, blank=True)
    #: the staff group the lever acts on (a staff_group code; blank: every staff group)
    staff_group = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ("programme_id", "id")

    def __str__(self) -> str:
        return self.name


class BenefitMonth(models.Model):
    """Planned trajectory and actual for one month (first day of the month).

    ``version`` lets the actions layer refuse an actual typed over a figure someone else
    changed since the page was opened, as for the registers' other records.
    """

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="months")
    version = models.PositiveIntegerField(default=1)
    month = models.DateField()
    planned = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ("month",)
        constraints = (
            models.UniqueConstraint(fields=["benefit", "month"], name="one_benefit_month"),
        )

    def __str__(self) -> str:
        return f"{self.benefit} {self.month:%B %Y}"


class Risk(Record):
    ref = models.CharField(max_length=40, unique=True)
    description = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    #: the owner identified in the people register: they may record an indicator review
    owner_person = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.PROTECT, related_name="risks_owned"
    )
    initial_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    initial_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    current_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    target_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    target_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    mitigations = models.TextField("controls (mitigations)", blank=True)
    assurances = models.TextField(blank=True)
    gaps_in_control = models.TextField(blank=True)
    gaps_in_assurance = models.TextField(blank=True)
    #: required on the edit form; imported registers without one show "not set" as overdue
    review_date = models.DateField(null=True, blank=True)
    strategic_objectives = models.TextField(blank=True)
    programmes = models.ManyToManyField(Programme, blank=True, related_name="risks")
    criteria_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ("source_order", "ref")

    def __str__(self) -> str:
        return f"{self.ref} {self.description[:60]}"

    def score(self, stage: str) -> int | None:
        lik = getattr(self, f"{stage}_likelihood")
        con = getattr(self, f"{stage}_consequence")
        return lik * con if lik and con else None


class RiskAssessment(models.Model):
    """One scoring of a risk, with the criteria it was made under (never edited)."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="assessments")
    stage = models.CharField(
        max_length=10,
        choices=[("initial", "Initial"), ("current", "Current"), ("target", "Target")],
    )
    assessed_at = models.DateTimeField()
    likelihood = models.PositiveSmallIntegerField()
    consequence = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10)
    criteria_version = models.CharField(max_length=40)
    criteria = models.JSONField(default=dict)
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ("assessed_at", "id")


class Meeting(Record):
    """A meeting: agenda, attendance, decisions (lists of small dicts), minutes."""

    title = models.CharField(max_length=300)
    date = models.DateField(null=True, blank=True)
    committee = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    #: [{"number", "title", "lead", "handling", "concerns"}]; handling = conflicts handling in
    #: the minutes; concerns = the organisations, programmes and papers the item names
    agenda = models.JSONField(default=list, blank=True)
    #: [{"name", "role", "present"}]
    attendance = models.JSONField(default=list, blank=True)
    #: [{"item", "decision"}]
    decisions = models.JSONField(default=list, blank=True)
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ("-date", "id")

    def __str__(self) -> str:
        return f"{self.title} {self.date or ''}".strip()


class Action(Record):
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    meeting_date = models.DateField(null=True, blank=True)
    item = models.CharField(max_length=40, blank=True)
    agenda_item = models.CharField(max_length=300, blank=True)
    action = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    update = models.TextField("latest update", blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=[("open", "Open"), ("closed", "Closed")], default="open"
    )
    closed_on = models.DateField(null=True, blank=True)
    rag_text = models.CharField("RAG as written", max_length=20, blank=True)

    class Meta:
        ordering = ("source_order", "meeting_date", "id")


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    written_at = models.DateTimeField()
    text = models.TextField()
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ("written_at", "id")


class Declaration(Record):
    """One person's annual declaration of interests (or a nil declaration)."""

    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    role = models.CharField(max_length=300, blank=True)
    declared_on = models.DateField(null=True, blank=True)
    financial_year = models.CharField(max_length=9, blank=True)
    financial = models.TextField(blank=True)
    non_financial_professional = models.TextField(blank=True)
    non_financial_personal = models.TextField(blank=True)
    indirect = models.TextField(blank=True)
    gifts_hospitality = models.TextField(blank=True)
    management = models.TextField("actions taken to manage conflicts", blank=True)
    nil = models.BooleanField("nil declaration", default=False)
    person = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )

    class Meta:
        ordering = ("surname", "forename", "-declared_on")

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.title, self.forename, self.surname) if p)


class Interest(models.Model):
    """One declared interest, read from its declaration (rebuilt when the declaration changes)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="interests")
    category = models.CharField(max_length=30, choices=vocab.INTEREST_CATEGORIES)
    description = models.TextField()
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)  # superseded by a later reading
    #: the organisations or subjects the interest concerns, read from its text
    organisations = models.JSONField(default=list, blank=True)
    #: set when a person has confirmed (or corrected) ``organisations``
    organisations_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ("category", "id")


class ImportRun(models.Model):
    """A file imported into a register: its headings (the layout exports reproduce)."""

    kind = models.CharField(max_length=30, db_index=True)
    file_name = models.CharField(max_length=255)
    headings = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")


# --- people, organisations and the conflicts check (issue 15) --------------------------


class Person(Record):
    """One person, referred to by declarations, meeting attendance and committee membership.

    ``key`` is the normalised name (:func:`oneworkforce.registers.people.name_key`): imports
    match a name to a person by it exactly (never by a part of it), with the organisation or
    email deciding between people who share a name.
    """

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ("key", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class PersonAlias(models.Model):
    """A name as someone wrote it, identified by an analyst as this person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aliases")
    key = models.CharField(max_length=200, db_index=True)
    written = models.CharField(max_length=300)
    organisation = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)


class Organisation(Record):
    """An organisation (or programme, union, practice) an interest or agenda item concerns."""

    name = models.CharField(max_length=300, unique=True)
    #: other names and abbreviations written for it ("MPFT", "UHNM")
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Attendee(models.Model):
    """One line of a meeting's attendance, with the person it was identified as (rebuilt from
    the meeting's attendance whenever the meeting or the people change)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    written = models.CharField(max_length=300)
    role = models.CharField(max_length=300, blank=True)
    present = models.BooleanField(default=True)
    #: matched, unknown (no such person) or ambiguous (more than one)
    status = models.CharField(max_length=20, default="matched")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("meeting_id", "position")


class Membership(models.Model):
    """A person's membership of a committee (or board, or group). Never deleted: a member
    who leaves has an ``until`` date, so the members on any past day can still be read.
    ``version`` counts edits, so an edit made from a stale page is refused."""

    committee = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=200, blank=True)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("committee_id", "person_id")
        constraints = (
            models.UniqueConstraint(fields=["committee", "person"], name="one_membership"),
        )


class KeyRiskIndicator(models.Model):
    """A catalogue metric that shows a risk materialising, and the direction that signals it."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="indicators")
    metric = models.CharField(max_length=80)
    segment = models.CharField(max_length=80, blank=True)
    place = models.CharField(max_length=80, blank=True)
    #: "up" (a rise signals the risk) or "down"
    direction = models.CharField(
        max_length=4, choices=[("up", "A rise"), ("down", "A fall")], default="up"
    )

    class Meta:
        ordering = ("risk_id", "id")


class IndicatorReview(models.Model):
    """A review of a risk made because an indicator signalled (clears the flag until the next
    signal: one in a month after ``through_period``)."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="indicator_reviews")
    reviewed_at = models.DateTimeField()
    #: the latest month of indicator data the reviewer saw
    through_period = models.CharField(max_length=7)
    note = models.TextField()
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ("reviewed_at", "id")
