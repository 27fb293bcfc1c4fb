"""Minimum organisations per group: no figure shown to a reader who may not see organisations'
own figures is one organisation's figure in disguise (issue 14, item 2).

A place, segment or staff-group figure to which one organisation alone contributes *is* that
organisation's figure. Every read of the results store by the web pages, the downloads, the
API and the board packs goes through the results reader, which withholds such figures
from a :class:`Viewer` who may not see that organisation's own figures.

**Contributors.** The organisations behind each stored figure are worked out when the results
are written and stored with them (``contributors``, :mod:`oneworkforce.metrics.contributors`,
which says how), so the rule reads no other file: an organisation-level figure is its
organisation's own; a place, segment or staff-group figure stands for the partner
organisations of the group with a non-zero figure of their own, and an ``aggregate`` figure
for the organisations and areas of its source rows.

**The rule.** With ``others`` the contributors the viewer may not see: the figure is shown when
every contributor is one the viewer may see (their own organisation), or when ``others`` holds
at least ``min_organisations``; otherwise its value, numerator and denominator are withheld and
``withheld`` says why ("fewer than 2 organisations"). So an organisation's data lead cannot
recover another organisation's figure by subtracting their own from a two-organisation total.
A withheld point of an SPC series also withholds the series' mean, limits and icons, which are
worked from every point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oneworkforce.config import min_organisations
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
