"""What changed since the last pack: this pack's index against the previous pack's (the last
one of the same kind, full or public): RAG changes, risk score movements, new special-cause
signals, and items that are new or have closed."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import Section, bullets, column, paragraph, section, table, text
from oneworkforce.reports.context import Context, month_name

ITEM_TITLES = {
    "programmes": "Programmes",
    "risks": "Risks",
    "overdue_actions": "Overdue actions",
    "overdue_milestones": "Overdue milestones",
    "overdue_reviews": "Overdue risk reviews",
}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The differences between two packs' indexes, as plain data."""
    rag_before, rag_after = before.get("rag", {}), after.get("rag", {})
    risks_before, risks_after = before.get("risks", {}), after.get("risks", {})
    signals_before = set(before.get("special_causes", []))
    items_before, items_after = before.get("items", {}), after.get("items", {})
    return {
        "rag_changes": [
            {"programme": code, "from": rag_before[code], "to": rag}
            for code, rag in sorted(rag_after.items())
            if code in rag_before and rag_before[code] != rag
        ],
        "risk_movements": [
            {"ref": ref, "from": risks_before[ref], "to": score}
            for ref, score in sorted(risks_after.items())
            if ref in risks_before and risks_before[ref] != score
        ],
        "new_signals": sorted(set(after.get("special_causes", [])) - signals_before),
        "ended_signals": sorted(signals_before - set(after.get("special_causes", []))),
        "new_items": {
            kind: sorted(set(keys) - set(items_before.get(kind, [])))
            for kind, keys in sorted(items_after.items())
            if kind in items_before and set(keys) - set(items_before.get(kind, []))
        },
        "closed_items": {
            kind: sorted(set(items_before.get(kind, [])) - set(keys))
            for kind, keys in sorted(items_after.items())
            if set(items_before.get(kind, [])) - set(keys)
        },
    }


def build(ctx: Context) -> Section:
    previous = ctx.inputs.previous
    if previous is None:
        return section(
            "changes",
            "What changed since the last pack",
            [paragraph("This is the first pack of its kind: there is nothing to compare with.")],
        )
    changes = diff(previous.get("index") or {}, ctx.index)
    ctx.facts["changes"] = changes
    made = previous.get("created_at", "")[:10]
    blocks: list[dict[str, Any]] = [
        paragraph(
            f"Compared with the last pack, for {month_name(previous.get('period'))} (made {made})."
        )
    ]
    blocks.append(
        table(
            "changes_rag",
            "Programme RAG changes",
            [column("Programme"), column("Was"), column("Now")],
            [
                [text(c["programme"]), text(c["from"]), text(c["to"])]
                for c in changes["rag_changes"]
            ],
            empty="No programme's overall RAG has changed.",
        )
    )
    blocks.append(
        table(
            "changes_risks",
            "Risk score movements",
            [
                column("Risk"),
                column("Was", "score"),
                column("Now", "score"),
                column("Movement", "score"),
            ],
            [
                [
                    text(m["ref"]),
                    ctx.figures.plain(m["from"], "score"),
                    ctx.figures.plain(m["to"], "score"),
                    ctx.figures.plain((m["to"] or 0) - (m["from"] or 0), "score"),
                ]
                for m in changes["risk_movements"]
            ],
            empty="No risk score has moved.",
        )
    )
    signals = [_signal(s) for s in changes["new_signals"]]
    blocks.append(
        paragraph("New special-cause signals:" if signals else "No new special-cause signals.")
    )
    if signals:
        blocks.append(bullets(signals))
    items = []
    for kind, keys in changes["new_items"].items():
        items += [f"New – {ITEM_TITLES.get(kind, kind)}: {k}" for k in keys]
    for kind, keys in changes["closed_items"].items():
        items += [f"Closed – {ITEM_TITLES.get(kind, kind)}: {k}" for k in keys]
    blocks.append(paragraph("New and closed items:" if items else "No items opened or closed."))
    if items:
        blocks.append(bullets(items))
    return section("changes", "What changed since the last pack", blocks)


def _signal(key: str) -> str:
    from oneworkforce.metrics.catalogue import CATALOGUE

    metric, _, group = key.partition("/")
    try:
        title = CATALOGUE.get(metric).title
    except KeyError:
        title = metric
    return f"{title}: {group.replace('_', ' ')}"
