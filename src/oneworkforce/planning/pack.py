"""What the board pack shows of the chosen scenarios, and the fan chart both it and the web
page draw (a Vega-Lite spec: P10-P90 band and P50 line for supply and demand)."""

from __future__ import annotations

from oneworkforce.config import Home
from oneworkforce.planning.results import ALL, MEASURES, PlanRun, load

SERIES_COLOURS = {"supply": "#005eb8", "demand": "#d5281b"}  # NHS blue, NHS red

#: lever kinds as the page and the pack name them
KIND_TITLES = {
    "leaver_rate": "Retention",
    "international_recruitment": "International recruitment",
    "return_to_practice": "Return to practice",
    "training_pipeline": "Training places",
    "new_roles": "New roles",
    "bank_agency": "Bank and agency fill",
    "agency_reduction": "Agency reduction",
}


def fan_spec(runs: list[PlanRun], variant: str = "scenario", title: str = "") -> dict:
    """A Vega-Lite fan chart of system supply and demand, one panel per scenario."""
    values = []
    for run in runs:
        label = run.meta.get("title") or run.scenario
        for point in run.fan.get(variant, []):
            values.append({**point, "scenario": label})
    colour = {
        "field": "series",
        "type": "nominal",
        "title": "Series",
        "scale": {"domain": list(SERIES_COLOURS), "range": list(SERIES_COLOURS.values())},
    }
    area_colour = {**colour, "legend": None}  # one legend: the lines' (colour and dash)
    dash = {
        "field": "series",
        "type": "nominal",
        "title": "Series",
        # supply solid, demand dashed, as the captions say
        "scale": {"domain": list(SERIES_COLOURS), "range": [[1, 0], [6, 4]]},
    }
    x = {
        "field": "month",
        "type": "temporal",
        "title": "Month",
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": {"interval": "year"}},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": values},
        "facet": {"row": {"field": "scenario", "type": "nominal", "title": None}},
        "spec": {
            "width": 560,
            "height": 200,
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.25},
                    "encoding": {
                        "x": x,
                        "y": {"field": "p10", "type": "quantitative", "title": "FTE"},
                        "y2": {"field": "p90"},
                        "color": area_colour,
                    },
                },
                {
                    "mark": {"type": "line", "strokeWidth": 2},
                    "encoding": {
                        "x": x,
                        "y": {"field": "p50", "type": "quantitative"},
                        "color": colour,
                        "strokeDash": dash,
                    },
                },
            ],
        },
        "resolve": {"scale": {"y": "independent"}},
    }


def system_rows(run: PlanRun, variant: str = "scenario") -> list[dict]:
    """Year by year, P10/P50/P90 of each measure for the whole system."""
    by_year: dict[int, dict] = {}
    for row in run.summaries:
        if row["variant"] != variant or row["segment"] != ALL or row["staff_group"] != ALL:
            continue
        entry = by_year.setdefault(
            row["year"], {"year": row["year"], "year_ending": row["year_ending"]}
        )
        entry[row["measure"]] = {k: row[k] for k in ("p10", "p50", "p90")}
    return [by_year[y] for y in sorted(by_year)]


def gap_closed(run: PlanRun) -> float | None:
    """FTE of the system gap the scenario closes in its final year: the do-nothing gap less
    the scenario's (P50 each); None without both."""
    final = run.meta["horizon_years"]
    gaps = {
        row["variant"]: row["p50"]
        for row in run.summaries
        if row["segment"] == ALL
        and row["staff_group"] == ALL
        and row["year"] == final
        and row["measure"] == "gap_fte"
    }
    if "do_nothing" not in gaps or "scenario" not in gaps:
        return None
    return gaps["do_nothing"] - gaps["scenario"]


def lever_rows(run: PlanRun) -> list[dict]:
    """Each lever's effect on the system gap in the final year (P10/P50/P90), the programme
    and benefit it comes from (a run built from the registers) and its share of the gap the
    scenario closes (its P50 over the do-nothing gap less the scenario's, P50 each; None
    when the scenario closes none)."""
    final = run.meta["horizon_years"]
    closed = gap_closed(run)
    sources = run.meta.get("programmes") or {}
    rows = []
    for row in run.lever_effects:
        if row["segment"] != ALL or row["year"] != final or row["measure"] != "gap_closed_fte":
            continue
        source = sources.get(row["lever"]) or {}
        rows.append(
            {
                **{k: row[k] for k in ("lever", "kind", "p10", "p50", "p90")},
                "kind_title": KIND_TITLES.get(row["kind"], row["kind"]),
                "programme": source.get("programme", ""),
                "benefit": source.get("benefit", ""),
                "share": row["p50"] / closed if closed and closed > 0 else None,
            }
        )
    return rows


def pack_section(home: Home, run_ids: list[str]) -> dict:
    """Structured content for the board pack: per chosen scenario, system supply, demand,
    gap and cost by year (with the do-nothing case beside it), lever effects, and one fan
    chart spec for all of them. Unknown run ids raise KeyError."""
    runs = [load(home, run_id) for run_id in run_ids]
    scenarios = []
    for run in runs:
        scenarios.append(
            {
                "run_id": run.run_id,
                "scenario": run.scenario,
                "title": run.meta.get("title") or run.scenario,
                "description": run.meta.get("description", ""),
                "runs": run.meta["runs"],
                "seed": run.meta["seed"],
                "data_version": run.meta["data_version"],
                "as_of": run.meta["as_of"],
                "measures": list(MEASURES),
                "years": system_rows(run, "scenario"),
                "do_nothing": system_rows(run, "do_nothing"),
                "levers": lever_rows(run),
                "gap_closed_fte": gap_closed(run),
            }
        )
    return {
        "title": "Workforce plan scenarios",
        "scenarios": scenarios,
        "chart": fan_spec(runs, title="System supply and demand (FTE), P10-P90 and P50"),
        "note": "Supply is substantive staff in post (FTE); demand is funded establishment "
        "grown as each scenario says; the gap is demand minus supply. Bands show the 10th to "
        "90th percentile of the Monte Carlo runs.",
    }
