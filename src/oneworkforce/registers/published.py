"""What the published register of interests shows (the conflicts check at a meeting is in
:mod:`oneworkforce.registers.conflicts`).

The publication rule: each person's latest declaration; every interest that is current, or
that ended no more than six months before the day the register is read ("any conflict
declared that has ceased will remain on the register for six months after the conflict has
expired", seed 002); nil declarations are listed as nil.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from oneworkforce.registers import models
from oneworkforce.registers.tabular import normalise

PUBLISH_AFTER_END = relativedelta(months=6)


def publishable(interest: models.Interest, as_of: dt.date) -> bool:
    if interest.withdrawn:
        return False
    return interest.end is None or interest.end >= as_of - PUBLISH_AFTER_END


def latest_declarations() -> list[models.Declaration]:
    latest: dict[tuple[str, str], models.Declaration] = {}
    for decl in models.Declaration.objects.filter(archived=False).prefetch_related("interests"):
        # one person's declarations: by the person they identify, else by the name written
        key = (
            ("person", str(decl.person_id))
            if decl.person_id
            else (normalise(decl.forename), normalise(decl.surname))
        )
        held = latest.get(key)
        if held is None or (decl.declared_on or dt.date.min) > (held.declared_on or dt.date.min):
            latest[key] = decl
    return sorted(latest.values(), key=lambda d: (d.surname.lower(), d.forename.lower()))


def published_register(as_of: dt.date) -> list[dict]:
    entries = []
    for decl in latest_declarations():
        interests = [i for i in decl.interests.all() if publishable(i, as_of)]
        entries.append(
            {
                "name": decl.name,
                "role": decl.role,
                "declared_on": decl.declared_on,
                "nil": decl.nil,
                "interests": [
                    {
                        "category": i.get_category_display(),
                        "description": i.description,
                        "start": i.start,
                        "end": i.end,
                        "ended": i.end is not None and i.end < as_of,
                    }
                    for i in interests
                ],
                "management": "" if decl.nil else decl.management,
            }
        )
    return entries
