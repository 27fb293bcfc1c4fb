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
    spec = data.get("chart")
    if isinstance(spec, dict):
        alt = str(spec.get("description") or data.get("note") or "Workforce plan fan chart.")
        blocks.append(chart("plan_fan", str(data.get("title") or "Workforce plan"), spec, alt))
    return section("planning", "Workforce plan", blocks)
