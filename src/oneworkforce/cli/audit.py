"""``oneworkforce audit``: read the audit trail (every change to the operational store)."""

from __future__ import annotations

import datetime as dt
import json

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, fail, open_stores, out, print_json


def register(app: typer.Typer) -> None:
    app.command(name="audit", help="Read the audit trail: who changed what, and when.")(audit)


def _since(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"--since {text!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)")
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def audit(
    since: str = typer.Option(None, "--since", help="from this date or time (ISO, UTC)"),
    actor: str = typer.Option(None, "--actor", help="only changes by this user"),
    obj: str = typer.Option(None, "--object", help="an object type (e.g. submission) or TYPE:ID"),
    limit: int = typer.Option(200, "--limit", min=1, help="at most this many events"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Newest first."""
    open_stores()
    from oneworkforce.audit import trail

    events = [
        trail.as_dict(e)
        for e in trail.query(
            since=_since(since) if since else None, actor=actor, obj=obj, limit=limit
        )
    ]
    if fmt is OutputFormat.json:
        print_json(events)
        return
    table = Table(title=f"Audit trail ({len(events)} events, newest first)")
    for column in ("at (UTC)", "actor", "action", "object", "changes"):
        table.add_column(column, overflow="fold")
    for e in events:
        changes = json.dumps(e["changes"], default=str)
        table.add_row(
            e["at"][:19].replace("T", " "),
            e["actor"],
            e["action"],
            f"{e['object_type']}:{e['object_id']}",
            changes if len(changes) <= 120 else changes[:117] + "...",
        )
    out.print(table)
