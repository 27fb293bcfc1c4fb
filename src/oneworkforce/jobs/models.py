"""One row per background job: what it is, who asked, how far it has got, what it made."""

from __future__ import annotations

import uuid

from django.db import models


class State(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


FINISHED = (State.DONE, State.FAILED)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)  # upload | refresh | scenario | pack
    actor = models.CharField(max_length=150)  # who asked for it
    #: organisations the job is about (an upload: those its submitter may send for); empty:
    #: system-wide. The pages show an upload job only to those who may see these.
    organisations = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=300)  # what the user sees: "sickness.csv (sickness)"
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    steps = models.JSONField(default=list)  # the kind's step names, in order
    steps_done = models.PositiveSmallIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True)  # e.g. "500 of 1,000 runs"
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the running attempt
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)  # what the pages show when it is done
    object_type = models.CharField(max_length=20, blank=True)  # submission | run | pack
    object_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-created",)
        indexes = (models.Index(fields=["state"]), models.Index(fields=["-created"]))

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def seconds(self) -> float | None:
        """How long it ran (the last attempt), or has been running so far."""
        if self.started is None:
            return None
        from django.utils import timezone

        end = self.finished or timezone.now()
        return max(0.0, (end - self.started).total_seconds())

    def step_rows(self) -> list[dict[str, object]]:
        """Each step with ``done`` / ``current`` for the progress list."""
        rows = []
        for i, name in enumerate(self.steps):
            done = i < self.steps_done or self.state == State.DONE
            current = not done and i == self.steps_done and self.state == State.RUNNING
            rows.append({"name": name, "done": done, "current": current})
        return rows
