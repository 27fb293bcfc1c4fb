"""``oneworkforce demo``: a synthetic ICS generated, checked, loaded and summarised."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oneworkforce.cli.common import err, fail, open_stores, out, split_progress
from oneworkforce.data.importer import Importer
from oneworkforce.data.lake import ALL_DATASETS, Lake
from oneworkforce.formats import month_name
from oneworkforce.metrics.people_story import reference_segments


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
        # NHS England's published files: loaded after the partners' own returns, so for the
        # organisations and months they cover they supersede them
        published = folder / "published" / dataset
        if published.is_dir():
            found.extend((dataset, p) for p in sorted(published.glob("*.csv")))
    found.sort(key=lambda item: item[0] != "organisations")
    return found


def ascwds_files(folder: Path) -> list[tuple[str, Path, str]]:
    """The ASC-WDS bulk upload files of a synthetic ICS folder: (kind, file, month), each
    month's workplace file before its worker file."""
    found = []
    for path in sorted((folder / "ascwds").glob("*_????-??.csv")):
        which, month = path.stem.rsplit("_", 1)
        found.append((f"ascwds_{which}", path, month))
    return sorted(found, key=lambda f: (f[2], f[0] != "ascwds_workplace"))


def demo(
    scale: str = typer.Option("ics", "--scale", help="small, ics or national"),
    seed: int = typer.Option(1, "--seed", help="the same seed gives the same ICS"),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="stop after loading instead of serving the web app"
    ),
    port: int = typer.Option(8000, "--port", help="port for the web app"),
    host: str = typer.Option("127.0.0.1", "--host", help="address for the web app"),
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
    from oneworkforce.data.ascwds import import_ascwds

    for kind, path, month in ascwds_files(folder):
        outcome = import_ascwds(importer, kind, path, month)
        if not outcome.ok:
            rejected.append(outcome)
    for r in rejected:
        err.print(f"{r.file} was rejected: {r.report.summary()}", markup=False)
    from oneworkforce.metrics.results_writer import ResultsWriter

    with split_progress("computing the metrics and their SPC") as progress:
        ResultsWriter(home.lake).rebuild(progress=progress)
    _summary(Lake(home))
    _people_story(home)
    latest = _latest_period(home)
    _registers(latest)
    _board_pack(home, _plans(home), latest)
    accounts = _accounts(home)
    out.print(f"\nData directory: {home.root}")
    if rejected:
        raise typer.Exit(1)
    if no_serve:
        return
    from oneworkforce.cli.web import run_server

    out.print(f"\nOneWorkforce is at http://{host}:{port}/ - sign in with one of these accounts:")
    _print_accounts(accounts)
    run_server(home, host=host, port=port)


def _latest_period(home) -> str | None:
    """The latest month with figures: the demo's registers and pack are dated from it."""
    from oneworkforce.metrics.store import ResultsStore
    from oneworkforce.reports.inputs import available_periods

    periods = available_periods(ResultsStore(home.lake))
    return periods[-1] if periods else None


def _registers(latest: str | None) -> None:
    """The seed papers' programme grid, portfolio, risks, actions and declarations."""
    from oneworkforce.registers.demo import load_demo
    from oneworkforce.reports.inputs import month_end

    # the demo's "today" is the end of its data period, never the machine's date
    counts = load_demo(actor="demo", today=month_end(latest) if latest else None)
    err.print("Registers loaded: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def _plans(home) -> list[str]:
    """The example planning scenarios, run on the demo ICS; their run ids."""
    from oneworkforce.planning import actions, load_scenario

    run_ids = []
    for path in _example_scenarios():
        run = actions.run(home, load_scenario(path), actor="demo", runs=DEMO_PLAN_RUNS, seed=1)
        err.print(f"Planning scenario {path.stem}: run {run.run_id}")
        run_ids.append(run.run_id)
    from oneworkforce.planning import from_registers

    planned = from_registers.run(home, runs=DEMO_PLAN_RUNS, seed=1)
    err.print(
        f"Programmes as planned (from the registers): run {planned['run_id']}; the gap in year "
        f"{planned['year']} is {planned['gap_with_programmes_fte']:,.0f} FTE with the "
        f"programmes, {planned['gap_do_nothing_fte']:,.0f} FTE without"
    )
    return [planned["run_id"], *run_ids]


def _board_pack(home, plan_runs: list[str], latest: str | None) -> None:
    """This month's board pack, full and public, in every format, from what was loaded."""
    from oneworkforce.registers.asof import for_period
    from oneworkforce.reports import service
    from oneworkforce.reports.options import PackOptions

    # the board meets when the pack for the latest month is due, never on the machine's date
    meeting_date = for_period(latest).isoformat()
    for public in (False, True):
        out = home.root / ("demo-pack-public" if public else "demo-pack")
        options = PackOptions(
            public=public, plan_runs=[] if public else plan_runs, meeting_date=meeting_date
        )
        _, files = service.create(home, options, actor="demo", out=out)
        kind = "public board pack" if public else "board pack"
        err.print(f"The {kind} is in {out}: " + ", ".join(p.name for p in files.values()))


DEMO_PLAN_RUNS = 200


def _example_scenarios() -> list[Path]:
    """The example scenarios of the repository (``examples/scenarios``)."""
    import oneworkforce

    folder = Path(oneworkforce.__file__).resolve().parents[2] / "examples" / "scenarios"
    return sorted(folder.glob("*.toml"))


DEMO_ROLES = ("admin", "analyst", "programme_lead", "org_data_lead", "board", "viewer")


def _accounts(home) -> list[tuple[str, str, str]]:
    """One demo account per role, with a password made once per data directory and kept in
    it (mode 600): (username, role, password)."""
    import secrets

    from oneworkforce.web.accounts.service import create_user

    path = home.root / "demo-accounts.txt"
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, password = line.partition(" ")
            known[name] = password
    lake = Lake(home)
    orgs = [
        o for o in lake.organisations() if o.get("partner") and o["segment"] == "secondary_care"
    ]
    accounts = []
    for role in DEMO_ROLES:
        name = f"demo-{role.replace('_', '-')}"
        password = known.get(name) or secrets.token_urlsafe(12)
        org_codes = [str(orgs[0]["org_code"])] if role == "org_data_lead" and orgs else []
        # a second demo run sets the same (kept) password again, audited as a reset
        create_user(
            name,
            role,
            password=password,
            organisations=org_codes,
            actor="demo",
            reset_password=True,
        )
        accounts.append((name, role + (f" ({org_codes[0]})" if org_codes else ""), password))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(f"{n} {p}\n" for n, _, p in accounts))
    return accounts


def _print_accounts(accounts) -> None:
    table = Table()
    for heading in ("username", "role", "password"):
        table.add_column(heading)
    for row in accounts:
        table.add_row(*row)
    out.print(table)


def _summary(lake: Lake) -> None:
    con = lake.connect()
    try:
        table = Table(title="What was loaded (current data)")
        for heading in ("Dataset", "Rows", "Organisations", "First month", "Last month"):
            table.add_column(heading, justify="left" if heading == "Dataset" else "right")
        for name in ALL_DATASETS:
            if name == "organisations":
                continue
            org = "coalesce(org_code, area_code)" if name == "aggregate" else "org_code"
            rows, orgs, first, last = con.execute(
                f"SELECT count(*), count(DISTINCT {org}), min(period), max(period) FROM {name}"
            ).fetchone()
            table.add_row(
                dataset_heading(name), f"{rows:,}", str(orgs), _month(first), _month(last)
            )
        out.print(table)
        titles = {s["segment"]: s["title"] for s in reference_segments()}
        (latest,) = con.execute("SELECT max(period) FROM staff_in_post").fetchone() or (None,)
        seg = Table(title=f"Person-level staff in post, {_month(latest)} (bank not counted)")
        for heading in ("Segment", "Organisations", "Headcount", "FTE"):
            seg.add_column(heading, justify="left" if heading == "Segment" else "right")
        for segment, orgs, people, fte in con.execute(
            """
            SELECT o.segment, count(DISTINCT s.org_code), count(DISTINCT s.person_id),
                   round(sum(s.fte), 1)
            FROM staff_in_post s JOIN organisations o USING (org_code)
            -- the partners only, as in every figure (a neighbour's staff are for peers)
            WHERE s.period = ? AND s.contract_type <> 'bank' AND o.partner
            GROUP BY 1 ORDER BY 3 DESC""",
            [latest],
        ).fetchall():
            seg.add_row(titles.get(segment, segment), str(orgs), f"{people:,}", f"{fte:,.1f}")
        out.print(seg)
    finally:
        con.close()


def _month(value) -> str:
    """A month as a reader says it ('March 2025'), or '-' for none."""
    return month_name(f"{value:%Y-%m}") if value else "-"


def dataset_heading(name: str) -> str:
    """A dataset's title without its explanation in brackets ('Staff in post')."""
    return ALL_DATASETS[name].title.split(" (")[0]


ICONS = {
    "improvement_high": " ↑ better",
    "improvement_low": " ↓ better",
    "concern_high": " ↑ worse",
    "concern_low": " ↓ worse",
    "neutral_high": " ↑",
    "neutral_low": " ↓",
}
#: the People Story's headings in the terminal, short enough not to break inside a word
SHORT_HEADINGS = {
    "staff_in_post_fte": "Staff (FTE)",
    "vacancy_rate": "Vacancy",
    "agency_share_of_paybill": "Agency",
    "turnover_rate": "Turnover",
    "leaver_rate": "Leavers",
}


def _people_story(home) -> None:
    """The segment-by-metric matrix of the board papers (the dashboard's home page), from the
    stored results: the latest value of each series with its Making Data Count variation."""
    from oneworkforce.metrics import people_story
    from oneworkforce.metrics.results_reader import ResultsReader

    lake = Lake(home)
    matrix = people_story.build(
        ResultsReader(lake.root),
        people_story.reference_segments(),
        organisations=lake.organisations(),
    )
    if matrix.period is None:
        return
    table = Table(
        title=f"People Story, {month_name(matrix.period)} (arrows: special-cause variation)",
        expand=True,
    )
    table.add_column("Segment", ratio=1, min_width=10)
    for column in matrix.columns:
        heading = SHORT_HEADINGS.get(column["metric"], column["title"])
        table.add_column(heading, justify="right", width=8)
    for row in matrix.rows:
        shown = [
            (c.display + ICONS.get(c.variation_icon or "", "")) if c.value is not None else "-"
            for c in row["cells"]
        ]
        table.add_row(row["title"], *shown)
    out.print(table)
