"""The data coverage map: for each segment and metric, whether the board can see it, from
where, who owns the gap and what happens next. Analysts edit it; every edit is audited."""

from __future__ import annotations

from django.db import models


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    PARTIAL = "partial", "Partial"
    ESTIMATE = "estimate", "Estimate"
    PLANNED = "planned", "Planned"
    NOT_AVAILABLE = "not_available", "Not available"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class CoverageCell(models.Model):
    segment = models.CharField(max_length=40)
    metric = models.CharField(max_length=60)
    availability = models.CharField(max_length=20, choices=Availability.choices)
    source = models.CharField(max_length=200, blank=True, default="")
    owner = models.CharField(max_length=200, blank=True, default="")
    next_step = models.TextField(blank=True, default="")
    #: bumped on every save; an edit made from an older version is refused, not merged
    version = models.PositiveIntegerField(default=1)
    updated_by = models.CharField(max_length=150, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["segment", "metric"], name="one_cell_per_pair"),
        )

    def __str__(self) -> str:
        return f"{self.segment} × {self.metric}: {self.availability}"
