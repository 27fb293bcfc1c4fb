"""Exporting a register as JSON, CSV or XLSX.

JSON carries the canonical field names (``ref``, ``initial_score``, ``current_band``...).
CSV and XLSX use, by default, the headings of the last file imported into the register, and
give each imported cell back exactly as written unless the record has changed since; so a
seed table imported and exported comes back unchanged, columns that mapped to nothing
included. With ``headings="canonical"`` (or when nothing was imported) the field names are
the headings.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from oneworkforce import spreadsheets
from oneworkforce.registers import models
from oneworkforce.registers.tabular import (
    REGISTERS,
    Register,
    plain,
    values_of,
    write_cell,
)


def records(register: Register, *, include_archived: bool = False) -> list[models.Record]:
    qs = register.model.objects.all()
    if not include_archived:
        qs = qs.filter(archived=False)
    if hasattr(register.model, "programme"):
        qs = qs.select_related("programme")
    return list(qs.order_by("source_order", "id"))


def as_json(kind: str) -> list[dict[str, Any]]:
    if kind == "benefit_months":
        from oneworkforce.registers import trajectory

        return trajectory.as_json()
    register = REGISTERS[kind]
    out = []
    for obj in records(register):
        values = values_of(register, obj)
        out.append({f: plain(values.get(f)) for f in register.json_fields})
    return out


def _layout(register: Register) -> models.ImportRun | None:
    return models.ImportRun.objects.filter(kind=register.kind).order_by("-at", "-id").first()


def table(kind: str, headings: str = "original") -> tuple[list[str], list[list[str]]]:
    """The register as a table: headings and rows of text.

    A benefits trajectory is always the long table (one row per benefit and month), whatever
    shape it was imported in: it imports back unchanged.
    """
    if kind == "benefit_months":
        from oneworkforce.registers import trajectory

        return trajectory.table()
    register = REGISTERS[kind]
    run = _layout(register) if headings == "original" else None
    rows: list[list[str]] = []
    if run is None:
        names = [c.name for c in register.columns]
        for obj in records(register):
            values = values_of(register, obj)
            rows.append([write_cell(register.column(n), values) for n in names])
        return names, rows
    heads = list(run.headings)
    mapping = run.mapping
    section = ""
    for obj in records(register):
        values = values_of(register, obj)
        row_section = getattr(obj, "section", "") or ""
        if row_section and row_section != section:
            rows.append([row_section] + [""] * (len(heads) - 1))
        section = row_section
        source = obj.source or {}
        src_row = source.get("row", {})
        src_parsed = source.get("parsed", {})
        line = []
        for heading in heads:
            column_name = mapping.get(heading)
            if not column_name:
                line.append(str((obj.extra or {}).get(heading, "")))
                continue
            parsed = src_parsed.get(heading)
            if (
                heading in src_row
                and parsed is not None
                and all(plain(values.get(f)) == v for f, v in parsed.items())
            ):
                line.append(src_row[heading])
            else:
                line.append(write_cell(register.column(column_name), values))
        rows.append(line)
    return heads, rows


def to_csv(kind: str, headings: str = "original") -> str:
    heads, rows = table(kind, headings)
    buffer = io.StringIO()
    # RFC 4180 line ends, so a text holding a carriage return is quoted and reads back whole
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spreadsheets.csv_row(heads))
    writer.writerows(spreadsheets.csv_row(row) for row in rows)
    return buffer.getvalue()


def to_xlsx(kind: str, headings: str = "original") -> bytes:
    heads, rows = table(kind, headings)
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(REGISTERS[kind].title[:31])
    bold = book.add_format({"bold": True, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, heads, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row, wrap)
    book.close()
    return buffer.getvalue()
