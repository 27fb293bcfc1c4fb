"""The People Story matrix of the board papers (seed 001, "What does impact look like?"):
segments by the leading workforce metrics, each cell with its latest value, the same month a
year before, the target, the Making Data Count icons, its basis and source, and whether the
system can see it at all (an availability state).

Read by the dashboard, the board packs and the demo. Nothing here imports Django: coverage
overrides (the analysts' data coverage map) come in as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from oneworkforce.formats import month_name
from oneworkforce.metrics import published, targets
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.charts import format_value
from oneworkforce.metrics.periods import month_index, period_label
from oneworkforce.metrics.sources import comparable, coverage_words

#: The matrix columns, in the order of seed 001: (metric code, heading).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("staff_in_post_fte", "Staff in post (FTE)"),
    ("vacancy_rate", "Vacancies"),
    ("sickness_absence_rate", "Sickness"),
    ("agency_share_of_paybill", "Use of agency"),
    ("turnover_rate", "Turnover rate"),
    ("leaver_rate", "Leaver rate"),
)

#: Where a matrix metric has an operating plan, the metric comparing it with the plan (seed
#: 001: "Substantive workforce 1.2% under plan", "Agency 102.85% above plan").
PLAN_METRICS: dict[str, str] = {
    "staff_in_post_fte": "plan_variance_substantive_fte_pct",
    "agency_share_of_paybill": "plan_variance_agency_fte_pct",
}

#: The availability states of a cell, best first (issue 4; seed 001's "Not available",
#: "To be investigated" and "N/A").
AVAILABILITY = ("available", "partial", "estimate", "planned", "not_available", "not_applicable")
AVAILABILITY_LABELS = {
    "available": "Available",
    "partial": "Partial",
    "estimate": "Estimate",
    "planned": "Planned",
    "not_available": "Not available",
    "not_applicable": "Not applicable",
}

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "neutral_high": "Special cause, neither improvement nor concern (high)",
    "neutral_low": "Special cause, neither improvement nor concern (low)",
}
ASSURANCE_LABELS = {
    "consistent_pass": "Consistently passes the target",
    "consistent_fail": "Consistently fails the target",
    "inconsistent": "Hits and misses the target",
}


@dataclass(frozen=True)
class Override:
    """An analyst's entry in the data coverage map for one segment and metric."""

    availability: str
    source: str = ""
    owner: str = ""
    next_step: str = ""


@dataclass
class Cell:
    segment: str
    metric: str
    period: str | None
    value: float | None
    display: str
    unit: str
    comparator_period: str | None = None
    comparator: float | None = None
    comparator_display: str = ""
    change_display: str = ""
    #: why the figure is not compared with the year before although that month has one
    #: ("" when it is compared, or when the year before has no figure)
    comparison_note: str = ""
    target: str = ""
    target_set_by: str = ""
    target_source: str = ""
    #: "met", "missed" or "" (no target or no figure): the cell's colour state
    target_state: str = ""
    plan: str = ""
    variation_icon: str | None = None
    variation_label: str = ""
    assurance: str | None = None
    assurance_label: str = ""
    basis: str = ""
    origin: str = ""
    note: str = ""
    #: "area" (an area-wide figure), "providers" (the providers' own) or "" (see sources.py)
    coverage: str = ""
    #: what the coverage means, in words ("estimate for the whole area; 2 providers also ...")
    coverage_note: str = ""
    sources: list[str] = field(default_factory=list)
    #: why the figure is withheld from this reader (metrics/group_size.py), or ""
    withheld: str = ""
    availability: str = "not_available"
    availability_label: str = ""
    organisations_reporting: int | None = None
    organisations_expected: int | None = None
    source: str = ""
    owner: str = ""
    next_step: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Matrix:
    period: str | None
    place: str | None
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]  # {"segment", "title", "cells": [Cell, ...]}
    periods: list[str]

    @property
    def withheld(self) -> str:
        """Why some cells are withheld from this reader ("" when none is)."""
        return next((c.withheld for r in self.rows for c in r["cells"] if c.withheld), "")

    def cell(self, segment: str, metric: str) -> Cell:
        for row in self.rows:
            if row["segment"] == segment:
                for cell in row["cells"]:
                    if cell.metric == metric:
                        return cell
        raise KeyError((segment, metric))

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "place": self.place,
            "columns": self.columns,
            "periods": self.periods,
            "rows": [
                {
                    **{k: v for k, v in r.items() if k != "cells"},
                    "cells": [c.to_dict() for c in r["cells"]],
                }
                for r in self.rows
            ],
        }


NO_TARGET = targets.NO_TARGET


def target_label(
    metric_code: str, catalogue: Catalogue = CATALOGUE, segment: str | None = None
) -> str:
    """The target of a metric for a segment (system-wide with none) with who set it."""
    return targets.applied(catalogue, metric_code, segment).label


def cell_assurance(metric: Any, segment: str | None, latest: Mapping[str, Any]) -> str | None:
    """Assurance against the ICS's own target for the segment, from the series' latest
    limits (spec §8); none where SPC does not apply or there is no one-sided target."""
    return targets.of(metric, segment).assurance(latest)


def change(now: float | None, before: float | None, unit: str) -> str:
    """A movement as a board paper writes it: in points for rates, per cent for amounts."""
    if now is None or before is None:
        return ""
    diff = now - before
    if unit == "fraction":
        return f"{_signed(diff * 100)} points"
    if before:
        return f"{_signed(diff / abs(before) * 100)}%"
    return ""


def _signed(number: float) -> str:
    """To one decimal place with its sign, and no sign on a change that rounds to nothing
    (a board reads "-0.0 points" as a fall)."""
    text = f"{number:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def build(
    store: Any,
    segments: Sequence[Mapping[str, Any]],
    *,
    period: str | None = None,
    place: str | None = None,
    organisations: Sequence[Mapping[str, Any]] = (),
    overrides: Mapping[tuple[str, str], Override] | None = None,
    columns: Sequence[tuple[str, str]] = COLUMNS,
    catalogue: Catalogue = CATALOGUE,
) -> Matrix:
    """The matrix from the results store for ``period`` (the latest with data by default),
    for the whole system or one ``place``. ``segments`` are the reference segments in board
    order (``segment``, ``title``); ``organisations`` the register (to count who reports)."""
    overrides = overrides or {}
    codes = [c for c, _ in columns]
    split = "place_segment" if place else "segment"
    filters: dict[str, Any] = {"place": place} if place else {}
    rows = store.results(codes, split, filters or None)
    periods = sorted({r["period"] for r in rows})
    chosen = period or (periods[-1] if periods else None)
    if chosen is None:
        wanted: set[str] = set()
    else:
        wanted = {chosen, period_label(month_index(chosen) - 12)}
    found: dict[tuple[str, str, str], dict[str, Mapping[str, Any]]] = {}
    for r in rows:
        if r["period"] in wanted:
            found.setdefault((r["segment"], r["metric"], r["period"]), {})[r["origin"]] = r
    icons: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    if chosen:
        for r in store.latest(codes, split, {**filters, "period": chosen}):
            icons[(r["segment"], r["metric"], r["origin"])] = r
    reporting = _reporting(store, codes, chosen, place, organisations)
    org_rows = _organisation_rows(store, codes, wanted)
    plans = _plans(store, split, filters, chosen)
    expected: dict[str, int] = {}
    for org in organisations:
        if org.get("partner") in (True, "true") and (place is None or org.get("place") == place):
            expected[str(org["segment"])] = expected.get(str(org["segment"]), 0) + 1
    before = period_label(month_index(chosen) - 12) if chosen else None
    out_rows = []
    for seg in segments:
        code = str(seg["segment"])
        cells = []
        for metric_code, _ in columns:
            metric = catalogue.get(metric_code)
            row, old = _pick(
                found.get((code, metric_code, chosen or ""), {}),
                found.get((code, metric_code, before or ""), {}),
            )
            latest = icons.get((code, metric_code, row["origin"]), {}) if row else {}
            value = row["value"] if row else None
            why = ""
            if row and old and row.get("origin") == "computed":
                why = _changed_source(
                    _behind(row, org_rows.get((metric_code, chosen or ""), ())),
                    _behind(old, org_rows.get((metric_code, before or ""), ())),
                    before,
                    same_organisations=False,
                )
                if why:
                    old = None
            cell = Cell(
                segment=code,
                metric=metric_code,
                period=chosen,
                value=value,
                display=format_value(value, metric.unit),
                unit=metric.unit,
                comparator_period=before,
                comparator=old["value"] if old else None,
                comparator_display=format_value(old["value"], metric.unit)
                if old and old["value"] is not None
                else "",
                change_display=change(value, old["value"] if old else None, metric.unit),
                comparison_note=why,
                plan=plans.get((code, metric_code), ""),
                variation_icon=latest.get("variation_icon")
                if value is not None and metric.spc
                else None,
                assurance=cell_assurance(metric, code, latest) if value is not None else None,
                basis=(row or {}).get("basis") or metric.basis,
                origin=(row or {}).get("origin") or "",
                note=(row or {}).get("note") or "",
                coverage=(row or {}).get("coverage") or "",
                coverage_note=coverage_words((row or {}).get("note")),
                sources=list((row or {}).get("sources") or []),
                withheld=(row or {}).get("withheld") or "",
                organisations_reporting=reporting.get((code, metric_code)),
                organisations_expected=expected.get(code),
            )
            _judge(cell, metric, code, applies=code in metric.segments)
            _availability(cell, row, code in metric.segments, overrides.get((code, metric_code)))
            cells.append(cell)
        out_rows.append({"segment": code, "title": seg.get("title", code), "cells": cells})
    return Matrix(
        period=chosen,
        place=place,
        columns=[{"metric": c, "title": t, "unit": catalogue.get(c).unit} for c, t in columns],
        rows=out_rows,
        periods=periods,
    )


def _pick(
    now: Mapping[str, Mapping[str, Any]], before: Mapping[str, Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """A cell's figure and its year-before comparator, by origin (``computed`` or
    ``aggregate``). The results store holds one figure per segment, origin and month (an
    area-wide figure alone, see sources.py); where both origins have one, the computed figure
    is shown, unless only the other can be compared with the year before: a month is never
    compared with a figure from another source."""
    origins = sorted(now, key=lambda o: o != "computed")
    if not origins:
        return None, None
    both = [o for o in origins if comparable(now[o], before.get(o))]
    chosen = both[0] if both else origins[0]
    return now[chosen], before[chosen] if both else None


def _organisation_rows(
    store: Any, codes: Sequence[str], periods: set[str]
) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """The organisations' own computed figures of the months, by metric and month."""
    out: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    if not periods:
        return out
    wanted = {"period": sorted(periods), "origin": "computed"}
    for r in store.results(codes, "org_code", wanted):
        if r["value"] is not None or r.get("withheld"):
            out.setdefault((r["metric"], r["period"]), []).append(r)
    return out


def _behind(figure: Mapping[str, Any], org_rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The organisations behind a stored figure (those whose own figure's submissions are
    among its sources), each with how it is counted: ``published`` (NHS Workforce Statistics
    standing in for an ESR extract, metrics/published.py) or ``own``."""
    sources = set(figure.get("sources") or ())
    return {
        str(r["org_code"]): "published" if published.SOURCE in (r.get("note") or "") else "own"
        for r in org_rows
        if sources & set(r.get("sources") or ())
    }


def _changed_source(
    now: Mapping[str, str],
    before: Mapping[str, str],
    before_period: str | None,
    *,
    same_organisations: bool,
) -> str:
    """Why two figures are not the same source, in words ("" when they are): an organisation
    counted from its own ESR extract in one month and from NHS England's published figure in
    the other; and, where the same organisations must be behind both (a headline), one behind
    only one of them."""
    month = f"not compared with {_month_words(before_period)}"
    switched = sorted(o for o in set(now) & set(before) if now[o] != before[o])
    if switched:
        names = ", ".join(switched)
        verb = "is" if len(switched) == 1 else "are"
        return (
            f"{month}: a change of source ({names} {verb} counted from "
            f"{'its' if len(switched) == 1 else 'their'} own ESR extract in one month and from "
            "NHS Workforce Statistics' published figure in the other)"
        )
    if same_organisations and set(now) != set(before):
        moved = len(set(now) ^ set(before))
        plural = "organisation is" if moved == 1 else "organisations are"
        return f"{month}: {moved} {plural} behind only one of the two figures (not the same source)"
    return ""


def _month_words(period: str | None) -> str:
    """'March 2024' for '2024-03'."""
    if not period:
        return "the year before"
    return month_name(period)


def _judge(cell: Cell, metric: Any, segment: str | None, applies: bool = True) -> None:
    """The cell's target (value, who set it, met or not) and its icons in words."""
    target = targets.for_segment(metric, segment) if applies else None
    if target is not None:
        cell.target = targets.describe(target, metric.unit)
        cell.target_set_by, cell.target_source = target.set_by, target.source
        met = target.met(cell.value)
        cell.target_state = "" if met is None else ("met" if met else "missed")
    cell.variation_label = VARIATION_LABELS.get(cell.variation_icon or "", "")
    cell.assurance_label = ASSURANCE_LABELS.get(cell.assurance or "", "")


def _plans(
    store: Any, split: str, filters: Mapping[str, Any], period: str | None
) -> dict[tuple[str, str], str]:
    """'x% under plan' for the cells whose metric has an operating plan in the month."""
    if not period:
        return {}
    wanted = {plan: metric for metric, plan in PLAN_METRICS.items()}
    out = {}
    for r in store.results(list(wanted), split, {**filters, "period": period}):
        if r["value"] is None:
            continue
        side = "under" if r["value"] < 0 else "over"
        words = "FTE " if r["metric"] == "plan_variance_agency_fte_pct" else ""
        out[(r["segment"], wanted[r["metric"]])] = (
            f"{words}{abs(r['value']) * 100:.1f}% {side} plan"
        )
    return out


def _reporting(
    store: Any,
    codes: Sequence[str],
    period: str | None,
    place: str | None,
    organisations: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, str], int]:
    """How many partner organisations of each segment have a computed figure in the month."""
    if not period or not organisations:
        return {}
    where = {
        str(o["org_code"]): str(o["segment"])
        for o in organisations
        if o.get("partner") in (True, "true") and (place is None or o.get("place") == place)
    }
    counts: dict[tuple[str, str], int] = {}
    for r in store.results(codes, "org_code", {"period": period, "origin": "computed"}):
        segment = where.get(r["org_code"])
        if segment is not None and (r["value"] is not None or r.get("withheld")):
            counts[(segment, r["metric"])] = counts.get((segment, r["metric"]), 0) + 1
    return counts


def _availability(
    cell: Cell, row: Mapping[str, Any] | None, applies: bool, override: Override | None
) -> None:
    """Data decides whether there is a figure; the coverage map says what to do about gaps
    and may mark a figure partial or an estimate."""
    if row is None or (cell.value is None and not row.get("withheld")):
        state = "not_applicable" if not applies else "not_available"
        if override is not None and override.availability in (
            "planned",
            "not_available",
            "not_applicable",
        ):
            state = override.availability
    elif row.get("quality") == "estimate":
        state = "estimate"
    elif row.get("quality") == "partial" or (
        cell.origin == "computed"
        and cell.organisations_expected
        and (cell.organisations_reporting or 0) < cell.organisations_expected
    ):
        state = "partial"
    else:
        state = "available"
    if (
        override is not None
        and row is not None
        and override.availability in ("partial", "estimate")
    ):
        state = override.availability
    cell.availability = state
    cell.availability_label = AVAILABILITY_LABELS[state]
    if override is not None:
        cell.source, cell.owner, cell.next_step = (
            override.source,
            override.owner,
            override.next_step,
        )


def reference_segments() -> list[dict[str, str]]:
    """The segments of the reference data in board order (``segment``, ``title``)."""
    from oneworkforce.data.reference import vocabulary

    segments = vocabulary("segment")
    return [{"segment": code, "title": segments.titles[code]} for code in segments.codes]


#: The headline tiles above the matrix: the system's figures (metric code, heading).
HEADLINES: tuple[tuple[str, str], ...] = (
    ("staff_in_post_fte", "Staff in post (FTE)"),
    ("vacancy_rate", "Vacancy rate"),
    ("sickness_absence_rate", "Sickness absence"),
    ("agency_share_of_paybill", "Agency share of pay bill"),
    ("leaver_rate", "Leaver rate (12 months)"),
)


def headlines(
    store: Any,
    *,
    period: str | None,
    place: str | None = None,
    catalogue: Catalogue = CATALOGUE,
) -> list[Cell]:
    """The system's (or one place's) headline figures for ``period``, each a :class:`Cell`
    with the year-before figure (when the same organisations have a computed figure in both
    months), the MDC icons where SPC applies, and the target's state."""
    if period is None:
        return []
    split = "place" if place else "system"
    filters: dict[str, Any] = {"place": place} if place else {}
    before = period_label(month_index(period) - 12)
    codes = [c for c, _ in HEADLINES]
    values: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in store.results(codes, split, {**filters, "period": [period, before]}):
        key = (r["metric"], r["period"])
        if key not in values or r["origin"] == "computed":
            values[key] = r
    # who is behind each month's figure, and how: a trust that joins one month only, or whose
    # staff in post is its own ESR extract one month and NHS England's published figure the
    # other, makes the two figures of different sources
    org_rows = _organisation_rows(store, codes, {period, before})
    latest: dict[str, Mapping[str, Any]] = {}
    for r in store.latest(codes, split, {**filters, "period": period}):
        if r["metric"] not in latest or r["origin"] == "computed":
            latest[r["metric"]] = r
    out = []
    for code, title in HEADLINES:
        metric = catalogue.get(code)
        now = (values.get((code, period)) or {}).get("value")
        old = (values.get((code, before)) or {}).get("value")
        why = ""
        if old is not None:
            why = _changed_source(
                _behind(values.get((code, period)) or {}, org_rows.get((code, period), ())),
                _behind(values.get((code, before)) or {}, org_rows.get((code, before), ())),
                before,
                same_organisations=True,
            )
            if why:
                old = None  # not the same source in the two months
        icons = latest.get(code, {})
        withheld = (values.get((code, period)) or {}).get("withheld") or ""
        cell = Cell(
            segment="",
            metric=code,
            period=period,
            value=now,
            display=f"Withheld: {withheld}" if withheld else format_value(now, metric.unit),
            withheld=withheld,
            unit=metric.unit,
            comparator_period=before,
            comparator=old,
            comparator_display=format_value(old, metric.unit) if old is not None else "",
            change_display=change(now, old, metric.unit),
            comparison_note=why,
            variation_icon=icons.get("variation_icon") if metric.spc and now is not None else None,
            assurance=cell_assurance(metric, None, icons) if now is not None else None,
            availability="available" if now is not None else "not_available",
        )
        cell.basis = title
        _judge(cell, metric, None)
        out.append(cell)
    return out
