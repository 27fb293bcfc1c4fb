"""The shapes the API returns, for the OpenAPI schema (field names as the CLI writes them)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Problem(Schema):
    """Every error: a sentence saying what is wrong and what to do."""

    detail: str


class MetricRow(Schema):
    """One stored figure, as ``oneworkforce metrics --format json`` prints it, plus ``origin``
    (``computed`` from partner files, or ``aggregate`` when entered as a figure). The
    dimension keys present are those of the split asked for (``by``), and ``band_cluster`` for
    the WRES metric; ``note`` only when there is one; ``data_stale`` (true) only when the
    stored figures are from an earlier data version than the ledger's."""

    metric: str
    period: str
    place: str | None = None
    segment: str | None = None
    org_code: str | None = None
    staff_group: str | None = None
    staff_category: str | None = None
    band_cluster: str | None = None
    origin: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    basis: str
    quality: str
    sources: list[str]
    note: str | None = None
    withheld: str | None = None
    data_stale: bool | None = None


class SliceOut(Schema):
    org_code: str
    segment: str | None
    period: str | None
    rows: int
    status: str
    superseded_by: str | None
    superseded_at: str | None


class ErrorOut(Schema):
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str


class SubmissionOut(Schema):
    """A ledger entry, as ``oneworkforce submissions --format json`` prints it; organisations
    the caller may not see are counted in ``other_organisations``, not named."""

    id: str
    dataset: str
    file_name: str
    file_type: str
    sha256: str
    submitted_by: str
    submitted_at: str
    status: str
    rows: int
    organisations: list[str]
    other_organisations: int
    periods: list[str]
    error_count: int
    counts_by_rule: dict[str, int]
    seconds: float | None


class SubmissionDetailOut(SubmissionOut):
    errors: list[ErrorOut]
    slices: list[SliceOut]
    other_slices: int


Catalogue = list[dict[str, Any]]
