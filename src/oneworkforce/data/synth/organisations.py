"""The fictional ICS ("Dalesway") and, for the national scale, its fictional sister systems.

The register does not depend on the seed: the same organisations, codes and names every time,
so the shipped register (``data/reference/organisations.csv``) fits data made with any seed.
Codes are ODS-shaped (3-character trusts, ``Q..`` ICBs, ``B99001`` practices) but fictional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ICS_NAME = "Dalesway"
ICS_PLACES = ("Fellbeck", "Harrowdale", "Kirkholme", "Ravensmoor", "Wensthorpe")
ICS_NEIGHBOUR = "Marshfield"
OUT_OF_AREA = "Out of area"

# One character per system, used inside its codes ("Z" is Dalesway: RZA, QZZ, 9Z1 ...).
SYSTEM_CHARS = "ZABCDEFGHJKLMNPQRSTUVWXY23456789"

_PREFIXES = (
    "Ash",
    "Bram",
    "Cald",
    "Elm",
    "Fern",
    "Gor",
    "Hal",
    "Ivy",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Rad",
    "Sel",
    "Thorn",
    "Ul",
    "Whit",
    "Yar",
    "Brack",
    "Crag",
    "Dun",
    "Esk",
    "Gill",
    "Hag",
    "Kel",
    "Lyth",
    "Mos",
    "Orm",
    "Skel",
)
_SUFFIXES = (
    "beck",
    "bury",
    "dale",
    "field",
    "ford",
    "ham",
    "holme",
    "ley",
    "mere",
    "moor",
    "stow",
    "thorpe",
    "ton",
    "wick",
    "worth",
    "by",
)
_FEATURES = (
    "Beckside",
    "Moor Lane",
    "Church View",
    "Riverside",
    "Market Street",
    "Abbey",
    "Bridge End",
    "Castle Hill",
    "Dale View",
    "Elmwood",
    "Fell View",
    "Greenside",
    "Heathfield",
    "Ivy Bank",
    "Kingsway",
    "Larkfield",
    "Mill Lane",
    "Northgate",
    "Oakwood",
    "Parkside",
    "Queens Road",
    "Ridgeway",
    "Southgate",
    "Station Road",
    "Thornbury",
    "Upperby",
    "Victoria",
    "Westgate",
    "Woodlands",
    "Yewtree",
)
_PRACTICE_KINDS = (
    "Surgery",
    "Medical Practice",
    "Health Centre",
    "Medical Centre",
    "Family Practice",
)


@dataclass(frozen=True)
class Organisation:
    org_code: str
    org_name: str
    segment: str
    place: str
    sector: str
    partner: bool = True
    staff: int = 0  # person-level headcount at the start; 0 = no person-level data
    system: int = 0

    @property
    def person_level(self) -> bool:
        return self.staff > 0


@dataclass(frozen=True)
class Area:
    """A local-authority area: Skills for Care and DfE publish figures by area."""

    area_code: str
    name: str
    la_code: str
    share: float  # share of the system's population


@dataclass(frozen=True)
class System:
    index: int
    name: str
    places: tuple[str, ...]
    organisations: tuple[Organisation, ...]
    areas: tuple[Area, ...]
    size: float = 1.0  # relative to Dalesway

    def segment(self, segment: str) -> list[Organisation]:
        return [o for o in self.organisations if o.segment == segment]

    @property
    def person_level(self) -> list[Organisation]:
        return [o for o in self.organisations if o.person_level]


# Person-level headcount of the NHS organisations of the full-size system.
_TRUSTS = (
    # code suffix, name, segment, place index (-1 = out of area), partner, staff
    ("A", "{P0} Teaching Hospitals NHS Foundation Trust", "secondary_care", 0, True, 14_000),
    ("B", "{P1} and {P2} Hospitals NHS Trust", "secondary_care", 1, True, 9_500),
    ("C", "{P3} General Hospital NHS Foundation Trust", "secondary_care", 3, True, 6_500),
    ("D", "{P4} Royal Infirmary NHS Trust", "secondary_care", 4, True, 5_000),
    ("E", "{ICS} Community Health NHS Trust", "nhs_community", 2, True, 4_500),
    (
        "F",
        "{ICS} Mental Health and Wellbeing NHS Foundation Trust",
        "nhs_mental_health",
        0,
        True,
        6_000,
    ),
    ("G", "{ICS} Ambulance Service NHS Trust", "ambulance", 1, True, 4_000),
    (
        "X",
        "{NB} Valley University Hospitals NHS Foundation Trust",
        "secondary_care",
        -1,
        False,
        2_500,
    ),
)
ICB_STAFF = 550
GP_PRACTICES = 110
SMALL_GP_PRACTICES = 8
SMALL_FACTOR = 1 / 32


def _names(k: int) -> tuple[str, tuple[str, ...], str]:
    """System name, its five places and its neighbour: Dalesway for 0, invented for others."""
    if k == 0:
        return ICS_NAME, ICS_PLACES, ICS_NEIGHBOUR
    combos = [p + s for s in _SUFFIXES for p in _PREFIXES]
    # a fixed stride through the combinations, so names do not repeat between systems
    picked = [combos[((k - 1) * 7 + j) * 67 % len(combos)] for j in range(7)]
    return picked[0], tuple(picked[1:6]), picked[6]


def _practice_size(i: int) -> int:
    """Headcount of practice i: 25 to about 115, mean about 58 (deterministic)."""
    frac = (i * 0.6180339887498949) % 1.0
    return round(25 + 90 * frac**1.6)


def build_system(k: int, size: float = 1.0, *, small: bool = False) -> System:
    """System k of the country (0 = Dalesway) at ``size`` times Dalesway's workforce."""
    name, places, neighbour = _names(k)
    c = SYSTEM_CHARS[k]
    n = 99 - k  # numeric part of practice, dental and area codes
    fmt = {"ICS": name, "NB": neighbour, **{f"P{i}": p for i, p in enumerate(places)}}
    factor = size * (SMALL_FACTOR if small else 1.0)
    orgs: list[Organisation] = []

    def add(
        code: str,
        org_name: str,
        segment: str,
        place: str,
        sector: str,
        partner: bool = True,
        staff: int = 0,
    ) -> None:
        orgs.append(
            Organisation(code, org_name.format(**fmt), segment, place, sector, partner, staff, k)
        )

    for suffix, org_name, segment, place, partner, staff in _TRUSTS:
        add(
            f"R{c}{suffix}",
            org_name,
            segment,
            places[place] if place >= 0 else OUT_OF_AREA,
            "nhs",
            partner,
            max(20, round(staff * factor)),
        )
    add(
        f"Q{c}Z",
        "NHS {ICS} Integrated Care Board",
        "icb_corporate",
        places[0],
        "nhs",
        staff=max(15, round(ICB_STAFF * factor)),
    )
    add(
        f"N{c}Y",
        "{P0} Park Independent Hospital",
        "secondary_care",
        places[0],
        "independent",
        partner=False,
    )

    practices = SMALL_GP_PRACTICES if small else max(10, round(GP_PRACTICES * size))
    for i in range(practices):
        feature = _FEATURES[i % len(_FEATURES)]
        kind = _PRACTICE_KINDS[(i // len(_FEATURES) + i) % len(_PRACTICE_KINDS)]
        where = places[i % len(places)]
        unique = len(_FEATURES) * len(_PRACTICE_KINDS)
        practice = f"{feature} {kind}" if i < unique else f"{where} {feature} {kind}"
        add(
            f"B{n:02d}{i + 1:03d}",
            practice,
            "general_practice",
            where,
            "primary_care",
            staff=_practice_size(i),
        )

    add(f"9{c}1", "{P0} City Council", "adult_social_work", places[0], "local_authority")
    add(f"9{c}2", "{P1} and {P2} Council", "adult_social_work", places[1], "local_authority")
    add(
        f"9{c}3", "{P3} and {P4} Borough Council", "adult_social_work", places[3], "local_authority"
    )
    add(
        f"9{c}4",
        "{P1} and {P2} Children's Services Trust",
        "childrens_social_work",
        places[1],
        "local_authority",
    )

    homes = (
        "Heatherbank Care Home ({P0})",
        "{P1} Grange Nursing Home",
        "{P2} Court Residential Home",
        "{P3} Lodge Care Home",
        "{P4} Manor Nursing Home",
    )
    for i, home in enumerate(homes[: 2 if small else 5]):
        add(f"V{c}{i + 1:03d}", home, "care_homes", places[i], "independent")
    home_care = (
        "{ICS} Home Care Ltd",
        "{P1} Homecare Services",
        "Kindly Hands Domiciliary Care ({P3})",
    )
    for i, provider in enumerate(home_care[: 1 if small else 3]):
        add(f"V{c}1{i + 1:02d}", provider, "support_at_home", places[(i * 2) % 5], "independent")
    personal = ("{ICS} Personal Assistants Cooperative", "{P4} Independent Living Support")
    for i, provider in enumerate(personal[: 1 if small else 2]):
        add(f"V{c}2{i + 1:02d}", provider, "personal_care", places[(i * 4) % 5], "independent")

    shops = (
        "High Street",
        "Market Place",
        "Health Centre",
        "Station Road",
        "Village",
        "Bridge Street",
    )
    for i in range(3 if small else 12):
        add(
            f"F{c}{i + 1:03d}",
            f"{{P{i % 5}}} {shops[i % len(shops)]} Pharmacy",
            "community_pharmacy",
            places[i % 5],
            "primary_care",
        )
    dental = (
        "Dental Practice",
        "Dental Care",
        "Smile Centre",
        "Family Dental Surgery",
        "Orthodontic and Dental Centre",
    )
    for i in range(3 if small else 10):
        add(
            f"V{n:02d}{i + 1:03d}",
            f"{{P{(i + 2) % 5}}} {dental[(i // 5 + i) % len(dental)]}",
            "dentistry",
            places[(i + 2) % 5],
            "primary_care",
        )
    vcse = (
        "{ICS} Volunteer Centre",
        "{ICS} Carers' Network",
        "{P1} Community Action",
        "{P0} and District Hospice",
    )
    for i, body in enumerate(vcse[: 2 if small else 4]):
        add(f"8{c}V{i + 1:02d}", body, "volunteers_carers", places[i % 5], "vcse")

    areas = (
        Area(f"E0600{n:02d}01", places[0], f"9{c}1", 0.35),
        Area(f"E0600{n:02d}02", f"{places[1]} and {places[2]}", f"9{c}2", 0.35),
        Area(f"E0600{n:02d}03", f"{places[3]} and {places[4]}", f"9{c}3", 0.30),
    )
    return System(k, name, places, tuple(orgs), areas, size)


NATIONAL_SYSTEMS = 25


def build_systems(scale: str) -> list[System]:
    """The systems of a scale: Dalesway alone (small, ics) or 25 systems (national)."""
    if scale == "small":
        return [build_system(0, small=True)]
    if scale == "ics":
        return [build_system(0)]
    if scale == "national":
        # sizes 0.6 to 1.4 times Dalesway, Dalesway itself first, averaging 1.0
        sizes = [1.0] + [0.6 + 0.8 * ((k * 0.7548776662) % 1.0) for k in range(1, NATIONAL_SYSTEMS)]
        mean = sum(sizes[1:]) / (len(sizes) - 1)
        sizes = [1.0] + [s / mean for s in sizes[1:]]
        return [build_system(k, s) for k, s in enumerate(sizes)]
    raise ValueError(f"unknown scale {scale!r}: expected small, ics or national")


def register_rows(systems: Sequence[System]) -> list[dict[str, str]]:
    """The organisation register, one row per organisation, sorted by code. Social care
    employers keep ASC-WDS records: independent providers carry a CQC location ID and their
    ASC-WDS workplace ID (their own code); councils' adult social services, which CQC does
    not register as locations, their ASC-WDS workplace ID."""
    from oneworkforce.data.synth.ascwds_files import (
        COUNCIL_SEGMENTS,
        PROVIDERS,
        cqc_location_id,
    )

    rows = []
    for s in systems:
        for o in s.organisations:
            council = o.sector == "local_authority" and o.segment in COUNCIL_SEGMENTS
            keeps = o.segment in PROVIDERS and o.partner
            asc = keeps and (o.sector == "independent" or council)
            rows.append(
                {
                    "org_code": o.org_code,
                    "org_name": o.org_name,
                    "segment": o.segment,
                    "place": o.place,
                    "sector": o.sector,
                    "partner": "true" if o.partner else "false",
                    "cqc_location_id": cqc_location_id(o.org_code) if asc and not council else "",
                    "ascwds_local_id": o.org_code if asc else "",
                }
            )
    return sorted(rows, key=lambda r: r["org_code"])
