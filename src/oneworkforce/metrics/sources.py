"""One source rule for a segment's figure: the area-wide figure when there is one, else the
providers' own (ADR 0014).

A social care segment can be seen twice in one month: through an area-wide figure (an
``aggregate`` row naming no organisation, such as Skills for Care's estimate for a local
authority area, which already counts every provider in it) and through the figures some of
its providers send themselves (ASC-WDS worker files computed as staff in post, ASC-WDS
workplace rows, provider returns). Adding them counts those providers twice; preferring the
providers' figures reports a handful of providers as the whole segment.

So, for one group (segment, place and segment, or the system, by segment), metric and month:

- when an area-wide row exists it is the group's figure; the providers' rows of that segment
  are neither added to it nor put in its place: they stay the providers' own organisation
  figures, and the group's note says how many providers also report
  (:data:`COVERAGE_AREA`);
- when none exists the providers' figures are the group's, marked partial when fewer
  providers report than the register holds for the group (:data:`COVERAGE_PROVIDERS`);
- a comparison of two months (the People Story's year before) uses two figures of the same
  coverage (:func:`comparable`), never an area-wide figure against the providers' own;
- the system and place totals (and their staff group and band splits) are the figures of the
  organisations counted from their own records, the same every month: a segment whose staff
  in post the ``aggregate`` dataset gives (an area-wide estimate, or its providers' own
  returns such as a council's ASC-WDS local authority return) is counted by those figures,
  which never enter a computed total (aggregates.py), so its providers' records (an ASC-WDS
  worker file, say) stay out of every system and place total too, in every month
  (:data:`SIZING_METRICS`, :func:`sized_segments`).

Every reader of figures follows it through this module: the engines (segment and system
figures, so the results store, the People Story, drill-downs and board packs) and the
planning baseline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

#: ``coverage`` of a figure from an area-wide row (the providers' rows set aside)
COVERAGE_AREA = "area"
#: ``coverage`` of a segment figure made of the providers' own figures
COVERAGE_PROVIDERS = "providers"


#: ``aggregate`` metrics that say how many staff a segment has: a segment with either of them
#: (an area-wide estimate or a partner's own return, in any month) is counted by its aggregate
#: figures, and its providers' own records are left out of the system and place totals
SIZING_METRICS = ("staff_in_post_fte", "staff_in_post_headcount")

#: The segments sized by the ``aggregate`` dataset, as SQL (read by the compiled plans): rows
#: for a whole area or for a partner (a peer's row is in no figure of the ICS).
SIZED_SEGMENTS_SQL = (
    "SELECT DISTINCT segment FROM aggregate WHERE segment IS NOT NULL AND metric IN ("
    + ", ".join(f"'{m}'" for m in SIZING_METRICS)
    + ") AND (org_code IS NULL OR org_code IN (SELECT org_code FROM organisations "
    "WHERE partner))"
)


def sized_segments(rows: Iterable[Mapping[str, Any]], partners: Iterable[str]) -> set[str]:
    """The segments whose staff in post ``aggregate`` rows give (:data:`SIZING_METRICS`), from
    rows for a whole area or for one of the ``partners``."""
    members = set(partners)
    return {
        str(r["segment"])
        for r in rows
        if r.get("segment") is not None
        and r.get("metric") in SIZING_METRICS
        and (r.get("org_code") is None or r.get("org_code") in members)
    }


def pooled(by: Iterable[str]) -> bool:
    """Whether a split's groups pool organisations across segments (the system, a place, and
    their staff group and band splits): the totals that leave sized segments out."""
    return not {"segment", "org_code"} & set(by)


def is_area_wide(row: Mapping[str, Any]) -> bool:
    """An ``aggregate`` row for a whole area: it names no organisation."""
    return row.get("org_code") is None


def choose(rows: Iterable[Mapping[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The rows of one segment, metric and month that make its figure, and the providers'
    rows set aside: the area-wide rows when there are any (several areas are added), else
    every provider row."""
    rows = list(rows)
    area = [r for r in rows if is_area_wide(r)]
    if area:
        return area, [r for r in rows if not is_area_wide(r)]
    return rows, []


def choose_by_segment(rows: Iterable[Mapping[str, Any]]) -> tuple[list[Any], list[Any]]:
    """:func:`choose` segment by segment (for a group spanning segments, such as the system):
    one segment's area-wide rows never set aside another segment's providers."""
    by_segment: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_segment[row.get("segment")].append(row)
    used: list[Any] = []
    set_aside: list[Any] = []
    for members in by_segment.values():
        chosen, aside = choose(members)
        used.extend(chosen)
        set_aside.extend(aside)
    return used, set_aside


def area_note(providers: int, quality: str) -> str | None:
    """The note of an area-wide figure when providers of its segment also report their own."""
    if not providers:
        return None
    kind = "estimate" if quality == "estimate" else "figure"
    plural = "provider also reports its" if providers == 1 else "providers also report their"
    return f"{kind} for the whole area; {providers} {plural} own figures"


def providers_note(reporting: int, expected: int) -> str | None:
    """The note of a providers' figure that does not cover every provider of its group."""
    if expected and reporting < expected:
        return f"{reporting} of {expected} providers report"
    return None


def comparable(now: Mapping[str, Any] | None, before: Mapping[str, Any] | None) -> bool:
    """Whether two stored figures of a group can be compared: same origin and same coverage."""
    if not now or not before:
        return False
    return now.get("origin") == before.get("origin") and now.get("coverage") == before.get(
        "coverage"
    )


_COVERAGE_WORDS = re.compile(
    r"^((?:estimate|figure) for the whole area; \d+ providers? also reports? (?:its|their) own "
    r"figures|\d+ of \d+ providers report)"
)


def coverage_words(note: str | None) -> str:
    """The words of :func:`area_note` or :func:`providers_note` at the start of a stored
    figure's note ("" when it has none)."""
    found = _COVERAGE_WORDS.match(note or "")
    return found.group(1) if found else ""
