"""Vega-Lite specifications of the charts: one definition, drawn by the web pages (vega-embed)
and by the board packs (vl-convert), so the board reads the same chart the analyst saw.

A Making Data Count chart (spc_spec.md) shows the values, the mean and the process limits of
each group (a rebase starts a new group, so the lines step), special-cause points coloured by
their type, and the target when there is one. Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from oneworkforce.formats import month_name  # plain Python: no Django

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

#: Making Data Count colours: improvement blue, concern orange, neutral purple, common grey.
POINT_COLOURS: dict[str, str] = {
    "common_cause": "#768692",
    "special_cause_improvement": "#005eb8",
    "special_cause_concern": "#ed8b00",
    "special_cause_neutral_high": "#7c2855",
    "special_cause_neutral_low": "#7c2855",
}
POINT_LABELS: dict[str, str] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neither (high)",
    "special_cause_neutral_low": "Special cause: neither (low)",
}


def value_format(unit: str) -> str:
    """A d3 format for a unit: fractions as percentages, pounds with a £, counts plain."""
    return {"fraction": ".1%", "pounds": "$,.0f", "fte": ",.1f", "headcount": ",.0f"}.get(
        unit, ",.2f"
    )


def _month(period: str) -> str:
    return f"{period}-01" if len(period) == 7 else period


def _frame(
    title: str, description: str, rows: list[dict[str, Any]], width: int | str, height: int
) -> dict[str, Any]:
    """What every chart here shares: the title, its text alternative, size, data and font."""
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": description,
        "width": width,
        "height": height,
        "data": {"values": rows},
        "config": {"font": "Arial", "view": {"stroke": None}},
    }


def _value_axis(unit: str, **field: str) -> dict[str, Any]:
    """The y axis of a chart of figures in ``unit`` (% or £ formatted, not from zero)."""
    return {
        **field,
        "type": "quantitative",
        "title": {"fraction": "%", "pounds": "£"}.get(unit, unit),
        "axis": {"format": value_format(unit)},
        "scale": {"zero": False},
    }


_MONTH_AXIS = {"field": "month", "type": "temporal", "title": None, "axis": {"format": "%b %Y"}}


def spc_chart(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """The SPC chart of one stored series (``ResultsReader.series`` rows, in period order).
    A series SPC does not apply to (no mean on any point: rolling 12-month and year-to-date
    figures) is drawn as a line chart with the same months a year before instead."""
    if not any(p.get("mean") is not None for p in points):
        return line_chart(points, title=title, unit=unit, target=target, width=width, height=height)
    rows = []
    for p in points:
        if p.get("value") is None:
            continue
        point_type = p.get("point_type") or "common_cause"
        rows.append(
            {
                "month": _month(str(p["period"])),
                "value": p["value"],
                "mean": p.get("mean"),
                "upl": p.get("upl"),
                "lpl": p.get("lpl"),
                "point_type": POINT_LABELS.get(point_type, point_type),
                "target": target if target is not None else p.get("target"),
            }
        )
    fmt = value_format(unit)
    x = _MONTH_AXIS
    domain = [POINT_LABELS[k] for k in POINT_COLOURS]
    colours = list(POINT_COLOURS.values())
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "color": "#d8dde0", "strokeDash": [6, 3]},
            "encoding": {"x": x, "y": {"field": "upl", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#d8dde0", "strokeDash": [6, 3]},
            "encoding": {"x": x, "y": {"field": "lpl", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#425563", "strokeWidth": 1},
            "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}},
        },
        {
            "mark": {"type": "line", "color": "#768692"},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "point_type",
                    "type": "nominal",
                    "title": "Variation",
                    "scale": {"domain": domain, "range": colours},
                    # labels whole (never "Special cause: neithe…") on a page or a phone
                    "legend": {"orient": "bottom", "columns": 2, "labelLimit": 0},
                },
                "shape": {"field": "point_type", "type": "nominal", "legend": None},
                "tooltip": [
                    {"field": "month", "type": "temporal", "format": "%B %Y", "title": "Month"},
                    {"field": "value", "type": "quantitative", "format": fmt, "title": title},
                    {"field": "mean", "type": "quantitative", "format": fmt, "title": "Mean"},
                    {"field": "point_type", "type": "nominal", "title": "Variation"},
                ],
            },
        },
    ]
    if any(r["target"] is not None for r in rows):
        layers.append(
            {
                "mark": {"type": "line", "color": "#d5281b", "strokeWidth": 1.5},
                "encoding": {"x": x, "y": {"field": "target", "type": "quantitative"}},
            }
        )
    description = spc_description(points, title=title, unit=unit)
    return {
        **_frame(title, description, rows, width, height),
        "encoding": {"y": _value_axis(unit)},
        "layer": layers,
    }


def line_chart(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    width: int | str = "container",
    height: int = 260,
) -> dict[str, Any]:
    """A run of figures that are not independent points (rolling 12-month, year to date):
    the figure and, dashed, the same month a year before, with the target; no mean, limits
    or special-cause colours (Making Data Count applies SPC to independent points only)."""
    by_period = {str(p["period"]): p.get("value") for p in points}
    rows = []
    for p in points:
        if p.get("value") is None:
            continue
        period = str(p["period"])
        year, month = int(period[:4]), period[5:7]
        rows.append(
            {
                "month": _month(period),
                "series": "This year",
                "value": p["value"],
            }
        )
        before = by_period.get(f"{year - 1}-{month}")
        if before is not None:
            rows.append({"month": _month(period), "series": "A year before", "value": before})
        if (target if target is not None else p.get("target")) is not None:
            rows.append(
                {
                    "month": _month(period),
                    "series": "Target",
                    "value": target if target is not None else p.get("target"),
                }
            )
    fmt = value_format(unit)
    domain = ["This year", "A year before", "Target"]
    description = line_description(points, title=title, unit=unit)
    return {
        **_frame(title, description, rows, width, height),
        "mark": {"type": "line", "point": {"size": 30}},
        "encoding": {
            "x": _MONTH_AXIS,
            "y": _value_axis(unit, field="value"),
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": domain, "range": ["#005eb8", "#768692", "#d5281b"]},
                "legend": {"orient": "bottom"},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": domain, "range": [[1, 0], [6, 3], [2, 2]]},
                "legend": None,
            },
            "tooltip": [
                {"field": "month", "type": "temporal", "format": "%B %Y", "title": "Month"},
                {"field": "series", "type": "nominal", "title": "Line"},
                {"field": "value", "type": "quantitative", "format": fmt, "title": title},
            ],
        },
    }


def line_description(points: Sequence[Mapping[str, Any]], *, title: str, unit: str) -> str:
    """The text alternative of a line chart of a rolling or year-to-date figure."""
    shown = [p for p in points if p.get("value") is not None]
    if not shown:
        return f"{title}: no data."
    last = shown[-1]
    return (
        f"{title}, {_span(shown)}. "
        f"Latest {format_value(last['value'], unit)}. A line chart: consecutive figures "
        "share most of their months, so SPC limits and special-cause flags do not apply."
    )


def _span(shown: Sequence[Mapping[str, Any]]) -> str:
    """The months a chart shows, in words: "1 month, March 2025" or "12 months from July
    2023 to June 2024"."""
    first, last = month_name(shown[0]["period"]), month_name(shown[-1]["period"])
    if len(shown) == 1:
        return f"1 month, {first}"
    return f"{len(shown)} months from {first} to {last}"


def format_value(value: float | None, unit: str) -> str:
    """A figure as a board paper prints it."""
    if value is None:
        return "–"
    if unit == "fraction":
        return f"{value * 100:.1f}%"
    if unit == "pounds":
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value):,.0f}"
    if unit == "headcount":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def spc_description(points: Sequence[Mapping[str, Any]], *, title: str, unit: str) -> str:
    """The text alternative of an SPC chart: what a reader of the chart would take from it."""
    shown = [p for p in points if p.get("value") is not None]
    if not shown:
        return f"{title}: no data."
    if not any(p.get("mean") is not None for p in shown):
        return line_description(points, title=title, unit=unit)
    last = shown[-1]
    specials = sum(1 for p in shown if (p.get("point_type") or "common_cause") != "common_cause")
    text = f"{title}, {_span(shown)}. Latest {format_value(last['value'], unit)}"
    if last.get("mean") is not None:
        text += f" against a mean of {format_value(last['mean'], unit)}"
        if last.get("lpl") is not None and last.get("upl") is not None:
            text += (
                f" (process limits {format_value(last['lpl'], unit)} to "
                f"{format_value(last['upl'], unit)})"
            )
    shows = {0: "No point shows", 1: "1 point shows"}.get(specials, f"{specials} points show")
    text += f". {shows} special-cause variation"
    latest_type = POINT_LABELS.get(last.get("point_type") or "common_cause", "")
    return text + (f"; the latest is {latest_type.lower()}." if latest_type else ".")


def bar_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    category: str,
    category_title: str,
    title: str,
    unit: str,
    height: int | None = None,
) -> dict[str, Any]:
    """A horizontal bar chart of one metric across groups (places, organisations...)."""
    data = [{"group": r[category], "value": r["value"]} for r in rows if r.get("value") is not None]
    fmt = value_format(unit)
    description = f"{title} by {category_title.lower()}: " + "; ".join(
        f"{d['group']} {format_value(d['value'], unit)}" for d in data[:30]
    )
    return {
        **_frame(title, description, data, "container", height or max(60, 18 * len(data))),
        "mark": {"type": "bar", "color": "#005eb8"},
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": category_title, "sort": "-x"},
            "x": {"field": "value", "type": "quantitative", "title": None, "axis": {"format": fmt}},
            "tooltip": [
                {"field": "group", "type": "nominal", "title": category_title},
                {"field": "value", "type": "quantitative", "format": fmt, "title": title},
            ],
        },
    }
