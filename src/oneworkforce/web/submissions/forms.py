"""The upload form and the ledger's filters, with messages in plain words."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from oneworkforce.data import ascwds
from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.data.readers import UnreadableFile, sniff_type
from oneworkforce.web.submissions.ledger import STATUSES


def _dataset_label(name: str) -> str:
    title = ascwds.KINDS[name] if name in ascwds.KINDS else ALL_DATASETS[name].title
    return f"{title} ({name})"


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(
        label="Which data is in the file",
        error_messages={"required": "Choose which data is in the file"},
    )
    file = forms.FileField(
        label="The file",
        help_text="CSV (UTF-8), Excel (.xlsx) or Parquet, with one heading row.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file you chose is empty",
        },
    )
    period = forms.CharField(
        label="The month the file is a snapshot of (ASC-WDS files only)",
        required=False,
        max_length=20,
        help_text="An ASC-WDS bulk upload file has no month in it: give it as YYYY-MM, for "
        "example 2025-03.",
    )
    strict = forms.BooleanField(
        label="Refuse the file if it has any column the format does not name",
        required=False,
        help_text="Without this, such columns, and any that look like a person's name, NI "
        "number, date of birth or address, are dropped before anything is stored and listed "
        "in the report.",
    )

    def __init__(self, *args, datasets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "Choose")] + [
            (name, _dataset_label(name)) for name in datasets
        ]

    def clean(self):
        cleaned = super().clean()
        period = (cleaned.get("period") or "").strip()
        if cleaned.get("dataset") in ascwds.KINDS:
            if not period:
                self.add_error(
                    "period",
                    "Give the month the ASC-WDS file is a snapshot of, as YYYY-MM (for "
                    "example 2025-03)",
                )
            else:
                try:
                    cleaned["period"] = ascwds.check_period(period)
                except ValueError:
                    self.add_error(
                        "period",
                        f"Write the month as YYYY-MM (for example 2025-03), not {period!r}",
                    )
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest file accepted is "
                f"{filesizeformat(limit)}. Split it by month or organisation."
            )
        try:
            sniff_type(Path(upload.name))
        except UnreadableFile as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class LedgerFilterForm(forms.Form):
    dataset = forms.ChoiceField(label="Dataset", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any")] + [(s, s.capitalize()) for s in STATUSES],
    )
    organisation = forms.CharField(
        label="Organisation code",
        required=False,
        max_length=20,
        help_text="For example RZA",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "Any")] + [
            (name, _dataset_label(name)) for name in ALL_DATASETS
        ]

    def clean_organisation(self) -> str:
        code = self.cleaned_data["organisation"].strip().upper()
        if code and not code.isalnum():
            raise forms.ValidationError("Write an organisation code in letters and digits")
        return code
