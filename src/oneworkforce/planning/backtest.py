"""Does the model know what it is doing? Fit on the history up to a year before the last
month, project that year with no levers, and compare with what happened, per segment.

The error is the mean absolute percentage error (MAPE) of the central projection of staff in
post (FTE) over the months of that year with an actual figure (every month for person-level
segments; the months with an aggregate return elsewhere). The P10-P90 band of the same runs
says whether the actual end-of-year figure fell inside the model's 80% interval.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from oneworkforce.config import Home
from oneworkforce.metrics.sources import choose
from oneworkforce.planning.baseline import (
    AGGREGATE_GROUP,
    _month_back,
    _Reader,
    aggregate_fte,
    from_store,
)
from oneworkforce.planning.levers import compile_inputs
from oneworkforce.planning.model import project
from oneworkforce.planning.montecarlo import draw
from oneworkforce.planning.scenario import Scenario

BACKTEST_RUNS = 200
BACKTEST_SEED = 7


def _actuals(home: Home) -> tuple[date, dict[str, dict[date, float]]]:
    """Staff in post FTE by segment and month, as the baseline counts it."""
    r = _Reader(home, None)
    try:
        series: dict[str, dict[date, float]] = {}
        for period, segment, fte in r.rows("SELECT period, segment, sum(fte) FROM pm GROUP BY ALL"):
            series.setdefault(segment, {})[period] = float(fte)
        returned: dict[tuple[str, date, str], list[dict[str, Any]]] = {}
        for segment, period, metric, org, value in r.rows(
            "SELECT segment, period, metric, org_code, value FROM aggregate WHERE metric IN "
            "('staff_in_post_fte', 'staff_in_post_headcount', 'filled_posts')"
        ):
            returned.setdefault((segment, period, metric), []).append(
                {"org_code": org, "value": float(value)}
            )
        per_period: dict[tuple[str, date], dict[str, float]] = {}
        for (segment, period, metric), rows in returned.items():
            chosen, _ = choose(rows)  # an area-wide figure, not added to its providers'
            per_period.setdefault((segment, period), {})[metric] = sum(x["value"] for x in chosen)
        # as the baseline plans them: a social care segment with returns is measured from
        # them, not from the person-level snapshots some of its employers send (ASC-WDS)
        for segment in {s for s, _ in per_period} & set(AGGREGATE_GROUP):
            series.pop(segment, None)
        for (segment, period), values in per_period.items():
            if segment in series:
                continue
            fte = aggregate_fte(values)
            if fte is not None:
                series.setdefault(f"agg:{segment}", {})[period] = fte
        return r.as_of, {k.removeprefix("agg:"): v for k, v in series.items()}
    finally:
        r.close()


def backtest(home: Home, runs: int = BACKTEST_RUNS, seed: int = BACKTEST_SEED) -> list[dict]:
    """Per segment: months compared, MAPE, and the end-of-year actual against P10/P50/P90."""
    last, actual = _actuals(home)
    fit = _month_back(last, 12)
    first = min((min(series) for series in actual.values() if series), default=last)
    if first > fit:
        raise ValueError(
            f"the backtest needs history from {fit:%Y-%m}, a year before the last month "
            f"({last:%Y-%m}); the store starts at {first:%Y-%m}"
        )
    base = from_store(home, as_of=fit)
    scenario = Scenario(name="backtest", horizon={"years": 1})
    draws = draw(scenario, base, seed, np.arange(runs))
    projection = project(compile_inputs(scenario, base, draws), monthly_cells=True)
    cells = projection.cells_monthly.sum(-1)  # type: ignore[union-attr]  # (R, M, S)
    months = [_month_back(fit, -(t + 1)) for t in range(12)]
    found = []
    for s, segment in enumerate(base.segments):
        history = actual.get(segment, {})
        pairs = [(t, history[m]) for t, m in enumerate(months) if history.get(m)]
        if not pairs:
            continue
        errors = [abs(cells[0, t, s] - value) / value for t, value in pairs]
        t_end, value_end = pairs[-1]
        sampled = cells[1:, t_end, s] if runs > 1 else cells[:, t_end, s]
        p10, p50, p90 = np.quantile(sampled, (0.1, 0.5, 0.9))
        found.append(
            {
                "segment": segment,
                "fitted_to": fit.isoformat()[:7],
                "months_compared": len(pairs),
                "mape": round(float(np.mean(errors)), 4),
                "last_month": months[t_end].isoformat()[:7],
                "actual_fte": round(value_end, 1),
                "projected_fte": round(float(cells[0, t_end, s]), 1),
                "p10": round(float(p10), 1),
                "p50": round(float(p50), 1),
                "p90": round(float(p90), 1),
                "within_p10_p90": bool(p10 <= value_end <= p90),
                "person_level": base.person_level[s],
            }
        )
    return found
