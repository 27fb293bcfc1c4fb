"""What the published register of interests shows, and the interests in the room at a meeting.

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
        key = (normalise(decl.forename), normalise(decl.surname))
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


def _match(name: str, declarations: list[models.Declaration]) -> models.Declaration | None:
    words = normalise(name).split()
    for decl in declarations:
        surname = normalise(decl.surname)
        forename = normalise(decl.forename)
        if (
            surname
            and surname in " ".join(words)
            and forename[:1] == (words[0][:1] if words else "")
        ):
            return decl
    return None


def meeting_conflicts(meeting: models.Meeting, on: dt.date) -> dict:
    """Each attendee's interests current on the day, set against the agenda with the handling
    recorded in the minutes."""
    declarations = latest_declarations()
    attendees = []
    for person in meeting.attendance or []:
        decl = _match(person.get("name", ""), declarations)
        interests = []
        if decl is not None:
            interests = [
                i
                for i in decl.interests.all()
                if not i.withdrawn
                and (i.end is None or i.end >= on)
                and (i.start is None or i.start <= on)
            ]
        attendees.append(
            {
                "name": person.get("name", ""),
                "declaration": decl,
                "interests": interests,
                "status": "no declaration found"
                if decl is None
                else ("nil declaration" if decl.nil else f"{len(interests)} interest(s)"),
            }
        )
    with_interests = [a for a in attendees if a["interests"]]
    agenda = [
        {**item, "attendees_with_interests": [a["name"] for a in with_interests]}
        for item in meeting.agenda or []
    ]
    return {"attendees": attendees, "agenda": agenda}
