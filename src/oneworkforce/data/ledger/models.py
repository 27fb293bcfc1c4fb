"""Ledger models. A submission is one file; its slices are the (organisation, month) pieces
that later files may supersede one by one. Rows are never deleted: superseded slices stay,
with who and what superseded them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Submission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=40, db_index=True)
    file_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    submitted_by = models.CharField(max_length=150)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    rows = models.BigIntegerField(default=0)
    organisations = models.JSONField(default=list)
    periods = models.JSONField(default=list)
    error_count = models.IntegerField(default=0)
    errors = models.JSONField(default=list)
    counts_by_rule = models.JSONField(default=dict)
    seconds = models.FloatField(null=True)

    class Meta:
        ordering = ("-submitted_at",)

    def __str__(self) -> str:
        return f"{self.dataset} {self.file_name} ({self.status})"


class SubmissionSlice(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="slices")
    dataset = models.CharField(max_length=40)
    segment = models.CharField(max_length=40, null=True, blank=True)
    org_code = models.CharField(max_length=20)
    period = models.DateField(null=True)
    rows = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACCEPTED)
    superseded_by = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="superseding"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=["dataset", "org_code", "period", "status"]),)

    def __str__(self) -> str:
        return f"{self.dataset} {self.org_code} {self.period} ({self.status})"
