"""Migrations of the lake: stored files brought up to the current formats.

Accepted submissions are otherwise never rewritten. Two things move older files over:

- a column a format gained since the file was stored is added, empty (the views read every
  current column of every file);
- a staff group code that has been retired (``RETIRED_STAFF_GROUPS``) is replaced by the code
  its rows move to.

Each file is rewritten to a temporary file and put in place with one atomic replace, under
the lake's lock; a file already up to date is left as it is, so running the migration again
changes nothing. ``reconcile`` runs it at every start, so an older data directory moves over
the first time a newer version opens it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oneworkforce.config import Home
from oneworkforce.data.reference import RETIRED_STAFF_GROUPS
from oneworkforce.data.schemas import DATASETS, stored_columns

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
}


def _migrated(table: pa.Table, wanted: list[tuple[str, str]]) -> pa.Table | None:
    """The table brought up to date, or None when it already is."""
    changed = False
    for name, sql_type in wanted:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, ARROW_TYPES[sql_type]))
            changed = True
    if "staff_group" in table.column_names:
        column = table.column("staff_group")
        if _has_retired(column):
            moved = [RETIRED_STAFF_GROUPS.get(v, v) for v in column.to_pylist()]
            index = table.column_names.index("staff_group")
            table = table.set_column(index, "staff_group", pa.array(moved, type=pa.string()))
            changed = True
    return table if changed else None


def _has_retired(column: pa.ChunkedArray) -> bool:
    retired = pa.array(list(RETIRED_STAFF_GROUPS), type=pa.string())
    return bool(pc.any(pc.is_in(column.cast(pa.string()), value_set=retired)).as_py())


def _up_to_date(path: Path, wanted: list[tuple[str, str]]) -> bool:
    """Whether :func:`_migrated` would leave the file as it is, read from its footer and its
    staff group column alone: every start checks every stored file, and reading each whole
    made every command wait on the size of the lake."""
    names = set(pq.read_schema(path).names)
    if any(name not in names for name, _ in wanted):
        return False
    if "staff_group" in names:
        return not _has_retired(pq.read_table(path, columns=["staff_group"]).column(0))
    return True


def _rewrite(path: Path, wanted: list[tuple[str, str]]) -> bool:
    if _up_to_date(path, wanted):
        return False
    table = _migrated(pq.read_table(path), wanted)
    if table is None:
        return False
    tmp = path.with_suffix(".parquet.migrating")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return True


def migrate_lake(home: Home) -> int:
    """Bring every stored file up to the current formats; the number of files rewritten.
    Call under the lake's lock."""
    changed = 0
    for dataset in DATASETS.values():
        wanted = stored_columns(dataset)
        for path in sorted((home.lake / dataset.name).glob("submission=*/*.parquet")):
            changed += _rewrite(path, wanted)
    return changed
