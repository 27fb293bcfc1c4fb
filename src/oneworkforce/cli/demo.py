"""``oneworkforce demo``: a synthetic ICS generated, checked, loaded and summarised."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oneworkforce.cli.common import err, fail, open_stores, out, split_progress
from oneworkforce.data.importer import Importer
from oneworkforce.data.lake import ALL_DATASETS, Lake


def register(app: typer.Typer) -> None:
    app.command(name="demo", help="Generate a synthetic ICS, load it and show what was loaded.")(
        demo
    )


def submission_files(folder: Path) -> list[tuple[str, Path]]:
    """The files of a synthetic ICS folder, register first, in the order they should load."""
    found: list[tuple[str, Path]] = []
    for dataset in ALL_DATASETS:
        for candidate in (folder / f"{dataset}.csv", folder / f"{dataset}.parquet"):
            if candidate.is_file():
                found.append((dataset, candidate))
        chunks = folder / dataset
        if chunks.is_dir():
            found.extend((dataset, p) for p in sorted(chunks.glob("*.parquet")))
    found.sort(key=lambda item: item[0] != "organisations")
    return found


def demo(
    scale: str = typer.Option("ics", "--scale", help="small, ics or national"),
    seed: int = typer.Option(1, "--seed", help="the same seed gives the same ICS"),
    no_serve: bool = typer.Option(
        False,
        "--no-serve",
        help="stop after loading (the web app "
        "is not built yet, so the demo always stops there for now)",
    ),
) -> None:
    home = open_stores()
    from oneworkforce.data.synth import generate

    folder = home.root / "demo-data" / f"{scale}-seed{seed}"
    if not (folder / "organisations.csv").exists():
        err.print(f"Generating a synthetic ICS ({scale} scale, seed {seed}) in {folder} ...")
        try:
            generate(folder, scale=scale, seed=seed)
        except ValueError as exc:
            fail(str(exc))
    importer = Importer(home, submitted_by="demo")
    files = submission_files(folder)
    rejected = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("loading", total=len(files))
        for dataset, path in files:
            bar.update(task, description=f"loading {path.name}")
            result = importer.import_file(dataset, path)
            if not result.ok:
                rejected.append(result)
            bar.advance(task)
    for r in rejected:
        err.print(f"{r.file} was rejected: {r.report.summary()}", markup=False)
    from oneworkforce.metrics.store import ResultsStore

    with split_progress("computing the metrics and their SPC") as progress:
        ResultsStore(home.lake).rebuild(progress=progress)
    _summary(Lake(home))
    _people_story(ResultsStore(home.lake))
    out.print(f"\nData directory: {home.root}")
    if rejected:
        raise typer.Exit(1)


def _summary(lake: Lake) -> None:
    con = lake.connect()
    try:
        table = Table(title="What was loaded (current data)")
        for heading in ("dataset", "rows", "organisations", "first month", "last month"):
            table.add_column(heading)
        for name in ALL_DATASETS:
            if name == "organisations":
                continue
            org = "coalesce(org_code, area_code)" if name == "aggregate" else "org_code"
            rows, orgs, first, last = con.execute(
                f"SELECT count(*), count(DISTINCT {org}), min(period), max(period) FROM {name}"
            ).fetchone()
            table.add_row(name, f"{rows:,}", str(orgs), _month(first), _month(last))
        out.print(table)
        seg = Table(title="Staff in post by segment, latest month (headcount, FTE)")
        for heading in ("segment", "organisations", "headcount", "FTE"):
            seg.add_column(heading)
        for segment, orgs, people, fte in con.execute("""
            SELECT o.segment, count(DISTINCT s.org_code), count(DISTINCT s.person_id),
                   round(sum(s.fte), 1)
            FROM staff_in_post s JOIN organisations o USING (org_code)
            WHERE s.period = (SELECT max(period) FROM staff_in_post)
              AND s.contract_type <> 'bank'
            GROUP BY 1 ORDER BY 3 DESC""").fetchall():
            seg.add_row(segment, str(orgs), f"{people:,}", f"{fte:,.1f}")
        out.print(seg)
    finally:
        con.close()


def _month(value) -> str:
    return value.strftime("%Y-%m") if value else "-"


PEOPLE_STORY = (
    ("staff_in_post_fte", "Staff in post (FTE)"),
    ("vacancy_rate", "Vacancies"),
    ("sickness_absence_rate", "Sickness"),
    ("agency_share_of_paybill", "Agency share"),
    ("turnover_rate", "Turnover"),
    ("leaver_rate", "Leaver rate"),
)


ICONS = {
    "improvement_high": " ↑ better",
    "improvement_low": " ↓ better",
    "concern_high": " ↑ worse",
    "concern_low": " ↓ worse",
    "neutral_high": " ↑",
    "neutral_low": " ↓",
}


def _people_story(store) -> None:
    """The segment-by-metric matrix of the board papers, from the stored results: the latest
    value of each series with its Making Data Count variation (↑/↓ special cause)."""
    codes = [code for code, _ in PEOPLE_STORY]
    cells: dict[tuple[str, str], str] = {}
    periods = set()
    for row in store.latest(codes, split="segment"):
        value = row["value"]
        if value is None:
            continue
        shown = f"{value:,.0f}" if row["unit"] == "fte" else f"{value * 100:.1f}%"
        cells[(row["segment"], row["metric"])] = shown + ICONS.get(row.get("variation_icon"), "")
        periods.add(row["period"])
    if not cells:
        return
    latest = max(periods)
    table = Table(title=f"People Story, latest month ({latest}; arrows: special-cause variation)")
    table.add_column("segment")
    for _, title in PEOPLE_STORY:
        table.add_column(title, justify="right")
    for segment in sorted({s for s, _ in cells}):
        table.add_row(segment, *[cells.get((segment, code), "-") for code in codes])
    out.print(table)
