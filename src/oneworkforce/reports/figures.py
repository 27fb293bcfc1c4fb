"""Every figure in a pack is made here, so the public version controls every one of them.

A full pack shows figures as the results store holds them. A public pack (``--public``) runs
each one through :mod:`oneworkforce.metrics.disclosure` at ICS level (never "national", so
nothing is exempt): counts of people and FTE are suppressed below 8 and rounded to 5; rates
are worked out again from the rounded numerator and denominator and suppressed when either is
(a rate whose numerator and denominator are unknown is suppressed: fail safe); pounds are
rounded to the nearest £1,000. Adult social care segments also get the Skills for Care rule
(fewer than 10 workers suppressed).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from oneworkforce.metrics import disclosure
from oneworkforce.reports.blocks import Cell, number

#: the level public figures are controlled at: an ICS is below national, so all are controlled
LEVEL = "ics"
#: segments whose outputs follow the Skills for Care rule as well
ADULT_SOCIAL_CARE = frozenset(
    {"support_at_home", "personal_care", "care_homes", "adult_social_work"}
)
#: the rule of a figure withheld for standing for too few organisations
WITHHELD = "withheld_min_organisations"
#: units that count people (controlled as counts)
PEOPLE_UNITS = frozenset({"headcount", "fte"})


@dataclass
class Figures:
    """Makes numeric cells; in a public pack, through disclosure control."""

    public: bool = False
    rules: disclosure.DisclosureRules = field(default_factory=lambda: disclosure.DEFAULT_RULES)

    def metric(
        self,
        value: float | None,
        unit: str,
        *,
        numerator: float | None = None,
        denominator: float | None = None,
        segment: str | None = None,
        note: str = "",
        status: str = "",
    ) -> Cell:
        """A metric's figure (its unit from the catalogue)."""
        if value is None or not self.public:
            return number(value, unit, note=note, status=status)
        asc = segment in ADULT_SOCIAL_CARE
        if unit in PEOPLE_UNITS:
            controlled = disclosure.control_count(
                _whole(abs(value)), level=LEVEL, rules=self.rules, adult_social_care=asc
            )
            if value < 0 and controlled.value:  # a shortfall: controlled by its size
                controlled = replace(controlled, value=-controlled.value)
            return self._cell(controlled, unit, note, status)
        if unit == "fraction":
            if numerator is None or denominator is None:
                return self._suppressed(unit, note, disclosure.RATE_SUPPRESSED)
            controlled = disclosure.control_rate(
                _whole(numerator),
                _whole(denominator),
                level=LEVEL,
                rules=self.rules,
                adult_social_care=asc,
            )
            return self._cell(controlled, unit, note, status)
        if unit == "pounds":
            rounded = float(round(value / 1000.0) * 1000)
            return number(rounded, unit, note=note, status=status, rule="rounded_thousand")
        return number(value, unit, note=note, status=status)

    def withheld(self, unit: str, reason: str) -> Cell:
        """A figure withheld from this pack's readers: it stands for fewer organisations than
        the minimum (metrics/group_size.py); the cell says so."""
        cell = self._suppressed(unit, f"Withheld: {reason}", WITHHELD, "withheld")
        return cell

    def protect(self, total: Cell | None, parts: list[Cell]) -> list[Cell]:
        """Secondary suppression (§10 item 3) in a public pack: when exactly one of ``parts``
        is suppressed or withheld and ``total`` and the other parts are shown, the hidden part
        is the total less the others, so the smallest other part is suppressed as well."""
        if not self.public or total is None:
            return parts
        _, controlled = disclosure.suppress_next_smallest(
            _controlled(total), [_controlled(p) for p in parts], self.rules
        )
        out = []
        for cell, after in zip(parts, controlled, strict=True):
            if after.rule == disclosure.SECONDARY and not cell.get("suppressed"):
                cell = self._suppressed(cell["unit"], cell.get("note", ""), disclosure.SECONDARY)
            out.append(cell)
        return out

    def people(self, n: int | None, *, note: str = "", segment: str | None = None) -> Cell:
        """A count of people (staff, leavers...)."""
        if n is None or not self.public:
            return number(n, "count", note=note)
        controlled = disclosure.control_count(
            int(n),
            level=LEVEL,
            rules=self.rules,
            adult_social_care=segment in ADULT_SOCIAL_CARE,
        )
        return self._cell(controlled, "count", note, "")

    def plain(
        self, value: float | int | None, unit: str, *, note: str = "", status: str = ""
    ) -> Cell:
        """A figure that does not count people (risk scores, days overdue, organisations)."""
        return number(value, unit, note=note, status=status)

    def controlled_value(self, cell: Cell) -> float | None:
        return cell["value"] if isinstance(cell["value"], int | float) else None

    def _cell(self, controlled: disclosure.Controlled, unit: str, note: str, status: str) -> Cell:
        if controlled.suppressed:
            return self._suppressed(unit, note, controlled.rule, controlled.display)
        value: Any = controlled.value
        shown = f"{int(value):,}" if unit in PEOPLE_UNITS and value is not None else None
        shown = shown.replace("-", "−") if shown else shown
        return number(value, unit, display=shown, note=note, status=status, rule=controlled.rule)

    def _suppressed(self, unit: str, note: str, rule: str, display: str | None = None) -> Cell:
        cell = number(None, unit, display=display or self.rules.suppressed_display, rule=rule)
        cell["suppressed"] = True
        if note:
            cell["note"] = note
        return cell

    def metadata(self) -> dict[str, Any]:
        if not self.public:
            return {"public": False}
        return {"public": True, "level": LEVEL, **self.rules.metadata()}


def _controlled(cell: Cell) -> disclosure.Controlled:
    value = cell["value"] if isinstance(cell["value"], int | float) else None
    suppressed = bool(cell.get("suppressed"))
    display = str(cell.get("display", ""))
    return disclosure.Controlled(value, display, suppressed, cell.get("rule", ""))


def _whole(value: float) -> int:
    """A count for the disclosure rules: FTE and days are rounded to whole numbers first."""
    return max(0, round(float(value)))
