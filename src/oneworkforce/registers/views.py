"""Register pages: the assurance grid, portfolio overview, risks and heat map, action log,
declarations (full and published), meetings, a benefit's trajectory by month, new records,
edits, import with preview, and exports.

Every write goes through :mod:`oneworkforce.registers.actions`; a stale edit re-shows the
form with the reason (HTTP 409) and keeps what the user typed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from oneworkforce.registers import (
    actions,
    asof,
    exporting,
    forms,
    importing,
    models,
    published,
    scoring,
    snapshot,
    trajectory,
    vocab,
)
from oneworkforce.registers.tabular import REGISTERS, action_rag, milestone_overdue
from oneworkforce.web.access import Permission as P
from oneworkforce.web.decorators import requires


def _save(request, form, obj, saved: str, then: str) -> tuple[HttpResponse | None, int]:
    """Save a versioned edit form through the actions layer: the redirect to ``then`` once
    saved, or no response and the status to show the form again with (400 invalid, 409
    changed by someone else since the page was opened)."""
    if not form.is_valid():
        return None, 400
    try:
        actions.update(_actor(request), obj, form.cleaned_data["version"], form.changes())
    except actions.StaleEdit as exc:
        form.add_error(None, str(exc))
        return None, 409
    messages.info(request, saved)
    return redirect(then), 200


def _actor(request) -> str:
    return request.user.get_username()


def _today() -> dt.date:
    """The date the registers are read as of: the latest data month's board date, never later
    than today (``asof.board_date``), so overdue flags follow the data, not the clock."""
    return asof.board_date()


# --- programmes ---------------------------------------------------------------------------


@requires(P.VIEW_REGISTERS)
def programmes(request):
    """The programme assurance grid in the layout of seed 000's Appendix 1."""
    qs = models.Programme.objects.filter(archived=False).select_related("parent")
    kind = request.GET.get("kind", "")
    phase = request.GET.get("phase", "")
    if kind:
        qs = qs.filter(kind=kind)
    if phase:
        qs = qs.filter(phase=phase)
    snap = {p["code"]: p for p in snapshot.board_snapshot(_today())["programmes"]}
    by_label: dict[str, list[dict]] = {}  # one section per label, in order of first sight
    for prog in qs:
        label = prog.section or prog.get_kind_display()
        by_label.setdefault(label, []).append({"programme": prog, "snap": snap.get(prog.code, {})})
    sections = [{"label": label, "rows": rows} for label, rows in by_label.items()]
    return render(
        request,
        "registers/programmes.html",
        {
            "sections": sections,
            "kinds": vocab.KINDS,
            "phases": vocab.PHASES,
            "kind": kind,
            "phase": phase,
        },
    )


@requires(P.VIEW_REGISTERS)
def programme(request, code):
    prog = get_object_or_404(models.Programme, code=code)
    reports = list(prog.reports.filter(archived=False).order_by("-report_date"))
    history = []
    for i, report in enumerate(reports):
        before = reports[i + 1] if i + 1 < len(reports) else None
        history.append(
            {"report": report, "changed": before is not None and before.rag() != report.rag()}
        )
    milestones = [
        {"m": m, "overdue": milestone_overdue(m, _today())}
        for m in prog.milestones.filter(archived=False)
    ]
    return render(
        request,
        "registers/programme.html",
        {
            "programme": prog,
            "history": history,
            "milestones": milestones,
            "benefits": prog.benefits.filter(archived=False),
            "risks": prog.risks.filter(archived=False),
            "children": prog.children.filter(archived=False),
            "members": _members(prog, _today()),
            "phases": prog.phases.all(),
            "domains": [t for n, t in vocab.DOMAINS if n in (prog.domains or [])],
            "dimensions": vocab.RAG_DIMENSIONS,
            "report_form": forms.StatusReportForm(initial={"report_date": timezone.localdate()}),
        },
    )


@requires(P.EDIT_REGISTERS)
def report_new(request, code):
    prog = get_object_or_404(models.Programme, code=code)
    form = forms.StatusReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if prog.reports.filter(report_date=form.cleaned_data["report_date"]).exists():
            form.add_error("report_date", "There is already a report for this date.")
        else:
            report = actions.create(
                _actor(request), models.StatusReport, programme=prog, **form.cleaned_data
            )
            if request.POST.get("submit"):
                actions.submit_report(_actor(request), report, report.version)
            messages.info(request, "Status report saved.")
            return redirect("registers:programme", code=prog.code)
    return render(
        request,
        "registers/report_form.html",
        {"programme": prog, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _posted_version(request) -> int | None:
    """The record version the form was made from; without it nothing is changed (a change
    must never apply to a version the person did not see)."""
    value = request.POST.get("version", "").strip()
    if value.isdigit():
        return int(value)
    messages.error(
        request,
        "Nothing was changed: the form did not say which version of the "
        "record it was made from. Reload the page and try again.",
    )
    return None


@requires(P.EDIT_REGISTERS)
@require_POST
def report_submit(request, pk):
    report = get_object_or_404(models.StatusReport, pk=pk)
    version = _posted_version(request)
    if version is None:
        return redirect("registers:programme", code=report.programme.code)
    try:
        actions.submit_report(_actor(request), report, version)
        messages.info(request, "Status report submitted; it can no longer be changed.")
    except (actions.StaleEdit, actions.Frozen) as exc:
        messages.error(request, str(exc))
    return redirect("registers:programme", code=report.programme.code)


@requires(P.VIEW_REGISTERS)
def portfolio(request):
    """Phase counts and benefits against plan, by portfolio and for the system."""
    snap = snapshot.board_snapshot(_today())
    counts = {key: 0 for key, _ in vocab.PHASES}
    unset = 0
    for prog in snap["programmes"]:
        if prog["phase"]:
            counts[prog["phase"]] += 1
        else:
            unset += 1
    system = {"planned_to_date": 0.0, "actual_to_date": 0.0, "planned_total": 0.0}
    for row in snap["benefits_by_portfolio"]:
        for k in system:
            system[k] += row[k] or 0.0
    portfolios = models.Programme.objects.filter(kind="portfolio", archived=False)
    return render(
        request,
        "registers/portfolio.html",
        {
            "phase_counts": [
                (label, counts[key], vocab.PHASE_MEANINGS[key]) for key, label in vocab.PHASES
            ],
            "unset": unset,
            "by_portfolio": snap["benefits_by_portfolio"],
            "system": system,
            "portfolios": portfolios,
        },
    )


# --- risks --------------------------------------------------------------------------------


def _score_at(risk: models.Risk, when: dt.datetime) -> int | None:
    found = None
    for a in risk.assessments.all():
        if a.stage == "current" and a.assessed_at <= when:
            found = a.score
    return found


@requires(P.VIEW_REGISTERS)
def baf(request):
    """The Board Assurance Framework: the risks at or above the escalation score, each with
    its scores and movement, controls, assurances, gaps and the open actions that name it."""
    from oneworkforce.registers import indicators

    today = _today()
    threshold = scoring.escalation_score()
    open_actions = list(models.Action.objects.filter(archived=False, status="open"))
    flagged = indicators.flags(_store())
    entries = []
    risks = list(
        models.Risk.objects.filter(archived=False).prefetch_related("programmes", "assessments")
    )
    pks = {risk.ref: risk.pk for risk in risks}
    came_off = [
        {**row, "pk": pks[row["ref"]]} for row in snapshot.brought_below(risks, today, threshold)
    ]
    for risk in risks:
        row = snapshot.risk_row(risk, today, threshold)
        if not row["escalated_to_baf"]:
            continue
        row.update(
            pk=risk.pk,
            initial_band=scoring.band(row["initial_score"]),
            controls=risk.mitigations,
            assurances=risk.assurances,
            gaps_in_control=risk.gaps_in_control,
            gaps_in_assurance=risk.gaps_in_assurance,
            objectives=risk.strategic_objectives,
            actions=[a for a in open_actions if _names(a, risk.ref)],
            indicator_flag=flagged.get(risk.ref, {}).get("flag", ""),
            indicator_reasons=flagged.get(risk.ref, {}).get("reasons", []),
            indicator_charts=[
                _chart(
                    c["metric"],
                    f"{c['title']} ({c['where']})",
                    c["unit"],
                    c["points"],
                    f"baf-kri-{risk.pk}-{c['metric']}",
                )
                for c in flagged.get(risk.ref, {}).get("series", [])
            ],
        )
        entries.append(row)
    entries.sort(key=lambda r: (-(r["current_score"] or 0), r["ref"]))
    return render(
        request,
        "registers/baf.html",
        {"entries": entries, "came_off": came_off, "threshold": threshold, "today": today},
    )


def _names(action: models.Action, ref: str) -> bool:
    """Whether an action's text or agenda item names a risk reference (as a whole word)."""
    import re

    pattern = re.compile(rf"(?<![\w-]){re.escape(ref)}(?![\w-])", re.IGNORECASE)
    return any(pattern.search(t or "") for t in (action.action, action.agenda_item, action.update))


@requires(P.VIEW_REGISTERS)
def risks(request):
    today = _today()
    qs = models.Risk.objects.filter(archived=False).prefetch_related("programmes", "assessments")
    band = request.GET.get("band", "")
    since_text = request.GET.get("since", "")
    try:
        since = dt.date.fromisoformat(since_text) if since_text else today - relativedelta(months=3)
    except ValueError:
        since = today - relativedelta(months=3)
    threshold = scoring.escalation_score()
    from oneworkforce.registers import indicators

    flagged = indicators.flags(_store())
    rows = []
    for risk in qs:
        row = snapshot.risk_row(risk, today, threshold)
        row["indicator_flag"] = flagged.get(risk.ref, {}).get("flag", "")
        if band and row["current_band"] != band:
            continue
        since_dt = timezone.make_aware(dt.datetime.combine(since, dt.time.max))
        before = _score_at(risk, since_dt)
        row["pk"] = risk.pk
        row["initial_band"] = scoring.band(row["initial_score"])
        row["since_score"] = before
        now = row["current_score"]
        row["movement"] = (
            "new since then"
            if before is None
            else "no change"
            if before == now
            else "down"
            if now is not None and now < before
            else "up"
        )
        rows.append(row)
    heat = snapshot.heatmap([r for r in qs if not band or scoring.band(r.score("current")) == band])
    grid = []
    for i, counts in enumerate(heat["counts"]):
        lik = 5 - i
        cells = []
        for j, n in enumerate(counts):
            con = j + 1
            refs = [
                r["ref"]
                for r in rows
                if r["current_likelihood"] == lik and r["current_consequence"] == con
            ]
            cells.append(
                {"n": n, "score": lik * con, "band": scoring.band(lik * con), "refs": refs}
            )
        grid.append({"likelihood": lik, "label": scoring.LIKELIHOOD[lik][0], "cells": cells})
    return render(
        request,
        "registers/risks.html",
        {
            "rows": rows,
            "grid": grid,
            "since": since,
            "band": band,
            "consequences": [(n, scoring.CONSEQUENCE[n][0]) for n in range(1, 6)],
            "threshold": threshold,
            "bands": scoring.BANDS,
        },
    )


@requires(P.VIEW_REGISTERS)
def risk(request, pk):
    from oneworkforce.registers import indicators

    obj = get_object_or_404(models.Risk, pk=pk)
    row = snapshot.risk_row(obj, _today(), scoring.escalation_score())
    watch = indicators.status(obj, _store())
    charts = [
        {
            **_chart(i["metric"], i["title"], i["unit"], i["points"], f"kri-{i['id']}"),
            "where": i["where"],
            "direction": i["direction"],
            "signal": i["signal"],
            "problem": i["problem"],
        }
        for i in watch["indicators"]
    ]
    return render(
        request,
        "registers/risk.html",
        {
            "risk": obj,
            "row": row,
            "watch": watch,
            "charts": charts,
            "assessments": obj.assessments.all(),
            "may_review": may_review(request, obj),
            "descriptors": {
                stage: (
                    scoring.descriptor("likelihood", getattr(obj, f"{stage}_likelihood")),
                    scoring.descriptor("consequence", getattr(obj, f"{stage}_consequence")),
                )
                for stage in ("initial", "current", "target")
            },
            "history": _audit(obj),
        },
    )


def may_review(request, risk: models.Risk) -> bool:
    """Who may record an indicator review: an editor of the registers, or the risk's owner
    (identified in the people register, signed in with the owner's email)."""
    from oneworkforce.registers.people import is_person

    return request.scope.can(P.EDIT_REGISTERS) or is_person(request.user, risk.owner_person)


@requires(P.VIEW_REGISTERS)
def risk_review(request, pk):
    """Record a review of a risk flagged by its key risk indicators (clears the flag): an
    editor of the registers, or the risk's owner without edit permission. Who may is
    decided before the method, so anyone else is refused (403) whatever they send."""
    from oneworkforce.registers import indicators

    obj = get_object_or_404(models.Risk, pk=pk)
    if not may_review(request, obj):
        raise PermissionDenied("edit_registers, or the risk's owner")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    watch = indicators.status(obj, _store())
    as_owner = not request.scope.can(P.EDIT_REGISTERS)
    try:
        actions.record_review(
            _actor(request),
            obj,
            request.POST.get("note", ""),
            watch["latest_period"],
            as_owner=as_owner,
        )
        messages.info(
            request,
            "Review recorded: the indicator flag is cleared until a later month signals again.",
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("registers:risk", args=[obj.pk]))


def _audit(obj) -> list:
    from oneworkforce.audit import trail

    return list(trail.history(actions.object_type(obj), obj.pk)[:50])


# --- actions ------------------------------------------------------------------------------


@requires(P.VIEW_REGISTERS)
def action_log(request):
    status = request.GET.get("status", "")
    qs = models.Action.objects.filter(archived=False).select_related("meeting")
    if status in {"open", "closed"}:
        qs = qs.filter(status=status)
    today = _today()
    rows = [{"a": a, "rag": action_rag(a, today)} for a in qs]
    return render(request, "registers/actions.html", {"rows": rows, "status": status})


@requires(P.VIEW_REGISTERS)
def action(request, pk):
    obj = get_object_or_404(models.Action, pk=pk)
    form = forms.ActionUpdateForm(initial={"version": obj.version})
    status = 200
    if request.method == "POST":
        request.scope.require(P.EDIT_REGISTERS)
        form = forms.ActionUpdateForm(request.POST)
        if form.is_valid():
            try:
                actions.add_action_update(
                    _actor(request),
                    obj,
                    form.cleaned_data["version"],
                    form.cleaned_data["text"],
                    close=form.cleaned_data["close"],
                )
                return redirect("registers:action", pk=obj.pk)
            except actions.StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
        else:
            status = 400
    return render(
        request,
        "registers/action.html",
        {
            "action": obj,
            "rag": action_rag(obj, _today()),
            "updates": obj.updates.all(),
            "form": form,
            "history": _audit(obj),
        },
        status=status,
    )


# --- milestones and benefits -------------------------------------------------------------


def _spc(metric_code: str) -> dict:
    from oneworkforce.metrics import CATALOGUE

    title = metric_code
    unit = ""
    for metric in CATALOGUE:
        if metric.code == metric_code:
            title, unit = metric.title, metric.unit
    # no results computed yet: no points, and the page says so
    points = _store().series(metric_code, "system")
    return _chart(metric_code, title, unit, points, f"spc-{metric_code}")


def _store():
    """The results store the pages read stored series from."""
    from oneworkforce.data.lake import Lake
    from oneworkforce.metrics.results_reader import ResultsReader
    from oneworkforce.web.viewer import viewer

    return ResultsReader(Lake(settings.HOME).root, viewer=viewer())


def _chart(code: str, title: str, unit: str, points: list, chart_id: str) -> dict:
    if not points:
        return {"code": code, "title": title, "spec": None}
    from oneworkforce.metrics.charts import format_value, spc_chart, spc_description

    return {
        "code": code,
        "title": title,
        "spec": spc_chart(points, title=title, unit=unit),
        "description": spc_description(points, title=title, unit=unit),
        "table": [
            {"period": p.get("period"), "value": format_value(p.get("value"), unit)}
            for p in points[-12:]
        ],
        "chart_id": chart_id,
    }


@requires(P.VIEW_REGISTERS)
def milestone(request, pk):
    obj = get_object_or_404(models.Milestone, pk=pk)
    return render(
        request,
        "registers/milestone.html",
        {
            "milestone": obj,
            "overdue": milestone_overdue(obj, _today()),
            "charts": [_spc(code) for code in obj.metrics or []],
        },
    )


@requires(P.VIEW_REGISTERS)
def milestones(request):
    qs = models.Milestone.objects.filter(archived=False).select_related("programme")
    today = _today()
    rows = [{"m": m, "overdue": milestone_overdue(m, today)} for m in qs]
    if request.GET.get("overdue"):
        rows = [r for r in rows if r["overdue"]]
    return render(request, "registers/milestones.html", {"rows": rows})


def _trajectory_chart(benefit: models.Benefit, lines: list[dict]) -> dict | None:
    """Cumulative planned against cumulative actual (dashes tell the lines apart too)."""
    points = []
    for line in lines:
        month = line["month"].isoformat()
        points.append(
            {
                "month": month,
                "series": "Cumulative planned",
                "value": float(line["cumulative_planned"]),
            }
        )
        if line["cumulative_actual"] is not None:
            points.append(
                {
                    "month": month,
                    "series": "Cumulative actual",
                    "value": float(line["cumulative_actual"]),
                }
            )
    if not points:
        return None
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": f"{benefit.name}: cumulative planned and actual by month",
        "width": "container",
        "data": {"values": points},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "title": "Month", "timeUnit": "yearmonth"},
            "y": {"field": "value", "type": "quantitative", "title": benefit.unit or "Value"},
            "color": {"field": "series", "type": "nominal", "title": None},
            "strokeDash": {"field": "series", "type": "nominal", "title": None},
        },
    }


@requires(P.VIEW_REGISTERS)
def benefit(request, pk):
    """A benefit with its trajectory: each month's plan and actual, running totals, variance."""
    obj = get_object_or_404(models.Benefit.objects.select_related("programme"), pk=pk)
    lines = trajectory.lines(obj.months.all())
    totals = snapshot.benefit_totals(obj, _today())
    last = next((line for line in reversed(lines) if line["cumulative_actual"] is not None), None)
    description = "No months recorded."
    if lines:
        description = (
            f"Planned {lines[0]['month']:%B %Y} to {lines[-1]['month']:%B %Y}: "
            f"{lines[-1]['cumulative_planned']:,.0f} in total."
        )
        if last:
            description += (
                f" By {last['month']:%B %Y} {last['cumulative_actual']:,.0f} delivered against "
                f"{last['cumulative_planned']:,.0f} planned."
            )
    return render(
        request,
        "registers/benefit.html",
        {
            "benefit": obj,
            "lines": lines,
            "totals": totals,
            "spec": _trajectory_chart(obj, lines),
            "description": description,
            "history": _audit(obj),
        },
    )


@requires(P.EDIT_REGISTERS)
def benefit_month(request, pk):
    """Record one month's actual (a stale page is refused, as for any edit)."""
    obj = get_object_or_404(models.BenefitMonth.objects.select_related("benefit"), pk=pk)
    status = 200
    if request.method == "POST":
        form = forms.BenefitMonthForm(request.POST, instance=models.BenefitMonth.objects.get(pk=pk))
        done, status = _save(
            request,
            form,
            obj,
            f"Actual for {obj.month:%B %Y} saved.",
            reverse("registers:benefit", args=[obj.benefit_id]),
        )
        if done is not None:
            return done
    else:
        form = forms.BenefitMonthForm(instance=obj)
    return render(
        request,
        "registers/benefit_month.html",
        {"form": form, "month": obj, "benefit": obj.benefit},
        status=status,
    )


@requires(P.VIEW_REGISTERS)
def benefits(request):
    today = _today()
    rows = []
    for benefit in (
        models.Benefit.objects.filter(archived=False)
        .select_related("programme")
        .prefetch_related("months")
    ):
        rows.append({"b": benefit, **snapshot.benefit_totals(benefit, today)})
    return render(request, "registers/benefits.html", {"rows": rows})


# --- meetings and declarations ------------------------------------------------------------


@requires(P.VIEW_REGISTERS)
def meetings(request):
    return render(
        request,
        "registers/meetings.html",
        {"meetings": models.Meeting.objects.filter(archived=False)},
    )


@requires(P.VIEW_REGISTERS)
def meeting(request, pk):
    obj = get_object_or_404(models.Meeting, pk=pk)
    conflicts = None
    if request.scope.can(P.VIEW_DECLARATIONS):
        from oneworkforce.registers import conflicts as check

        conflicts = check.check(obj, obj.date or timezone.localdate())
    return render(
        request,
        "registers/meeting.html",
        {
            "meeting": obj,
            "conflicts": conflicts,
            "members": _members(obj.committee, obj.date or _today()),
            "actions": obj.actions.filter(archived=False),
        },
    )


def _members(committee, on: dt.date) -> list:
    from oneworkforce.registers.conflicts import members_on

    return members_on(committee, on)


@requires(P.EDIT_REGISTERS)
def members(request, code):
    """A committee's members, past and present, and a form to add one (audited, through
    the actions layer). A member who leaves is given an end date, never removed."""
    committee = get_object_or_404(models.Programme, code=code, archived=False)
    form = forms.NewMembershipForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = actions.add_member(
            _actor(request),
            committee,
            data["member"] or {"name": data["new_name"], "organisation": data["new_organisation"]},
            role=data["role"],
            since=data["since"],
            until=data["until"],
        )
        messages.info(request, f"{made.person.name} is a member of {committee.name}.")
        return redirect("registers:members", code=committee.code)
    today = _today()
    current = {m.pk for m in _members(committee, today)}
    rows = [
        {"m": m, "current": m.pk in current}
        for m in committee.members.select_related("person").order_by("person__key", "id")
    ]
    return render(
        request,
        "registers/members.html",
        {"committee": committee, "rows": rows, "form": form, "today": today},
        status=400 if form.errors else 200,
    )


@requires(P.EDIT_REGISTERS)
def membership(request, pk):
    """Change one member's role or the days of their membership (a stale page is refused)."""
    obj = get_object_or_404(models.Membership.objects.select_related("committee", "person"), pk=pk)
    status = 200
    form = forms.MembershipForm(request.POST or None, instance=models.Membership.objects.get(pk=pk))
    if request.method == "POST":
        done, status = _save(
            request,
            form,
            obj,
            f"{obj.person.name}'s membership saved.",
            reverse("registers:members", args=[obj.committee.code]),
        )
        if done is not None:
            return done
    return render(
        request, "registers/membership.html", {"form": form, "membership": obj}, status=status
    )


@requires(P.VIEW_DECLARATIONS)
def declarations(request):
    qs = models.Declaration.objects.filter(archived=False).prefetch_related("interests")
    return render(request, "registers/declarations.html", {"declarations": qs})


@requires(P.EDIT_DECLARATIONS)
@require_POST
def interest_organisations(request, pk):
    """A person confirms or corrects the organisations an interest concerns."""
    interest = get_object_or_404(models.Interest, pk=pk)
    names = [n for n in request.POST.get("organisations", "").replace("\n", ";").split(";")]
    actions.confirm_organisations(_actor(request), interest, names)
    messages.info(request, "The organisations this interest concerns were confirmed.")
    return redirect(reverse("registers:declarations") + f"#interest-{interest.pk}")


@requires(P.EDIT_REGISTERS)
def people_unresolved(request):
    """Names written in the registers that identify nobody, or more than one person: an
    analyst picks the person each means, or creates them."""
    from oneworkforce.registers import people

    errors: list[str] = []
    if request.method == "POST":
        written = request.POST.get("written", "").strip()
        choice = request.POST.get("person", "")
        try:
            if choice == "new":
                name = request.POST.get("name", "").strip() or written
                actions.identify_person(
                    _actor(request),
                    written,
                    create={
                        "name": name,
                        "role": request.POST.get("role", "").strip(),
                        "organisation": request.POST.get("organisation", "").strip(),
                        "email": request.POST.get("email", "").strip(),
                    },
                )
            elif choice.isdigit():
                person = get_object_or_404(models.Person, pk=int(choice), archived=False)
                actions.identify_person(_actor(request), written, person)
            else:
                raise ValueError(f"choose who '{written}' is, or create a new person")
            messages.info(request, f"'{written}' is identified.")
            return redirect(reverse("registers:people_unresolved"))
        except ValueError as exc:
            errors.append(str(exc))
    return render(
        request,
        "registers/people_unresolved.html",
        {
            "names": people.unresolved(),
            "people": models.Person.objects.filter(archived=False),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@requires(P.VIEW_PUBLISHED)
def published_declarations(request):
    as_of = timezone.localdate()  # a declaration's publication follows the calendar
    return render(
        request,
        "registers/published_declarations.html",
        {"entries": published.published_register(as_of), "as_of": as_of},
    )


# --- edits and archive --------------------------------------------------------------------


def _edit(request, key, pk):
    model, form_class = forms.FORMS[key]
    obj = get_object_or_404(model, pk=pk)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=model.objects.get(pk=pk))
        if form.is_valid():
            m2m = None
            if key == "risk":
                m2m = {"programmes": [p.code for p in form.cleaned_data["programmes"]]}
            try:
                actions.update(
                    _actor(request), obj, form.cleaned_data["version"], form.changes(), m2m=m2m
                )
                messages.info(request, "Saved.")
                return redirect(_detail_url(key, obj))
            except actions.StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            except (actions.Frozen, scoring.ScoreError) as exc:
                form.add_error(None, str(exc))
                status = 400
        else:
            status = 400
    else:
        initial = {}
        if key == "risk":
            initial["programmes"] = list(obj.programmes.all())
        form = form_class(instance=obj, initial=initial)
    return render(
        request,
        "registers/edit.html",
        {
            "form": form,
            "object": obj,
            "key": key,
            "back": _detail_url(key, obj),
            "title": f"Edit {model._meta.verbose_name}",
        },
        status=status,
    )


def _detail_url(key: str, obj) -> str:
    if key == "programme":
        return reverse("registers:programme", kwargs={"code": obj.code})
    if key == "declaration":
        return reverse("registers:declarations")
    return reverse(f"registers:{key}", kwargs={"pk": obj.pk})


#: the list page each new record is added from
_LISTS = {
    "risk": "registers:risks",
    "action": "registers:actions",
    "milestone": "registers:milestones",
    "benefit": "registers:benefits",
    "meeting": "registers:meetings",
}


@requires(P.EDIT_REGISTERS)
def new(request, key):
    """Add a risk, action, milestone, benefit or meeting, through the actions layer (audited)."""
    if key not in forms.NEW:
        raise Http404("nothing to add here")
    model, form_class, title = forms.NEW[key]
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            values = form.changes()
            m2m = None
            if key == "risk":
                m2m = {"programmes": [p.code for p in form.cleaned_data["programmes"]]}
            if key == "action" and values.get("meeting") and not values.get("meeting_date"):
                values["meeting_date"] = values["meeting"].date
            try:
                obj = actions.create(_actor(request), model, m2m=m2m, **values)
                messages.info(request, f"{model._meta.verbose_name.capitalize()} added.")
                return redirect(_detail_url(key, obj))
            except IntegrityError:  # a reference taken between the check and the save
                form.add_error(None, "That reference was taken a moment ago: choose another.")
            except scoring.ScoreError as exc:
                form.add_error(None, str(exc))
        status = 400
    else:
        initial = {}
        code = request.GET.get("programme", "")
        prog = models.Programme.objects.filter(code=code, archived=False).first() if code else None
        if prog is not None:
            initial["committee" if key == "meeting" else "programme"] = prog
        if key == "risk":
            initial["programmes"] = [prog] if prog else []
        form = form_class(initial=initial)
    return render(
        request,
        "registers/new.html",
        {"form": form, "title": title, "back": reverse(_LISTS[key]), "key": key},
        status=status,
    )


@requires(P.EDIT_REGISTERS)
def edit(request, key, pk):
    if key not in forms.FORMS or key == "declaration":
        raise Http404("nothing to edit here")
    return _edit(request, key, pk)


@requires(P.EDIT_DECLARATIONS)
def declaration_edit(request, pk):
    return _edit(request, "declaration", pk)


@requires(P.EDIT_REGISTERS)
@require_POST
def archive(request, key, pk):
    if key not in forms.FORMS:
        raise Http404("nothing to archive here")
    if key == "declaration":
        request.scope.require(P.EDIT_DECLARATIONS)
    model, _ = forms.FORMS[key]
    obj = get_object_or_404(model, pk=pk)
    version = _posted_version(request)
    if version is None:
        return redirect(reverse("registers:programmes"))
    try:
        actions.archive(_actor(request), obj, version)
        messages.info(request, "Archived: it stays in the history and no longer shows in lists.")
    except actions.StaleEdit as exc:
        messages.error(request, str(exc))
    return redirect(reverse("registers:programmes"))


# --- import and export --------------------------------------------------------------------


#: how long an import preview can be confirmed; older uploads are deleted
PREVIEW_LIFETIME = dt.timedelta(minutes=30)


def _upload_dir() -> Path:
    """Where previewed uploads wait for confirmation; expired ones are removed on each visit."""
    folder = settings.HOME.tmp / "register-imports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = timezone.now().timestamp() - PREVIEW_LIFETIME.total_seconds()
    for waiting in folder.iterdir():
        if waiting.stat().st_mtime < cutoff:
            waiting.unlink(missing_ok=True)
    return folder


@requires(P.EDIT_REGISTERS)
def import_view(request):
    """Upload, preview the mapping and outcome of every row, then confirm."""
    context: dict = {"form": forms.ImportForm()}
    status = 200
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        kind = request.POST.get("kind", "")
        if kind == "declarations":
            request.scope.require(P.EDIT_DECLARATIONS)
        stored = next(iter(_upload_dir().glob(f"{token}--*")), None)
        if kind not in REGISTERS or stored is None or not token.isalnum():
            raise Http404("that upload has expired; upload the file again")
        try:
            headings, table = importing.read_table(stored)
            plan = importing.plan(kind, headings, table, file_name=stored.name.split("--", 1)[1])
            counts = importing.apply(plan, _actor(request))
            messages.info(
                request,
                f"Imported: {counts['create']} created, {counts['update']} "
                f"updated, {counts['unchanged']} unchanged.",
            )
            if kind in {"meetings", "declarations"}:
                from oneworkforce.registers import people

                names = [u["name"] for u in people.unresolved()]
                if names:
                    messages.warning(
                        request,
                        f"{len(names)} name(s) identify nobody or more than one person: "
                        f"{', '.join(names)}. Identify them on 'Names to identify'.",
                    )
        except importing.ImportRefused as exc:
            messages.error(request, f"{exc}. " + "; ".join(exc.problems[:5]))
        finally:
            stored.unlink(missing_ok=True)
        return redirect("registers:import")
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            if kind == "declarations":
                request.scope.require(P.EDIT_DECLARATIONS)
            upload = form.cleaned_data["file"]
            name = Path(upload.name).name.replace("/", "_")
            data = upload.read()
            try:
                headings, table = importing.read_table(name, data)
                plan = importing.plan(kind, headings, table, file_name=name)
                token = secrets.token_hex(16)
                (_upload_dir() / f"{token}--{name}").write_bytes(data)
                context |= {"plan": plan, "token": token, "kind": kind, "counts": plan.counts()}
            except importing.ImportRefused as exc:
                form.add_error("file", str(exc))
                status = 400
        else:
            status = 400
    return render(request, "registers/import.html", context, status=status)


@requires(P.VIEW_REGISTERS)
def export(request, kind, fmt):
    if kind not in REGISTERS:
        raise Http404("no such register")
    if kind == "declarations":
        request.scope.require(P.VIEW_DECLARATIONS)
    headings = request.GET.get("headings", "original")
    if fmt == "json":
        return JsonResponse(exporting.as_json(kind), safe=False)
    if fmt == "csv":
        response = HttpResponse(exporting.to_csv(kind, headings), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            exporting.to_xlsx(kind, headings),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("csv, xlsx or json")
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


@requires(P.VIEW_REGISTERS)
def index(request):
    return redirect("registers:programmes")
