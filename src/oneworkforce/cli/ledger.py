"""``oneworkforce submissions``: the ledger of what was sent and what became of it."""

from __future__ import annotations

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, fail, open_stores, out, print_json


def register(app: typer.Typer) -> None:
    app.command(name="submissions", help="List the submissions ledger, newest first.")(submissions)


def submissions(
    dataset: str = typer.Option(None, "--dataset", help="only this dataset"),
    limit: int = typer.Option(200, "--limit", help="at most this many submissions"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    if limit < 1:
        fail(f"--limit must be a whole number of 1 or more, not {limit}")
    open_stores()
    from oneworkforce.data.ledger import service

    rows = list(service.ledger(dataset, limit))
    if fmt is OutputFormat.json:
        print_json([_as_dict(s) for s in rows])
        return
    table = Table(title="Submissions ledger")
    for heading in (
        "submitted",
        "dataset",
        "file",
        "by",
        "status",
        "rows",
        "orgs",
        "periods",
        "errors",
        "id",
    ):
        table.add_column(heading)
    for s in rows:
        slices = list(s.slices.all())
        superseded = sum(1 for x in slices if x.status == "superseded")
        status = (
            s.status
            if not superseded or s.status == "superseded"
            else (f"{s.status} ({superseded} of {len(slices)} slices superseded)")
        )
        periods = f"{s.periods[0]}..{s.periods[-1]}" if s.periods else ""
        table.add_row(
            s.submitted_at.strftime("%Y-%m-%d %H:%M"),
            s.dataset,
            s.file_name,
            s.submitted_by,
            status,
            f"{s.rows:,}",
            str(len(s.organisations)),
            periods,
            str(s.error_count),
            str(s.id)[:8],
        )
    out.print(table)


def _as_dict(s) -> dict[str, object]:
    return {
        "id": str(s.id),
        "dataset": s.dataset,
        "file_name": s.file_name,
        "file_type": s.file_type,
        "sha256": s.sha256,
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at.isoformat(),
        "status": s.status,
        "rows": s.rows,
        "organisations": s.organisations,
        "periods": s.periods,
        "error_count": s.error_count,
        "errors": s.errors,
        "counts_by_rule": s.counts_by_rule,
        "slices": [
            {
                "org_code": x.org_code,
                "segment": x.segment,
                "period": x.period.strftime("%Y-%m") if x.period else None,
                "rows": x.rows,
                "status": x.status,
                "superseded_by": str(x.superseded_by_id) if x.superseded_by_id else None,
            }
            for x in s.slices.all()
        ],
    }
