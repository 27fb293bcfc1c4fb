"""``oneworkforce synth``: write the synthetic ICS in the submission formats."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from oneworkforce.data.synth import SCALES, SynthSummary, check_options, generate

FORMATS = ("table", "json")
STAGES = {"people": "Simulating people", "returns": "Writing returns", "errors": "Error files"}
RATE_LABELS = {
    "system_leaver_rate_12m": "NHS leaver rate, system (12 months)",
    "org_leaver_rate_12m": "Leaver rate, organisation (12 months)",
    "partner_move_rate_12m": "Moves between partners (12 months)",
    "sickness_rate_12m": "Sickness absence rate (12 months)",
    "vacancy_rate": "Vacancy rate (latest month)",
    "agency_share_of_paybill_12m": "Agency share of pay bill (12 months)",
    "asc_turnover_rate": "Adult social care turnover (latest year)",
    "dual_assignment_share": "People with two assignments",
    "bank_share_of_rows": "Bank share of staff-in-post rows",
}


def _fail(reason: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {reason}", err=True)
    return typer.Exit(code)


def _table(summary: SynthSummary) -> Table:
    table = Table(
        title=f"Synthetic ICS ({summary.scale}, seed {summary.seed}) in {summary.out_dir}"
    )
    table.add_column("What")
    table.add_column("Value", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(f"{name} rows", f"{rows:,}")
    table.add_row("people", f"{summary.people:,}")
    table.add_row(
        "organisations (person-level)",
        f"{summary.organisations:,} ({summary.person_level_organisations:,})",
    )
    table.add_row("months", f"{summary.months} from {summary.start}")
    for key, label in RATE_LABELS.items():
        value = summary.rates.get(key)
        table.add_row(label, "n/a" if value is None else f"{100 * value:.1f}%")
    table.add_row(
        "staff in post (latest month)",
        f"{summary.rates.get('staff_in_post_headcount', 0):,.0f} headcount, "
        f"{summary.rates.get('staff_in_post_fte', 0):,.0f} FTE",
    )
    table.add_row("time / peak memory", f"{summary.seconds:.1f} s / {summary.peak_rss_mb:,.0f} MB")
    return table


def register(app: typer.Typer) -> None:
    """Add the ``synth`` command to ``app``."""

    @app.command("synth")
    def synth(
        out: Path | None = typer.Option(None, "--out", help="Folder to write the files into."),
        scale: str = typer.Option("small", "--scale", help="small, ics or national."),
        seed: int = typer.Option(1, "--seed", help="Random seed: the same seed, the same bytes."),
        start: str = typer.Option("2022-04", "--start", help="First month, YYYY-MM."),
        months: int = typer.Option(36, "--months", help="Number of months."),
        with_errors: bool = typer.Option(
            False, "--with-errors", help="Also write errors/ and variants/ files."
        ),
        output_format: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """Write a synthetic ICS (Dalesway) in the submission formats."""
        if out is None:
            raise _fail("--out is required: the folder to write the files into")
        if scale not in SCALES:
            raise _fail(f"--scale must be one of {', '.join(SCALES)}, got {scale!r}")
        if output_format not in FORMATS:
            raise _fail(f"--format must be one of {', '.join(FORMATS)}, got {output_format!r}")
        try:
            check_options(scale=scale, seed=seed, start=start, months=months)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        if out.exists() and not out.is_dir():
            raise _fail(f"--out {out} exists and is not a folder")

        console = Console(stderr=True)
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            disable=output_format == "json",
        )
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(STAGES.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            with progress:
                summary = generate(
                    out,
                    scale=scale,
                    seed=seed,
                    start=start,
                    months=months,
                    with_errors=with_errors,
                    progress=report,
                )
        except OSError as exc:
            raise _fail(f"could not write to {out}: {exc.strerror or exc}", code=1) from None
        if output_format == "json":
            typer.echo(json.dumps(summary.to_dict(), indent=2))
        else:
            Console().print(_table(summary))
