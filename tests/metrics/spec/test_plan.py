"""Plan variance: actual minus the operating plan, and as a fraction of plan."""

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
    B        | nhs_community  | South
"""

# Substantive FTE in A nursing: n1 permanent + n2 fixed-term = 2.0 (locum and bank are not).
STAFF = """
    period  | org_code | person_id | staff_group       | fte | contract_type
    2024-03 | A        | n1        | nursing_midwifery | 1.0 | permanent
    2024-03 | A        | n2        | nursing_midwifery | 1.0 | fixed_term
    2024-03 | A        | n3        | nursing_midwifery | 1.0 | locum
    2024-03 | A        | n4        | nursing_midwifery | 1.0 | bank
"""

TEMPORARY = """
    period  | org_code | staff_group       | agency_fte
    2024-03 | A        | nursing_midwifery | 3.0
    2024-03 | B        | nursing_midwifery | 1.5
"""

PLAN = """
    period  | org_code | staff_group       | plan_substantive_fte | plan_agency_fte
    2024-03 | A        | nursing_midwifery | 10                   | 2
    2024-03 | A        | ahp                | 5                   | -
    2024-03 | B        | nursing_midwifery | 3                    | 1
"""

METRICS = [
    "plan_variance_substantive_fte",
    "plan_variance_substantive_fte_pct",
    "plan_variance_agency_fte",
    "plan_variance_agency_fte_pct",
]


def source():
    return make_source(
        organisations=ORGANISATIONS,
        staff_in_post=STAFF,
        temporary_staffing=TEMPORARY,
        workforce_plan=PLAN,
    )


def test_system(engine):
    results = engine(source(), METRICS)
    # Substantive: A nursing 2.0 vs 10, A ahp 0 vs 5 (A submitted staff in post, nobody in
    # ahp); B sent no staff in post: left out.  2 - 15 = -13; -13 / 15.
    assert_values(results, "plan_variance_substantive_fte", {("2024-03",): -13})
    assert_values(results, "plan_variance_substantive_fte_pct", {("2024-03",): -13 / 15})
    # Agency: A 3.0 vs 2, B 1.5 vs 1 (A ahp has no agency plan): 4.5 - 3 = 1.5; 0.5.
    assert_values(results, "plan_variance_agency_fte", {("2024-03",): 1.5})
    assert_values(results, "plan_variance_agency_fte_pct", {("2024-03",): 0.5})
    pct = table(results, "plan_variance_agency_fte_pct")["2024-03",]
    assert (pct.numerator, pct.denominator, pct.unit) == (4.5, 3, "fraction")


def test_by_organisation(engine):
    results = engine(source(), METRICS, by=["org_code"])
    assert_values(results, "plan_variance_substantive_fte", {("2024-03", "A"): -13})
    assert_values(
        results, "plan_variance_agency_fte", {("2024-03", "A"): 1.0, ("2024-03", "B"): 0.5}
    )
    assert_values(
        results, "plan_variance_agency_fte_pct", {("2024-03", "A"): 0.5, ("2024-03", "B"): 0.5}
    )
