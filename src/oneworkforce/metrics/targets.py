"""The ICS's targets and limits: one place, ``targets.toml`` in the data directory.

Each ``[[target]]`` names a metric, its bound(s) as fractions (``0.045`` is 4.5%) or in the
metric's unit, who set it, where it comes from and, optionally, the segments it applies to::

    [[target]]
    metric = "turnover_rate"
    segments = ["care_homes", "personal_care"]
    upper = 0.25
    set_by = "ICS People Board, 12 March 2025"
    source = "Social care retention plan 2025/26"

A metric named in the file has exactly the file's targets; a metric not named keeps the
catalogue's documented default (:data:`oneworkforce.metrics.catalogue.CATALOGUE`). Without a
file every metric has its default. For one cell, the first target that applies to its segment
is its target (so list segment-specific targets before a system-wide one).

Nothing here imports Django; the admin page writes the file through the web's actions layer.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.charts import format_value
from oneworkforce.metrics.definitions import Metric, Target

FILE_NAME = "targets.toml"
_KEYS = {"metric", "segments", "lower", "upper", "set_by", "source"}


class TargetsError(ValueError):
    """The targets file cannot be read: the message names the file, entry and field."""


def path(home_root: Path) -> Path:
    return Path(home_root) / FILE_NAME


def describe(target: Target, unit: str) -> str:
    """A target's value as a board paper writes it: "at most 4.5%", "8.0%-12.0%"."""
    if target.lower is not None and target.upper is not None:
        return f"{format_value(target.lower, unit)} to {format_value(target.upper, unit)}"
    if target.upper is not None:
        return f"at most {format_value(target.upper, unit)}"
    return f"at least {format_value(target.lower, unit)}"


def _number(entry: Mapping[str, Any], key: str, where: str) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TargetsError(f"{where}: {key} must be a number, not {value!r}")
    return float(value)


def parse(text: str, *, catalogue: Catalogue = CATALOGUE, name: str = FILE_NAME) -> Catalogue:
    """The catalogue with the targets of a ``targets.toml`` text."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{name}: not valid TOML ({exc})") from None
    entries = doc.get("target", [])
    if not isinstance(entries, list):
        raise TargetsError(f"{name}: 'target' must be a list of [[target]] tables")
    from oneworkforce.data.reference import vocabulary

    segments_known = set(vocabulary("segment").codes)
    chosen: dict[str, list[Target]] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"{name}, target {n}"
        unknown = set(entry) - _KEYS
        if unknown:
            raise TargetsError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        code = entry.get("metric")
        if code not in catalogue:
            raise TargetsError(f"{where}: metric {code!r} is not in the catalogue")
        metric = catalogue.get(str(code))
        segments = entry.get("segments", [])
        if not isinstance(segments, list) or any(s not in segments_known for s in segments):
            known = ", ".join(sorted(segments_known))
            raise TargetsError(f"{where}: segments must be a list of segment codes ({known})")
        lower, upper = _number(entry, "lower", where), _number(entry, "upper", where)
        set_by = str(entry.get("set_by", "")).strip()
        if not set_by:
            raise TargetsError(f"{where}: set_by is required (who set the target)")
        try:
            target = Target(
                "",
                lower=lower,
                upper=upper,
                set_by=set_by,
                source=str(entry.get("source", "")).strip(),
                segments=tuple(segments),
            )
        except ValueError as exc:
            raise TargetsError(f"{where}: {exc}") from None
        target = Target(
            describe(target, metric.unit),
            lower=lower,
            upper=upper,
            set_by=target.set_by,
            source=target.source,
            segments=target.segments,
        )
        chosen.setdefault(metric.code, []).append(target)
    return catalogue.with_targets(chosen)


def load(home_root: Path, catalogue: Catalogue = CATALOGUE) -> Catalogue:
    """The catalogue with the ICS's targets (the defaults where the file names no target)."""
    file = path(home_root)
    if not file.exists():
        return catalogue
    return parse(file.read_text(encoding="utf-8"), catalogue=catalogue, name=str(file))


def to_toml(targets: Mapping[str, Sequence[Target]]) -> str:
    """``targets.toml`` text for the targets of the metrics named."""
    entries = []
    for code, items in targets.items():
        for t in items:
            entry: dict[str, Any] = {"metric": code}
            if t.segments:
                entry["segments"] = list(t.segments)
            if t.lower is not None:
                entry["lower"] = t.lower
            if t.upper is not None:
                entry["upper"] = t.upper
            entry["set_by"] = t.set_by
            if t.source:
                entry["source"] = t.source
            entries.append(entry)
    header = (
        "# The ICS's targets and limits (OneWorkforce reads this file; the Targets admin page\n"
        "# writes it). Rates are fractions: 0.045 is 4.5%. A metric not named keeps its\n"
        "# documented default (docs/metrics.md).\n"
    )
    return header + tomli_w.dumps({"target": entries})


def for_segment(metric: Metric, segment: str | None) -> Target | None:
    """The target of one cell: the first of the metric's targets that applies."""
    return next((t for t in metric.targets if t.applies_to(segment)), None)


@dataclass(frozen=True)
class Shown:
    """A target as a page or pack shows it: its value and who set it."""

    value: str
    set_by: str
    source: str

    @property
    def text(self) -> str:
        return f"{self.value} (set by {self.set_by})"


def shown(metric: Metric, segment: str | None) -> Shown | None:
    target = for_segment(metric, segment)
    if target is None:
        return None
    return Shown(describe(target, metric.unit), target.set_by, target.source)


def current_text(home_root: Path, catalogue: Catalogue = CATALOGUE) -> str:
    """The targets file's text; without a file, the defaults written as one (to edit)."""
    file = path(home_root)
    if file.exists():
        return file.read_text(encoding="utf-8")
    return to_toml({m.code: m.targets for m in catalogue if m.targets})


#: what a page or pack says where a metric has no target
NO_TARGET = "No target set"


@dataclass(frozen=True)
class Applied:
    """The ICS's target for one metric and segment, as every page and pack uses it: the line
    SPC assurance and the charts are judged against, and what is printed (value, who set it)."""

    metric: Metric
    segment: str | None
    #: the one-sided target SPC assurance uses (None: no target, or a two-sided band)
    line: float | None
    shown: Shown | None

    @property
    def label(self) -> str:
        return self.shown.text if self.shown else NO_TARGET

    def assurance(self, latest: Mapping[str, Any] | None) -> str | None:
        """Assurance of a series' latest limits against this target (spc_spec §8); none
        where SPC does not apply, or there is no one-sided target or no limits."""
        from oneworkforce.metrics import spc

        if not self.metric.spc or latest is None:
            return None
        return spc.assurance(
            self.line, self.metric.improvement, latest.get("lpl"), latest.get("upl")
        )


def applied(catalogue: Catalogue, code: str, segment: str | None = None) -> Applied:
    """The one lookup of a target: ``catalogue`` is the ICS's (``load``: targets.toml over
    the documented defaults), so the People Story, drill-downs, agency page and packs agree."""
    return of(catalogue.get(code), segment)


def of(metric: Metric, segment: str | None = None) -> Applied:
    """The target of a metric already taken from the ICS's catalogue."""
    from oneworkforce.metrics.results_layout import spc_target

    return Applied(metric, segment, spc_target(metric, segment), shown(metric, segment))
