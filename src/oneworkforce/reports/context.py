"""What each section builder gets: the inputs, the figure maker and the pack's index.

The index is a small summary every section adds to (RAG by programme, risk scores, special
cause signals, open items, key figures); the next pack compares its own index with this
pack's to write "what changed since the last pack".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oneworkforce.metrics.periods import month_index, period_label
from oneworkforce.reports.figures import Figures
from oneworkforce.reports.inputs import Inputs
from oneworkforce.reports.options import PackOptions


@dataclass
class Context:
    inputs: Inputs
    options: PackOptions
    figures: Figures
    index: dict[str, Any] = field(
        default_factory=lambda: {
            "figures": {},
            "special_causes": [],
            "rag": {},
            "risks": {},
            "items": {},
            "limits": {},  # figure key -> the width of its process limits (upl - lpl)
            "assurance": {},  # figure key -> its SPC assurance against target
            "when": {},  # "risk/REF" or "rag/CODE" -> the day it was last scored or reported
        }
    )
    facts: dict[str, Any] = field(default_factory=dict)  # for the cover sheet's summary

    @property
    def period(self) -> str:
        return self.inputs.period

    @property
    def year_before(self) -> str:
        return period_label(month_index(self.period) - 12)

    @property
    def public(self) -> bool:
        return self.options.public

    def record(self, key: str, value: Any, split: str, group: str, metric: str) -> None:
        """Record a figure in the index with its process limits' width and its assurance
        (from the stored SPC point of the pack's month), for the next pack to compare."""
        self.index["figures"][key] = value
        point = self._points(split).get((group, metric))
        if point is None:
            return
        if point.get("upl") is not None and point.get("lpl") is not None:
            self.index["limits"][key] = point["upl"] - point["lpl"]
        if point.get("assurance"):
            self.index["assurance"][key] = point["assurance"]

    def _points(self, split: str) -> dict[tuple[str, str], dict[str, Any]]:
        cache = self.facts.setdefault("_spc_points", {})
        if split not in cache:
            rows = self.inputs.store.spc_points(None, split, {"period": self.period})
            cache[split] = {
                (str(r.get("segment") or "system"), str(r["metric"])): r
                for r in rows
                if not r.get("place") and r.get("origin", "computed") == "computed"
            }
        return cache[split]

    def items(self, kind: str, keys: list[str]) -> None:
        self.index["items"][kind] = sorted(keys)


def month_name(period: str | None) -> str:
    """``2025-03`` as ``March 2025``."""
    if not period:
        return ""
    import datetime as dt

    return dt.date.fromisoformat(f"{period}-01").strftime("%B %Y")


def change_note(now: float | None, before: float | None, unit: str) -> str:
    """The movement on a year, in points for rates and per cent for amounts."""
    from oneworkforce.metrics.people_story import change

    moved = change(now, before, unit)
    return f"{moved} on a year" if moved else ""
