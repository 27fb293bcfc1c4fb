"""Deterministic writers: CSV (canonical headings, no quoting unless needed), Parquet, XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from oneworkforce.data.reference import vocabulary


def _header(names: list[str]) -> bytes:
    return (",".join(names) + "\n").encode("utf-8")


def _write_body(table: pa.Table, sink: BinaryIO) -> None:
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=64 * 1024)
    try:
        pacsv.write_csv(table, sink, options)
    except pa.ArrowInvalid:  # a value holds a comma or quote: quote text values instead
        pacsv.write_csv(
            table, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed")
        )


def write_csv(table: pa.Table, path: Path) -> int:
    """Write ``table`` as UTF-8 CSV with its column names as the heading line."""
    with path.open("wb") as sink:
        sink.write(_header(table.column_names))
        _write_body(table, sink)
    return table.num_rows


class CsvAppender:
    """A CSV file written a table at a time (one heading line), for datasets built in chunks."""

    def __init__(self, path: Path, names: list[str]):
        self.path = path
        self.rows = 0
        self._sink = path.open("wb")
        self._sink.write(_header(names))

    def append(self, table: pa.Table) -> None:
        _write_body(table, self._sink)
        self.rows += table.num_rows

    def close(self) -> None:
        self._sink.close()

    def __enter__(self) -> CsvAppender:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_parquet(table: pa.Table, path: Path) -> int:
    pq.write_table(table, path, compression="zstd", row_group_size=512 * 1024)
    return table.num_rows


SICKNESS_HEADINGS = {
    "period": "Period",
    "org_code": "Organisation Code",
    "staff_group": "Staff Group",
    "fte_days_lost": "FTE Days Lost",
    "fte_days_available": "FTE Days Available",
}


def write_sickness_xlsx(table: pa.Table, path: Path, created: dt.date) -> int:
    """The sickness return as a partner would keep it in Excel: human headings, staff-group
    titles, and the period as a date cell (the month's last day) shown as ``Mar-24``."""
    titles = vocabulary("staff_group").titles
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties(
        {
            "title": "Sickness absence return",
            "author": "OneWorkforce synth",
            "created": dt.datetime(created.year, created.month, created.day),
        }
    )
    bold = workbook.add_format({"bold": True})
    month = workbook.add_format({"num_format": "mmm-yy"})
    number = workbook.add_format({"num_format": "0.00"})
    sheet = workbook.add_worksheet("Sickness absence")
    names = table.column_names
    for c, name in enumerate(names):
        sheet.write_string(0, c, SICKNESS_HEADINGS[name], bold)
    columns = {name: table.column(name).to_pylist() for name in names}
    for r in range(table.num_rows):
        year, mon = (int(x) for x in columns["period"][r].split("-"))
        next_month = dt.date(year + mon // 12, mon % 12 + 1, 1)
        row = r + 1
        for c, name in enumerate(names):
            value = columns[name][r]
            if name == "period":
                sheet.write_datetime(row, c, next_month - dt.timedelta(days=1), month)
            elif name == "staff_group":
                sheet.write_string(row, c, titles.get(value, value))
            elif name == "org_code":
                sheet.write_string(row, c, value)
            else:
                sheet.write_number(row, c, value, number)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 24)
    sheet.set_column(3, 4, 18)
    notes = workbook.add_worksheet("Notes")
    notes.write_string(0, 0, "FTE days are calendar days x contracted FTE; bank staff excluded.")
    workbook.close()
    return table.num_rows
