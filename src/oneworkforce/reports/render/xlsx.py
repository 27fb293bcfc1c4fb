"""XLSX: one sheet per table, numbers stored as numbers with a number format for their
unit (a rate is 0.042 shown as 4.2%), suppressed figures as "*", and a contents sheet with
the pack's manifest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oneworkforce import spreadsheets
from oneworkforce.formats import pounds
from oneworkforce.reports.blocks import NUMERIC_UNITS, results_version, tables

NUMBER_FORMATS = {
    "fraction": "0.0%",
    "pounds": "£#,##0",
    "fte": "#,##0.0",
    "headcount": "#,##0",
    "count": "#,##0",
    "score": "0",
    "days": "#,##0",
}


def sheet_name(table_id: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", table_id)[:31] or "table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"_{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def write(content: Mapping[str, Any], manifest: Mapping[str, Any], path: Path) -> None:
    book = spreadsheets.workbook(str(path))
    book.set_properties(
        {
            "title": f"{content['title']}: {content['subtitle']}",
            "author": content["created_by"],
            "comments": f"Results data version {manifest['results']['data_version']}",
        }
    )
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    formats = {
        u: book.add_format({"num_format": f, "valign": "top"}) for u, f in NUMBER_FORMATS.items()
    }
    suppressed = book.add_format({"align": "right", "valign": "top"})

    used: set[str] = {"contents"}
    contents = book.add_worksheet("Contents")
    contents.write(0, 0, f"{content['title']}: {content['subtitle']}", bold)
    info = [
        ("Meeting", f"{content['meeting']}, {content['meeting_date']}"),
        ("Made", f"{content['created_at']} by {content['created_by']}"),
        ("Results data version", results_version(manifest)),
        ("Registers version", str(manifest["registers"]["version"] or "not installed")),
        ("Catalogue", manifest["catalogue"]["fingerprint"]),
        ("OneWorkforce", manifest["code"]["display"]),
    ]
    for i, (label, value) in enumerate(info, start=2):
        contents.write_string(i, 0, label, bold)
        contents.write_string(i, 1, value)
    row_at = len(info) + 3
    contents.write_string(row_at, 0, "Sheet", head)
    contents.write_string(row_at, 1, "Table", head)
    contents.set_column(0, 0, 28)
    contents.set_column(1, 1, 80)
    for block in tables(content):
        name = sheet_name(block["id"], used)
        row_at += 1
        contents.write_url(row_at, 0, f"internal:'{name}'!A1", string=name)
        contents.write_string(row_at, 1, block["title"])
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, block["title"], bold)
        for c, col in enumerate(block["columns"]):
            sheet.write_string(2, c, col["title"], head)
            sheet.set_column(
                c, c, 14 if col["unit"] in NUMERIC_UNITS or col["unit"] == "number" else 28
            )
        for r, row in enumerate(block["rows"], start=3):
            for c, cell in enumerate(row):
                value = cell["value"]
                if cell.get("unit") in NUMERIC_UNITS and isinstance(value, int | float):
                    if cell["unit"] == "pounds":  # whole pounds: no float noise in the cell
                        value = int(pounds(value) or 0)
                    sheet.write_number(r, c, value, formats.get(cell["unit"]))
                elif cell.get("suppressed"):
                    sheet.write_string(r, c, cell["display"], suppressed)
                else:
                    sheet.write_string(r, c, cell["display"], wrap)
        if not block["rows"]:
            sheet.write_string(3, 0, block["empty"])
        sheet.freeze_panes(3, 1)
    book.close()
