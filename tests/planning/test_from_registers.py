"""Benefits that move the plan: the registers' benefits trajectories as lever inputs of the
"programmes as planned" scenario (issue 15), on the tiny store of conftest.py (data to March
2024, so scenario month 1 is April 2024)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta

from oneworkforce.planning import from_registers
from oneworkforce.planning.levers import compile_inputs
from oneworkforce.planning.montecarlo import draw
from oneworkforce.planning.runner import baseline_for
from oneworkforce.registers import actions, models

pytestmark = pytest.mark.django_db


def _benefit(programme, name, lever, first, planned, actuals=(), staff_group=""):
    benefit = actions.create(
        "lead",
        models.Benefit,
        programme=programme,
        name=name,
        unit="FTE",
        lever=lever,
        staff_group=staff_group,
    )
    for i, value in enumerate(planned):
        actual = actuals[i] if i < len(actuals) else None
        actions.create(
            "lead",
            models.BenefitMonth,
            benefit=benefit,
            month=first + relativedelta(months=i),
            planned=Decimal(str(value)),
            actual=None if actual is None else Decimal(str(actual)),
        )
    return benefit


@pytest.fixture
def programmes(store):
    intl = actions.create("lead", models.Programme, code="IR", name="International nurses")
    train = actions.create("lead", models.Programme, code="TP", name="Training places")
    # 2 FTE a month April 2024 to March 2025 (24 a year)
    _benefit(intl, "Nurses recruited", "international_recruitment", dt.date(2024, 4, 1), [2] * 12)
    # 1 FTE a month June 2024 to May 2025: from scenario month 3
    _benefit(train, "Nurses qualified", "training_pipeline", dt.date(2024, 6, 1), [1] * 12)
    # retention: 0.1 FTE fewer leavers a month, May 2024 to October 2024 (scenario months 2-7)
    keep = actions.create("lead", models.Programme, code="KP", name="Keeping nurses")
    _benefit(keep, "Leavers avoided", "leaver_rate", dt.date(2024, 5, 1), [0.1] * 6)
    # new roles: 0.5 FTE nursing associates a month April to September 2024 (months 1-6)
    roles = actions.create("lead", models.Programme, code="NR", name="New roles")
    _benefit(
        roles,
        "Nursing associates",
        "new_roles",
        dt.date(2024, 4, 1),
        [0.5] * 6,
        staff_group="nursing_midwifery",
    )
    # a new role with no staff group cannot say whose work it takes: not modelled
    _benefit(roles, "Physician associates", "new_roles", dt.date(2024, 4, 1), [1] * 6)
    # agency reduction: 0.2 agency FTE a month to bank, July 2024 to March 2026 (months 4-24)
    bank = actions.create("lead", models.Programme, code="BF", name="Bank first")
    _benefit(bank, "Agency shifts to bank", "bank_agency", dt.date(2024, 7, 1), [0.2] * 21)
    return store


def test_lever_inputs_reproduce_the_trajectories_month_by_month(programmes):
    built = from_registers.build(dt.date(2024, 3, 31), years=2)
    assert [lv.kind for lv in built.scenario.levers] == [
        "international_recruitment",
        "training_pipeline",
        "leaver_rate",
        "new_roles",
        "agency_reduction",
    ]
    assert built.not_modelled == [
        {"benefit": "Physician associates", "programme": "New roles", "lever": "new_roles"}
    ]
    roles = built.scenario.levers[3]
    assert roles.staff_groups == ("nursing_midwifery",)
    assert roles.substitutes == "nursing_midwifery" and roles.ratio == 1.0
    base = baseline_for(programmes, built.scenario)
    inputs = compile_inputs(built.scenario, base, draw(built.scenario, base, 1, [0, 1, 2]))
    (intl, _), (train, _), (associates, _) = inputs.inflows
    ((kept, _),) = inputs.leavers_avoided
    ((banked, _),) = inputs.agency_to_bank
    months = 24
    # every run gets the trajectory as planned, month by month (scenario month 1 = April 2024)
    expected = {
        "recruited": (intl, [2.0] * 12 + [0.0] * 12),
        "qualified": (train, [0.0] * 2 + [1.0] * 12 + [0.0] * 10),
        "leavers avoided": (kept, [0.0] + [0.1] * 6 + [0.0] * 17),
        "associates": (associates, [0.5] * 6 + [0.0] * 18),
        "agency to bank": (banked, [0.0] * 3 + [0.2] * 21),
    }
    for array, months_expected in expected.values():
        assert array.shape == (3, months)
        for run in range(3):
            np.testing.assert_allclose(array[run], months_expected, rtol=1e-12)


def test_the_gap_with_programmes_is_smaller_by_their_effects(programmes):
    result = from_registers.run(programmes, runs=200, seed=7, years=2)
    closed = {p["benefit"]: p["gap_closed_fte"] for p in result["programmes"]}
    assert result["gap_with_programmes_fte"] < result["gap_do_nothing_fte"]
    # recruits, newly qualified staff, leavers avoided and new roles add staff: each closes
    # some of the gap, never more than it brings (24 recruited, 12 qualified, 6 x 0.1 = 0.6
    # leavers avoided, 6 x 0.5 = 3 associates), for they leave at the cells' rates
    brings = {
        "Nurses recruited": 24,
        "Nurses qualified": 12,
        "Leavers avoided": 0.6,
        "Nursing associates": 3,
    }
    for benefit, most in brings.items():
        assert 0 < closed[benefit] < most
    # moving agency work to bank changes who fills the gap, not the gap
    assert closed["Agency shifts to bank"] == 0
    # the ladder's steps add up exactly run by run; comparing medians (P50 of each step against
    # P50 of the whole) leaves only Monte Carlo error: with 200 runs we allow 0.5 FTE, under 2%
    # of the 39.6 FTE the programmes plan to bring (24 + 12 + 0.6 + 3)
    assert abs(result["gap_closed_fte"] - sum(closed.values())) <= 0.5
    shares = [p["share_of_gap_closed"] for p in result["programmes"]]
    assert sum(shares) == pytest.approx(1.0, abs=0.5 / result["gap_closed_fte"])
    assert result["behind"] == []


def test_a_benefit_behind_plan_shows_its_effect_on_the_gap(programmes):
    benefit = models.Benefit.objects.get(name="Nurses recruited")
    # January to March 2024 planned 2 a month, delivered 1 a month: half the plan so far
    for i in range(3):
        actions.create(
            "lead",
            models.BenefitMonth,
            benefit=benefit,
            month=dt.date(2024, 1 + i, 1),
            planned=Decimal("2"),
            actual=Decimal("1"),
        )
    result = from_registers.run(programmes, runs=200, seed=7, years=2)
    assert [b["benefit"] for b in result["behind"]] == ["Nurses recruited"]
    assert result["behind"][0]["delivery_ratio"] == 0.5  # 3 / 6
    # at half the rate, 12 of the 24 planned recruits do not come: the gap is larger than as
    # planned, and smaller than doing nothing (half the recruits still come, and the training
    # places are on plan)
    assert (
        result["gap_with_programmes_fte"]
        < result["gap_as_delivered_fte"]
        < result["gap_do_nothing_fte"]
    )
    assert result["gap_effect_of_shortfall_fte"] == pytest.approx(
        result["gap_as_delivered_fte"] - result["gap_with_programmes_fte"]
    )


def test_the_command_builds_programmes_as_planned(programmes):
    import json

    from typer.testing import CliRunner

    from oneworkforce.cli import app

    runner = CliRunner()
    home = ["--home", str(programmes.root)]
    res = runner.invoke(app, [*home, "plan", "run", "--from-registers", "--runs", "20"])
    assert res.exit_code == 0, res.output
    assert "Programmes as planned (from the registers), year 5" in res.output
    assert "International nurses – Nurses recruited (international_recruitment)" in res.output
    assert "Keeping nurses – Leavers avoided (leaver_rate)" in res.output
    # moving agency work to bank shows in cost, so each line gives the final year's cost change
    flat = " ".join(res.output.split())  # the console wraps long lines
    assert (
        "Agency shifts to bank (bank_agency): closes 0 FTE, 0% of the gap closed; cost in year 5 "
        in flat
    )
    assert "not modelled: Physician associates (new_roles)" in res.output
    res = runner.invoke(
        app, [*home, "plan", "run", "--from-registers", "--runs", "20", "--format", "json"]
    )
    data = json.loads(res.stdout)
    assert [p["benefit"] for p in data["programmes"]] == [
        "Nurses recruited",
        "Nurses qualified",
        "Leavers avoided",
        "Nursing associates",
        "Agency shifts to bank",
    ]
    assert data["gap_with_programmes_fte"] < data["gap_do_nothing_fte"]
    both = runner.invoke(app, [*home, "plan", "run", "x.toml", "--from-registers"])
    assert both.exit_code == 2 and "not both" in both.output


def test_each_programme_s_share_of_the_gap_closed_in_the_pack_and_on_the_page(programmes, settings):
    from types import SimpleNamespace

    from django.test import Client

    from oneworkforce.planning import pack_section
    from oneworkforce.reports.figures import Figures
    from oneworkforce.reports.sections import planning
    from oneworkforce.web.accounts.service import create_user

    result = from_registers.run(programmes, runs=50, seed=7, years=2)
    data = pack_section(programmes, [result["run_id"]])
    scenario = data["scenarios"][0]
    # the scenario closes the do-nothing gap less the gap with the programmes (P50 each)
    closed = result["gap_do_nothing_fte"] - result["gap_with_programmes_fte"]
    assert scenario["gap_closed_fte"] == pytest.approx(closed)
    levers = {lever["benefit"]: lever for lever in scenario["levers"]}
    assert levers["Nurses recruited"]["programme"] == "International nurses"
    assert levers["Agency shifts to bank"]["kind_title"] == "Agency reduction"
    assert levers["Agency shifts to bank"]["share"] == 0  # it closes none of the gap
    for p in result["programmes"]:
        # a programme's share is its FTE of the gap closed over what the scenario closes
        assert levers[p["benefit"]]["share"] == pytest.approx(p["gap_closed_fte"] / closed)

    # the board pack's planning section: a table of each programme's share
    ctx = SimpleNamespace(
        inputs=SimpleNamespace(planning=data, planning_note=""), figures=Figures()
    )
    section = planning.build(ctx)
    (shares,) = [b for b in section["blocks"] if b.get("id", "").startswith("plan_levers_")]
    titles = [c["title"] for c in shares["columns"]]
    assert titles[:2] == ["Lever", "Programme"] and titles[-1] == "Share of the gap closed"
    rows = {r[0]["display"]: r for r in shares["rows"]}
    recruited = rows["Nurses recruited"]
    assert recruited[1]["display"] == "International nurses"
    assert recruited[-1]["value"] == pytest.approx(levers["Nurses recruited"]["share"])
    assert f"closes {closed:,.0f} FTE of the system gap" in shares["caption"]

    # and the planning page
    settings.HOME = programmes
    client = Client()
    client.force_login(create_user("u-analyst", "analyst", password="a-long-test-password-1"))
    html = client.get(f"/planning/?run={result['run_id']}").content.decode()
    assert "Share of the gap closed" in html and "International nurses" in html
    share = levers["Nurses recruited"]["share"]
    assert f"{share:.0%}" in html
    # and the API gives each lever's programme and benefit with the run
    (listed,) = client.get(f"/api/v1/planning/runs?run={result['run_id']}").json()
    sources = {s["benefit"]: s["programme"] for s in listed["meta"]["programmes"].values()}
    assert sources["Nurses recruited"] == "International nurses"
    assert sources["Agency shifts to bank"] == "Bank first"


def test_the_demo_s_benefits_become_lever_inputs_month_by_month(db):
    from oneworkforce.planning.baseline import with_staff_groups
    from oneworkforce.planning.levers import lever_groups
    from oneworkforce.registers.demo import load_demo
    from tests.planning.helpers import hand_baseline

    # the demo's "today" is 31 March 2025: its FTE benefits start at offsets from March 2025,
    # and scenario month 1 is April 2025 (data to March 2025)
    load_demo(today=dt.date(2025, 3, 31))
    built = from_registers.build(dt.date(2025, 3, 1), years=5)
    assert built.not_modelled == []
    base = with_staff_groups(hand_baseline(), lever_groups(built.scenario))
    inputs = compile_inputs(built.scenario, base, draw(built.scenario, base, 1, [0, 1]))
    (intl, _), (train, _), (associates, _) = inputs.inflows
    ((kept, _),) = inputs.leavers_avoided
    ((banked, mask),) = inputs.agency_to_bank
    months = 60

    def planned(value: float, first: int, count: int) -> list[float]:
        """``value`` a month in scenario months first..first+count-1 (1-based)."""
        return [value if first <= m < first + count else 0.0 for m in range(1, months + 1)]

    expected = [
        # 3.33 a month from September 2024 for 30 months: to February 2027, month 23
        (intl, planned(3.33, 1, 23)),
        # 2 a month from September 2025 (offset 6: month 6) for 24 months
        (train, planned(2.0, 6, 24)),
        # 2 leavers avoided a month from April 2025 (offset 1: month 1) for 36 months
        (kept, planned(2.0, 1, 36)),
        # 1.5 nursing associates a month from June 2025 (offset 3: month 3) for 24 months
        (associates, planned(1.5, 3, 24)),
        # 2 medical agency FTE a month to bank from April 2025 for 48 months
        (banked, planned(2.0, 1, 48)),
    ]
    for array, months_expected in expected:
        for run in range(2):
            np.testing.assert_allclose(array[run], months_expected, rtol=1e-12)
    medical = base.staff_groups.index("medical_dental")
    assert mask[:, medical].all() and mask.sum() == mask.shape[0]
