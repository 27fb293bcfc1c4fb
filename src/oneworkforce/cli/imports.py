"""``oneworkforce import DATASET FILE [FILE ...]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from oneworkforce.cli.common import OutputFormat, err, fail, open_stores, out, print_json
from oneworkforce.data.importer import Importer, ImportResult
from oneworkforce.data.lake import ALL_DATASETS

ASCWDS_KINDS = ("ascwds_workplace", "ascwds_worker")


def register(app: typer.Typer) -> None:
    app.command(
        name="import",
        help="Validate and load partner files (CSV, XLSX or Parquet). "
        f"DATASET is one of: {', '.join([*ALL_DATASETS, *ASCWDS_KINDS])} "
        "(the ASC-WDS bulk upload files need --period).",
    )(import_files)


def import_files(
    dataset: str = typer.Argument(..., help="which dataset the files hold"),
    files: list[Path] = typer.Argument(..., help="one or more files; each is its own submission"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
    submitted_by: str = typer.Option("cli", "--by", help="who is submitting (for the ledger)"),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="refuse a file with any column the format does not name (by default such "
        "columns, and any that look like a person's identifiers, are dropped and reported)",
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="the month (YYYY-MM) of an ASC-WDS bulk upload file, which holds one snapshot",
    ),
) -> None:
    if dataset in ASCWDS_KINDS:
        _import_ascwds(dataset, files, period, fmt, submitted_by, strict)
        return
    if dataset not in ALL_DATASETS:
        fail(f"unknown dataset '{dataset}'; expected one of: {', '.join(ALL_DATASETS)}")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        fail(f"no such file: {', '.join(missing)}")
    home = open_stores()
    # each file is its own submission, committed in turn; the stored results are refreshed
    # once, after the last (a backfill of 36 monthly files refreshed 36 times before)
    importer = Importer(home, submitted_by=submitted_by)
    results: list[ImportResult] = []
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("importing", total=len(files))
        for path in files:

            def stage(what: str, name: str = path.name) -> None:
                bar.update(task, description=f"{name}: {what}")

            results.append(importer.import_file(dataset, path, progress=stage, strict=strict))
            bar.advance(task)
        accepted = [r for r in results if r.status == "accepted"]
        if accepted:
            bar.update(task, description="refreshing the stored results")
            _refresh_once(home, accepted)
    if fmt is OutputFormat.json:
        print_json([r.to_dict() for r in results])
    else:
        for r in results:
            _print_result(r)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _import_ascwds(
    kind: str,
    files: list[Path],
    period: str | None,
    fmt: OutputFormat,
    submitted_by: str,
    strict: bool,
) -> None:
    from oneworkforce.data import ascwds

    try:
        month = ascwds.check_period(period)
    except ValueError as exc:
        fail(str(exc))
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        fail(f"no such file: {', '.join(missing)}")
    home = open_stores()
    importer = Importer(home, submitted_by=submitted_by)  # one refresh after every file
    outcomes = [ascwds.import_ascwds(importer, kind, f, month, strict=strict) for f in files]
    accepted = [r for o in outcomes for r in o.results if r.status == "accepted"]
    if accepted:
        _refresh_once(home, accepted)
    if fmt is OutputFormat.json:
        print_json(
            [
                {
                    "file": o.file,
                    "dataset": o.kind,
                    "period": month,
                    "status": o.status,
                    "counts": o.counts,
                    "warnings": o.warnings,
                    "stored": [r.to_dict() for r in o.results],
                    "validation": o.report.to_dict(),
                }
                for o in outcomes
            ]
        )
    else:
        for o in outcomes:
            if o.ok:
                counted = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in o.counts.items())
                out.print(f"✔ {o.file}: accepted as {o.kind} for {month} ({counted})", markup=False)
                for r in o.results:
                    out.print(f"  stored as {r.dataset}: {r.rows:,} rows", markup=False)
            else:
                out.print(
                    f"✘ {o.file}: rejected, nothing was loaded. {o.report.summary()}",
                    markup=False,
                )
                for e in o.report.errors:
                    out.print(f"  - {e.describe()}", markup=False)
            for warning in o.warnings:
                out.print(f"  warning: {warning}", markup=False)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


def _refresh_once(home: Any, accepted: list[ImportResult]) -> None:
    """Refresh the stored results after the files of one command; a failure is reported with
    each accepted file, as a failing after-commit hook is (the next command repairs it)."""
    from oneworkforce.metrics.results_writer import refresh_after_commit

    try:
        refresh_after_commit(home)
    except Exception as exc:
        for result in accepted:
            result.hook_errors.append(f"{type(exc).__name__}: {exc}")


def _print_result(r: ImportResult) -> None:
    if r.status == "duplicate":
        out.print(f"= {r.file}: already loaded as submission {r.duplicate_of}; not loaded again")
        return
    if r.status == "accepted":
        span = f"{r.periods[0]} to {r.periods[-1]}" if r.periods else "no periods"
        line = (
            f"✔ {r.file}: accepted as {r.dataset} submission {r.submission_id}: "
            f"{r.rows:,} rows, {len(r.organisations)} organisation(s), {span} "
            f"({r.seconds:.1f}s)"
        )
        if r.superseded:
            line += f"; supersedes {len(r.superseded)} earlier slice(s)"
        out.print(line, markup=False)
        for dropped in r.report.dropped_lines():
            out.print(f"  {dropped}", markup=False)
        for problem in r.hook_errors:
            err.print(f"  stored results not refreshed: {problem}", markup=False)
        return
    out.print(f"✘ {r.file}: rejected, nothing was loaded. {r.report.summary()}", markup=False)
    for e in r.report.errors:
        out.print(f"  - {e.describe()}", markup=False)
    for dropped in r.report.dropped_lines():
        out.print(f"  {dropped}", markup=False)
    if r.report.not_listed:
        out.print(f"  ... and {r.report.not_listed:,} more error(s) not listed", markup=False)
