"""Importing a register from CSV or XLSX in the headings people already use.

:func:`read_table` reads a file; :func:`plan` maps its headings and reads every row without
saving anything (the web preview shows it); :func:`apply` writes the plan through the actions
layer in one transaction: a file goes in whole or not at all. Each row's natural key and the
hash of its content make re-importing the same file a no-op (nothing written, nothing
audited). Columns that map to no field are kept on the record as written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from oneworkforce import spreadsheets
from oneworkforce.registers import actions, models, parsing, scoring
from oneworkforce.registers.tabular import REGISTERS, Register, map_headings, normalise, plain


class ImportRefused(Exception):
    """The file cannot be imported; nothing was saved."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_table(path: Path | str, data: bytes | None = None) -> tuple[list[str], list[list[str]]]:
    """Headings and rows (all text) of the first sheet of an XLSX file or of a CSV file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        try:
            book = (
                CalamineWorkbook.from_filelike(io.BytesIO(data))
                if data is not None
                else CalamineWorkbook.from_path(str(path))
            )
            raw = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for a bad file
            raise ImportRefused(f"{path.name} cannot be read as a spreadsheet: {exc}") from exc
        table = [[_cell(v) for v in row] for row in raw]
    elif suffix in {".csv", ".txt", ""}:
        try:
            text = (data if data is not None else path.read_bytes()).decode("utf-8-sig")
        except UnicodeDecodeError:
            text = (data if data is not None else path.read_bytes()).decode("cp1252")
        # an export's neutralised cells ('=...) come back as the text that was written
        table = [
            [spreadsheets.from_csv(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))
        ]
    else:
        raise ImportRefused(f"{path.name}: only .csv and .xlsx files can be imported")
    table = [r for r in table if any(c.strip() for c in r)]
    if not table:
        raise ImportRefused(f"{path.name} has no rows")
    headings = [h.strip() for h in table[0]]
    while headings and not headings[-1]:
        headings.pop()
    width = len(headings)
    rows = [(r + [""] * width)[:width] for r in table[1:]]
    return headings, rows


@dataclass
class Row:
    number: int  # the row number in the file (headings are row 1)
    cells: dict[str, str]
    values: dict[str, Any]
    parsed: dict[str, dict[str, Any]]
    extra: dict[str, str]
    key: str
    digest: str
    section: str = ""
    outcome: str = ""  # create, update, unchanged, error, section
    problems: list[str] = field(default_factory=list)
    existing_id: int | None = None


@dataclass
class Plan:
    register: Register
    file_name: str
    headings: list[str]
    mapping: dict[str, str | None]
    rows: list[Row]

    @property
    def problems(self) -> list[str]:
        return [f"row {r.number}: {p}" for r in self.rows for p in r.problems]

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            if r.outcome in out:
                out[r.outcome] += 1
        return out


_SECTION_KINDS = (
    ("task and finish", "task_and_finish_group"),
    ("committee", "committee"),
    ("workstream", "workstream"),
    ("project", "project"),
    ("portfolio", "portfolio"),
    ("programme", "programme"),
)


def _section_kind(text: str) -> str | None:
    low = text.lower()
    return next((kind for word, kind in _SECTION_KINDS if word in low), None)


def _derived_code(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:40]


def _digest(cells: Mapping[str, str], mapping: Mapping[str, str | None], section: str) -> str:
    blob = json.dumps({"cells": cells, "mapping": mapping, "section": section}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _existing(register: Register, row: Row) -> models.Record | None:
    model = register.model
    if register.kind == "programmes" and row.values.get("code"):
        return model.objects.filter(code=row.values["code"]).first()
    if register.kind == "risks" and row.values.get("ref"):
        return model.objects.filter(ref=row.values["ref"]).first()
    return model.objects.filter(import_key=row.key).order_by("id").first()


def _find_programme(text: str) -> models.Programme | None:
    if not text:
        return None
    norm = normalise(text)
    for prog in models.Programme.objects.all():
        if norm in {
            normalise(prog.code),
            normalise(prog.name),
            normalise(f"{prog.code} {prog.name}"),
        }:
            return prog
    return None


def plan(
    kind: str,
    headings: list[str],
    table: list[list[str]],
    *,
    file_name: str = "",
    overrides: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Plan:
    """Read every row of a table into field values, and say what importing it would do."""
    if kind not in REGISTERS:
        raise ImportRefused(f"unknown register '{kind}'; one of: {', '.join(REGISTERS)}")
    if kind == "benefit_months":  # long or wide: read into (benefit, month) rows first
        from oneworkforce.registers import trajectory

        return trajectory.plan(headings, table, file_name=file_name, overrides=overrides)
    register = REGISTERS[kind]
    try:
        mapping = map_headings(register, headings, overrides)
    except ValueError as exc:
        raise ImportRefused(str(exc)) from exc
    if not any(mapping.values()):
        raise ImportRefused(
            f"none of the headings of {file_name or 'the file'} is a {register.title.lower()} "
            'column; use --map "HEADING=field"'
        )
    base = {**register.defaults(headings), **(defaults or {})}
    rows: list[Row] = []
    section = ""
    for index, cells_list in enumerate(table, start=2):
        cells = dict(zip(headings, cells_list, strict=False))
        filled = [i for i, c in enumerate(cells_list) if c.strip()]
        if kind == "programmes" and filled == [0] and len(headings) > 2:
            section = cells_list[0].strip()
            rows.append(Row(index, cells, {}, {}, {}, "", "", section, "section"))
            continue
        values: dict[str, Any] = dict(base)
        if section:
            values["section"] = section
            if guessed := _section_kind(section):
                values["kind"] = guessed
        parsed: dict[str, dict[str, Any]] = {}
        extra: dict[str, str] = {}
        for heading, text in cells.items():
            column_name = mapping.get(heading)
            if not column_name:
                if heading:
                    extra[heading] = text
                continue
            read = register.column(column_name).parse(text)
            parsed[heading] = read
            values.update(read)
        if kind == "programmes" and not values.get("code") and values.get("name"):
            values["code"] = _derived_code(values["name"])
        row = Row(
            index,
            cells,
            values,
            parsed,
            extra,
            register.key(values),
            _digest(cells, mapping, section),
            section,
        )
        _check(register, row)
        rows.append(row)
    seen: dict[str, int] = {}
    for row in rows:
        if row.outcome == "section" or row.problems:
            continue
        if row.key in seen:
            row.problems.append(f"the same record as row {seen[row.key]}")
        seen[row.key] = row.number
        if row.problems:
            row.outcome = "error"
            continue
        existing = _existing(register, row)
        if existing is None:
            row.outcome = "create"
        elif existing.content_hash == row.digest:
            row.outcome, row.existing_id = "unchanged", existing.pk
        else:
            row.outcome, row.existing_id = "update", existing.pk
            if isinstance(existing, models.StatusReport) and existing.submitted:
                row.problems.append("that status report was submitted and cannot change")
                row.outcome = "error"
    return Plan(register, file_name, headings, mapping, rows)


def _check(register: Register, row: Row) -> None:
    v = row.values
    if not row.key.strip("|"):
        row.problems.append("no value to identify the record (its key columns are empty)")
    if register.kind == "risks":
        for stage in ("initial", "current", "target"):
            lik, con = v.get(f"{stage}_likelihood"), v.get(f"{stage}_consequence")
            for what, value in (("likelihood", lik), ("consequence", con)):
                if value is not None and not 1 <= value <= 5:
                    row.problems.append(f"{stage} {what} {value} is not from 1 to 5")
            given = v.get(f"{stage}_score")
            on_matrix = lik and con and 1 <= lik <= 5 and 1 <= con <= 5
            if on_matrix and given is not None and given != scoring.score(lik, con):
                row.problems.append(
                    f"{stage} score {given} is not likelihood {lik} x consequence {con}"
                )
    if register.kind == "status_reports" and _find_programme(v.get("programme") or "") is None:
        row.problems.append(f"no programme called '{v.get('programme', '')}'")
    if register.kind == "status_reports" and v.get("report_date") is None:
        row.problems.append("the report date cannot be read")
    if register.kind == "declarations" and not (v.get("forename") or v.get("surname")):
        row.problems.append("no name")
    wants_programme = register.kind in {"milestones", "benefits"} and v.get("programme")
    if wants_programme and _find_programme(v["programme"]) is None:
        row.problems.append(f"no programme called '{v['programme']}'")
    if row.problems:
        row.outcome = "error"


#: pseudo-fields the importer resolves itself
_PSEUDO = {
    "programme",
    "parent",
    "programmes",
    "meeting",
    "initial_score",
    "current_score",
    "target_score",
}


def _model_values(register: Register, row: Row) -> tuple[dict[str, Any], dict[str, list]]:
    model_fields = {f.name for f in register.model._meta.concrete_fields}
    values = {k: v for k, v in row.values.items() if k in model_fields and k not in _PSEUDO}
    m2m: dict[str, list] = {}
    v = row.values
    if "programme" in v and "programme" in model_fields:
        values["programme"] = _find_programme(v["programme"])
    if register.kind == "programmes" and v.get("parent"):
        values["parent"] = _find_programme(v["parent"])
    if register.kind == "risks" and "programmes" in v:
        m2m["programmes"] = [p.code for p in filter(None, map(_find_programme, v["programmes"]))]
    if register.kind == "actions" and v.get("meeting"):
        values["meeting"] = models.Meeting.objects.filter(title=v["meeting"]).first()
    if register.kind == "declarations":
        values.setdefault("financial_year", parsing.financial_year(v.get("declared_on")))
    return values, m2m


def apply(import_plan: Plan, actor: str) -> dict[str, int]:
    """Write a plan: all of it, or nothing if any row has a problem."""
    if import_plan.register.kind == "benefit_months":
        from oneworkforce.registers import trajectory

        return trajectory.apply(import_plan, actor)
    if import_plan.problems:
        raise ImportRefused(
            f"{import_plan.file_name or 'the file'} was not imported: "
            f"{len(import_plan.problems)} problem(s)",
            import_plan.problems,
        )
    register = import_plan.register
    counts = import_plan.counts()
    with transaction.atomic():
        order = 0
        for row in import_plan.rows:
            if row.outcome == "section":
                continue
            order += 1
            if row.outcome == "unchanged":
                continue
            values, m2m = _model_values(register, row)
            source = {
                "file": import_plan.file_name,
                "row": row.cells,
                "parsed": {h: {k: plain(x) for k, x in p.items()} for h, p in row.parsed.items()},
            }
            book = {
                "extra": row.extra,
                "source": source,
                "import_key": row.key,
                "content_hash": row.digest,
                "source_order": order,
            }
            if row.outcome == "create":
                if register.kind == "status_reports":
                    from django.utils import timezone

                    values |= {"submitted_at": timezone.now(), "submitted_by": actor}
                actions.create(actor, register.model, m2m=m2m, **values, **book)
            else:
                existing = register.model.objects.get(pk=row.existing_id)
                actions.update(
                    actor,
                    existing,
                    None,
                    {**values, **book},
                    m2m=m2m,
                    note=f"import of {import_plan.file_name}",
                )
        actions.record_run(actor, register.kind, import_plan, counts)
    return counts


def import_file(
    kind: str,
    path: Path | str,
    actor: str,
    *,
    overrides: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    headings, table = read_table(path)
    return apply(
        plan(
            kind, headings, table, file_name=Path(path).name, overrides=overrides, defaults=defaults
        ),
        actor,
    )


def parse_overrides(items: list[str] | None) -> dict[str, str]:
    """``["Risk Lead=owner", ...]`` to a mapping; a bare ``HEADING=`` keeps it unmapped."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ImportRefused(f"--map '{item}' must be written HEADING=field")
        heading, _, name = item.rpartition("=")
        out[heading.strip()] = name.strip()
    return out
