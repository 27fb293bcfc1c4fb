"""The People Story dashboard, its drill-downs and downloads, the agency and pay-bill page and
the data coverage map. Every figure comes from the results store (aggregates only); figures for
one organisation are shown only where the user's scope allows it."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from oneworkforce import spreadsheets
from oneworkforce.data.reference import STAFF_CATEGORIES, TOTAL_STAFF_GROUP, vocabulary
from oneworkforce.metrics import charts, peers, people_story, targets
from oneworkforce.metrics.catalogue import CATALOGUE
from oneworkforce.metrics.results import PARTLY_SUPPRESSED
from oneworkforce.web.access import Permission as P
from oneworkforce.web.dashboard import coverage as coverage_map
from oneworkforce.web.dashboard import data, exports
from oneworkforce.web.dashboard.models import Availability
from oneworkforce.web.decorators import requires

AGENCY_METRICS = (
    "agency_fte",
    "bank_fte",
    "agency_spend",
    "agency_share_of_paybill",
    "agency_share_of_paybill_fytd",
    "agency_cost_avoided_fytd",
    "price_cap_compliance",
    "plan_variance_agency_fte",
    "plan_variance_agency_fte_pct",
)
TABLE_COLUMNS = (
    ("period", "Month"),
    ("value", "Value"),
    ("numerator", "Numerator"),
    ("denominator", "Denominator"),
    ("mean", "Mean"),
    ("lpl", "Lower process limit"),
    ("upl", "Upper process limit"),
    ("point_type", "Variation"),
    ("withheld", "Withheld"),
)


class BadFilter(ValueError):
    pass


ICS_HEADING = "Beside England and other integrated care systems (NHS England published data)"
#: How the drill-down names the official classification a staff group belongs to.
CLASSIFICATION_LABELS = {"esr": "ESR", "nws": "NHS Workforce Statistics"}


def staff_group_label(code: str) -> str:
    """A staff group's title, with its classification where two official ones sit side by
    side (so "Nurses and health visitors" reads as the NHS Workforce Statistics group)."""
    vocab = vocabulary("staff_group")
    if code not in vocab.titles:
        return code
    label = CLASSIFICATION_LABELS.get(vocab.extra[code]["classification"])
    return f"{vocab.titles[code]} ({label})" if label else vocab.titles[code]


def _filters(request, *, allow: tuple[str, ...]) -> dict[str, str]:
    """The page's filters from the query string, each checked against the reference data."""
    chosen = {k: request.GET.get(k, "").strip() for k in allow}
    chosen = {k: v for k, v in chosen.items() if v}
    if "segment" in chosen and chosen["segment"] not in vocabulary("segment").codes:
        raise BadFilter(f"unknown segment {chosen['segment']!r}")
    if "staff_group" in chosen and chosen["staff_group"] not in vocabulary("staff_group").codes:
        raise BadFilter(f"unknown staff group {chosen['staff_group']!r}")
    if "place" in chosen and chosen["place"] not in data.places():
        raise BadFilter(f"unknown place {chosen['place']!r}")
    if "org" in chosen and chosen["org"] not in data.organisation_names():
        raise BadFilter(f"unknown organisation {chosen['org']!r}")
    if "period" in chosen:
        p = chosen["period"]
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", p):
            raise BadFilter(f"{p!r} is not a month: a period is written YYYY-MM, month 01 to 12")
    return chosen


def _bad(request, exc: Exception):
    return render(request, "dashboard/bad_filter.html", {"message": str(exc)}, status=400)


@requires(P.VIEW_AGGREGATES)
def home(request):
    try:
        chosen = _filters(request, allow=("period", "place"))
    except BadFilter as exc:
        return _bad(request, exc)
    matrix = data.matrix(chosen.get("period"), chosen.get("place"))
    key = (
        "home",
        data.data_version(),
        coverage_map.version(),
        data.targets_version(),
        tuple(sorted(chosen.items())),
    )
    matrix_html = data.fragment(
        key,
        lambda: render_to_string(
            "dashboard/_matrix.html",
            {
                "matrix": matrix,
                "headlines": people_story.headlines(
                    data.store(),
                    period=matrix.period,
                    place=matrix.place,
                    catalogue=data.catalogue(),
                ),
                "status": data.store().index() or {},
                "places": data.places(),
                "chosen": chosen,
            },
        ),
    )
    return render(
        request,
        "dashboard/home.html",
        {"matrix": matrix, "places": data.places(), "chosen": chosen, "matrix_html": matrix_html},
    )


def _metric(code: str):
    try:
        return CATALOGUE.get(code)
    except (KeyError, ValueError):
        raise Http404(f"no metric {code}") from None


def _series_split(chosen: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The stored split and group of the series the filters describe."""
    if "org" in chosen:
        group = {"org_code": chosen["org"]}
        if "staff_group" in chosen:
            return "org_code_staff_group", {**group, "staff_group": chosen["staff_group"]}
        return "org_code", group
    if "place" in chosen and "segment" in chosen:
        return "place_segment", {"place": chosen["place"], "segment": chosen["segment"]}
    if "segment" in chosen:
        if "staff_group" in chosen:
            return "segment_staff_group", {
                "segment": chosen["segment"],
                "staff_group": chosen["staff_group"],
            }
        return "segment", {"segment": chosen["segment"]}
    if "place" in chosen:
        return "place", {"place": chosen["place"]}
    if "staff_group" in chosen:
        return "staff_group", {"staff_group": chosen["staff_group"]}
    return "system", {}


def _series(metric, chosen: dict[str, str]) -> tuple[str, dict[str, str], list[dict[str, Any]]]:
    split, group = _series_split(chosen)
    if metric.code == "wres_bme_share":
        group = {**group, "band_cluster": "all"}
    store = data.store()
    try:
        points = store.series(metric.code, split, group)
    except ValueError:
        points = []
    if points:  # the SPC points carry the value; the stored results its parts
        origin = points[0]["origin"]
        parts = {
            r["period"]: r for r in store.results(metric.code, split, {**group, "origin": origin})
        }
        for p in points:
            row = parts.get(p["period"], {})
            p["numerator"], p["denominator"] = row.get("numerator"), row.get("denominator")
            p["basis"], p["sources"] = row.get("basis"), row.get("sources")
            p["note"] = row.get("note")
    return split, group, points


def _scope_orgs(request, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The organisation rows the user may see, and how many were left out."""
    visible = [r for r in rows if request.scope.can(P.VIEW_ORGANISATION, r["org_code"])]
    return visible, len(rows) - len(visible)


def _breakdowns(request, metric, chosen: dict[str, str], period: str | None) -> dict[str, Any]:
    if period is None:
        return {}
    store = data.store()
    names = data.organisation_names()
    register = {str(o["org_code"]): o for o in data.organisations()}
    extra = {"band_cluster": "all"} if metric.code == "wres_bme_share" else {}
    # by place (within the chosen segment, if any)
    if "segment" in chosen:
        by_place = store.results(
            metric.code, "place_segment", {"segment": chosen["segment"], "period": period, **extra}
        )
    else:
        by_place = store.results(metric.code, "place", {"period": period, **extra})
    by_place = [{"group": r["place"], **r} for r in by_place if r["place"]]
    # by organisation (within the chosen segment and place)
    orgs = [
        r
        for r in store.results(metric.code, "org_code", {"period": period, **extra})
        if r["org_code"] in register
        and ("segment" not in chosen or register[r["org_code"]]["segment"] == chosen["segment"])
        and ("place" not in chosen or register[r["org_code"]]["place"] == chosen["place"])
    ]
    orgs, hidden = _scope_orgs(request, orgs)
    by_org = [{"group": f"{names.get(r['org_code'], r['org_code'])}", **r} for r in orgs]
    # by staff group (within the chosen organisation or segment)
    if "org" in chosen:
        if request.scope.can(P.VIEW_ORGANISATION, chosen["org"]):
            by_sg = store.results(
                metric.code, "org_code_staff_group", {"org_code": chosen["org"], "period": period}
            )
        else:
            by_sg = []
    elif "segment" in chosen:
        by_sg = store.results(
            metric.code, "segment_staff_group", {"segment": chosen["segment"], "period": period}
        )
    else:
        by_sg = store.results(metric.code, "staff_group", {"period": period})
    by_sg = [{"group": staff_group_label(r["staff_group"]), **r} for r in by_sg]
    parts = [
        ("place", by_place, "Place"),
        ("organisation", by_org, "Organisation"),
        ("staff_group", by_sg, "Staff group"),
    ]
    if not {"org", "segment", "place"} & set(chosen):
        levels = store.results(metric.code, "staff_category", {"period": period})
        for r in levels:
            r["group"] = STAFF_CATEGORIES.get(r["staff_category"], r["staff_category"])
        parts.append(("staff_category", levels, "Cross-sector staff level"))
    if period and metric.code in peers.COMPARABLE and not {"org", "segment", "place"} & set(chosen):
        parts.append(("ics", data.ics_comparison(metric.code, period), "Integrated care system"))
    out = {}
    for key, rows, label in parts:
        rows = [r for r in rows if r.get("origin", "computed") == "computed" or len(rows) < 2]
        # the ICS comparison of staff in post is its growth (ICSs differ in size)
        title = peers.title(metric.code, metric.title) if key == "ics" else metric.title
        unit = peers.unit(metric.code, metric.unit) if key == "ics" else metric.unit
        for r in rows:
            r["display"] = _shown(r["value"], r, unit)
            if r["value"] is None and r.get("quality") == PARTLY_SUPPRESSED:
                r["display"] = "suppressed"
        out[key] = {
            "heading": ICS_HEADING if key == "ics" else None,
            "explanation": peers.explanation(metric.code) if key == "ics" else None,
            "label": label,
            "value_title": title,
            "chart_id": f"chart-{key}",
            "rows": rows,
            "chart": charts.bar_chart(
                rows, category="group", category_title=label, title=title, unit=unit
            )
            if rows
            else None,
        }
    out["organisation"]["hidden"] = hidden
    return out


@requires(P.VIEW_AGGREGATES)
def drilldown(request, metric):
    metric = _metric(metric)
    try:
        chosen = _filters(request, allow=("segment", "place", "org", "staff_group", "period"))
    except BadFilter as exc:
        return _bad(request, exc)
    if "org" in chosen:
        request.scope.require(P.VIEW_ORGANISATION, chosen["org"])
    visible = request.scope.organisations(P.VIEW_ORGANISATION)
    key = (
        "drilldown",
        data.data_version(),
        data.targets_version(),
        metric.code,
        tuple(sorted(chosen.items())),
        "all" if visible is None else tuple(sorted(visible)),
    )
    body_html = data.fragment(
        key,
        lambda: render_to_string(
            "dashboard/_drilldown_body.html", _drilldown_context(request, metric, chosen)
        ),
    )
    return render(
        request,
        "dashboard/drilldown.html",
        {"metric": metric, "title": _series_title(metric, chosen), "body_html": body_html},
    )


def _shown(value, row: dict[str, Any], unit: str) -> str:
    """A figure as the page prints it, or why it is withheld from this reader."""
    if row.get("withheld"):
        return f"Withheld: {row['withheld']}"
    return charts.format_value(value, unit)


def _drilldown_context(request, metric, chosen: dict[str, str]) -> dict[str, Any]:
    split, _group, points = _series(metric, chosen)
    # the ICS's target (targets.toml), the one the People Story uses for this segment
    goal = targets.applied(data.catalogue(), metric.code, chosen.get("segment"))
    target = goal.line
    latest = next((p for p in reversed(points) if p.get("value") is not None), None)
    if latest is not None:  # assurance against that target, as the People Story judges it
        latest["assurance"] = goal.assurance(latest)
    period = chosen.get("period") or (latest["period"] if latest else None)
    for p in points:
        p["display"] = _shown(p.get("value"), p, metric.unit)
        p["mean_display"] = charts.format_value(p.get("mean"), metric.unit)
        p["lpl_display"] = charts.format_value(p.get("lpl"), metric.unit)
        p["upl_display"] = charts.format_value(p.get("upl"), metric.unit)
        p["point_label"] = charts.POINT_LABELS.get(p.get("point_type") or "", "")
    title = _series_title(metric, chosen)
    query = request.GET.urlencode()
    return {
        "metric": metric,
        "chosen": chosen,
        "title": title,
        "split": split,
        "points": points,
        "latest": latest,
        "period": period,
        "target": target,
        "target_label": goal.label,
        "variation_label": people_story.VARIATION_LABELS.get(
            (latest or {}).get("variation_icon") or "", ""
        ),
        "assurance_label": people_story.ASSURANCE_LABELS.get(
            (latest or {}).get("assurance") or "", ""
        ),
        "chart": charts.spc_chart(points, title=title, unit=metric.unit, target=target)
        if points
        else None,
        "chart_description": charts.spc_description(points, title=title, unit=metric.unit),
        "breakdowns": _breakdowns(request, metric, chosen, period),
        "segments": [{"code": c, "title": t} for c, t in vocabulary("segment").titles.items()],
        "staff_groups": [
            {"code": c, "title": staff_group_label(c)}
            for c in vocabulary("staff_group").codes
            if c != TOTAL_STAFF_GROUP
        ],
        "places": data.places(),
        "csv_url": reverse("dashboard:table", args=[metric.code, "csv"])
        + (f"?{query}" if query else ""),
        "xlsx_url": reverse("dashboard:table", args=[metric.code, "xlsx"])
        + (f"?{query}" if query else ""),
    }


def _series_title(metric, chosen: dict[str, str]) -> str:
    parts = [metric.title]
    if "org" in chosen:
        parts.append(data.organisation_names().get(chosen["org"], chosen["org"]))
    if "segment" in chosen:
        parts.append(vocabulary("segment").titles[chosen["segment"]])
    if "place" in chosen:
        parts.append(chosen["place"])
    if "staff_group" in chosen:
        parts.append(vocabulary("staff_group").titles[chosen["staff_group"]])
    return " – ".join(parts)


@requires(P.VIEW_AGGREGATES)
def table_download(request, metric, fmt):
    metric = _metric(metric)
    if fmt not in ("csv", "xlsx"):
        raise Http404("download as csv or xlsx")
    try:
        chosen = _filters(request, allow=("segment", "place", "org", "staff_group", "period"))
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    if "org" in chosen:
        request.scope.require(P.VIEW_ORGANISATION, chosen["org"])
    _, _, points = _series(metric, chosen)
    title = _series_title(metric, chosen)
    header = [label for _, label in TABLE_COLUMNS]
    rows = [
        [
            charts.POINT_LABELS.get(p.get(k) or "", p.get(k)) if k == "point_type" else p.get(k)
            for k, _ in TABLE_COLUMNS
        ]
        for p in points
    ]
    name = "-".join([metric.code, *[chosen[k] for k in sorted(chosen)]])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(spreadsheets.csv_row([f"{title} ({metric.unit})"]))
        writer.writerow(spreadsheets.csv_row(header))
        writer.writerows(spreadsheets.csv_row(row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx(title, metric.unit, header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _xlsx(title: str, unit: str, header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Series")
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0.0%" if unit == "fraction" else "#,##0.00"})
    sheet.write(0, 0, f"{title} ({unit})", bold)
    sheet.write_row(1, 0, header, bold)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            if isinstance(value, int | float) and 1 <= j <= 6:
                sheet.write_number(i, j, value, number if j in (1, 4, 5, 6) else None)
            elif value is not None:
                sheet.write(i, j, value)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 7, 16)
    book.close()
    return buffer.getvalue()


@requires(P.VIEW_AGGREGATES)
def story_export(request, fmt):
    """The People Story matrix as a table: one row per segment and metric, with the figure,
    the year before, the target and who set it, the MDC icons in words and the coverage."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("download as csv or xlsx")
    try:
        chosen = _filters(request, allow=("period", "place"))
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    matrix = data.matrix(chosen.get("period"), chosen.get("place"))
    header = [
        "Segment",
        "Metric",
        "Month",
        "Value",
        "Unit",
        "Same month a year before",
        "Target",
        "Target set by",
        "Against target",
        "Variation",
        "Assurance",
        "Availability",
        "Basis",
        "Gap owner",
        "Next step",
        "Withheld",
    ]
    rows = []
    for row in matrix.rows:
        for cell in row["cells"]:
            rows.append(
                [
                    row["title"],
                    CATALOGUE.get(cell.metric).title,
                    cell.period,
                    cell.value,
                    cell.unit,
                    cell.comparator,
                    cell.target,
                    cell.target_set_by,
                    {"met": "Met", "missed": "Not met"}.get(cell.target_state, ""),
                    cell.variation_label,
                    cell.assurance_label,
                    cell.availability_label,
                    cell.basis if cell.value is not None else "",
                    cell.owner,
                    cell.next_step,
                    cell.withheld,
                ]
            )
    title = "People Story" + (f", {matrix.place}" if matrix.place else "")
    title += f", {matrix.period}" if matrix.period else ""
    name = "people-story" + "".join(f"-{chosen[k]}" for k in sorted(chosen))
    return exports.download(name, fmt, title, header, rows, units=[None, None, None, 4, None, 4])


def _display(value, metric) -> str:
    """A figure as a board paper writes it; a difference from plan in words: "51.9% over
    plan", never "(% of plan) 51.9%"."""
    if metric.combine == "relative_difference" and value is not None:
        side = "over" if value > 0 else "under" if value < 0 else "on"
        return f"{abs(value) * 100:.1f}% {side} plan" if side != "on" else "on plan"
    if metric.unit == "pounds" and value is not None:
        from oneworkforce.formats import money

        return money(value)
    return charts.format_value(value, metric.unit)


@requires(P.VIEW_AGGREGATES)
def agency(request):
    try:
        chosen = _filters(request, allow=("period",))
    except BadFilter as exc:
        return _bad(request, exc)
    store = data.store()
    headline = []
    for row in store.latest(list(AGENCY_METRICS), "system"):
        if chosen.get("period") and row["period"] != chosen["period"]:
            continue
        metric = CATALOGUE.get(row["metric"])
        goal = targets.applied(data.catalogue(), metric.code)
        row["assurance"] = goal.assurance(row)
        headline.append(
            {
                "metric": metric,
                "row": row,
                "display": _display(row["value"], metric),
                "target": goal.label,
                "variation_label": people_story.VARIATION_LABELS.get(
                    row.get("variation_icon") or "", ""
                ),
                "assurance_label": people_story.ASSURANCE_LABELS.get(
                    row.get("assurance") or "", ""
                ),
            }
        )
    period = chosen.get("period") or (headline[0]["row"]["period"] if headline else None)
    names = data.organisation_names()
    columns = [CATALOGUE.get(c) for c in AGENCY_METRICS]
    by_org: dict[str, dict[str, Any]] = {}
    hidden: set[str] = set()
    by_sg: dict[str, dict[str, Any]] = {}
    if period:
        for r in store.results(list(AGENCY_METRICS), "org_code", {"period": period}):
            if not request.scope.can(P.VIEW_ORGANISATION, r["org_code"]):
                hidden.add(r["org_code"])
                continue
            entry = by_org.setdefault(
                r["org_code"], {"name": names.get(r["org_code"], r["org_code"]), "cells": {}}
            )
            entry["cells"][r["metric"]] = _display(r["value"], CATALOGUE.get(r["metric"]))
            entry.setdefault("values", {})[r["metric"]] = r["value"]
        titles = vocabulary("staff_group").titles
        for r in store.results(list(AGENCY_METRICS), "staff_group", {"period": period}):
            entry = by_sg.setdefault(
                r["staff_group"], {"name": titles.get(r["staff_group"]), "cells": {}}
            )
            entry["cells"][r["metric"]] = (
                f"Withheld: {r['withheld']}"
                if r.get("withheld")
                else _display(r["value"], CATALOGUE.get(r["metric"]))
            )
    fmt = request.GET.get("download", "")
    if fmt in ("csv", "xlsx"):
        header = ["Organisation", *[m.title for m in columns]]
        rows = [
            [entry["name"], *[entry.get("values", {}).get(m.code) for m in columns]]
            for _, entry in sorted(by_org.items(), key=lambda kv: kv[1]["name"])
        ]
        return exports.download(
            f"agency-{period}",
            fmt,
            f"Agency and pay bill by organisation, {period}",
            header,
            rows,
            units=[None, *[m.unit for m in columns]],
        )
    share = store.series("agency_share_of_paybill", "system") if period else []
    share_metric = CATALOGUE.get("agency_share_of_paybill")
    chart = (
        charts.spc_chart(
            share,
            title="Agency share of pay bill, system",
            unit="fraction",
            target=targets.applied(data.catalogue(), share_metric.code).line,
        )
        if share
        else None
    )
    return render(
        request,
        "dashboard/agency.html",
        {
            "headline": headline,
            "period": period,
            "columns": columns,
            "by_org": sorted(by_org.items(), key=lambda kv: kv[1]["name"]),
            "by_sg": list(by_sg.items()),
            "hidden": len(hidden),
            "chart": chart,
            "chart_description": charts.spc_description(
                share, title="Agency share of pay bill, system", unit="fraction"
            ),
        },
    )


@requires(P.VIEW_AGGREGATES)
def coverage(request):
    matrix = data.matrix(None, None)
    grid = coverage_map.grid(matrix)
    fmt = request.GET.get("download", "")
    if fmt in ("csv", "xlsx"):
        header = ["Segment", "Metric", "Availability", "Source", "Gap owner", "Next step"]
        rows = [
            [
                row["title"],
                CATALOGUE.get(c["cell"].metric).title,
                c["cell"].availability_label,
                c["source"],
                c["cell"].owner,
                c["cell"].next_step,
            ]
            for row in grid
            for c in row["cells"]
        ]
        return exports.download("coverage", fmt, "Data coverage map", header, rows)
    return render(
        request,
        "dashboard/coverage.html",
        {
            "matrix": matrix,
            "grid": grid,
            "can_edit": request.scope.can(P.EDIT_COVERAGE),
            "counts": _availability_counts(matrix),
        },
    )


def _availability_counts(matrix: people_story.Matrix) -> list[tuple[str, int]]:
    counts = dict.fromkeys(people_story.AVAILABILITY, 0)
    for row in matrix.rows:
        for cell in row["cells"]:
            counts[cell.availability] += 1
    return [(people_story.AVAILABILITY_LABELS[k], v) for k, v in counts.items()]


@requires(P.EDIT_COVERAGE)
def coverage_edit(request, segment, metric):
    if segment not in vocabulary("segment").codes:
        raise Http404("unknown segment")
    if metric not in {c for c, _ in people_story.COLUMNS}:
        raise Http404("unknown metric")
    matrix = data.matrix(None, None)
    cell = matrix.cell(segment, metric)
    record = coverage_map.CoverageCell.objects.filter(segment=segment, metric=metric).first()
    errors: dict[str, str] = {}
    values = {
        "availability": record.availability if record else cell.availability,
        "source": record.source if record else "",
        "owner": record.owner if record else "",
        "next_step": record.next_step if record else "",
        "version": record.version if record else 0,
    }
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in coverage_map.FIELDS}
        try:
            values["version"] = int(request.POST.get("version", "0"))
        except ValueError:
            values["version"] = 0
        if values["availability"] not in Availability.values:
            errors["availability"] = "Choose how available this figure is"
        if len(values["source"]) > 200:
            errors["source"] = "Source must be 200 characters or fewer"
        if len(values["owner"]) > 200:
            errors["owner"] = "Owner must be 200 characters or fewer"
        if not errors:
            try:
                coverage_map.save(
                    segment,
                    metric,
                    coverage_map.CellEdit(
                        values["availability"],
                        values["source"],
                        values["owner"],
                        values["next_step"],
                    ),
                    actor=request.user.get_username(),
                    expected_version=values["version"] or None,
                )
            except coverage_map.StaleEdit as exc:
                errors["stale"] = str(exc)
            else:
                messages.success(request, "The coverage map was updated.")
                return redirect("dashboard:coverage")
    return render(
        request,
        "dashboard/coverage_edit.html",
        {
            "cell": cell,
            "segment_title": vocabulary("segment").titles[segment],
            "metric": CATALOGUE.get(metric),
            "values": values,
            "errors": errors,
            "choices": Availability.choices,
        },
        status=409 if "stale" in errors else (400 if errors else 200),
    )


@requires(P.SET_TARGETS)
def targets_page(request):
    """The ICS's targets: every metric's target per segment with who set it, and the
    targets.toml behind them to edit (checked, audited)."""
    from django.conf import settings

    from oneworkforce.metrics import targets
    from oneworkforce.web.dashboard import target_settings

    home = settings.HOME.root
    text = targets.current_text(home)
    error = ""
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "").replace("\r\n", "\n")
        try:
            target_settings.save(
                home,
                text,
                actor=request.user.get_username(),
                expected=request.POST.get("fingerprint", ""),
            )
        except (targets.TargetsError, target_settings.StaleEdit) as exc:
            error, status = str(exc), 400 if isinstance(exc, targets.TargetsError) else 409
        else:
            messages.success(request, "The targets were saved; pages and new packs use them.")
            return redirect("dashboard:targets")
    titles = vocabulary("segment").titles
    rows = []
    for metric in data.catalogue():
        for target in metric.targets:
            rows.append(
                {
                    "metric": metric.title,
                    "segments": ", ".join(titles.get(s, s) for s in target.segments)
                    or "Every segment",
                    "value": targets.describe(target, metric.unit),
                    "set_by": target.set_by,
                    "source": target.source,
                }
            )
    saved = targets.current_text(home)
    return render(
        request,
        "dashboard/targets.html",
        {
            "rows": rows,
            "text": text,
            "fingerprint": target_settings.fingerprint(saved),
            "error": error,
            "exists": targets.path(home).exists(),
        },
        status=status,
    )


@requires(P.VIEW_AGGREGATES)
def glossary(request):
    """Every metric of the catalogue in words: what it counts, over what window, which way is
    better, whether SPC applies, the ICS's targets with who set them, the official source."""
    from oneworkforce.metrics import targets
    from oneworkforce.metrics.catalogue_doc import BETTER, WINDOWS

    titles = vocabulary("segment").titles
    entries = []
    for metric in data.catalogue():
        entries.append(
            {
                "metric": metric,
                "window": WINDOWS.get(metric.window, metric.window),
                "better": BETTER.get(metric.improvement, metric.improvement),
                "targets": [
                    {
                        "value": targets.describe(t, metric.unit),
                        "segments": ", ".join(titles.get(s, s) for s in t.segments),
                        "set_by": t.set_by,
                    }
                    for t in metric.targets
                ],
            }
        )
    return render(request, "dashboard/glossary.html", {"entries": entries})
