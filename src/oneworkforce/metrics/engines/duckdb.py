"""The default engine: the compiled plan on DuckDB.

The source is a DuckDB connection in which the datasets exist as tables or views
(``staff_in_post``, ``sickness_absence``, ..., ``organisations``), or the path of a DuckDB
database file holding them. Shared steps become temporary tables, dropped afterwards.
"""

from __future__ import annotations

from os import PathLike
from typing import Any

import duckdb

from oneworkforce.metrics.engines.base import Database, SqlEngine


class DuckDBDatabase(Database):
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    def materialise(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def fetch_dicts(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def drop(self, name: str) -> None:
        self.connection.execute(f"DROP TABLE IF EXISTS {name}")


class DuckDBEngine(SqlEngine):
    name = "duckdb"
    dialect = "duckdb"

    def database(self, source: Any) -> Database:
        if isinstance(source, str | PathLike):
            source = duckdb.connect(str(source), read_only=True)
        if not isinstance(source, duckdb.DuckDBPyConnection):
            raise TypeError("the DuckDB engine reads a DuckDB connection or database path")
        return DuckDBDatabase(source)
