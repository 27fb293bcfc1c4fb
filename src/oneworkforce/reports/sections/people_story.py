"""The People Story matrix (seed 001): segments by the leading workforce metrics."""

from __future__ import annotations

from typing import Any

from oneworkforce.metrics import people_story
from oneworkforce.reports.blocks import Section, column, paragraph, section, table, text
from oneworkforce.reports.context import Context, change_note, month_name

#: Making Data Count variation icons, in words (colour is never the only signal)
ICON_WORDS = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
}


def build(ctx: Context) -> Section:
    inputs = ctx.inputs
    matrix = people_story.build(
        inputs.store,
        inputs.segments,
        period=ctx.period,
        organisations=inputs.organisations,
        overrides=inputs.overrides,
        catalogue=inputs.catalogue,
    )
    ctx.facts["matrix"] = matrix
    codes = [c for c, _ in people_story.COLUMNS]
    raw = {
        (r["segment"], r["metric"], r["period"]): r
        for r in inputs.store.results(
            codes, "segment", {"period": [ctx.period, ctx.year_before], "origin": "computed"}
        )
    }
    for r in inputs.store.results(
        codes, "segment", {"period": [ctx.period, ctx.year_before], "origin": "aggregate"}
    ):
        raw.setdefault((r["segment"], r["metric"], r["period"]), r)
    columns = [column("Segment")] + [column(c["title"], c["unit"]) for c in matrix.columns]
    rows = []
    shown = []
    for row in matrix.rows:
        if all(c.availability == "not_applicable" for c in row["cells"]):
            continue
        cells = [text(row["title"])]
        for cell in row["cells"]:
            cells.append(_cell(ctx, cell, raw))
        rows.append(cells)
        shown.append(row["cells"])
    _protect_counts(ctx, matrix, rows, shown)
    return section(
        "people_story",
        "The People Story",
        [
            paragraph(
                f"The leading workforce metrics for each part of the workforce in "
                f"{month_name(ctx.period)}, with the movement on the same month a year before "
                "and the Making Data Count variation of each series. Where a figure is not "
                "available, the cell says why (see the data coverage map)."
            ),
            table(
                "people_story",
                f"People Story matrix, {month_name(ctx.period)}",
                columns,
                rows,
                caption="Rows: segments of the workforce. Columns: leading metrics.",
            ),
        ],
    )


def _protect_counts(ctx: Context, matrix, rows: list[list[dict]], cells: list[list]) -> None:
    """Secondary suppression in a public pack: the computed segments' staff in post add up to
    the system figure the pack shows, so no one hidden segment may be worked out from it."""
    if not ctx.public:
        return
    from oneworkforce.reports.figures import PEOPLE_UNITS

    for j, col in enumerate(matrix.columns):
        if col["unit"] not in PEOPLE_UNITS:
            continue
        system = ctx.inputs.store.results(
            col["metric"], "system", {"period": ctx.period, "origin": "computed"}
        )
        if not system or system[0]["value"] is None:
            continue
        total = ctx.figures.metric(system[0]["value"], col["unit"])
        parts = [
            i
            for i, row in enumerate(cells)
            if row[j].origin == "computed" and rows[i][j + 1]["unit"] != "text"
        ]
        protected = ctx.figures.protect(total, [rows[i][j + 1] for i in parts])
        for i, cell in zip(parts, protected, strict=True):
            rows[i][j + 1] = cell


def _cell(ctx: Context, cell: people_story.Cell, raw: dict[tuple[str, str, str], Any]) -> dict:
    if cell.withheld:  # a public pack: fewer organisations than the minimum
        return ctx.figures.withheld(cell.unit, cell.withheld)
    if cell.value is None:
        return text(cell.availability_label, status=cell.availability, note=cell.next_step)
    now_row = raw.get((cell.segment, cell.metric, ctx.period), {})
    before_row = raw.get((cell.segment, cell.metric, ctx.year_before))
    shown = ctx.figures.metric(
        cell.value,
        cell.unit,
        numerator=now_row.get("numerator"),
        denominator=now_row.get("denominator"),
        segment=cell.segment,
    )
    before = None
    if before_row is not None and cell.comparator is not None:
        before = ctx.figures.metric(
            cell.comparator,
            cell.unit,
            numerator=before_row.get("numerator"),
            denominator=before_row.get("denominator"),
            segment=cell.segment,
        )["value"]
    notes = [
        ICON_WORDS.get(cell.variation_icon or "", ""),
        change_note(shown["value"], before, cell.unit),
    ]
    if cell.availability in ("partial", "estimate"):
        notes.append(cell.availability_label)
    if cell.comparison_note:  # a change of source: the year before is not compared
        notes.append(cell.comparison_note)
    shown["note"] = "; ".join(n for n in notes if n)
    if cell.variation_icon:
        shown["status"] = cell.variation_icon
    icons = [c for c in (cell.variation_icon, cell.assurance) if c]
    if icons:  # drawn as the Making Data Count icons, with their labels as alt text
        shown["icons"] = icons
    ctx.record(
        f"{cell.segment}/{cell.metric}", shown["value"], "segment", cell.segment, cell.metric
    )
    return shown
