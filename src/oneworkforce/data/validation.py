"""Validation of a submitted file, compiled to SQL from the dataset's definition.

The file is read once into a typed table with one ``_bad`` flag per row; a clean file goes
straight on to the lake. Only when something is wrong is the file read again, row-numbered,
to say which row, column, value and rule -- so the common case stays fast and the error
report stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa

from oneworkforce.data.errors import MAX_LISTED, ValidationError, ValidationReport
from oneworkforce.data.headings import HeadingMap
from oneworkforce.data.readers import SourceFile
from oneworkforce.data.reference import (
    TOTAL_STAFF_GROUP,
    aggregate_metric_codes,
    normalise_token,
    vocabulary,
)
from oneworkforce.data.schemas import SQL_TYPES, SUPPRESSIBLE_DATASETS, Column, Dataset

PERIOD_FORMATS = (
    "%Y-%m",
    "%b-%y",
    "%B %Y",
    "%b %Y",
    "%B-%y",
    "%b-%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y",
    "%m/%Y",
)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
TRUE_FALSE = (
    ("true", "true"),
    ("yes", "true"),
    ("y", "true"),
    ("1", "true"),
    ("t", "true"),
    ("false", "false"),
    ("no", "false"),
    ("n", "false"),
    ("0", "false"),
    ("f", "false"),
)
VOCABULARY_NOUNS = {
    "staff_group": "staff group",
    "published_staff_group": "staff group (or published sub-total)",
    "band": "band",
    "segment": "segment",
    "aggregate_metric": "metric code",
}
MAX_TEXT = 200
#: How published files mark a suppressed cell (a blank cell too).
SUPPRESSION_MARKERS = ("", "*", "-", "..")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _normalised(expr: str) -> str:
    """SQL twin of ``reference.normalise_token``."""
    lowered = f"lower({expr})"
    for old, new in (("&", " and "), ("%", " percent "), ("£", " pounds ")):
        lowered = f"replace({lowered}, {_lit(old)}, {_lit(new)})"
    return f"trim(regexp_replace({lowered}, '[^0-9a-z]+', '_', 'g'), '_')"


def _number(raw: str) -> str:
    """Text to DOUBLE; accepts thousands separators (1,234.5) but not decimal commas (1,5)."""
    thousands = r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"
    return (
        f"coalesce(TRY_CAST({raw} AS DOUBLE), CASE WHEN regexp_full_match({raw}, "
        f"{_lit(thousands)}) THEN TRY_CAST(replace({raw}, ',', '') AS DOUBLE) END)"
    )


@dataclass(frozen=True)
class Check:
    rule: str
    column: str | None
    broken_when: str
    message: str
    row_level: bool = False  # involves other columns (rules between columns)


def _range_words(column: Column) -> str:
    parts = []
    if column.minimum is not None:
        parts.append(
            f"{'greater than' if column.exclusive_minimum else 'at least'} {column.minimum:g}"
        )
    if column.maximum is not None:
        parts.append(f"at most {column.maximum:g}")
    return " and ".join(parts)


def alias_rows(column: Column) -> list[tuple[str, str]]:
    """(normalised spelling, value) pairs for a coded column."""
    if column.kind == "boolean":
        return [(normalise_token(a), v) for a, v in TRUE_FALSE]
    if column.kind == "enum":
        pairs = [(v, v) for v in column.values] + list(column.value_synonyms)
        return [(normalise_token(a), v) for a, v in pairs]
    if column.vocabulary == "aggregate_metric":
        return [(normalise_token(m), m) for m in aggregate_metric_codes()]
    assert column.vocabulary is not None
    return list(vocabulary(column.vocabulary).aliases.items())


def peer_file(dataset: Dataset) -> Dataset:
    """The dataset as read from a national file: any well-formed organisation code."""
    columns = tuple(replace(c, kind="code") if c.kind == "org_code" else c for c in dataset.columns)
    return replace(dataset, columns=columns, _by_name={})


class CompiledDataset:
    """The SQL that types and checks one dataset, given the headings a file used."""

    def __init__(self, dataset: Dataset, headings: HeadingMap):
        if dataset.peers_from and all(headings.heading(c) for c in dataset.peers_from):
            # a national file: organisations outside the register are its peers, so the
            # organisation code is checked as a code, not against the register
            dataset = peer_file(dataset)
        self.dataset = dataset
        self.headings = headings
        self.present = [c for c in dataset.columns if headings.heading(c.name) is not None]
        self.joins: list[str] = []
        self.typed: dict[str, str] = {}
        self.checks: list[Check] = []
        # helper expressions over the raw text, selected beside the typed columns for checks
        # (never stored): e.g. how many decimal places a figure was written with
        self.extras: dict[str, str] = {}
        for column in dataset.columns:
            self._compile_column(column)
        self._compile_rules()

    # -- per column ---------------------------------------------------------------------------
    def _raw(self, column: Column) -> str:
        if column.suppressible:
            markers = ", ".join(_lit(m) for m in SUPPRESSION_MARKERS)
            trimmed = f"TRIM(src.{_q(column.name)})"
            return f"CASE WHEN {trimmed} IN ({markers}) THEN NULL ELSE {trimmed} END"
        return f"NULLIF(TRIM(src.{_q(column.name)}), '')"

    def _compile_column(self, column: Column) -> None:
        raw = self._raw(column)
        name = column.name
        kind = column.kind
        if kind == "month":
            typed = (
                f"CAST(date_trunc('month', try_strptime({raw}, {_list(PERIOD_FORMATS)})) AS DATE)"
            )
        elif kind == "org_code":
            self.joins.append(
                f"LEFT JOIN ref_organisations AS j_{name} ON j_{name}.org_code = upper({raw})"
            )
            typed = f"j_{name}.org_code"
        elif kind == "code":
            typed = f"upper({raw})"
        elif kind in ("vocab", "enum", "boolean"):
            self.joins.append(
                f"LEFT JOIN vocab_{name} AS j_{name} ON j_{name}.alias = {_normalised(raw)}"
            )
            typed = f"j_{name}.code"
            if kind == "boolean":
                typed = f"CAST({typed} AS BOOLEAN)"
        elif kind == "decimal":
            typed = _number(raw)
        elif kind == "money":
            pounds = f"trim(replace({raw}, '£', ''))"
            typed = f"CAST({_number(pounds)} AS DECIMAL(18, 2))"
        elif kind == "integer":
            number = _number(raw)
            typed = (
                f"CASE WHEN {number} = floor({number}) AND abs({number}) < 1e15 "
                f"THEN CAST({number} AS BIGINT) END"
            )
        elif kind == "date":
            # ISO dates cast directly; other spellings only when that fails (coalesce is lazy)
            typed = (
                f"coalesce(TRY_CAST({raw} AS DATE), "
                f"CAST(try_strptime({raw}, {_list(DATE_FORMATS)}) AS DATE))"
            )
        else:  # text
            typed = raw
        if column.default is not None:
            typed = f"CASE WHEN {raw} IS NULL THEN {_lit(column.default)} ELSE {typed} END"
            if kind == "boolean":
                typed = f"CAST({typed} AS BOOLEAN)"
        self.typed[name] = typed
        self._column_checks(column)

    def _column_checks(self, column: Column) -> None:
        name, kind, q = column.name, column.kind, _q(column.name)
        null = _q(f"__null_{name}")
        if (
            column.required
            and column.default is None
            and not column.suppressible
            and name not in self.dataset.exactly_one_of
        ):
            if column.blank_if:
                self.checks.append(
                    Check(
                        "missing_value",
                        name,
                        f"({null} AND NOT coalesce(({column.blank_if}), FALSE))",
                        f"a value is required here ({column.blank_meaning})",
                        row_level=True,
                    )
                )
            else:
                self.checks.append(Check("missing_value", name, null, "a value is required here"))
        bad = f"(NOT {null} AND {q} IS NULL)"
        if kind == "month":
            self.checks.append(
                Check(
                    "bad_period",
                    name,
                    bad,
                    "is not a month: write months as YYYY-MM (for example 2024-03); "
                    "Mar-24, March 2024 and 2024-03-31 are also accepted",
                )
            )
            self.checks.append(
                Check(
                    "period_out_of_range",
                    name,
                    f"(year({q}) < 2000 OR year({q}) > 2100)",
                    "is not a plausible month (years 2000 to 2100)",
                )
            )
        elif kind == "org_code":
            self.checks.append(
                Check(
                    "unknown_organisation",
                    name,
                    bad,
                    "is not an organisation in the ICS register; check the ODS code, or load the "
                    "ICS's own register with 'oneworkforce import organisations FILE'",
                )
            )
        elif kind == "code":
            self.checks.append(
                Check(
                    "bad_code",
                    name,
                    f"(NOT regexp_full_match({q}, '[A-Z0-9][A-Z0-9_-]{{0,15}}'))",
                    "is not a valid code (letters and digits, up to 16 characters)",
                )
            )
        elif kind in ("vocab", "enum", "boolean"):
            if kind == "enum":
                expected = ", ".join(column.values)
                noun = f"one of the allowed values for {name}"
            elif kind == "boolean":
                expected, noun = "true, false, yes, no", "true or false"
            else:
                assert column.vocabulary is not None
                expected = ", ".join(_vocabulary_codes(column.vocabulary))
                noun = f"a known {VOCABULARY_NOUNS[column.vocabulary]}"
            self.checks.append(
                Check("unknown_code", name, bad, f"is not {noun}; expected one of: {expected}")
            )
        elif kind in ("decimal", "money", "integer"):
            if kind == "integer":
                self.checks.append(Check("not_a_whole_number", name, bad, "is not a whole number"))
            else:
                self.checks.append(
                    Check(
                        "not_a_number",
                        name,
                        f"({bad} OR NOT isfinite(CAST({q} AS DOUBLE)))",
                        "is not a number (write numbers like 1234.5, with a full stop for decimals "
                        "and no text such as 'n/a')",
                    )
                )
            bounds = []
            if column.minimum is not None:
                op = "<=" if column.exclusive_minimum else "<"
                bounds.append(f"{q} {op} {column.minimum!r}")
            if column.maximum is not None:
                bounds.append(f"{q} > {column.maximum!r}")
            if bounds:
                self.checks.append(
                    Check(
                        "out_of_range",
                        name,
                        f"(isfinite(CAST({q} AS DOUBLE)) AND (" + " OR ".join(bounds) + "))",
                        f"must be {_range_words(column)}",
                    )
                )
        elif kind == "date":
            self.checks.append(
                Check(
                    "bad_date",
                    name,
                    bad,
                    "is not a date: write dates as YYYY-MM-DD (for example 2024-03-31) "
                    "or DD/MM/YYYY",
                )
            )
        else:
            self.checks.append(
                Check(
                    "text_too_long",
                    name,
                    f"(length({q}) > {MAX_TEXT})",
                    f"is longer than {MAX_TEXT} characters",
                )
            )

    # -- rules between columns -----------------------------------------------------------------
    def _compile_rules(self) -> None:
        ds = self.dataset
        if "staff_group" in ds.column_names and not any(c.suppressible for c in ds.columns):
            self.checks.append(
                Check(
                    "total_not_accepted",
                    "staff_group",
                    f"(staff_group = {_lit(TOTAL_STAFF_GROUP)})",
                    f"is an organisation total; {ds.name} rows are by staff group (published "
                    "totals are read in " + ", ".join(SUPPRESSIBLE_DATASETS) + ")",
                )
            )
        for rule in ds.rules:
            self.checks.append(
                Check(
                    rule.code,
                    rule.columns[0],
                    f"({rule.broken_when})",
                    rule.message,
                    row_level=True,
                )
            )
        if ds.exactly_one_of:
            cols = ds.exactly_one_of
            nulls = [f"{_q(c)} IS NULL AND {_q('__null_' + c)}" for c in cols]
            present = [f"NOT {_q('__null_' + c)}" for c in cols]
            self.checks.append(
                Check(
                    "one_of_required",
                    None,
                    f"(({' AND '.join(nulls)}) OR ({' AND '.join(present)}))",
                    "give exactly one of " + " or ".join(cols),
                    row_level=True,
                )
            )
        if ds.at_least_one_of:
            all_null = " AND ".join(_q("__null_" + c) for c in ds.at_least_one_of)
            self.checks.append(
                Check(
                    "no_figures",
                    None,
                    f"({all_null})",
                    "the row has none of " + ", ".join(ds.at_least_one_of),
                    row_level=True,
                )
            )
        if ds.name == "aggregate":
            allowed = " OR ".join(
                f"(metric = {_lit(m)} AND unit IN ({', '.join(_lit(u) for u in units)}))"
                for m, units in aggregate_metric_codes().items()
            )
            self.checks.append(
                Check(
                    "unit_not_allowed",
                    "unit",
                    f"(metric IS NOT NULL AND unit IS NOT NULL AND NOT ({allowed}))",
                    "is not a unit this metric can be reported in",
                    row_level=True,
                )
            )
            self._compile_rate_checks()

    def _compile_rate_checks(self) -> None:
        """A percentage or fraction given with its numerator and denominator must agree with
        them to the rounding of its own decimal places (issue 11): 5.7 stands for 5.65 to
        5.75. A figure that matches as the other unit (0.057 against a percentage of 5.7) is
        named as such, so the sender knows which to fix."""
        raw = self._raw(self.dataset.column("value"))
        self.extras["__places_value"] = (
            f"CASE WHEN strpos({raw}, '.') > 0 "
            f"THEN length(regexp_extract({raw}, '\\.([0-9]*)', 1)) ELSE 0 END"
        )
        ratio = "(numerator / denominator)"
        given = "unit IN ('percent', 'fraction') AND numerator IS NOT NULL AND denominator > 0"
        # half a unit of the last decimal place, plus a hair for binary floating point
        tolerance = "(0.5 * pow(10, -__places_value) + 1e-9 * greatest(1, abs(value)))"
        as_stated = f"(CASE WHEN unit = 'percent' THEN 100 * {ratio} ELSE {ratio} END)"
        as_other = f"(CASE WHEN unit = 'percent' THEN {ratio} ELSE 100 * {ratio} END)"
        agrees = f"(abs(value - {as_stated}) <= {tolerance})"
        other = f"(abs(value - {as_other}) <= {tolerance})"
        self.checks += [
            Check(
                "percent_given_as_fraction",
                "value",
                f"({given} AND unit = 'percent' AND NOT {agrees} AND {other})",
                "looks like a fraction, not a percentage: it equals numerator / denominator; "
                "give it multiplied by 100, or set the unit to fraction",
                row_level=True,
            ),
            Check(
                "fraction_given_as_percent",
                "value",
                f"({given} AND unit = 'fraction' AND NOT {agrees} AND {other})",
                "looks like a percentage, not a fraction: it equals 100 x numerator / "
                "denominator; divide it by 100, or set the unit to percent",
                row_level=True,
            ),
            Check(
                "value_disagrees_with_counts",
                "value",
                f"({given} AND NOT {agrees} AND NOT {other})",
                "disagrees with numerator / denominator by more than the rounding of its "
                "decimal places (as a percentage, 100 x numerator / denominator)",
                row_level=True,
            ),
        ]

    # -- SQL ----------------------------------------------------------------------------------
    def source_sql(self, relation_sql: str, numbered: bool) -> str:
        cols = []
        for column in self.dataset.columns:
            heading = self.headings.heading(column.name)
            expr = _q(heading) if heading is not None else "CAST(NULL AS VARCHAR)"
            cols.append(f"{expr} AS {_q(column.name)}")
        if numbered:
            cols.insert(0, "row_number() OVER () + 1 AS __row")
        return f"SELECT {', '.join(cols)} FROM {relation_sql}"

    def typed_sql(self, relation_sql: str, *, numbered: bool = False) -> str:
        """Every row typed and checked, one flag column per check (the exact, slow path)."""
        select = [f"{expr} AS {_q(name)}" for name, expr in self.typed.items()]
        select += [
            f"({self._raw(c)} IS NULL) AS {_q('__null_' + c.name)}" for c in self.dataset.columns
        ]
        select += [f"{expr} AS {_q(name)}" for name, expr in self.extras.items()]
        if numbered:
            select.insert(0, "src.__row")
            select += [f"src.{_q(c.name)} AS {_q('__raw_' + c.name)}" for c in self.dataset.columns]
        typed = (
            f"SELECT {', '.join(select)} FROM ({self.source_sql(relation_sql, numbered)}) "
            f"AS src {' '.join(self.joins)}"
        )
        conditions = [f"coalesce({c.broken_when}, false)" for c in self.checks]
        flags = ", ".join(f"{cond} AS __check_{i}" for i, cond in enumerate(conditions))
        if numbered:
            return f"SELECT *, {flags} FROM ({typed}) AS t"
        return f"SELECT *, ({' OR '.join(conditions)}) AS _bad FROM ({typed}) AS t"

    # -- the fast path: type each distinct value once ---------------------------------------
    @property
    def dictionary_columns(self) -> list[Column]:
        """Columns with few distinct values (months, codes, dates...), typed per value."""
        return [c for c in self.present if c.kind in DICTIONARY_KINDS]

    def distinct_sql(self, relation_sql: str) -> str:
        lists = ", ".join(
            f"list(DISTINCT src.{_q(c.name)}) AS {_q(c.name)}" for c in self.dictionary_columns
        )
        return f"SELECT {lists} FROM ({self.source_sql(relation_sql, False)}) AS src"

    def map_sql(self, column: Column, distinct_table: str) -> str:
        """One row per distinct raw value: its typed value and whether it breaks a check."""
        name = _q(column.name)
        own = [c for c in self.checks if self._checked_in_map(c, {column.name})]
        prefix = f"LEFT JOIN {_join_table(column)} AS j_{column.name} "
        own_join = " ".join(j for j in self.joins if j.startswith(prefix))
        typed = (
            f"SELECT src.{name} AS __key, {self.typed[column.name]} AS {name}, "
            f"({self._raw(column)} IS NULL) AS {_q('__null_' + column.name)} "
            f"FROM (SELECT unnest({name}) AS {name} FROM {distinct_table}) AS src "
            f"{own_join}"
        )
        bad = " OR ".join(f"coalesce({c.broken_when}, false)" for c in own) or "false"
        return (
            f"SELECT __key, {name}, {_q('__null_' + column.name)}, ({bad}) AS __bad FROM ({typed})"
        )

    @staticmethod
    def _checked_in_map(check: Check, mapped: set[str]) -> bool:
        return check.column in mapped and not check.row_level and check.rule != "missing_value"

    def fast_sql(self, relation_sql: str, submission_id: str) -> str:
        """Typed rows with their stored columns and one ``_bad`` flag, for a streaming COPY."""
        mapped = {c.name for c in self.dictionary_columns}
        select, nulls, joins = [], [], []
        for column in self.dataset.columns:
            name = column.name
            if name in mapped:
                joins.append(
                    f"LEFT JOIN __map_{name} AS m_{name} ON m_{name}.__key = src.{_q(name)}"
                )
                select.append(f"m_{name}.{_q(name)} AS {_q(name)}")
                nulls.append(
                    f"coalesce(m_{name}.{_q('__null_' + name)}, true) AS {_q('__null_' + name)}"
                )
            else:
                select.append(f"{self.typed[name]} AS {_q(name)}")
                nulls.append(f"({self._raw(column)} IS NULL) AS {_q('__null_' + name)}")
        map_bad = [f"coalesce(m_{n}.__bad, false)" for n in mapped]
        other = [
            f"coalesce({c.broken_when}, false)"
            for c in self.checks
            if not self._checked_in_map(c, mapped)
        ]
        extras = [f"{expr} AS {_q(name)}" for name, expr in self.extras.items()]
        typed = (
            f"SELECT {', '.join(select + nulls + extras)}, "
            f"({' OR '.join(map_bad) or 'false'}) AS __mapbad "
            f"FROM ({self.source_sql(relation_sql, False)}) AS src "
            f"{' '.join(joins)} {' '.join(j for j in self.joins if not _is_mapped_join(j, mapped))}"
        )
        stored = ", ".join(
            f"CAST({_q(n)} AS {SQL_TYPES[self.dataset.column(n).kind]}) AS {_q(n)}"
            for n in self.dataset.column_names
        )
        bad = " OR ".join(["__mapbad", *other])
        return (
            f"SELECT {stored}, {_lit(submission_id)} AS submission_id, ({bad}) AS _bad "
            f"FROM ({typed}) AS t"
        )


#: Kinds typed once per distinct value. Dates are not among them: they have thousands of
#: distinct values, and an ISO date casts faster than a join finds it.
DICTIONARY_KINDS = ("month", "org_code", "code", "vocab", "enum", "boolean", "integer")


def _join_table(column: Column) -> str:
    return "ref_organisations" if column.kind == "org_code" else f"vocab_{column.name}"


def _is_mapped_join(join: str, mapped: set[str]) -> bool:
    return any(f" AS j_{name} " in join for name in mapped)


def _vocabulary_codes(name: str) -> tuple[str, ...]:
    if name == "aggregate_metric":
        return tuple(aggregate_metric_codes())
    return vocabulary(name).codes


def install_reference_tables(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, org_codes: list[str]
) -> None:
    """The register's organisation codes and each coded column's spellings, as the temporary
    tables the checks join to (each filled from one Arrow table: row by row, the inserts took
    a tenth of a second of every import)."""
    con.execute("CREATE OR REPLACE TEMP TABLE ref_organisations (org_code VARCHAR PRIMARY KEY)")
    _insert(con, "ref_organisations", {"org_code": org_codes})
    for column in dataset.columns:
        if column.kind in ("vocab", "enum", "boolean"):
            table = f"vocab_{column.name}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (alias VARCHAR, code VARCHAR)")
            rows = dict(alias_rows(column))  # one code per spelling
            _insert(con, table, {"alias": list(rows), "code": list(rows.values())})


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[str]]) -> None:
    """Insert text ``columns`` (of equal length) into ``table``, by name."""
    rows = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    if not rows.num_rows:
        return
    con.register("__reference_rows", rows)
    try:
        names = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM __reference_rows")
    finally:
        con.unregister("__reference_rows")


def describe_errors(
    con: duckdb.DuckDBPyConnection, compiled: CompiledDataset, source: SourceFile, file_label: str
) -> ValidationReport:
    """Second, row-numbered pass: which rows, columns, values and rules, in row order."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE checked AS "
        + compiled.typed_sql(source.relation_sql, numbered=True)
    )
    checks = compiled.checks
    count_sql = ", ".join(f"count_if(__check_{i})" for i in range(len(checks)))
    counts_row = con.execute(f"SELECT {count_sql} FROM checked").fetchone() or ()
    counts: dict[str, int] = {}
    for check, n in zip(checks, counts_row, strict=True):
        if n:
            counts[check.rule] = counts.get(check.rule, 0) + int(n)
    errors: list[ValidationError] = []
    if counts:
        any_flag = " OR ".join(f"__check_{i}" for i in range(len(checks)))
        flag_cols = ", ".join(f"__check_{i}" for i in range(len(checks)))
        raw_cols = ", ".join(_q("__raw_" + c.name) for c in compiled.dataset.columns)
        rows = con.execute(
            f"SELECT __row, {flag_cols}, {raw_cols} FROM checked "
            f"WHERE {any_flag} ORDER BY __row LIMIT {MAX_LISTED}"
        ).fetchall()
        names = [c.name for c in compiled.dataset.columns]
        for row in rows:
            raw = dict(zip(names, row[1 + len(checks) :], strict=True))
            for i, check in enumerate(checks):
                if row[1 + i]:
                    heading = compiled.headings.heading(check.column) if check.column else None
                    value = raw.get(check.column) if check.column else None
                    errors.append(
                        ValidationError(
                            file_label,
                            int(row[0]),
                            heading or check.column,
                            value,
                            check.rule,
                            check.message,
                        )
                    )
    errors += _duplicate_errors(con, compiled, file_label, counts)
    total = sum(counts.values())
    errors.sort(key=lambda e: e.row or 0)
    return ValidationReport.from_errors(errors[:MAX_LISTED], total=total, counts=counts)


def _duplicate_errors(
    con: duckdb.DuckDBPyConnection,
    compiled: CompiledDataset,
    file_label: str,
    counts: dict[str, int],
) -> list[ValidationError]:
    ds = compiled.dataset
    key = ", ".join(_q(k) for k in ds.key)
    usable = (
        " AND ".join(
            f"NOT __check_{i}"
            for i, c in enumerate(compiled.checks)
            if c.column in ds.key or c.column is None
        )
        or "true"
    )
    sql = (
        f"SELECT __row, rows FROM (SELECT __row, count(*) OVER w AS n, "
        f"list(__row) OVER w AS rows FROM checked WHERE {usable} "
        f"WINDOW w AS (PARTITION BY {key})) WHERE n > 1 ORDER BY __row"
    )
    found = con.execute(sql).fetchall()
    if not found:
        return []
    counts["duplicate_row"] = len(found)
    rule = (
        "duplicate_person_assignment"
        if ds.person_level and ds.name == "staff_in_post"
        else "duplicate_row"
    )
    if rule != "duplicate_row":
        counts[rule] = counts.pop("duplicate_row")
    out = []
    for row_no, rows in found[:MAX_LISTED]:
        others = sorted(r for r in rows if r != row_no)
        out.append(
            ValidationError(
                file_label,
                int(row_no),
                None,
                None,
                rule,
                f"{ds.key_message} (also at row {', '.join(str(r) for r in others[:5])}"
                f"{' and more' if len(others) > 5 else ''})",
            )
        )
    return out


def count_duplicates(con: duckdb.DuckDBPyConnection, dataset: Dataset, table: str) -> int:
    key = ", ".join(_q(k) for k in dataset.key)
    row = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()
    return int(row[0]) if row else 0
