"""Levers, demand and costs, turned into the arrays the model runs on.

Each lever is a named step. A scenario runs as a ladder: the do-nothing case (no levers),
then the first lever, then the first two, and so on; the difference between two rungs is
that lever's effect (FTE of supply added, FTE of gap closed). The ladder is in the order the
scenario lists its levers, so a lever's effect is measured given the ones before it.
"""

from __future__ import annotations

import numpy as np

from oneworkforce.planning.baseline import Baseline
from oneworkforce.planning.model import Inputs
from oneworkforce.planning.montecarlo import Draws
from oneworkforce.planning.scenario import (
    AGE_BANDS,
    AgencyReduction,
    LeaverRate,
    NewRoles,
    Recruitment,
    Scenario,
    TemporaryFill,
    TrainingPipeline,
)

# Approximate annual pay per FTE by Agenda for Change band (2024/25 pay-point midpoints) and,
# for staff groups off Agenda for Change, by staff group. A scenario can replace any of them.
DEFAULT_PAY_BY_BAND = {
    "band_1": 23_600,
    "band_2": 23_600,
    "band_3": 24_900,
    "band_4": 27_800,
    "band_5": 33_200,
    "band_6": 41_100,
    "band_7": 49_500,
    "band_8a": 57_100,
    "band_8b": 67_300,
    "band_8c": 80_000,
    "band_8d": 94_900,
    "band_9": 113_300,
    "medical": 90_000,
    "vsm": 130_000,
    "other": 30_000,
}
DEFAULT_PAY_BY_GROUP = {
    "medical_dental": 90_000,
    "gp": 110_000,
    "gp_nurse": 38_000,
    "direct_patient_care": 30_000,
    "care_worker": 23_500,
    "senior_care_worker": 26_000,
    "registered_manager": 40_000,
    "social_worker": 41_000,
    "pharmacist": 48_000,
    "pharmacy_technician": 30_000,
    "dentist": 80_000,
    "dental_nurse": 25_000,
    "volunteer": 0,
}
FALLBACK_PAY = 32_000


class LeverError(ValueError):
    """A lever that cannot apply to this data (it targets no staff in post)."""


def lever_groups(scenario: Scenario) -> set[str]:
    """Staff groups the levers name, which the baseline must have cells for."""
    found: set[str] = set()
    for lever in scenario.levers:
        found |= set(lever.staff_groups)
        if isinstance(lever, NewRoles):
            found.add(lever.substitutes)
            if lever.develop_from:
                found.add(lever.develop_from)
    return found


def _pay(scenario: Scenario, base: Baseline) -> np.ndarray:
    band_pay = {**DEFAULT_PAY_BY_BAND, **scenario.costs.pay_by_band}
    vector = np.array([band_pay.get(b, FALLBACK_PAY) for b in base.bands], dtype=np.float64)
    by_band = base.band_mix @ vector
    known = base.band_mix.sum(-1) > 0
    group_pay = {**DEFAULT_PAY_BY_GROUP, **scenario.costs.pay_by_staff_group}
    fallback = np.array([group_pay.get(g, FALLBACK_PAY) for g in base.staff_groups])
    pay = np.where(known, by_band, fallback[None, :])
    for g, group in enumerate(base.staff_groups):
        if group in scenario.costs.pay_by_staff_group:
            pay[:, g] = scenario.costs.pay_by_staff_group[group]
    return pay


def _demand(
    scenario: Scenario, base: Baseline, draws: Draws
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    d = scenario.demand
    S, G = base.demand.shape
    M = scenario.months
    demand0 = base.demand.copy() if d.base == "establishment" else base.stock.sum(-1)
    growth = np.zeros((len(draws.runs), S, G))
    for i, line in enumerate(d.growth):
        mask = base.index(line.segments, line.staff_groups)
        growth = np.where(mask, draws.values[f"demand.growth[{i}].annual"][:, None, None], growth)
    index = np.ones((M, S, G))
    growth_from = np.zeros((S, G))
    if d.method == "trajectory":
        paths: dict[tuple, list[tuple[int, float]]] = {}
        for point in d.trajectory:
            paths.setdefault((point.segments, point.staff_groups), []).append(
                (point.month, point.index)
            )
        months = np.arange(1, M + 1)
        for (segments, groups), points in paths.items():
            points = sorted(points)
            xs = [0] + [m for m, _ in points]
            ys = [1.0] + [v for _, v in points]
            mask = base.index(segments, groups)
            index[:, mask] = np.interp(months, xs, ys)[:, None]
            growth_from[mask] = xs[-1]
    return demand0, index, growth, growth_from


def _allocation(base: Baseline, mask: np.ndarray, name: str) -> np.ndarray:
    """Shares (S, G) of a lever's FTE by the targeted cells' staff in post (or demand)."""
    for weights in (base.stock.sum(-1), base.demand):
        w = np.where(mask, weights, 0.0)
        if w.sum() > 0:
            return w / w.sum()
    raise LeverError(f"lever {name!r} targets no staff in post or demand in this data")


def _active(start: int, years: int, months: int) -> np.ndarray:
    t = np.arange(months)
    return ((t >= start - 1) & (t < start - 1 + years * 12)).astype(np.float64)


def _profile(values: tuple[float, ...], start: int, months: int) -> np.ndarray:
    """A month-by-month trajectory placed from ``start`` (month 1 is the first projected)."""
    out = np.zeros(months)
    span = values[: max(months - (start - 1), 0)]
    out[start - 1 : start - 1 + len(span)] = span
    return out


def compile_inputs(
    scenario: Scenario, base: Baseline, draws: Draws, levers: int | None = None
) -> Inputs:
    """The model's inputs for these draws with the first ``levers`` levers pulled."""
    M = scenario.months
    R = len(draws.runs)
    S, G, A = base.stock.shape
    v = draws.values
    demand0, index, growth, growth_from = _demand(scenario, base, draws)
    pay_growth = v["costs.pay_growth"]
    inp = Inputs(
        months=M,
        stock=base.stock,
        leave=base.leave[None] * draws.leave_factor[..., None],
        retire=np.minimum(base.retire[None] * draws.retire_factor[:, None, None, None], 1.0),
        transfer_out=base.transfer_out,
        join=base.join[None] * draws.join_factor,
        transfer_in=base.transfer_in,
        join_mix=base.join_mix,
        demand0=demand0,
        demand_index=index,
        growth=growth,
        growth_from=growth_from,
        pay=_pay(scenario, base),
        pay_index=(1.0 + pay_growth[:, None]) ** (np.arange(M)[None, :] / 12.0),
        on_costs=scenario.costs.on_costs,
        bank_premium=scenario.costs.bank_premium,
        agency_premium=scenario.costs.agency_premium,
        bank_fill=v["bank_fill"],
        agency_fill=v["agency_fill"],
    )
    gi = {g: i for i, g in enumerate(base.staff_groups)}
    t = np.arange(M)
    for lever in scenario.levers[: len(scenario.levers) if levers is None else levers]:
        mask = base.index(lever.segments, lever.staff_groups)
        name = lever.name
        if isinstance(lever, LeaverRate) and lever.profile:
            avoided = np.repeat(_profile(lever.profile, lever.start_month, M)[None, :], R, 0)
            inp.leavers_avoided.append((avoided, mask))
        elif isinstance(lever, LeaverRate):
            s0 = lever.start_month - 1
            ramp = np.where(t >= s0, np.minimum((t - s0 + 1) / lever.phase_in_months, 1.0), 0.0)
            inp.leaver_change.append((v[f"{name}.change"], ramp, mask))
        elif isinstance(lever, Recruitment | TrainingPipeline):
            alloc = np.zeros((S, G, A))
            alloc[..., AGE_BANDS.index(lever.age_band)] = _allocation(base, mask, name)
            if lever.profile:
                fte = np.repeat(_profile(lever.profile, lever.start_month, M)[None, :], R, 0)
            elif isinstance(lever, Recruitment):
                per_month = v[f"{name}.fte_per_year"][:, None] / 12.0
                fte = per_month * _active(lever.start_month, lever.years, M)[None, :]
            else:
                delay = round(lever.years_to_qualify * 12)
                starts = _active(lever.start_month, lever.years, M)
                arrive = np.zeros(M)
                arrive[delay:] = starts[: M - delay] if delay < M else 0.0
                qualified = v[f"{name}.intake_per_year"] * (1.0 - v[f"{name}.attrition"])
                fte = (qualified * lever.fte_per_qualifier / 12.0)[:, None] * arrive[None, :]
            inp.inflows.append((fte, alloc))
        elif isinstance(lever, NewRoles):
            role = gi[lever.staff_groups[0]]
            source_group = lever.develop_from or lever.substitutes
            seg_mask = base.index(lever.segments, (source_group,))
            shares = _allocation(base, seg_mask, name)[:, gi[source_group]]  # (S,)
            if lever.profile:
                fte = np.repeat(_profile(lever.profile, lever.start_month, M)[None, :], R, 0)
            else:
                per_month = v[f"{name}.fte_per_year"][:, None] / 12.0
                fte = per_month * _active(lever.start_month, lever.years, M)[None, :]
            if lever.develop_from:
                inp.developments.append((fte, shares, gi[lever.develop_from], role))
            else:
                alloc = np.zeros((S, G, A))
                alloc[:, role, AGE_BANDS.index(lever.age_band)] = shares
                inp.inflows.append((fte, alloc))
            posts = np.cumsum(fte, axis=1)
            gain = np.zeros((S, G))
            gain[:, role] = shares
            loss = np.zeros((S, G))
            loss[:, gi[lever.substitutes]] = -shares
            inp.demand_shifts.append((posts, gain))
            inp.demand_shifts.append((posts * v[f"{name}.ratio"][:, None], loss))
        elif isinstance(lever, AgencyReduction):
            if lever.profile:
                moved = np.repeat(_profile(lever.profile, lever.start_month, M)[None, :], R, 0)
            else:
                moved = v[f"{name}.fte"][:, None] * _active(lever.start_month, lever.years, M)
            inp.agency_to_bank.append((moved, mask))
        elif isinstance(lever, TemporaryFill):
            inp.fills.append(
                (v[f"{name}.bank_fill"], v[f"{name}.agency_fill"], lever.start_month - 1, mask)
            )
    assert inp.leave.shape == (R, S, G, A)
    return inp
