"""The workforce plan: for each scenario, system supply, demand, gap and cost by year as
P10/P50/P90 of the Monte Carlo runs, and the fan chart, from
``oneworkforce.planning.pack_section`` (the planning part's contract)."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import (
    Section,
    chart,
    column,
    number,
    paragraph,
    section,
    table,
    text,
)
from oneworkforce.reports.context import Context

MEASURES = {
    "supply_fte": ("Supply", "fte"),
    "demand_fte": ("Demand", "fte"),
    "gap_fte": ("Gap", "fte"),
    "cost": ("Cost", "pounds"),
}


def build(ctx: Context) -> Section:
    data = ctx.inputs.planning
    if data is None:
        return section("planning", "Workforce plan", [paragraph(ctx.inputs.planning_note)])
    blocks: list[dict[str, Any]] = []
    if data.get("note"):
        blocks.append(paragraph(str(data["note"])))
    for scenario in data.get("scenarios", []):
        measures = [m for m in scenario.get("measures", MEASURES) if m in MEASURES]
        columns = [column("Year ending")]
        for m in measures:
            title, unit = MEASURES[m]
            columns += [column(f"{title} P10", unit), column(f"{title} P50", unit)]
            columns.append(column(f"{title} P90", unit))
        rows = []
        for year in scenario.get("years", []):
            cells = [text(year.get("year_ending") or year.get("year"))]
            for m in measures:
                unit = MEASURES[m][1]
                for q in ("p10", "p50", "p90"):
                    value = (year.get(m) or {}).get(q)
                    cells.append(
                        ctx.figures.metric(float(value), unit)
                        if value is not None
                        else number(None, unit)
                    )
            rows.append(cells)
        if scenario.get("description"):
            blocks.append(paragraph(f"{scenario['title']}: {scenario['description']}"))
        blocks.append(
            table(
                f"plan_{scenario['scenario']}"[:40],
                f"Workforce plan, {scenario['title']}: system by year (P10, P50, P90)",
                columns,
                rows,
                caption=f"Run {scenario['run_id']}, {scenario.get('runs')} simulations, "
                f"data version {scenario.get('data_version')}.",
            )
        )
        if scenario.get("levers"):
            blocks.append(_levers(ctx, scenario))
    spec = data.get("chart")
    if isinstance(spec, dict):
        alt = str(spec.get("description") or data.get("note") or "Workforce plan fan chart.")
        blocks.append(chart("plan_fan", str(data.get("title") or "Workforce plan"), spec, alt))
    return section("planning", "Workforce plan", blocks)


def _levers(ctx: Context, scenario: dict[str, Any]) -> dict[str, Any]:
    """Each lever's (programme's) FTE of the system gap closed in the final year and its share
    of the gap the scenario closes."""
    levers = scenario["levers"]
    named = any(lever.get("programme") for lever in levers)
    columns = [column("Lever")]
    if named:
        columns.append(column("Programme"))
    columns += [
        column("Gap closed P10", "fte"),
        column("Gap closed P50", "fte"),
        column("Gap closed P90", "fte"),
        column("Share of the gap closed", "fraction"),
    ]
    rows = []
    for lever in levers:
        cells = [text(lever.get("benefit") or lever["lever"])]
        if named:
            cells.append(text(lever.get("programme") or "–"))
        cells += [ctx.figures.metric(float(lever[q]), "fte") for q in ("p10", "p50", "p90")]
        share = lever.get("share")
        cells.append(number(share, "fraction"))
        rows.append(cells)
    closed = scenario.get("gap_closed_fte")
    caption = (
        f"The scenario closes {closed:,.0f} FTE of the system gap in its final year (P50 of "
        "the gap doing nothing less P50 with the scenario); each lever's share is its P50 "
        "over that."
        if closed is not None and closed > 0
        else "The scenario closes none of the system gap in its final year."
    )
    return table(
        f"plan_levers_{scenario['scenario']}"[:40],
        f"{scenario['title']}: what each lever closes of the gap, final year",
        columns,
        rows,
        caption=caption,
    )
