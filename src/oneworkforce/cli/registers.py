"""``oneworkforce registers import|export``: the assurance registers from and to CSV/XLSX/JSON."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from oneworkforce.cli.common import OutputFormat, fail, open_stores, out, print_json

KINDS = (
    "programmes",
    "status_reports",
    "milestones",
    "benefits",
    "benefit_months",
    "risks",
    "actions",
    "declarations",
    "meetings",
)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Headings(StrEnum):
    original = "original"
    canonical = "canonical"


def _kind(kind: str) -> str:
    if kind not in KINDS:
        fail(f"unknown register '{kind}'; one of: {', '.join(KINDS)}")
    return kind


def import_(
    kind: str = typer.Argument(..., help=f"register: {', '.join(KINDS)}"),
    file: Path = typer.Argument(..., help="a .csv or .xlsx file with the register's headings"),
    map_: list[str] = typer.Option(
        None, "--map", help='"HEADING=field": read a heading as a field (repeatable)'
    ),
    actor: str = typer.Option("cli", "--as", help="who is importing, for the audit trail"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Import a register file; re-importing the same file changes nothing."""
    _kind(kind)
    if not file.exists():
        fail(f"{file}: no such file")
    open_stores()
    from oneworkforce.registers import importing

    try:
        headings, table = importing.read_table(file)
        plan = importing.plan(
            kind, headings, table, file_name=file.name, overrides=importing.parse_overrides(map_)
        )
        counts = importing.apply(plan, actor)
    except importing.ImportRefused as exc:
        if fmt == OutputFormat.json:
            print_json({"status": "refused", "reason": str(exc), "problems": exc.problems})
            raise typer.Exit(2) from None
        details = "; ".join(exc.problems[:5])
        fail(f"{exc}{': ' + details if details else ''}")
    result = {
        "status": "imported",
        "kind": kind,
        "file": file.name,
        "mapping": plan.mapping,
        "unmapped": [h for h, c in plan.mapping.items() if not c],
        **counts,
    }
    if kind in {"meetings", "declarations"}:
        from oneworkforce.registers import people

        result["unresolved_people"] = [
            {"name": u["name"], "status": u["status"], "where": u["where"]}
            for u in people.unresolved()
        ]
    if fmt == OutputFormat.json:
        print_json(result)
        return
    out.print(
        f"{kind}: {counts['create']} created, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged from {file.name}"
    )
    if result["unmapped"]:
        out.print(f"kept as written (no field): {', '.join(result['unmapped'])}")
    for u in result.get("unresolved_people", []):
        why = (
            "more than one person has this name" if u["status"] == "ambiguous" else "no such person"
        )
        _say(
            f"to identify: {u['name']} ({why}; {', '.join(u['where'])}): pick or create the "
            "person on the registers' 'Names to identify' page"
        )


def export(
    kind: str = typer.Argument(..., help=f"register: {', '.join(KINDS)}"),
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", help="json, csv or xlsx"),
    headings: Headings = typer.Option(
        Headings.original,
        "--headings",
        help="original: the headings of the last imported file; canonical: field names",
    ),
    output: Path = typer.Option(None, "--output", "-o", help="write here (xlsx needs it)"),
) -> None:
    """Export a register as JSON (field names), CSV or XLSX (the people's own headings)."""
    _kind(kind)
    open_stores()
    from oneworkforce.registers import exporting

    if fmt == ExportFormat.json:
        import json

        data = json.dumps(exporting.as_json(kind), indent=2, default=str) + "\n"
        payload: bytes = data.encode()
    elif fmt == ExportFormat.csv:
        payload = exporting.to_csv(kind, headings.value).encode("utf-8")
    else:
        if output is None:
            fail("--format xlsx needs --output FILE")
        payload = exporting.to_xlsx(kind, headings.value)
    if output is not None:
        output.write_bytes(payload)
        return
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()


def _say(text: str) -> None:
    out.print(text, markup=False)


def conflicts(
    meeting: str = typer.Argument(
        ..., help="the meeting's number or reference, or its title when only one has it"
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Conflicts of interest at a meeting, item by item, with the handling required."""
    open_stores()
    from oneworkforce.registers import conflicts as check

    try:
        found = check.find_meeting(meeting)
    except LookupError as exc:
        fail(str(exc))
    result = check.check(found)
    if fmt == OutputFormat.json:
        print_json(result)
        return
    _say(f"{result['meeting']}: conflicts of interest, item by item")
    if result["checked_from"] == "nobody":
        _say("  not checked: no attendance recorded and no committee members on the day")
    elif result["checked_from"] != "attendance":
        _say(f"  interests checked: {result['checked_from']}")
    for item in result["items"]:
        if not item["conflicts"]:
            _say(f"  {item['item']}. {item['title']}: none identified")
        for c in item["conflicts"]:
            _say(
                f"  {item['item']}. {item['title']}: {c['person']} – {c['organisation']}; "
                f"required: {c['handling_required']}; recorded: "
                f"{c['handling_recorded'] or 'nothing recorded'}"
            )
    for person in result["unresolved_people"]:
        _say(f"  not checked: {person['name']} ({person['reason']})")


def register(app: typer.Typer) -> None:
    registers = typer.Typer(
        help="The assurance registers: import, export and conflicts checks.", no_args_is_help=True
    )
    registers.command(name="import")(import_)
    registers.command(name="export")(export)
    registers.command(name="conflicts")(conflicts)
    app.add_typer(registers, name="registers")
