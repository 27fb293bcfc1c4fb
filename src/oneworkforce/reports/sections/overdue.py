"""Overdue actions, milestones and risk reviews: what the board should chase."""

from __future__ import annotations

from oneworkforce.reports.blocks import Section, column, paragraph, section, table, text
from oneworkforce.reports.context import Context


def build(ctx: Context) -> Section:
    registers = ctx.inputs.registers
    if registers is None:
        return section(
            "overdue", "Overdue actions and reviews", [paragraph(ctx.inputs.registers_note)]
        )
    actions = registers.get("overdue_actions", [])
    milestones = registers.get("overdue_milestones", [])
    reviews = registers.get("overdue_reviews", [])
    ctx.items("overdue_actions", [f"{a.get('meeting')}: {a.get('action')}" for a in actions])
    ctx.items(
        "overdue_milestones", [f"{m.get('programme_code')}: {m.get('name')}" for m in milestones]
    )
    ctx.items("overdue_reviews", [str(r.get("ref")) for r in reviews])
    ctx.facts["overdue"] = len(actions) + len(milestones) + len(reviews)
    days = column("Days overdue", "days")
    return section(
        "overdue",
        "Overdue actions and reviews",
        [
            table(
                "overdue_actions",
                "Overdue actions",
                [
                    column("Meeting"),
                    column("Item"),
                    column("Action"),
                    column("Owner"),
                    column("Due"),
                    days,
                ],
                [
                    [
                        text(a.get("meeting") or ""),
                        text(a.get("item") or ""),
                        text(a.get("action") or ""),
                        text(a.get("owner") or ""),
                        text(a.get("due_date") or ""),
                        ctx.figures.plain(a.get("days_overdue"), "days"),
                    ]
                    for a in actions
                ],
                empty="No action is overdue.",
            ),
            table(
                "overdue_milestones",
                "Overdue programme milestones",
                [column("Programme"), column("Milestone"), column("Due"), column("Status"), days],
                [
                    [
                        text(m.get("programme_code") or ""),
                        text(m.get("name") or ""),
                        text(m.get("due_date") or ""),
                        text(m.get("status") or ""),
                        ctx.figures.plain(m.get("days_overdue"), "days"),
                    ]
                    for m in milestones
                ],
                empty="No milestone is overdue.",
            ),
            table(
                "overdue_reviews",
                "Overdue risk reviews",
                [column("Risk"), column("Owner"), column("Review date"), days],
                [
                    [
                        text(r.get("ref") or ""),
                        text(r.get("owner") or ""),
                        text(r.get("review_date") or ""),
                        ctx.figures.plain(r.get("days_overdue"), "days"),
                    ]
                    for r in reviews
                ],
                empty="No risk review is overdue.",
            ),
        ],
    )
