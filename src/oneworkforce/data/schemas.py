"""The submission formats (FORMATS.md v1) as data: one ``Dataset`` per table partners send.

Each column says its type, whether it is required, the headings users already write for it,
and the range or coded list it must fall in. The validator compiles these into SQL; the docs
and the synthetic ICS read them too, so the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from oneworkforce.data.reference import staff_groups_of

Kind = Literal[
    "month",
    "org_code",
    "code",
    "vocab",
    "enum",
    "text",
    "decimal",
    "money",
    "integer",
    "date",
    "boolean",
]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    synonyms: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    vocabulary: str | None = None  # for kind="vocab": segment, staff_group, band
    values: tuple[str, ...] = ()  # for kind="enum"
    default: str | None = None  # used when the column is absent or the cell blank
    value_synonyms: tuple[tuple[str, str], ...] = ()  # for kind="enum": (spelling, value)
    meaning: str = ""
    #: published files suppress small cells: blank, "*", "-" and ".." are kept as suppressed
    #: (stored empty, never as zero) instead of being refused as missing values
    suppressible: bool = False
    #: a required column may still be blank in the rows where this SQL condition (on the
    #: row's typed values) holds, said in words by ``blank_meaning``
    blank_if: str = ""
    blank_meaning: str = ""


@dataclass(frozen=True)
class CrossFieldRule:
    """A rule between columns, as a SQL condition that is TRUE when a row breaks it. It may
    read a column's typed value (``fte``) or whether its cell was empty or suppressed
    (``"__null_fte"``), so a value that is not a number is not also called suppressed."""

    code: str
    columns: tuple[str, ...]
    broken_when: str
    message: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique within a file
    key_message: str
    rules: tuple[CrossFieldRule, ...] = ()
    at_least_one_of: tuple[str, ...] = ()  # e.g. workforce_plan: one plan column at least
    exactly_one_of: tuple[str, ...] = ()  # aggregate: org_code or area_code
    slice_by: tuple[str, ...] = ("org_code", "period")
    #: a national file: when it has these columns, organisations outside the register are
    #: accepted as peers (kept out of every figure of the ICS, shown in peer comparisons)
    peers_from: tuple[str, ...] = ()
    #: only ever read from NHS England's published files (the synthetic ICS writes none)
    published_only: bool = False
    person_level: bool = False
    description: str = ""
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


PERIOD = Column(
    "period",
    "month",
    synonyms=(
        "month",
        "reporting period",
        "snapshot month",
        "period end",
        "reporting month",
        "date",
        "tm year month",
    ),
    meaning="calendar month, YYYY-MM",
)
ORG = Column(
    "org_code",
    "org_code",
    synonyms=(
        "organisation code",
        "org code",
        "ods code",
        "organisation",
        "org",
        "ods",
        "trust code",
        "practice code",
        "provider code",
        "org id",
    ),
    meaning="ODS code of the organisation",
)
STAFF_GROUP = Column(
    "staff_group",
    "vocab",
    vocabulary="staff_group",
    synonyms=("staff group", "main staff group", "staff group name", "group"),
    meaning="staff group (reference data)",
)


def _money(name: str, *synonyms: str, required: bool = True) -> Column:
    return Column(
        name, "money", required=required, synonyms=synonyms, minimum=0, meaning="pounds, >= 0"
    )


def _fte(name: str, *synonyms: str, required: bool = True) -> Column:
    return Column(
        name, "decimal", required=required, synonyms=synonyms, minimum=0, meaning="FTE, >= 0"
    )


STAFF_IN_POST = Dataset(
    name="staff_in_post",
    title="Staff in post (person-level monthly snapshot)",
    description="One row per person per assignment at the end of each month, as ESR staff in post.",
    person_level=True,
    columns=(
        PERIOD,
        ORG,
        Column(
            "person_id",
            "text",
            synonyms=(
                "person id",
                "unique nhs identifier",
                "employee number",
                "pseudonymised person id",
                "staff id",
                "person",
            ),
            meaning="pseudonymised person key, stable across months and partners",
        ),
        Column(
            "assignment_id",
            "text",
            required=False,
            synonyms=("assignment id", "assignment number", "assignment"),
            meaning="distinguishes a person's concurrent assignments",
        ),
        STAFF_GROUP,
        Column(
            "band",
            "vocab",
            required=False,
            vocabulary="band",
            synonyms=("afc band", "pay band", "grade", "agenda for change band"),
        ),
        Column(
            "fte",
            "decimal",
            # ASC-WDS accepts a worker whose hours are not known (999 or blank): such a social
            # care worker is in post (headcount) with no FTE; anyone else needs an FTE
            blank_if="staff_group IN ("
            + ", ".join(f"'{code}'" for code in staff_groups_of("social_care"))
            + ")",
            blank_meaning="blank only for a social care worker whose hours are not known",
            synonyms=(
                "wte",
                "contracted wte",
                "contracted fte",
                "fte value",
                "whole time equivalent",
                "full time equivalent",
            ),
            minimum=0,
            exclusive_minimum=True,
            maximum=1.5,
            meaning="contracted FTE of this assignment, > 0 and <= 1.5",
        ),
        Column(
            "contract_type",
            "enum",
            required=False,
            default="permanent",
            values=("permanent", "fixed_term", "bank", "locum"),
            value_synonyms=(
                ("substantive", "permanent"),
                ("perm", "permanent"),
                ("fixed term temp", "fixed_term"),
                ("temporary", "fixed_term"),
                ("bank only", "bank"),
                ("locum doctor", "locum"),
            ),
            synonyms=("contract type", "assignment category", "employment type"),
        ),
        Column(
            "age",
            "integer",
            required=False,
            minimum=16,
            maximum=90,
            synonyms=("age in years", "age years"),
        ),
        Column(
            "sex",
            "enum",
            required=False,
            values=("female", "male", "not_stated"),
            value_synonyms=(
                ("f", "female"),
                ("m", "male"),
                ("unknown", "not_stated"),
                ("not known", "not_stated"),
                ("prefer not to say", "not_stated"),
                ("not specified", "not_stated"),
            ),
            synonyms=("gender",),
        ),
        Column(
            "ethnic_group",
            "enum",
            required=False,
            values=("white", "bme", "not_stated"),
            value_synonyms=(
                ("bame", "bme"),
                ("black and minority ethnic", "bme"),
                ("white british", "white"),
                ("unknown", "not_stated"),
                ("not known", "not_stated"),
                ("prefer not to say", "not_stated"),
            ),
            synonyms=("ethnicity", "ethnic origin", "wres ethnic group"),
        ),
        Column(
            "disability",
            "enum",
            required=False,
            values=("yes", "no", "not_stated"),
            value_synonyms=(
                ("y", "yes"),
                ("n", "no"),
                ("disabled", "yes"),
                ("not disabled", "no"),
                ("unknown", "not_stated"),
                ("prefer not to say", "not_stated"),
            ),
            synonyms=("disabled", "disability flag"),
        ),
        Column(
            "start_date",
            "date",
            required=False,
            synonyms=("start date", "date started", "hire date", "date of joining"),
        ),
    ),
    key=("period", "org_code", "person_id", "assignment_id"),
    key_message="the same person appears more than once in this organisation and month with "
    "the same assignment",
)

LEAVERS = Dataset(
    name="leavers",
    title="Leavers (person-level reasons)",
    description="Why people left. Who left is derived from the staff-in-post snapshots; "
    "this adds reasons.",
    person_level=True,
    columns=(
        PERIOD,
        ORG,
        Column(
            "person_id",
            "text",
            synonyms=("person id", "unique nhs identifier", "employee number", "staff id"),
        ),
        Column(
            "leave_date",
            "date",
            synonyms=("leave date", "leaving date", "termination date", "date left"),
        ),
        Column(
            "reason",
            "text",
            synonyms=("leaving reason", "reason for leaving", "esr leaving reason"),
        ),
        Column(
            "destination",
            "text",
            required=False,
            synonyms=("destination on leaving", "leaver destination"),
        ),
    ),
    key=("period", "org_code", "person_id", "leave_date"),
    key_message="the same person leaves this organisation more than once on the same date",
)

#: The descriptive columns of NHS England's national files: they make organisations outside
#: the register peers, and place each in its ICS for comparisons.
PEER_COLUMNS = (
    Column(
        "org_name",
        "text",
        required=False,
        synonyms=("organisation name", "org name", "trust name"),
        meaning="organisation name (national files)",
    ),
    Column(
        "ics_code",
        "code",
        required=False,
        synonyms=("ics", "icb code", "stp code", "integrated care system code"),
        meaning="ICS (ICB) code of the organisation (national files)",
    ),
    Column(
        "ics_name",
        "text",
        required=False,
        synonyms=("icb name", "stp name", "integrated care system name"),
    ),
    Column(
        "region_code",
        "code",
        required=False,
        synonyms=("nhse region code", "nhse_region_code", "region"),
    ),
    Column("region_name", "text", required=False, synonyms=("nhse region name",)),
    Column(
        "cluster_group",
        "text",
        required=False,
        synonyms=("cluster", "cluster group", "organisation type", "org type"),
        meaning="NHS England's cluster of similar organisations (acute, mental health ...)",
    ),
    Column("benchmark_group", "text", required=False, synonyms=("benchmark group",)),
)

SICKNESS_ABSENCE = Dataset(
    name="sickness_absence",
    title="Sickness absence",
    description="FTE days lost and available, per organisation, staff group and month; "
    "reads NHS England's published sickness absence benchmarking CSV unedited.",
    peers_from=("ics_code",),
    columns=(
        PERIOD,
        ORG,
        STAFF_GROUP,
        Column(
            "fte_days_lost",
            "decimal",
            minimum=0,
            suppressible=True,
            synonyms=(
                "fte days sick",
                "fte number of days sick",
                "days lost",
                "fte days lost to sickness",
            ),
        ),
        Column(
            "fte_days_available",
            "decimal",
            minimum=0,
            exclusive_minimum=True,
            suppressible=True,
            synonyms=("fte number of days available", "days available", "fte days avail"),
        ),
        *PEER_COLUMNS,
    ),
    key=("period", "org_code", "staff_group"),
    key_message="this organisation, staff group and month appears more than once",
    rules=(
        CrossFieldRule(
            "suppressed_total",
            ("staff_group", "fte_days_lost", "fte_days_available"),
            "staff_group = 'all_staff_groups' AND (\"__null_fte_days_lost\" OR "
            '"__null_fte_days_available")',
            "an organisation total ('All staff groups') cannot be suppressed: it is the "
            "organisation's figure",
        ),
        CrossFieldRule(
            "half_suppressed",
            ("fte_days_lost", "fte_days_available"),
            '"__null_fte_days_lost" <> "__null_fte_days_available"',
            "only one of FTE days lost and FTE days available is suppressed; suppress both "
            "or neither",
        ),
        CrossFieldRule(
            "days_lost_above_available",
            ("fte_days_lost", "fte_days_available"),
            "fte_days_lost > fte_days_available",
            "FTE days lost are more than FTE days available",
        ),
    ),
)

ESTABLISHMENT = Dataset(
    name="establishment",
    title="Establishment and vacancies",
    description="Funded establishment FTE and, where a partner reports it, vacancy FTE.",
    columns=(
        PERIOD,
        ORG,
        STAFF_GROUP,
        _fte(
            "establishment_fte",
            "establishment",
            "funded establishment",
            "budgeted establishment",
            "establishment wte",
            "planned workforce",
        ),
        _fte("vacancy_fte", "vacancies", "vacancy wte", "vacancies fte", required=False),
    ),
    key=("period", "org_code", "staff_group"),
    key_message="this organisation, staff group and month appears more than once",
)

TEMPORARY_STAFFING = Dataset(
    name="temporary_staffing",
    title="Bank and agency use and spend",
    description="Bank and agency FTE, pay bill by kind of staffing, and agency shifts "
    "against the price cap.",
    columns=(
        PERIOD,
        ORG,
        STAFF_GROUP,
        _fte("bank_fte", "bank wte"),
        _fte("agency_fte", "agency wte"),
        _money("substantive_spend", "substantive pay", "substantive costs", "substantive"),
        _money("bank_spend", "bank pay", "bank costs", "bank"),
        _money("agency_spend", "agency pay", "agency costs", "agency"),
        Column(
            "agency_shifts",
            "integer",
            required=False,
            minimum=0,
            synonyms=("agency shifts filled", "shifts"),
        ),
        Column(
            "agency_shifts_over_cap",
            "integer",
            required=False,
            minimum=0,
            synonyms=(
                "shifts over cap",
                "price cap breaches",
                "shifts above price cap",
                "agency shifts above cap",
            ),
        ),
    ),
    key=("period", "org_code", "staff_group"),
    key_message="this organisation, staff group and month appears more than once",
    rules=(
        CrossFieldRule(
            "shifts_over_cap_above_shifts",
            ("agency_shifts_over_cap", "agency_shifts"),
            "agency_shifts_over_cap > agency_shifts",
            "agency shifts over the price cap are more than agency shifts",
        ),
    ),
)

WORKFORCE_PLAN = Dataset(
    name="workforce_plan",
    title="Workforce plan (operating-plan trajectory)",
    description="Planned substantive, bank and agency FTE and agency spend by month.",
    columns=(
        PERIOD,
        ORG,
        STAFF_GROUP,
        _fte(
            "plan_substantive_fte",
            "planned substantive fte",
            "substantive plan",
            "plan substantive wte",
            required=False,
        ),
        _fte("plan_bank_fte", "planned bank fte", "bank plan", "plan bank wte", required=False),
        _fte(
            "plan_agency_fte",
            "planned agency fte",
            "agency plan",
            "plan agency wte",
            required=False,
        ),
        _money("plan_agency_spend", "planned agency spend", "agency spend plan", required=False),
    ),
    key=("period", "org_code", "staff_group"),
    key_message="this organisation, staff group and month appears more than once",
    at_least_one_of=(
        "plan_substantive_fte",
        "plan_bank_fte",
        "plan_agency_fte",
        "plan_agency_spend",
    ),
)

AGGREGATE = Dataset(
    name="aggregate",
    title="Aggregate return (sectors without person-level data)",
    description="Totals for sectors that only have them: Skills for Care estimates, VCSE surveys, "
    "dental and pharmacy workforce surveys. A percentage or fraction given with its numerator "
    "and denominator must agree with them to the rounding of its own decimal places (5.7 "
    "stands for 5.65 to 5.75); one that matches only as the other unit (0.057 given as a "
    "percentage) is refused with a message saying which it looks like. For a metric that no "
    "person-level data covers in a month, these rows also give the system figure.",
    columns=(
        PERIOD,
        Column("segment", "vocab", vocabulary="segment", synonyms=("sector", "workforce segment")),
        Column("org_code", "org_code", required=False, synonyms=ORG.synonyms),
        Column(
            "area_code",
            "code",
            required=False,
            synonyms=(
                "area",
                "local authority code",
                "la code",
                "place code",
                "ons code",
                "area id",
            ),
        ),
        Column(
            "metric",
            "vocab",
            vocabulary="aggregate_metric",
            synonyms=("measure", "metric code", "indicator"),
        ),
        Column("value", "decimal", synonyms=("figure", "amount", "result")),
        Column(
            "unit",
            "enum",
            values=("percent", "fraction", "fte", "headcount", "days", "pounds"),
            value_synonyms=(
                ("pct", "percent"),
                ("percentage", "percent"),
                ("proportion", "fraction"),
                ("wte", "fte"),
                ("hc", "headcount"),
                ("people", "headcount"),
                ("posts", "headcount"),
                ("gbp", "pounds"),
            ),
            synonyms=("units", "unit of measure"),
        ),
        Column("numerator", "decimal", required=False, minimum=0),
        Column("denominator", "decimal", required=False, minimum=0),
        Column("basis", "text", synonyms=("source", "method", "how measured")),
        Column(
            "quality",
            "enum",
            values=("actual", "estimate", "partial"),
            synonyms=("data quality", "status"),
        ),
    ),
    key=("period", "segment", "org_code", "area_code", "metric"),
    key_message="this segment, organisation or area, metric and month appears more than once",
    exactly_one_of=("org_code", "area_code"),
    slice_by=("segment", "org_code", "period"),  # org_code here holds the org or the area code
    rules=(
        CrossFieldRule("negative_value", ("value",), "value < 0", "the figure is negative"),
        CrossFieldRule(
            "percent_above_100",
            ("value", "unit"),
            "unit = 'percent' AND value > 100",
            "a percentage is above 100",
        ),
        CrossFieldRule(
            "fraction_above_1",
            ("value", "unit"),
            "unit = 'fraction' AND value > 1",
            "a fraction is above 1: if it is a percentage, set the unit to percent",
        ),
    ),
)

NWS_STAFF_IN_POST = Dataset(
    name="nws_staff_in_post",
    title="NHS Workforce Statistics staff in post (published, by organisation)",
    description="Headcount and FTE by organisation and staff group at each month's end, as "
    "NHS England publishes them (one row per figure: the data type says whether it is FTE or "
    "headcount): the NHS figures of an ICS (and of every other ICS) from published data, "
    "before any partner sends an extract. The file's roll-ups and doctors' grades are kept as "
    "published sub-totals, never added to the staff groups they sum.",
    peers_from=("ics_code",),
    published_only=True,
    columns=(
        PERIOD,
        ORG,
        Column(
            "staff_group",
            "vocab",
            vocabulary="published_staff_group",
            synonyms=STAFF_GROUP.synonyms,
            meaning="NHS Workforce Statistics staff group, roll-up or doctors' grade",
        ),
        Column(
            "data_type",
            "enum",
            values=("fte", "headcount"),
            value_synonyms=(("hc", "headcount"), ("full time equivalent", "fte")),
            synonyms=("data type", "measure"),
            meaning="which figure the row gives: FTE or headcount",
        ),
        Column(
            "value",
            "decimal",
            minimum=0,
            suppressible=True,
            synonyms=("total",),
            meaning="the figure (headcount counts a person once at each level: staff groups "
            "do not add up to the organisation's total)",
        ),
        *PEER_COLUMNS,
    ),
    key=("period", "org_code", "staff_group", "data_type"),
    key_message="this organisation, staff group, data type and month appears more than once",
    rules=(
        CrossFieldRule(
            "suppressed_total",
            ("staff_group", "value"),
            "staff_group = 'all_staff_groups' AND \"__null_value\"",
            "an organisation total ('Total' or 'All staff groups') cannot be suppressed: it is "
            "the organisation's figure",
        ),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        STAFF_IN_POST,
        LEAVERS,
        SICKNESS_ABSENCE,
        NWS_STAFF_IN_POST,
        ESTABLISHMENT,
        TEMPORARY_STAFFING,
        WORKFORCE_PLAN,
        AGGREGATE,
    )
}


@dataclass(frozen=True)
class PublishedLayout:
    """A file NHS England publishes, read by a dataset as it is."""

    dataset: str
    title: str
    source: str
    headings: tuple[str, ...]
    verified: bool  # the headings were checked against the publication
    note: str = ""


#: The headings NHS England's national organisation-level CSVs begin with.
NATIONAL_HEADINGS = (
    "DATE",
    "NHSE_REGION_CODE",
    "NHSE_REGION_NAME",
    "ICS_CODE",
    "ICS_NAME",
    "ORG_CODE",
    "ORG_NAME",
    "CLUSTER_GROUP",
    "BENCHMARK_GROUP",
    "STAFF_GROUP",
)

PUBLISHED_LAYOUTS = (
    PublishedLayout(
        "sickness_absence",
        "NHS Sickness Absence Rates: organisation benchmarking CSV (monthly)",
        "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "nhs-sickness-absence-rates",
        (
            *NATIONAL_HEADINGS,
            "FTE_DAYS_LOST",
            "FTE_DAYS_AVAILABLE",
            "SICKNESS_ABSENCE_RATE_PERCENT",
        ),
        verified=True,
        note="One row per organisation, staff group (NHS Workforce Statistics groups) and "
        "month, with an 'All staff groups' row per organisation. The published rate is not "
        "stored: it is recomputed from days lost over days available.",
    ),
    PublishedLayout(
        "nws_staff_in_post",
        "NHS Workforce Statistics: 'Staff Group and Organisation' CSV (monthly)",
        "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "nhs-workforce-statistics (the file 'NHS Workforce Statistics, <Month> <Year> Staff "
        "Group and Organisation.csv' in the publication's 'csv files' zip)",
        (
            "Date",
            "NHSE_Region_Code",
            "NHSE_Region_Name",
            "ICS code",
            "ICS name",
            "Org Code",
            "Org Name",
            "Cluster Group",
            "Benchmark Group",
            "Staff Group Sort Order",
            "Staff Group",
            "Data Type",
            "Total",
        ),
        verified=True,
        note="One row per organisation, staff group and data type (`FTE` or `HC`), the figure "
        "in `Total`; the staff group `Total` is the organisation's total, and the file also "
        "carries its roll-ups (professionally qualified clinical staff, support to clinical "
        "staff, NHS infrastructure support) and HCHS doctors by grade, stored as published "
        "sub-totals. Each file holds every month since 2009, so one file loads the whole "
        "history. Headings verified (not against a download: none was available here) "
        "against two independent public descriptions of the March 2025 file: a profile of "
        "the downloaded file listing its fields and grain (Date x Org Code x Staff Group x "
        "Data Type, 28 staff-group values, data types FTE and HC) and a loader of the monthly "
        "zips (the same headings; older months lack `ICS code` and `ICS name`); the 27 "
        "staff-group names against three public pipelines that read NHS England's staff "
        "group list.",
    ),
)


def published_headings(dataset: str) -> tuple[str, ...]:
    """The headings of the published file a dataset reads."""
    return next(p.headings for p in PUBLISHED_LAYOUTS if p.dataset == dataset)


#: Datasets read from published files, whose cells may be suppressed and which may carry the
#: organisation's published total ("All staff groups").
SUPPRESSIBLE_DATASETS = tuple(
    d.name for d in DATASETS.values() if any(c.suppressible for c in d.columns)
)

ORGANISATIONS = Dataset(
    name="organisations",
    title="Organisation register",
    description="The ICS's organisations: segment, place, sector and whether each is a partner.",
    columns=(
        Column("org_code", "code", synonyms=ORG.synonyms),
        Column("org_name", "text", synonyms=("organisation name", "name", "org name")),
        Column("segment", "vocab", vocabulary="segment", synonyms=("workforce segment",)),
        Column("place", "text", synonyms=("place name", "locality", "place based partnership")),
        Column(
            "sector",
            "enum",
            values=("nhs", "primary_care", "local_authority", "independent", "vcse"),
        ),
        Column(
            "partner",
            "boolean",
            required=False,
            default="true",
            synonyms=("ics partner", "is partner", "partner organisation"),
        ),
        Column(
            "cqc_location_id",
            "text",
            required=False,
            synonyms=("cqc location id", "location id", "locationid", "cqc location"),
            meaning="CQC location ID (social care providers): matches ASC-WDS LOCATIONID",
        ),
        Column(
            "ascwds_local_id",
            "text",
            required=False,
            synonyms=("ascwds local id", "localestid", "asc-wds workplace id"),
            meaning="the provider's own ASC-WDS workplace ID: matches ASC-WDS LOCALESTID",
        ),
    ),
    key=("org_code",),
    key_message="this organisation code appears more than once",
    slice_by=(),
)

SQL_TYPES: dict[str, str] = {
    "month": "DATE",
    "org_code": "VARCHAR",
    "code": "VARCHAR",
    "vocab": "VARCHAR",
    "enum": "VARCHAR",
    "text": "VARCHAR",
    "decimal": "DOUBLE",
    "money": "DECIMAL(18,2)",
    "integer": "BIGINT",
    "date": "DATE",
    "boolean": "BOOLEAN",
}


def own_columns(dataset: Dataset) -> tuple[str, ...]:
    """The columns of the product's own format: without the descriptive columns of national
    files (organisation name, ICS, cluster), which a partner's own return does not need."""
    national = {c.name for c in PEER_COLUMNS}
    return tuple(n for n in dataset.column_names if n not in national)


def stored_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """The columns and DuckDB types of a dataset as kept in the lake."""
    return [(c.name, SQL_TYPES[c.kind]) for c in dataset.columns] + [("submission_id", "VARCHAR")]
