"""Making Data Count: the key metrics at system level, with their icons and SPC charts."""

from __future__ import annotations

from typing import Any

from oneworkforce.metrics import charts, people_story, targets
from oneworkforce.reports.blocks import (
    Section,
    chart,
    column,
    number,
    paragraph,
    section,
    table,
    text,
)
from oneworkforce.reports.context import Context, month_name
from oneworkforce.reports.figures import PEOPLE_UNITS
from oneworkforce.reports.sections.people_story import ICON_WORDS

#: the key metrics of the summary table, in board order
KEY_METRICS = (*(c for c, _ in people_story.COLUMNS), "stability_index")
#: what the summary says of a rolling or year-to-date metric (SPC needs independent points)
NO_SPC = "SPC not used (rolling figure)"
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently passes",
    "consistent_fail": "Consistently fails",
    "inconsistent": "Hits and misses",
}


def build(ctx: Context) -> Section:
    store = ctx.inputs.store
    totals = {
        (r["metric"], r["period"]): r
        for r in store.results(list(KEY_METRICS), "system", {"origin": "computed"})
    }
    rows = []
    blocks: list[dict[str, Any]] = []
    for code in KEY_METRICS:
        # the ICS's target (targets.toml), the one lookup the pages use too
        goal = targets.applied(ctx.inputs.catalogue, code)
        metric = goal.metric
        points = [p for p in store.series(code, "system") if p["period"] <= ctx.period]
        points = [_controlled(ctx, p, totals, metric.unit) for p in points]
        latest = next((p for p in reversed(points) if p["period"] == ctx.period), None)
        if latest is None:
            continue
        target = goal.line
        icon = latest.get("variation_icon") or ""
        assurance = goal.assurance(latest) or ""
        rows.append(
            [
                text(metric.title),
                latest.get("_cell") or number(latest["value"], metric.unit),
                _statistic(ctx, latest.get("mean"), metric.unit),
                _statistic(ctx, latest.get("lpl"), metric.unit),
                _statistic(ctx, latest.get("upl"), metric.unit),
                _target(goal),
                text(
                    ICON_WORDS.get(icon, "Not enough data"),
                    status=icon,
                    icons=[icon] if icon else [],
                )
                if metric.spc
                else text(NO_SPC),
                text(
                    ASSURANCE_WORDS.get(assurance, "No target"), icons=[assurance] * bool(assurance)
                )
                if metric.spc
                else text(NO_SPC),
            ]
        )
        if icon and icon != "common_cause":
            ctx.index["special_causes"].append(f"{code}/system")
        ctx.facts.setdefault("key", {})[code] = {
            "title": metric.title,
            "value": latest["value"],
            "unit": metric.unit,
            "icon": icon,
            "assurance": assurance or None,
            "target": target,
            "target_text": goal.label,
        }
        spec = charts.spc_chart(points, title=metric.title, unit=metric.unit, target=target)
        blocks.append(chart(f"spc_{code}", metric.title, spec, spec["description"]))
    _segment_signals(ctx)
    summary = table(
        "mdc_summary",
        f"Making Data Count summary, system level, {month_name(ctx.period)}",
        [
            column("Metric"),
            column("Latest", "number"),
            column("Mean", "number"),
            column("Lower process limit", "number"),
            column("Upper process limit", "number"),
            column("Target", "number"),
            column("Variation"),
            column("Assurance"),
        ],
        rows,
        empty="No system-level series to analyse yet.",
    )
    intro = paragraph(
        "Each key metric is read as a Making Data Count statistical process control chart: the "
        "mean and process limits show the usual month-to-month variation; points outside them, "
        "or runs and trends, are special-cause variation, shown as improvement or concern. "
        "Assurance says whether the process can be relied on to meet its target."
    )
    return section("making_data_count", "Making Data Count", [intro, summary, *blocks])


def _target(goal: targets.Applied) -> dict[str, Any]:
    """The target cell: its value, and who set it beneath."""
    if goal.shown is None:
        return text("No target")
    note = f"Set by {goal.shown.set_by}"
    if goal.line is None:  # a band or a two-sided limit: in words
        return text(goal.shown.value, note=note)
    return number(goal.line, goal.metric.unit, display=goal.shown.value, note=note)


def _controlled(
    ctx: Context, point: dict[str, Any], totals: dict[tuple[str, str], Any], unit: str
) -> dict[str, Any]:
    """A chart point with its value through disclosure control (public packs)."""
    if not ctx.public or point.get("value") is None:
        return point
    total = totals.get((point["metric"], point["period"]), {})
    cell = ctx.figures.metric(
        point["value"],
        unit,
        numerator=total.get("numerator"),
        denominator=total.get("denominator"),
    )
    out = {**point, "value": cell["value"], "_cell": cell}
    if unit in PEOPLE_UNITS:  # the mean and limits of a count are rounded like counts
        for key in ("mean", "lpl", "upl"):
            if point.get(key) is not None:
                out[key] = ctx.figures.metric(point[key], unit)["value"]
    return out


def _statistic(ctx: Context, value: float | None, unit: str) -> dict[str, Any]:
    """A mean or a limit: in a public pack, people figures are rounded like counts."""
    if ctx.public and unit in PEOPLE_UNITS and value is not None:
        return ctx.figures.metric(value, unit)
    return number(value, unit)


def _segment_signals(ctx: Context) -> None:
    """Special-cause signals in the latest month of each segment's series (for the diff)."""
    for row in ctx.inputs.store.latest(list(KEY_METRICS), "segment", {"period": ctx.period}):
        icon = row.get("variation_icon")
        if icon and icon != "common_cause":
            ctx.index["special_causes"].append(f"{row['metric']}/{row['segment']}")
    ctx.index["special_causes"] = sorted(set(ctx.index["special_causes"]))
