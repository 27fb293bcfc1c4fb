"""Figures from the ``aggregate`` dataset (sectors without person-level data) as results.

An aggregate row whose ``metric`` is a catalogue code enters the results beside the computed
figures, keeping its own ``basis`` and ``quality``, at the levels it can be placed at: by
segment, and by organisation (and place) when it names an organisation. It is never mixed
into a computed total: a system figure adding NHS headcounts to Skills for Care estimates of
filled posts would compare unlike things (§6). Where several rows fall in one group, amounts
are added; rates are pooled from their numerators and denominators, or left None (quality
``partial``) when a row lacks them. A definition that differs from the catalogue's says so
in ``note``.

Which rows make a group's figure follows the one source rule of ``sources.py``: within each
segment, an area-wide row (no organisation) is the figure and the providers' own rows are set
aside (counted in the note), never added to it; without one, the providers' rows are the
figure, marked partial when fewer providers report than the register holds.

At system level (no split) an aggregate row gives the system figure only for a metric and
month that the person-level data does not cover (the engines drop it otherwise, see
``engines.base.assemble``), so a social care figure never adds to an NHS one; it pools the
same rows as the segment figures do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from oneworkforce.metrics import sources
from oneworkforce.metrics.definitions import Metric
from oneworkforce.metrics.periods import month_index
from oneworkforce.metrics.request import Request
from oneworkforce.metrics.results import MetricResult, for_group

#: (metric code, month, group key) -> the partner organisations with a computed figure there
Reporting = Mapping[tuple[str, int, tuple[Any, ...]], set[str]]

PLACEABLE = frozenset({"segment", "org_code", "place"})
_RATE_UNITS = {"percent": 100.0, "fraction": 1.0}
_QUALITY_ORDER = ("actual", "estimate", "partial")


def _unit_factor(metric: Metric, unit: str) -> float | None:
    """How to turn the row's unit into the metric's, or None when they are incompatible."""
    if metric.unit == "fraction":
        return _RATE_UNITS.get(unit)
    return 1.0 if unit == metric.unit else None


def _group_key(
    row: Mapping[str, Any],
    by: tuple[str, ...],
    organisations: Mapping[str, tuple[str | None, str | None]],
) -> tuple[Any, ...] | None:
    org = row["org_code"]
    if org is not None and org not in organisations:
        return None  # not a partner of this ICS
    values: dict[str, Any] = {
        "segment": row["segment"],
        "org_code": org,
        "place": organisations[org][0] if org else None,
    }
    if any(values[d] is None for d in by):
        return None
    return tuple(values[d] for d in by)


def _merge(metric: Metric, rows: list[dict[str, Any]]) -> tuple[float | None, ...]:
    """Value, numerator and denominator of the rows of one group."""
    if len(rows) == 1:
        r = rows[0]
        return r["value"], r["numerator"], r["denominator"]
    nums = [r["numerator"] for r in rows]
    dens = [r["denominator"] for r in rows]
    pooled = all(n is not None for n in nums) and all(d is not None for d in dens)
    num = sum(nums) if pooled else None
    den = sum(dens) if pooled else None
    if metric.unit != "fraction":
        return sum(r["value"] for r in rows), num, den
    if num is None or den is None or den == 0:
        return None, num, den
    return num / den, num, den


def segment_groups(by: tuple[str, ...]) -> bool:
    """Whether a split's groups are segments (or places within segments), the groups the
    one source rule gives a coverage to."""
    return "segment" in by and "org_code" not in by


def _expected(
    by: tuple[str, ...],
    key: tuple[Any, ...],
    organisations: Mapping[str, tuple[str | None, str | None]],
) -> int:
    """How many partner organisations the register holds for a segment (or place) group."""
    dims = dict(zip(by, key, strict=True))
    return sum(
        1
        for place, segment in organisations.values()
        if segment == dims["segment"] and dims.get("place", place) == place
    )


def aggregate_results(
    request: Request,
    rows: Iterable[Mapping[str, Any]],
    organisations: Mapping[str, tuple[str | None, str | None]],
    computed: Reporting | None = None,
) -> list[MetricResult]:
    """Results from ``aggregate`` rows for the metrics and periods of a request. ``computed``
    names, per segment group, the providers with a computed figure (they also report when an
    area-wide figure is the group's)."""
    if not set(request.by) <= PLACEABLE:
        return []
    computed = computed or {}
    wanted = {m.code: m for m in request.metrics if not m.split_dimensions}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for raw in rows:
        metric = wanted.get(raw["metric"])
        m = month_index(raw["period"])
        if metric is None or (request.months is not None and m not in request.months):
            continue
        factor = _unit_factor(metric, raw["unit"])
        key = _group_key(raw, request.by, organisations)
        if factor is None or key is None:
            continue
        row = dict(raw, value=float(raw["value"]) / factor)
        groups[metric.code, m, key].append(row)
    order = {m.code: i for i, m in enumerate(request.metrics)}
    results = []
    for (code, m, key), found in groups.items():
        metric = wanted[code]
        members, set_aside = sources.choose_by_segment(found)
        value, num, den = _merge(metric, members)
        qualities = {r["quality"] for r in members} | ({"partial"} if value is None else set())
        notes = {
            n.note
            for r in members
            for n in metric.aggregate_notes
            if n.applies(r["segment"], r["basis"])
        }
        coverage, said = None, None
        if segment_groups(request.by):
            if any(sources.is_area_wide(r) for r in members):
                coverage = sources.COVERAGE_AREA
                others = {r["org_code"] for r in set_aside} | computed.get((code, m, key), set())
                quality = "estimate" if "estimate" in qualities else "actual"
                said = sources.area_note(len(others), quality)
            else:
                coverage = sources.COVERAGE_PROVIDERS
                expected = _expected(request.by, key, organisations)
                reporting = len({r["org_code"] for r in members})
                said = sources.providers_note(reporting, expected)
                if said:
                    qualities.add("partial")
        results.append(
            for_group(
                request.by,
                code,
                m,
                key,
                order[code],
                rank=(1,),
                value=value,
                numerator=num,
                denominator=den,
                unit=metric.unit,
                basis="; ".join(sorted({r["basis"] for r in members})),
                quality=max(qualities, key=_QUALITY_ORDER.index),
                sources=tuple(sorted({r["submission_id"] for r in members})),
                note="; ".join([*([said] if said else []), *sorted(notes)]) or None,
                coverage=coverage,
            )
        )
    return results
