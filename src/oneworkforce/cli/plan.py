"""``oneworkforce plan``: run workforce planning scenarios, backtest the model, write the
scenario schema, list past runs."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from oneworkforce.cli.common import OutputFormat, fail, open_stores, out, print_json, split_progress


class Engine(StrEnum):
    local = "local"
    spark = "spark"


plan_app = typer.Typer(
    name="plan",
    help="Workforce planning: scenarios projected with a Monte Carlo stock-flow model.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")


def _money(value: float) -> str:
    return f"£{value / 1e6:,.1f}m"


def _cell(row: dict) -> str:
    if row["measure"] == "cost":
        return f"{_money(row['p50'])} [{_money(row['p10'])}–{_money(row['p90'])}]"
    return f"{row['p50']:,.0f} [{row['p10']:,.0f}–{row['p90']:,.0f}]"


@plan_app.command("run")
def run(
    scenario: Path = typer.Argument(None, help="scenario file (.toml, .yaml or .json)"),
    from_registers: bool = typer.Option(
        False,
        "--from-registers",
        help='"programmes as planned": the benefits trajectories of the registers as levers',
    ),
    runs: int = typer.Option(1000, "--runs", min=1, max=100_000, help="Monte Carlo runs"),
    seed: int = typer.Option(None, "--seed", min=0, help="master seed (default: fixed)"),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local or spark"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Run a scenario and print P10/P50/P90 of supply, demand, gap and cost by year."""
    from oneworkforce.planning import DEFAULT_SEED, ScenarioError, actions, load_scenario
    from oneworkforce.planning.levers import LeverError

    if from_registers:
        if scenario is not None:
            fail("give a scenario file or --from-registers, not both")
        _from_registers(runs, DEFAULT_SEED if seed is None else seed, fmt)
        return
    if scenario is None:
        fail("give a scenario file (or --from-registers)")
    try:
        document = load_scenario(scenario)
    except ScenarioError as exc:
        fail(str(exc))
    home = open_stores()
    try:
        with split_progress("Projecting") as progress:
            result = actions.run(
                home,
                document,
                actor="cli",
                runs=runs,
                seed=DEFAULT_SEED if seed is None else seed,
                engine=engine.value,
                progress=progress,
            )
    except (ValueError, LeverError) as exc:
        fail(str(exc).splitlines()[0])
    except ImportError:
        fail("the Spark engine needs PySpark: pip install 'oneworkforce[spark]'")
    if fmt is OutputFormat.json:
        print_json(result.summaries)
        return
    system = {
        (r["variant"], r["year"], r["measure"]): r
        for r in result.summaries
        if r["segment"] == "all" and r["staff_group"] == "all"
    }
    table = Table(title=f"{result.meta['title']}: system, P50 [P10–P90]")
    for column in ("year", "supply FTE", "demand FTE", "gap FTE", "gap, do nothing", "cost"):
        table.add_column(column, justify="right")
    for year in range(1, document.horizon.years + 1):
        table.add_row(
            str(year),
            *(
                _cell(system[(variant, year, measure)])
                for variant, measure in (
                    ("scenario", "supply_fte"),
                    ("scenario", "demand_fte"),
                    ("scenario", "gap_fte"),
                    ("do_nothing", "gap_fte"),
                    ("scenario", "cost"),
                )
            ),
        )
    out.print(table)
    final = document.horizon.years
    for effect in result.lever_effects:
        wanted = "unfilled_closed_fte" if effect["kind"] == "bank_agency" else "gap_closed_fte"
        if effect["segment"] == "all" and effect["measure"] == wanted and effect["year"] == final:
            what = "unfilled gap" if wanted == "unfilled_closed_fte" else "gap"
            out.print(
                f"{effect['lever']} ({effect['kind']}): closes {effect['p50']:,.0f} FTE of the "
                f"{what} by year {final} [P10 {effect['p10']:,.0f}, P90 {effect['p90']:,.0f}]"
            )
    out.print(f"Run {result.run_id}; results in {result.path}")


def _from_registers(runs: int, seed: int, fmt: OutputFormat) -> None:
    from oneworkforce.planning import from_registers
    from oneworkforce.planning.levers import LeverError

    home = open_stores()
    try:
        with split_progress("Projecting the programmes as planned") as progress:
            result = from_registers.run(home, runs=runs, seed=seed, progress=progress)
    except (ValueError, LeverError) as exc:
        fail(str(exc).splitlines()[0])
    if fmt is OutputFormat.json:
        print_json(result)
        return
    year = result["year"]
    out.print(
        f"Programmes as planned (from the registers), year {year}, system, P50: the gap is "
        f"{result['gap_with_programmes_fte']:,.0f} FTE with the programmes and "
        f"{result['gap_do_nothing_fte']:,.0f} FTE without them.",
        markup=False,
    )
    for p in result["programmes"]:
        share = p["share_of_gap_closed"]
        cost = p["cost_change"]
        out.print(
            f"  {p['programme'] or 'no programme'} – {p['benefit']} ({p['lever']}): closes "
            f"{p['gap_closed_fte']:,.0f} FTE"
            + (f", {share:.0%} of the gap closed" if share is not None else "")
            + f"; cost in year {year} {'+' if cost >= 0 else '-'}£{abs(cost):,.0f}",
            markup=False,
        )
    for b in result["not_modelled"]:
        out.print(f"  not modelled: {b['benefit']} ({b['lever']})", markup=False)
    if result["behind"]:
        names = ", ".join(
            f"{b['benefit']} ({b['delivery_ratio']:.0%} of plan)" for b in result["behind"]
        )
        out.print(
            f"Behind plan: {names}. At the delivery so far the gap would be "
            f"{result['gap_as_delivered_fte']:,.0f} FTE "
            f"({result['gap_effect_of_shortfall_fte']:+,.0f} FTE).",
            markup=False,
        )
    out.print(f"Run {result['run_id']}", markup=False)


@plan_app.command("backtest")
def backtest_cmd(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Fit on the history up to a year before the last month, project that year and compare
    with what happened (mean absolute percentage error per segment)."""
    from oneworkforce.planning import backtest

    home = open_stores()
    try:
        rows = backtest(home)
    except ValueError as exc:
        fail(str(exc))
    if fmt is OutputFormat.json:
        print_json(rows)
        return
    table = Table(title=f"Backtest: fitted to {rows[0]['fitted_to'] if rows else '-'}")
    for column in ("segment", "months", "MAPE", "actual", "projected", "P10–P90", "inside"):
        table.add_column(column, justify="left" if column == "segment" else "right")
    for r in rows:
        table.add_row(
            r["segment"],
            str(r["months_compared"]),
            f"{100 * r['mape']:.1f}%",
            f"{r['actual_fte']:,.1f}",
            f"{r['projected_fte']:,.1f}",
            f"{r['p10']:,.1f}–{r['p90']:,.1f}",
            "yes" if r["within_p10_p90"] else "no",
        )
    out.print(table)


@plan_app.command("schema")
def schema_cmd(
    output: Path = typer.Option(None, "--output", "-o", help="write to this file (default: print)"),
) -> None:
    """The JSON Schema scenario documents are checked against (generated from the code)."""
    from oneworkforce.planning import schema

    text = json.dumps(schema(), indent=2) + "\n"
    if output is None:
        out.file.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@plan_app.command("list")
def list_cmd(
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json"),
) -> None:
    """Past plan runs, newest first."""
    from oneworkforce.planning import list_runs

    home = open_stores()
    runs = [{k: v for k, v in m.items() if k != "document"} for m in list_runs(home)]
    if fmt is OutputFormat.json:
        print_json(runs)
        return
    table = Table(title="Plan runs")
    for column in ("run id", "scenario", "runs", "seed", "engine", "data version", "created"):
        table.add_column(column)
    for m in runs:
        table.add_row(
            m["run_id"],
            m["title"],
            str(m["runs"]),
            str(m["seed"]),
            m["engine"],
            m["data_version"],
            m["created"],
        )
    out.print(table)
