"""The reference engine: the definitions in plain Python, written to be obviously right.

It is the oracle of the tests, not a production path: it loads every row into Python and,
for each month, builds the sets of people and sums the definitions describe, with no
optimisation. It reads the same relations from a DuckDB connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import singledispatchmethod
from typing import Any

import duckdb

from oneworkforce.data.reference import TOTAL_STAFF_GROUP, vocabulary
from oneworkforce.data.schemas import SUPPRESSIBLE_DATASETS
from oneworkforce.metrics import published, sources
from oneworkforce.metrics.catalogue import BAND_CLUSTERS, CATALOGUE, Catalogue
from oneworkforce.metrics.definitions import (
    AssignmentTotal,
    Condition,
    DatasetColumn,
    Gap,
    Metric,
    PersonCount,
    PersonFlow,
    PlanComparison,
    TableMeasure,
    evaluate,
)
from oneworkforce.metrics.engines.base import assemble, wants_aggregate
from oneworkforce.metrics.periods import month_index, window_months
from oneworkforce.metrics.request import Request
from oneworkforce.metrics.results import MetricResult, RawRow

DATASETS = (
    "staff_in_post",
    "sickness_absence",
    "establishment",
    "temporary_staffing",
    "workforce_plan",
)
CATEGORY_OF = {
    code: vocabulary("staff_group").extra[code].get("category") or None
    for code in vocabulary("staff_group").codes
}
CLUSTER_OF = {band: cluster for cluster, bands in BAND_CLUSTERS.items() for band in bands}
Key = tuple[tuple[str, Any], ...]


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _all(conditions: Sequence[Condition], row: dict[str, Any]) -> bool:
    return all(c.holds(row) for c in conditions)


def _key(row: dict[str, Any], dims: Sequence[str]) -> Key:
    return tuple((d, row[d]) for d in dims)


@dataclass
class Data:
    """Every row of the partner organisations, with its month index, place and segment."""

    organisations: dict[str, tuple[str | None, str | None]]
    tables: dict[str, list[dict[str, Any]]]
    submitted_staff: set[tuple[int, str]]  # (month, org) with a staff-in-post submission
    submissions: list[tuple[str, int, str, str]]  # (dataset, month, org, submission id)
    aggregate: list[dict[str, Any]]
    #: the partners counted in totals across segments (not those of a sized segment)
    pooled: frozenset[str] = frozenset()

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, aggregate: bool) -> Data:
        orgs = {
            r["org_code"]: (r["place"], r["segment"])
            for r in _rows(con, "organisations")
            if r["partner"]
        }
        tables = {}
        for name in DATASETS:
            rows = []
            for row in _rows(con, name):
                if row["org_code"] not in orgs:
                    continue
                place, segment = orgs[row["org_code"]]
                row.update(m=month_index(row["period"]), place=place, segment=segment)
                if "staff_group" in row:
                    row["staff_category"] = CATEGORY_OF.get(row["staff_group"])
                rows.append(row)
            tables[name] = rows
        submissions = [
            (name, r["m"], r["org_code"], r["submission_id"])
            for name in DATASETS
            for r in tables[name]
        ]
        staff = tables["staff_in_post"]
        submitted = {(r["m"], r["org_code"]) for r in staff}
        for row in staff:
            row["contract_type"] = row["contract_type"] or "permanent"
            row["band_cluster"] = CLUSTER_OF.get(row["band"])
        tables["staff_in_post"] = [r for r in staff if r["contract_type"] != "bank"]
        every_aggregate = _rows(con, "aggregate")
        sized = sources.sized_segments(every_aggregate, orgs)
        pooled = frozenset(code for code, (_, segment) in orgs.items() if segment not in sized)
        aggregate_rows = every_aggregate if aggregate else []
        return cls(orgs, tables, submitted, submissions, aggregate_rows, pooled)

    def pooled_only(self) -> Data:
        """The same data with the rows of the organisations outside the pooled totals left
        out (the months with data and the register are kept: as the compiled plans do)."""
        tables = {
            name: [r for r in rows if r["org_code"] in self.pooled]
            for name, rows in self.tables.items()
        }
        return replace(self, tables=tables)

    def months(self, dataset: str, wanted: Sequence[int] | None) -> list[int]:
        """Months with data in a dataset (any partner, staff in post: bank included)."""
        if dataset == "staff_in_post":
            found = {m for m, _ in self.submitted_staff}
        else:
            found = {r["m"] for r in self.tables[dataset]}
        return sorted(found if wanted is None else found & set(wanted))

    def staff_at(self, m: int) -> Iterator[dict[str, Any]]:
        return (r for r in self.tables["staff_in_post"] if r["m"] == m)


class ReferenceEngine:
    name = "reference"

    def compute(
        self,
        source: duckdb.DuckDBPyConnection,
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        by: Sequence[str] = (),
        catalogue: Catalogue = CATALOGUE,
    ) -> list[MetricResult]:
        request = Request.build(metrics, periods, by, catalogue)
        if not request.metrics:
            return []
        data = Data.load(source, wants_aggregate(request))
        counted = data.pooled_only() if sources.pooled(request.by) else data
        rows = [
            row
            for metric in request.metrics
            for row in _Evaluator(request, counted).measure(metric.measure, metric)
        ]
        organisations = [
            (code, p, s, code in data.pooled) for code, (p, s) in data.organisations.items()
        ]
        totals = _published_totals(source, data) if published.wanted(request) else []
        return assemble(request, rows, organisations, data.submissions, data.aggregate, totals)


def _published_totals(con: duckdb.DuckDBPyConnection, data: Data) -> list[dict[str, Any]]:
    """Published organisation totals for the months an organisation sent no extract."""
    return [
        row
        for row in _rows(con, "nws_staff_in_post")
        if row["staff_group"] == TOTAL_STAFF_GROUP
        and row["value"] is not None
        and (month_index(row["period"]), row["org_code"]) not in data.submitted_staff
    ]


class _Evaluator:
    def __init__(self, request: Request, data: Data) -> None:
        self.request = request
        self.data = data
        self.by = request.by

    def targets(self, dataset: str) -> list[int]:
        return self.data.months(dataset, self.request.months)

    def row(
        self,
        metric: Metric,
        m: int,
        key: Key,
        numerator: float | None,
        denominator: float | None,
        months: tuple[int | None, int | None] = (None, None),
    ) -> RawRow:
        return RawRow(metric.code, m, key, numerator, denominator, *months)

    @singledispatchmethod
    def measure(self, measure: object, metric: Metric) -> Iterator[RawRow]:
        raise TypeError(f"no reference evaluation of {type(measure).__name__}")

    @measure.register
    def _person_count(self, measure: PersonCount, metric: Metric) -> Iterator[RawRow]:
        for m in self.targets("staff_in_post"):
            people: dict[Key, tuple[set[str], set[str]]] = {}
            for r in self.data.staff_at(m):
                keys = [_key(r, self.by)]
                if measure.split:
                    keys = (
                        []
                        if r[measure.split] is None
                        else [(*keys[0], (measure.split, r[measure.split]))]
                    )
                    if measure.split_total:
                        keys.append((*_key(r, self.by), (measure.split, measure.split_total)))
                for key in keys:
                    numerator, denominator = people.setdefault(key, (set(), set()))
                    if _all(measure.numerator_where, r):
                        numerator.add(r["person_id"])
                    if measure.denominator_where is not None and _all(measure.denominator_where, r):
                        denominator.add(r["person_id"])
            for key, (numerator, denominator) in people.items():
                den = None if measure.denominator_where is None else len(denominator)
                yield self.row(metric, m, key, len(numerator), den)

    @measure.register
    def _assignment_total(self, measure: AssignmentTotal, metric: Metric) -> Iterator[RawRow]:
        for m in self.targets("staff_in_post"):
            totals: dict[Key, float] = defaultdict(float)
            for r in self.data.staff_at(m):
                if _all(measure.where, r):
                    totals[_key(r, self.by)] += r[measure.column]
            for key, total in totals.items():
                yield self.row(metric, m, key, total, None)

    @measure.register
    def _person_flow(self, measure: PersonFlow, metric: Metric) -> Iterator[RawRow]:
        if measure.counting == "organisation":
            grain = ("org_code", *[d for d in self.by if d != "org_code"])
        else:
            grain = self.by
        submitted = self.data.submitted_staff
        for m in self.targets("staff_in_post"):
            start_m = m - measure.months
            at_start: dict[Key, set[str]] = defaultdict(set)
            at_end: dict[Key, set[str]] = defaultdict(set)
            for r in self.data.staff_at(start_m):
                if (m, r["org_code"]) in submitted:
                    at_start[_key(r, grain)].add(r["person_id"])
            for r in self.data.staff_at(m):
                if (start_m, r["org_code"]) in submitted:
                    at_end[_key(r, grain)].add(r["person_id"])
            in_system = {
                (_key(r, self.request.person_dims), r["person_id"]) for r in self.data.staff_at(m)
            }
            counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
            for group in at_start.keys() | at_end.keys():
                start, end = at_start[group], at_end[group]
                if measure.count == "joiners":
                    counted = end - start
                elif measure.count == "stayers":
                    counted = start & end
                elif measure.leaving == "system":
                    person_key = tuple(kv for kv in group if kv[0] in self.request.person_dims)
                    counted = {p for p in start if (person_key, p) not in in_system}
                else:
                    counted = start - end
                level = tuple(kv for kv in group if kv[0] in self.by)
                counts[level][0] += len(counted)
                counts[level][1] += len(start)
                counts[level][2] += len(end)
            for key, (counted_n, start_n, end_n) in counts.items():
                mean = measure.denominator == "mean_headcount"
                den = (start_n + end_n) / 2 if mean else start_n
                yield self.row(metric, m, key, counted_n, den)

    @measure.register
    def _table_measure(self, measure: TableMeasure, metric: Metric) -> Iterator[RawRow]:
        rows = [r for r in self.data.tables[measure.dataset] if _all(measure.where, r)]
        sides = {"num": measure.numerator, "den": measure.denominator}
        marked = self._published(measure, rows)  # each row with its suppressed flag
        for m in self.targets(measure.dataset):
            groups: dict[Key, dict[str, Any]] = {}
            for side, total in sides.items():
                if total is None:
                    continue
                window = window_months(metric.window, m, total.lag_months)
                for r, suppressed in marked:
                    if r["m"] not in window:
                        continue
                    group = groups.setdefault(
                        _key(r, self.by),
                        {"num": [], "den": [], "num_months": set(), "den_months": set(), "s": 0},
                    )
                    if side == "num":
                        group["s"] += suppressed
                    value = evaluate(total.expr, r)
                    if value is not None:
                        group[side].append(value)
                        group[f"{side}_months"].add(r["m"])
            for key, g in groups.items():
                num = sum(g["num"]) if g["num"] else None
                den = sum(g["den"]) if g["den"] else None
                den_months = None if measure.denominator is None else len(g["den_months"])
                yield self.row(
                    metric, m, key, num, den, (len(g["num_months"]), den_months)
                )._replace(suppressed=g["s"])

    def _published(
        self, measure: TableMeasure, rows: list[dict[str, Any]]
    ) -> list[tuple[dict[str, Any], int]]:
        """The rows a figure reads, each with how many suppressed cells it stands for: the
        staff groups' own rows for a split by staff group; else an organisation's published
        total where it has one for the month (standing for its suppressed groups), its
        staff groups where not."""

        def blank(r: dict[str, Any]) -> bool:
            if measure.dataset not in SUPPRESSIBLE_DATASETS:
                return False
            sides = [measure.numerator, measure.denominator]
            return any(t is not None and evaluate(t.expr, r) is None for t in sides)

        groups = [r for r in rows if r["staff_group"] != TOTAL_STAFF_GROUP]
        if "staff_group" in self.by or "staff_category" in self.by:
            return [(r, int(blank(r))) for r in groups]
        totals = {(r["org_code"], r["m"]): r for r in rows if r["staff_group"] == TOTAL_STAFF_GROUP}
        hidden: dict[tuple[str, int], int] = {}
        for r in groups:
            hidden[r["org_code"], r["m"]] = hidden.get((r["org_code"], r["m"]), 0) + blank(r)
        chosen = [(r, hidden.get(k, 0)) for k, r in totals.items()]
        chosen += [(r, int(blank(r))) for r in groups if (r["org_code"], r["m"]) not in totals]
        return chosen

    def _actuals(
        self, actual: AssignmentTotal | DatasetColumn, m: int
    ) -> dict[tuple[str, str], float]:
        totals: dict[tuple[str, str], float] = defaultdict(float)
        if isinstance(actual, AssignmentTotal):
            for r in self.data.staff_at(m):
                if _all(actual.where, r):
                    totals[r["org_code"], r["staff_group"]] += r[actual.column]
        else:
            for r in self.data.tables[actual.dataset]:
                if r["m"] == m:
                    totals[r["org_code"], r["staff_group"]] += float(r[actual.column])
        return totals

    def _actual(
        self,
        actual: AssignmentTotal | DatasetColumn,
        actuals: dict[tuple[str, str], float],
        m: int,
        cell: dict[str, Any],
    ) -> float | None:
        """A cell's actual; for staff in post, 0 when the organisation submitted none of it."""
        org_group = (cell["org_code"], cell["staff_group"])
        if isinstance(actual, AssignmentTotal):
            if (m, cell["org_code"]) not in self.data.submitted_staff:
                return None
            return actuals.get(org_group, 0.0)
        return actuals.get(org_group)

    @measure.register
    def _gap(self, measure: Gap, metric: Metric) -> Iterator[RawRow]:
        for m in self.targets(measure.dataset):
            actuals = self._actuals(measure.actual, m)
            groups: dict[Key, tuple[list[float], list[float]]] = {}
            for cell in self.data.tables[measure.dataset]:
                if cell["m"] != m:
                    continue
                gaps, planned = groups.setdefault(_key(cell, self.by), ([], []))
                gap = cell[measure.reported]
                if gap is None:
                    actual = self._actual(measure.actual, actuals, m, cell)
                    gap = None if actual is None else cell[measure.planned] - actual
                if gap is not None:
                    gaps.append(gap)
                    planned.append(cell[measure.planned])
            for key, (gaps, planned) in groups.items():
                yield self.row(
                    metric, m, key, sum(gaps) if gaps else None, sum(planned) if planned else None
                )

    @measure.register
    def _plan_comparison(self, measure: PlanComparison, metric: Metric) -> Iterator[RawRow]:
        for m in self.targets(measure.dataset):
            actuals = self._actuals(measure.actual, m)
            groups: dict[Key, list[float]] = {}
            for cell in self.data.tables[measure.dataset]:
                if cell["m"] != m:
                    continue
                planned = cell[measure.planned]
                actual = self._actual(measure.actual, actuals, m, cell)
                if planned is None or actual is None:
                    continue
                sums = groups.setdefault(_key(cell, self.by), [0.0, 0.0])
                sums[0] += actual
                sums[1] += float(planned)
            for key, (actual_sum, planned_sum) in groups.items():
                yield self.row(metric, m, key, actual_sum, planned_sum)
