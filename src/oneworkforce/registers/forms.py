"""Edit forms. Each carries the ``version`` the editor loaded, so a stale save is refused."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from oneworkforce.registers import models, vocab
from oneworkforce.registers.tabular import REGISTERS


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for field in self.fields.values():
            css = (
                "nhsuk-textarea"
                if isinstance(field.widget, forms.Textarea)
                else ("nhsuk-select" if isinstance(field.widget, forms.Select) else "nhsuk-input")
            )
            field.widget.attrs.setdefault("class", css)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# a date input takes ISO dates whatever the language of the page (en-GB would give dd/mm/yyyy)
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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

    class Meta:
        model = models.Risk
        fields = (
            "description",
            "owner",
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


class BenefitForm(VersionedForm):
    class Meta:
        model = models.Benefit
        fields = (
            "name",
            "kind",
            "unit",
            "owner",
            "rag",
            "planned_total",
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


FORMS = {
    "programme": (models.Programme, ProgrammeForm),
    "risk": (models.Risk, RiskForm),
    "action": (models.Action, ActionForm),
    "milestone": (models.Milestone, MilestoneForm),
    "benefit": (models.Benefit, BenefitForm),
    "declaration": (models.Declaration, DeclarationForm),
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
