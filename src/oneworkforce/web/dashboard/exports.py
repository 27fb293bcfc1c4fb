"""CSV and XLSX downloads of the tables on the pages (People Story, agency, coverage,
planning): one helper, so every table downloads the same way.

Numbers are written as numbers: rates as fractions (formatted as % in XLSX), pounds rounded
to whole pounds (no float noise), FTE to one decimal place in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse

from oneworkforce import spreadsheets
from oneworkforce.formats import pounds

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: a column's unit: a unit name, or the index of the column that holds each row's unit
Units = Sequence[str | int | None]
_NUMBER_FORMATS = {
    "fraction": "0.0%",
    "pounds": "£#,##0",
    "fte": "#,##0.0",
    "headcount": "#,##0",
}


def _unit(units: Units | None, row: Sequence[Any], j: int) -> str | None:
    if not units or j >= len(units):
        return None
    unit = units[j]
    if isinstance(unit, int):
        value = row[unit]
        return str(value) if value is not None else None
    return unit


def _clean(value: Any, unit: str | None) -> Any:
    if unit == "pounds" and isinstance(value, int | float) and not isinstance(value, bool):
        amount = pounds(value)
        return int(amount) if amount is not None else None
    return value


def csv_bytes(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], units=None
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheets.csv_row([title]))
    writer.writerow(spreadsheets.csv_row(header))
    for row in rows:
        writer.writerow(
            spreadsheets.csv_row(
                "" if v is None else _clean(v, _unit(units, row, j)) for j, v in enumerate(row)
            )
        )
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], units=None
) -> bytes:
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Table")
    bold = book.add_format({"bold": True})
    formats = {u: book.add_format({"num_format": f}) for u, f in _NUMBER_FORMATS.items()}
    sheet.write(0, 0, title, bold)
    sheet.write_row(1, 0, list(header), bold)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            unit = _unit(units, row, j)
            value = _clean(value, unit)
            if isinstance(value, bool) or value is None:
                if value is not None:
                    sheet.write(i, j, str(value))
            elif isinstance(value, int | float):
                sheet.write_number(i, j, value, formats.get(unit or ""))
            else:
                sheet.write_string(i, j, str(value))
    sheet.set_column(0, max(len(header) - 1, 0), 18)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()


def download(
    name: str,
    fmt: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    units: Units | None = None,
) -> HttpResponse:
    """A CSV or XLSX attachment ``name.fmt`` of a table with a title row and a header row."""
    if fmt == "csv":
        response = HttpResponse(
            csv_bytes(title, header, rows, units), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(xlsx_bytes(title, header, rows, units), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
