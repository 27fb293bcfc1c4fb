"""What the author of a pack chooses: the cover sheet's fields and the month.

Defaults come from ``settings.ONEWORKFORCE_PACK_DEFAULTS`` when the web settings define it
(so an ICS sets its own meeting and executive lead once), else from :data:`DEFAULTS`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: the board paper's "action required" choices, as the seed papers word them
ACTIONS = ("Approval", "Ratification", "Assurance", "Discussion", "Information")

DEFAULTS: dict[str, Any] = {
    "title": "Workforce report",
    "meeting": "ICB Workforce Board",
    "executive_lead": "Chief People Officer",
    "author": "Workforce Intelligence Lead",
    "action_required": "Assurance",
    "purpose": (
        "To give the Board assurance on the system's workforce position: the People Story "
        "metrics with their Making Data Count analysis, agency use and pay bill, the delivery "
        "of the workforce programmes and their benefits, and the risks held on the register."
    ),
}

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class OptionError(ValueError):
    """A choice the pack cannot be made with (said in plain words)."""


@dataclass
class PackOptions:
    period: str | None = None
    public: bool = False
    title: str = ""
    meeting: str = ""
    meeting_date: str = ""
    agenda_item: str = ""
    executive_lead: str = ""
    author: str = ""
    action_required: str = ""
    purpose: str = ""
    summary: str = ""
    recommendations: list[str] = field(default_factory=list)
    plan_runs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        defaults = {**DEFAULTS, **_setting_defaults()}
        for f in fields(self):
            if f.name in defaults and not getattr(self, f.name):
                setattr(self, f.name, defaults[f.name])
        if self.period is not None and not _PERIOD.match(self.period):
            raise OptionError(f"period {self.period!r} is not a month written YYYY-MM")
        if not self.meeting_date:
            self.meeting_date = dt.date.today().isoformat()
        try:
            dt.date.fromisoformat(self.meeting_date)
        except ValueError as exc:
            raise OptionError(f"meeting date {self.meeting_date!r} is not YYYY-MM-DD") from exc
        matched = [a for a in ACTIONS if a.lower() == self.action_required.strip().lower()]
        if not matched:
            raise OptionError(
                f"action required {self.action_required!r} is not one of {', '.join(ACTIONS)}"
            )
        self.action_required = matched[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _setting_defaults() -> dict[str, Any]:
    """The ICS's own defaults, once Django is set up (never load settings early: the data
    directory decides which database they name)."""
    from django.apps import apps

    if not apps.ready:
        return {}
    from django.conf import settings

    return dict(getattr(settings, "ONEWORKFORCE_PACK_DEFAULTS", {}) or {})
