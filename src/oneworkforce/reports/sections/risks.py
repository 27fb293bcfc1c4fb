"""Risks: the 5x5 heat map, the risks at or above the escalation score, and the Board
Assurance Framework (the risks escalated to it)."""

from __future__ import annotations

from typing import Any

from oneworkforce.formats import day
from oneworkforce.reports.blocks import Section, chart, column, paragraph, section, table, text
from oneworkforce.reports.context import Context

CONSEQUENCE = ("1 Negligible", "2 Minor", "3 Moderate", "4 Major", "5 Catastrophic")
LIKELIHOOD = {5: "5 Almost certain", 4: "4 Likely", 3: "3 Possible", 2: "2 Unlikely", 1: "1 Rare"}


def band(score: int) -> str:
    """The NHS 5x5 matrix bands: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme."""
    if score >= 15:
        return "extreme"
    if score >= 8:
        return "high"
    if score >= 4:
        return "moderate"
    return "low"


def _risk_rows(ctx: Context, risks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    rows = []
    for r in risks:
        score = r.get("current_score")
        rows.append(
            [
                text(r.get("ref") or ""),
                text(r.get("description") or ""),
                text(r.get("owner") or ""),
                ctx.figures.plain(
                    score,
                    "score",
                    note=f"L{r.get('current_likelihood')} × C{r.get('current_consequence')}",
                    status=f"band-{r.get('current_band') or band(int(score or 0))}",
                ),
                ctx.figures.plain(r.get("initial_score"), "score"),
                ctx.figures.plain(r.get("target_score"), "score"),
                text(
                    r.get("review_date") or "", status="overdue" if r.get("review_overdue") else ""
                ),
                text("Yes" if r.get("escalated_to_baf") else "No"),
            ]
        )
    return rows


RISK_COLUMNS = [
    column("Ref"),
    column("Risk"),
    column("Owner"),
    column("Current score", "score"),
    column("Initial score", "score"),
    column("Target score", "score"),
    column("Next review"),
    column("On the BAF"),
]


def build(ctx: Context) -> Section:
    registers = ctx.inputs.registers
    if registers is None:
        return section("risks", "Risks", [paragraph(ctx.inputs.registers_note)])
    escalation = int(registers.get("escalation_score") or 15)
    risks = registers.get("risks", [])
    for r in risks:
        ctx.index["risks"][r["ref"]] = r.get("current_score")
        if r.get("scored_on"):
            ctx.index["when"][f"risk/{r['ref']}"] = r["scored_on"]
    ctx.items("risks", [r["ref"] for r in risks])
    above = sorted(
        (r for r in risks if (r.get("current_score") or 0) >= escalation),
        key=lambda r: (-(r.get("current_score") or 0), r["ref"]),
    )
    ctx.facts["risks_above"] = len(above)
    ctx.facts["escalation_score"] = escalation
    heat = registers.get("heatmap") or {}
    counts = heat.get("counts") or [[0] * 5 for _ in range(5)]
    likelihoods = heat.get("likelihood") or [5, 4, 3, 2, 1]
    if likelihoods and likelihoods[0] == 1:  # the contract lists likelihood 5 first
        likelihoods = list(reversed(likelihoods))
    heat_rows = []
    for i, likelihood in enumerate(likelihoods):
        cells = [text(LIKELIHOOD.get(int(likelihood), str(likelihood)))]
        for j in range(5):
            score = int(likelihood) * (j + 1)
            cells.append(
                ctx.figures.plain(
                    counts[i][j], "count", status=f"band-{band(score)}", note=f"score {score}"
                )
            )
        heat_rows.append(cells)
    return section(
        "risks",
        "Risks and the Board Assurance Framework",
        [
            paragraph(
                f"The workforce risk register scored on the 5×5 matrix (likelihood × "
                f"consequence). Risks scoring {escalation} or more are escalated to this Board; "
                "those on the Board Assurance Framework (BAF) are listed separately."
            ),
            table(
                "risk_heatmap",
                "Risk heat map: number of risks by current likelihood and consequence",
                [column("Likelihood \\ consequence"), *(column(c, "count") for c in CONSEQUENCE)],
                heat_rows,
            ),
            table(
                "risks_escalated",
                f"Risks at or above the escalation score ({escalation})",
                RISK_COLUMNS,
                _risk_rows(ctx, above),
                empty=f"No risk scores {escalation} or more.",
            ),
            table(
                "baf",
                "Board Assurance Framework",
                RISK_COLUMNS,
                _risk_rows(ctx, registers.get("baf", [])),
                empty="No risk is escalated to the Board Assurance Framework.",
            ),
            _brought_below(ctx, registers, escalation),
            *_indicator_blocks(ctx, registers),
        ],
    )


def _brought_below(ctx: Context, registers: dict[str, Any], escalation: int) -> dict[str, Any]:
    """The risks whose current score reached the escalation score in the year to the board
    date and has since come down (the snapshot's ``baf_brought_below``, the list the Board
    Assurance Framework page shows), highest score in the year first."""
    as_of = day(registers.get("as_of"))
    rows = [
        [
            text(r.get("ref") or ""),
            text(r.get("description") or ""),
            text(r.get("owner") or ""),
            ctx.figures.plain(r["peak_score"], "score", status=f"band-{band(r['peak_score'])}"),
            text(day(r.get("peak_on"))),
            ctx.figures.plain(
                r.get("current_score"),
                "score",
                status=f"band-{r.get('current_band') or band(int(r.get('current_score') or 0))}",
            ),
            ctx.figures.plain(r.get("target_score"), "score"),
        ]
        for r in registers.get("baf_brought_below") or []
    ]
    return table(
        "baf_brought_below",
        f"Brought below the escalation score in the year to {as_of}",
        [
            column("Ref"),
            column("Risk"),
            column("Owner"),
            column("Highest score in the year", "score"),
            column("Scored on"),
            column("Current score", "score"),
            column("Target score", "score"),
        ],
        rows,
        caption=(
            f"Risks whose current score reached {escalation} or more in the year to {as_of} "
            "and has since come down: the controls brought them off the framework."
        ),
        empty=f"No risk was brought below {escalation} in the year to {as_of}.",
    )


def _indicator_blocks(ctx: Context, registers: dict[str, Any]) -> list[dict[str, Any]]:
    """The risks whose key risk indicators signal: "indicator signal: review due", with the
    reasons and (in the Board's own version) the charts of the signalling series."""
    from oneworkforce.metrics import charts

    flags = registers.get("indicator_flags") or {}
    on_baf = {r["ref"] for r in registers.get("baf", [])}
    rows = [
        [
            text(ref),
            text("Yes" if ref in on_baf else "No"),
            text(flag["flag"].capitalize(), status="overdue"),
            text("; ".join(flag["reasons"])),
        ]
        for ref, flag in sorted(flags.items())
    ]
    blocks: list[dict[str, Any]] = [
        table(
            "risk_indicator_flags",
            "Risks whose key risk indicators signal",
            [column("Risk"), column("On the BAF"), column("Flag"), column("Why")],
            rows,
            empty="No risk's key risk indicators signal a review.",
        )
    ]
    if ctx.public:
        return blocks
    for ref, flag in sorted(flags.items()):
        for series in flag["series"]:
            title = f"{ref}: {series['title']} ({series['where']})"
            spec = charts.spc_chart(series["points"], title=title, unit=series["unit"])
            blocks.append(chart(f"kri_{ref}_{series['metric']}", title, spec, spec["description"]))
    return blocks
