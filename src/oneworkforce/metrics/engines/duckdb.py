"""The default engine: the compiled plan on DuckDB.

The source is a DuckDB connection in which the datasets exist as tables or views
(``staff_in_post``, ``sickness_absence``, ..., ``organisations``), or the path of a DuckDB
database file holding them. Shared steps become temporary tables, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import Any

import duckdb

from oneworkforce.metrics.compiler import COLUMNS_AFTER_DIMS, Query
from oneworkforce.metrics.engines.base import Database, SqlEngine

#: metric queries run as one statement: each is small, and DuckDB spends more of its time
#: parsing, binding and planning one than running it (a temporary staffing query: ~8 ms, of
#: which under 1 ms running), so a union costs about half what they cost one by one
QUERIES_PER_STATEMENT = 24
_TAG = "owm_query"


class DuckDBDatabase(Database):
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    def materialise(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def fetch_queries(self, queries: Sequence[Query]) -> list[list[tuple[Any, ...]]]:
        """Every metric query's rows, up to :data:`QUERIES_PER_STATEMENT` queries a statement:
        unioned by column name (a column a query lacks is NULL), each row tagged with its
        query and given back in that query's own shape, with ``suppressed`` last."""
        answers: list[list[tuple[Any, ...]]] = [[] for _ in queries]
        for start in range(0, len(queries), QUERIES_PER_STATEMENT):
            chunk = range(start, min(start + QUERIES_PER_STATEMENT, len(queries)))
            sql = " UNION ALL BY NAME ".join(
                f"SELECT {i} AS {_TAG}, * FROM ({queries[i].sql})" for i in chunk
            )
            cursor = self.connection.execute(sql)
            position = {d[0]: k for k, d in enumerate(cursor.description or ())}
            shapes = {
                i: [
                    position.get(c)
                    for c in ("m", "g", *queries[i].columns, *COLUMNS_AFTER_DIMS, "suppressed")
                ]
                for i in chunk
            }
            for row in cursor.fetchall():
                answers[row[0]].append(tuple(None if k is None else row[k] for k in shapes[row[0]]))
        return answers

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
