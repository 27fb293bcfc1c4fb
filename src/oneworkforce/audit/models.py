"""Audit events. Append-only: nothing updates or deletes a row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150, db_index=True)  # username, or "system"
    action = models.CharField(max_length=60, db_index=True)  # e.g. "risk.update"
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    organisation = models.CharField(max_length=20, blank=True, default="")
    #: {field: [before, after]} for updates; the whole record for creates
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=["object_type", "object_id", "at"]),)

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor} {self.action} {self.object_type}:{self.object_id}"
