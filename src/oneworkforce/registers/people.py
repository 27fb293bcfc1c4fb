"""People identified, not guessed: one person record behind declarations, meeting attendance
and committee membership.

A name is matched to a person by its normalised form exactly (titles, initials in brackets,
case and punctuation aside: "Dr Jo Chan (JC)" is "jo chan"), never by a part of it: "Andrew
Leeson" is not Ann Lee and "Ann Ashley" is not Alan Ash. Where two people share a name the
organisation (or email) written with it decides; where it cannot, the name is *ambiguous*;
where nobody has it, *unknown*. Both are listed for an analyst to resolve
(:func:`oneworkforce.registers.actions.identify_person`), which records the name as written
as an alias of the person chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oneworkforce.registers import models

_TITLES = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "cllr",
    "councillor",
    "sir",
    "dame",
    "rev",
    "revd",
    "lord",
    "lady",
}


def name_key(name: str) -> str:
    """The normalised name: lower case, words only, without titles or bracketed initials."""
    text = re.sub(r"\([^()]*\)", " ", str(name or "")).lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def org_key(name: str) -> str:
    text = str(name or "").lower().replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(w for w in words if w != "the")


def split_written(text: str) -> tuple[str, str]:
    """An attendance line as written, "Name, Role" or "Name (XY), Role", into name and role."""
    name, _, role = str(text).partition(",")
    return name.strip(), role.strip()


@dataclass
class Match:
    written: str
    status: str  # matched, unknown, ambiguous
    person: models.Person | None = None
    candidates: list[models.Person] = field(default_factory=list)


def match(name: str, *, organisation: str = "", email: str = "") -> Match:
    """The person a name (with organisation or email, when written) identifies."""
    if email:
        by_email = list(models.Person.objects.filter(email__iexact=email.strip(), archived=False))
        if len(by_email) == 1:
            return Match(name, "matched", by_email[0])
    key = name_key(name)
    if not key:
        return Match(name, "unknown")
    people = {p.pk: p for p in models.Person.objects.filter(key=key, archived=False)}
    for alias in models.PersonAlias.objects.filter(key=key).select_related("person"):
        if (
            alias.organisation
            and organisation
            and org_key(alias.organisation) != org_key(organisation)
        ):
            continue
        people[alias.person_id] = alias.person
    candidates = sorted(people.values(), key=lambda p: p.pk)
    if organisation:
        same = [
            p
            for p in candidates
            if not p.organisation or org_key(p.organisation) == org_key(organisation)
        ]
        if len(same) == 1:
            return Match(name, "matched", same[0])
        candidates = same or candidates
        if not same:
            return Match(name, "ambiguous" if candidates else "unknown", None, candidates)
    if len(candidates) == 1:
        return Match(name, "matched", candidates[0])
    return Match(name, "ambiguous" if candidates else "unknown", None, candidates)


def unresolved() -> list[dict]:
    """Names written in the registers that identify nobody, or more than one person: each
    with where it was written and the people it could be."""
    found: dict[str, dict] = {}

    def entry(written: str) -> dict:
        key = name_key(written)
        if key not in found:
            m = match(written)
            found[key] = {
                "name": written,
                "key": key,
                "status": m.status,
                "candidates": m.candidates,
                "where": [],
            }
        return found[key]

    for att in models.Attendee.objects.filter(person__isnull=True).select_related("meeting"):
        if att.meeting.archived:
            continue
        entry(att.written)["where"].append(f"{att.meeting} (attendance)")
    for decl in models.Declaration.objects.filter(person__isnull=True, archived=False):
        entry(f"{decl.forename} {decl.surname}")["where"].append(
            f"declaration of {decl.declared_on or 'no date'}"
        )
    return sorted(found.values(), key=lambda e: e["key"])


def is_person(user, person: models.Person | None) -> bool:
    """Whether the signed-in ``user`` is ``person``: the same email address (an account's
    email, or a username that is an email), never a name."""
    if person is None or not person.email or user is None or not user.is_authenticated:
        return False
    mine = {str(user.email or "").strip().lower(), str(user.get_username()).strip().lower()}
    return person.email.strip().lower() in mine
