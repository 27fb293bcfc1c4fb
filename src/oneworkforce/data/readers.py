"""Reading partner files (CSV, XLSX, Parquet) into DuckDB as text columns.

Every reader gives the validator the same thing: a SQL source whose columns are the file's
own headings and whose values are text (or NULL), so that one validator types and checks
all three file types alike. Nothing is typed or dropped here.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

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


#: The headings line of a CSV may be this long; it is read whole, however many buffers that
#: takes, so a long heading is reported as written (DuckDB's own line limit is 2 MB).
CSV_HEADINGS_MAX_BYTES: Final = 1 << 20


def _csv_headings(path: Path) -> tuple[str, ...]:
    import csv
    import io

    with path.open("rb") as fh:
        head = fh.read(CSV_HEADINGS_MAX_BYTES + 1)
    if b"\x00" in head:
        raise ValueError("it contains binary data; save it as CSV UTF-8")
    whole_file = len(head) <= CSV_HEADINGS_MAX_BYTES
    # a cut in the middle of a multi-byte character at the end of the buffer is not an error
    text = head.decode("utf-8-sig", errors="strict" if whole_file else "ignore")
    lines: list[str] = []
    # Python's csv module refuses a field over 128 KB by default; a heading may be as long as
    # the line (the setting is the module's, and only ever raised here)
    if csv.field_size_limit() < CSV_HEADINGS_MAX_BYTES + 1:
        csv.field_size_limit(CSV_HEADINGS_MAX_BYTES + 1)

    def remember(source: Iterator[str]) -> Iterator[str]:
        for line in source:
            lines.append(line)
            yield line

    try:
        first = next(csv.reader(remember(iter(io.StringIO(text, newline="")))), None)
    except csv.Error as exc:  # e.g. a line break inside an unquoted heading
        raise ValueError(f"the first line cannot be read as CSV headings: {exc}") from exc
    if not whole_file and lines and not lines[-1].endswith(("\n", "\r")):
        raise ValueError(
            f"the headings line is longer than {CSV_HEADINGS_MAX_BYTES >> 20} MB; "
            "is the first line really the headings?"
        )
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


#: The most an XLSX's parts (sheets, shared strings, styles) may expand to when unzipped.
#: A real extract of a large trust (a year of monthly staff in post) is about 150 MB of sheet
#: XML; a small "decompression bomb" can claim or hold gigabytes. Set by
#: ``ONEWORKFORCE_XLSX_MAX_MB``; larger files can be sent as CSV or Parquet, which stream.
XLSX_MAX_MB_DEFAULT: Final = 256
#: XLSX rows are turned into Arrow columns this many at a time, so Python holds one batch.
_XLSX_BATCH: Final = 50_000


def xlsx_limit_bytes() -> int:
    return int(os.environ.get("ONEWORKFORCE_XLSX_MAX_MB", XLSX_MAX_MB_DEFAULT)) << 20


def _check_xlsx_size(path: Path) -> None:
    """Refuse an XLSX whose parts expand beyond the limit, before any of it is parsed.

    The sizes the zip declares are checked first (instant). Declared sizes can lie, so each
    part is then unzipped as a stream and thrown away: Python's zip reader stops at the
    declared size and checks the part's CRC, so a part that holds more than it declares is
    refused as corrupt without ever being held in memory.
    """
    limit = xlsx_limit_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            declared = sum(p.file_size for p in parts)
            if declared > limit:
                raise UnreadableFile(
                    f"{path.name}: unzipped, this Excel file would be "
                    f"{(declared + (1 << 19)) >> 20} MB, more "
                    f"than the {limit >> 20} MB an Excel file may expand to; send it as CSV or "
                    "Parquet, or split it"
                )
            for part in parts:
                with archive.open(part) as stream:
                    while stream.read(1 << 20):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        raise UnreadableFile(
            f"{path.name}: could not be read as Excel (the file is corrupt: {_first_line(exc)})"
        ) from exc
    except (NotImplementedError, zlib.error) as exc:
        raise UnreadableFile(
            f"{path.name}: could not be read as Excel ({_first_line(exc)})"
        ) from exc


def _open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, *, dataset: str) -> SourceFile:
    from python_calamine import CalamineWorkbook

    _check_xlsx_size(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        wanted = {normalise_token(dataset)}
        chosen = next((n for n in names if normalise_token(n) in wanted), names[0])
        rows = book.get_sheet_by_name(chosen).iter_rows()
        first = next(rows, None)
        if first is None:
            raise UnreadableFile(f"{path.name}: sheet '{chosen}' is empty")
        header = [_cell_text(h) or "" for h in first]
        chunks, has_value = _xlsx_columns(rows, len(header))
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise UnreadableFile(
            f"{path.name}: could not be read as Excel ({_first_line(exc)})"
        ) from exc
    width = len(has_value)
    header += [""] * (width - len(header))
    # Excel often carries blank trailing columns: drop those with no heading and no values.
    keep = [i for i in range(width) if header[i].strip() or has_value[i]]
    headings = tuple(header[i].strip() or f"column {i + 1}" for i in keep)
    if len(set(headings)) != len(headings):
        raise UnreadableFile(f"{path.name}: two columns have the same heading")
    columns = {
        h: pa.chunked_array([chunk[i] for chunk in chunks], type=pa.string())
        for h, i in zip(headings, keep, strict=True)
    }
    name = f"xlsx_{abs(hash(str(path)))}"
    con.register(name, pa.table(columns))
    return SourceFile(path, "xlsx", headings, name)


def _xlsx_columns(
    rows: Iterator[Sequence[object]], width: int
) -> tuple[list[list[pa.Array]], list[bool]]:
    """The sheet's rows below the headings as Arrow text columns, converted a batch at a time
    so Python never holds more than one batch of cells; blank rows are dropped. Returns the
    batches (each as one array per column, padded to the widest row) and, per column, whether
    any cell holds a value."""
    batches: list[list[pa.Array]] = []
    batch: list[list[str | None]] = []
    has_value = [False] * width

    def flush() -> None:
        batches.append(
            [
                pa.array([r[i] if i < len(r) else None for r in batch], type=pa.string())
                for i in range(len(has_value))
            ]
        )
        batch.clear()

    for raw in rows:
        row = [_cell_text(v) for v in raw]
        if not any(v is not None for v in row):
            continue
        if len(row) > len(has_value):
            has_value += [False] * (len(row) - len(has_value))
        for i, v in enumerate(row):
            if v is not None:
                has_value[i] = True
        batch.append(row)
        if len(batch) == _XLSX_BATCH:
            flush()
    flush()
    for arrays in batches:  # a wider row later on: earlier batches get empty columns
        arrays += [pa.nulls(len(arrays[0]) if arrays else 0, pa.string())] * (
            len(has_value) - len(arrays)
        )
    return batches, has_value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
