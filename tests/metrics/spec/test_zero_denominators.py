"""A zero denominator gives a result with no value, never a division error or a zero."""

# ruff: noqa: E501 - the fixture tables are wider than a line, and easier read whole

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
"""

# A's bank is its only temporary staffing; nothing is spent; no agency shifts are worked.
TEMPORARY = """
    period  | org_code | staff_group       | bank_fte | substantive_spend | agency_shifts | agency_shifts_over_cap
    2024-03 | A        | nursing_midwifery | 1.0      | 0                 | 0             | 0
"""

ESTABLISHMENT = """
    period  | org_code | staff_group       | establishment_fte | vacancy_fte
    2024-03 | A        | nursing_midwifery | 0                 | 0
"""

PLAN = """
    period  | org_code | staff_group       | plan_agency_fte
    2024-03 | A        | nursing_midwifery | 0
"""

SICKNESS = """
    period  | org_code | staff_group       | fte_days_lost | fte_days_available
    2024-03 | A        | nursing_midwifery | 0             | 0
"""

# Nobody in managers at p-12, one at p: turnover 0 / 0.5 is a value, stability 0 / 0 is not.
# Nursing: z1 left it, 1 / ((1 + 0) / 2) = 2.0; stability 0 / 1.
STAFF = """
    period  | org_code | person_id | staff_group
    2023-03 | A        | z1        | nursing_midwifery
    2024-03 | A        | z1        | managers
"""


def test_zero_denominators_give_no_value(engine):
    con = make_source(
        organisations=ORGANISATIONS,
        temporary_staffing=TEMPORARY,
        establishment=ESTABLISHMENT,
        workforce_plan=PLAN,
        sickness_absence=SICKNESS,
        staff_in_post=STAFF,
    )
    results = engine(con, None, ["2024-03"], by=["staff_group"])
    nursing = ("2024-03", "nursing_midwifery")
    for metric in (
        "agency_share_of_paybill",
        "agency_share_of_paybill_fytd",
        "price_cap_compliance",
        "vacancy_rate",
        "sickness_absence_rate",
        "sickness_absence_rate_12m",
        "plan_variance_agency_fte_pct",
    ):
        result = table(results, metric)[nursing]
        assert result.value is None and result.denominator == 0, metric
    assert table(results, "plan_variance_agency_fte")[nursing].value == 0
    assert table(results, "vacancy_fte")[nursing].value == 0
    assert_values(results, "stability_index", {("2024-03", "managers"): None, nursing: 0.0})
    assert_values(results, "turnover_rate", {("2024-03", "managers"): 0.0, nursing: 2.0})
