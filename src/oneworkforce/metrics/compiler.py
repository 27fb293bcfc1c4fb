"""One compiler from metric definitions to SQL, written in DuckDB's dialect.

:func:`compile_plan` turns a :class:`~oneworkforce.metrics.request.Request` into a
:class:`Plan`: a few shared *steps* (relations an engine materialises once: partner
organisations, staff in post with its month index, who is where at both ends of a 12-month
window) and one *query* per metric returning ``m``, the dimensions, ``numerator``,
``denominator`` and the months of data behind windowed sums. :func:`compile_plans` compiles
several requests (splits) together: each metric is then one query over every split's groups
(``GROUPING SETS``, each row tagged with its group's dimensions), so an engine with a high
cost per query or per stage (Spark) runs a few wide queries. :meth:`Plan.to_dialect`
transpiles it with sqlglot (Spark SQL for the Spark engine), so each definition is compiled
once, by one set of handlers, whatever runs it.

Person-month presence is computed once per request and reused: the 12-month flows read each
staff-in-post row twice (as the end of its own month's window and the start of the window
twelve months on) and aggregate, with no self-join and no loop over months.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache, singledispatchmethod
from typing import Any, cast

import sqlglot

from oneworkforce.data.reference import TOTAL_STAFF_GROUP, vocabulary
from oneworkforce.data.schemas import SUPPRESSIBLE_DATASETS
from oneworkforce.metrics import published as published_sql
from oneworkforce.metrics import sources
from oneworkforce.metrics.catalogue import BAND_CLUSTERS
from oneworkforce.metrics.definitions import (
    Add,
    AssignmentTotal,
    Col,
    Condition,
    DatasetColumn,
    Expr,
    Gap,
    Metric,
    PersonCount,
    PersonFlow,
    PlanComparison,
    Sub,
    TableMeasure,
    Total,
)
from oneworkforce.metrics.periods import first_day, month_index, source_months
from oneworkforce.metrics.request import DIMENSIONS, Request

PREFIX = "owm_"
ORGS, SIP, SIP_ORGS, MONTHS, OFFSETS, TARGET_WORDS, WORDS, PEOPLE, SUBMITTED, PERIOD_BITS = (
    f"{PREFIX}{n}"
    for n in (
        "orgs",
        "sip",
        "sip_orgs",
        "months",
        "offsets",
        "target_words",
        "words",
        "people",
        "submitted",
        "period_bits",
    )
)
LEVELS, PRESENT = f"{PREFIX}levels", f"{PREFIX}present"
#: each person's rows in the partner organisations, with ``k``, the number of them in the word
PARTNER_PEOPLE = f"{PREFIX}partner_people"
#: the name's ending of a step that picks the columns of one aggregation's rows out of
#: :data:`PARTNER_PEOPLE` (``owm_levels_rows``, ``owm_flow_12_rows``): read by that
#: aggregation alone
ROWS_SUFFIX = "_rows"
#: Months held by one BIGINT mask (bits 0-61: never the sign bit, in DuckDB or Spark).
BITS = 62
#: How far before the first month asked for the data is read: a year-to-date window
#: compared with the previous year reaches 23 months back.
LOOKBACK = 24
COLUMNS_AFTER_DIMS = ("numerator", "denominator", "numerator_months", "denominator_months")
_NULL_DOUBLE = "CAST(NULL AS DOUBLE)"
_NULL_INT = "CAST(NULL AS BIGINT)"
_NO_MONTHS = f"{_NULL_INT} AS numerator_months, {_NULL_INT} AS denominator_months"


def exact_sum(expr: str) -> str:
    """``SUM(expr)`` as a double, added up exactly: each value as a decimal of 10 places (FTE,
    days and pounds are given to far fewer), summed in 128-bit integers, then made a double
    once. A sum of doubles depends on the order the engine's threads add in, so the same
    figure computed twice (a refresh and a full rebuild) could differ in its last bits, and a
    difference of two large sums (actual FTE minus plan) in its twelfth digit."""
    return f"CAST(SUM(CAST({expr} AS DECIMAL(38, 10))) AS DOUBLE)"


#: the fixed point of :func:`fte_sum`: ten decimal places, as :func:`exact_sum`
FTE_SCALE = 10_000_000_000


def fte_sum(expr: str) -> str:
    """:func:`exact_sum` for FTE, in 64-bit integers of 1e-10 FTE rather than decimals: the
    same figures (each value is rounded to ten places, the integers add up exactly, the total
    is made a double once), at less cost on Spark, whose decimals of 38 digits are Java
    BigDecimals (grouping the national staff in post: a median of 31.2 s with them, 23.3 s
    without, ``benchmarks/fte_sum.py``). A group's total must stay under 900 million FTE, which no
    organisation, place or system comes near; past it Spark stops with an overflow error
    (ANSI mode, Spark's default) and DuckDB adds in 128 bits. Money is summed by
    :func:`exact_sum`: a year of a system's pay bill would pass that bound."""
    return f"CAST(SUM(CAST(ROUND({expr} * {FTE_SCALE}) AS BIGINT)) AS DOUBLE) / {FTE_SCALE}"


@dataclass(frozen=True)
class Step:
    """A relation to materialise under ``name`` before the queries run."""

    name: str
    sql: str


def reads(sql: str, steps: Collection[str]) -> frozenset[str]:
    """The steps among ``steps`` that ``sql`` reads: their names, as whole words (a step's
    SQL names the steps it reads, and nothing else is named with :data:`PREFIX`)."""
    return frozenset(name for name in re.findall(rf"\b{PREFIX}\w+", sql) if name in steps)


@dataclass(frozen=True)
class Query:
    """A metric's results for one split. ``sql`` computes every split's groups at once (the
    same text for every split of a metric): its columns are ``m``, ``g`` (the
    :func:`split_tag` of the group's dimensions), ``columns`` (NULL where a split does not
    have them) and :data:`COLUMNS_AFTER_DIMS`. The split's rows are those whose ``g`` is one
    of ``tags``; its dimensions ``dims`` are read from ``columns`` by name."""

    metric: str
    dims: tuple[str, ...]
    sql: str
    columns: tuple[str, ...]
    tags: frozenset[int]
    #: a total across segments: its groups are also split by ``pool`` (whether the
    #: organisations count in such totals, sources.py), and only the pooled ones are its own
    pooled: bool = False
    #: where the query computes several metrics' figures from the same rows (the flows of
    #: the same months, :meth:`Compiler.flows`), which is this metric's: the columns of
    #: :data:`COLUMNS_AFTER_DIMS` come once per metric, in turn, and this is the ``figure``-th
    figure: int | None = None

    def select(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        """This split's rows as ``m``, ``dims`` and the figures."""
        at = [2 + self.columns.index(d) for d in self.dims]
        first = 2 + len(self.columns)
        if self.figure is None:
            figures = slice(first, None)
        else:
            width = len(COLUMNS_AFTER_DIMS)
            figures = slice(first + width * self.figure, first + width * (self.figure + 1))
        pool = 2 + self.columns.index(POOL) if self.pooled else None
        for row in rows:
            # (an engine may give the flag as text rather than a boolean)
            if int(row[1]) in self.tags and (pool is None or str(row[pool]).lower() == "true"):
                yield (row[0], *(row[i] for i in at), *row[figures])


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    queries: tuple[Query, ...]
    organisations: str
    submissions: str | None
    aggregate: str
    published: str = published_sql.SQL

    def to_dialect(self, dialect: str) -> Plan:
        """The same plan in another sqlglot dialect (``spark``)."""
        if dialect == "duckdb":
            return self
        return Plan(
            tuple(replace(s, sql=transpile(s.sql, dialect)) for s in self.steps),
            tuple(replace(q, sql=transpile(q.sql, dialect)) for q in self.queries),
            transpile(self.organisations, dialect),
            None if self.submissions is None else transpile(self.submissions, dialect),
            transpile(self.aggregate, dialect),
            transpile(self.published, dialect),
        )


@lru_cache(maxsize=1024)
def transpile(sql: str, dialect: str) -> str:
    """``sql`` in another dialect (cached: the plans of several splits share their SQL).
    On Spark the months behind a windowed sum are counted as bits (:func:`months_as_bits`)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "spark":
        tree = tree.transform(months_as_bits)
    return tree.sql(dialect=dialect)


#: the columns of a table measure's source months (``_spread``), counted distinct per group
MONTH_COLUMNS = ("num_month", "den_month")


def months_as_bits(node: sqlglot.exp.Expression) -> sqlglot.exp.Expression:
    """``COUNT(DISTINCT num_month)`` (or ``den_month``) as the number of bits set in a BIGINT
    with bit ``m - num_month`` set for each row, the same count without the extra shuffle (or
    two) Spark plans for a distinct aggregate. Every grouping of a table measure holds ``m``,
    and a row's source month is ``lag_months + k`` (at most 12 + 11) before it (``_spread``):
    a month outside 0 to 61 months back stops the query rather than being miscounted."""
    exp = sqlglot.exp
    if not (
        isinstance(node, exp.Count)
        and isinstance(node.this, exp.Distinct)
        and len(node.this.expressions) == 1
        and isinstance(node.this.expressions[0], exp.Column)
        and node.this.expressions[0].name in MONTH_COLUMNS
        and not node.this.expressions[0].table
    ):
        return node
    column = node.this.expressions[0].name
    back = f"(m - {column})"
    bits = sqlglot.parse_one(
        f"COALESCE(CAST(BIT_COUNT(BIT_OR(CASE WHEN {column} IS NULL THEN NULL "
        f"WHEN {back} BETWEEN 0 AND {BITS - 1} THEN SHIFTLEFT(CAST(1 AS BIGINT), {back}) "
        f"ELSE RAISE_ERROR('{column} more than {BITS - 1} months before m') END)) AS BIGINT), 0)",
        read="spark",
    )
    return cast(sqlglot.exp.Expression, bits)


def month_of(column: str) -> str:
    """The month index ``year * 12 + month - 1`` of a DATE column."""
    return f"(YEAR({column}) * 12 + MONTH({column}) - 1)"


def _list(values: Sequence[object]) -> str:
    return "(" + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values) + ")"


def condition_sql(condition: Condition, alias: str = "") -> str:
    column = f"{alias}{condition.column}"
    if condition.op == "not_null":
        return f"{column} IS NOT NULL"
    negate = "NOT " if condition.op == "not_in" else ""
    return f"{column} {negate}IN {_list(condition.values)}"


def conditions_sql(conditions: Sequence[Condition], alias: str = "") -> str:
    return " AND ".join(condition_sql(c, alias) for c in conditions) or "TRUE"


def expr_sql(expr: Expr, alias: str = "") -> str:
    if isinstance(expr, Col):
        return f"CAST({alias}{expr.name} AS DOUBLE)"
    if isinstance(expr, Add):
        return "(" + " + ".join(expr_sql(t, alias) for t in expr.terms) + ")"
    assert isinstance(expr, Sub)
    return f"({expr_sql(expr.left, alias)} - {expr_sql(expr.right, alias)})"


def band_cluster_sql(column: str) -> str:
    whens = " ".join(
        f"WHEN {column} IN {_list(bands)} THEN '{cluster}'"
        for cluster, bands in BAND_CLUSTERS.items()
    )
    return f"CASE {whens} END"


def staff_category_sql(column: str) -> str:
    """The cross-sector level of a staff group code (NULL for a published total)."""
    vocab = vocabulary("staff_group")
    by_level: dict[str, list[str]] = {}
    for code in vocab.codes:
        level = vocab.extra[code].get("category")
        if level:
            by_level.setdefault(level, []).append(code)
    whens = " ".join(
        f"WHEN {column} IN {_list(codes)} THEN '{level}'" for level, codes in by_level.items()
    )
    return f"CASE {whens} END"


def category_if_asked(column: str, grains: Iterable[Iterable[str]]) -> str:
    """:func:`staff_category_sql` of ``column`` where a grain groups by staff category, else
    NULL: its lists of staff group codes take DuckDB about 9 ms to plan, in every query."""
    if "staff_category" in grain_columns(grains):
        return staff_category_sql(column)
    return "CAST(NULL AS VARCHAR)"


def _cols(names: Sequence[str], alias: str = "") -> str:
    return "".join(f", {alias}{n}" for n in names)


def _eq(names: Sequence[str], left: str, right: str) -> str:
    return "".join(f" AND {left}.{n} IS NOT DISTINCT FROM {right}.{n}" for n in names)


#: Whether an organisation counts in the totals across segments (the system, a place, and their
#: staff group and band splits): not when its segment is sized by ``aggregate`` figures
#: (sources.py). A hidden grain of those splits: their groups are made of pooled rows only.
POOL = "pool"
#: Every dimension a group can have; bit ``i`` of a :func:`split_tag` is ``GRAIN_ORDER[i]``.
GRAIN_ORDER = (*(d for d in DIMENSIONS if d != "system"), "band_cluster", POOL)
PERSON_DIMS = ("staff_group", "staff_category", "band")
#: the dimensions of who is in post anywhere (a leaver from the system is in none of them)
PRESENT_DIMS = (*PERSON_DIMS, POOL)
STAFF_GROUP_DIMS = ("staff_group", "staff_category")
#: What a measure compiles to, for each split (its ``by``): the SQL (shared by the splits),
#: its dimension columns and the tags of the split's rows (see :class:`Query`).
Compiled = tuple[str, tuple[str, ...], frozenset[int]]


def _grain(by: tuple[str, ...]) -> tuple[str, ...]:
    """The grain a split is computed at: a total across segments also by :data:`POOL`."""
    return (*by, POOL) if sources.pooled(by) else by


def split_tag(dims: Iterable[str]) -> int:
    """The tag of a group by ``dims``: one bit per dimension of :data:`GRAIN_ORDER`."""
    return sum(1 << GRAIN_ORDER.index(d) for d in set(dims))


def grain_columns(grains: Iterable[Iterable[str]]) -> tuple[str, ...]:
    present = {d for grain in grains for d in grain}
    return tuple(d for d in GRAIN_ORDER if d in present)


def grouping(keys: Sequence[str], grains: Sequence[Sequence[str]]) -> tuple[str, str]:
    """One aggregation for several groupings: the select list of ``g`` (the tag of each row's
    grouping) and the grains' columns, and the GROUP BY clause (``GROUPING SETS`` when the
    grains differ; ``keys`` are in every one). Columns are plain names of the relation read."""
    distinct = list(dict.fromkeys(grain_columns([g]) for g in grains))
    columns = grain_columns(distinct)
    if len(distinct) == 1:
        tag = f"CAST({split_tag(distinct[0])} AS BIGINT)"
        group = "GROUP BY " + ", ".join([*keys, *columns])
    else:
        bits = " + ".join(f"(1 - GROUPING({d})) * {1 << GRAIN_ORDER.index(d)}" for d in columns)
        tag = f"CAST({bits} AS BIGINT)"
        sets = ", ".join("(" + ", ".join([*keys, *g]) + ")" for g in distinct)
        group = f"GROUP BY GROUPING SETS ({sets})"
    return f"{tag} AS g{_cols(columns)}", group


def _tags(splits: Sequence[tuple[str, ...]]) -> str:
    return _list(sorted({split_tag(by) for by in splits}))


class Compiler:
    """Compiles the metrics of several requests (the same months, each its own split) at once:
    each metric is one query computing every split's groups, and the person-level steps are
    one aggregation over every grain asked for; shared steps are created once, on first use."""

    def __init__(self, requests: Sequence[Request]) -> None:
        self.requests = list(requests)
        if len({r.months for r in self.requests}) > 1:
            raise ValueError("the requests of one plan ask for the same months")
        metrics = {m.code: m for r in self.requests for m in r.metrics}
        request = Request(tuple(metrics.values()), self.requests[0].months, ())
        self.request = request
        self.steps: dict[str, str] = {}
        #: the grains each person-level step is asked for, gathered before it is written
        self.level_grains: list[tuple[str, ...]] = []
        self.flow_grains: dict[int, list[tuple[str, ...]]] = {}
        self.present_grains: list[tuple[str, ...]] = []
        months = request.months
        self.lo = None if months is None else months[0] - LOOKBACK
        self.hi = None if months is None else months[-1]
        self.datasets = sorted({d for m in request.metrics for d in m.datasets})
        measures = [m.measure for m in request.metrics]
        flows = [m for m in measures if isinstance(m, PersonFlow)]
        counts = [m for m in measures if isinstance(m, PersonCount)]
        #: months before the first result month a word must hold (the longest flow)
        self.lookback = max((f.months for f in flows), default=0)
        if self.lookback >= BITS - 1:
            raise ValueError(f"a flow over {self.lookback} months is longer than supported")
        #: one mask per distinct population filter of the head counts
        filters = [w for c in counts for w in (c.numerator_where, c.denominator_where) if w]
        self.masks = {w: f"mask_{i}" for i, w in enumerate(dict.fromkeys(filters))}
        totals = [m for m in measures if isinstance(m, AssignmentTotal)] + [
            m.actual
            for m in measures
            if isinstance(m, Gap | PlanComparison) and isinstance(m.actual, AssignmentTotal)
        ]
        grouped = {
            "m",
            "org_code",
            "place",
            "segment",
            "staff_group",
            "staff_category",
            "band",
            "contract_type",
        }
        self.cell_columns = tuple(sorted({c.column for t in totals for c in t.where} - grouped))

    # --- the plan ---------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        """One plan per request, in order; all share the steps (and the queries' SQL)."""
        self._base_steps()
        asked = [{m.code for m in r.metrics} for r in self.requests]
        splits_of = {
            metric.code: list(
                dict.fromkeys(
                    _grain(r.by)
                    for r, codes in zip(self.requests, asked, strict=True)
                    if metric.code in codes
                )
            )
            for metric in self.request.metrics
        }
        # the flows of the same months, counted the same way for the same splits, are one
        # query: they read the same rows and test the same bits
        together: dict[tuple[Any, ...], list[tuple[str, PersonFlow]]] = {}
        for metric in self.request.metrics:
            if isinstance(metric.measure, PersonFlow):
                flow = metric.measure
                key = (flow.months, flow.counting, tuple(splits_of[metric.code]))
                together.setdefault(key, []).append((metric.code, flow))
        compiled: dict[str, dict[tuple[str, ...], Compiled]] = {}
        figure: dict[str, int] = {}
        for metric in self.request.metrics:
            splits = splits_of[metric.code]
            if not isinstance(metric.measure, PersonFlow):
                compiled[metric.code] = self.measure(metric.measure, metric, splits)
            elif metric.code not in compiled:  # where the first of its group is asked for
                flow = metric.measure
                group = together[flow.months, flow.counting, tuple(splits)]
                each = self.flows([f for _, f in group], splits)
                for i, (code, _) in enumerate(group):
                    compiled[code] = each
                    if len(group) > 1:
                        figure[code] = i
        self._person_steps()
        steps = tuple(Step(n, s) for n, s in self.steps.items())
        return [
            Plan(
                steps,
                tuple(
                    Query(
                        m.code,
                        r.output_dims(m),
                        *compiled[m.code][_grain(r.by)],
                        pooled=sources.pooled(r.by),
                        figure=figure.get(m.code),
                    )
                    for m in r.metrics
                ),
                organisations=f"SELECT org_code, place, segment, {POOL} FROM {ORGS}",
                submissions=self._submissions_sql(
                    sorted({d for m in r.metrics for d in m.datasets})
                ),
                # the published totals of the months of staff in post read, not all of them
                published=published_sql.totals_sql(self.staff_in_post_filter),
                aggregate=(
                    "SELECT period, segment, org_code, area_code, metric, CAST(value AS DOUBLE) "
                    "AS value, unit, CAST(numerator AS DOUBLE) AS numerator, CAST(denominator "
                    "AS DOUBLE) AS denominator, basis, quality, submission_id FROM aggregate"
                ),
            )
            for r in self.requests
        ]

    def plan(self) -> Plan:
        return self.plans()[0]

    def period_filter(self, column: str) -> str:
        if self.lo is None or self.hi is None:
            return "TRUE"
        return f"{column} BETWEEN DATE '{first_day(self.lo)}' AND DATE '{first_day(self.hi)}'"

    def staff_in_post_filter(self, column: str) -> str:
        """The months of staff in post a request reads: for each month asked for, both ends
        of its flows and every month its metrics take their sources from, and nothing between
        (a refresh of one month reads that month and the months a year before and after it,
        not the 25 months from one to the other). Narrower than :meth:`period_filter`, whose
        24 months back are for the year-to-date comparisons of the other datasets: the
        person-level steps, the costliest of a refresh, read only these months."""
        months = self.request.months
        if months is None or self.hi is None:
            return "TRUE"
        flows = {
            m.measure.months for m in self.request.metrics if isinstance(m.measure, PersonFlow)
        }
        needed: set[int] = set()
        for month in months:
            needed.add(month)
            needed.update(month - length for length in flows)
            for metric in self.request.metrics:
                needed.update(source_months(metric.window, metric.measure, month))
        runs: list[list[int]] = []
        for month in sorted(needed):
            if runs and month == runs[-1][1] + 1:
                runs[-1][1] = month
            else:
                runs.append([month, month])
        spans = [
            f"{column} BETWEEN DATE '{first_day(lo)}' AND DATE '{first_day(hi)}'" for lo, hi in runs
        ]
        return spans[0] if len(spans) == 1 else "(" + " OR ".join(spans) + ")"

    def targets(self, dataset: str) -> str:
        """The months results are given for: those asked for where the dataset has data."""
        return f"(SELECT m FROM {MONTHS} WHERE dataset = '{dataset}')"

    def _base_steps(self) -> None:
        self.steps[ORGS] = (
            f"SELECT o.org_code, o.place, o.segment, s.segment IS NULL AS {POOL} "
            f"FROM organisations o LEFT JOIN ({sources.SIZED_SEGMENTS_SQL}) s "
            "ON s.segment = o.segment WHERE o.partner"
        )
        # One scan for every FTE sum, the months and organisations with staff in post and
        # its submissions: assignments summed per month, organisation, staff group, band and
        # contract type (bank included: a bank-only return is still a return).
        keys = ("period", "org_code", "staff_group", "band", "contract_type", *self.cell_columns)
        inner = ", ".join(
            "COALESCE(contract_type, 'permanent') AS contract_type" if k == "contract_type" else k
            for k in keys
        )
        # Staff in post is scanned only when a metric reads it (or compares with it): a
        # refresh of sickness or temporary staffing alone never pays for the largest dataset.
        needs_sip = "staff_in_post" in self.datasets or any(
            isinstance(m.measure, Gap | PlanComparison)
            and isinstance(m.measure.actual, AssignmentTotal)
            for m in self.request.metrics
        )
        if not needs_sip:
            self._months_step()
            return
        self.steps[SIP] = (
            f"SELECT {month_of('c.period')} AS m, c.period, c.org_code, o.place, o.segment, "
            f"o.{POOL}"
            f"{_cols(keys[2:], 'c.')}, {staff_category_sql('c.staff_group')} AS staff_category, "
            f"c.submission_id, c.fte FROM ("
            f"SELECT {inner}, submission_id, {fte_sum('fte')} AS fte "
            f"FROM staff_in_post WHERE {self.staff_in_post_filter('period')} "
            f"GROUP BY {', '.join(keys)}, submission_id) c "
            f"JOIN {ORGS} o ON o.org_code = c.org_code"
        )
        self.steps[SIP_ORGS] = f"SELECT DISTINCT m, org_code FROM {SIP}"
        self._months_step()

    def _months_step(self) -> None:
        """The months each dataset has partner data in (of those asked for), and offsets."""
        wanted = "TRUE" if self.request.months is None else f"m IN {_list(self.request.months)}"
        per_dataset = [
            f"SELECT DISTINCT '{d}' AS dataset, m FROM {SIP}"
            if d == "staff_in_post"
            else f"SELECT DISTINCT '{d}' AS dataset, {month_of('t.period')} AS m FROM {d} t "
            f"JOIN {ORGS} o ON o.org_code = t.org_code"
            for d in self.datasets
        ]
        union = " UNION ALL ".join(per_dataset) or "SELECT 'none' AS dataset, 0 AS m"
        self.steps[MONTHS] = f"SELECT dataset, m FROM ({union}) t WHERE {wanted}"
        self.steps[OFFSETS] = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(12))

    def _submissions_sql(self, datasets: Sequence[str]) -> str | None:
        parts = [
            f"SELECT DISTINCT 'staff_in_post' AS dataset, m, org_code, submission_id FROM {SIP}"
            if d == "staff_in_post"
            else f"SELECT DISTINCT '{d}' AS dataset, {month_of('period')} AS m, org_code, "
            f"submission_id FROM {d} WHERE {self.period_filter('period')}"
            for d in datasets
        ]
        return " UNION ALL ".join(parts) or None

    # --- measures -----------------------------------------------------------------------------

    @singledispatchmethod
    def measure(
        self, measure: object, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        raise TypeError(f"no SQL for {type(measure).__name__}")

    @staticmethod
    def _each(splits: Sequence[tuple[str, ...]], sql: str) -> dict[tuple[str, ...], Compiled]:
        """One SQL for every split, whose groups are tagged with the split's dimensions."""
        columns = grain_columns(splits)
        return {by: (sql, columns, frozenset({split_tag(by)})) for by in splits}

    # --- people: months present as bits ---------------------------------------------------------
    #
    # Person-level measures never look at a person's rows month by month. Each person's
    # presence in an organisation (and staff group, band cluster) is folded, in one scan, into
    # a BIGINT whose bit ``m - base`` is set when they are in post in month ``m``; a window
    # ending at ``m`` then compares bit ``m - base`` with bit ``m - base - 12``. A word holds
    # ``BITS`` months: the lookback of the longest flow, then ``BITS - lookback`` result months
    # (50 for 12-month flows); longer requests use more words, each row feeding the one or two
    # words whose range it falls in. Counting is exact: people are grouped by their text id,
    # never by a hash.

    def _words(self) -> tuple[str, str]:
        """Steps: each result month with its word and base, and the words themselves."""
        if WORDS not in self.steps:
            step = BITS - self.lookback
            targets = f"SELECT m FROM {MONTHS} WHERE dataset = 'staff_in_post'"
            self.steps[TARGET_WORDS] = (
                f"SELECT m, w, lo - {self.lookback} + {step} * w AS base FROM ("
                f"SELECT t.m, s.lo, CAST(FLOOR((t.m - s.lo) / {step}) AS BIGINT) AS w "
                f"FROM ({targets}) t CROSS JOIN (SELECT MIN(m) AS lo FROM ({targets}) x) s) y"
            )
            self.steps[WORDS] = f"SELECT DISTINCT w, base FROM {TARGET_WORDS}"
        return TARGET_WORDS, WORDS

    def _people(self) -> str:
        """Each person's months in post per word, organisation, staff group and band, with one
        mask per population filter of the request's head counts (every organisation: the
        steps reading it keep the partners)."""
        if PEOPLE not in self.steps:
            _, words = self._words()
            self.steps[PERIOD_BITS] = (
                f"SELECT DISTINCT s.period, w.w, CAST(1 AS BIGINT) << (s.m - w.base) AS bit "
                f"FROM {SIP} s JOIN {words} w ON s.m - w.base BETWEEN 0 AND {BITS - 1}"
            )
            masks = "".join(
                f", BIT_OR(CASE WHEN {conditions_sql(c, 's.')} THEN p.bit ELSE 0 END) AS {name}"
                for c, name in self.masks.items()
            )
            extra = {c.column for conditions in self.masks for c in conditions}
            columns = ["period", "org_code", "staff_group", "band", "person_id"]
            columns += sorted(extra - {"contract_type", "band_cluster", "staff_category", *columns})
            if "staff_category" in extra:  # a filter reads it: made for each row
                columns.append(f"{staff_category_sql('staff_group')} AS staff_category")
            columns.append("COALESCE(contract_type, 'permanent') AS contract_type")
            if "band_cluster" in extra:
                columns.append(f"{band_cluster_sql('band')} AS band_cluster")
            keys = "p.w, s.org_code, s.staff_group, s.band, s.person_id"
            grouped = (
                f"SELECT {keys}, BIT_OR(p.bit) AS here{masks} FROM (SELECT {', '.join(columns)} "
                f"FROM staff_in_post WHERE {self.staff_in_post_filter('period')}) s "
                f"JOIN {PERIOD_BITS} p ON p.period = s.period "
                f"WHERE s.contract_type <> 'bank' GROUP BY {keys}"
            )
            # the staff category follows from the staff group: worked out once a group, after
            # the rows are summed, not for each of the rows
            self.steps[PEOPLE] = (
                f"SELECT w, org_code, staff_group, {staff_category_sql('staff_group')} AS "
                f"staff_category, band, person_id, here{_cols(list(self.masks.values()))} "
                f"FROM ({grouped}) x"
            )
        return PEOPLE

    @staticmethod
    def _grain_select(columns: Sequence[str]) -> str:
        """The grain columns over ``owm_people p JOIN owm_orgs o``, by name."""
        exprs = {
            "place": "o.place",
            "segment": "o.segment",
            POOL: f"o.{POOL}",
            "band_cluster": band_cluster_sql("p.band"),
        }
        return "".join(f", {exprs.get(d, 'p.' + d)} AS {d}" for d in columns)

    def _bit(self, mask: str, back: int = 0) -> str:
        """1 when ``mask`` has the bit of the result month ``back`` months before, else 0."""
        shift = "t.m - t.base" + (f" - {back}" if back else "")
        return f"(({mask} >> ({shift})) & 1)"

    def _person_steps(self) -> None:
        """The person-level steps, each one aggregation over every grain asked for (written
        once every measure has said which grains it reads): each person's months (and filter
        masks) in each group, counted once (``owm_levels``); who is in each group at the
        start and end of the windows of a word (``owm_flow_N``); and who is in post in any
        partner organisation, by the person-level dimensions (``owm_present``)."""
        if self.level_grains:
            self._levels()
        for months, grains in self.flow_grains.items():
            # Bit ``b`` of ``at_end`` is set when the person is in the group in the month of
            # bit ``b`` in an organisation that submitted staff in post ``months`` earlier;
            # bit ``b`` of ``at_start`` when they are in it in an organisation that submitted
            # ``months`` later.
            low = (1 << (BITS - months)) - 1
            self._counted_per_person(
                f"{PREFIX}flow_{months}",
                grains,
                f"p.here & ((c.sub & {low}) << {months}) AS at_end, "
                f"p.here & (c.sub >> {months}) AS at_start, p.here",
                f" JOIN {SUBMITTED} c ON c.w = p.w AND c.org_code = p.org_code",
                ["at_end", "at_start", "here"],
            )
        if self.present_grains:
            columns = grain_columns(self.present_grains)
            self.steps[PRESENT] = self._per_person(
                self.present_grains,
                f"SELECT p.w, p.person_id, p.here{self._grain_select(columns)} "
                f"FROM {PEOPLE} p JOIN {ORGS} o ON o.org_code = p.org_code",
                ", BIT_OR(here) AS here",
            )

    def _levels(self) -> None:
        """``owm_levels``: how many people have each pattern of months (and filter masks) in
        each group (``n``; see :meth:`_counted_per_person`), so that someone in two
        organisations of a place counts once in the place."""
        masks = ["here", *self.masks.values()]
        self._counted_per_person(LEVELS, self.level_grains, _cols(masks, "p.")[2:], "", masks)

    def _counted_per_person(
        self,
        name: str,
        grains: Sequence[tuple[str, ...]],
        selected: str,
        joined: str,
        masks: Sequence[str],
    ) -> None:
        """The steps ``name``: each person's ``masks`` (``selected`` from ``owm_people p``
        ``joined`` to more) in each group of ``grains``, as rows of (``w``, ``g``, the grains'
        columns, the masks, ``person_id``, ``n``). A person with one row in the word in the
        partner organisations (one organisation, staff group and band: nearly everyone) has
        that row's months in every group they are in, so such people are counted straight
        from their rows (``n`` of them, ``person_id`` NULL); only those with several rows are
        combined person by person (``BIT_OR``, ``n`` = 1), so that someone in two
        organisations of a place counts once in the place. The same counts as combining
        everyone person by person, from a fraction of the groups. ``name_rows`` holds the
        rows with ``k``, the person's number of rows in partner organisations (before any
        join that drops some: whoever is in post in two organisations is combined person by
        person even where one of them sent no staff in post at a flow's other end)."""
        columns = grain_columns(grains)
        if PARTNER_PEOPLE not in self.steps:  # shared by the levels and every flow
            self.steps[PARTNER_PEOPLE] = (
                f"SELECT *, COUNT(*) OVER (PARTITION BY w, person_id) AS k FROM {PEOPLE} "
                f"WHERE org_code IN (SELECT org_code FROM {ORGS})"
            )
        rows = f"{name}{ROWS_SUFFIX}"
        self.steps[rows] = (
            f"SELECT p.w, p.person_id, {selected}{self._grain_select(columns)}, p.k "
            f"FROM {PARTNER_PEOPLE} p{joined} JOIN {ORGS} o ON o.org_code = p.org_code"
        )
        out = f"w, g{_cols(columns)}{_cols(masks)}"
        select, group = grouping(["w", "person_id"], grains)
        combined = "".join(f", BIT_OR({m}) AS {m}" for m in masks)
        several = (
            f"SELECT {out}, person_id, CAST(1 AS BIGINT) AS n FROM (SELECT w, person_id, "
            f"{select}{combined} FROM {rows} WHERE k > 1 {group}) y"
        )
        select, group = grouping(["w", *masks], grains)
        one = (
            f"SELECT w, {select}{_cols(masks)}, CAST(NULL AS VARCHAR) AS person_id, "
            f"COUNT(*) AS n FROM {rows} WHERE k = 1 {group}"
        )
        self.steps[name] = f"{one} UNION ALL {several}"

    @staticmethod
    def _per_person(grains: Sequence[tuple[str, ...]], source: str, aggregates: str) -> str:
        select, group = grouping(["w", "person_id"], grains)
        return f"SELECT w, person_id, {select}{aggregates} FROM ({source}) x {group}"

    @measure.register
    def _person_count(
        self, measure: PersonCount, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        targets, _ = self._words()
        self._people()
        split = measure.split
        of_split: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for by in splits:
            of_split[by] = [by] if split is None else [(*by, split)]
            if split is not None and measure.split_total:
                of_split[by].append(by)
        grains = list(dict.fromkeys(grain_columns([g]) for gs in of_split.values() for g in gs))
        self.level_grains.extend(grains)
        num = self.masks.get(measure.numerator_where, "here")
        den = None
        if measure.denominator_where is not None:
            den = self.masks.get(measure.denominator_where, "here")
        masks = list(dict.fromkeys(["here", num] + ([den] if den else [])))
        columns = grain_columns(grains)
        # a band cluster's group is of the people with a band in one
        wanted = " OR ".join(
            f"(g = {split_tag(g)}"
            + (" AND band_cluster IS NOT NULL)" if "band_cluster" in g else ")")
            for g in grains
        )
        grouped = (
            f"SELECT w, g{_cols(columns)}{_cols(masks)}, SUM(n) AS n FROM {LEVELS} "
            f"WHERE {wanted} GROUP BY w, g{_cols(columns)}{_cols(masks)}"
        )
        exprs = {d: f"c.{d}" for d in columns}
        if split is not None and measure.split_total:  # the total's row is labelled
            bit = 1 << GRAIN_ORDER.index(split)
            exprs[split] = (
                f"CASE WHEN (c.g & {bit}) <> 0 THEN c.{split} ELSE '{measure.split_total}' END"
            )
        denominator = (
            _NULL_DOUBLE if den is None else f"CAST(SUM(c.n * {self._bit('c.' + den)}) AS DOUBLE)"
        )
        sql = (
            f"SELECT t.m AS m, c.g AS g{''.join(f', {e} AS {d}' for d, e in exprs.items())}, "
            f"CAST(SUM(c.n * {self._bit('c.' + num)}) AS DOUBLE) AS numerator, "
            f"{denominator} AS denominator, {_NO_MONTHS} "
            f"FROM ({grouped}) c JOIN {targets} t ON t.w = c.w "
            f"GROUP BY t.m, c.g{''.join(f', {e}' for e in exprs.values())} "
            f"HAVING SUM(c.n * {self._bit('c.here')}) > 0"
        )
        return {by: (sql, columns, frozenset(split_tag(g) for g in of_split[by])) for by in splits}

    @measure.register
    def _assignment_total(
        self, measure: AssignmentTotal, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        select, group = grouping(["m"], splits)
        return self._each(
            splits,
            f"SELECT m, {select}, {fte_sum(measure.column)} AS numerator, "
            f"{_NULL_DOUBLE} AS denominator, {_NO_MONTHS} FROM {SIP} "
            f"WHERE m IN {self.targets('staff_in_post')} AND contract_type <> 'bank' "
            f"AND {conditions_sql(measure.where)} {group}",
        )

    def flows(
        self, measures: Sequence[PersonFlow], splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        """One query for the flows of the same ``months`` and ``counting``: the figures of
        each in turn (:attr:`Query.figure`; the columns of one flow alone are named as any
        measure's). Who is in post anywhere is joined when one of them is leavers from the
        system; the others sum over it."""
        months, counting = measures[0].months, measures[0].counting
        if any((f.months, f.counting) != (months, counting) for f in measures):
            raise ValueError("the flows of one query have the same months and counting")
        targets, _ = self._words()
        self._people()
        self._submitted()
        grain_of = {
            by: grain_columns([("org_code", *by) if counting == "organisation" else by])
            for by in splits
        }
        grains = list(dict.fromkeys(grain_of.values()))
        self.flow_grains.setdefault(months, []).extend(grains)
        columns = grain_columns(grains)
        selected = ["f.at_start", "f.at_end"]
        grouped_by = list(selected)
        joined = f"{PREFIX}flow_{months} f"
        present = ""
        if any(f.leaving == "system" for f in measures):
            # in post in no partner organisation (in the same staff group or band, when split
            # so): the person-level dimensions of the group are those of its ``g``
            person = tuple(d for d in columns if d in PRESENT_DIMS)
            self.present_grains.extend(
                tuple(d for d in by if d in PRESENT_DIMS) for by in grain_of.values()
            )
            joined += (
                f" LEFT JOIN {PRESENT} p ON p.w = f.w AND p.person_id = f.person_id "
                f"AND p.g = (f.g & {split_tag(PRESENT_DIMS)}){_eq(person, 'p', 'f')}"
            )
            # a person counted with others (one row in the word) is in post where that row is
            anywhere = "CASE WHEN f.person_id IS NULL THEN f.here ELSE COALESCE(p.here, 0) END"
            selected.append(f"{anywhere} AS present")
            grouped_by.append(anywhere)
            present = "c.present"
        grouped = (
            f"SELECT f.w, f.g{_cols(columns, 'f.')}, {', '.join(selected)}, SUM(f.n) AS n "
            f"FROM {joined} WHERE f.g IN {_tags(grains)} "
            f"GROUP BY f.w, f.g{_cols(columns, 'f.')}, {', '.join(grouped_by)}"
        )
        start = self._bit("c.at_start", months)
        end = self._bit("c.at_end")
        figures = []
        for i, measure in enumerate(measures):
            counted = {
                "leavers": f"{start} * (1 - {end})",
                "joiners": f"(1 - {start}) * {end}",
                "stayers": f"{start} * {end}",
            }[measure.count]
            if measure.leaving == "system":
                counted = f"{start} * (1 - {self._bit(present)})"
            denominator = {
                "mean_headcount": f"CAST(SUM(c.n * {start}) + SUM(c.n * {end}) AS DOUBLE) / 2",
                "start_headcount": f"CAST(SUM(c.n * {start}) AS DOUBLE)",
            }[measure.denominator]
            names = [f"{c}_{i}" if len(measures) > 1 else c for c in COLUMNS_AFTER_DIMS]
            figures.append(
                f"CAST(SUM(c.n * {counted}) AS DOUBLE) AS {names[0]}, "
                f"{denominator} AS {names[1]}, "
                f"{_NULL_INT} AS {names[2]}, {_NULL_INT} AS {names[3]}"
            )
        # each group of a grain feeds the splits counted at that grain: an organisation's
        # group is summed over organisations where the split has none
        out = grain_columns(splits)
        if all(grain_of[by] == grain_columns([by]) for by in splits):
            tag, routed, exprs = "c.g", "", {d: f"c.{d}" for d in out}
        else:
            routes = " UNION ALL ".join(
                f"SELECT {split_tag(grain_of[by])} AS grain, {split_tag(by)} AS tag"
                for by in splits
            )
            tag, routed = "r.tag", f" JOIN ({routes}) r ON r.grain = c.g"
            exprs = {
                d: f"c.{d}"
                if all(d in by for by in splits)
                else f"CASE WHEN (r.tag & {1 << GRAIN_ORDER.index(d)}) <> 0 THEN c.{d} END"
                for d in out
            }
        return self._each(
            splits,
            f"SELECT t.m AS m, {tag} AS g{''.join(f', {e} AS {d}' for d, e in exprs.items())}, "
            f"{', '.join(figures)} "
            f"FROM ({grouped}) c JOIN {targets} t ON t.w = c.w{routed} "
            f"GROUP BY t.m, {tag}{''.join(f', {e}' for e in exprs.values())} "
            f"HAVING SUM(c.n * ({start} + {end})) > 0",
        )

    def _submitted(self) -> str:
        """The months each organisation submitted staff in post, as bits of each word."""
        if SUBMITTED not in self.steps:
            _, words = self._words()
            self.steps[SUBMITTED] = (
                "SELECT w.w, c.org_code, BIT_OR(CAST(1 AS BIGINT) << (c.m - w.base)) AS sub "
                f"FROM {SIP_ORGS} c JOIN {words} w ON c.m - w.base BETWEEN 0 AND {BITS - 1} "
                "GROUP BY w.w, c.org_code"
            )
        return SUBMITTED

    @measure.register
    def _table_measure(
        self, measure: TableMeasure, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        # Published totals ("All staff groups") are the organisation's figure where given; a
        # split by staff group reads the staff groups' own rows: one query for each kind.
        out: dict[tuple[str, ...], Compiled] = {}
        for by_group in (False, True):
            chosen = [
                by for by in splits if by_group == bool({"staff_group", "staff_category"} & set(by))
            ]
            if chosen:
                out.update(self._each(chosen, self._table_sql(measure, metric, chosen, by_group)))
        return out

    def _table_sql(
        self, measure: TableMeasure, metric: Metric, splits: list[tuple[str, ...]], by_group: bool
    ) -> str:
        den = (
            _NULL_DOUBLE
            if measure.denominator is None
            else expr_sql(measure.denominator.expr, "t.")
        )
        num = expr_sql(measure.numerator.expr, "t.")
        blank = f"{num} IS NULL" + ("" if measure.denominator is None else f" OR {den} IS NULL")
        if measure.dataset not in SUPPRESSIBLE_DATASETS:  # an empty cell there is not published
            blank = "FALSE"
        # Published totals ("All staff groups") are the organisation's figure where given;
        # a split by staff group reads the staff groups' own rows. A suppressed cell (empty)
        # is never counted as zero; the figures it stands behind are marked.
        total = f"t.staff_group = '{TOTAL_STAFF_GROUP}'"
        if by_group:
            chosen = f"NOT ({total})"
            suppressed = f"CASE WHEN {blank} THEN 1 ELSE 0 END"
        else:
            chosen = f"(t.has_total = 0 OR {total})"
            suppressed = f"CASE WHEN {total} THEN t.group_suppressed WHEN {blank} THEN 1 ELSE 0 END"
        raw_blank = blank.replace("t.", "")
        window = "OVER (PARTITION BY org_code, period)"
        marked = (
            f"SELECT *, MAX(CASE WHEN staff_group = '{TOTAL_STAFF_GROUP}' THEN 1 ELSE 0 END) "
            f"{window} AS has_total, SUM(CASE WHEN staff_group <> '{TOTAL_STAFF_GROUP}' AND "
            f"({raw_blank}) THEN 1 ELSE 0 END) {window} AS group_suppressed FROM {measure.dataset} "
            # a window per organisation and month: the months outside the request are left
            # out before it, not after
            f"WHERE {self.period_filter('period')}"
        )
        cells = (
            f"SELECT {month_of('t.period')} AS m, t.org_code, o.place, o.segment, o.{POOL}, "
            "t.staff_group, "
            f"{category_if_asked('t.staff_group', splits)} AS staff_category, "
            f"{num} AS num_value, {den} AS den_value, {suppressed} AS suppressed "
            f"FROM ({marked}) t JOIN {ORGS} o ON o.org_code = t.org_code "
            f"WHERE {conditions_sql(measure.where, 't.')} AND {self.period_filter('t.period')} "
            f"AND {chosen}"
        )
        columns = grain_columns(splits)
        sides = [self._spread(measure.numerator, "num", metric, columns)]
        months_den = _NULL_INT
        if measure.denominator is not None:
            sides.append(self._spread(measure.denominator, "den", metric, columns))
            months_den = "COUNT(DISTINCT den_month)"
        select, group = grouping(["m"], splits)
        return (
            f"WITH cells AS ({cells}), spread AS ({' UNION ALL '.join(sides)}) "
            f"SELECT m, {select}, {exact_sum('num_value')} AS numerator, "
            f"{exact_sum('den_value')} AS denominator, "
            f"COUNT(DISTINCT num_month) AS numerator_months, {months_den} AS denominator_months, "
            f"CAST(SUM(suppressed) AS BIGINT) AS suppressed "
            f"FROM spread WHERE m IN {self.targets(measure.dataset)} {group}"
        )

    def _spread(self, total: Total, side: str, metric: Metric, columns: Sequence[str]) -> str:
        """Each row once for every result month whose window reads it."""
        source = f"(c.m + {total.lag_months})"
        keep = {
            "month": "k.k = 0",
            "snapshot": "k.k = 0",
            "rolling_12m": "k.k < 12",
            "fytd": f"k.k <= 11 - ({source} % 12 + 9) % 12",
        }[metric.window]
        value = f"c.{side}_value"
        num, den = (value, _NULL_DOUBLE) if side == "num" else (_NULL_DOUBLE, value)
        num_m, den_m = ("c.m", _NULL_INT) if side == "num" else (_NULL_INT, "c.m")
        suppressed = "c.suppressed" if side == "num" else "0"
        return (
            f"SELECT {source} + k.k AS m{_cols(columns, 'c.')}, {num} AS num_value, "
            f"{den} AS den_value, CASE WHEN {value} IS NOT NULL THEN {num_m} END AS num_month, "
            f"CASE WHEN {value} IS NOT NULL THEN {den_m} END AS den_month, "
            f"{suppressed} AS suppressed "
            f"FROM cells c JOIN {OFFSETS} k ON {keep}"
        )

    def _actual_cte(self, actual: AssignmentTotal | DatasetColumn, dataset: str) -> tuple[str, str]:
        """SQL of actual values per month, org and staff group, and the cell's actual value."""
        if isinstance(actual, AssignmentTotal):
            sql = (
                f"SELECT m, org_code, staff_group, {fte_sum(actual.column)} AS actual "
                f"FROM {SIP} WHERE contract_type <> 'bank' AND {conditions_sql(actual.where)} "
                f"AND m IN {self.targets(dataset)} GROUP BY m, org_code, staff_group"
            )
            return sql, "CASE WHEN c.org_code IS NOT NULL THEN COALESCE(a.actual, 0) END"
        sql = (
            f"SELECT {month_of('period')} AS m, org_code, staff_group, "
            f"{exact_sum(actual.column)} AS actual FROM {actual.dataset} "
            f"WHERE {self.period_filter('period')} "
            f"GROUP BY {month_of('period')}, org_code, staff_group"
        )
        return sql, "a.actual"

    def _cells(
        self,
        measure: Gap | PlanComparison,
        columns: Callable[[str, str], str],
        splits: Sequence[Sequence[str]],
    ) -> str:
        """The plan's cells with ``columns(planned, actual)`` of each: the planned and actual
        figures' SQL. An actual read from staff in post is 0, not unknown, in a month the
        organisation sent it (hence the join to the months each organisation sent)."""
        dataset = measure.dataset
        actual_sql, actual = self._actual_cte(measure.actual, dataset)
        joined = (
            f"LEFT JOIN {SIP_ORGS} c ON c.m = e.m AND c.org_code = e.org_code "
            if isinstance(measure.actual, AssignmentTotal)
            else ""
        )
        planned = f"CAST(e.{measure.planned} AS DOUBLE)"
        return (
            f"SELECT e.m, e.org_code, o.place, o.segment, o.{POOL}, e.staff_group, "
            f"{category_if_asked('e.staff_group', splits)} AS staff_category, "
            f"{columns(planned, actual)} "
            f"FROM (SELECT {month_of('period')} AS m, * FROM {dataset}) e "
            f"JOIN {ORGS} o ON o.org_code = e.org_code "
            f"LEFT JOIN ({actual_sql}) a ON a.m = e.m AND a.org_code = e.org_code "
            "AND a.staff_group = e.staff_group "
            f"{joined}WHERE e.m IN {self.targets(dataset)}"
        )

    @measure.register
    def _gap(
        self, measure: Gap, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        select, group = grouping(["m"], splits)
        reported = f"CAST(e.{measure.reported} AS DOUBLE)"
        cells = self._cells(
            measure,
            lambda planned, actual: (
                f"{planned} AS planned, COALESCE({reported}, {planned} - {actual}) AS gap"
            ),
            splits,
        )
        return self._each(
            splits,
            f"SELECT m, {select}, {exact_sum('gap')} AS numerator, "
            f"{exact_sum('CASE WHEN gap IS NOT NULL THEN planned END')} AS denominator, "
            f"{_NO_MONTHS} FROM ({cells}) cells {group}",
        )

    @measure.register
    def _plan_comparison(
        self, measure: PlanComparison, metric: Metric, splits: list[tuple[str, ...]]
    ) -> dict[tuple[str, ...], Compiled]:
        select, group = grouping(["m"], splits)
        cells = self._cells(
            measure, lambda planned, actual: f"{planned} AS planned, {actual} AS actual", splits
        )
        return self._each(
            splits,
            f"SELECT m, {select}, {exact_sum('actual')} AS numerator, "
            f"{exact_sum('planned')} AS denominator, "
            f"{_NO_MONTHS} FROM ({cells}) cells "
            f"WHERE planned IS NOT NULL AND actual IS NOT NULL {group}",
        )


def read_window(periods: Sequence[str] | None) -> tuple[date, date] | None:
    """The first and last months of data a request for ``periods`` reads (None: all):
    :data:`LOOKBACK` months before the first, to the last. Data outside it changes nothing,
    so a reader may leave it unread (the Spark views read only the submissions inside it)."""
    if not periods:
        return None
    months = sorted(month_index(p) for p in periods)
    return first_day(months[0] - LOOKBACK), first_day(months[-1])


def compile_plan(request: Request) -> Plan:
    """The SQL (DuckDB dialect) for every metric of a request."""
    return Compiler([request]).plan()


def compile_plans(requests: Sequence[Request]) -> list[Plan]:
    """The plans of several requests for the same months (one split each), compiled together:
    every metric is one query over all of their splits' groups, the person-level steps one
    aggregation over every grain; the plans share their steps."""
    return Compiler(requests).plans()
