"""The data coverage map: reading it, and the one action that changes it (audited, refused
when someone else saved the cell since the editor loaded it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max

from oneworkforce.audit import trail
from oneworkforce.metrics import people_story
from oneworkforce.web.dashboard.models import Availability, CoverageCell

FIELDS = ("availability", "source", "owner", "next_step")


class StaleEdit(Exception):
    """The cell changed after the editor loaded it; their change was not saved."""


@dataclass(frozen=True)
class CellEdit:
    availability: str
    source: str = ""
    owner: str = ""
    next_step: str = ""


def overrides() -> dict[tuple[str, str], people_story.Override]:
    return {
        (c.segment, c.metric): people_story.Override(c.availability, c.source, c.owner, c.next_step)
        for c in CoverageCell.objects.all()
    }


def version() -> tuple[int, str]:
    """Changes whenever the map does (for caching the matrix)."""
    seen = CoverageCell.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return seen["n"], seen["last"].isoformat() if seen["last"] else ""


def save(
    segment: str, metric: str, edit: CellEdit, *, actor: str, expected_version: int | None
) -> CoverageCell:
    """Create or change one cell. ``expected_version`` is the version the editor saw (None
    for a cell that did not exist then)."""
    if edit.availability not in Availability.values:
        raise ValueError(f"unknown availability {edit.availability!r}")
    with transaction.atomic():
        cell = CoverageCell.objects.select_for_update().filter(segment=segment, metric=metric)
        current = cell.first()
        if current is None:
            if expected_version not in (None, 0):
                raise StaleEdit("this cell was removed since you opened it")
            current = CoverageCell.objects.create(
                segment=segment, metric=metric, updated_by=actor, **edit.__dict__
            )
            trail.record(
                actor,
                "coverage.create",
                "coverage_cell",
                current.pk,
                {"segment": segment, "metric": metric, **edit.__dict__},
            )
            return current
        if expected_version != current.version:
            raise StaleEdit(
                f"{current.updated_by or 'someone'} changed this cell after you opened it; "
                "your change was not saved. Look at their change and edit again."
            )
        before = {f: getattr(current, f) for f in FIELDS}
        for f in FIELDS:
            setattr(current, f, getattr(edit, f))
        changes = trail.diff(before, edit.__dict__)
        if changes:
            current.version += 1
            current.updated_by = actor
            current.save()
            trail.record(actor, "coverage.update", "coverage_cell", current.pk, changes)
        return current


def grid(matrix: people_story.Matrix) -> list[dict[str, Any]]:
    """The coverage map's rows from a People Story matrix: one per segment, each cell with its
    availability, source, owner, next step and version (for editing)."""
    stored = {(c.segment, c.metric): c for c in CoverageCell.objects.all()}
    rows = []
    for row in matrix.rows:
        cells = []
        for cell in row["cells"]:
            record = stored.get((cell.segment, cell.metric))
            cells.append(
                {
                    "cell": cell,
                    "version": record.version if record else 0,
                    "updated_by": record.updated_by if record else "",
                    "source": (record.source if record else "")
                    or (cell.basis if cell.value is not None else ""),
                }
            )
        rows.append({"segment": row["segment"], "title": row["title"], "cells": cells})
    return rows
