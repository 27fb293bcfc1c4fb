"""Reference data shipped with the package: segments, staff groups, bands, organisations.

The vocabularies (segments, staff groups, bands, aggregate metric codes) are fixed by the
submission formats. The organisation register is replaceable: an ICS loads its own with
``oneworkforce import organisations FILE``; until then the synthetic ICS's register applies.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

VOCABULARIES = ("segment", "staff_group", "band")


def normalise_token(value: str) -> str:
    """Case- and punctuation-insensitive form used to match headings and coded values."""
    value = value.replace("&", " and ").replace("%", " percent ").replace("£", " pounds ")
    value = value.replace("\u00a0", " ").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", value).strip("_")


@dataclass(frozen=True)
class Vocabulary:
    """A coded list (e.g. staff groups) with the spellings users already have."""

    name: str
    codes: tuple[str, ...]
    titles: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)  # normalised spelling -> code
    extra: dict[str, dict[str, str]] = field(default_factory=dict)

    def lookup(self, raw: str) -> str | None:
        return self.aliases.get(normalise_token(raw))


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


#: The files of each vocabulary. ``published_staff_group`` is the staff groups plus the
#: sub-totals NHS England's staff in post file also publishes (its roll-ups and HCHS doctors
#: by grade): only that dataset accepts them, so no other figure can add a sub-total to the
#: groups it sums.
VOCABULARY_FILES = {
    "segment": ("segment", ("segments.csv",)),
    "staff_group": ("staff_group", ("staff_groups.csv",)),
    "band": ("band", ("bands.csv",)),
    "published_staff_group": ("staff_group", ("staff_groups.csv", "published_subtotals.csv")),
}
#: The classification of a published sub-total (``published_subtotals.csv``).
SUBTOTAL_CLASSIFICATION = "nws_subtotal"


@cache
def vocabulary(name: str) -> Vocabulary:
    key, files = VOCABULARY_FILES[name]
    rows = [r for f in files for r in _read_csv(f)]
    codes = tuple(r[key] for r in rows)
    aliases: dict[str, str] = {}
    for r in rows:
        code = r[key]
        spellings = [code, r["title"], *filter(None, r.get("synonyms", "").split("|"))]
        for spelling in spellings:
            aliases.setdefault(normalise_token(spelling), code)
    extra = {r[key]: {k: v for k, v in r.items() if k not in (key, "synonyms")} for r in rows}
    return Vocabulary(name, codes, {r[key]: r["title"] for r in rows}, aliases, extra)


@cache
def aggregate_metric_codes() -> dict[str, tuple[str, ...]]:
    """Metric codes accepted in the ``aggregate`` dataset, with the units each may use."""
    return {r["metric"]: tuple(r["units"].split("|")) for r in _read_csv("aggregate_metrics.csv")}


#: Staff groups come from several official classifications, kept side by side and never
#: merged: a row carries the code of the classification its source uses.
CLASSIFICATIONS = {
    "esr": "ESR staff groups (trusts' Electronic Staff Record extracts)",
    "nws": "NHS Workforce Statistics staff groups (NHS England publications)",
    "general_practice": "General practice workforce roles",
    "social_care": "Social care job roles",
    "pharmacy": "Pharmacy roles",
    "dental": "Dental roles",
    "vcse": "Voluntary sector roles",
    "local": "Not an official classification",
    "total": "Published organisation total (all staff groups)",
}
#: The NHS Workforce Statistics roll-ups of its staff groups.
NWS_ROLLUPS = {
    "professionally_qualified_clinical": "Professionally qualified clinical staff",
    "support_to_clinical": "Support to clinical staff",
    "nhs_infrastructure_support": "NHS infrastructure support",
}
#: The small cross-sector level every classification rolls up to.
STAFF_CATEGORIES = {
    "registered_clinical": "Registered clinical",
    "clinical_support": "Clinical support",
    "infrastructure_management": "Infrastructure and management",
    "other": "Other",
}
#: The staff group code of a published organisation total ("All staff groups").
TOTAL_STAFF_GROUP = "all_staff_groups"
#: Codes retired when the classifications were separated, and the code stored rows move to
#: (``oneworkforce.data.migrations``). ``admin_estates`` merged two ESR groups; its rows
#: cannot be split again and move to Administrative and Clerical.
RETIRED_STAFF_GROUPS = {"admin_estates": "admin_clerical"}


def staff_category(code: str) -> str | None:
    """The cross-sector level of a staff group code (None for a published total)."""
    return vocabulary("staff_group").extra[code].get("category") or None


def staff_groups_of(classification: str) -> tuple[str, ...]:
    vocab = vocabulary("staff_group")
    return tuple(c for c in vocab.codes if vocab.extra[c]["classification"] == classification)


ORGANISATION_COLUMNS = (
    "org_code",
    "org_name",
    "segment",
    "place",
    "sector",
    "partner",
    "cqc_location_id",
    "ascwds_local_id",
)
SECTORS = ("nhs", "primary_care", "local_authority", "independent", "vcse")


def default_organisations_csv() -> str:
    """The shipped organisation register (the synthetic ICS) as CSV text."""
    return resources.files(__package__).joinpath("organisations.csv").read_text(encoding="utf-8")
