"""The stock-flow model: closed forms, balance, reproducibility and the direction of levers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oneworkforce.planning.levers import compile_inputs
from oneworkforce.planning.model import project
from oneworkforce.planning.montecarlo import draw
from oneworkforce.planning.runner import project_local, project_runs
from oneworkforce.planning.scenario import parse_scenario
from tests.planning.helpers import hand_baseline

LEVERS = {
    "name": "levers",
    "levers": [
        {"kind": "leaver_rate", "name": "keep", "change": {"p10": -0.3, "p90": -0.1}},
        {
            "kind": "international_recruitment",
            "name": "intl",
            "staff_groups": ["nursing_midwifery"],
            "fte_per_year": {"p10": 10, "p90": 30},
        },
        {
            "kind": "training_pipeline",
            "name": "train",
            "staff_groups": ["nursing_midwifery"],
            "intake_per_year": 24,
            "attrition": 0.25,
            "years_to_qualify": 1,
        },
        {
            "kind": "new_roles",
            "name": "associates",
            "staff_groups": ["nursing_midwifery"],
            "substitutes": "nursing_midwifery",
            "develop_from": "healthcare_support",
            "fte_per_year": 12,
        },
        {"kind": "bank_agency", "name": "fill", "bank_fill": 0.5, "agency_fill": 0.1},
    ],
}


def _run(doc: dict, runs, seed: int = 11, base=None, **rates):
    scenario = parse_scenario(doc)
    base = base or hand_baseline(**rates)
    draws = draw(scenario, base, seed, np.asarray(runs))
    return project(compile_inputs(scenario, base, draws), monthly_cells=True), scenario, base


def test_central_run_follows_the_closed_form() -> None:
    # uniform hazards: every cell's total grows by (1 + join + in - leave - retire - out) a month
    p, _, _ = _run({"name": "plain"}, [0], join=0.015)
    factor = 1 + 0.015 + 0.001 - 0.01 - 0.002 - 0.001
    for year in range(5):
        expected = 600 * factor ** (12 * (year + 1))
        assert p.supply[0, year] == pytest.approx(np.full((2, 2), expected), rel=1e-12)
    assert p.demand[0, 4] == pytest.approx(np.full((2, 2), 650.0))


def test_cost_is_pay_times_on_costs_for_staff_bank_and_agency() -> None:
    p, _, _ = _run({"name": "plain", "horizon": {"years": 1}}, [0], join=0.015)
    factor = 1 + 0.015 + 0.001 - 0.01 - 0.002 - 0.001
    expected = 0.0
    for t in range(12):
        supply = 600 * factor ** (t + 1)
        gap = max(650 - supply, 0)
        paid = supply + gap * 0.3 * 1.0 + gap * 0.15 * 1.6  # default fills and premiums
        expected += 33_200 * 1.28 / 12 * 1.025 ** (t / 12) * paid
    assert p.cost[0, 0, 0, 0] == pytest.approx(expected, rel=1e-12)


def test_one_month_flows_by_hand() -> None:
    p, _, _ = _run({"name": "one", "horizon": {"years": 1}}, [0], join=0.012)
    # a cell of 600 FTE: joiners 600*0.012 = 7.2 a month, leavers 6, retirements 1.2
    assert p.joiners[0, 0, 0, 0] == pytest.approx(12 * 7.2, rel=1e-12)
    assert p.leavers[0, 0, 0, 0] == pytest.approx(12 * 6.0, rel=1e-12)
    assert p.retirements[0, 0, 0, 0] == pytest.approx(12 * 1.2, rel=1e-12)


def test_stocks_and_flows_balance_in_every_run_cell_and_year() -> None:
    p, _, _ = _run(LEVERS, range(40))
    previous = np.broadcast_to(p.start, p.supply[:, 0].shape)
    for y in range(p.supply.shape[1]):
        moved = p.joiners[:, y] + p.transfers_in[:, y]
        lost = p.leavers[:, y] + p.retirements[:, y] + p.transfers_out[:, y]
        np.testing.assert_allclose(p.supply[:, y], previous + moved - lost, rtol=1e-10, atol=1e-9)
        previous = p.supply[:, y]
    assert (p.supply >= 0).all()


def test_development_moves_staff_without_creating_them() -> None:
    doc = {"name": "dev", "levers": [LEVERS["levers"][3]]}
    ladder = project_runs(parse_scenario(doc), hand_baseline(), 11, np.arange(1))
    do_nothing, p = ladder[0][2], ladder[1][2]
    # 12 FTE a year developed from support workers into nursing: nursing's moves in rise by
    # exactly 12 a year over doing nothing (the history's moves in are a rate on the
    # do-nothing workforce, the same in both)
    developed = (p.transfers_in - do_nothing.transfers_in)[0, :, :, 0].sum(-1)  # (Y,)
    np.testing.assert_allclose(developed, 12.0, rtol=1e-9)
    # every hazard is the same in both groups, so moving staff leaves the system's total as
    # doing nothing would have it: nobody is created or lost
    np.testing.assert_allclose(p.supply.sum((2, 3)), do_nothing.supply.sum((2, 3)), rtol=1e-12)
    assert (p.supply[0, :, :, 0] > do_nothing.supply[0, :, :, 0]).all()
    np.testing.assert_allclose(p.transfers_in.sum(), p.transfers_out.sum(), rtol=1e-3)


def test_same_seed_same_results_and_another_seed_differs() -> None:
    a, _, _ = _run(LEVERS, range(20), seed=5)
    b, _, _ = _run(LEVERS, range(20), seed=5)
    c, _, _ = _run(LEVERS, range(20), seed=6)
    assert np.array_equal(a.supply, b.supply) and np.array_equal(a.cost, b.cost)
    assert not np.array_equal(a.supply[1:], c.supply[1:])
    assert np.array_equal(a.supply[0], c.supply[0])  # run 0 is the central case


def test_a_subset_of_runs_and_any_chunking_reproduce_the_same_numbers() -> None:
    scenario, base = parse_scenario(LEVERS), hand_baseline()
    whole = project_runs(scenario, base, 9, np.arange(30))
    chunked = project_local(scenario, base, 9, np.arange(30), chunk=7)
    subset = project_runs(scenario, base, 9, np.array([4, 17]))
    for (_, _, w), (_, _, c), (_, _, s) in zip(whole, chunked, subset, strict=True):
        assert np.array_equal(w.supply, c.supply)
        assert np.array_equal(w.supply[[4, 17]], s.supply)
        assert np.array_equal(w.cost[[4, 17]], s.cost)


def test_the_ladder_has_do_nothing_then_one_step_per_lever() -> None:
    ladder = project_runs(parse_scenario(LEVERS), hand_baseline(), 1, np.arange(3))
    assert [name for name, _, _ in ladder] == [
        "do_nothing",
        "keep",
        "intl",
        "train",
        "associates",
        "fill",
    ]
    do_nothing, keep = ladder[0][2], ladder[1][2]
    assert (keep.supply >= do_nothing.supply).all()
    # the fill lever changes bank and agency, not substantive supply
    assert np.array_equal(ladder[-1][2].supply, ladder[-2][2].supply)
    assert not np.array_equal(ladder[-1][2].agency, ladder[-2][2].agency)


@settings(max_examples=15, deadline=None)
@given(
    lower=st.floats(min_value=-0.9, max_value=0.0),
    less=st.floats(min_value=0.0, max_value=0.5),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_lower_leaver_rate_never_gives_less_supply(lower: float, less: float, seed: int) -> None:
    def doc(change: float) -> dict:
        lever = {"kind": "leaver_rate", "name": "l", "change": change, "phase_in_months": 6}
        return {"name": "l", "horizon": {"years": 3}, "levers": [lever, *LEVERS["levers"][1:3]]}

    higher, _, _ = _run(doc(lower), range(5), seed=seed)
    lowered, _, _ = _run(doc(lower - less * (1 + lower)), range(5), seed=seed)
    assert (lowered.supply >= higher.supply - 1e-9).all()
    assert (lowered.cells_monthly >= higher.cells_monthly - 1e-9).all()


def test_recruits_leave_at_the_cells_rates_and_do_not_recruit_more() -> None:
    # 40 nurses a year for 5 years into a workforce whose monthly outflow is leave 0.01 +
    # retire 0.002 + transfers out 0.001 = h = 0.013 (the same in every age band, so ageing
    # does not matter). Month t's 40/12 recruits arrive after that month's outflow, so at the
    # end of month 60 the recruits of month t have faced 60 - t months at h:
    #   40/12 x sum_{j=0}^{59} 0.987^j = 40/12 x (1 - 0.987^60) / 0.013
    #   0.987^60 = exp(60 x ln 0.987) = exp(60 x -0.0130852) = exp(-0.785114) = 0.456082
    #   = 3.33333 x 0.543918 / 0.013 = 3.33333 x 41.8398 = 139.47 FTE
    # Recruits are not a recurring inflow: the history's joiners are a rate on the workforce
    # that would be in post without the levers, so 200 recruits never become more than 200.
    doc = {
        "name": "intl",
        "levers": [
            {
                "kind": "international_recruitment",
                "name": "intl",
                "staff_groups": ["nursing_midwifery"],
                "fte_per_year": 40,
            }
        ],
    }
    ladder = project_runs(parse_scenario(doc), hand_baseline(join=0.012), 1, np.arange(1))
    do_nothing, recruited = ladder[0][2], ladder[1][2]
    added = (recruited.supply - do_nothing.supply)[0].sum((1, 2))  # (Y,) system FTE
    assert added[4] == pytest.approx(139.47, abs=0.01)
    # year 1: 40/12 x (1 - 0.987^12) / 0.013; 0.987^12 = exp(-0.157023) = 0.854688
    #   = 3.33333 x 11.1778 = 37.26 FTE
    assert added[0] == pytest.approx(37.26, abs=0.01)
    # the gap closes by exactly what was added (demand is untouched)
    closed = (do_nothing.gap - recruited.gap)[0].sum((1, 2))
    np.testing.assert_allclose(closed, added, rtol=1e-12)


def test_fewer_leavers_add_the_leavers_avoided_not_more_joiners() -> None:
    # a retention lever cuts the leaver rate by a tenth at once: 0.01 -> 0.009 a month. The
    # history's joiners (0.012 + 0.001 in, a rate on the do-nothing workforce) are the same in
    # both rungs, so joiners over the horizon match exactly and supply differs by the leavers
    # (and the retirements and moves out of those kept) avoided
    doc = {
        "name": "keep",
        "levers": [{"kind": "leaver_rate", "name": "keep", "change": -0.1, "phase_in_months": 1}],
    }
    ladder = project_runs(parse_scenario(doc), hand_baseline(join=0.012), 1, np.arange(1))
    do_nothing, kept = ladder[0][2], ladder[1][2]
    np.testing.assert_allclose(kept.joiners, do_nothing.joiners, rtol=1e-12)
    # one 600 FTE cell, one month: 600 x 0.001 = 0.6 leavers avoided in month 1; after a year
    # the do-nothing cell is 600 x 1.0^12 = 600 (join + in = leave + retire + out) and the kept
    # cell gains 0.6 a month less its own outflow at 0.012:
    #   0.6 x (1 - 0.988^12) / 0.012; 0.988^12 = exp(12 x -0.0120726) = exp(-0.144871)
    #   = 0.865134, so 0.6 x 0.134866 / 0.012 = 0.6 x 11.2388 = 6.743 FTE
    assert (kept.supply - do_nothing.supply)[0, 0, 0, 0] == pytest.approx(6.743, abs=0.001)


def _ladder(lever: dict) -> tuple:
    """Do nothing and one lever, the central run, 1 year, on the hand baseline (every cell
    600 FTE, flat: joiners 0.012 + moves in 0.001 = leave 0.01 + retire 0.002 + out 0.001)."""
    doc = {"name": "one", "horizon": {"years": 1}, "levers": [lever]}
    ladder = project_runs(parse_scenario(doc), hand_baseline(join=0.012), 1, np.arange(1))
    return ladder[0][2], ladder[1][2]


NURSES = {"staff_groups": ["nursing_midwifery"]}


def test_a_retention_trajectory_takes_its_leavers_avoided_out_of_each_month() -> None:
    # 2 FTE fewer leave each month (the two nursing cells lose 12 a month between them).
    # The 2 kept in month t then face the cells' outflow h = 0.013 for the months left:
    #   supply added by month 12 = 2 x (1 - 0.987^12) / 0.013 = 2 x 11.17785 = 22.356
    # and the kept staff leave at 0.01 a month: extra at the start of month t (0-based) is
    #   2 x (1 - 0.987^t) / 0.013, summed over t = 0..11: (2 / 0.013) x (12 - 11.17785)
    #   = 153.846 x 0.82215 = 126.485 FTE-months, so 1.2649 of them leave:
    #   leavers avoided over the year = 24 - 1.2649 = 22.735
    lever = {"kind": "leaver_rate", "name": "keep", "profile": [2.0] * 12, **NURSES}
    do_nothing, kept = _ladder(lever)
    assert (kept.supply - do_nothing.supply)[0, 0].sum() == pytest.approx(22.356, abs=0.001)
    assert (do_nothing.leavers - kept.leavers)[0, 0].sum() == pytest.approx(22.735, abs=0.001)
    np.testing.assert_allclose(kept.joiners, do_nothing.joiners, rtol=1e-12)
    # support workers are untouched
    np.testing.assert_allclose(kept.supply[0, 0, :, 1], do_nothing.supply[0, 0, :, 1])


def test_a_new_roles_trajectory_adds_its_staff_to_the_staff_group() -> None:
    # 1 FTE a month recruited into a role doing nursing work one for one (ratio 1): demand is
    # unchanged and supply gains 1 x (1 - 0.987^12) / 0.013 = 11.178 FTE by month 12
    lever = {
        "kind": "new_roles",
        "name": "associates",
        "fte_per_year": 12,
        "substitutes": "nursing_midwifery",
        "profile": [1.0] * 12,
        **NURSES,
    }
    do_nothing, roles = _ladder(lever)
    assert (roles.supply - do_nothing.supply)[0, 0, :, 0].sum() == pytest.approx(11.178, abs=1e-3)
    np.testing.assert_allclose(roles.demand, do_nothing.demand, rtol=1e-12)


def test_an_agency_reduction_moves_agency_staff_to_bank() -> None:
    # each nursing cell has a gap of 650 - 600 = 50 FTE: bank 30% = 15, agency 15% = 7.5, so
    # 15 agency FTE in the two. Moving 3 a month to bank leaves 12 agency and 30 + 3 = 33 bank
    lever = {"kind": "agency_reduction", "name": "bank first", "profile": [3.0] * 12, **NURSES}
    do_nothing, reduced = _ladder(lever)
    nursing = (0, 0, slice(None), 0)
    assert do_nothing.agency[nursing].sum() == pytest.approx(15.0)
    assert reduced.agency[nursing].sum() == pytest.approx(12.0)
    assert reduced.bank[nursing].sum() == pytest.approx(33.0)
    np.testing.assert_allclose(reduced.gap, do_nothing.gap)
    # 3 FTE a month paid without the 60% agency premium: 3 x 0.6 x 33,200 x 1.28 / 12 a month
    # at pay growth 2.5% a year: sum over t of 1.025^(t/12)
    saved = sum(3 * 0.6 * 33_200 * 1.28 / 12 * 1.025 ** (t / 12) for t in range(12))
    assert (do_nothing.cost - reduced.cost)[0, 0].sum() == pytest.approx(saved, rel=1e-9)
