"""Edit forms. Each carries the ``version`` the editor loaded, so a stale save is refused."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError

from oneworkforce.registers import models, vocab
from oneworkforce.registers.tabular import REGISTERS
from oneworkforce.web.widgets import DayMonthYear


def _css(widget: forms.Widget) -> str:
    """The NHS design system's class for a widget (checkboxes before selects: a checkbox list
    is a kind of select in Django)."""
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
        return "nhsuk-checkboxes__input"
    if isinstance(widget, forms.Textarea):
        return "nhsuk-textarea"
    return "nhsuk-select" if isinstance(widget, forms.Select) else "nhsuk-input"


class VersionedForm(forms.ModelForm):
    """An edit carries the version it was loaded at; a new record has none to check."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        elif not self.is_bound:
            self.initial["version"] = self.instance.version
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _css(field.widget))

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# dates are asked for as day, month and year fields (the NHS design system's date input), so
# they read the same whatever the browser's locale (a browser's date picker follows it)
_DATE = DayMonthYear()


class ProgrammeForm(VersionedForm):
    domains = forms.TypedMultipleChoiceField(
        choices=[(n, f"{n}. {t}") for n, t in vocab.DOMAINS],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People Plan domains",
    )
    journey_stages = forms.MultipleChoiceField(
        choices=[(s, s) for s in vocab.JOURNEY_STAGES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Colleague-journey stages",
    )

    class Meta:
        model = models.Programme
        fields = (
            "name",
            "kind",
            "parent",
            "ce_sponsor",
            "sro",
            "chair",
            "lead",
            "clinical_lead",
            "programme_director",
            "objective",
            "phase",
            "rag",
            "status_text",
            "risks_text",
            "trajectory",
            "domains",
            "journey_stages",
        )


class StatusReportForm(forms.ModelForm):
    class Meta:
        model = models.StatusReport
        fields = (
            "report_date",
            "rag_overall",
            "rag_delivery",
            "rag_benefits_finance",
            "rag_risk",
            "rag_resources",
            "narrative",
            "change_reason",
        )
        widgets: ClassVar[dict] = {"report_date": _DATE}


class RiskForm(VersionedForm):
    review_date = forms.DateField(
        widget=_DATE, required=True, help_text="Required: when the risk is next reviewed."
    )
    programmes = forms.ModelMultipleChoiceField(
        queryset=models.Programme.objects.filter(archived=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked programmes",
    )
    owner_person = forms.ModelChoiceField(
        queryset=models.Person.objects.filter(archived=False),
        required=False,
        label="Owner in the people register",
        help_text="The owner may record an indicator review if their email is their account's.",
    )

    class Meta:
        model = models.Risk
        fields = (
            "description",
            "owner",
            "owner_person",
            "initial_likelihood",
            "initial_consequence",
            "current_likelihood",
            "current_consequence",
            "target_likelihood",
            "target_consequence",
            "mitigations",
            "assurances",
            "gaps_in_control",
            "gaps_in_assurance",
            "review_date",
            "strategic_objectives",
            "programmes",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            if name.endswith(("_likelihood", "_consequence")):
                self.fields[name] = forms.TypedChoiceField(
                    choices=[("", "Not scored")] + [(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    label=name.replace("_", " ").capitalize(),
                    widget=forms.Select(attrs={"class": "nhsuk-select"}),
                )

    def changes(self) -> dict:
        data = super().changes()
        data.pop("programmes", None)
        return data


class ActionForm(VersionedForm):
    class Meta:
        model = models.Action
        fields = (
            "action",
            "owner",
            "due_date",
            "status",
        )
        widgets: ClassVar[dict] = {"due_date": _DATE}


class ActionUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Update", widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3})
    )
    close = forms.BooleanField(label="Close the action", required=False)


class MilestoneForm(VersionedForm):
    class Meta:
        model = models.Milestone
        fields = (
            "name",
            "kind",
            "owner",
            "due_date",
            "status",
            "completed_on",
        )
        widgets: ClassVar[dict] = {"due_date": _DATE, "completed_on": _DATE}


def _staff_groups() -> list[tuple[str, str]]:
    from oneworkforce.data.reference import vocabulary

    groups = vocabulary("staff_group")
    return [("", "Every staff group"), *((c, groups.titles[c]) for c in groups.codes)]


class BenefitForm(VersionedForm):
    staff_group = forms.ChoiceField(
        choices=_staff_groups,
        required=False,
        help_text="The staff group the lever acts on (new roles need one).",
    )

    class Meta:
        model = models.Benefit
        fields = (
            "name",
            "kind",
            "unit",
            "owner",
            "rag",
            "planned_total",
            "lever",
            "staff_group",
        )


class DeclarationForm(VersionedForm):
    class Meta:
        model = models.Declaration
        fields = (
            "title",
            "forename",
            "surname",
            "role",
            "declared_on",
            "financial",
            "non_financial_professional",
            "non_financial_personal",
            "indirect",
            "gifts_hospitality",
            "management",
        )
        widgets: ClassVar[dict] = {"declared_on": _DATE}


def _split(line: str, parts: int) -> list[str]:
    cells = [c.strip() for c in line.split("|")]
    return (cells + [""] * parts)[:parts]


class MeetingForm(VersionedForm):
    """A meeting; its agenda and attendance are typed one line each, parts split by '|'."""

    agenda = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One item a line: number | title | lead | conflicts handling | what it "
        "concerns (organisations, programmes or papers, separated by ';'), for example "
        "'5 | Chief Executive update | Prem Singh' or "
        "'8 | People Plan | Alex Brett | | Midlands Partnership NHS Foundation Trust'.",
    )
    attendance = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One person a line: name | role; add '| absent' for apologies.",
    )

    class Meta:
        model = models.Meeting
        fields = ("title", "date", "committee", "agenda", "attendance", "minutes")
        widgets: ClassVar[dict] = {"date": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["committee"].queryset = models.Programme.objects.filter(archived=False)
        if self.instance.pk and not self.is_bound:
            # imported meetings may hold plain strings: they come back as a title or a name
            self.initial["agenda"] = "\n".join(
                " | ".join(
                    [str(item.get(k, "")) for k in ("number", "title", "lead", "handling")]
                    + ["; ".join(item.get("concerns") or [])]
                ).rstrip(" |")
                if isinstance(item, dict)
                else str(item)
                for item in self.instance.agenda or []
            )
            self.initial["attendance"] = "\n".join(
                " | ".join(
                    [p.get("name", ""), p.get("role", "")]
                    + ([] if p.get("present", True) else ["absent"])
                ).rstrip(" |")
                if isinstance(p, dict)
                else str(p)
                for p in self.instance.attendance or []
            )

    def clean_agenda(self) -> list[dict]:
        items = []
        for i, line in enumerate(self.cleaned_data["agenda"].splitlines(), start=1):
            if not line.strip():
                continue
            number, title, lead, handling, concerns = _split(line, 5)
            if not title:  # a line without '|' is a title alone
                number, title = str(i), number
            item = {"number": number, "title": title, "lead": lead, "handling": handling}
            named = [c.strip() for c in concerns.split(";") if c.strip()]
            if named:
                item["concerns"] = named
            items.append(item)
        return items

    def clean_attendance(self) -> list[dict]:
        people = []
        for line in self.cleaned_data["attendance"].splitlines():
            if not line.strip():
                continue
            name, role, present = _split(line, 3)
            people.append({"name": name, "role": role, "present": present.lower() != "absent"})
        return people


class BenefitMonthForm(VersionedForm):
    """One month's actual, read like an imported figure ("£1.2m", "1,200")."""

    actual = forms.CharField(
        required=False,
        help_text="An amount such as 125000, 1,250 or £1.2m; leave it empty if not yet known.",
    )

    class Meta:
        model = models.BenefitMonth
        fields = ("actual",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = self.instance.month
        self.fields["actual"].label = f"Actual for {month:%B %Y}" if month else "Actual"
        if self.instance.pk and not self.is_bound and self.instance.actual is not None:
            from oneworkforce.registers.tabular import plain

            self.initial["actual"] = plain(self.instance.actual)

    def clean_actual(self):
        from oneworkforce.registers.trajectory import read_amount

        value, readable = read_amount(self.cleaned_data["actual"])
        if not readable:
            raise ValidationError("Enter an amount, like 125000, 1,250 or £1.2m")
        return value


class MembershipForm(VersionedForm):
    """A member's role on a committee and the days their membership began and ended (a
    member who leaves is given an end date, never removed: past meetings keep their members)."""

    class Meta:
        model = models.Membership
        fields = ("role", "since", "until")
        labels: ClassVar[dict] = {"role": "Role on the committee", "since": "Member from"}
        widgets: ClassVar[dict] = {"since": _DATE, "until": _DATE}
        help_texts: ClassVar[dict] = {
            "until": "Leave empty while they are a member; the last day of their membership.",
        }

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The membership cannot end before it began")
        return data


class NewMembershipForm(MembershipForm):
    """A new member: someone in the people register, or a new person."""

    member = forms.ModelChoiceField(
        queryset=models.Person.objects.filter(archived=False),
        required=False,
        empty_label="Choose a person",
        label="Person",
        help_text="Someone in the people register; or type a new person's name below.",
    )
    new_name = forms.CharField(required=False, max_length=200, label="Or a new person's name")
    new_organisation = forms.CharField(
        required=False, max_length=300, label="The new person's organisation"
    )

    field_order = ("member", "new_name", "new_organisation", "role", "since", "until")

    def __init__(self, *args, committee: models.Programme, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        person, name = data.get("member"), (data.get("new_name") or "").strip()
        if person is None and not name:
            self.add_error("member", "Choose a person, or type a new person's name")
        elif person is not None and name:
            self.add_error("new_name", "Choose a person or type a new name, not both")
        elif person is not None and self.committee.members.filter(person=person).exists():
            self.add_error(
                "member",
                f"{person.name} is already a member of {self.committee.name}: change their "
                "membership in the list instead",
            )
        return data


# --- forms for new records: what the edit form asks, and what a record cannot do without --


class NewRiskForm(RiskForm):
    ref = forms.CharField(
        label="Risk reference",
        max_length=40,
        help_text="Unique in the register, for example 'WF-12'.",
    )

    class Meta(RiskForm.Meta):
        fields = ("ref", *RiskForm.Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = True
        for name in self.fields:
            if name.endswith(("_likelihood", "_consequence")):
                self.fields[name].required = True
                self.fields[name].choices = [("", "Choose")] + [(n, str(n)) for n in range(1, 6)]

    def clean_ref(self) -> str:
        ref = self.cleaned_data["ref"].strip()
        taken = models.Risk.objects.filter(ref__iexact=ref).first()
        if taken is not None:
            state = " (archived)" if taken.archived else ""
            raise ValidationError(
                f"Risk reference {ref} is already taken by another risk{state}: "
                "choose a different reference."
            )
        return ref


class NewActionForm(ActionForm):
    class Meta(ActionForm.Meta):
        fields = ("meeting", "meeting_date", "item", "agenda_item", *ActionForm.Meta.fields)
        widgets: ClassVar[dict] = {"due_date": _DATE, "meeting_date": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = models.Meeting.objects.filter(archived=False)
        self.fields["meeting_date"].help_text = "Leave empty to use the meeting's date."


class NewMilestoneForm(MilestoneForm):
    class Meta(MilestoneForm.Meta):
        fields = ("programme", *MilestoneForm.Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = models.Programme.objects.filter(archived=False)


class NewBenefitForm(BenefitForm):
    class Meta(BenefitForm.Meta):
        fields = ("programme", *BenefitForm.Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = models.Programme.objects.filter(archived=False)


FORMS = {
    "programme": (models.Programme, ProgrammeForm),
    "risk": (models.Risk, RiskForm),
    "action": (models.Action, ActionForm),
    "milestone": (models.Milestone, MilestoneForm),
    "benefit": (models.Benefit, BenefitForm),
    "meeting": (models.Meeting, MeetingForm),
    "declaration": (models.Declaration, DeclarationForm),
}

#: key -> (model, form, what the page is called); the records people add from the web app
NEW = {
    "risk": (models.Risk, NewRiskForm, "Add a risk"),
    "action": (models.Action, NewActionForm, "Add an action"),
    "milestone": (models.Milestone, NewMilestoneForm, "Add a milestone"),
    "benefit": (models.Benefit, NewBenefitForm, "Add a benefit"),
    "meeting": (models.Meeting, MeetingForm, "Add a meeting"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, r.title) for k, r in REGISTERS.items()],
        label="Register",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    file = forms.FileField(
        label="CSV or XLSX file",
        widget=forms.ClearableFileInput(attrs={"class": "nhsuk-file-upload"}),
    )
