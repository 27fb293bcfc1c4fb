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
