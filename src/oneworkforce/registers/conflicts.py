"""Conflicts of interest checked item by item.

An interest names the organisations or subjects it concerns; when the register is kept as
free text (seed 002's is) they are read from the text (:func:`organisations_in`) and shown
for a person to confirm. An agenda item names the organisations, programmes and papers it
concerns (``concerns``, typed or picked), and its title is searched for them too. For each
meeting, each present attendee's interests current on the meeting date are set against each
item: a shared organisation or subject is a conflict, with the handling the policy requires
(:data:`oneworkforce.registers.vocab.HANDLING`) and the handling the minutes record. When the
meeting has no attendance recorded (the agenda goes out before the meeting), the members of
its committee on the meeting date are checked instead, so nobody expected is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from oneworkforce.registers import models, vocab
from oneworkforce.registers.people import name_key, org_key

_SUFFIX = r"(?:Ltd|Limited|LLP|[Pp][Ll][Cc]|CIC)"
_NHS = (
    r"(?:NHS Foundation Trust|NHS Trust|Foundation Trust|Health Trust|Integrated Care Board|ICB"
    r"|Clinical Commissioning Group|CCG|Ambulance Service|County Council|City Council|Council"
    r"|University|College|Academy Trust|Trust|GP Alliance|Partnership|Consultancy)"
)
_WORD = r"(?:[A-Z][A-Za-z0-9'’.]*(?:-[A-Za-z0-9'’.]+)*|of|and|&|the|on|upon|for|in)"
_NAMED = re.compile(rf"\b({_WORD}(?:\s+{_WORD})*?)\s+({_SUFFIX}|{_NHS})\b")
#: words that open a role, not a name ("Chair of ...", "Chief Executive ...")
_ROLE_WORDS = {
    "chair",
    "chairman",
    "vice",
    "chief",
    "executive",
    "director",
    "non-executive",
    "managing",
    "interim",
    "ceo",
    "owner",
    "associate",
    "lay",
    "member",
    "governor",
    "partner",
    "employee",
    "visiting",
    "fellow",
    "substantive",
    "trustee",
    "president",
    "non",
    "independent",
    "elected",
    "councillor",
    "previously",
    "spouse",
    "daughter",
    "son",
    "husband",
    "wife",
    "sibling",
    "brother",
    "sister",
    "the",
    "of",
    "and",
    "&",
    "on",
    "upon",
    "for",
    "in",
    "a",
    "an",
}


def _trim(words: str) -> str:
    parts = words.split()
    while parts and parts[0].lower().rstrip(".") in _ROLE_WORDS:
        parts = parts[1:]
    return " ".join(parts)


def registered_subjects() -> list[tuple[str, list[str]]]:
    """The registered organisations (with aliases) and programmes, as (name, other names)."""
    out = [
        (o.name, [str(a) for a in o.aliases or []])
        for o in models.Organisation.objects.filter(archived=False)
    ]
    out += [
        (p.name, [p.code] if not re.fullmatch(r"P\d+[a-z]?", p.code) else [])
        for p in models.Programme.objects.filter(archived=False)
    ]
    return out


def _mentions(text: str, name: str) -> bool:
    if not name.strip():
        return False
    if name.isupper() and len(name) <= 8:  # an abbreviation: whole word, as written
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", text) is not None
    return f" {org_key(name)} " in f" {org_key(text)} "


def organisations_in(text: str, registered: list[tuple[str, list[str]]] | None = None) -> list[str]:
    """The organisations a piece of free text names: registered organisations and programmes
    (by name or alias, as whole words), and names ending in a company suffix (Ltd, Limited,
    LLP, plc, CIC) or an NHS or public body's (NHS Trust, ICB, Council, ...). Registered
    names are given in their registered form."""
    text = str(text or "")
    registered = registered_subjects() if registered is None else registered
    found: dict[str, str] = {}
    for name, aliases in registered:
        if any(_mentions(text, n) for n in (name, *aliases)):
            found.setdefault(org_key(name), name)
    for m in _NAMED.finditer(text):
        name = _trim(f"{m[1]} {m[2]}")
        if len(name.split()) < 2:
            continue
        canonical = _canonical(name, registered)
        found.setdefault(org_key(canonical), canonical)
    # a name that is part of a longer one found in the same text is the same organisation
    keys = list(found)
    for key in keys:
        if any(other != key and f" {key} " in f" {other} " for other in keys):
            found.pop(key, None)
    return list(found.values())


def _canonical(name: str, registered: list[tuple[str, list[str]]]) -> str:
    key = org_key(name)
    for reg, aliases in registered:
        if key in {org_key(reg), *(org_key(a) for a in aliases)}:
            return reg
    return name


def interest_subjects(interest: models.Interest) -> list[str]:
    return [str(o) for o in interest.organisations or []]


def item_subjects(item: Any, registered: list[tuple[str, list[str]]]) -> list[str]:
    """What an agenda item concerns: its typed ``concerns`` and what its title names."""
    if isinstance(item, dict):
        typed = item.get("concerns") or []
        if isinstance(typed, str):
            typed = [t for t in re.split(r"[;,]", typed) if t.strip()]
        text = str(item.get("title", ""))
    else:
        typed, text = [], str(item)
    out: dict[str, str] = {}
    for name in typed:
        canonical = _canonical(str(name).strip(), registered)
        out.setdefault(org_key(canonical), canonical)
    for name in organisations_in(text, registered):
        out.setdefault(org_key(name), name)
    return list(out.values())


def _item_fields(item: Any, position: int) -> dict[str, str]:
    if isinstance(item, dict):
        return {
            "item": str(item.get("number") or position),
            "title": str(item.get("title", "")),
            "handling": str(item.get("handling", "")),
        }
    m = re.match(r"^\s*(\d+[a-z]?)[.)]?\s+(.*)$", str(item))
    if m:
        return {"item": m[1], "title": m[2].strip(), "handling": ""}
    return {"item": str(position), "title": str(item).strip(), "handling": ""}


def current_interests(person: models.Person, on: dt.date) -> list[models.Interest]:
    """A person's interests current on a day, from their latest declaration made on or
    before it (or, when all were made later, their earliest)."""
    declarations = sorted(
        person.declarations.filter(archived=False),
        key=lambda d: d.declared_on or dt.date.min,
    )
    if not declarations:
        return []
    before = [d for d in declarations if (d.declared_on or dt.date.min) <= on]
    declaration = before[-1] if before else declarations[0]
    return [
        i
        for i in declaration.interests.filter(withdrawn=False)
        if (i.start is None or i.start <= on) and (i.end is None or i.end >= on)
    ]


def members_on(committee: models.Programme | None, on: dt.date) -> list[models.Membership]:
    """The committee's members on a day (membership begun on or before it, not yet ended)."""
    if committee is None:
        return []
    return [
        m
        for m in committee.members.select_related("person").order_by("person__key", "id")
        if (m.since is None or m.since <= on)
        and (m.until is None or m.until >= on)
        and not m.person.archived
    ]


def check(meeting: models.Meeting, on: dt.date | None = None) -> dict[str, Any]:
    """Each present attendee's current interests set against each agenda item; with no
    attendance recorded, each member's of the meeting's committee on the day."""
    on = on or meeting.date or dt.date.today()
    registered = registered_subjects()
    attendees: list[Any] = list(meeting.attendees.select_related("person"))
    checked_from = "attendance"
    if not attendees:
        members = members_on(meeting.committee, on)
        checked_from = "committee members (no attendance recorded)" if members else "nobody"
        attendees = [
            models.Attendee(person=m.person, written=m.person.name, role=m.role) for m in members
        ]
    unresolved: list[dict[str, str]] = []
    people: list[tuple[models.Attendee, list[models.Interest]]] = []
    for att in attendees:
        if att.person is None:
            unresolved.append(
                {
                    "name": att.written,
                    "reason": "more than one person has this name"
                    if att.status == "ambiguous"
                    else "no person with this name",
                }
            )
            continue
        if not att.present:
            continue
        if not att.person.declarations.filter(archived=False).exists():
            unresolved.append({"name": att.written, "reason": "no declaration of interests"})
            continue
        people.append((att, current_interests(att.person, on)))
    items = []
    for position, raw in enumerate(meeting.agenda or [], start=1):
        fields = _item_fields(raw, position)
        subjects = item_subjects(raw, registered)
        keys = {org_key(s): s for s in subjects}
        conflicts = []
        for att, interests in people:
            for interest in interests:
                for name in interest_subjects(interest):
                    if org_key(name) in keys:
                        conflicts.append(
                            {
                                "person": att.person.name,
                                "interest": interest.description,
                                "category": interest.category,
                                "organisation": keys[org_key(name)],
                                "handling_required": vocab.HANDLING.get(
                                    interest.category, "declare"
                                ),
                                "handling_recorded": _recorded(fields["handling"], att.person),
                            }
                        )
        items.append(
            {
                "item": fields["item"],
                "title": fields["title"],
                "concerns": subjects,
                "conflicts": conflicts,
            }
        )
    return {
        "meeting": str(meeting),
        "date": on.isoformat(),
        "checked_from": checked_from,
        "items": items,
        "unresolved_people": unresolved,
    }


def _recorded(handling: str, person: models.Person) -> str:
    """What the minutes record of the handling of conflicts on the item (empty: nothing)."""
    del person  # the minutes record handling per item, as the seed papers write it
    return handling.strip()


def find_meeting(ref: str) -> models.Meeting:
    """A meeting by its number, its reference (import key) or its title when only one
    meeting has that title."""
    ref = str(ref).strip()
    live = models.Meeting.objects.filter(archived=False)
    if ref.isdigit() and live.filter(pk=int(ref)).exists():
        return live.get(pk=int(ref))
    by_key = list(live.filter(import_key=ref))
    if len(by_key) == 1:
        return by_key[0]
    by_title = [m for m in live if name_key(m.title) == name_key(ref)]
    if len(by_title) == 1:
        return by_title[0]
    if by_title:
        dates = ", ".join(f"{m.pk} ({m.date or 'no date'})" for m in by_title)
        raise LookupError(
            f"{len(by_title)} meetings are called {ref!r}: give one's number: {dates}"
        )
    raise LookupError(f"there is no meeting {ref!r}")


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The conflicts found, one line each, for a cover sheet."""
    return [
        f"Item {item['item']} ({item['title']}): {c['person']} – {c['organisation']} "
        f"({c['handling_required']})"
        for item in result["items"]
        for c in item["conflicts"]
    ]


def for_pack(title: str, day: str) -> dict[str, Any]:
    """The conflicts check of the meeting a board pack goes to (by its title and date), as
    plain data for the cover sheet; ``checked`` is false when the meetings register has no
    such meeting, so the cover sheet never says "None identified" unchecked."""
    try:
        on = dt.date.fromisoformat(day)
    except ValueError:
        on = None
    found = [
        m
        for m in models.Meeting.objects.filter(archived=False, date=on)
        if name_key(m.title) == name_key(title)
    ]
    if len(found) != 1:
        return {
            "checked": False,
            "note": f"Not checked: the meetings register has "
            f"{'no' if not found else 'more than one'} meeting '{title}' on {day}.",
        }
    result = check(found[0], on)
    return {"checked": True, "lines": summary_lines(result), **result}


def cover_text(pack_check: dict[str, Any] | None) -> str:
    """The cover sheet's "Conflict of interest" entry, from the check."""
    if not pack_check:
        return "Not checked: the registers are not installed."
    if not pack_check.get("checked"):
        return str(pack_check.get("note", "Not checked."))
    if pack_check.get("checked_from") == "nobody":
        return "Not checked: no attendance recorded and no committee members on the day."
    parts = list(pack_check.get("lines") or [])
    text = "; ".join(parts) + "." if parts else "None identified."
    unchecked = pack_check.get("unresolved_people") or []
    if unchecked:
        names = ", ".join(f"{u['name']} ({u['reason']})" for u in unchecked)
        text += f" Not checked: {names}."
    return text
