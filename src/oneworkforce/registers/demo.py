"""Demo data: the seed papers' own tables, imported as their authors wrote them, plus a year
of quarterly status reports (the seed papers' own status text and RAG), benefit trajectories
and actuals, risk targets and deliverable dates, all dated from the demo's data period so the
history pages have something to show. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from oneworkforce.registers import actions, importing, models

DEMO = Path(__file__).resolve().parent / "demo"

#: (register, file, defaults) in load order; the files keep the seed papers' headings
SEED_FILES = [
    ("programmes", "programme_grid.csv", None),  # seed 000, Appendix 1
    ("programmes", "portfolio_table.csv", None),  # seed 004, section 3.4
    ("risks", "risk_register.csv", None),  # seed 003
    ("actions", "action_log.csv", None),  # seed 002, action plan
    ("declarations", "declarations_register.csv", None),  # seed 002, conflicts register
    ("milestones", "workstream_activities.csv", {"programme": "NOTTS-WF"}),  # seed 003
]

#: grid programme -> (People Plan domains, colleague-journey stages), from seeds 001 and 002
SERVES = {
    "HNY Inclusion Assembly": ([3], ["Support", "Develop", "Retain"]),
    "Ethical International Recruitment Committee": ([2], ["Attract", "Recruit", "Onboard"]),
    "Health and Wellbeing Committee": ([1], ["Support", "Retain"]),
    "Education and Training Committee": ([6], ["Inspire", "Develop"]),
    "Paybill and Agency Management Committee": ([5, 9], ["Recruit", "Retain"]),
    "People Story Committee": ([9], ["Understand"]),
    "Inclusive health and care careers": ([2, 7], ["Inspire", "Attract"]),
    "Workforce health equity": ([7], ["Support"]),
    "Stay and thrive: retaining our staff": ([1, 3], ["Support", "Retain", "Release"]),
    "Leadership, talent and succession": ([4, 6], ["Develop"]),
    "Volunteers at the heart of the system": ([7], ["Inspire", "Attract"]),
    "People digital": ([8], ["Develop"]),
    "Whole system reward and recognition": ([3], ["Retain"]),
    "Care at Home workforce integration": ([5, 10], ["Support"]),
}

#: the seed risks' (003) key risk indicators: risk ref -> (metric, direction that signals it)
#: the seed risks' owners (seed 003 names none): people named by their role, synthetic,
#: each the lead its mitigations name (the LETC's strategy and resourcing, the HR
#: Collaborative, the OD plans, the finance modelling, the workstream's design work)
RISK_OWNERS = {
    "1": "Director of People",
    "2": "HR Collaborative Lead",
    "3": "HR Collaborative Lead",
    "4": "HR Collaborative Lead",
    "5": "HR Collaborative Lead",
    "6": "Organisational Development Lead",
    "7": "Director of People",
    "8": "Workforce Programme Lead",
    "9": "Workforce Finance Lead",
    "10": "Organisational Development Lead",
}
#: the organisation the risk owners work for (synthetic, as their names)
OWNERS_ORGANISATION = "Synthetic Nottinghamshire workforce workstream"


def _owner(actor: str, role: str) -> models.Person:
    """The risk owner named by ``role`` (made once: loading the demo again finds them)."""
    from oneworkforce.registers.people import name_key

    found = models.Person.objects.filter(
        key=name_key(role), organisation=OWNERS_ORGANISATION
    ).first()
    return found or actions.create_person(actor, role, role=role, organisation=OWNERS_ORGANISATION)


INDICATORS = {
    "1": [("vacancy_rate", "up")],  # no robust workforce strategy: posts stay empty
    "3": [("plan_variance_substantive_fte_pct", "down")],  # plans pull below the system's
    "4": [("leaver_rate", "up"), ("stability_index", "down")],  # losing key staff
    "7": [("vacancy_rate", "up")],  # no resource for new roles and skills
    "9": [("agency_share_of_paybill", "up")],  # cost reductions not delivered
    "10": [("sickness_absence_rate", "up")],  # change is hard on staff
}

#: Breakthrough deliverables (seed 001) and the catalogue metrics each is meant to move
DELIVERABLES = [
    (
        "Inclusive health and care careers",
        "A work experience platform and a model for intensive school careers support",
        ["joiner_rate", "vacancy_rate"],
    ),
    (
        "Paybill and Agency Management Committee",
        "A business case for an HNY Collaborative Bank",
        ["agency_share_of_paybill", "bank_fte", "agency_spend"],
    ),
    (
        "Leadership, talent and succession",
        "An HNY high potential talent scheme feeding regional director level programme",
        ["stability_index"],
    ),
    (
        "Stay and thrive: retaining our staff",
        "Shared policy on flexible working and a shared system for analysing exit intelligence "
        "data",
        ["turnover_rate", "leaver_rate", "stability_index"],
    ),
    (
        "Health and Wellbeing Committee",
        "A shared system offer for colleague health and wellbeing, spanning EAP, Occupational "
        "Health, psychological support and physical health support",
        ["sickness_absence_rate", "sickness_absence_rate_12m"],
    ),
    (
        "Ethical International Recruitment Committee",
        "102 international colleague arrivals, plus Nov 23 and Jan 24 events",
        ["vacancy_rate", "joiner_rate"],
    ),
    (
        "People Story Committee",
        "A whole system People Story dashboard",
        ["staff_in_post_fte", "vacancy_fte"],
    ),
    ("HNY Inclusion Assembly", "An Assembly-led inclusion action plan", ["wres_bme_share"]),
]

_RAG_CYCLE = ["green", "green", "amber", "green", "amber", "red", "amber", "green"]


def _pick(seed: str, options: list[str]) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return options[digest[0] % len(options)]


def _programme(code: str, **values) -> tuple[models.Programme, bool]:
    found = models.Programme.objects.filter(code=code).first()
    if found:
        return found, False
    return actions.create(_ACTOR[0], models.Programme, code=code, **values), True


_ACTOR = ["demo"]


def _sentences(text: str) -> list[str]:
    import re

    return [t.strip() for t in re.split(r"(?<=[.!?])\s+", text.strip()) if t.strip()]


def _status_history(actor: str, programmes: list[models.Programme], today: dt.date) -> int:
    """Four quarterly status reports per grid programme, ending in the month of ``today``
    (the demo's data period): the latest carries the seed paper's own status text and RAG;
    the earlier ones carry the first sentences of it, as progress written up so far."""
    made = 0
    latest = today.replace(day=1)
    for prog in programmes:
        sentences = _sentences(prog.status_text)
        if not sentences:
            continue
        previous = None
        for i in range(4):
            day = latest - relativedelta(months=3 * (3 - i))
            if models.StatusReport.objects.filter(programme=prog, report_date=day).exists():
                previous = None
                continue
            shown = max(1, round(len(sentences) * (i + 1) / 4))
            overall = prog.rag or ""
            reason = ""
            if previous is not None and previous != overall:
                reason = f"Moved from {previous} to {overall}."
            report = actions.create(
                actor,
                models.StatusReport,
                programme=prog,
                report_date=day,
                rag_overall=overall,
                narrative=" ".join(sentences[:shown]),
                change_reason=reason,
                import_key=f"demo|{prog.code}|{day}",
            )
            actions.submit_report(actor, report, report.version)
            previous = overall
            made += 1
    return made


def _benefits(actor: str, today: dt.date) -> int:
    made = 0
    for prog in models.Programme.objects.filter(kind="portfolio", savings_amount__isnull=False):
        key = f"demo|benefit|{prog.code}"
        if models.Benefit.objects.filter(import_key=key).exists():
            continue
        total = prog.savings_amount
        benefit = actions.create(
            actor,
            models.Benefit,
            programme=prog,
            name=f"Savings: {prog.name}",
            kind="recurrent",
            unit="£",
            owner=prog.sro,
            rag=_pick(prog.code, _RAG_CYCLE),
            planned_total=total,
            import_key=key,
        )
        # the financial year of the demo's data period, planned as an even trajectory
        start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        monthly = (total / 12).quantize(Decimal("0.01"))
        for i in range(12):
            month = start + relativedelta(months=i)
            factor = Decimal(60 + hashlib.sha256(f"{key}{i}".encode()).digest()[0] % 50) / 100
            actual = (monthly * factor).quantize(Decimal("0.01")) if month <= today else None
            _benefit_month(actor, benefit, month, monthly, actual)
        made += 1
    return made


def _benefit_month(actor: str, benefit, month: dt.date, planned, actual) -> None:
    actions.create(
        actor, models.BenefitMonth, benefit=benefit, month=month, planned=planned, actual=actual
    )


#: organisations the seed 002 papers name, with the abbreviations they use for them
ORGANISATIONS = [
    ("Midlands Partnership NHS Foundation Trust", ["MPFT"], "nhs_trust"),
    ("University Hospitals of North Midlands NHS Trust", ["UHNM"], "nhs_trust"),
    (
        "North Staffordshire Combined Healthcare NHS Trust",
        ["North Staffs Combined Health Care NHS Trust", "NSCHT"],
        "nhs_trust",
    ),
    ("West Midlands Ambulance Service", ["WMAS"], "nhs_trust"),
    ("Staffordshire County Council", ["SCC"], "local_authority"),
    ("Stoke-on-Trent City Council", [], "local_authority"),
]


def _organisations(actor: str) -> None:
    for name, aliases, kind in ORGANISATIONS:
        if not models.Organisation.objects.filter(name=name).exists():
            actions.create(actor, models.Organisation, name=name, aliases=aliases, kind=kind)


#: benefits that move the plan: (programme, benefit, lever, staff group, FTE a month, first
#: month offset from this month, months, share delivered so far)
FTE_BENEFITS = [
    (
        "Ethical International Recruitment Committee",
        "International nurses recruited (40 a year)",
        "international_recruitment",
        "nursing_midwifery",
        Decimal("3.33"),
        -6,
        30,
        Decimal("0.75"),
    ),
    (
        "Education and Training Committee",
        "Newly qualified nurses from extra training places",
        "training_pipeline",
        "nursing_midwifery",
        Decimal("2"),
        6,
        24,
        None,
    ),
    (
        "Stay and thrive: retaining our staff",
        "Nurses kept who would have left (2 a month)",
        "leaver_rate",
        "nursing_midwifery",
        Decimal("2"),
        1,
        36,
        None,
    ),
    (
        "Education and Training Committee",
        "Nursing associates taking on nursing work",
        "new_roles",
        "nursing_midwifery",
        Decimal("1.5"),
        3,
        24,
        None,
    ),
    (
        "Paybill and Agency Management Committee",
        # seed 000: "current focus on activity to address high medical agency rates"
        "Medical agency shifts filled by the collaborative bank",
        "bank_agency",
        "medical_dental",
        Decimal("2"),
        1,
        48,
        None,
    ),
]


def _fte_benefits(actor: str, today: dt.date) -> int:
    """FTE benefits that name the planning lever they deliver (plan run --from-registers);
    the recruitment one is delivering three quarters of its plan so far."""
    made = 0
    this_month = today.replace(day=1)
    for prog_name, name, lever, group, monthly, offset, months, delivered in FTE_BENEFITS:
        prog = models.Programme.objects.filter(name=prog_name).first()
        key = f"demo|fte-benefit|{lever}"
        if prog is None or models.Benefit.objects.filter(import_key=key).exists():
            continue
        benefit = actions.create(
            actor,
            models.Benefit,
            programme=prog,
            name=name,
            kind="non_financial",
            unit="FTE",
            owner=prog.sro or prog.chair,
            lever=lever,
            staff_group=group,
            planned_total=monthly * months,
            import_key=key,
        )
        for i in range(months):
            month = this_month + relativedelta(months=offset + i)
            actual = None
            if delivered is not None and month < this_month:
                actual = (monthly * delivered).quantize(Decimal("0.01"))
            _benefit_month(actor, benefit, month, monthly, actual)
        made += 1
    return made


#: the day the Integrated Care Board was established (seed 002: "the ICB would be legally
#: established on 1 July")
ICB_ESTABLISHED = dt.date(2022, 7, 1)


def _board_committee(actor: str) -> models.Programme:
    """The Integrated Care Board as a committee whose members are the people of its register
    of interests (seed 002), members from the day it was established."""
    board, _ = _programme(
        "ICB-BOARD", name="Integrated Care Board", kind="committee", chair="Prem Singh"
    )
    for declaration in models.Declaration.objects.filter(
        archived=False, person__isnull=False
    ).order_by("id"):
        person = declaration.person
        if not models.Membership.objects.filter(committee=board, person=person).exists():
            actions.create(
                actor,
                models.Membership,
                committee=board,
                person=person,
                role=declaration.role,
                since=ICB_ESTABLISHED,
            )
    return board


def _meeting(actor: str) -> int:
    key = "demo|meeting|icb-2022-07-01"
    if models.Meeting.objects.filter(import_key=key).exists():
        return 0
    agenda = [
        {"number": "1", "title": "Welcome and Apologies", "lead": "Prem Singh", "handling": ""},
        {
            "number": "2",
            "title": "Minutes of the Meeting held on 21 April 2022",
            "lead": "Prem Singh",
            "handling": "",
        },
        {
            "number": "5",
            "title": "ICB Chair and Chief Executive Update",
            "lead": "Prem Singh/ Peter Axon",
            "handling": "",
        },
        {
            "number": "6",
            "title": "Delegation of Services from NHS England to ICB Boards",
            "lead": "Peter Axon",
            "handling": "",
        },
        {
            "number": "8",
            "title": "ICS People Plan and Annual Report",
            "lead": "Alex Brett",
            "handling": "Interests noted; no member excluded from the discussion.",
            # the People Plan's workforce includes MPFT's, where members work or have family
            "concerns": ["Midlands Partnership NHS Foundation Trust"],
        },
    ]
    names = [
        "Prem Singh",
        "Peter Axon",
        "Paul Brown",
        "Heather Johnstone",
        "Alexandra Brett",
        "Julie Houlder",
        "Josephine Spencer",
        "Megan Nurse",
        "Shokat Lal",
        "Sally Young",
    ]
    attendance = [{"name": n, "role": "", "present": True} for n in names]
    meeting = actions.create(
        actor,
        models.Meeting,
        committee=_board_committee(actor),
        title="Integrated Care Board meeting in public",
        date=dt.date(2022, 7, 1),
        agenda=agenda,
        attendance=attendance,
        decisions=[{"item": "8", "decision": "The ICS People Plan was approved."}],
        import_key=key,
    )
    for action in models.Action.objects.filter(meeting__isnull=True):
        actions.update(actor, action, None, {"meeting": meeting})
    return 1


def _first_scorings(actor: str, first_review: dt.datetime) -> None:
    """Each seed risk as first scored: its initial rating (seed 003's "Initial Risk Rating",
    15 to 20 for most) was its current score at the first quarterly review of the demo's
    year, so the register shows the movement to today's rating and the BAF the risks that
    came down from the escalation score."""
    for risk in models.Risk.objects.exclude(initial_likelihood=None):
        if risk.assessments.filter(
            stage="current", assessed_at__lt=first_review + dt.timedelta(days=1)
        ).exists():
            continue  # loaded before: idempotent
        actions.record_past_scoring(
            actor,
            risk,
            "current",
            int(risk.initial_likelihood),
            int(risk.initial_consequence),
            first_review,
        )


def load_demo(actor: str = "demo", today: dt.date | None = None) -> dict[str, int]:
    """Load the seed tables and the demo's history; returns counts of what is there.
    ``today`` is the demo's "now": the last day of its data period (the machine's date
    only when none is given), so every date tells the same story as the figures."""
    today = today or timezone.localdate()
    _ACTOR[0] = actor
    with transaction.atomic():
        portfolio, _ = _programme(
            "BHNY",
            name="Breakthrough HNY",
            kind="portfolio",
            phase="delivery",
            ce_sponsor="Jayne Adamson",
        )
        _programme(
            "NOTTS-WF",
            name="Nottinghamshire workforce workstream",
            kind="workstream",
            ce_sponsor="Lyn Bacon",
            sro="Lyn Bacon",
            programme_director="Jackie Hewlett-Davies & Charlotte Lawson",
            clinical_lead="TBC",
            phase="planning",
        )
        _organisations(actor)
        # the seed register's ratings are those of the latest quarterly review (the first day
        # of the data period's last month, as the status reports); each risk was first scored
        # at its initial rating three quarters before (see _first_scorings)
        latest_review = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time(9)))
        with actions.scored_on(latest_review):
            for kind, name, defaults in SEED_FILES:
                importing.import_file(kind, DEMO / name, actor, defaults=defaults)
        grid = [p for p in models.Programme.objects.filter(name__in=list(SERVES))]
        for prog in grid:
            domains, stages = SERVES[prog.name]
            changes = {"domains": domains, "journey_stages": stages}
            if prog.parent_id is None:
                changes["parent"] = portfolio
            actions.update(actor, prog, None, changes)
        notts = models.Programme.objects.get(code="NOTTS-WF")
        for i, risk in enumerate(models.Risk.objects.order_by("id")):
            # the seed register gives no review dates: the demo reviews them over the coming
            # months, and shows one review a fortnight late so the flag can be seen
            review = (
                today - dt.timedelta(days=14) if i == 0 else today + relativedelta(months=1 + i % 4)
            )
            changes = {} if risk.review_date else {"review_date": review}
            if risk.target_likelihood is None and risk.current_likelihood:
                # the seed register gives no target scores: the demo aims two steps of
                # likelihood lower at the same consequence (a demo assumption, see docs)
                changes["target_likelihood"] = max(1, risk.current_likelihood - 2)
                changes["target_consequence"] = risk.current_consequence
            if risk.owner_person is None and risk.ref in RISK_OWNERS:
                owner = _owner(actor, RISK_OWNERS[risk.ref])
                changes["owner_person"] = owner
                changes["owner"] = owner.name
            with actions.scored_on(latest_review):
                actions.update(
                    actor,
                    risk,
                    None,
                    changes,
                    m2m={"programmes": [notts.code]} if not risk.programmes.exists() else None,
                )
        _first_scorings(actor, latest_review - relativedelta(months=9))
        for ref, watched in INDICATORS.items():
            risk = models.Risk.objects.filter(ref=ref).first()
            if risk is not None and not risk.indicators.exists():
                actions.set_indicators(
                    actor, risk, [{"metric": m, "direction": d} for m, d in watched]
                )
        by_name = {p.name: p for p in grid}
        for i, (prog_name, name, metrics) in enumerate(DELIVERABLES):
            key = f"demo|deliverable|{name[:60]}"
            if (
                prog_name in by_name
                and not models.Milestone.objects.filter(import_key=key).exists()
            ):
                actions.create(
                    actor,
                    models.Milestone,
                    programme=by_name[prog_name],
                    name=name,
                    kind="deliverable",
                    metrics=metrics,
                    status="on_track",
                    # one a month from the next, so the deliverables fall due in turn
                    due_date=today + relativedelta(months=1 + i, day=31),
                    import_key=key,
                )
        for milestone in models.Milestone.objects.filter(
            due_date__lt=today - relativedelta(years=2)
        ).exclude(status="complete"):  # the seed paper's 2016 activities are history
            actions.update(
                actor, milestone, None, {"status": "complete", "completed_on": milestone.due_date}
            )
        _status_history(actor, grid, today)
        _benefits(actor, today)
        _fte_benefits(actor, today)
        _meeting(actor)
    return {
        "programmes": models.Programme.objects.count(),
        "status_reports": models.StatusReport.objects.count(),
        "milestones": models.Milestone.objects.count(),
        "benefits": models.Benefit.objects.count(),
        "risks": models.Risk.objects.count(),
        "actions": models.Action.objects.count(),
        "declarations": models.Declaration.objects.count(),
        "meetings": models.Meeting.objects.count(),
    }
