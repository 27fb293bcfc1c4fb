"""``oneworkforce metrics`` and ``oneworkforce catalogue``."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum

import typer
from rich.table import Table

from oneworkforce import spreadsheets
from oneworkforce.cli.common import fail, open_stores, out, print_json


class MetricsFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class CatalogueFormat(StrEnum):
    table = "table"
    json = "json"


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def register(app: typer.Typer) -> None:
    app.command(name="metrics", help="Compute catalogue metrics from the current data.")(metrics)
    app.command(name="catalogue", help="List the metric catalogue.")(catalogue)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def metrics(
    metric: str = typer.Option(
        None, "--metric", help="metric code(s), comma-separated; default: the whole catalogue"
    ),
    period: str = typer.Option(None, "--period", help="one month, YYYY-MM"),
    from_: str = typer.Option(None, "--from", help="first month, YYYY-MM (with --to)"),
    to: str = typer.Option(None, "--to", help="last month, YYYY-MM (with --from)"),
    by: str = typer.Option(
        None,
        "--by",
        help="dimension(s), comma-separated: system, place, segment, org_code, staff_group, band",
    ),
    engine: EngineName = typer.Option(EngineName.duckdb, "--engine", help="duckdb or spark"),
    fmt: MetricsFormat = typer.Option(MetricsFormat.table, "--format", help="table, csv or json"),
) -> None:
    from oneworkforce.metrics import CATALOGUE, compute, month_range

    codes = _split(metric)
    unknown = [c for c in codes or [] if c not in CATALOGUE]
    if unknown:
        fail(f"unknown metric '{unknown[0]}'; 'oneworkforce catalogue' lists them")
    if period and (from_ or to):
        fail("give --period, or --from and --to, not both")
    if bool(from_) != bool(to):
        fail("--from and --to go together")
    try:
        periods = [period] if period else (month_range(from_, to) if from_ else None)
        if periods:
            month_range(periods[0], periods[-1])  # checks the spelling
    except ValueError as exc:
        fail(str(exc))
    dims = [d for d in _split(by) or [] if d != "system"]
    home = open_stores()
    from oneworkforce.data.lake import Lake, register_spark_views

    lake = Lake(home)
    try:
        if engine is EngineName.spark:
            try:
                from oneworkforce.metrics.engines import spark as spark_engine
            except ImportError:
                fail("the Spark engine needs PySpark: pip install 'oneworkforce[spark]'")
            from oneworkforce.metrics.compiler import read_window

            session = spark_engine.session()
            register_spark_views(lake, session, read_window(periods))
            results = compute(session, codes, periods, dims, engine="spark")
        else:
            con = lake.connect()
            try:
                results = compute(con, codes, periods, dims, engine="duckdb")
            finally:
                con.close()
    except ValueError as exc:
        fail(str(exc))
    rows = [r.to_dict() for r in results]
    if fmt is MetricsFormat.json:
        print_json(rows)
    elif fmt is MetricsFormat.csv:
        _csv(rows, dims)
    else:
        _table(rows, dims)


def _columns(rows: list[dict], dims: list[str]) -> list[str]:
    from oneworkforce.metrics.results import LEADING_FIELDS, OPTIONAL_FIELDS, VALUE_FIELDS

    fixed = {*LEADING_FIELDS, *VALUE_FIELDS, *OPTIONAL_FIELDS}
    keys = list(dict.fromkeys([*dims, *(k for r in rows for k in r if k not in fixed)]))
    return [*LEADING_FIELDS, *keys, *VALUE_FIELDS]


def _csv(rows: list[dict], dims: list[str]) -> None:
    columns = _columns(rows, dims)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(spreadsheets.csv_row(columns))
    for r in rows:
        writer.writerow(
            spreadsheets.csv_row(
                ";".join(r.get(c) or []) if c == "sources" else r.get(c) for c in columns
            )
        )


def _shown(row: dict) -> str:
    value = row["value"]
    if value is None:
        return "-"
    if row["unit"] in ("fraction", "rate", "percent", "proportion"):
        return f"{value * 100:.1f}%"
    if row["unit"] in ("pounds", "gbp"):
        return f"£{value:,.0f}"
    return f"{value:,.2f}"


def _table(rows: list[dict], dims: list[str]) -> None:
    columns = [c for c in _columns(rows, dims) if c not in ("sources", "basis", "unit")]
    if any(r.get("note") for r in rows):  # where a figure comes from, when it says
        columns.append("note")
    table = Table(title=f"{len(rows)} result(s)")
    for c in columns:
        table.add_column(
            c, justify="right" if c in ("value", "numerator", "denominator") else "left"
        )
    for r in rows:
        table.add_row(
            *[
                _shown(r)
                if c == "value"
                else (
                    ""
                    if r.get(c) is None
                    else (f"{r[c]:,.2f}" if isinstance(r[c], float) else str(r[c]))
                )
                for c in columns
            ]
        )
    out.print(table)


def catalogue(
    fmt: CatalogueFormat = typer.Option(CatalogueFormat.table, "--format", help="table or json"),
) -> None:
    from oneworkforce.metrics import CATALOGUE

    if fmt is CatalogueFormat.json:
        print_json(CATALOGUE.to_list())
        return
    table = Table(title="Metric catalogue")
    for heading in ("code", "title", "unit", "window", "basis", "better when", "source"):
        table.add_column(heading)
    for m in CATALOGUE:
        source = getattr(m, "source", None)
        table.add_row(
            m.code,
            m.title,
            m.unit,
            m.window,
            m.basis,
            m.improvement,
            getattr(source, "title", "") if source else "",
        )
    out.print(table)
