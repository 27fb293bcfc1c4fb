"""Which stored results a change of data can alter: the standard splits, and the reach of a
changed month through each metric's window.

A change is one slice of the lake (dataset, organisation, month) that appeared, disappeared or
changed status. It can alter a result when the result's metric reads that dataset, the
result's period reads that month (its *reach*: the month itself for a snapshot; that month and
the twelve after it at most for rolling sums and 12-month flows; the rest of the financial year
for a year-to-date sum, and the next financial year for one compared with the previous year),
and the result's group contains the organisation. Some changes reach every group:

* a month that gains or loses its first (or last) partner submission of a dataset, because an
  engine gives results only for months with data, so every group's row for that month can
  appear or disappear;
* the system ``leaver_rate``, whose leavers are people in *no* partner organisation at ``p``, so
  a move into one organisation changes the leavers of the organisation the person came from.

A change of the organisations register moves organisations between places and segments, so it
asks for a full rebuild (:func:`affected` returns None). Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from oneworkforce.metrics import published, sources
from oneworkforce.metrics.aggregates import PLACEABLE
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.definitions import Metric, PersonFlow
from oneworkforce.metrics.periods import month_index, source_months

#: Organisation-level dimensions, most specific first: a split's groups are narrowed by one.
ORG_LEVELS = ("org_code", "place", "segment")
#: The furthest a month reaches forward: a year-to-date sum compared with the previous year
#: reads month q for every period up to the March of the financial year after q's.
MAX_REACH = 24


@dataclass(frozen=True)
class Split:
    """A standard split of the stored results: a name and the dimensions it is split by."""

    name: str
    by: tuple[str, ...]

    @property
    def org_level(self) -> str | None:
        """The organisation-level dimension of the split (None for system and staff group)."""
        return next((d for d in ORG_LEVELS if d in self.by), None)

    @property
    def org_levels(self) -> tuple[str, ...]:
        """Every organisation-level dimension of the split (place and segment together narrow
        to the organisations in both); an organisation code alone is the most specific."""
        if "org_code" in self.by:
            return ("org_code",)
        return tuple(d for d in ORG_LEVELS if d in self.by)

    def group_value(self, values: Mapping[str, str | None]) -> str | None:
        """The key of a group by its organisation-level dimensions (None if one is missing)."""
        if not self.org_levels:
            return None
        parts = [values.get(d) for d in self.org_levels]
        return None if any(p is None for p in parts) else "|".join(str(p) for p in parts)

    def supports(self, metric: Metric) -> bool:
        return set(self.by) <= set(metric.dimensions)


#: The splits the dashboard and the board packs read, stored after every recompute.
SPLITS: tuple[Split, ...] = (
    Split("system", ()),
    Split("place", ("place",)),
    Split("segment", ("segment",)),
    Split("place_segment", ("place", "segment")),  # the People Story matrix filtered by place
    Split("org_code", ("org_code",)),
    Split("staff_group", ("staff_group",)),
    Split("staff_category", ("staff_category",)),  # the cross-sector level of staff groups
    Split("segment_staff_group", ("segment", "staff_group")),
    Split("org_code_staff_group", ("org_code", "staff_group")),
)
SPLITS_BY_NAME: dict[str, Split] = {s.name: s for s in SPLITS}

#: Organisation code -> (place, segment), for partner organisations only.
Register = Mapping[str, tuple[str | None, str | None]]

#: For one split: (metric, month) -> the values of the split's organisation-level dimension
#: whose groups are affected, or None for every group of the split.
SplitScope = dict[tuple[str, int], frozenset[str] | None]
Scope = dict[str, SplitScope]


@dataclass(frozen=True, order=True)
class Change:
    """One changed slice: a dataset's rows for one organisation (or, in ``aggregate``, an area
    and a segment) and month. The register's slices have no organisation and no month."""

    dataset: str
    org: str | None
    segment: str | None
    m: int | None


def reach(metric: Metric, q: int) -> tuple[int, ...]:
    """The result periods of ``metric`` that read data of month ``q``."""
    return tuple(
        p
        for p in range(q, q + MAX_REACH + 1)
        if q in source_months(metric.window, metric.measure, p)
    )


def reaches_every_group(metric: Metric) -> bool:
    """Whether a change in one organisation can alter every group's result of the metric."""
    return isinstance(metric.measure, PersonFlow) and metric.measure.leaving == "system"


def _groups(split: Split, org: str, register: Register) -> frozenset[str] | None:
    if not split.org_levels:
        return None
    place, segment = register[org]
    value = split.group_value({"org_code": org, "place": place, "segment": segment})
    return frozenset() if value is None else frozenset({value})


def _aggregate_groups(split: Split, change: Change, register: Register) -> frozenset[str]:
    """An ``aggregate`` row is placed by its own segment, and by organisation and place when it
    names a partner organisation (see ``aggregates.py``)."""
    partner = change.org is not None and change.org in register
    values = {
        "org_code": change.org if partner else None,
        "place": register[change.org][0] if partner and change.org is not None else None,
        "segment": change.segment,
    }
    value = split.group_value(values)
    return frozenset() if value is None else frozenset({value})


def _add(scope: Scope, split: str, key: tuple[str, int], groups: frozenset[str] | None) -> None:
    per_split = scope.setdefault(split, {})
    if key in per_split:
        known = per_split[key]
        per_split[key] = None if known is None or groups is None else known | groups
    else:
        per_split[key] = groups


def affected(
    changes: Iterable[Change],
    register: Register,
    *,
    months_changed: Collection[tuple[str, int]] = (),
    aggregate_metrics: Collection[str] = (),
    catalogue: Catalogue = CATALOGUE,
) -> Scope | None:
    """The results the changes can alter, by split; None when everything must be rebuilt.

    ``register`` holds the partner organisations (changes of other organisations alter
    nothing: engines read partners only). ``months_changed`` lists the (dataset, month) pairs
    that gained or lost all their partner data. ``aggregate_metrics`` are the metric codes
    named in the ``aggregate`` submissions involved.
    """
    scope: Scope = {}
    for change in changes:
        if change.dataset == "organisations" or change.m is None:
            return None
        q = change.m
        if change.dataset == "aggregate" and set(aggregate_metrics) & set(sources.SIZING_METRICS):
            # a segment sized by aggregate figures leaves every system and place total, in
            # every month (sources.py): such a return can change them all
            return None
        if change.dataset == "aggregate":
            for metric in catalogue.select(None):
                if metric.code not in aggregate_metrics or metric.split_dimensions:
                    continue
                for split in SPLITS:
                    if split.by and set(split.by) <= PLACEABLE:
                        groups = _aggregate_groups(split, change, register)
                        if groups:
                            _add(scope, split.name, (metric.code, q), groups)
            continue
        if change.org is None or change.org not in register:
            continue
        everywhere = (change.dataset, q) in months_changed
        for metric in catalogue.select(None):
            if change.dataset not in metric.datasets and not published.reads(
                change.dataset, metric.code
            ):
                continue
            wide = everywhere or reaches_every_group(metric)
            for split in SPLITS:
                if not split.supports(metric):
                    continue
                narrow = None if wide else _groups(split, change.org, register)
                if narrow is not None and not narrow:
                    continue
                for p in reach(metric, q):
                    _add(scope, split.name, (metric.code, p), narrow)
    return scope


def months_with_data(manifest: pa.Table, register: Register) -> set[tuple[str, int]]:
    """(dataset, month) pairs with at least one partner organisation's current slice, of a
    manifest table (worked out column by column: a ledger holds tens of thousands of slices)."""
    keep = pc.and_(
        pc.and_(
            pc.equal(manifest["status"], "accepted"),
            pc.is_in(manifest["org_code"], value_set=pa.array(sorted(register), pa.string())),
        ),
        pc.and_(
            pc.invert(
                pc.is_in(manifest["dataset"], value_set=pa.array(["organisations", "aggregate"]))
            ),
            pc.is_valid(manifest["period"]),
        ),
    )
    found = (
        manifest.filter(pc.fill_null(keep, False))
        .select(["dataset", "period"])
        .group_by(["dataset", "period"])
        .aggregate([])
    )
    return {
        (dataset, month_index(period))
        for dataset, period in zip(
            found["dataset"].to_pylist(), found["period"].to_pylist(), strict=True
        )
    }
