"""Bank and agency use, agency share of pay bill, cost avoided and the price cap (§5)."""

# ruff: noqa: E501 - the fixture tables are wider than a line, and easier read whole

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
    B        | nhs_community  | South
"""

# The financial year starts in April: 2024-03 closes 2023/24, 2024-04 opens 2024/25.
TEMPORARY = """
    period  | org_code | staff_group       | bank_fte | agency_fte | substantive_spend | bank_spend | agency_spend | agency_shifts | agency_shifts_over_cap
    2023-04 | A        | nursing_midwifery | 1.0      | 2.0        | 900               | 50         | 50           | 10            | 2
    2023-05 | A        | nursing_midwifery | 1.0      | 2.5        | 900               | 40         | 60           | -             | -
    2024-03 | A        | nursing_midwifery | 0.0      | 3.0        | 1000              | 0          | 100          | -             | -
    2024-04 | A        | nursing_midwifery | 0.5      | 1.5        | 950               | 20         | 30           | 20            | 1
    2024-04 | B        | ahp               | 0.0      | 0.0        | 500               | 0          | 0            | 30            | 9
    2024-05 | A        | nursing_midwifery | 0.5      | 1.0        | 950               | 30         | 20           | -             | -
"""


def source():
    return make_source(organisations=ORGANISATIONS, temporary_staffing=TEMPORARY)


def test_fte_and_spend_are_sums(engine):
    results = engine(source(), ["agency_fte", "bank_fte", "agency_spend"], ["2024-04"])
    assert_values(results, "agency_fte", {("2024-04",): 1.5})
    assert_values(results, "bank_fte", {("2024-04",): 0.5})
    assert_values(results, "agency_spend", {("2024-04",): 30})
    assert table(results, "agency_spend")["2024-04",].unit == "pounds"


def test_agency_share_of_the_month(engine):
    # 2024-04: 30 / (950 + 20 + 30 + 500 + 0 + 0) = 30 / 1500.  2024-05: 20 / 1000.
    results = engine(source(), ["agency_share_of_paybill"], ["2024-04", "2024-05"])
    assert_values(results, "agency_share_of_paybill", {("2024-04",): 0.02, ("2024-05",): 0.02})
    by_org = engine(source(), ["agency_share_of_paybill"], ["2024-04"], by=["org_code"])
    assert_values(
        by_org, "agency_share_of_paybill", {("2024-04", "A"): 0.03, ("2024-04", "B"): 0.0}
    )


def test_agency_share_financial_year_to_date_starts_in_april(engine):
    # 2024-05: April and May 2024 only: (30 + 20) / (1500 + 1000) = 0.02.
    # 2024-03: 2023/24 to date: (50 + 60 + 100) / (1000 + 1000 + 1100) = 210 / 3100, with 3
    # months of data in a 12-month year: partial.
    results = engine(source(), ["agency_share_of_paybill_fytd"], ["2024-03", "2024-05"])
    assert_values(
        results, "agency_share_of_paybill_fytd", {("2024-03",): 210 / 3100, ("2024-05",): 50 / 2500}
    )
    rows = table(results, "agency_share_of_paybill_fytd")
    assert rows["2024-03",].quality == "partial"
    assert rows["2024-05",].quality == "actual"


def test_cost_avoided_against_the_same_months_last_year(engine):
    # 2024-04: 50 (Apr 2023) - 30 = 20.  2024-05: (50 + 60) - (30 + 20) = 60.
    # 2024-03 and 2023-*: nothing for the same months a year before: no value.
    results = engine(source(), ["agency_cost_avoided_fytd"])
    assert_values(
        results,
        "agency_cost_avoided_fytd",
        {
            ("2023-04",): None,
            ("2023-05",): None,
            ("2024-03",): None,
            ("2024-04",): 20,
            ("2024-05",): 60,
        },
    )
    may = table(results, "agency_cost_avoided_fytd")["2024-05",]
    assert (may.numerator, may.denominator, may.quality) == (110, 50, "actual")
    assert "temporary_staffing:A:2023-04" in may.sources


def test_price_cap_compliance(engine):
    # 2024-04: 1 - (1 + 9) / (20 + 30) = 0.8.  2023-04: 1 - 2 / 10.  Months without shift
    # counts give no result.
    results = engine(source(), ["price_cap_compliance"])
    assert_values(results, "price_cap_compliance", {("2023-04",): 0.8, ("2024-04",): 0.8})
    by_org = engine(source(), ["price_cap_compliance"], ["2024-04"], by=["org_code"])
    assert_values(by_org, "price_cap_compliance", {("2024-04", "A"): 0.95, ("2024-04", "B"): 0.7})
