"""Minimum organisations per group: no figure shown to a reader who may not see organisations'
own figures is one organisation's figure in disguise (issue 14, item 2).

A place, segment or staff-group figure to which one organisation alone contributes *is* that
organisation's figure. Every read of the results store by the web pages, the downloads, the
API and the board packs goes through :class:`GroupSizeReader`, which withholds such figures
from a :class:`Viewer` who may not see that organisation's own figures.

**Contributors.** The organisations behind a stored figure are worked out from the stored
organisation-level figures of the same generation:

* computed figures: the partner organisations of the group (by the organisation register's
  place and segment; for a total across segments, the pooled organisations alone: not those
  of a segment sized by ``aggregate`` figures, metrics/sources.py) whose own figure for the
  same metric, month and staff group (or staff group of the cross-sector level, or band
  cluster) has a non-zero value, numerator or denominator; an organisation with nothing in
  the group does not count;
* figures from the ``aggregate`` dataset: the rows of the group with a non-zero value,
  numerator or denominator in the submissions the figure names as its sources, each
  organisation counted once and each area (a row with ``area_code``) counted as one
  contributor, as the register cannot say how many organisations an area's figure covers.

**The rule.** With ``others`` the contributors the viewer may not see: the figure is shown when
every contributor is one the viewer may see (their own organisation), or when ``others`` holds
at least ``min_organisations``; otherwise its value, numerator and denominator are withheld and
``withheld`` says why ("fewer than 2 organisations"). So an organisation's data lead cannot
recover another organisation's figure by subtracting their own from a two-organisation total.
A withheld point of an SPC series also withholds the series' mean, limits and icons, which are
worked from every point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from oneworkforce.config import min_organisations
from oneworkforce.metrics import sources
from oneworkforce.metrics.results_layout import Row

#: the fields of a stored row that carry a figure
FIGURES = ("value", "numerator", "denominator")
#: the fields of an SPC point worked from the whole series
SERIES_FIELDS = (
    "mean",
    "lpl",
    "upl",
    "outside_limits",
    "close_to_limits",
    "relative_to_mean",
    "special_cause_flag",
    "point_type",
    "rule",
    "variation_icon",
    "assurance",
)
#: the dimensions a group can be narrowed by besides the organisation
_NARROWING = ("staff_group", "staff_category", "band_cluster")


@dataclass(frozen=True)
class Viewer:
    """Whose figures a reader may see: ``visible`` organisations' own figures (``None``: every
    organisation's) and the smallest number of other organisations a figure may stand for."""

    visible: frozenset[str] | None = frozenset()
    min_organisations: int = 2

    @property
    def unrestricted(self) -> bool:
        return self.visible is None or self.min_organisations <= 1

    @property
    def key(self) -> tuple[Any, ...]:
        """What a cache of figures shown to this viewer must be keyed by."""
        if self.unrestricted:
            return ("all",)
        return (self.min_organisations, tuple(sorted(self.visible or ())))

    def reason(self) -> str:
        n = self.min_organisations
        if self.visible:
            return f"fewer than {n} organisations besides your own"
        return f"fewer than {n} organisations"

    def shows(self, contributors: frozenset[str]) -> bool:
        if self.unrestricted:
            return True
        others = contributors - (self.visible or frozenset())
        return (bool(contributors) and not others) or len(others) >= self.min_organisations


#: every organisation's figures (analysts, administrators, the board; the command line)
EVERYONE = Viewer(visible=None)


def viewer_for(visible: Iterable[str] | None) -> Viewer:
    """A viewer who may see the figures of ``visible`` organisations (``None``: all), with the
    configured minimum (``ONEWORKFORCE_MIN_ORGANISATIONS``, default 2)."""
    if visible is None:
        return EVERYONE
    return Viewer(frozenset(visible), min_organisations())


def public_viewer() -> Viewer:
    """A reader of a published output: no organisation's own figures."""
    return viewer_for(())


def has_figure(row: Mapping[str, Any]) -> bool:
    return any(row.get(f) is not None for f in FIGURES)


def _contributes(row: Mapping[str, Any]) -> bool:
    return any(row.get(f) not in (None, 0) for f in FIGURES)


@cache
def _category(staff_group: str | None) -> str | None:
    from oneworkforce.data.reference import staff_category

    if staff_group is None:
        return None
    try:
        return staff_category(staff_group)
    except KeyError:
        return None


Register = Mapping[str, tuple[str | None, str | None]]


class Contributors:
    """The organisations behind stored figures, for one generation of the results store.

    ``reader`` is a :class:`~oneworkforce.metrics.results_reader.ResultsReader`; ``register``
    maps each partner organisation to its place and segment."""

    def __init__(self, reader: Any, index: Mapping[str, Any], register: Register) -> None:
        self.reader = reader
        self.index = index
        self.register = register
        self._sized_segments: frozenset[str] | None = None

    def of(self, split: str, rows: Sequence[Row]) -> list[frozenset[str]]:
        """The contributors of each row of ``split`` (organisation-level rows: their own)."""
        out: list[frozenset[str]] = [frozenset()] * len(rows)
        computed: list[int] = []
        aggregate: list[int] = []
        for i, row in enumerate(rows):
            if row.get("org_code") is not None:
                out[i] = frozenset({row["org_code"]})
            elif row.get("origin") == "aggregate":
                aggregate.append(i)
            else:
                computed.append(i)
        if computed:
            self._computed(rows, computed, out)
        if aggregate:
            self._aggregate(rows, aggregate, out)
        return out

    # -- computed figures: from the organisations' own stored figures ------------------------
    def _computed(self, rows: Sequence[Row], which: list[int], out: list[frozenset[str]]) -> None:
        by_level: dict[str, list[int]] = defaultdict(list)
        for i in which:
            narrowed = rows[i].get("staff_group") or rows[i].get("staff_category")
            by_level["org_code_staff_group" if narrowed else "org_code"].append(i)
        for level, indices in by_level.items():
            metrics = sorted({rows[i]["metric"] for i in indices})
            periods = sorted({rows[i]["period"] for i in indices})
            files = self.reader._files(level, "results", metrics, self.index)
            org_rows = self.reader._read(
                files,
                [("metric", "in", metrics), ("period", "in", periods), ("origin", "=", "computed")],
            )
            found: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
            for o in org_rows:
                place_segment = self.register.get(o["org_code"])
                if place_segment is None or not _contributes(o):
                    continue
                entry = {
                    "org": o["org_code"],
                    "place": place_segment[0],
                    "segment": place_segment[1],
                    "staff_group": o.get("staff_group"),
                    "staff_category": o.get("staff_category") or _category(o.get("staff_group")),
                    "band_cluster": o.get("band_cluster"),
                }
                found[o["metric"], o["period"], None].append(entry)
                for d in ("staff_group", "staff_category"):
                    if entry[d] is not None:
                        found[o["metric"], o["period"], (d, entry[d])].append(entry)
            for i in indices:
                row = rows[i]
                narrowed = next(
                    ((d, row[d]) for d in ("staff_group", "staff_category") if row.get(d)), None
                )
                wanted = {
                    d: row[d] for d in ("place", "segment", *_NARROWING) if row.get(d) is not None
                }
                # a total across segments is the pooled organisations' alone (sources.py)
                left_out = self._sized() if row.get("segment") is None else frozenset()
                out[i] = frozenset(
                    c["org"]
                    for c in found.get((row["metric"], row["period"], narrowed), ())
                    if all(c[d] == v for d, v in wanted.items()) and c["segment"] not in left_out
                )

    def _sized(self) -> frozenset[str]:
        """The segments sized by ``aggregate`` figures (metrics/sources.py): their stored
        segment figures of staff in post from the ``aggregate`` dataset, in any month."""
        if self._sized_segments is None:
            metrics = list(sources.SIZING_METRICS)
            files = self.reader._files("segment", "results", metrics, self.index)
            found = self.reader._read(
                files, [("metric", "in", metrics), ("origin", "=", "aggregate")]
            )
            self._sized_segments = frozenset(r["segment"] for r in found if r.get("segment"))
        return self._sized_segments

    # -- aggregate figures: the rows of their source submissions -----------------------------
    def _aggregate(self, rows: Sequence[Row], which: list[int], out: list[frozenset[str]]) -> None:
        for i in which:
            row = rows[i]
            found: set[str] = set()
            for sid in row.get("sources") or ():
                for entry in _aggregate_rows(self.reader.lake_root, sid):
                    if entry["metric"] != row["metric"] or entry["period"] != row["period"]:
                        continue
                    if not _contributes(entry):
                        continue
                    if row.get("segment") is not None and entry["segment"] != row["segment"]:
                        continue
                    org = entry["org_code"]
                    if org is not None and org not in self.register:
                        continue  # not a partner: in no figure of the ICS
                    place = self.register[org][0] if org is not None else None
                    if row.get("place") is not None and place != row["place"]:
                        continue
                    found.add(org if org is not None else f"area {entry['area_code']}")
            out[i] = frozenset(found)


_aggregate_cache: dict[Path, list[dict[str, Any]]] = {}


def _aggregate_rows(lake_root: Path, submission: str) -> list[dict[str, Any]]:
    """The rows of one ``aggregate`` submission (its files are never rewritten)."""
    folder = Path(lake_root) / "aggregate" / f"submission={submission}"
    if folder not in _aggregate_cache:
        rows: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.parquet")):
            table = pq.read_table(path)
            names = set(table.column_names)
            for r in table.to_pylist():
                rows.append(
                    {
                        "metric": r.get("metric"),
                        "period": str(r.get("period"))[:7],
                        "segment": r.get("segment"),
                        "org_code": r.get("org_code") if "org_code" in names else None,
                        "area_code": r.get("area_code") if "area_code" in names else None,
                        **{f: r.get(f) for f in FIGURES},
                    }
                )
        _aggregate_cache[folder] = rows
    return _aggregate_cache[folder]


def withhold(viewer: Viewer, rows: list[Row], contributors: Sequence[frozenset[str]]) -> list[Row]:
    """Rows with the figures the viewer may not see withheld (``withheld`` says why)."""
    out = []
    for row, behind in zip(rows, contributors, strict=True):
        if has_figure(row) and not viewer.shows(behind):
            row = {**row, **dict.fromkeys(FIGURES), "withheld": viewer.reason()}
        out.append(row)
    return out


def withhold_series_statistics(points: list[Row]) -> list[Row]:
    """SPC points of one series: when any point is withheld, so are the series' statistics."""
    if not any(p.get("withheld") for p in points):
        return points
    return [{**p, **dict.fromkeys(SERIES_FIELDS)} for p in points]
