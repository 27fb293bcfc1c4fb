"""``oneworkforce results rebuild|status``: the stored metric results and their SPC."""

from __future__ import annotations

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, open_stores, out, print_json, split_progress

results_app = typer.Typer(
    name="results",
    help="The stored metric results (standard splits, with SPC) that dashboards and board "
    "packs read. They are refreshed after every accepted import.",
    no_args_is_help=True,
)


#: the dimensions of the stored splits, as a reader names them
DIMENSION_WORDS = {
    "org_code": "organisation",
    "staff_group": "staff group",
    "staff_category": "staff category",
}


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")


@results_app.command("rebuild", help="Compute every stored result and its SPC afresh.")
def rebuild(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    from oneworkforce.metrics.results_writer import ResultsWriter

    home = open_stores(repair_results=False)
    with split_progress("computing the metrics and their SPC") as progress:
        report = ResultsWriter(home.lake).rebuild(progress=progress)
    if fmt is OutputFormat.json:
        print_json(report.to_dict())
        return
    out.print(f"Rebuilt the stored results at data version {report.data_version}:")
    for split, rows in report.rows_written.items():
        series = report.series_analysed.get(split, 0)
        out.print(f"  {split}: {rows:,} rows, {series:,} series", markup=False)


@results_app.command("status", help="The stored results' data version, rows and age.")
def status(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    from oneworkforce.metrics.results_reader import ResultsReader

    home = open_stores()
    state = ResultsReader(home.lake).status()
    if fmt is OutputFormat.json:
        print_json(state)
        return
    if not state["built"]:
        out.print("No stored results yet: run `oneworkforce results rebuild`.", markup=False)
        return
    from oneworkforce.formats import when

    freshness = "behind the lake (stale)" if state["stale"] else "up to date with the lake"
    out.print(
        f"The stored results are {freshness}: data version {state['data_version']}, "
        f"computed {when(state['computed_at'])} (UK time).",
        markup=False,
    )
    table = Table()
    for heading in ("Split by", "Rows", "Series", "Computed (UK time)"):
        table.add_column(heading, justify="left" if heading == "Split by" else "right")
    for info in state["splits"].values():
        table.add_row(
            " × ".join(DIMENSION_WORDS.get(d, d) for d in info["by"]) or "nothing (the system)",
            f"{info['rows']:,}",
            f"{info['series']:,}",
            when(info["computed_at"]),
        )
    out.print(table)
