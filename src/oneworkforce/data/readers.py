"""Reading partner files (CSV, XLSX, Parquet) into DuckDB as text columns.

Every reader gives the validator the same thing: a SQL source whose columns are the file's
own headings and whose values are text (or NULL), so that one validator types and checks
all three file types alike. Nothing is typed or dropped here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from oneworkforce.data.reference import normalise_token


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, not UTF-8, corrupt)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    file_type: str  # csv, xlsx, parquet
    headings: tuple[str, ...]
    relation_sql: str  # a FROM-clause item giving text columns named by the headings


def sniff_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise UnreadableFile(
        f"{path.name}: files ending {suffix or '(no extension)'} are not accepted; "
        "send CSV (.csv), Excel (.xlsx) or Parquet (.parquet)"
    )


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def open_source(con: duckdb.DuckDBPyConnection, path: Path, *, dataset: str) -> SourceFile:
    """Make ``path`` readable as text columns in ``con`` and return how to select from it."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    file_type = sniff_type(path)
    if file_type == "csv":
        return _open_csv(con, path)
    if file_type == "parquet":
        return _open_parquet(con, path)
    return _open_xlsx(con, path, dataset=dataset)


def _describe(con: duckdb.DuckDBPyConnection, relation_sql: str) -> tuple[str, ...]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()
    return tuple(r[0] for r in rows)


def _open_csv(con: duckdb.DuckDBPyConnection, path: Path) -> SourceFile:
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name}: the file is empty")
    try:
        headings = _csv_headings(path)
        columns = ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in headings)
        relation = (
            f"read_csv({_sql_str(str(path))}, header=true, delim=',', quote='\"', escape='\"', "
            f"auto_detect=false, columns={{{columns}}}, strict_mode=true, null_padding=false)"
        )
        _describe(con, relation)
    except (duckdb.Error, UnicodeDecodeError, ValueError) as exc:
        raise UnreadableFile(f"{path.name}: could not be read as CSV ({_first_line(exc)})") from exc
    return SourceFile(path, "csv", headings, relation)


def _csv_headings(path: Path) -> tuple[str, ...]:
    import csv
    import io

    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if b"\x00" in head:
        raise ValueError("it contains binary data; save it as CSV UTF-8")
    text = (
        head.decode("utf-8-sig", errors="strict")
        if len(head) < (1 << 16)
        else (head.decode("utf-8-sig", errors="ignore"))
    )
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:  # e.g. a line break inside an unquoted heading
        raise ValueError(f"the first line cannot be read as CSV headings: {exc}") from exc
    if not first or not any(h.strip() for h in first):
        raise ValueError("the first line has no headings")
    headings = tuple(h.strip() for h in first)
    seen: set[str] = set()
    for heading in headings:
        if heading in seen:
            raise ValueError(f"two columns have the same heading '{heading}'")
        seen.add(heading)
    return headings


def _open_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> SourceFile:
    source = f"read_parquet({_sql_str(str(path))})"
    try:
        headings = _describe(con, source)
    except duckdb.Error as exc:
        raise UnreadableFile(
            f"{path.name}: could not be read as Parquet ({_first_line(exc)})"
        ) from exc
    casts = ", ".join(f'CAST("{_q(h)}" AS VARCHAR) AS "{_q(h)}"' for h in headings)
    return SourceFile(path, "parquet", headings, f"(SELECT {casts} FROM {source})")


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, *, dataset: str) -> SourceFile:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        wanted = {normalise_token(dataset)}
        chosen = next((n for n in names if normalise_token(n) in wanted), names[0])
        rows = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise UnreadableFile(
            f"{path.name}: could not be read as Excel ({_first_line(exc)})"
        ) from exc
    if not rows:
        raise UnreadableFile(f"{path.name}: sheet '{chosen}' is empty")
    header = [_cell_text(h) or "" for h in rows[0]]
    body = [[_cell_text(v) for v in row] for row in rows[1:]]
    body = [row for row in body if any(v is not None for v in row)]
    # Excel often carries blank trailing columns: drop those with no heading and no values.
    keep = [
        i
        for i, h in enumerate(header)
        if h.strip() or any(i < len(r) and r[i] is not None for r in body)
    ]
    headings = tuple(header[i].strip() or f"column {i + 1}" for i in keep)
    columns = {
        h: pa.array([r[i] if i < len(r) else None for r in body], type=pa.string())
        for h, i in zip(headings, keep, strict=True)
    }
    if len(columns) != len(headings):
        raise UnreadableFile(f"{path.name}: two columns have the same heading")
    name = f"xlsx_{abs(hash(str(path)))}"
    con.register(name, pa.table(columns))
    return SourceFile(path, "xlsx", headings, name)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
