"""NHS staff in post from NHS England's published file where a trust sends no ESR extract.

One source rule for NHS staff in post: an organisation's own ESR extract (``staff_in_post``)
is its figure for every month the extract covers; for a month it does not, the organisation's
published total from NHS Workforce Statistics (``nws_staff_in_post``, the staff group 'Total')
is used instead. Never both for one organisation and month, so nothing is counted twice.

Published figures are organisation totals, so they enter the system, place, segment and
organisation figures, not staff group or band splits. A figure that includes them says so in
its note, and how many organisations it took from the published file: a board sees which
figures are the ICS's own data and which are NHS England's. Published headcounts are added
organisation by organisation, so a person working in two organisations counts in both (an
ESR extract counts them once); the note says this for headcount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from oneworkforce.data.reference import TOTAL_STAFF_GROUP
from oneworkforce.metrics.periods import month_index
from oneworkforce.metrics.request import Request
from oneworkforce.metrics.results import MetricResult, for_group

#: The metrics a published figure stands in for, and the data type it is published as.
PUBLISHED_METRICS = {"staff_in_post_fte": "fte", "staff_in_post_headcount": "headcount"}
#: The dataset the published totals come from.
DATASET = "nws_staff_in_post"
#: The levels published organisation totals can be placed at (no staff group split).
PLACEABLE = frozenset({"segment", "org_code", "place"})
SOURCE = "NHS Workforce Statistics (published)"


def totals_sql(within: Callable[[str], str] = lambda column: "TRUE") -> str:
    """Each organisation's published total for the months its own extract does not cover;
    ``within(column)``: the condition that keeps a period column inside the months read."""
    return f"""
SELECT n.period, n.org_code, n.data_type, CAST(n.value AS DOUBLE) AS value, n.submission_id
FROM nws_staff_in_post AS n
WHERE n.staff_group = '{TOTAL_STAFF_GROUP}' AND n.value IS NOT NULL AND {within("n.period")}
  AND NOT EXISTS (
    SELECT 1 FROM staff_in_post AS s
    WHERE s.org_code = n.org_code AND s.period = n.period AND {within("s.period")}
  )
"""


#: Every month's published totals (a plan narrows them to the months it reads).
SQL = totals_sql()


def reads(dataset: str, metric: str) -> bool:
    """Whether a metric's figures can change with a dataset's published totals."""
    return dataset == DATASET and metric in PUBLISHED_METRICS


def wanted(request: Request) -> bool:
    """Whether a request can take published figures at all."""
    return set(request.by) <= PLACEABLE and any(
        m.code in PUBLISHED_METRICS for m in request.metrics
    )


def note(metric: str, organisations: int, whole: bool) -> str:
    """What a figure says about the published figures in it."""
    plural = "s" if organisations != 1 else ""
    text = (
        f"{SOURCE} for {organisations} organisation{plural} without an ESR extract this month"
        if not whole
        else f"{SOURCE}: no ESR extract this month"
    )
    if metric == "staff_in_post_headcount" and (organisations > 1 or not whole):
        text += " (organisation headcounts added: a person in two organisations counts twice)"
    return text


def _groups(
    request: Request,
    rows: Iterable[Mapping[str, Any]],
    organisations: Mapping[str, tuple[str | None, str | None]],
) -> dict[tuple[str, int, tuple[Any, ...]], list[Mapping[str, Any]]]:
    codes = {kind: code for code, kind in PUBLISHED_METRICS.items()}
    asked = {m.code for m in request.metrics}
    groups: dict[tuple[str, int, tuple[Any, ...]], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        metric = codes.get(row["data_type"])
        org = row["org_code"]
        m = month_index(row["period"])
        if metric not in asked or org not in organisations:
            continue  # another figure, or not a partner of this ICS (a peer)
        if request.months is not None and m not in request.months:
            continue
        place, segment = organisations[org]
        values = {"org_code": org, "place": place, "segment": segment}
        if any(values[d] is None for d in request.by):
            continue
        groups[metric, m, tuple(values[d] for d in request.by)].append(row)
    return groups


def merge(
    request: Request,
    computed: list[MetricResult],
    rows: Iterable[Mapping[str, Any]],
    organisations: Mapping[str, tuple[str | None, str | None]],
) -> list[MetricResult]:
    """The computed results with the published figures of uncovered organisations added."""
    if not wanted(request):
        return computed
    groups = _groups(request, rows, organisations)
    if not groups:
        return computed
    order = {m.code: i for i, m in enumerate(request.metrics)}
    by_key = {
        (r.metric, month_index(r.period), tuple(r.dimensions.get(d) for d in request.by)): i
        for i, r in enumerate(computed)
        if r.metric in PUBLISHED_METRICS
    }
    out = list(computed)
    for (code, m, key), members in groups.items():
        value = sum(float(r["value"]) for r in members)
        sources = tuple(sorted({str(r["submission_id"]) for r in members}))
        at = by_key.get((code, m, key))
        own = out[at] if at is not None else None
        if at is not None and own is not None and own.value is not None:
            out[at] = replace(
                own,
                value=own.value + value,
                numerator=(own.numerator or 0.0) + value,
                sources=tuple(sorted({*own.sources, *sources})),
                note="; ".join(filter(None, [own.note, note(code, len(members), False)])),
            )
            continue
        result = for_group(
            request.by,
            code,
            m,
            key,
            order[code],
            value=value,
            numerator=value,
            denominator=None,
            unit=PUBLISHED_METRICS[code],
            basis=PUBLISHED_METRICS[code],
            quality="actual",
            sources=sources,
            note=note(code, len(members), True),
        )
        if at is not None:
            out[at] = result
        else:
            out.append(result)
    return out
