"""Pick scenarios, run one, and compare runs side by side with fan charts and a table."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from oneworkforce.planning import pack
from oneworkforce.planning.results import list_runs, load
from oneworkforce.web.access import Permission as P
from oneworkforce.web.decorators import requires

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"
MAX_PAGE_RUNS = 5000
MAX_COMPARED = 4


def scenario_files() -> dict[str, Path]:
    """Scenario documents the page can run: the data directory's own, then the examples."""
    found: dict[str, Path] = {}
    for folder in (settings.HOME.root / "planning" / "scenarios", EXAMPLES):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")) + sorted(folder.glob("*.y*ml")):
                found.setdefault(path.stem, path)
    return found


def _fmt(row: dict | None, money: bool = False) -> str:
    if not row:
        return "–"
    if money:
        return f"£{row['p50'] / 1e6:,.1f}m (£{row['p10'] / 1e6:,.1f}m to £{row['p90'] / 1e6:,.1f}m)"
    return f"{row['p50']:,.0f} ({row['p10']:,.0f} to {row['p90']:,.0f})"


def _table(run) -> list[dict]:
    rows = []
    nothing = {r["year"]: r for r in pack.system_rows(run, "do_nothing")}
    for year in pack.system_rows(run, "scenario"):
        rows.append(
            {
                "year": year["year"],
                "year_ending": year["year_ending"],
                "supply": _fmt(year.get("supply_fte")),
                "demand": _fmt(year.get("demand_fte")),
                "gap": _fmt(year.get("gap_fte")),
                "gap_do_nothing": _fmt(nothing.get(year["year"], {}).get("gap_fte")),
                "cost": _fmt(year.get("cost"), money=True),
            }
        )
    return rows


def _compared(run) -> dict:
    levers = [
        {**row, "share_percent": f"{row['share']:.0%}" if row["share"] is not None else ""}
        for row in pack.lever_rows(run)
    ]
    return {
        "run": run,
        "table": _table(run),
        "levers": levers,
        "from_programmes": any(row["programme"] for row in levers),
    }


#: (measure, title, unit) of the download's columns, each as median, 10th and 90th percentile
MEASURES = (
    ("supply_fte", "Supply (FTE)", "fte"),
    ("demand_fte", "Demand (FTE)", "fte"),
    ("gap_fte", "Gap (FTE)", "fte"),
    ("cost", "Cost (£)", "pounds"),
)


def _download(compared: list, fmt: str):
    """The compared runs' whole-system figures by year, as on the page: one row per run and
    year, each measure's median and 10th to 90th percentile, and the gap if we do nothing."""
    from oneworkforce.formats import month_name
    from oneworkforce.web.dashboard import exports

    header = ["Scenario", "Run", "Year ending"]
    units: list[str | None] = [None, None, None]
    for _, title, unit in (*MEASURES, ("gap_fte", "Gap if we do nothing (FTE)", "fte")):
        header += [f"{title}, median", f"{title}, 10th percentile", f"{title}, 90th percentile"]
        units += [unit] * 3
    rows = []
    for run in compared:
        nothing = {r["year"]: r for r in pack.system_rows(run, "do_nothing")}
        for year in pack.system_rows(run, "scenario"):
            row = [run.meta["title"], run.run_id, month_name(year["year_ending"])]
            for measure, _, _ in MEASURES:
                figures = year.get(measure) or {}
                row += [figures.get(k) for k in ("p50", "p10", "p90")]
            figures = nothing.get(year["year"], {}).get("gap_fte") or {}
            rows.append(row + [figures.get(k) for k in ("p50", "p10", "p90")])
    return exports.download(
        "workforce-plan", fmt, "Workforce plan: whole system by year", header, rows, units=units
    )


@requires(P.VIEW_PLANS)
def scenarios(request):
    runs = list_runs(settings.HOME)
    known = {m["run_id"] for m in runs}
    chosen = [r for r in request.GET.getlist("run") if r in known][:MAX_COMPARED]
    if not chosen and runs:
        latest: dict[str, str] = {}
        for m in runs:
            latest.setdefault(m["scenario"], m["run_id"])
        chosen = list(latest.values())[:MAX_COMPARED]
    compared = [load(settings.HOME, run_id) for run_id in chosen]
    fmt = request.GET.get("download", "")
    if fmt in ("csv", "xlsx"):
        return _download(compared, fmt)
    from oneworkforce.jobs.views import following

    context = {
        "runs": runs,
        "chosen": set(chosen),
        "compared": [_compared(run) for run in compared],
        "chart": pack.fan_spec(compared) if compared else None,
        "download_query": urlencode([("run", r) for r in chosen]),
        "files": sorted(scenario_files()),
        "can_run": request.scope.can(P.RUN_PLANS),
        "max_runs": MAX_PAGE_RUNS,
        **following(request, "scenario"),
    }
    return render(request, "planning/scenarios.html", context)


@requires(P.RUN_PLANS)  # first: who may, then how
@require_POST
def run(request):
    from oneworkforce.planning import ScenarioError, load_scenario
    from oneworkforce.planning.levers import LeverError

    files = scenario_files()
    name = request.POST.get("scenario", "")
    try:
        runs = int(request.POST.get("runs", "1000"))
    except ValueError:
        runs = 0
    errors = {}
    if name not in files:
        errors["scenario"] = "Choose a scenario"
    if not 1 <= runs <= MAX_PAGE_RUNS:
        errors["runs"] = f"Enter a whole number of runs from 1 to {MAX_PAGE_RUNS:,}"
    if not errors:
        try:
            scenario = load_scenario(files[name])
        except (ScenarioError, LeverError, ValueError) as exc:
            errors["scenario"] = str(exc).splitlines()[0]
    if errors:
        context = {
            "runs": list_runs(settings.HOME),
            "chosen": set(),
            "compared": [],
            "chart": None,
            "files": sorted(files),
            "can_run": True,
            "max_runs": MAX_PAGE_RUNS,
            "errors": errors,
            "values": {"scenario": name, "runs": request.POST.get("runs", "")},
        }
        return render(request, "planning/scenarios.html", context, status=400)
    from oneworkforce.jobs import actions as jobs

    job = jobs.start(
        "scenario",
        request.user.get_username(),
        f"{scenario.title or scenario.name} ({runs:,} runs)",
        {"scenario": name, "path": str(files[name]), "runs": runs},
    )
    return redirect(reverse("planning:scenarios") + f"?job={job.id}")


def run_job(job, progress):
    """The scenario job, in a worker: the baseline, the runs (progress as they go), the
    results written."""
    from oneworkforce.jobs.kinds import Done, JobError
    from oneworkforce.planning import ScenarioError, actions, load_scenario
    from oneworkforce.planning.levers import LeverError
    from oneworkforce.planning.runner import baseline_for

    runs = int(job.params["runs"])
    try:
        scenario = load_scenario(Path(job.params["path"]))
        base = baseline_for(settings.HOME, scenario)
        progress(1)

        def ran(_what: str, done: int, total: int) -> None:
            progress(2 if done >= total else 1, f"{done:,} of {total:,} runs")

        result = actions.run(
            settings.HOME, scenario, actor=job.actor, runs=runs, progress=ran, baseline=base
        )
    except (ScenarioError, LeverError, ValueError) as exc:
        raise JobError(f"The scenario could not be run: {str(exc).splitlines()[0]}") from exc
    return Done(
        result={"title": result.meta["title"], "runs": runs, "run_id": result.run_id},
        object_type="run",
        object_id=result.run_id,
    )
