"""The straightforward baseline for ``planning_model.py``: the same stock-flow model, one run
at a time, month by month and cell by cell in plain Python (no NumPy in the inner loops).

It reads the same compiled inputs as the vectorised model, so its numbers must match it;
the benchmark checks they do. It supports the levers the benchmark scenario pulls (leaver
rate, inflows such as international recruitment and training, bank and agency fill).
"""

from __future__ import annotations

import numpy as np

from oneworkforce.planning.model import AGE_WIDTH_YEARS, Inputs


def project_loop(inp: Inputs) -> dict[str, np.ndarray]:
    """Year-end supply and yearly cost, (R, Y, S, G), computed run by run."""
    assert not inp.developments and not inp.demand_shifts, "not in the loop baseline"
    R, M = inp.runs, inp.months
    S, G, A = inp.stock.shape
    Y = -(-M // 12)
    supply_out = np.zeros((R, Y, S, G))
    cost_out = np.zeros((R, Y, S, G))
    age_out = [1.0 / (w * 12.0) for w in AGE_WIDTH_YEARS]
    start = inp.stock.tolist()
    join_mix = inp.join_mix.tolist()
    transfer_out = inp.transfer_out.tolist()
    transfer_in = inp.transfer_in.tolist()
    pay = (inp.pay * (1.0 + inp.on_costs) / 12.0).tolist()
    inflows = [(fte.tolist(), alloc.tolist()) for fte, alloc in inp.inflows]
    for r in range(R):
        stock = [[list(start[s][g]) for g in range(G)] for s in range(S)]
        leave = inp.leave[r].tolist()
        retire = inp.retire[r].tolist()
        join = inp.join[r].tolist()
        growth = inp.growth[r].tolist()
        changes = [(c[r], ramp.tolist(), mask.tolist()) for c, ramp, mask in inp.leaver_change]
        for t in range(M):
            y = t // 12
            pay_index = float(inp.pay_index[r, t])
            for s in range(S):
                for g in range(G):
                    cell = stock[s][g]
                    in_post = sum(cell)
                    multiplier = 1.0
                    for change, ramp, mask in changes:
                        if ramp[t] != 0.0 and mask[s][g]:
                            multiplier += change * ramp[t]
                    new = list(cell)
                    for a in range(A):
                        x = cell[a]
                        joiners = join[s][g] * in_post * join_mix[s][g][a]
                        for fte, alloc in inflows:
                            joiners += fte[r][t] * alloc[s][g][a]
                        moved_in = transfer_in[s][g] * in_post * join_mix[s][g][a]
                        out = (
                            x * leave[s][g][a] * multiplier
                            + x * retire[s][g][a]
                            + x * transfer_out[s][g][a]
                            + x * age_out[a]
                        )
                        new[a] += joiners + moved_in - out
                        if a + 1 < A:
                            new[a + 1] += x * age_out[a]
                    stock[s][g] = new
                    supply = sum(new)
                    years = max(t + 1 - inp.growth_from[s, g], 0) / 12.0
                    demand = (
                        inp.demand0[s, g]
                        * inp.demand_index[t, s, g]
                        * (1.0 + growth[s][g]) ** years
                    )
                    bank_share, agency_share = float(inp.bank_fill[r]), float(inp.agency_fill[r])
                    for bank, agency, begin, mask in inp.fills:
                        if t >= begin and mask[s, g]:
                            bank_share, agency_share = float(bank[r]), float(agency[r])
                    total = bank_share + agency_share
                    if total > 1.0:
                        bank_share, agency_share = bank_share / total, agency_share / total
                    shortfall = max(demand - supply, 0.0)
                    paid = (
                        supply
                        + shortfall * bank_share * (1.0 + inp.bank_premium)
                        + shortfall * agency_share * (1.0 + inp.agency_premium)
                    )
                    cost_out[r, y, s, g] += pay[s][g] * pay_index * paid
                    if t % 12 == 11 or t == M - 1:
                        supply_out[r, y, s, g] = supply
    return {"supply": supply_out, "cost": cost_out}
