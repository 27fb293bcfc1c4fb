"""``oneworkforce report create|list|render``: frozen board packs."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, err, fail, open_stores, out, print_json

report_app = typer.Typer(
    name="report",
    help="Board packs: the workforce paper for the Workforce Board and the ICB board, built "
    "from the stored results and registers, frozen so it can be reproduced later.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _formats(value: str | None) -> list[str]:
    from oneworkforce.reports.render import FORMATS, check_formats

    try:
        return check_formats((value or ",".join(FORMATS)).split(","))
    except ValueError as exc:
        fail(str(exc))


def _actor() -> str:
    try:
        return os.environ.get("ONEWORKFORCE_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "oneworkforce"


@report_app.command("create", help="Make a pack from the current data, freeze it and render it.")
def create(
    period: str = typer.Option(None, "--period", help="the month, YYYY-MM (default: latest)"),
    out_dir: Path = typer.Option(None, "--out", help="also copy the files to this folder"),
    formats: str = typer.Option(None, "--formats", help="pdf,docx,xlsx,html (default: all)"),
    public: bool = typer.Option(False, "--public", help="disclosure-controlled public version"),
    title: str = typer.Option("", "--title", help='default "Workforce report"'),
    meeting: str = typer.Option("", "--meeting", help='default "ICB Workforce Board"'),
    meeting_date: str = typer.Option("", "--meeting-date", help="YYYY-MM-DD (default: today)"),
    agenda_item: str = typer.Option("", "--agenda-item"),
    executive_lead: str = typer.Option("", "--executive-lead"),
    author: str = typer.Option("", "--author"),
    action: str = typer.Option(
        "", "--action", help="Approval, Ratification, Assurance (default), Discussion, Information"
    ),
    purpose: str = typer.Option("", "--purpose"),
    summary: str = typer.Option("", "--summary", help="opening words of the summary"),
    recommendation: list[str] = typer.Option(
        None, "--recommendation", help="a recommendation (repeat for several)"
    ),
    plan_run: list[str] = typer.Option(None, "--plan-run", help="a planning run id (repeat)"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    from oneworkforce.reports.options import OptionError, PackOptions

    wanted = _formats(formats)
    home = open_stores()
    try:
        options = PackOptions(
            period=period,
            public=public,
            title=title,
            meeting=meeting,
            meeting_date=meeting_date,
            agenda_item=agenda_item,
            executive_lead=executive_lead,
            author=author,
            action_required=action,
            purpose=purpose,
            summary=summary,
            recommendations=list(recommendation or []),
            plan_runs=list(plan_run or []),
        )
    except OptionError as exc:
        fail(str(exc))
    from oneworkforce.reports import service
    from oneworkforce.reports.inputs import NoData

    err.print("Making the pack ...", markup=False)
    try:
        pack, files = service.create(home, options, actor=_actor(), formats=wanted, out=out_dir)
    except NoData as exc:
        fail(str(exc))
    if fmt is OutputFormat.json:
        print_json(
            {
                **service.summary(pack),
                "files": {k: str(v) for k, v in files.items()},
                "manifest": pack.manifest,
            }
        )
        return
    kind = "public pack" if pack.public else "pack"
    out.print(f"Made {kind} {pack.id} for {pack.period}:", markup=False)
    for path in files.values():
        out.print(f"  {path}", markup=False)


@report_app.command("list", help="The packs made so far, newest first.")
def list_packs(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    open_stores()
    from oneworkforce.reports import service

    packs = [service.summary(p) for p in service.listing()]
    if fmt is OutputFormat.json:
        print_json(packs)
        return
    if not packs:
        out.print("No packs yet: make one with `oneworkforce report create`.", markup=False)
        return
    table = Table()
    for heading in ("id", "period", "kind", "made", "by", "data version"):
        table.add_column(heading)
    for p in packs:
        table.add_row(
            p["id"],
            p["period"],
            "public" if p["public"] else "full",
            p["created_at"][:16].replace("T", " "),
            p["created_by"],
            p["data_version"],
        )
    out.print(table)


@report_app.command("render", help="Render a stored pack again, from its frozen content.")
def render(
    pack_id: str = typer.Argument(..., help="the pack's id (see `oneworkforce report list`)"),
    out_dir: Path = typer.Option(..., "--out", help="folder to write the files to"),
    formats: str = typer.Option(None, "--formats", help="pdf,docx,xlsx,html (default: all)"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    wanted = _formats(formats)
    home = open_stores()
    from oneworkforce.reports import freeze, service

    try:
        pack = freeze.load(pack_id)
    except freeze.PackNotFound as exc:
        fail(str(exc))
    except freeze.PackCorrupt as exc:
        fail(str(exc), code=1)
    files = service.render_stored(home, pack, wanted, out=out_dir)
    if fmt is OutputFormat.json:
        print_json({**service.summary(pack), "files": {k: str(v) for k, v in files.items()}})
        return
    for path in files.values():
        out.print(str(path), markup=False)
