"""A frozen board pack: what the board read, and what it was built from.

The content is stored whole, with its SHA-256, so that rendering a pack again never reads
the results store or the registers: the numbers are those of the day it was made.
"""

from __future__ import annotations

import uuid

from django.db import models


class BoardPack(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.CharField(max_length=7, help_text="The month the figures describe (YYYY-MM)")
    title = models.CharField(max_length=200)
    meeting = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    public = models.BooleanField(default=False, db_index=True)
    manifest = models.JSONField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        kind = "public" if self.public else "full"
        return f"{self.title} {self.period} ({kind}, {self.created_at:%Y-%m-%d %H:%M})"
