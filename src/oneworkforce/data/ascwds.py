"""ASC-WDS bulk upload files: the workplace file and the worker file, read as their owners keep
them (issue 11 item 5).

Skills for Care's Adult Social Care Workforce Data Set (ASC-WDS) takes a bulk upload of two CSV
files. Their layouts and codes are those of its open-source repository
(NMDSdevopsServiceAdm/SopraSteria-SFC: ``backend/server/routes/establishments/bulkUpload/data/
workerHeaders.js`` and ``workplaceHeaders.js``, the BUDI codes of ``backend/reference/
jobRoles.js`` and of the service and job role lists of its NMDS-SC report, and the workplace
validator's statuses); the code here is our own.

A file holds one snapshot, so the month is given (``--period``). Each establishment is matched
to an organisation of the register: by CQC location ID (``LOCATIONID`` against
``cqc_location_id``) and otherwise by ``LOCALESTID`` against ``ascwds_local_id``; a worker row
is matched by its ``LOCALESTID``. The files are checked in full first; then they are stored as
the datasets the metrics already read:

* the **worker file** becomes staff in post (person-level, pseudonymised: permanent,
  temporary as fixed term, pool/bank as bank) with FTE = hours / 37.5 and the staff group of
  the main job role, plus ``aggregate`` figures per establishment: agency FTE, the agency
  share of all workers' FTE, and the 12-month sickness rate from ``DAYSSICK``;
* the **workplace file** becomes ``aggregate`` figures per establishment: vacancy, turnover
  and starter rates from ``VACANCIES``, ``LEAVERS`` and ``STARTERS`` by job role with Skills
  for Care's definitions, and its ``TOTALPERMTEMP``.

``STATUS`` is honoured as ASC-WDS defines it: ``DELETE`` removes the record (the row is not
counted and its other columns are not read); ``NEW`` and ``UPDATE`` give the record as it now
is; ``NOCHANGE`` and ``UNCHECKED`` keep the record as it stands, and a bulk upload file
downloaded from ASC-WDS carries it as it stands, so those rows count as they are written.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import duckdb

from oneworkforce.data.errors import MAX_LISTED, ValidationError, ValidationReport
from oneworkforce.data.readers import UnreadableFile, open_source

#: The worker file's headings, in ASC-WDS order (``CHGUNIQUEWRKID`` is optional).
WORKER_HEADINGS: Final = (
    "LOCALESTID", "UNIQUEWORKERID", "CHGUNIQUEWRKID", "STATUS", "DISPLAYID", "NINUMBER",
    "POSTCODE", "DOB", "GENDER", "ETHNICITY", "NATIONALITY", "BRITISHCITIZENSHIP",
    "COUNTRYOFBIRTH", "YEAROFENTRY", "DISABLED", "CARECERT", "L2CARECERT", "RECSOURCE",
    "HANDCVISA", "INOUTUK", "STARTDATE", "STARTINSECT", "APPRENTICE", "EMPLSTATUS",
    "ZEROHRCONT", "DAYSSICK", "SALARYINT", "SALARY", "HOURLYRATE", "MAINJOBROLE", "MAINJRDESC",
    "CONTHOURS", "AVGHOURS", "NMCREG", "NURSESPEC", "AMHP", "SCQUAL", "NONSCQUAL", "QUALACH01",
    "QUALACH01NOTES", "QUALACH02", "QUALACH02NOTES", "QUALACH03", "QUALACH03NOTES",
)  # fmt: skip
#: The workplace file's headings, in ASC-WDS order.
WORKPLACE_HEADINGS: Final = (
    "LOCALESTID", "STATUS", "ESTNAME", "ADDRESS1", "ADDRESS2", "ADDRESS3", "POSTTOWN",
    "POSTCODE", "ESTTYPE", "OTHERTYPE", "PERMCQC", "PERMLA", "REGTYPE", "PROVNUM", "LOCATIONID",
    "MAINSERVICE", "ALLSERVICES", "CAPACITY", "UTILISATION", "SERVICEDESC", "SERVICEUSERS",
    "OTHERUSERDESC", "DHA", "DHAACTIVITIES", "TOTALPERMTEMP", "ALLJOBROLES", "STARTERS",
    "LEAVERS", "VACANCIES", "REASONS", "REASONNOS", "REPEATTRAINING", "CWPAWARE", "CWPUSE",
    "CWPUSEDESC", "SICKPAY", "PENSION", "ACTUALCONT", "OPTOUTPEN", "HOLIDAY", "SLEEPINS",
    "SLEEPINPAY", "TRAVELTIME", "TTDIFFRATE",
)  # fmt: skip

#: The columns read, and what each gives; every other column is never read or stored.
WORKER_READ: Final = {
    "LOCALESTID": "the establishment's own ID; matched to the register's ascwds_local_id",
    "UNIQUEWORKERID": "the worker's ID within the establishment; stored only pseudonymised",
    "STATUS": "NEW, UPDATE, NOCHANGE, UNCHECKED or DELETE (DELETE rows are not counted)",
    "EMPLSTATUS": "1 permanent, 2 temporary (staff in post); 3 pool/bank (bank); "
    "4 agency (agency FTE); 7 other (counted separately)",
    "ZEROHRCONT": "1 zero-hours contract (FTE from AVGHOURS), 2 no, 999 not known",
    "CONTHOURS": "contracted hours a week: FTE = CONTHOURS / 37.5 for permanent and temporary "
    "staff not on zero hours; 999 or blank: not known (accepted, as ASC-WDS does: the worker "
    "counts in headcount, with no FTE)",
    "AVGHOURS": "average hours a week: FTE = AVGHOURS / 37.5 for zero-hours, bank, agency "
    "and other workers; 999 or blank: not known (accepted, as ASC-WDS does: counted in "
    "headcount, with no FTE)",
    "MAINJOBROLE": "main job role (BUDI code): mapped to a staff group",
    "DAYSSICK": "days sick in the last 12 months (blank or 999: not known)",
}
WORKPLACE_READ: Final = {
    "LOCALESTID": "the establishment's own ID; matched to the register's ascwds_local_id "
    "when there is no LOCATIONID match",
    "STATUS": "NEW, UPDATE, NOCHANGE, UNCHECKED or DELETE (DELETE rows are not counted)",
    "LOCATIONID": "CQC location ID; matched to the register's cqc_location_id",
    "MAINSERVICE": "main service (BUDI code): gives the workforce segment",
    "TOTALPERMTEMP": "permanent and temporary staff; checked against the worker file",
    "ALLJOBROLES": "job roles (BUDI codes, separated by ;) that STARTERS, LEAVERS and "
    "VACANCIES count",
    "STARTERS": "starters in the last 12 months per job role (;-separated; 999 not known)",
    "LEAVERS": "leavers in the last 12 months per job role (;-separated; 999 not known)",
    "VACANCIES": "vacancies now per job role (;-separated; 999 not known)",
}

STATUSES: Final = ("NEW", "UPDATE", "NOCHANGE", "UNCHECKED", "DELETE")
#: EMPLSTATUS codes: (ASC-WDS name, what OneWorkforce counts it as).
EMPLOYMENT: Final = {
    "1": ("Permanent", "permanent"),
    "2": ("Temporary", "fixed_term"),
    "3": ("Pool/Bank", "bank"),
    "4": ("Agency", "agency"),
    "7": ("Other", "other"),
}
#: MAINSERVICE codes: (ASC-WDS service, workforce segment or None for the register's own).
MAIN_SERVICES: Final[dict[str, tuple[str, str | None]]] = {
    "1": ("Care home services with nursing", "care_homes"),
    "2": ("Care home services without nursing", "care_homes"),
    "5": ("Other adult residential care services", "care_homes"),
    "6": ("Day care and day services", None),
    "7": ("Other adult day care services", None),
    "8": ("Domiciliary care services", "support_at_home"),
    "10": ("Domestic services and home help", "support_at_home"),
    "12": ("Other adult domiciliary care service", "support_at_home"),
    "13": ("Carers support", None),
    "14": ("Short breaks / respite care", None),
    "15": ("Community support and outreach", None),
    "16": ("Social work and care management", "adult_social_work"),
    "17": ("Shared lives", "personal_care"),
    "18": ("Disability adaptations / assistive technology services", None),
    "19": ("Occupational / employment-related services", None),
    "20": ("Information and advice services", None),
    "21": ("Other adult community care service", None),
    "52": ("Any other services", None),
    "53": ("Sheltered housing", None),
    "54": ("Extra care housing services", "personal_care"),
    "55": ("Supported living services", "personal_care"),
    "60": ("Specialist college services", None),
    "61": ("Community based services for people with a learning disability", None),
    "62": ("Community based services for people with mental health needs", None),
    "63": ("Community based services for people who misuse substances", None),
    "64": ("Community healthcare services", None),
    "66": ("Hospice services", None),
    "67": ("Long term conditions services", None),
    "68": ("Hospital services for people with mental health needs, learning disabilities "
           "and/or problems with substance misuse", None),
    "69": ("Rehabilitation services", None),
    "70": ("Residential substance misuse treatment/ rehabilitation services", None),
    "71": ("Other healthcare service", None),
    "72": ("Head office services", None),
    "74": ("Nurses agency", None),
}  # fmt: skip
#: MAINJOBROLE codes: (ASC-WDS job role, staff group of the social care classification:
#: the four named roles, then Skills for Care's job role groups for the rest).
JOB_ROLES: Final = {
    "1": ("Senior management", "social_care_manager"),
    "2": ("Middle management", "social_care_manager"),
    "3": ("First line manager", "social_care_manager"),
    "4": ("Registered manager", "registered_manager"),
    "5": ("Supervisor", "social_care_manager"),
    "6": ("Social worker", "social_worker"),
    "7": ("Senior care worker", "senior_care_worker"),
    "8": ("Care worker", "care_worker"),
    "9": ("Community, support and outreach work", "social_care_direct_care"),
    "10": ("Employment support", "social_care_other"),
    "11": ("Advice, guidance and advocacy", "social_care_other"),
    "15": ("Occupational therapist", "social_care_regulated"),
    "16": ("Registered nurse", "social_care_nurse"),
    "17": ("Allied health professional (not occupational therapist)", "social_care_regulated"),
    "22": ("Technician", "social_care_other"),
    "23": ("Other job roles directly involved in providing care", "social_care_direct_care"),
    "24": ("Managers and staff care-related but not care-providing", "social_care_manager"),
    "25": ("Administrative / office staff not care-providing", "social_care_admin_ancillary"),
    "26": ("Ancillary staff not care-providing", "social_care_admin_ancillary"),
    "27": ("Other job roles not directly involved in providing care", "social_care_other"),
    "34": ("Activities worker or co-ordinator", "social_care_direct_care"),
    "35": ("Safeguarding and reviewing officer", "social_care_other"),
    "36": ("Occupational therapist assistant", "social_care_direct_care"),
    "37": ("Nursing associate", "social_care_regulated"),
    "38": ("Nursing assistant", "social_care_direct_care"),
    "39": ("Assessment officer", "social_care_other"),
    "40": ("Care coordinator", "social_care_direct_care"),
    "41": ("Care navigator", "social_care_direct_care"),
    "42": ("Any children's / young people's job role", "social_care_other"),
}
NOT_KNOWN: Final = "999"
HOURS_PER_FTE: Final = 37.5
MAX_HOURS: Final = 1.5 * HOURS_PER_FTE  # 1.5 FTE, the staff-in-post limit
DAYS_IN_YEAR: Final = 365
WORKPLACE_BASIS: Final = "Skills for Care ASC-WDS bulk upload (workplace file)"
WORKER_BASIS: Final = "Skills for Care ASC-WDS bulk upload (worker file)"
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Establishment:
    org_code: str
    segment: str


@dataclass
class Outcome:
    """What an ASC-WDS import did: the files it stored, or the errors; and its warnings."""

    file: str
    kind: str
    status: str = "rejected"
    report: ValidationReport = field(default_factory=lambda: ValidationReport((), 0, {}))
    results: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "accepted"


class _Errors:
    def __init__(self, file: str) -> None:
        self.file = file
        self.listed: list[ValidationError] = []
        self.total = 0
        self.by_rule: dict[str, int] = defaultdict(int)

    def add(self, row: int | None, column: str | None, value: str | None, rule: str, msg: str):
        self.total += 1
        self.by_rule[rule] += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(ValidationError(self.file, row, column, value, rule, msg))

    def report(self) -> ValidationReport:
        return ValidationReport(tuple(self.listed), self.total, dict(self.by_rule))


#: the two files, as datasets are named on the command line and the upload page
KINDS: Final = {
    "ascwds_workplace": "ASC-WDS bulk upload: workplace file",
    "ascwds_worker": "ASC-WDS bulk upload: worker file",
}


def file_organisations(importer: Any, path: Path) -> set[str]:
    """The register's organisation codes of the establishments an ASC-WDS file names (by
    LOCATIONID, else LOCALESTID; rows naming none are left for the import to refuse)."""
    by_location, by_local = register_keys(_register(importer))
    rows, _ = read_rows(path, ("LOCALESTID", "LOCATIONID"))
    found = set()
    for row in rows:
        location, local = row["LOCATIONID"], row["LOCALESTID"]
        org = by_location.get(location.upper()) if location else None
        org = org or (by_local.get(_local_key(local)) if local else None)
        if org is not None:
            found.add(str(org["org_code"]))
    return found


def check_period(period: str | None) -> str:
    if period is None or not _PERIOD.fullmatch(period):
        raise ValueError(
            f"an ASC-WDS file holds one snapshot: give its month as --period YYYY-MM "
            f"(got {period!r})"
        )
    return period


def read_rows(path: Path, wanted: Sequence[str]) -> tuple[list[dict[str, str | None]], list[str]]:
    """The file's rows (only the ``wanted`` columns, by heading, case-insensitively) and the
    wanted headings it lacks."""
    con = duckdb.connect()
    try:
        source = open_source(con, path, dataset="ascwds")
        by_upper = {h.strip().upper(): h for h in source.headings}
        missing = [w for w in wanted if w not in by_upper]
        present = [w for w in wanted if w in by_upper]
        select = ", ".join('"' + by_upper[w].replace('"', '""') + f'" AS "{w}"' for w in present)
        rows = con.execute(f"SELECT {select} FROM {source.relation_sql}").fetchall()
    finally:
        con.close()
    out = []
    for row in rows:
        record: dict[str, str | None] = dict.fromkeys(wanted)
        for name, value in zip(present, row, strict=True):
            text = None if value is None else str(value).strip()
            record[name] = text or None
        out.append(record)
    return out, missing


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def _status(row: Mapping[str, str | None], n: int, errors: _Errors) -> str | None:
    """The row's STATUS (any case), or None after recording why it is not one."""
    status = (row["STATUS"] or "").upper()
    if status in STATUSES:
        return status
    errors.add(
        n,
        "STATUS",
        row["STATUS"],
        "ascwds_status",
        "is not an ASC-WDS status: NEW, UPDATE, NOCHANGE, UNCHECKED or DELETE",
    )
    return None


def register_keys(organisations: Iterable[Mapping[str, Any]]) -> tuple[dict, dict]:
    """Register lookups: CQC location ID -> organisation, ASC-WDS local ID -> organisation."""
    by_location: dict[str, Mapping[str, Any]] = {}
    by_local: dict[str, Mapping[str, Any]] = {}
    for org in organisations:
        if org.get("cqc_location_id"):
            by_location[str(org["cqc_location_id"]).strip().upper()] = org
        if org.get("ascwds_local_id"):
            by_local[_local_key(str(org["ascwds_local_id"]))] = org
    return by_location, by_local


def _local_key(local_id: str) -> str:
    """ASC-WDS compares LOCALESTID without its spaces."""
    return re.sub(r"\s", "", local_id).upper()


# --------------------------------------------------------------------------- workplace file


@dataclass
class WorkplaceFigures:
    org_code: str
    segment: str
    total_perm_temp: int | None
    starters: int | None
    leavers: int | None
    vacancies: int | None


def parse_workplace(
    rows: Sequence[Mapping[str, str | None]], file: str, organisations: Iterable[Mapping[str, Any]]
) -> tuple[list[WorkplaceFigures], _Errors, list[str]]:
    errors = _Errors(file)
    warnings: list[str] = []
    by_location, by_local = register_keys(organisations)
    figures: list[WorkplaceFigures] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        n = i + 2
        status = _status(row, n, errors)
        if status is None:
            continue
        local = row["LOCALESTID"]
        if not local:
            errors.add(n, "LOCALESTID", None, "missing_value", "a value is required here")
            continue
        if status == "DELETE":
            continue
        location = (row["LOCATIONID"] or "").upper()
        org = by_location.get(location) if location else None
        org = org or by_local.get(_local_key(local))
        if org is None:
            column, value = ("LOCATIONID", row["LOCATIONID"]) if location else ("LOCALESTID", local)
            errors.add(
                n,
                column,
                value,
                "unregistered_establishment",
                "matches no organisation in the register (by cqc_location_id, then "
                "ascwds_local_id); add the establishment to the register first",
            )
            continue
        code = str(org["org_code"])
        if code in seen:
            errors.add(
                n,
                "LOCALESTID",
                local,
                "duplicate_key",
                f"this establishment is already on row {seen[code]}",
            )
            continue
        seen[code] = n
        service = row["MAINSERVICE"]
        if service not in MAIN_SERVICES:
            errors.add(
                n, "MAINSERVICE", service, "unknown_code", "is not an ASC-WDS main service code"
            )
            continue
        segment = MAIN_SERVICES[service][1] or str(org["segment"])
        total = _whole(row["TOTALPERMTEMP"])
        if row["TOTALPERMTEMP"] is not None and total is None:
            errors.add(
                n,
                "TOTALPERMTEMP",
                row["TOTALPERMTEMP"],
                "not_a_whole_number",
                "is not a whole number of staff",
            )
            continue
        counts = _by_role(row, n, errors)
        if counts is None:
            continue
        figures.append(WorkplaceFigures(code, segment, total, *counts))
    return figures, errors, warnings


def _whole(text: str | None) -> int | None:
    number = _number(text)
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)


def _by_role(
    row: Mapping[str, str | None], n: int, errors: _Errors
) -> tuple[int | None, int | None, int | None] | None:
    """Total STARTERS, LEAVERS and VACANCIES over the roles whose counts are known; None for a
    column none of whose roles is known. ALLJOBROLES lists the roles; each count column lists
    one count per role, or a single 0 (none) or 999 (not known) for all of them."""
    roles = [r.strip() for r in (row["ALLJOBROLES"] or "").split(";") if r.strip()]
    for role in roles:
        if role not in JOB_ROLES:
            errors.add(n, "ALLJOBROLES", role, "unknown_code", "is not an ASC-WDS job role code")
            return None
    totals: list[int | None] = []
    for column in ("STARTERS", "LEAVERS", "VACANCIES"):
        text = row[column]
        parts = [] if text is None else [p.strip() for p in text.split(";")]
        if not parts or parts == [NOT_KNOWN]:
            totals.append(None)
            continue
        if parts == ["0"]:
            totals.append(0)
            continue
        if len(parts) != len(roles):
            errors.add(
                n,
                column,
                text,
                "counts_do_not_match_roles",
                f"gives {len(parts)} count(s) for the {len(roles)} job role(s) of ALLJOBROLES",
            )
            return None
        known = [p for p in parts if p != NOT_KNOWN]
        numbers = [_whole(p) for p in known]
        if any(v is None for v in numbers):
            errors.add(
                n,
                column,
                text,
                "not_a_whole_number",
                "each count must be a whole number (999: not known)",
            )
            return None
        totals.append(sum(v for v in numbers if v is not None) if known else None)
    return totals[0], totals[1], totals[2]


def workplace_aggregate_rows(figures: Sequence[WorkplaceFigures], period: str) -> list[dict]:
    """Skills for Care's rates (§6): vacancies over filled (perm + temp) plus vacant posts;
    leavers and starters in the last 12 months over perm + temp staff now."""
    rows = []
    for f in figures:
        if f.total_perm_temp is not None:
            rows.append(_agg(f, period, "ascwds_total_perm_temp", f.total_perm_temp, "headcount"))
        staff = f.total_perm_temp
        if f.vacancies is not None and staff is not None and staff + f.vacancies > 0:
            rows.append(_rate(f, period, "vacancy_rate", f.vacancies, staff + f.vacancies))
        if f.leavers is not None and staff:
            rows.append(_rate(f, period, "turnover_rate", f.leavers, staff))
        if f.starters is not None and staff:
            rows.append(_rate(f, period, "starter_rate", f.starters, staff))
    return rows


def _agg(f: Any, period: str, metric: str, value: float, unit: str, basis: str = "") -> dict:
    return {
        "period": period,
        "segment": f.segment,
        "org_code": f.org_code,
        "area_code": None,
        "metric": metric,
        "value": _fmt(value),
        "unit": unit,
        "numerator": None,
        "denominator": None,
        "basis": basis or WORKPLACE_BASIS,
        "quality": "actual",
    }


def _rate(f: Any, period: str, metric: str, num: float, den: float, basis: str = "") -> dict:
    row = _agg(f, period, metric, num / den, "fraction", basis)
    row.update(numerator=_fmt(num), denominator=_fmt(den))
    return row


def _fmt(number: float) -> str:
    """Full precision, so the aggregate check (value against numerator / denominator) holds."""
    return repr(float(number))


# --------------------------------------------------------------------------- worker file


@dataclass
class Worker:
    org_code: str
    segment: str
    worker_key: str
    employment: str  # permanent, fixed_term, bank, agency, other
    fte: float | None  # None: hours not known (999 or blank), as ASC-WDS accepts them
    staff_group: str
    days_sick: float | None


def parse_workers(
    rows: Sequence[Mapping[str, str | None]], file: str, organisations: Iterable[Mapping[str, Any]]
) -> tuple[list[Worker], _Errors, dict[str, int]]:
    errors = _Errors(file)
    _, by_local = register_keys(organisations)
    workers: list[Worker] = []
    seen: dict[tuple[str, str], int] = {}
    counts = {"deleted": 0}
    for i, row in enumerate(rows):
        n = i + 2
        status = _status(row, n, errors)
        if status is None:
            continue
        local, worker_id = row["LOCALESTID"], row["UNIQUEWORKERID"]
        if not local or not worker_id:
            column = "LOCALESTID" if not local else "UNIQUEWORKERID"
            errors.add(n, column, None, "missing_value", "a value is required here")
            continue
        if status == "DELETE":
            counts["deleted"] += 1
            continue
        org = by_local.get(_local_key(local))
        if org is None:
            errors.add(
                n,
                "LOCALESTID",
                local,
                "unregistered_establishment",
                "matches no organisation's ascwds_local_id in the register; add the "
                "establishment to the register first",
            )
            continue
        key = (str(org["org_code"]), worker_id.upper())
        if key in seen:
            errors.add(
                n,
                "UNIQUEWORKERID",
                worker_id,
                "duplicate_key",
                f"this worker of this establishment is already on row {seen[key]}",
            )
            continue
        seen[key] = n
        worker = _worker(row, n, errors, org, worker_id)
        if worker is not None:
            workers.append(worker)
    return workers, errors, counts


def _worker(
    row: Mapping[str, str | None], n: int, errors: _Errors, org: Mapping[str, Any], worker_id: str
) -> Worker | None:
    status = row["EMPLSTATUS"]
    if status not in EMPLOYMENT:
        errors.add(
            n,
            "EMPLSTATUS",
            status,
            "unknown_code",
            "is not an ASC-WDS employment status: 1 permanent, 2 temporary, 3 pool/bank, "
            "4 agency, 7 other",
        )
        return None
    employment = EMPLOYMENT[status][1]
    zero_hours = row["ZEROHRCONT"]
    if zero_hours not in (None, "1", "2", NOT_KNOWN):
        errors.add(
            n,
            "ZEROHRCONT",
            zero_hours,
            "unknown_code",
            "is not 1 (zero-hours contract), 2 (no) or 999 (not known)",
        )
        return None
    role = row["MAINJOBROLE"]
    if role not in JOB_ROLES:
        errors.add(n, "MAINJOBROLE", role, "unknown_code", "is not an ASC-WDS job role code")
        return None
    contracted = employment in ("permanent", "fixed_term") and zero_hours != "1"
    column = "CONTHOURS" if contracted else "AVGHOURS"
    hours = _number(row[column])
    if row[column] is None or (hours is not None and int(hours) == int(NOT_KNOWN)):
        # ASC-WDS takes a blank as no answer and reads 999 (and 999.5) as "hours not known",
        # and accepts the record either way (workerCSVValidator's _validateContHours and
        # _validateAvgHours): so do we. The worker counts in headcount, with no FTE.
        hours = None
    elif hours is None or not 0 < hours <= MAX_HOURS:
        why = (
            "contracted hours are needed for this worker's FTE (hours / 37.5)"
            if contracted
            else "average hours are needed for this worker's FTE (hours / 37.5): zero-hours, "
            "bank, agency and other workers"
        )
        errors.add(
            n,
            column,
            row[column],
            "ascwds_hours",
            f"{why}; give more than 0 and at most {MAX_HOURS:g} hours a week",
        )
        return None
    days_text = row["DAYSSICK"]
    days = None if days_text in (None, NOT_KNOWN) else _number(days_text)
    if days_text not in (None, NOT_KNOWN) and (days is None or not 0 <= days <= 366):
        errors.add(
            n,
            "DAYSSICK",
            days_text,
            "out_of_range",
            "must be a number of days from 0 to 366 (999: not known)",
        )
        return None
    return Worker(
        org_code=str(org["org_code"]),
        segment=str(org["segment"]),
        worker_key=worker_id.upper(),
        employment=employment,
        fte=None if hours is None else hours / HOURS_PER_FTE,
        staff_group=JOB_ROLES[role][1],
        days_sick=days,
    )


def pseudonym(org_code: str, worker_key: str) -> str:
    """A stable key for a worker that does not reveal the employer's own worker ID."""
    return hashlib.sha256(f"ascwds|{org_code}|{worker_key}".encode()).hexdigest()[:20]


def staff_in_post_rows(workers: Sequence[Worker], period: str) -> list[dict]:
    return [
        {
            "period": period,
            "org_code": w.org_code,
            "person_id": pseudonym(w.org_code, w.worker_key),
            "assignment_id": "1",
            "staff_group": w.staff_group,
            # hours not known: in post (headcount) with no FTE, so left out of FTE sums
            "fte": "" if w.fte is None else _fmt(w.fte),
            "contract_type": w.employment,
        }
        for w in workers
        if w.employment in ("permanent", "fixed_term", "bank")
    ]


def worker_aggregate_rows(
    workers: Sequence[Worker], period: str, segments: Mapping[str, str]
) -> list[dict]:
    """Per establishment: agency FTE; agency FTE over all workers' FTE (ASC-WDS holds no pay
    bill); and days sick in the last 12 months weighted by FTE over 365 x FTE, for staff in post
    whose days are known (the 12-month rate, §3 in FTE days)."""
    by_org: dict[str, list[Worker]] = defaultdict(list)
    for w in workers:
        by_org[w.org_code].append(w)
    rows = []
    for code, members in sorted(by_org.items()):
        f = Establishment(code, segments.get(code, members[0].segment))
        members = [w for w in members if w.fte is not None]  # hours not known: no FTE
        if not members:
            continue
        agency = sum(w.fte or 0.0 for w in members if w.employment == "agency")
        everyone = sum(w.fte or 0.0 for w in members)
        rows.append(_agg(f, period, "agency_fte", agency, "fte", WORKER_BASIS))
        if everyone > 0:
            rows.append(_rate(f, period, "agency_share_of_paybill", agency, everyone, WORKER_BASIS))
        in_post = [w for w in members if w.employment in ("permanent", "fixed_term")]
        sick = [w for w in in_post if w.days_sick is not None]
        lost = sum((w.fte or 0.0) * (w.days_sick or 0) for w in sick)
        available = sum((w.fte or 0.0) * DAYS_IN_YEAR for w in sick)
        if available > 0:
            for metric in ("sickness_absence_rate", "sickness_absence_rate_12m"):
                rows.append(_rate(f, period, metric, lost, available, WORKER_BASIS))
    return rows


# --------------------------------------------------------------------------- importing

#: aggregate metrics each file gives (the other file's rows for a slice are carried over)
WORKPLACE_METRICS: Final = (
    "ascwds_total_perm_temp", "vacancy_rate", "turnover_rate", "starter_rate",
)  # fmt: skip
WORKER_METRICS: Final = (
    "agency_fte", "agency_share_of_paybill", "sickness_absence_rate", "sickness_absence_rate_12m",
)  # fmt: skip
AGGREGATE_COLUMNS: Final = (
    "period", "segment", "org_code", "area_code", "metric", "value", "unit", "numerator",
    "denominator", "basis", "quality",
)  # fmt: skip


def import_ascwds(
    importer: Any,
    kind: str,
    path: Path,
    period: str,
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Check an ASC-WDS file in full, then store what it gives (see the module docstring)."""
    note = progress or (lambda _stage: None)
    outcome = Outcome(path.name, kind)
    wanted = tuple(WORKER_READ if kind == "ascwds_worker" else WORKPLACE_READ)
    worker_file = kind == "ascwds_worker"
    extra = ("UNIQUEWORKERID", "EMPLSTATUS", "MAINJOBROLE") if worker_file else ("MAINSERVICE",)
    required = ("LOCALESTID", "STATUS", *extra)
    errors = _Errors(path.name)
    note("reading")
    try:
        rows, missing = read_rows(path, wanted)
    except UnreadableFile as exc:
        errors.add(None, None, None, "unreadable_file", str(exc))
        outcome.report = errors.report()
        return outcome
    for heading in missing:
        if heading in required:
            errors.add(
                None,
                heading,
                None,
                "missing_column",
                f"the ASC-WDS {'worker' if kind == 'ascwds_worker' else 'workplace'} "
                "file needs this column",
            )
    if errors.total:
        outcome.report = errors.report()
        return outcome
    organisations = _register(importer)
    segments = {str(o["org_code"]): str(o["segment"]) for o in organisations}
    note("checking")
    if kind == "ascwds_workplace":
        figures, errors, _ = parse_workplace(rows, path.name, organisations)
        new_rows = workplace_aggregate_rows(figures, period)
        orgs = {f.org_code: f.segment for f in figures}
        person_rows: list[dict] = []
        outcome.counts = {"establishments": len(figures)}
        in_post = _stored_in_post(importer, period, list(orgs))
        totals = {f.org_code: f.total_perm_temp for f in figures}
    else:
        workers, errors, counts = parse_workers(rows, path.name, organisations)
        # the workplace file's MAINSERVICE, where it was stored for the month, else the register
        segments.update(_stored_segments(importer, period))
        new_rows = worker_aggregate_rows(workers, period, segments)
        orgs = {w.org_code: segments[w.org_code] for w in workers}
        person_rows = staff_in_post_rows(workers, period)
        outcome.counts = {
            **counts,
            **{e: sum(1 for w in workers if w.employment == e) for e in _EMPLOYMENT_NAMES},
        }
        unknown_hours = sum(1 for w in workers if w.fte is None)
        if unknown_hours:
            outcome.counts["hours_not_known"] = unknown_hours
        in_post = defaultdict(int)
        for w in workers:
            if w.employment in ("permanent", "fixed_term"):
                in_post[w.org_code] += 1
        totals = _stored_totals(importer, period, list(orgs))
    if errors.total:
        outcome.report = errors.report()
        return outcome
    for code in sorted(set(totals) & set(in_post)):
        if totals[code] is not None and totals[code] != in_post[code]:
            outcome.warnings.append(
                f"{code}: TOTALPERMTEMP in the workplace file is {totals[code]} but the worker "
                f"file has {in_post[code]} permanent and temporary worker record(s) (ASC-WDS "
                "warns of the same); the figures use each file as it is"
            )
    unknown = outcome.counts.get("hours_not_known", 0)
    if unknown:
        outcome.warnings.append(
            f"{unknown} worker(s) with hours not known (999 or blank, as ASC-WDS accepts them) "
            "count in staff in post headcount but have no FTE: they are left out of FTE "
            "figures, the agency share and the sickness rate"
        )
    other = outcome.counts.get("other", 0)
    if other:
        outcome.warnings.append(
            f"{other} worker(s) with employment status 7 (other) are counted separately: not "
            "staff in post, bank or agency; their FTE is in the agency share's denominator"
        )
    carried = _carried_rows(importer, period, orgs, kind)
    with tempfile.TemporaryDirectory(dir=importer.home.tmp) as tmp:
        parts: list[tuple[str, Path]] = []
        if person_rows:
            people = _write(Path(tmp) / f"{path.stem} (staff in post).csv", person_rows)
            parts.append(("staff_in_post", people))
        aggregate = new_rows + carried
        if aggregate:
            agg = _write(Path(tmp) / f"{path.stem} (aggregate).csv", aggregate, AGGREGATE_COLUMNS)
            parts.append(("aggregate", agg))
        # one import: the worker file's staff in post and its figures are stored together
        outcome.results = importer.import_files(parts, progress, strict=strict)
    if not all(r.ok for r in outcome.results):
        refused = [r for r in outcome.results if r.report.errors] or outcome.results
        outcome.report = refused[0].report
        return outcome
    outcome.status = "accepted"
    return outcome


_EMPLOYMENT_NAMES: Final = tuple(name for _, name in EMPLOYMENT.values())


def _write(path: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = ()) -> Path:
    columns = list(columns or rows[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return path


def _query(importer: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    con = importer.lake.connect()
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _register(importer: Any) -> list[dict[str, Any]]:
    con = importer.lake.connect()
    try:
        cur = con.execute("SELECT * FROM organisations")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def _stored_in_post(importer: Any, period: str, orgs: list[str]) -> dict[str, int]:
    if not orgs:
        return {}
    rows = _query(
        importer,
        "SELECT org_code, count(*) FROM staff_in_post WHERE strftime(period, '%Y-%m') = ? "
        "AND contract_type IN ('permanent', 'fixed_term') AND list_contains(?, org_code) "
        "GROUP BY org_code",
        [period, orgs],
    )
    return {r[0]: int(r[1]) for r in rows}


def _stored_segments(importer: Any, period: str) -> dict[str, str]:
    found = _query(
        importer,
        "SELECT org_code, segment FROM aggregate WHERE metric = 'ascwds_total_perm_temp' "
        "AND strftime(period, '%Y-%m') = ?",
        [period],
    )
    return {r[0]: r[1] for r in found}


def _stored_totals(importer: Any, period: str, orgs: list[str]) -> dict[str, int | None]:
    if not orgs:
        return {}
    rows = _query(
        importer,
        "SELECT org_code, CAST(value AS BIGINT) FROM aggregate WHERE metric = "
        "'ascwds_total_perm_temp' AND strftime(period, '%Y-%m') = ? AND list_contains(?, org_code)",
        [period, orgs],
    )
    return {r[0]: r[1] for r in rows}


def _carried_rows(importer: Any, period: str, orgs: Mapping[str, str], kind: str) -> list[dict]:
    """The other ASC-WDS file's aggregate rows for the same establishments and month, so that
    storing this file (which supersedes those slices) keeps them."""
    if not orgs:
        return []
    keep = WORKER_METRICS if kind == "ascwds_workplace" else WORKPLACE_METRICS
    cols = ", ".join(AGGREGATE_COLUMNS[1:])
    found = _query(
        importer,
        f"SELECT strftime(period, '%Y-%m'), {cols} FROM aggregate "
        "WHERE strftime(period, '%Y-%m') = ? AND list_contains(?, org_code) "
        "AND list_contains(?, metric)",
        [period, list(orgs), list(keep)],
    )
    rows = []
    for record in found:
        row = dict(zip(AGGREGATE_COLUMNS, record, strict=True))
        if orgs.get(row["org_code"]) != row["segment"]:
            continue  # the establishment's segment changed: a later file says it again
        for name in ("value", "numerator", "denominator"):
            if row[name] is not None:
                row[name] = _fmt(row[name])
        rows.append(row)
    return rows
