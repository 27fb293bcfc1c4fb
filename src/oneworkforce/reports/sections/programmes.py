"""The programme assurance grid (seed 000, Appendix 1): each programme's chair or SRO,
objective, RAG by domain and its change since the last pack, and the status update."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import Section, column, paragraph, section, table, text
from oneworkforce.reports.context import Context

RAG_WORDS = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "blue": "Blue (complete)",
    "amber_red": "Amber/red",
    "amber_green": "Amber/green",
}
DOMAINS = (
    ("delivery", "Delivery"),
    ("benefits_finance", "Benefits and finance"),
    ("risk", "Risk"),
    ("resources", "Resources"),
)


def rag(value: Any) -> dict[str, Any]:
    """A RAG cell: the word and a status for colour."""
    code = str(value or "").strip().lower().replace("/", "_").replace(" ", "_")
    return text(RAG_WORDS.get(code, str(value or "Not rated")), status=f"rag-{code or 'none'}")


def build(ctx: Context) -> Section:
    registers = ctx.inputs.registers
    if registers is None:
        return section("programmes", "Programme assurance", [paragraph(ctx.inputs.registers_note)])
    previous = ((ctx.inputs.previous or {}).get("index") or {}).get("rag", {})
    rows = []
    for p in registers.get("programmes", []):
        overall = (p.get("rag") or {}).get("overall")
        before = (
            previous.get(p["code"])
            if ctx.inputs.previous
            else (p.get("previous_rag") or {}).get("overall")
        )
        ctx.index["rag"][p["code"]] = overall
        if p.get("last_report_date"):
            ctx.index["when"][f"rag/{p['code']}"] = p["last_report_date"]
        if before is None:
            change = "New since the last pack" if ctx.inputs.previous else "First report"
        elif before != overall:
            was = RAG_WORDS.get(str(before).lower(), before)
            now = RAG_WORDS.get(str(overall).lower(), overall)
            change = f"{was} to {now}"
        else:
            change = "No change"
        leads = "; ".join(dict.fromkeys(x for x in (p.get("chair"), p.get("sro")) if x))
        rows.append(
            [
                text(f"{p.get('name', p['code'])} ({p['code']})"),
                text(leads),
                text(p.get("objective") or ""),
                rag(overall),
                *(rag((p.get("rag") or {}).get(key)) for key, _ in DOMAINS),
                text(change),
                text(p.get("narrative") or ""),
            ]
        )
    ctx.items("programmes", [p["code"] for p in registers.get("programmes", [])])
    ctx.facts["red_programmes"] = sum(
        1
        for p in registers.get("programmes", [])
        if str((p.get("rag") or {}).get("overall")).lower() == "red"
    )
    grid = table(
        "programme_grid",
        "Programme assurance grid",
        [
            column("Programme"),
            column("Chair / SRO"),
            column("Key objective"),
            column("Overall RAG"),
            *(column(title) for _, title in DOMAINS),
            column("Change since last pack"),
            column("Status update"),
        ],
        rows,
        empty="No programmes on the register.",
    )
    return section(
        "programmes",
        "Programme assurance",
        [
            paragraph(
                "An at-a-glance view of each workforce programme: its objective, its RAG rating "
                "overall and by domain, and how the overall rating has moved since the last pack."
            ),
            grid,
        ],
    )
