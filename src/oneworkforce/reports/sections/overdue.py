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
    return section(
        "overdue",
        "Overdue actions and reviews",
        [
            _table(
                ctx,
                "overdue_actions",
                "Overdue actions",
                actions,
                [
                    ("Meeting", "meeting"),
                    ("Item", "item"),
                    ("Action", "action"),
                    ("Owner", "owner"),
                    ("Due", "due_date"),
                ],
                "No action is overdue.",
            ),
            _table(
                ctx,
                "overdue_milestones",
                "Overdue programme milestones",
                milestones,
                [
                    ("Programme", "programme_code"),
                    ("Milestone", "name"),
                    ("Due", "due_date"),
                    ("Status", "status"),
                ],
                "No milestone is overdue.",
            ),
            _table(
                ctx,
                "overdue_reviews",
                "Overdue risk reviews",
                reviews,
                [("Risk", "ref"), ("Owner", "owner"), ("Review date", "review_date")],
                "No risk review is overdue.",
            ),
        ],
    )


def _table(ctx: Context, key, title, items, fields, empty):
    """One overdue list: its text columns, then how many days overdue each item is."""
    return table(
        key,
        title,
        [*(column(heading) for heading, _ in fields), column("Days overdue", "days")],
        [
            [
                *(text(item.get(name) or "") for _, name in fields),
                ctx.figures.plain(item.get("days_overdue"), "days"),
            ]
            for item in items
        ],
        empty=empty,
    )
