"""The NHS board paper cover sheet (seeds 000 and 002): title, meeting and date, executive
lead and author, purpose, action required, summary, recommendations and implications."""

from __future__ import annotations

from typing import Any

from oneworkforce.formats import day
from oneworkforce.metrics.charts import format_value
from oneworkforce.reports.blocks import (
    Section,
    bullets,
    column,
    fields,
    paragraph,
    section,
    table,
    text,
)
from oneworkforce.reports.context import Context, month_name
from oneworkforce.reports.options import ACTIONS
from oneworkforce.reports.sections.people_story import ICON_WORDS


def summary(ctx: Context) -> list[str]:
    """The key messages, in words, from the figures of the other sections."""
    key = ctx.facts.get("key", {})
    lines = []
    for info in key.values():
        if info["value"] is None:
            continue
        words = f"{info['title']}: {format_value(info['value'], info['unit'])}"
        icon = ICON_WORDS.get(info["icon"] or "", "")
        if icon:
            words += f" ({icon.lower()} variation)"
        if info["target"] is not None:
            words += f", against a target of {format_value(info['target'], info['unit'])}"
        lines.append(words + ".")
    if "red_programmes" in ctx.facts:
        n = ctx.facts["red_programmes"]
        lines.append(f"{n} programme{'s are' if n != 1 else ' is'} rated red overall.")
    if "risks_above" in ctx.facts:
        n, score = ctx.facts["risks_above"], ctx.facts["escalation_score"]
        lines.append(f"{n} risk{'s score' if n != 1 else ' scores'} {score} or more.")
    if "coverage" in ctx.facts:
        seen, total = ctx.facts["coverage"]
        lines.append(f"The board can see {seen} of {total} segment and metric figures.")
    return lines


def recommendations(ctx: Context) -> list[str]:
    if ctx.options.recommendations:
        return list(ctx.options.recommendations)
    out = [
        "Note the workforce position set out in the People Story and Making Data Count "
        "summary, including the special-cause signals identified.",
        "Note the agency and pay bill position.",
    ]
    if ctx.inputs.registers is not None:
        out.append(
            "Take assurance from the programme assurance grid and benefits against plan, and "
            "note the risks escalated to the Board."
        )
    out.append("Note the gaps in the data coverage map and the actions to close them.")
    return out


def implications(ctx: Context) -> list[tuple[str, str]]:
    rules = ctx.figures.metadata()
    privacy = "Aggregate figures only; no person-level data leaves the analytical store. " + (
        f"This public version applies disclosure control ({rules['disclosure_rules']}) to "
        "every figure and leaves out organisation-level detail."
        if ctx.public
        else "This version shows figures by organisation and is for the Board's use; the "
        "public version applies disclosure control to every figure."
    )
    return [
        ("Finance", "The agency and pay bill position is set out in the report."),
        ("Quality", "Workforce sufficiency, stability and wellbeing underpin safe, quality care."),
        ("Workforce", "The report is about the system's workforce as a whole."),
        ("Legal / Regulatory", "Supports the ICB's duty to plan and assure its workforce."),
        ("Data protection / IG", privacy),
        ("Health inequality / equality", "WRES figures are available in the metric catalogue."),
        ("Conflict of interest", _conflicts(ctx)),
        ("Sustainability", "None identified."),
    ]


def _conflicts(ctx: Context) -> str:
    """From the conflicts check of the meeting the pack goes to ("None identified" only
    when the check found none)."""
    if ctx.inputs.registers is None:
        return f"Not checked. {ctx.inputs.registers_note}".strip()
    from oneworkforce.registers.conflicts import cover_text

    return cover_text(ctx.inputs.registers.get("conflicts"))


def build(ctx: Context) -> Section:
    o = ctx.options
    changed = ctx.facts.get("material_changes") or []
    summary_lines = (
        [f"Since the last pack: {c}" for c in changed]
        + ([o.summary] if o.summary else [])
        + summary(ctx)
    )
    blocks: list[dict[str, Any]] = [
        fields(
            [
                ("Report to", o.meeting),
                ("Date of meeting", day(o.meeting_date)),  # 20 Jul 2024
                *([("Agenda item", o.agenda_item)] if o.agenda_item else []),
                ("Title", f"{o.title}: {month_name(ctx.period)}"),
                ("Executive lead", o.executive_lead),
                ("Author", o.author),
                ("Action required", o.action_required),
                ("Report exempt from public disclosure", "No" if ctx.public else "Yes"),
            ]
        ),
        table(
            "action_required",
            "Action required",
            [column(a) for a in ACTIONS],
            [[text("✓ Selected" if a == o.action_required else "") for a in ACTIONS]],
        ),
        paragraph(f"Purpose of the paper: {o.purpose}"),
        paragraph(f"Summary of the report, {month_name(ctx.period)}:"),
        bullets(summary_lines),
        paragraph("Recommendations. The Board is asked to:"),
        bullets(recommendations(ctx)),
        table(
            "implications",
            "Implications",
            [column("Area"), column("Implication")],
            [[text(k), text(v)] for k, v in implications(ctx)],
        ),
    ]
    return section("cover", "Cover sheet", blocks)
