"""What changed since the last pack: this pack's index against the previous pack's (the last
one of the same kind, full or public): RAG changes, risk score movements, new special-cause
signals, and items that are new or have closed."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import Section, bullets, column, paragraph, section, table, text
from oneworkforce.reports.context import Context, month_name
from oneworkforce.reports.inputs import month_end

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


def _band(score: Any) -> str:
    from oneworkforce.reports.sections.risks import band

    return band(int(score)) if score else ""


def _metric_title(metric: str) -> str:
    from oneworkforce.metrics.catalogue import CATALOGUE

    try:
        return CATALOGUE.get(metric).title
    except KeyError:
        return metric


def _figure_title(key: str) -> str:
    group, _, metric = key.partition("/")
    return f"{_metric_title(metric)} ({group.replace('_', ' ')})"


def material(before: dict[str, Any], after: dict[str, Any], as_of: str = "") -> list[str]:
    """The material changes between two packs' recorded figures, in words, newest first: a
    new special cause signal, a target newly failed or met, a risk moving band, a programme's
    RAG changing, a figure moving by more than its process limits' width. A risk's change is
    dated by its latest scoring and a RAG's by its status report (the later pack's ``when``);
    the figures' by ``as_of``, the end of the later pack's month. Changes of the same day keep
    the order above."""
    dated: list[tuple[str, str]] = []
    when = after.get("when", {})

    def add(text: str, key: str = "") -> None:
        dated.append((str(when.get(key) or as_of), text))

    for key in sorted(set(after.get("special_causes", [])) - set(before.get("special_causes", []))):
        add(f"New special-cause signal: {_signal(key)}.")
    was, now = before.get("assurance", {}), after.get("assurance", {})
    for key in sorted(now):
        if key not in was or was[key] == now[key]:
            continue
        if now[key] == "consistent_fail":
            add(f"{_figure_title(key)} now consistently fails its target.")
        elif now[key] == "consistent_pass":
            add(f"{_figure_title(key)} now consistently meets its target.")
        elif was[key] == "consistent_fail":
            add(f"{_figure_title(key)} no longer consistently fails its target.")
    risks_before, risks_after = before.get("risks", {}), after.get("risks", {})
    for ref in sorted(risks_after):
        old, new = _band(risks_before.get(ref)), _band(risks_after.get(ref))
        if ref in risks_before and old and new and old != new:
            add(
                f"Risk {ref} moved from {old} ({risks_before[ref]}) to {new} ({risks_after[ref]}).",
                f"risk/{ref}",
            )
    rag_before = before.get("rag", {})
    for code, rag in sorted(after.get("rag", {}).items()):
        if code in rag_before and rag_before[code] != rag:
            add(f"Programme {code}'s RAG changed from {rag_before[code]} to {rag}.", f"rag/{code}")
    figures_before, widths = before.get("figures", {}), after.get("limits", {})
    for key, value in sorted(after.get("figures", {}).items()):
        old, width = figures_before.get(key), widths.get(key)
        if value is None or old is None or not width:
            continue
        if abs(value - old) > width:
            add(
                f"{_figure_title(key)} moved from {old:g} to {value:g}, more than the width "
                f"of its process limits ({width:g})."
            )
    # newest first; the sort is stable, so changes of one day keep the order above
    return [text for _, text in sorted(dated, key=lambda d: d[0], reverse=True)]


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
    ctx.facts["material_changes"] = material(
        previous.get("index") or {}, ctx.index, month_end(ctx.period).isoformat()
    )
    made = previous.get("created_at", "")[:10]
    blocks: list[dict[str, Any]] = [
        paragraph(
            f"Compared with the last pack, for {month_name(previous.get('period'))} (made {made})."
        ),
        paragraph(
            "Material changes, newest first:"
            if ctx.facts["material_changes"]
            else "No material change in the figures both packs recorded."
        ),
    ]
    if ctx.facts["material_changes"]:
        blocks.append(bullets(ctx.facts["material_changes"]))
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
    metric, _, group = key.partition("/")
    return f"{_metric_title(metric)}: {group.replace('_', ' ')}"
