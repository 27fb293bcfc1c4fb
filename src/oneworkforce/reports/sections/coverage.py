"""The data coverage map: for each segment and metric, whether the board can see it, and for
each gap, where the data would come from, who owns it and what happens next."""

from __future__ import annotations

from oneworkforce.reports.blocks import Section, column, paragraph, section, table, text
from oneworkforce.reports.context import Context


def build(ctx: Context) -> Section:
    matrix = ctx.facts["matrix"]
    grid = []
    gaps = []
    seen = 0
    total = 0
    for row in matrix.rows:
        cells = [text(row["title"])]
        for cell in row["cells"]:
            cells.append(text(cell.availability_label, status=f"availability-{cell.availability}"))
            if cell.availability == "not_applicable":
                continue
            total += 1
            if cell.availability in ("available", "partial", "estimate"):
                seen += 1
            if cell.availability != "available":
                gaps.append(
                    [
                        text(row["title"]),
                        text(
                            next(c["title"] for c in matrix.columns if c["metric"] == cell.metric)
                        ),
                        text(cell.availability_label),
                        text(cell.source),
                        text(cell.owner),
                        text(cell.next_step),
                    ]
                )
        grid.append(cells)
    ctx.facts["coverage"] = (seen, total)
    return section(
        "coverage",
        "Data coverage",
        [
            paragraph(
                f"The board can see {seen} of the {total} segment and metric pairs that apply "
                "(available, partial or estimated). Each gap names its source, owner and next "
                "step from the data coverage map kept by the analysts."
            ),
            table(
                "coverage_map",
                "Data coverage map",
                [column("Segment"), *(column(c["title"]) for c in matrix.columns)],
                grid,
            ),
            table(
                "coverage_gaps",
                "Gaps and their next steps",
                [
                    column("Segment"),
                    column("Metric"),
                    column("Availability"),
                    column("Source"),
                    column("Owner"),
                    column("Next step"),
                ],
                gaps,
                empty="No gaps: every figure is available.",
            ),
        ],
    )
