"""One compiler from metric definitions to SQL, written in DuckDB's dialect.

:func:`compile_plan` turns a :class:`~oneworkforce.metrics.request.Request` into a
:class:`Plan`: a few shared *steps* (relations an engine materialises once: partner
organisations, staff in post with its month index, who is where at both ends of a 12-month
window) and one *query* per metric returning ``m``, the dimensions, ``numerator``,
``denominator`` and the months of data behind windowed sums. :meth:`Plan.to_dialect`
transpiles it with sqlglot (Spark SQL for the Spark engine), so each definition is compiled
once, by one set of handlers, whatever runs it.

Person-month presence is computed once per request and reused: the 12-month flows read each
staff-in-post row twice (as the end of its own month's window and the start of the window
twelve months on) and aggregate, with no self-join and no loop over months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import singledispatchmethod

import sqlglot

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
from oneworkforce.metrics.periods import first_day
from oneworkforce.metrics.request import Request

PREFIX = "owm_"
ORGS, SIP, SIP_ORGS, MONTHS, OFFSETS = (
    f"{PREFIX}{n}" for n in ("orgs", "sip", "sip_orgs", "months", "offsets")
)
#: How far before the first month asked for the data is read: a year-to-date window
#: compared with the previous year reaches 23 months back.
LOOKBACK = 24
COLUMNS_AFTER_DIMS = ("numerator", "denominator", "numerator_months", "denominator_months")
_NULL_DOUBLE = "CAST(NULL AS DOUBLE)"
_NULL_INT = "CAST(NULL AS BIGINT)"
_NO_MONTHS = f"{_NULL_INT} AS numerator_months, {_NULL_INT} AS denominator_months"


@dataclass(frozen=True)
class Step:
    """A relation to materialise under ``name`` before the queries run."""

    name: str
    sql: str


@dataclass(frozen=True)
class Query:
    """A metric's SQL; its columns are ``m``, ``dims`` and :data:`COLUMNS_AFTER_DIMS`."""

    metric: str
    dims: tuple[str, ...]
    sql: str


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    queries: tuple[Query, ...]
    organisations: str
    submissions: str | None
    aggregate: str

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
        )


def transpile(sql: str, dialect: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


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


def _cols(names: Sequence[str], alias: str = "") -> str:
    return "".join(f", {alias}{n}" for n in names)


def _eq(names: Sequence[str], left: str, right: str) -> str:
    return "".join(f" AND {left}.{n} IS NOT DISTINCT FROM {right}.{n}" for n in names)


class Compiler:
    """Compiles the metrics of one request; shared steps are created once, on first use."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.steps: dict[str, str] = {}
        months = request.months
        self.lo = None if months is None else months[0] - LOOKBACK
        self.hi = None if months is None else months[-1]
        self.datasets = sorted({d for m in request.metrics for d in m.datasets})

    # --- the plan ---------------------------------------------------------------------------

    def plan(self) -> Plan:
        self._base_steps()
        queries = tuple(
            Query(m.code, self.request.output_dims(m), self.measure(m.measure, m))
            for m in self.request.metrics
        )
        return Plan(
            tuple(Step(n, s) for n, s in self.steps.items()),
            queries,
            organisations=f"SELECT org_code, place, segment FROM {ORGS}",
            submissions=self._submissions_sql(),
            aggregate=(
                "SELECT period, segment, org_code, area_code, metric, CAST(value AS DOUBLE) AS "
                "value, unit, CAST(numerator AS DOUBLE) AS numerator, CAST(denominator AS "
                "DOUBLE) AS denominator, basis, quality, submission_id FROM aggregate"
            ),
        )

    def period_filter(self, column: str) -> str:
        if self.lo is None or self.hi is None:
            return "TRUE"
        return f"{column} BETWEEN DATE '{first_day(self.lo)}' AND DATE '{first_day(self.hi)}'"

    def targets(self, dataset: str) -> str:
        """The months results are given for: those asked for where the dataset has data."""
        return f"(SELECT m FROM {MONTHS} WHERE dataset = '{dataset}')"

    def _base_steps(self) -> None:
        self.steps[ORGS] = "SELECT org_code, place, segment FROM organisations WHERE partner"
        self.steps[SIP] = (
            f"SELECT {month_of('s.period')} AS m, s.org_code, o.place, o.segment, s.staff_group, "
            f"s.band, {band_cluster_sql('s.band')} AS band_cluster, s.person_id, "
            "CAST(s.fte AS DOUBLE) AS fte, COALESCE(s.contract_type, 'permanent') AS "
            "contract_type, s.ethnic_group "
            f"FROM staff_in_post s JOIN {ORGS} o ON o.org_code = s.org_code "
            "WHERE COALESCE(s.contract_type, 'permanent') <> 'bank' "
            f"AND {self.period_filter('s.period')}"
        )
        self.steps[SIP_ORGS] = (
            f"SELECT DISTINCT {month_of('s.period')} AS m, s.org_code FROM staff_in_post s "
            f"JOIN {ORGS} o ON o.org_code = s.org_code WHERE {self.period_filter('s.period')}"
        )
        wanted = "TRUE" if self.request.months is None else f"m IN {_list(self.request.months)}"
        per_dataset = [
            f"SELECT DISTINCT '{d}' AS dataset, {month_of('t.period')} AS m FROM {d} t "
            f"JOIN {ORGS} o ON o.org_code = t.org_code"
            for d in self.datasets
        ]
        union = " UNION ALL ".join(per_dataset) or "SELECT 'none' AS dataset, 0 AS m"
        self.steps[MONTHS] = f"SELECT dataset, m FROM ({union}) t WHERE {wanted}"
        self.steps[OFFSETS] = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(12))

    def _submissions_sql(self) -> str | None:
        parts = [
            f"SELECT DISTINCT '{d}' AS dataset, {month_of('period')} AS m, org_code, submission_id "
            f"FROM {d} WHERE {self.period_filter('period')}"
            for d in self.datasets
        ]
        return " UNION ALL ".join(parts) or None

    # --- measures -----------------------------------------------------------------------------

    @singledispatchmethod
    def measure(self, measure: object, metric: Metric) -> str:
        raise TypeError(f"no SQL for {type(measure).__name__}")

    @measure.register
    def _person_count(self, measure: PersonCount, metric: Metric) -> str:
        by = self.request.by
        numerator = self._count_people(measure.numerator_where)
        denominator = (
            _NULL_DOUBLE
            if measure.denominator_where is None
            else self._count_people(measure.denominator_where)
        )
        tail = f"{numerator} AS numerator, {denominator} AS denominator, {_NO_MONTHS}"
        where = f"m IN {self.targets('staff_in_post')}"
        if measure.split is None:
            return f"SELECT m{_cols(by)}, {tail} FROM {SIP} WHERE {where} GROUP BY m{_cols(by)}"
        split = measure.split
        parts = [
            f"SELECT m{_cols(by)}, {split}, {tail} FROM {SIP} WHERE {where} AND {split} IS NOT "
            f"NULL GROUP BY m{_cols(by)}, {split}"
        ]
        if measure.split_total:
            parts.append(
                f"SELECT m{_cols(by)}, '{measure.split_total}' AS {split}, {tail} FROM {SIP} "
                f"WHERE {where} GROUP BY m{_cols(by)}"
            )
        return " UNION ALL ".join(parts)

    @staticmethod
    def _count_people(conditions: Sequence[Condition]) -> str:
        if not conditions:
            return "CAST(COUNT(DISTINCT person_id) AS DOUBLE)"
        counted = f"CASE WHEN {conditions_sql(conditions)} THEN person_id END"
        return f"CAST(COUNT(DISTINCT {counted}) AS DOUBLE)"

    @measure.register
    def _assignment_total(self, measure: AssignmentTotal, metric: Metric) -> str:
        by = self.request.by
        return (
            f"SELECT m{_cols(by)}, SUM(CAST({measure.column} AS DOUBLE)) AS numerator, "
            f"{_NULL_DOUBLE} AS denominator, {_NO_MONTHS} FROM {SIP} "
            f"WHERE m IN {self.targets('staff_in_post')} AND {conditions_sql(measure.where)} "
            f"GROUP BY m{_cols(by)}"
        )

    @measure.register
    def _person_flow(self, measure: PersonFlow, metric: Metric) -> str:
        by = self.request.by
        if measure.counting == "organisation":
            grain = ("org_code", *[d for d in by if d != "org_code"])
        else:
            grain = by
        flags = self._flags(grain, measure.months)
        start_only = "f.at_start = 1 AND f.at_end = 0"
        if measure.leaving == "system":
            present = self._present(self.request.person_dims)
            join = (
                f" LEFT JOIN {present} p ON p.m = f.m AND p.person_id = f.person_id"
                f"{_eq(self.request.person_dims, 'p', 'f')}"
            )
            start_only = "f.at_start = 1 AND p.person_id IS NULL"
        else:
            join = ""
        counted = {
            "leavers": start_only,
            "joiners": "f.at_start = 0 AND f.at_end = 1",
            "stayers": "f.at_start = 1 AND f.at_end = 1",
        }[measure.count]
        denominator = {
            "mean_headcount": "CAST(SUM(f.at_start) + SUM(f.at_end) AS DOUBLE) / 2",
            "start_headcount": "CAST(SUM(f.at_start) AS DOUBLE)",
        }[measure.denominator]
        return (
            f"SELECT f.m AS m{_cols(by, 'f.')}, "
            f"CAST(SUM(CASE WHEN {counted} THEN 1 ELSE 0 END) AS DOUBLE) AS numerator, "
            f"{denominator} AS denominator, {_NO_MONTHS} "
            f"FROM {flags} f{join} GROUP BY f.m{_cols(by, 'f.')}"
        )

    def _flags(self, grain: Sequence[str], months: int) -> str:
        """Who is in each group at the start and at the end of the window ending at ``m``.

        A row counts only when its organisation submitted staff in post at both ends.
        """
        name = f"{PREFIX}flow_{months}_" + ("_".join(grain) or "system")
        if name not in self.steps:
            targets = self.targets("staff_in_post")
            end = (
                f"SELECT s.m AS m{_cols(grain, 's.')}, s.person_id, 0 AS at_start, 1 AS at_end "
                f"FROM {SIP} s JOIN {SIP_ORGS} c "
                f"ON c.org_code = s.org_code AND c.m = s.m - {months} "
                f"WHERE s.m IN {targets}"
            )
            start = (
                f"SELECT s.m + {months} AS m{_cols(grain, 's.')}, s.person_id, 1 AS at_start, 0 AS "
                f"at_end FROM {SIP} s JOIN {SIP_ORGS} c ON c.org_code = s.org_code AND "
                f"c.m = s.m + {months} WHERE s.m + {months} IN {targets}"
            )
            self.steps[name] = (
                f"SELECT m{_cols(grain)}, person_id, MAX(at_start) AS at_start, MAX(at_end) AS "
                f"at_end FROM ({end} UNION ALL {start}) t GROUP BY m{_cols(grain)}, person_id"
            )
        return name

    def _present(self, person_dims: Sequence[str]) -> str:
        """Who is in post in any partner organisation at ``m`` (by staff group, band)."""
        name = f"{PREFIX}present_" + ("_".join(person_dims) or "any")
        if name not in self.steps:
            self.steps[name] = (
                f"SELECT DISTINCT m{_cols(person_dims)}, person_id FROM {SIP} "
                f"WHERE m IN {self.targets('staff_in_post')}"
            )
        return name

    @measure.register
    def _table_measure(self, measure: TableMeasure, metric: Metric) -> str:
        by = self.request.by
        den = (
            _NULL_DOUBLE
            if measure.denominator is None
            else expr_sql(measure.denominator.expr, "t.")
        )
        cells = (
            f"SELECT {month_of('t.period')} AS m, t.org_code, o.place, o.segment, t.staff_group, "
            f"{expr_sql(measure.numerator.expr, 't.')} AS num_value, {den} AS den_value "
            f"FROM {measure.dataset} t JOIN {ORGS} o ON o.org_code = t.org_code "
            f"WHERE {conditions_sql(measure.where, 't.')} AND {self.period_filter('t.period')}"
        )
        sides = [self._spread(measure.numerator, "num", metric)]
        months_den = _NULL_INT
        if measure.denominator is not None:
            sides.append(self._spread(measure.denominator, "den", metric))
            months_den = "COUNT(DISTINCT den_month)"
        return (
            f"WITH cells AS ({cells}), spread AS ({' UNION ALL '.join(sides)}) "
            f"SELECT m{_cols(by)}, SUM(num_value) AS numerator, SUM(den_value) AS denominator, "
            f"COUNT(DISTINCT num_month) AS numerator_months, {months_den} AS denominator_months "
            f"FROM spread WHERE m IN {self.targets(measure.dataset)} GROUP BY m{_cols(by)}"
        )

    def _spread(self, total: Total, side: str, metric: Metric) -> str:
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
        return (
            f"SELECT {source} + k.k AS m{_cols(self.request.by, 'c.')}, {num} AS num_value, "
            f"{den} AS den_value, CASE WHEN {value} IS NOT NULL THEN {num_m} END AS num_month, "
            f"CASE WHEN {value} IS NOT NULL THEN {den_m} END AS den_month "
            f"FROM cells c JOIN {OFFSETS} k ON {keep}"
        )

    def _actual_cte(self, actual: AssignmentTotal | DatasetColumn, dataset: str) -> tuple[str, str]:
        """SQL of actual values per month, org and staff group, and the cell's actual value."""
        if isinstance(actual, AssignmentTotal):
            sql = (
                f"SELECT m, org_code, staff_group, SUM(CAST({actual.column} AS DOUBLE)) AS actual "
                f"FROM {SIP} WHERE {conditions_sql(actual.where)} AND m IN {self.targets(dataset)} "
                "GROUP BY m, org_code, staff_group"
            )
            return sql, "CASE WHEN c.org_code IS NOT NULL THEN COALESCE(a.actual, 0) END"
        sql = (
            f"SELECT {month_of('period')} AS m, org_code, staff_group, "
            f"SUM(CAST({actual.column} AS DOUBLE)) AS actual FROM {actual.dataset} "
            f"WHERE {self.period_filter('period')} "
            f"GROUP BY {month_of('period')}, org_code, staff_group"
        )
        return sql, "a.actual"

    def _cells(self, dataset: str, columns: str, actual_sql: str) -> str:
        return (
            f"SELECT e.m, e.org_code, o.place, o.segment, e.staff_group, {columns} "
            f"FROM (SELECT {month_of('period')} AS m, * FROM {dataset}) e "
            f"JOIN {ORGS} o ON o.org_code = e.org_code "
            f"LEFT JOIN ({actual_sql}) a ON a.m = e.m AND a.org_code = e.org_code "
            "AND a.staff_group = e.staff_group "
            f"LEFT JOIN {SIP_ORGS} c ON c.m = e.m AND c.org_code = e.org_code "
            f"WHERE e.m IN {self.targets(dataset)}"
        )

    @measure.register
    def _gap(self, measure: Gap, metric: Metric) -> str:
        by = self.request.by
        actual_sql, actual = self._actual_cte(measure.actual, measure.dataset)
        planned = f"CAST(e.{measure.planned} AS DOUBLE)"
        gap = f"COALESCE(CAST(e.{measure.reported} AS DOUBLE), {planned} - {actual})"
        cells = self._cells(measure.dataset, f"{planned} AS planned, {gap} AS gap", actual_sql)
        return (
            f"SELECT m{_cols(by)}, SUM(gap) AS numerator, "
            "SUM(CASE WHEN gap IS NOT NULL THEN planned END) AS denominator, "
            f"{_NO_MONTHS} FROM ({cells}) cells GROUP BY m{_cols(by)}"
        )

    @measure.register
    def _plan_comparison(self, measure: PlanComparison, metric: Metric) -> str:
        by = self.request.by
        actual_sql, actual = self._actual_cte(measure.actual, measure.dataset)
        planned = f"CAST(e.{measure.planned} AS DOUBLE)"
        cells = self._cells(
            measure.dataset, f"{planned} AS planned, {actual} AS actual", actual_sql
        )
        return (
            f"SELECT m{_cols(by)}, SUM(actual) AS numerator, SUM(planned) AS denominator, "
            f"{_NO_MONTHS} FROM ({cells}) cells "
            f"WHERE planned IS NOT NULL AND actual IS NOT NULL GROUP BY m{_cols(by)}"
        )


def compile_plan(request: Request) -> Plan:
    """The SQL (DuckDB dialect) for every metric of a request."""
    return Compiler(request).plan()
