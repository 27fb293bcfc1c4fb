"""The registers' state for a board pack (the contract in helpers/CONTRACTS.md).

A pure read: it writes nothing. Status reports and benefit months count up to ``as_of``;
"overdue" is judged against ``as_of``. ``version`` fingerprints the registers' state (the
last audit event that touched them and the row counts), so a pack can say which state it
was built from and notice when it has moved on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from oneworkforce.registers import models, scoring, vocab

_RAG_KEYS = [d for d, _ in vocab.RAG_DIMENSIONS]


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def fingerprint() -> str:
    from oneworkforce.audit.models import AuditEvent

    last = (
        AuditEvent.objects.filter(object_type__startswith="registers.")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    counts = {
        m.__name__: m.objects.count()
        for m in (
            models.Programme,
            models.StatusReport,
            models.Milestone,
            models.Benefit,
            models.BenefitMonth,
            models.Risk,
            models.Action,
            models.Declaration,
            models.Meeting,
        )
    }
    blob = json.dumps({"last_event": last, "counts": counts}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _rag(report: models.StatusReport | None) -> dict[str, str | None] | None:
    if report is None:
        return None
    return {k: getattr(report, f"rag_{k}") or None for k in _RAG_KEYS}


def _programmes(as_of: dt.date) -> list[dict[str, Any]]:
    reports: dict[int, list[models.StatusReport]] = defaultdict(list)
    for report in models.StatusReport.objects.filter(
        archived=False, submitted_at__isnull=False, report_date__lte=as_of
    ).order_by("programme_id", "-report_date"):
        reports[report.programme_id].append(report)
    out = []
    for prog in models.Programme.objects.filter(archived=False).select_related("parent"):
        history = reports.get(prog.pk, [])
        latest = history[0] if history else None
        previous = history[1] if len(history) > 1 else None
        rag = _rag(latest) or {k: None for k in _RAG_KEYS}
        if rag["overall"] is None and prog.rag:
            rag["overall"] = prog.rag
        previous_rag = _rag(previous)
        out.append(
            {
                "code": prog.code,
                "name": prog.name,
                "kind": prog.kind,
                "parent_code": prog.parent.code if prog.parent_id else None,
                "sro": prog.sro,
                "chair": prog.chair,
                "objective": prog.objective,
                "phase": prog.phase or None,
                "rag": rag,
                "previous_rag": previous_rag,
                "rag_changed": previous_rag is not None and previous_rag != _rag(latest),
                "last_report_date": _iso(latest.report_date) if latest else None,
                "narrative": latest.narrative if latest else prog.status_text,
                "domains": list(prog.domains or []),
                "journey_stages": list(prog.journey_stages or []),
            }
        )
    return out


def _root_portfolio(prog: models.Programme | None, by_id: dict[int, models.Programme]):
    seen = set()
    node = prog
    found = None
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        if node.kind == "portfolio":
            found = node
        node = by_id.get(node.parent_id) if node.parent_id else None
    return found


def benefit_totals(benefit: models.Benefit, as_of: dt.date) -> dict[str, float | None]:
    planned = actual = Decimal(0)
    planned_all = Decimal(0)
    any_month = False
    for month in benefit.months.all():
        any_month = True
        planned_all += month.planned or 0
        if month.month <= as_of:
            planned += month.planned or 0
            actual += month.actual or 0
    total = (
        benefit.planned_total
        if benefit.planned_total is not None
        else (planned_all if any_month else None)
    )
    return {
        "planned_to_date": float(planned) if any_month else None,
        "actual_to_date": float(actual) if any_month else None,
        "planned_total": _num(total),
    }


def _benefits(as_of: dt.date) -> tuple[list[dict], list[dict]]:
    by_id = {p.pk: p for p in models.Programme.objects.all()}
    rows, grouped = (
        [],
        defaultdict(lambda: {"planned_to_date": 0.0, "actual_to_date": 0.0, "planned_total": 0.0}),
    )
    for benefit in models.Benefit.objects.filter(archived=False).prefetch_related("months"):
        prog = by_id.get(benefit.programme_id)
        totals = benefit_totals(benefit, as_of)
        rows.append(
            {
                "programme_code": prog.code if prog else None,
                "name": benefit.name,
                "kind": benefit.kind,
                "unit": benefit.unit,
                "owner": benefit.owner,
                "rag": benefit.rag or None,
                **totals,
            }
        )
        root = _root_portfolio(prog, by_id)
        key = (root.code if root else None, root.name if root else "System", benefit.kind)
        for k in ("planned_to_date", "actual_to_date", "planned_total"):
            grouped[key][k] += totals[k] or 0.0
    portfolio = [
        {"portfolio_code": code, "portfolio_name": name, "kind": kind, **sums}
        for (code, name, kind), sums in sorted(
            grouped.items(), key=lambda i: (i[0][0] or "~", i[0][2])
        )
    ]
    return rows, portfolio


def risk_row(risk: models.Risk, as_of: dt.date, threshold: int) -> dict[str, Any]:
    current = risk.score("current")
    target = risk.score("target")
    return {
        "ref": risk.ref,
        "description": risk.description,
        "owner": risk.owner,
        "initial_score": risk.score("initial"),
        "current_likelihood": risk.current_likelihood,
        "current_consequence": risk.current_consequence,
        "current_score": current,
        "current_band": scoring.band(current),
        "target_score": target,
        "target_band": scoring.band(target),
        "review_date": _iso(risk.review_date),
        "review_overdue": risk.review_date is None or risk.review_date < as_of,
        "escalated_to_baf": scoring.escalated(current, threshold),
        "programme_codes": sorted(p.code for p in risk.programmes.all()),
        "scored_on": _scored_on(risk),
    }


def _scored_on(risk: models.Risk) -> str | None:
    """The day the risk's current score was last assessed (None before any assessment)."""
    days = [a.assessed_at for a in risk.assessments.all() if a.stage == "current"]
    return max(days).date().isoformat() if days else None


def came_down(risk: models.Risk, as_of: dt.date, threshold: int) -> dict[str, Any] | None:
    """A risk below the escalation score on ``as_of`` whose current score reached it in the
    year to ``as_of``: its highest score then and the day it was scored (None otherwise)."""
    if scoring.escalated(risk.score("current"), threshold):
        return None
    start = as_of - relativedelta(years=1)
    scored = [
        a
        for a in risk.assessments.all()
        if a.stage == "current" and start < timezone.localtime(a.assessed_at).date() <= as_of
    ]
    peak = max(scored, key=lambda a: (a.score, a.assessed_at), default=None)
    if peak is None or not scoring.escalated(peak.score, threshold):
        return None
    return {"peak_score": peak.score, "peak_on": _iso(timezone.localtime(peak.assessed_at).date())}


def brought_below(risks: list[models.Risk], as_of: dt.date, threshold: int) -> list[dict[str, Any]]:
    """The risks brought below the escalation score in the year to ``as_of``, highest score
    in the year first: each risk's row (:func:`risk_row`) with ``peak_score`` and ``peak_on``.
    The Board Assurance Framework page and the board pack both list these."""
    rows = []
    for risk in risks:
        peak = came_down(risk, as_of, threshold)
        if peak is not None:
            rows.append({**risk_row(risk, as_of, threshold), **peak})
    return sorted(rows, key=lambda r: (-r["peak_score"], r["ref"]))


def heatmap(risks: list[models.Risk]) -> dict[str, Any]:
    counts = [[0] * 5 for _ in range(5)]
    for risk in risks:
        lik, con = risk.current_likelihood, risk.current_consequence
        if lik and con:
            counts[5 - lik][con - 1] += 1
    return {"likelihood": [1, 2, 3, 4, 5], "consequence": [1, 2, 3, 4, 5], "counts": counts}


def board_snapshot(as_of: dt.date) -> dict[str, Any]:
    threshold = scoring.escalation_score()
    risks = list(
        models.Risk.objects.filter(archived=False).prefetch_related("programmes", "assessments")
    )
    risk_rows = [risk_row(r, as_of, threshold) for r in risks]
    benefits, by_portfolio = _benefits(as_of)
    overdue_actions = []
    for action in models.Action.objects.filter(
        archived=False, status="open", due_date__lt=as_of
    ).select_related("meeting"):
        overdue_actions.append(
            {
                "meeting": action.meeting.title if action.meeting_id else _iso(action.meeting_date),
                "item": action.item,
                "action": action.action,
                "owner": action.owner,
                "due_date": _iso(action.due_date),
                "days_overdue": (as_of - action.due_date).days,
            }
        )
    overdue_milestones = []
    for ms in (
        models.Milestone.objects.filter(archived=False, due_date__lt=as_of)
        .exclude(status="complete")
        .select_related("programme")
    ):
        overdue_milestones.append(
            {
                "programme_code": ms.programme.code if ms.programme_id else None,
                "name": ms.name,
                "due_date": _iso(ms.due_date),
                "status": ms.status,
                "days_overdue": (as_of - ms.due_date).days,
            }
        )
    overdue_reviews = [
        {
            "ref": r.ref,
            "owner": r.owner,
            "review_date": _iso(r.review_date),
            "days_overdue": (as_of - r.review_date).days if r.review_date else None,
        }
        for r in risks
        if r.review_date is None or r.review_date < as_of
    ]
    return {
        "as_of": as_of.isoformat(),
        "version": fingerprint(),
        "escalation_score": threshold,
        "programmes": _programmes(as_of),
        "benefits": benefits,
        "benefits_by_portfolio": by_portfolio,
        "risks": risk_rows,
        "baf": [r for r in risk_rows if r["escalated_to_baf"]],
        "baf_brought_below": brought_below(risks, as_of, threshold),
        "heatmap": heatmap(risks),
        "overdue_actions": overdue_actions,
        "overdue_milestones": overdue_milestones,
        "overdue_reviews": overdue_reviews,
    }
