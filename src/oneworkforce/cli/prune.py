"""``oneworkforce prune --before YYYY-MM``: remove person-level data of the months before a
date (retention; docs/data-protection.md)."""

from __future__ import annotations

import getpass

import typer

from oneworkforce.cli.common import OutputFormat, err, fail, open_stores, out, print_json


def register(app: typer.Typer) -> None:
    app.command(name="prune", help="Remove person-level data of the months before a date.")(prune)


def prune(
    before: str = typer.Option(..., "--before", help="the first month kept, YYYY-MM"),
    dry_run: bool = typer.Option(False, "--dry-run", help="list what would go; change nothing"),
    by: str = typer.Option(None, "--by", help="who is pruning (for the audit trail)"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Audited; the stored results are rebuilt afterwards."""
    from oneworkforce.data.prune import cutoff
    from oneworkforce.data.prune import prune as run

    try:
        cutoff(before)
    except ValueError as exc:
        fail(str(exc))
    h = open_stores()
    removed = run(h, before, actor=by or getpass.getuser(), dry_run=dry_run)
    if fmt is OutputFormat.json:
        print_json(removed.to_dict())
        return
    verb = "Would remove" if dry_run else "Removed"
    out.print(f"{verb} {removed.total_rows:,} person-level rows of months before {before}.")
    for dataset, per in removed.rows.items():
        for sid, rows in sorted(per.items()):
            out.print(f"  {dataset} submission {sid}: {rows:,} rows")
    if removed.error_values:
        out.print(
            f"  the values quoted in {len(removed.error_values)} error report(s) "
            + ("would be" if dry_run else "were")
            + " cleared"
        )
    if not dry_run:
        err.print("The stored results were rebuilt; the prune is in the audit trail.")
