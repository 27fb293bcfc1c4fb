"""The stock-flow model, vectorised over runs x segments x staff groups x age bands.

For every run r and cell c = (segment, staff group, age band), month by month::

    stock[t+1] = stock[t] + joiners + transfers_in - leavers - retirements - transfers_out

* joiners      = join[r,s,g] * do-nothing staff in post of (s,g) * joiner age mix[c]
                 +  lever inflows (international recruitment, return to practice, newly
                 qualified staff, new roles recruited)
* leavers      = stock * leave[r,c] * (1 + sum of leaver-rate lever changes phased in)
                 less the leavers a retention trajectory avoids that month (spread over the
                 targeted cells by their leavers, never more than would have left)
* retirements  = stock * retire[r,c]
* transfers    = ageing (stock * 1/(band width in months) moves to the next age band) plus
                 historical moves between segments and staff groups (out: stock * rate;
                 in: rate * do-nothing staff in post of (s,g) * age mix) plus staff developed
                 into new roles (out of one staff group, into another in the same segment and
                 age band)

The history's joiners and moves in are rates on the workforce that would be in post without
the levers (the do-nothing stock, projected alongside): what a lever adds (recruits, leavers
avoided, staff developed) then leaves, retires and moves at its cell's rates but does not
itself recruit, so 40 recruits a year add at most 40 a year, never a compounding stream.

Demand is per (s,g) and month; the gap is demand minus supply; bank and agency fill their
shares of a positive gap and the rest is unfilled; an agency reduction moves agency FTE of
the targeted cells to bank (spread by their agency FTE, never more than there are). Cost is
pay x pay growth x (1 + on-costs) for substantive, bank (with its premium) and agency (with
its premium) FTE.

Every array operation covers all runs and cells at once; the only Python loop is over
months. Results are kept by year (year-end stocks, flows and cost summed over the year) and,
for the fan charts, the system's supply and demand every month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

AGE_WIDTH_YEARS = np.array([9.0, 10.0, 10.0, 10.0, 10.0, np.inf])  # 16-24, 25-34, ... 65+


@dataclass
class Inputs:
    """Everything one projection needs, as arrays (built by ``levers.compile_inputs``)."""

    months: int
    stock: np.ndarray  # (S, G, A) starting FTE
    leave: np.ndarray  # (R, S, G, A) monthly leaver hazard before levers
    retire: np.ndarray  # (R, S, G, A)
    transfer_out: np.ndarray  # (S, G, A)
    join: np.ndarray  # (R, S, G) joiners a month per FTE in post
    transfer_in: np.ndarray  # (S, G)
    join_mix: np.ndarray  # (S, G, A)
    demand0: np.ndarray  # (S, G)
    demand_index: np.ndarray  # (M, S, G) trajectory index (1 = today)
    growth: np.ndarray  # (R, S, G) annual demand growth
    growth_from: np.ndarray  # (S, G) month from which growth applies (after a trajectory)
    pay: np.ndarray  # (S, G) annual pay per FTE, today's prices, before on-costs
    pay_index: np.ndarray  # (R, M)
    on_costs: float
    bank_premium: float
    agency_premium: float
    bank_fill: np.ndarray  # (R,) share of a gap bank staff fill (fill levers change it)
    agency_fill: np.ndarray  # (R,)
    # levers, each a list of per-lever arrays
    leaver_change: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    # (change (R,), ramp (M,), mask (S, G))
    inflows: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    # (fte a month (R, M), allocation (S, G, A) summing to 1)
    developments: list[tuple[np.ndarray, np.ndarray, int, int]] = field(default_factory=list)
    # (fte a month (R, M), segment shares (S,), from group, to group)
    demand_shifts: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    # (cumulative FTE of posts (R, M), allocation (S, G) signed)
    fills: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = field(default_factory=list)
    # (bank (R,), agency (R,), start month index, mask (S, G))
    leavers_avoided: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    # (FTE of leavers avoided a month (R, M), mask (S, G))
    agency_to_bank: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    # (agency FTE moved to bank a month (R, M), mask (S, G))

    @property
    def runs(self) -> int:
        return self.leave.shape[0]


@dataclass
class Projection:
    """Results by year (R, Y, S, G) and the system's monthly totals (R, M)."""

    start: np.ndarray  # (S, G) stock at the start
    supply: np.ndarray  # year-end FTE
    demand: np.ndarray  # year-end FTE
    bank: np.ndarray  # year-end FTE
    agency: np.ndarray  # year-end FTE
    cost: np.ndarray  # pounds over the year
    joiners: np.ndarray  # FTE over the year (lever inflows included)
    leavers: np.ndarray
    retirements: np.ndarray
    transfers_in: np.ndarray
    transfers_out: np.ndarray
    supply_monthly: np.ndarray  # (R, M) system total
    demand_monthly: np.ndarray  # (R, M)
    cells_monthly: np.ndarray | None = None  # (R, M, S, G) supply, when asked for

    @property
    def gap(self) -> np.ndarray:
        return self.demand - self.supply

    @property
    def unfilled(self) -> np.ndarray:
        return np.maximum(self.gap, 0.0) - self.bank - self.agency

    FLOWS = ("joiners", "leavers", "retirements", "transfers_in", "transfers_out")
    YEARLY = ("supply", "demand", "bank", "agency", "cost", *FLOWS)

    @classmethod
    def concat(cls, parts: list[Projection]) -> Projection:
        """Join projections of disjoint run sets (in the order given)."""
        first = parts[0]
        kwargs = {name: np.concatenate([getattr(p, name) for p in parts]) for name in cls.YEARLY}
        monthly = None
        if first.cells_monthly is not None:
            monthly = np.concatenate([p.cells_monthly for p in parts])  # type: ignore[misc]
        return cls(
            start=first.start,
            supply_monthly=np.concatenate([p.supply_monthly for p in parts]),
            demand_monthly=np.concatenate([p.demand_monthly for p in parts]),
            cells_monthly=monthly,
            **kwargs,
        )


def demand_at(inp: Inputs, t: int) -> np.ndarray:
    """Demand (R, S, G) at the end of month t (0-based)."""
    years = np.maximum(t + 1 - inp.growth_from, 0) / 12.0
    d = inp.demand0 * inp.demand_index[t] * (1.0 + inp.growth) ** years
    for cumulative, allocation in inp.demand_shifts:
        d = d + cumulative[:, t, None, None] * allocation
    return np.maximum(d, 0.0)


def fill_shares(inp: Inputs, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Bank and agency shares of the gap (R, S, G) in month t; together at most 1."""
    S, G = inp.demand0.shape
    bank = np.broadcast_to(inp.bank_fill[:, None, None], (inp.runs, S, G))
    agency = np.broadcast_to(inp.agency_fill[:, None, None], (inp.runs, S, G))
    for b, a, start, mask in inp.fills:
        if t >= start:
            bank = np.where(mask, b[:, None, None], bank)
            agency = np.where(mask, a[:, None, None], agency)
    total = bank + agency
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-12), 1.0)
    return bank * scale, agency * scale


def _spread(amount: np.ndarray, over: np.ndarray) -> np.ndarray:
    """``amount`` (R,) shared over the cells of ``over`` (R, ...) in proportion to them, never
    more than ``over`` holds."""
    axes = tuple(range(1, over.ndim))
    total = over.sum(axes)
    share = np.divide(amount, total, out=np.zeros_like(total), where=total > 0)
    return over * np.minimum(share, 1.0).reshape((-1,) + (1,) * len(axes))


def avoid_leavers(
    inp: Inputs, t: int, stock: np.ndarray, leave: np.ndarray, hazard: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The leaver and total hazards (A, R, S, G) of month t once retention trajectories have
    taken their FTE of leavers avoided out of the targeted cells' leavers."""
    for avoided, mask in inp.leavers_avoided:
        if avoided[:, t].any():
            leaving = stock * leave * mask
            kept = _spread(avoided[:, t], np.moveaxis(leaving, 1, 0))  # (R, A, S, G)
            kept = np.moveaxis(kept, 0, 1)
            cut = np.divide(kept, stock, out=np.zeros_like(stock), where=stock > 0)
            leave = leave - cut
            hazard = hazard - cut
    return leave, hazard


def project(inp: Inputs, *, monthly_cells: bool = False) -> Projection:
    """Project every run at once. Internally the age band is the first axis, (A, R, S, G),
    so sums over age bands add six contiguous blocks instead of reducing a short axis."""
    R, M = inp.runs, inp.months
    S, G, A = inp.stock.shape
    Y = -(-M // 12)
    yearly = {name: np.zeros((R, Y, S, G)) for name in Projection.YEARLY}
    supply_m = np.zeros((R, M))
    demand_m = np.zeros((R, M))
    cells_m = np.zeros((R, M, S, G)) if monthly_cells else None

    def band_major(array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.moveaxis(np.broadcast_to(array, (R, S, G, A)), -1, 0))

    stock = band_major(inp.stock)
    base_leave = band_major(inp.leave)
    retire = band_major(inp.retire)
    transfer_out = band_major(inp.transfer_out)
    mix = np.ascontiguousarray(np.moveaxis(inp.join_mix, -1, 0))[:, None]  # (A, 1, S, G)
    age_out = (1.0 / (AGE_WIDTH_YEARS * 12.0))[:, None, None, None]
    fixed_out = retire + transfer_out  # hazards no lever changes
    # lever inflows land in few cells: keep each allocation's non-zero cells only
    allocations = []
    for fte, alloc in inp.inflows:
        s_idx, g_idx, a_idx = np.nonzero(alloc)
        allocations.append((fte, a_idx, s_idx, g_idx, alloc[s_idx, g_idx, a_idx]))
    monthly_pay = inp.pay * (1.0 + inp.on_costs) / 12.0
    leave = base_leave
    hazard = fixed_out + leave + age_out
    last_multiplier: np.ndarray | None = None
    in_post = stock.sum(0)  # (R, S, G)
    # the do-nothing workforce, on which the history's joiners and moves in are rates: needed
    # only when a lever changes the stock (otherwise it is the stock itself)
    changes_stock = inp.inflows or inp.leaver_change or inp.developments or inp.leavers_avoided
    alone = stock.copy() if changes_stock else None
    alone_hazard = fixed_out + base_leave + age_out
    recruiting = in_post

    for t in range(M):
        y = t // 12
        multiplier = np.ones((R, S, G))
        for change, ramp, mask in inp.leaver_change:
            if ramp[t] != 0.0:
                multiplier = multiplier + (change[:, None, None] * ramp[t]) * mask
        if last_multiplier is None or not np.array_equal(multiplier, last_multiplier):
            leave = base_leave * multiplier if inp.leaver_change else base_leave
            hazard = fixed_out + leave
            hazard += age_out
            last_multiplier = multiplier
        leave_now, hazard_now = avoid_leavers(inp, t, stock, leave, hazard)
        # flows out of each cell, measured on the stock at the start of the month
        leavers = np.einsum("arsg,arsg->rsg", stock, leave_now)
        retirements = np.einsum("arsg,arsg->rsg", stock, retire)
        moved_out = np.einsum("arsg,arsg->rsg", stock, transfer_out)
        aged = stock[:-1] * age_out[:-1]
        outflow = stock * hazard_now
        # joiners and historical transfers in, spread over age bands by the joiner mix
        joining = inp.join * recruiting
        moving_in = inp.transfer_in * recruiting
        arriving = mix * (joining + moving_in)
        if alone is not None:
            alone_aged = alone[:-1] * age_out[:-1]
            alone -= alone * alone_hazard
            alone += arriving
            alone[1:] += alone_aged
            recruiting = alone.sum(0)
        lever_fte = np.zeros((R, S, G))
        for fte, a_idx, s_idx, g_idx, weight in allocations:
            if not fte[:, t].any():
                continue
            amount = fte[:, t, None] * weight  # (R, cells)
            np.add.at(arriving, (a_idx, slice(None), s_idx, g_idx), amount.T)
            np.add.at(lever_fte, (slice(None), s_idx, g_idx), amount)
        # development into new roles: a transfer between staff groups within a segment
        dev_in = np.zeros((R, S, G))
        for fte, shares, source, target in inp.developments:
            planned = fte[:, t, None] * shares  # (R, S)
            available = in_post[:, :, source]
            share = np.minimum(
                np.divide(planned, available, out=np.zeros_like(planned), where=available > 0),
                0.05,
            )
            moving = stock[:, :, :, source] * share[None]  # (A, R, S)
            outflow[:, :, :, source] += moving
            arriving[:, :, :, target] += moving
            moved_out[:, :, source] += moving.sum(0)
            dev_in[:, :, target] += moving.sum(0)

        stock -= outflow
        stock += arriving
        stock[1:] += aged

        # record flows (ageing moves FTE between age bands inside a cell: it nets out)
        yearly["joiners"][:, y] += joining + lever_fte
        yearly["leavers"][:, y] += leavers
        yearly["retirements"][:, y] += retirements
        yearly["transfers_in"][:, y] += moving_in + dev_in
        yearly["transfers_out"][:, y] += moved_out

        supply = stock.sum(0)
        in_post = supply
        if alone is None:
            recruiting = supply
        demand = demand_at(inp, t)
        shortfall = np.maximum(demand - supply, 0.0)
        bank_share, agency_share = fill_shares(inp, t)
        bank = shortfall * bank_share
        agency = shortfall * agency_share
        for moved, mask in inp.agency_to_bank:
            if moved[:, t].any():
                shifted = _spread(moved[:, t], agency * mask)
                agency = agency - shifted
                bank = bank + shifted
        pay = monthly_pay * inp.pay_index[:, t, None, None]
        yearly["cost"][:, y] += pay * (
            supply + bank * (1.0 + inp.bank_premium) + agency * (1.0 + inp.agency_premium)
        )
        if t % 12 == 11 or t == M - 1:
            yearly["supply"][:, y] = supply
            yearly["demand"][:, y] = demand
            yearly["bank"][:, y] = bank
            yearly["agency"][:, y] = agency
        supply_m[:, t] = supply.sum((1, 2))
        demand_m[:, t] = demand.sum((1, 2))
        if cells_m is not None:
            cells_m[:, t] = supply
    return Projection(
        start=inp.stock.sum(-1),
        supply_monthly=supply_m,
        demand_monthly=demand_m,
        cells_monthly=cells_m,
        **yearly,
    )
