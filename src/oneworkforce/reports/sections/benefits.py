"""Benefits against plan: what each programme said it would deliver by now, and what it has."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import (
    Section,
    column,
    display_number,
    paragraph,
    section,
    table,
    text,
)
from oneworkforce.reports.context import Context
from oneworkforce.reports.sections.programmes import rag

#: benefit units that count people (controlled in a public pack)
PEOPLE = {"fte": "fte", "headcount": "headcount", "people": "headcount", "staff": "headcount"}


def _figure(ctx: Context, value: Any, unit: str) -> dict[str, Any]:
    unit = str(unit or "").lower()
    if value is None:
        return ctx.figures.plain(None, "count")
    if unit in PEOPLE:
        return ctx.figures.metric(float(value), PEOPLE[unit])
    if unit in ("pounds", "gbp", "£"):
        return ctx.figures.metric(float(value), "pounds")
    if unit in ("fraction", "percent", "%"):
        return ctx.figures.plain(float(value), "fraction")
    return ctx.figures.plain(value, "count")


def build(ctx: Context) -> Section:
    registers = ctx.inputs.registers
    if registers is None:
        return section("benefits", "Benefits against plan", [paragraph(ctx.inputs.registers_note)])
    rows = []
    for b in registers.get("benefits", []):
        planned = _figure(ctx, b.get("planned_to_date"), b.get("unit"))
        actual = _figure(ctx, b.get("actual_to_date"), b.get("unit"))
        variance = None
        if isinstance(planned["value"], int | float) and isinstance(actual["value"], int | float):
            variance = actual["value"] - planned["value"]
        variance_cell = dict(planned, value=variance)
        variance_cell.pop("rule", None)
        variance_cell["display"] = (
            display_number(variance, planned["unit"]) if variance is not None else "–"
        )
        rows.append(
            [
                text(b.get("name") or ""),
                text(b.get("programme_code") or ""),
                text(b.get("kind") or ""),
                text(b.get("unit") or ""),
                planned,
                actual,
                variance_cell,
                _figure(ctx, b.get("planned_total"), b.get("unit")),
                rag(b.get("rag")),
            ]
        )
    return section(
        "benefits",
        "Benefits against plan",
        [
            table(
                "benefits",
                "Benefits against plan, to date",
                [
                    column("Benefit"),
                    column("Programme"),
                    column("Kind"),
                    column("Unit"),
                    column("Planned to date", "number"),
                    column("Actual to date", "number"),
                    column("Variance", "number"),
                    column("Planned in total", "number"),
                    column("RAG"),
                ],
                rows,
                empty="No benefits on the register.",
            )
        ],
    )
