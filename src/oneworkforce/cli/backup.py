"""``oneworkforce backup``, ``restore`` and ``doctor``: a consistent copy of a data directory
and its operational store, taken while the app runs; restoring it; checking a data directory
and saying what would be repaired."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, err, fail, home, open_stores, out, print_json


def register(app: typer.Typer) -> None:
    app.command(name="backup", help="Back up the data directory and operational store.")(backup)
    app.command(name="restore", help="Restore a backup into a new data directory.")(restore)
    app.command(name="doctor", help="Check a data directory; say what --repair would fix.")(doctor)


def backup(
    target: Path = typer.Argument(..., help="a new (or empty) folder for the backup"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Safe while the app runs: an import part-way is waited for, never half-copied."""
    from oneworkforce.backup import BackupError, make

    h = open_stores()
    try:
        manifest = make(h, target.expanduser().resolve())
    except (BackupError, OSError) as exc:
        fail(str(exc))
    summary = {k: v for k, v in manifest.items() if k != "files"} | {
        "files": len(manifest["files"]),
        "bytes": sum(f["bytes"] for f in manifest["files"].values()),
    }
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    err.print(
        f"Backed up {summary['submissions']} submissions ({manifest['database']} operational "
        f"store, ledger generation {manifest['ledger_generation']}) into {target}: "
        f"{summary['files']} files, {summary['bytes']:,} bytes, checksums in MANIFEST.json."
    )


def restore(
    source: Path = typer.Argument(..., help="a backup folder made by oneworkforce backup"),
    target: str = typer.Option(
        None,
        "--home",
        help="the new data directory to restore into (default: --home given before the command)",
    ),
) -> None:
    """Refuses a damaged or incomplete backup, and a data directory that is not empty."""
    from oneworkforce.backup import BackupError
    from oneworkforce.backup import restore as restore_backup
    from oneworkforce.cli.common import STATE

    where = (
        Path(target or STATE.home_arg or "").expanduser() if (target or STATE.home_arg) else None
    )
    if where is None:
        fail("say where to restore: --home DIR (a new data directory)")
    try:
        manifest = restore_backup(source.expanduser().resolve(), where.resolve())
    except (BackupError, OSError) as exc:
        fail(str(exc))
    err.print(
        f"Restored {manifest['submissions']} submissions (ledger generation "
        f"{manifest['ledger_generation']}, backed up {manifest['created_at']}) into {where}."
    )


def doctor(
    repair: bool = typer.Option(False, "--repair", help="do the repairs it lists"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Exit 0 when healthy, 1 when something needs repair (or cannot be repaired)."""
    from oneworkforce import backup as ops
    from oneworkforce import opstore

    h = home()
    try:
        opstore.setup(h)  # not open_stores(): that would repair before the check
    except Exception as exc:
        fail(f"cannot open the operational store: {str(exc).strip().splitlines()[0]}")
    report = ops.repair(h) if repair else ops.doctor(h)
    if fmt is OutputFormat.json:
        print_json(report.to_dict())
    else:
        table = Table(title=f"{h.root}: " + ("healthy" if report.healthy else "needs repair"))
        for column in ("check", "state", "detail", "--repair would"):
            table.add_column(column, overflow="fold")
        for f in report.findings:
            table.add_row(f.check, "ok" if f.ok else "PROBLEM", f.detail, f.repair or "-")
        out.print(table)
    raise typer.Exit(0 if report.healthy else 1)
