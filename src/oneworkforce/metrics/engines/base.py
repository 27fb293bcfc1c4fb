"""What every engine shares: the interface, running a compiled plan, assembling results.

An engine answers ``compute(source, metrics=..., periods=..., by=...)`` with a list of
:class:`~oneworkforce.metrics.results.MetricResult`. SQL engines differ only in how they
materialise a relation and fetch rows (:class:`Database`); the plan, the values, the quality,
the sources and the ``aggregate`` figures are worked out here, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Protocol

from oneworkforce.metrics import published, sources
from oneworkforce.metrics.aggregates import PLACEABLE, aggregate_results, segment_groups
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.compiler import Plan, Query, Step, compile_plans
from oneworkforce.metrics.periods import month_index
from oneworkforce.metrics.provenance import Provenance
from oneworkforce.metrics.request import Request
from oneworkforce.metrics.results import MetricResult, RawRow, finish, in_order

#: the rows a query gives, as tuples
Rows = list[tuple[Any, ...]]


class Engine(Protocol):
    name: str

    def compute(
        self,
        source: Any,
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        by: Sequence[str] = (),
        catalogue: Catalogue = CATALOGUE,
    ) -> list[MetricResult]: ...


def wants_aggregate(request: Request) -> bool:
    return set(request.by) <= PLACEABLE


def assemble(
    request: Request,
    rows: Iterable[RawRow],
    organisations: Iterable[tuple[str, str | None, str | None, bool]],
    submissions: Iterable[tuple[str, int, str, str]],
    aggregate: Iterable[Mapping[str, Any]],
    published_totals: Iterable[Mapping[str, Any]] = (),
) -> list[MetricResult]:
    """Results from raw rows plus the ``aggregate`` figures, in catalogue order, one figure a
    group by the source rule of ``metrics/sources.py``; NHS staff in post takes published
    totals for organisations without an ESR extract that month
    (:mod:`oneworkforce.metrics.published`).

    ``organisations`` are the partners as (code, place, segment, pooled). A total across
    segments (system, place) is made of the pooled organisations only, in every month: the
    rows were computed from them alone, and their sources and published totals are theirs;
    the ``aggregate`` figures still name any partner."""
    registered = list(organisations)
    everyone = Provenance.build([(o, p, s) for o, p, s, _ in registered], submissions)
    provenance = everyone
    if sources.pooled(request.by):
        counted = [(o, p, s) for o, p, s, pooled in registered if pooled]
        provenance = Provenance.build(counted, submissions)
    computed = finish(request.metrics, rows, provenance)
    computed = published.merge(request, computed, published_totals, provenance.organisations)
    if wants_aggregate(request) and segment_groups(request.by):
        return in_order(_one_source(request, computed, aggregate, provenance))
    entered = aggregate_results(request, aggregate, everyone.organisations)
    if not request.by:  # a system figure from aggregates only where nothing was computed
        covered = {(r.metric, r.period) for r in computed if r.value is not None}
        entered = [r for r in entered if (r.metric, r.period) not in covered]
        filled = {(r.metric, r.period) for r in entered}
        computed = [r for r in computed if (r.metric, r.period) not in filled]
    return in_order([*computed, *entered])


def _one_source(
    request: Request,
    computed: list[MetricResult],
    aggregate: Iterable[Mapping[str, Any]],
    provenance: Provenance,
) -> list[MetricResult]:
    """Segment figures: where an area-wide figure exists the computed one (made of the
    providers' own records) is set aside and counted in its note; elsewhere the computed
    figure is the providers' own."""
    datasets = {m.code: m.datasets for m in request.metrics}
    reporting: dict[tuple[str, int, tuple[Any, ...]], set[str]] = {}
    keyed = []
    for r in computed:
        m = month_index(r.period)
        key = (r.metric, m, tuple(r.dimensions.get(d) for d in request.by))
        keyed.append((key, r))
        if r.value is not None:
            reporting[key] = {
                org
                for org in provenance.orgs_in(r.dimensions)
                for dataset in datasets[r.metric]
                if org in provenance.submissions.get((dataset, m), {})
            }
    entered = aggregate_results(request, aggregate, provenance.organisations, reporting)
    area = {
        (r.metric, month_index(r.period), tuple(r.dimensions.get(d) for d in request.by))
        for r in entered
        if r.coverage == sources.COVERAGE_AREA
    }
    kept = [replace(r, coverage=sources.COVERAGE_PROVIDERS) for key, r in keyed if key not in area]
    return [*kept, *entered]


def raw_rows(query: Query, rows: Iterable[Sequence[Any]]) -> Iterator[RawRow]:
    """A split's rows of a compiled query (``m``, ``g``, its columns, numerator, denominator,
    months): those tagged as the split's, with its dimensions."""
    width = len(query.dims)
    for row in query.select(rows):
        numerator, denominator, num_months, den_months, *rest = row[1 + width :]
        suppressed = rest[0] if rest else None
        yield RawRow(
            metric=query.metric,
            m=int(row[0]),
            dimensions=tuple(zip(query.dims, row[1 : 1 + width], strict=True)),
            numerator=None if numerator is None else float(numerator),
            denominator=None if denominator is None else float(denominator),
            numerator_months=None if num_months is None else int(num_months),
            denominator_months=None if den_months is None else int(den_months),
            suppressed=None if suppressed is None else int(suppressed),
        )


class Database(ABC):
    """A connection able to materialise a named relation and fetch rows."""

    @abstractmethod
    def materialise(self, name: str, sql: str) -> None: ...

    @abstractmethod
    def fetch(self, sql: str) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def fetch_dicts(self, sql: str) -> list[dict[str, Any]]: ...

    @abstractmethod
    def drop(self, name: str) -> None: ...

    def answer(self, steps: Sequence[Step], queries: Sequence[Query]) -> list[Rows]:
        """Materialise the shared steps (in order: each reads only those before it), then
        give the rows of each compiled metric query, in order. One thing at a time by
        default; an engine that gains from overlapping them says how."""
        for step in steps:
            self.materialise(step.name, step.sql)
        return [self.fetch(q.sql) for q in queries]


class SqlEngine(ABC):
    """Runs the compiled plan on a SQL database; subclasses say how to reach it."""

    name: str
    dialect: str

    @abstractmethod
    def database(self, source: Any) -> Database: ...

    def compute(
        self,
        source: Any,
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        by: Sequence[str] = (),
        catalogue: Catalogue = CATALOGUE,
    ) -> list[MetricResult]:
        return self.compute_many(source, [by], metrics, periods, catalogue)[0]

    def compute_many(
        self,
        source: Any,
        splits: Sequence[Sequence[str]],
        metrics: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        catalogue: Catalogue = CATALOGUE,
    ) -> list[list[MetricResult]]:
        """``compute`` for several splits at once, in order: the shared steps (the scans of
        staff in post, each person's months) are materialised once for all of them, and each
        metric is one query over every split's groups (``GROUPING SETS``)."""
        requests = [Request.build(metrics, periods, by, catalogue) for by in splits]
        # compiled together: each metric is one query computing every split's groups
        compiled = iter(
            [p.to_dialect(self.dialect) for p in compile_plans([r for r in requests if r.metrics])]
            if any(r.metrics for r in requests)
            else []
        )
        plans = [next(compiled) if r.metrics else None for r in requests]
        steps: dict[str, Step] = {}
        for plan in plans:
            for step in plan.steps if plan else ():
                if steps.setdefault(step.name, step) != step:
                    raise AssertionError(f"two plans define {step.name} differently")
        if not steps:
            return [[] for _ in splits]
        out: list[list[MetricResult]] = []
        with self._dropped_after(self.database(source), list(steps.values())) as db:
            # every split's metric queries at once (metrics sharing a measure share a query),
            # so an engine may run them together (Spark: a few wide queries, not ~80 jobs)
            queries = {q.sql: q for plan in plans for q in (plan.queries if plan else ())}
            answered = db.answer(list(steps.values()), list(queries.values()))
            answers = dict(zip(queries, answered, strict=True))
            # the same side query, once: the published totals read all of staff in post
            fetched: dict[tuple[str, bool], Any] = {}

            def fetch(sql: str, dicts: bool = False) -> Any:
                if (sql, dicts) not in fetched:
                    fetched[sql, dicts] = db.fetch_dicts(sql) if dicts else db.fetch(sql)
                return fetched[sql, dicts]

            for request, plan in zip(requests, plans, strict=True):
                out.append([] if plan is None else self._run(db, request, plan, answers, fetch))
        return out

    @staticmethod
    def _run(
        db: Database,
        request: Request,
        plan: Plan,
        answers: Mapping[str, list[tuple[Any, ...]]],
        fetch: Callable[..., Any],
    ) -> list[MetricResult]:
        rows = [row for query in plan.queries for row in raw_rows(query, answers[query.sql])]
        organisations = [(r[0], r[1], r[2], bool(r[3])) for r in fetch(plan.organisations)]
        submissions = [
            (r[0], int(r[1]), r[2], r[3])
            for r in (fetch(plan.submissions) if plan.submissions else [])
        ]
        aggregate = fetch(plan.aggregate, dicts=True) if wants_aggregate(request) else []
        totals = fetch(plan.published, dicts=True) if published.wanted(request) else []
        return assemble(request, rows, organisations, submissions, aggregate, totals)

    @staticmethod
    @contextmanager
    def _dropped_after(db: Database, steps: Sequence[Step]) -> Iterator[Database]:
        """The database, whose shared steps are all dropped afterwards, whatever happened
        (dropping one that was never made is harmless)."""
        try:
            yield db
        finally:
            for step in reversed(steps):
                db.drop(step.name)
