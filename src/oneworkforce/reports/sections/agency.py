"""The agency and pay bill position: the system's figures, by place, and (full pack only) by
organisation, as the Paybill and Agency Management Committee reads them (seed 000)."""

from __future__ import annotations

from typing import Any

from oneworkforce.metrics import charts
from oneworkforce.metrics.catalogue import CATALOGUE
from oneworkforce.reports.blocks import Section, chart, column, paragraph, section, table, text
from oneworkforce.reports.context import Context, change_note, month_name
from oneworkforce.reports.sections.people_story import ICON_WORDS

SYSTEM_METRICS = (
    "agency_spend",
    "agency_share_of_paybill",
    "agency_share_of_paybill_fytd",
    "agency_cost_avoided_fytd",
    "agency_fte",
    "bank_fte",
    "price_cap_compliance",
)
BY_GROUP = ("agency_spend", "agency_share_of_paybill", "agency_fte", "bank_fte")


def build(ctx: Context) -> Section:
    store = ctx.inputs.store
    periods = [ctx.period, ctx.year_before]
    system = {
        (r["metric"], r["period"]): r
        for r in store.results(list(SYSTEM_METRICS), "system", {"period": periods})
    }
    icons = {
        r["metric"]: r.get("variation_icon")
        for r in store.latest(list(SYSTEM_METRICS), "system", {"period": ctx.period})
    }
    rows = []
    for code in SYSTEM_METRICS:
        metric = CATALOGUE.get(code)
        now, before = system.get((code, ctx.period)), system.get((code, ctx.year_before))
        if now is None or now["value"] is None:
            continue
        now_cell = _figure(ctx, now, metric.unit)
        before_cell = _figure(ctx, before, metric.unit) if before else _figure(ctx, None, "")
        rows.append(
            [
                text(metric.title),
                now_cell,
                before_cell,
                text(change_note(now_cell["value"], before_cell["value"], metric.unit)),
                text(ICON_WORDS.get(icons.get(code) or "", ""), status=icons.get(code) or ""),
            ]
        )
        ctx.record(f"system/{code}", now_cell["value"], "system", "system", code)
        ctx.facts.setdefault("agency", {})[code] = now_cell
    blocks: list[dict[str, Any]] = [
        paragraph(
            "Agency use and the pay bill across the system. The agency share of pay bill is "
            "judged against the national agency limit; agency cost avoided compares the "
            "financial year to date with the same months of the year before."
        ),
        table(
            "agency_system",
            f"Agency and pay bill, system, {month_name(ctx.period)}",
            [
                column("Measure"),
                column(month_name(ctx.period), "number"),
                column(month_name(ctx.year_before), "number"),
                column("Change"),
                column("Variation"),
            ],
            rows,
            empty="No agency or pay bill returns for this month.",
        ),
    ]
    blocks += _by_group(ctx, "place", "Place", "agency_place")
    if not ctx.public:
        blocks += _by_group(ctx, "org_code", "Organisation", "agency_organisation")
    return section("agency", "Agency and pay bill", blocks)


def _figure(ctx: Context, row: dict[str, Any] | None, unit: str, segment: str | None = None):
    if row is None:
        return ctx.figures.metric(None, unit or "count")
    if row.get("withheld"):
        return ctx.figures.withheld(unit, row["withheld"])
    return ctx.figures.metric(
        row["value"],
        unit,
        numerator=row.get("numerator"),
        denominator=row.get("denominator"),
        segment=segment,
    )


def _by_group(ctx: Context, split: str, title: str, table_id: str) -> list[dict[str, Any]]:
    rows = ctx.inputs.store.results(list(BY_GROUP), split, {"period": ctx.period})
    names = {str(o["org_code"]): str(o["org_name"]) for o in ctx.inputs.organisations}
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        groups.setdefault(r[split] or "Unknown", {})[r["metric"]] = r
    if not groups:
        return []
    out_rows = []
    share_rows = []
    labels = []
    for group in sorted(groups):
        label = f"{names.get(group, group)} ({group})" if split == "org_code" else group
        labels.append(label)
        cells = [text(label)]
        for code in BY_GROUP:
            metric = CATALOGUE.get(code)
            cells.append(_figure(ctx, groups[group].get(code), metric.unit))
        out_rows.append(cells)
    # the places add up to the system's figure in the table above: no hidden place may be
    # recovered from it (secondary suppression, public packs)
    for j, code in enumerate(BY_GROUP, start=1):
        if CATALOGUE.get(code).combine == "amount":
            total = ctx.facts.get("agency", {}).get(code)
            protected = ctx.figures.protect(total, [cells[j] for cells in out_rows])
            for cells, cell in zip(out_rows, protected, strict=True):
                cells[j] = cell
    for label, cells in zip(labels, out_rows, strict=True):
        share = cells[1 + BY_GROUP.index("agency_share_of_paybill")]["value"]
        share_rows.append({"group": label, "value": share})
    blocks: list[dict[str, Any]] = [
        table(
            table_id,
            f"Agency and bank by {title.lower()}, {month_name(ctx.period)}",
            [
                column(title),
                *(column(CATALOGUE.get(c).title, CATALOGUE.get(c).unit) for c in BY_GROUP),
            ],
            out_rows,
        )
    ]
    if split == "place":
        spec = charts.bar_chart(
            share_rows,
            category="group",
            category_title=title,
            title=f"Agency share of pay bill by {title.lower()}, {month_name(ctx.period)}",
            unit="fraction",
        )
        blocks.append(chart("agency_by_place", spec["title"]["text"], spec, spec["description"]))
    return blocks
