"""Readable table fixtures: the input relations written as text tables.

    staff_in_post = '''
        period  | org_code | person_id | staff_group       | fte
        2024-03 | A        | p1        | nursing_midwifery | 1.0
    '''

Columns may be left out (they take the defaults below); ``-`` or an empty cell is NULL;
periods are written ``YYYY-MM``; a line starting with ``#`` is a comment.
:func:`make_source` loads the tables into a DuckDB connection with the types of the input
contract; :func:`to_parquet` writes them out for the Spark engine.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

SCHEMAS: dict[str, dict[str, str]] = {
    "organisations": {
        "org_code": "VARCHAR",
        "org_name": "VARCHAR",
        "segment": "VARCHAR",
        "place": "VARCHAR",
        "sector": "VARCHAR",
        "partner": "BOOLEAN",
    },
    "staff_in_post": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "person_id": "VARCHAR",
        "assignment_id": "VARCHAR",
        "staff_group": "VARCHAR",
        "band": "VARCHAR",
        "fte": "DOUBLE",
        "contract_type": "VARCHAR",
        "age": "INTEGER",
        "sex": "VARCHAR",
        "ethnic_group": "VARCHAR",
        "disability": "VARCHAR",
        "start_date": "DATE",
        "submission_id": "VARCHAR",
    },
    "sickness_absence": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "staff_group": "VARCHAR",
        "fte_days_lost": "DOUBLE",
        "fte_days_available": "DOUBLE",
        "submission_id": "VARCHAR",
    },
    "nws_staff_in_post": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "staff_group": "VARCHAR",
        "data_type": "VARCHAR",
        "value": "DOUBLE",
        "ics_code": "VARCHAR",
        "submission_id": "VARCHAR",
    },
    "establishment": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "staff_group": "VARCHAR",
        "establishment_fte": "DOUBLE",
        "vacancy_fte": "DOUBLE",
        "submission_id": "VARCHAR",
    },
    "temporary_staffing": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "staff_group": "VARCHAR",
        "bank_fte": "DOUBLE",
        "agency_fte": "DOUBLE",
        "substantive_spend": "DECIMAL(18,2)",
        "bank_spend": "DECIMAL(18,2)",
        "agency_spend": "DECIMAL(18,2)",
        "agency_shifts": "BIGINT",
        "agency_shifts_over_cap": "BIGINT",
        "submission_id": "VARCHAR",
    },
    "workforce_plan": {
        "period": "DATE",
        "org_code": "VARCHAR",
        "staff_group": "VARCHAR",
        "plan_substantive_fte": "DOUBLE",
        "plan_bank_fte": "DOUBLE",
        "plan_agency_fte": "DOUBLE",
        "plan_agency_spend": "DECIMAL(18,2)",
        "submission_id": "VARCHAR",
    },
    "aggregate": {
        "period": "DATE",
        "segment": "VARCHAR",
        "org_code": "VARCHAR",
        "area_code": "VARCHAR",
        "metric": "VARCHAR",
        "value": "DOUBLE",
        "unit": "VARCHAR",
        "numerator": "DOUBLE",
        "denominator": "DOUBLE",
        "basis": "VARCHAR",
        "quality": "VARCHAR",
        "submission_id": "VARCHAR",
    },
}

#: Defaults for columns a fixture leaves out.
DEFAULTS: dict[str, dict[str, Any]] = {
    "organisations": {"sector": "nhs", "partner": True},
    "staff_in_post": {"contract_type": "permanent", "fte": 1.0},
    "temporary_staffing": {
        "bank_fte": 0.0,
        "agency_fte": 0.0,
        "substantive_spend": Decimal(0),
        "bank_spend": Decimal(0),
        "agency_spend": Decimal(0),
    },
    "aggregate": {"quality": "actual"},
}


def _value(kind: str, text: str) -> Any:
    if text in ("", "-"):
        return None
    if kind == "DATE":
        parts = [int(p) for p in text.split("-")]
        return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    if kind == "DOUBLE":
        return float(text)
    if kind.startswith("DECIMAL"):
        return Decimal(text)
    if kind in ("INTEGER", "BIGINT"):
        return int(text)
    if kind == "BOOLEAN":
        return text.lower() in ("true", "yes", "y", "1")
    return text


def parse(table: str, text: str) -> list[dict[str, Any]]:
    """The rows of a text table, typed (columns left out are filled in by :func:`load`)."""
    schema = SCHEMAS[table]
    lines = [ln.strip() for ln in text.strip().splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    header = [h.strip() for h in lines[0].split("|")]
    unknown = set(header) - set(schema)
    if unknown:
        raise ValueError(f"{table} has no column {sorted(unknown)}")
    rows = []
    for line in lines[1:]:
        cells = [c.strip() for c in line.split("|")]
        if len(cells) != len(header):
            raise ValueError(f"{table}: {line!r} has {len(cells)} cells, not {len(header)}")
        rows.append({h: _value(schema[h], c) for h, c in zip(header, cells, strict=True)})
    return rows


def make_source(**tables: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding every input relation (empty where no table is given)."""
    return load({name: parse(name, text) for name, text in tables.items()})


def complete(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with every column of its table, defaults and a submission id filled in."""
    full = {name: None for name in SCHEMAS[table]}
    full.update(DEFAULTS.get(table, {}))
    full.update(row)
    if table == "organisations":
        full["org_name"] = full["org_name"] or full["org_code"]
    elif full["submission_id"] is None:
        where = full["org_code"] or full.get("area_code")
        full["submission_id"] = f"{table}:{where}:{full['period']:%Y-%m}"
    return full


def load(tables: dict[str, list[dict[str, Any]]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding rows given as dicts (missing columns take defaults)."""
    unknown = set(tables) - set(SCHEMAS)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    con = duckdb.connect()
    for table, schema in SCHEMAS.items():
        columns = ", ".join(f"{name} {kind}" for name, kind in schema.items())
        con.execute(f"CREATE TABLE {table} ({columns})")
        rows = [complete(table, row) for row in tables.get(table, [])]
        if rows:
            marks = ", ".join("?" for _ in schema)
            con.executemany(
                f"INSERT INTO {table} VALUES ({marks})",
                [[row[name] for name in schema] for row in rows],
            )
    return con


def to_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Each relation as a Parquet file, for the Spark engine to read."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table in SCHEMAS:
        path = folder / f"{table}.parquet"
        con.execute(f"COPY {table} TO '{path}' (FORMAT PARQUET)")
        paths[table] = path
    return paths
