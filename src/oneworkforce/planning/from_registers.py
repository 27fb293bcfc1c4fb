"""Benefits that move the plan: the "programmes as planned" scenario built from the registers.

A benefit may name the planning lever it delivers (``Benefit.lever``). Its planned trajectory
(FTE by month) becomes that lever's input month by month: the month after the baseline's
last month of data is the scenario's month 1. The scenario's ladder then gives the gap with
and without the programmes and each programme's effect; "as delivered" scales each
benefit's plan still to come by its delivery so far (actuals over plan in the months with an
actual), so a benefit falling behind shows its effect on the gap.

Levers read from benefits, each trajectory an FTE figure a month, on the benefit's staff
group (every staff group when it names none):

* international recruitment and training places: FTE joining that month;
* retention: leavers avoided that month (the leaver rate falls by that many FTE);
* new roles: FTE recruited into the role that month (a staff group is required: the role's
  staff take that group's work one for one, so each adds an FTE of supply to it);
* agency reduction: agency FTE filled by bank staff instead that month (cost, not the gap).

A new roles benefit naming no staff group is listed as not modelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta

from oneworkforce.planning.scenario import Scenario, parse_scenario

MODELLED = (
    "international_recruitment",
    "training_pipeline",
    "leaver_rate",
    "new_roles",
    "bank_agency",
)
NAME = "programmes-as-planned"


@dataclass
class FromRegisters:
    scenario: Scenario
    #: lever name -> the benefit and programme it comes from
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: benefits naming a lever that cannot be modelled from a trajectory
    not_modelled: list[dict[str, Any]] = field(default_factory=list)


def month_of(as_of: dt.date, month: int) -> dt.date:
    """The calendar month (its first day) of scenario month ``month`` (1 = after as_of)."""
    return as_of.replace(day=1) + relativedelta(months=month)


def delivery_ratio(benefit: Any) -> float:
    """Actuals over plan, summed over the months with an actual recorded (1 when none)."""
    rows = [m for m in benefit.months.all() if m.actual is not None and m.planned]
    planned = sum(float(m.planned) for m in rows)
    return sum(float(m.actual) for m in rows) / planned if planned else 1.0


def trajectory(benefit: Any, as_of: dt.date, months: int, delivered: bool = False) -> list[float]:
    """The benefit's planned FTE in each projected month (month 1 follows ``as_of``); as
    delivered, scaled by its delivery so far (:func:`delivery_ratio`)."""
    by_month = {m.month: m for m in benefit.months.all()}
    scale = delivery_ratio(benefit) if delivered else 1.0
    out = []
    for i in range(1, months + 1):
        row = by_month.get(month_of(as_of, i))
        out.append(float(row.planned or 0) * scale if row is not None else 0.0)
    while out and out[-1] == 0:
        out.pop()
    return out


def lever_for(kind: str, name: str, profile: list[float], group: str, years: int) -> dict:
    """The scenario lever of a benefit's lever kind, its trajectory as the lever's profile."""
    lever: dict[str, Any] = {"kind": kind, "name": name, "profile": profile}
    if group:
        lever["staff_groups"] = [group]
    per_year = sum(profile) / years
    if kind == "international_recruitment":
        lever["fte_per_year"] = per_year
    elif kind == "training_pipeline":
        lever["intake_per_year"] = per_year
    elif kind == "new_roles":
        lever.update(fte_per_year=per_year, substitutes=group, ratio=1.0)
    elif kind == "bank_agency":
        lever["kind"] = "agency_reduction"
    return lever


def build(as_of: dt.date, *, years: int = 5, delivered: bool = False) -> FromRegisters:
    """The scenario of the registers' benefits that name a lever, as planned (or as
    delivered: actuals where recorded)."""
    from oneworkforce.registers import models

    months = years * 12
    levers: list[dict[str, Any]] = []
    sources: dict[str, dict[str, Any]] = {}
    not_modelled = []
    benefits = (
        models.Benefit.objects.filter(archived=False)
        .exclude(lever="")
        .select_related("programme")
        .prefetch_related("months")
        .order_by("id")
    )
    for benefit in benefits:
        programme = benefit.programme.name if benefit.programme_id else ""
        if benefit.lever not in MODELLED or (
            benefit.lever == "new_roles" and not benefit.staff_group
        ):
            not_modelled.append(
                {"benefit": benefit.name, "programme": programme, "lever": benefit.lever}
            )
            continue
        profile = trajectory(benefit, as_of, months, delivered)
        if not any(profile):
            continue
        name = f"B{benefit.pk} {benefit.name}"[:60]
        levers.append(lever_for(benefit.lever, name, profile, benefit.staff_group, years))
        sources[name] = {
            "benefit": benefit.name,
            "programme": programme,
            "id": benefit.pk,
            "lever": benefit.lever,
        }
    label = "as delivered" if delivered else "as planned"
    scenario = parse_scenario(
        {
            "name": NAME if not delivered else "programmes-as-delivered",
            "title": f"Programmes {label} (from the registers)",
            "description": "The benefits trajectories of the registers as lever inputs.",
            "horizon": {"years": years},
            "levers": levers,
        },
        "the registers' benefits",
    )
    return FromRegisters(scenario, sources, not_modelled)


def behind() -> list[dict[str, Any]]:
    """The modelled benefits whose actuals so far fall short of their plan."""
    from oneworkforce.registers import models

    out = []
    for benefit in models.Benefit.objects.filter(archived=False, lever__in=MODELLED):
        ratio = delivery_ratio(benefit)
        if ratio < 1:
            out.append({"benefit": benefit.name, "id": benefit.pk, "delivery_ratio": ratio})
    return out


def _system(rows: list[dict], **where: Any) -> dict | None:
    return next(
        (
            r
            for r in rows
            if r["segment"] == "all"
            and r.get("staff_group", "all") == "all"
            and all(r.get(k) == v for k, v in where.items())
        ),
        None,
    )


def run(home: Any, *, runs: int, seed: int, years: int = 5, progress: Any = None) -> dict:
    """Run "programmes as planned" (and "as delivered" when a benefit is behind): the gap
    with and without the programmes in the final year (P50, system), each programme's effect
    and share of the gap closed, and the effect of benefits behind plan."""
    from oneworkforce.planning.baseline import from_store, with_staff_groups
    from oneworkforce.planning.levers import lever_groups
    from oneworkforce.planning.runner import run_scenario

    base = from_store(home)
    planned = build(base.as_of, years=years)
    if not planned.scenario.levers:
        raise ValueError(
            "no benefit in the registers names a planning lever with a trajectory after "
            f"{base.as_of:%B %Y} (the last month of data)"
        )

    def go(built: FromRegisters):
        baseline = with_staff_groups(base, lever_groups(built.scenario))
        return run_scenario(
            home,
            built.scenario,
            runs=runs,
            seed=seed,
            baseline=baseline,
            progress=progress,
            sources=built.sources,
        )

    result = go(planned)
    final = years

    def gap(r: Any, variant: str) -> float:
        row = _system(r.summaries, variant=variant, year=final, measure="gap_fte")
        return float(row["p50"]) if row else 0.0

    do_nothing, with_programmes = gap(result, "do_nothing"), gap(result, "scenario")
    closed_total = do_nothing - with_programmes
    programmes = []
    for lever in planned.scenario.levers:

        def effect(measure: str, name: str = lever.name) -> float:
            row = _system(result.lever_effects, lever=name, year=final, measure=measure)
            return float(row["p50"]) if row else 0.0

        closed = effect("gap_closed_fte")
        programmes.append(
            {
                **planned.sources[lever.name],
                "gap_closed_fte": closed,
                "share_of_gap_closed": closed / closed_total if closed_total else None,
                "cost_change": effect("cost_change"),
            }
        )
    out: dict[str, Any] = {
        "run_id": result.run_id,
        "as_of": base.as_of.isoformat(),
        "year": final,
        "gap_do_nothing_fte": do_nothing,
        "gap_with_programmes_fte": with_programmes,
        "gap_closed_fte": closed_total,
        "programmes": programmes,
        "not_modelled": planned.not_modelled,
        "behind": [],
    }
    late = behind()
    if late:
        delivered = go(build(base.as_of, years=years, delivered=True))
        as_delivered = gap(delivered, "scenario")
        out["as_delivered_run_id"] = delivered.run_id
        out["gap_as_delivered_fte"] = as_delivered
        out["gap_effect_of_shortfall_fte"] = as_delivered - with_programmes
        out["behind"] = late
    return out
