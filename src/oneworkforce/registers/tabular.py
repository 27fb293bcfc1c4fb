"""The registers as tables: their columns, the headings people use for them, and how a
cell is read and written.

A :class:`Column` has a canonical name (the JSON/CSV field name) and the headings that mean
it (regular expressions over the normalised heading: lower case, words only). Its ``read``
turns the text of a cell into field values; ``write`` turns field values back into text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models as djm

from oneworkforce.registers import asof, models, parsing, scoring, vocab


def normalise(heading: str) -> str:
    text = str(heading or "").lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def plain(value: Any) -> Any:
    """A value as JSON holds it, the same whether it came from a form, a file or the DB."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, djm.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _text(name: str) -> Callable[[str], dict]:
    return lambda text: {name: text.strip()}


def _date(name: str, *, end: bool = False) -> Callable[[str], dict]:
    return lambda text: {name: parsing.parse_date(text, end=end)}


def _int(name: str) -> Callable[[str], dict]:
    return lambda text: {name: parsing.parse_int(text)}


def _rag(name: str) -> Callable[[str], dict]:
    return lambda text: {name: parsing.parse_rag(text)}


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    read: Callable[[str], dict] | None = None
    #: the fields ``read`` may set (the first is written back by default)
    fields: tuple[str, ...] = ()

    def fields_(self) -> tuple[str, ...]:
        return self.fields or (self.name,)

    def parse(self, text: str) -> dict[str, Any]:
        reader = self.read or _text(self.name)
        return reader(text or "")

    def matches(self, heading: str) -> bool:
        norm = normalise(heading)
        return norm == normalise(self.name) or any(re.fullmatch(a, norm) for a in self.aliases)


@dataclass(frozen=True)
class Register:
    kind: str
    model: type[models.Record]
    title: str
    columns: tuple[Column, ...]
    key: Callable[[Mapping[str, Any]], str]
    #: the fields of a JSON export, in order
    json_fields: tuple[str, ...]
    defaults: Callable[[list[str]], dict] = field(default=lambda headings: {})

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


# --- readers with more than one field ---------------------------------------------------


def _read_programme_name(text: str) -> dict:
    text = text.strip()
    m = re.match(r"^(P\d+[a-z]?)\s+(.+)$", text)
    if m:
        return {"code": m[1], "name": m[2]}
    return {"name": text}


def _read_sro_director(text: str) -> dict:
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text.strip())
    if m:
        return {"sro": m[1], "programme_director": m[2]}
    return {"sro": text.strip()}


def _read_status(text: str) -> dict:
    out: dict[str, Any] = {"status_text": text.strip()}
    if phase := parsing.parse_phase(text):
        out["phase"] = phase
    return out


def _read_savings(text: str) -> dict:
    return {"savings_text": text.strip(), "savings_amount": parsing.parse_money(text)}


def _read_domains(text: str) -> dict:
    return {"domains": sorted({int(n) for n in re.findall(r"\d+", text) if 1 <= int(n) <= 10})}


def _read_stages(text: str) -> dict:
    low = text.lower()
    return {"journey_stages": [s for s in vocab.JOURNEY_STAGES if s.lower() in low]}


def _read_kind(text: str) -> dict:
    norm = normalise(text)
    for key, label in vocab.KINDS:
        if norm in {normalise(key), normalise(label)} or norm.rstrip("s") == normalise(label):
            return {"kind": key}
    return {}


def _read_action_update(text: str) -> dict:
    out: dict[str, Any] = {"update": text.strip()}
    if re.search(r"\baction\s+closed\b", text, re.IGNORECASE):
        out["status"] = "closed"
    return out


def _read_status_word(text: str) -> dict:
    norm = normalise(text)
    if norm in {"closed", "complete", "completed", "done"}:
        return {"status": "closed"}
    if norm in {"open", "ongoing", "in progress"}:
        return {"status": "open"}
    return {}


def _read_milestone_status(text: str) -> dict:
    norm = normalise(text)
    for key, label in vocab.MILESTONE_STATUSES:
        if norm in {normalise(key), normalise(label)}:
            return {"status": key}
    return {}


def _read_list(name: str) -> Callable[[str], dict]:
    return lambda text: {name: [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]}


def _read_benefit_kind(text: str) -> dict:
    norm = normalise(text)
    for key, label in vocab.BENEFIT_KINDS:
        if norm in {normalise(key), normalise(label)}:
            return {"kind": key}
    kind = parsing.money_kind(text) or ("non_financial" if "non financial" in norm else None)
    return {"kind": kind} if kind else {}


def _read_lever(text: str) -> dict:
    """The planning lever a benefit delivers, by its name or label ("Training places")."""
    norm = normalise(text)
    for key, label in vocab.LEVERS:
        if norm in {normalise(key), normalise(label)}:
            return {"lever": key}
    return {"lever": ""}


def _read_staff_group(text: str) -> dict:
    """The staff group a benefit's lever acts on, by its code, title or a known spelling."""
    from oneworkforce.data.reference import vocabulary

    return {"staff_group": vocabulary("staff_group").lookup(text) or ""} if text else {}


def _read_money(name: str) -> Callable[[str], dict]:
    def read(text: str) -> dict:
        value = parsing.parse_money(text)
        if value is None and re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", text or ""):
            value = Decimal(text.strip())
        return {name: value}

    return read


def _read_yes(name: str) -> Callable[[str], dict]:
    return lambda text: {name: normalise(text) in {"yes", "y", "true", "1", "present"}}


# --- the registers -------------------------------------------------------------------------

PROGRAMME_REF = Column(
    "programme", (r"programme( code| name)?", r"portfolio", r"workstream", r"committee", r"project")
)

PROGRAMMES = Register(
    kind="programmes",
    model=models.Programme,
    title="Programmes and portfolios",
    columns=(
        Column("code", (r"ref", r"programme code", r"id", r"reference")),
        Column(
            "name",
            (
                r"programme",
                r"programme name",
                r"portfolio",
                r"name",
                r"workstream",
                r"our .*programme.*",
                r"committee",
                r"title",
            ),
            _read_programme_name,
            ("name", "code"),
        ),
        Column("kind", (r"type", r"level"), _read_kind),
        Column("parent", (r"parent( code)?", r"portfolio code")),
        Column(
            "sro_programme_director",
            (r"senior responsible officer.*programme director.*", r"sro.*programme director.*"),
            _read_sro_director,
            ("sro", "programme_director"),
        ),
        Column(
            "chair_sro",
            (r"chair sro", r"chair and sro", r"sro chair"),
            lambda t: {"chair": t.strip(), "sro": t.strip()},
            ("chair", "sro"),
        ),
        Column("sro", (r"senior responsible officer( sro)?", r"senior responsible owner")),
        Column("chair", ()),
        Column(
            "ce_sponsor",
            (r"(chief )?executive sponsor", r"ce sponsor", r"director sponsor", r"system sponsor"),
        ),
        Column("lead", (r"icb lead", r"lead", r"executive lead")),
        Column("clinical_lead", ()),
        Column("programme_director", ()),
        Column("objective", (r"(\d\d \d\d )?key objectives?", r"objectives?", r"aim")),
        Column("phase", (r"delivery phase",), lambda t: {"phase": parsing.parse_phase(t) or ""}),
        Column(
            "status_text",
            (r"status update", r"delivery status", r"status", r"progress"),
            _read_status,
            ("status_text", "phase"),
        ),
        Column("rag", (r"rag( rating| status)?", r"overall rag"), _rag("rag")),
        Column("risks_text", (r"risks?", r"key risks")),
        Column("trajectory", (r"delivery trajectory",)),
        Column(
            "savings",
            (
                r"potential benefits savings opportunity",
                r"savings( opportunity)?",
                r"potential benefits",
                r"benefits",
            ),
            _read_savings,
            ("savings_text", "savings_amount"),
        ),
        Column("domains", (r"people plan domains?", r"domains?"), _read_domains),
        Column(
            "journey_stages", (r"colleague journey( stages?)?", r"journey stages?"), _read_stages
        ),
    ),
    key=lambda v: str(v.get("code") or ""),
    json_fields=("code", "name", "kind", "sro", "chair", "objective", "phase", "rag"),
    defaults=lambda headings: (
        {"kind": "portfolio"} if any(normalise(h) == "portfolio" for h in headings) else {}
    ),
)

STATUS_REPORTS = Register(
    kind="status_reports",
    model=models.StatusReport,
    title="Status reports",
    columns=(
        PROGRAMME_REF,
        Column(
            "report_date",
            (r"date", r"report date", r"reporting date", r"month"),
            _date("report_date"),
        ),
        Column("rag_overall", (r"rag", r"overall rag", r"overall"), _rag("rag_overall")),
        Column("rag_delivery", (r"delivery( rag)?",), _rag("rag_delivery")),
        Column(
            "rag_benefits_finance",
            (r"benefits( and)? finance( rag)?", r"finance( rag)?", r"benefits( rag)?"),
            _rag("rag_benefits_finance"),
        ),
        Column("rag_risk", (r"risk( rag)?",), _rag("rag_risk")),
        Column("rag_resources", (r"resources?( rag)?",), _rag("rag_resources")),
        Column("narrative", (r"narrative", r"status update", r"update", r"commentary")),
        Column("change_reason", (r"reason for (rag )?change", r"change reason")),
    ),
    key=lambda v: f"{str(v.get('programme') or '').lower()}|{plain(v.get('report_date'))}",
    json_fields=(
        "programme",
        "report_date",
        "rag_overall",
        "rag_delivery",
        "rag_benefits_finance",
        "rag_risk",
        "rag_resources",
        "narrative",
        "change_reason",
        "submitted",
    ),
)

MILESTONES = Register(
    kind="milestones",
    model=models.Milestone,
    title="Milestones and deliverables",
    columns=(
        PROGRAMME_REF,
        Column("name", (r"activit(y|ies)", r"milestone", r"deliverable", r"name", r"description")),
        Column(
            "kind",
            (r"type",),
            lambda t: (
                {"kind": "deliverable"} if "deliverable" in t.lower() else {"kind": "milestone"}
            ),
        ),
        Column("owner", (r"lead", r"owner")),
        Column(
            "due_date",
            (r"due( date)?", r"timescale", r"deadline", r"target date"),
            _date("due_date", end=True),
        ),
        Column("status", (), _read_milestone_status),
        Column("metrics", (r"(catalogue )?metrics?",), _read_list("metrics")),
    ),
    key=lambda v: f"{str(v.get('programme') or '').lower()}|{normalise(v.get('name') or '')}",
    json_fields=("programme", "name", "kind", "owner", "due_date", "status", "overdue", "metrics"),
)

BENEFITS = Register(
    kind="benefits",
    model=models.Benefit,
    title="Benefits",
    columns=(
        PROGRAMME_REF,
        Column("name", (r"benefit", r"description")),
        Column("kind", (r"type", r"category"), _read_benefit_kind),
        Column("unit", ()),
        Column("owner", (r"benefit owner", r"lead")),
        Column("rag", (r"rag( rating)?",), _rag("rag")),
        Column(
            "planned_total",
            (r"planned( total)?", r"target", r"value", r"savings"),
            _read_money("planned_total"),
        ),
        Column("lever", (r"(planning )?lever",), _read_lever),
        Column("staff_group", (r"staff group",), _read_staff_group),
    ),
    key=lambda v: f"{str(v.get('programme') or '').lower()}|{normalise(v.get('name') or '')}",
    json_fields=(
        "programme",
        "name",
        "kind",
        "unit",
        "owner",
        "rag",
        "planned_total",
        "planned_to_date",
        "actual_to_date",
        "lever",
        "staff_group",
    ),
)


def _stage(stage: str) -> tuple[Column, ...]:
    words = {
        "initial": r"(initial|inherent)",
        "current": r"(current|residual)",
        "target": r"target",
    }[stage]
    return (
        Column(
            f"{stage}_likelihood",
            (rf"{words} (risk )?likelihood", rf"{words} l"),
            _int(f"{stage}_likelihood"),
        ),
        Column(
            f"{stage}_consequence",
            (rf"{words} (risk )?(consequence|impact)", rf"{words} c"),
            _int(f"{stage}_consequence"),
        ),
        Column(f"{stage}_score", (rf"{words} (risk )?(score|rating)",), _int(f"{stage}_score")),
    )


RISKS = Register(
    kind="risks",
    model=models.Risk,
    title="Risk register",
    columns=(
        Column("ref", (r"risk ref(erence)?", r"risk (id|no|number)", r"id", r"reference")),
        Column("description", (r"risk description", r"risk", r"description")),
        Column("owner", (r"risk owner", r"lead")),
        *_stage("initial"),
        Column("mitigations", (r"mitigations?", r"(existing )?controls?", r"mitigating actions")),
        *_stage("current"),
        *_stage("target"),
        Column("assurances", (r"assurances?", r"sources of assurance")),
        Column("gaps_in_control", (r"gaps? in controls?",)),
        Column("gaps_in_assurance", (r"gaps? in assurances?",)),
        Column("review_date", (r"review date", r"(next|date of) review"), _date("review_date")),
        Column("strategic_objectives", (r"strategic objectives?",)),
        Column("programmes", (r"(linked )?programmes?",), _read_list("programmes")),
    ),
    key=lambda v: str(v.get("ref") or ""),
    json_fields=(
        "ref",
        "description",
        "initial_likelihood",
        "initial_consequence",
        "initial_score",
        "initial_band",
        "current_likelihood",
        "current_consequence",
        "current_score",
        "current_band",
        "target_likelihood",
        "target_consequence",
        "target_score",
        "target_band",
        "mitigations",
        "owner",
        "review_date",
    ),
)

ACTIONS = Register(
    kind="actions",
    model=models.Action,
    title="Action log",
    columns=(
        Column("meeting_date", (r"date", r"meeting date", r"date raised"), _date("meeting_date")),
        Column("meeting", (r"meeting",)),
        Column("item", (r"item( no)?",)),
        Column("agenda_item", ()),
        Column("action", (r"action( required)?",)),
        Column("owner", (r"action owner", r"lead", r"by whom")),
        Column(
            "update",
            (r"updates?", r"progress", r"status update"),
            _read_action_update,
            ("update", "status"),
        ),
        Column("due_date", (r"due( date)?", r"deadline", r"by when"), _date("due_date")),
        Column("status", (r"open closed",), _read_status_word),
        Column("rag_text", (r"rag",)),
    ),
    key=lambda v: "|".join(
        [
            plain(v.get("meeting_date")) or "",
            str(v.get("item") or ""),
            normalise(v.get("action") or "")[:150],
        ]
    ),
    json_fields=(
        "meeting_date",
        "item",
        "agenda_item",
        "action",
        "owner",
        "update",
        "due_date",
        "status",
        "rag",
    ),
)

DECLARATIONS = Register(
    kind="declarations",
    model=models.Declaration,
    title="Declarations of interest",
    columns=(
        Column(
            "declared_on", (r"date of declaration", r"date declared", r"date"), _date("declared_on")
        ),
        Column("title", ()),
        Column("forename", (r"first name", r"given name")),
        Column("surname", (r"last name", r"family name")),
        Column("role", (r"position", r"job title")),
        Column("financial", (r"(\d )?financial interests?",)),
        Column("non_financial_professional", (r"(\d )?non financial professional interests?",)),
        Column("non_financial_personal", (r"(\d )?non financial personal interests?",)),
        Column("indirect", (r"(\d )?indirect interests?",)),
        Column("gifts_hospitality", (r"(\d )?gifts( and)? hospitality",)),
        Column(
            "management",
            (r"(\d )?actions taken to mitigate.*", r"how managed", r"management( of conflicts?)?"),
        ),
    ),
    key=lambda v: "|".join(
        [
            normalise(v.get("forename") or ""),
            normalise(v.get("surname") or ""),
            plain(v.get("declared_on")) or "",
        ]
    ),
    json_fields=(
        "declared_on",
        "title",
        "forename",
        "surname",
        "role",
        "financial",
        "non_financial_professional",
        "non_financial_personal",
        "indirect",
        "gifts_hospitality",
        "management",
        "nil",
    ),
)

MEETINGS = Register(
    kind="meetings",
    model=models.Meeting,
    title="Meetings",
    columns=(
        Column("title", (r"meeting", r"name")),
        Column("date", (r"meeting date",), _date("date")),
        Column("agenda", (r"agenda( items)?",), _read_list("agenda")),
        Column(
            "attendance",
            (r"attendees", r"attendance", r"present", r"members present"),
            _read_list("attendance"),
        ),
        Column("decisions", (r"decisions?",), _read_list("decisions")),
        Column("minutes", ()),
    ),
    key=lambda v: f"{normalise(v.get('title') or '')}|{plain(v.get('date'))}",
    json_fields=("title", "date", "agenda", "attendance", "decisions"),
)

#: a benefit's planned trajectory and actuals by month; read and written by
#: :mod:`oneworkforce.registers.trajectory` (long or wide files), not row by row
BENEFIT_MONTHS = Register(
    kind="benefit_months",
    model=models.BenefitMonth,  # type: ignore[arg-type]  # not a Record: no import bookkeeping
    title="Benefits trajectory by month",
    columns=(
        Column("benefit", (r"benefits?( name| description)?", r"name", r"description")),
        PROGRAMME_REF,
        Column("month", (r"months?", r"period", r"month (ending|starting)", r"date")),
        Column(
            "planned",
            (r"plan(ned)?( value| benefits?| savings| trajectory)?", r"trajectory", r"target"),
        ),
        Column(
            "actual",
            (r"actuals?( value| benefits?| savings)?", r"delivered", r"achieved"),
        ),
        Column(
            "line",
            (r"plan(ned)? actuals?", r"actuals? plan(ned)?", r"line", r"measure", r"series"),
        ),
        Column("value", (r"amount", r"figure", r"value")),
    ),
    key=lambda v: "|".join(
        [
            str(v.get("programme") or "").lower(),
            normalise(v.get("benefit") or ""),
            plain(v.get("month")) or "",
        ]
    ),
    json_fields=(
        "programme",
        "benefit",
        "month",
        "planned",
        "actual",
        "cumulative_planned",
        "cumulative_actual",
        "variance",
        "cumulative_variance",
    ),
)

REGISTERS: dict[str, Register] = {
    r.kind: r
    for r in (
        PROGRAMMES,
        STATUS_REPORTS,
        MILESTONES,
        BENEFITS,
        BENEFIT_MONTHS,
        RISKS,
        ACTIONS,
        DECLARATIONS,
        MEETINGS,
    )
}


def map_headings(
    register: Register, headings: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Each heading's column (or ``None``: kept on the record as written).

    ``overrides`` (from ``--map "HEADING=field"``) win; a column is used once, by the first
    heading that claims it.
    """
    overrides = {normalise(k): v for k, v in (overrides or {}).items()}
    names = {c.name for c in register.columns}
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for heading in headings:
        wanted = overrides.get(normalise(heading))
        if wanted is not None:
            if wanted not in names and wanted != "":
                raise ValueError(
                    f"--map {heading}={wanted}: {register.kind} has no field '{wanted}'; "
                    f"fields: {', '.join(sorted(names))}"
                )
            out[heading] = wanted or None
            if wanted:
                used.add(wanted)
    for heading in headings:
        if heading in out:
            continue
        found = next(
            (c.name for c in register.columns if c.name not in used and c.matches(heading)), None
        )
        out[heading] = found
        if found:
            used.add(found)
    return out


def _programme_label(obj: models.Programme | None) -> str:
    return obj.name if obj else ""


def values_of(register: Register, obj: models.Record) -> dict[str, Any]:
    """The fields of a record as the table shows them (derived ones included)."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.is_relation:
            continue
        out[f.name] = getattr(obj, f.name)
    if hasattr(obj, "programme"):
        out["programme"] = _programme_label(obj.programme)
        parsed = (obj.source or {}).get("parsed", {}).get("programme")
        if (
            obj.programme
            and parsed
            and normalise(parsed) in {normalise(obj.programme.code), normalise(obj.programme.name)}
        ):
            out["programme"] = parsed
    if isinstance(obj, models.Programme):
        out["parent"] = obj.parent.code if obj.parent_id else ""
    if isinstance(obj, models.Risk):
        for stage in ("initial", "current", "target"):
            value = obj.score(stage)
            out[f"{stage}_score"] = value
            out[f"{stage}_band"] = scoring.band(value)
        out["programmes"] = sorted(obj.programmes.values_list("code", flat=True)) if obj.pk else []
    if isinstance(obj, models.Action):
        out["meeting"] = obj.meeting.title if obj.meeting_id else ""
        out["rag"] = action_rag(obj)
    if isinstance(obj, models.StatusReport):
        out["submitted"] = obj.submitted
    if isinstance(obj, models.Milestone):
        out["overdue"] = milestone_overdue(obj)
    return out


def write_cell(column: Column, values: Mapping[str, Any]) -> str:
    """The text of a cell from current values (when they differ from what was imported)."""
    name = column.name
    if name == "name" and "code" in column.fields_() and values.get("code", "").startswith("P"):
        return f"{values['code']} {values.get('name', '')}"
    if name == "sro_programme_director":
        director = values.get("programme_director")
        return f"{values.get('sro', '')} ({director})" if director else values.get("sro", "")
    if name == "chair_sro":
        return values.get("chair") or values.get("sro") or ""
    if name == "status_text":
        return values.get("status_text", "")
    if name == "savings":
        return values.get("savings_text") or _fmt(values.get("savings_amount"))
    first = column.fields_()[0]
    value = values.get(first)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return _fmt(value)


def action_rag(action: models.Action, today: dt.date | None = None) -> str:
    """Closed is blue; open and past due red; due within 14 days amber; otherwise green."""
    today = today or asof.board_date()
    if action.status == "closed":
        return "blue"
    if action.due_date is None:
        return "amber"
    if action.due_date < today:
        return "red"
    if (action.due_date - today).days <= 14:
        return "amber"
    return "green"


def milestone_overdue(milestone: models.Milestone, today: dt.date | None = None) -> bool:
    today = today or asof.board_date()
    return (
        milestone.status != "complete"
        and milestone.due_date is not None
        and milestone.due_date < today
    )
