"""NHS staff in post: an organisation's own ESR extract for the months it covers, its
published total (NHS Workforce Statistics) otherwise, never both (one source rule)."""

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place | partner
    A        | secondary_care | North | true
    B        | nhs_community  | South | true
    C        | secondary_care | North | true
"""

# A sends ESR extracts for March and April; B only for April; C never does.
STAFF = """
    period  | org_code | person_id | staff_group       | fte | contract_type
    2024-03 | A        | a1        | nursing_midwifery | 1.0 | permanent
    2024-03 | A        | a2        | nursing_midwifery | 0.5 | permanent
    2024-04 | A        | a1        | nursing_midwifery | 1.0 | permanent
    2024-04 | B        | b1        | ahp               | 0.8 | permanent
"""

# The published file has every trust every month, with its staff group rows beside the
# total (only the total is an organisation's figure). P is a peer (not in the register).
PUBLISHED = """
    period  | org_code | staff_group            | data_type | value  | ics_code
    2024-03 | A        | all_staff_groups       | fte       | 900.0  | QA
    2024-03 | B        | all_staff_groups       | fte       | 200.0  | QA
    2024-03 | B        | all_staff_groups       | headcount | 250    | QA
    2024-03 | B        | nurses_health_visitors | fte       | 80.0   | QA
    2024-03 | C        | all_staff_groups       | fte       | 300.0  | QA
    2024-04 | A        | all_staff_groups       | fte       | 910.0  | QA
    2024-04 | B        | all_staff_groups       | fte       | 210.0  | QA
    2024-04 | C        | all_staff_groups       | fte       | -      | QA
    2024-03 | P        | all_staff_groups       | fte       | 5000.0 | QX
"""


def source():
    return make_source(
        organisations=ORGANISATIONS, staff_in_post=STAFF, nws_staff_in_post=PUBLISHED
    )


def test_each_organisation_from_its_extract_else_its_published_total(engine):
    results = engine(source(), ["staff_in_post_fte"], by=["org_code"])
    # March: A from its extract (1.0 + 0.5), B and C published (200, 300).
    # April: A and B from their extracts (1.0; 0.8); C's published total is suppressed: none.
    assert_values(
        results,
        "staff_in_post_fte",
        {
            ("2024-03", "A"): 1.5,
            ("2024-03", "B"): 200.0,
            ("2024-03", "C"): 300.0,
            ("2024-04", "A"): 1.0,
            ("2024-04", "B"): 0.8,
        },
    )
    got = table(results, "staff_in_post_fte")
    assert got["2024-03", "A"].note is None  # the ICS's own data
    assert got["2024-03", "B"].note == (
        "NHS Workforce Statistics (published): no ESR extract this month"
    )


def test_a_request_for_some_months_reads_the_published_totals_of_those_months(engine):
    # one month asked for: its published totals stand in where that month has no extract,
    # whatever other months hold (B's April extract does not hide its March total)
    for period, want in (
        ("2024-03", {("2024-03", "A"): 1.5, ("2024-03", "B"): 200.0, ("2024-03", "C"): 300.0}),
        ("2024-04", {("2024-04", "A"): 1.0, ("2024-04", "B"): 0.8}),
    ):
        results = engine(source(), ["staff_in_post_fte"], [period], by=["org_code"])
        assert_values(results, "staff_in_post_fte", want)


def test_the_system_figure_adds_published_totals_of_uncovered_organisations(engine):
    results = engine(source(), ["staff_in_post_fte"])
    # March: 1.5 (A's extract) + 200 (B) + 300 (C) = 501.5; the peer P is not in the ICS.
    # April: 1.0 + 0.8 (extracts); C suppressed, nothing published to add.
    assert_values(results, "staff_in_post_fte", {("2024-03",): 501.5, ("2024-04",): 1.8})
    march = table(results, "staff_in_post_fte")["2024-03",]
    assert march.note == (
        "NHS Workforce Statistics (published) for 2 organisations without an ESR extract this month"
    )


def test_segments_and_headcount(engine):
    results = engine(source(), ["staff_in_post_headcount"], by=["segment"])
    # March: secondary care = A's extract, a1 and a2 -> 2 (C publishes no headcount);
    # community = B's published headcount, 250. April: A's a1 -> 1; B's b1 -> 1.
    assert_values(
        results,
        "staff_in_post_headcount",
        {
            ("2024-03", "secondary_care"): 2,
            ("2024-03", "nhs_community"): 250,
            ("2024-04", "secondary_care"): 1,
            ("2024-04", "nhs_community"): 1,
        },
    )


def test_no_published_figure_in_a_staff_group_split(engine):
    results = engine(source(), ["staff_in_post_fte"], by=["staff_group"])
    # only extracts: March nursing 1.5; April nursing 1.0, ahp 0.8
    assert_values(
        results,
        "staff_in_post_fte",
        {
            ("2024-03", "nursing_midwifery"): 1.5,
            ("2024-04", "nursing_midwifery"): 1.0,
            ("2024-04", "ahp"): 0.8,
        },
    )
