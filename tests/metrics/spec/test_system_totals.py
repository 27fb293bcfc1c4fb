"""System and place totals are made of the same organisations every month (ADR 0014): a
segment whose staff in post the ``aggregate`` dataset gives (Skills for Care's area-wide
estimate, a council's ASC-WDS local authority return) is counted by those figures, so its
providers' own records (ASC-WDS worker files computed as staff in post) never enter a system
or place total, in any month, while they stay the providers' own organisation figures."""

# ruff: noqa: E501 - the fixture tables are wider than a line, and easier read whole

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

# A is an NHS trust (its ESR extract every month); H1 a care home and C1 a council, both of
# whose segments are sized by aggregate rows; G1 a practice whose segment is not.
ORGANISATIONS = """
    org_code | segment           | place | sector
    A        | secondary_care    | North | nhs
    G1       | general_practice  | South | primary_care
    H1       | care_homes        | North | independent
    C1       | adult_social_work | South | local_authority
"""

# H1 sends ASC-WDS worker files in 2024-09 (no estimate that month) and 2025-03; C1 in
# 2025-03 only.
STAFF = """
    period  | org_code | person_id | staff_group       | fte
    2024-03 | A        | a1        | nursing_midwifery | 1.0
    2024-03 | A        | a2        | nursing_midwifery | 0.5
    2024-03 | G1       | g1        | gp                | 0.6
    2024-09 | A        | a1        | nursing_midwifery | 1.0
    2024-09 | A        | a2        | nursing_midwifery | 0.5
    2024-09 | G1       | g1        | gp                | 0.6
    2024-09 | H1       | w1        | care_worker       | 0.8
    2025-03 | A        | a1        | nursing_midwifery | 1.0
    2025-03 | A        | a2        | nursing_midwifery | 0.5
    2025-03 | A        | a3        | nursing_midwifery | 0.8
    2025-03 | G1       | g1        | gp                | 0.6
    2025-03 | H1       | w1        | care_worker       | 0.8
    2025-03 | H1       | w2        | care_worker       | 0.6
    2025-03 | C1       | c1        | social_worker     | 1.0
"""

AGGREGATE = """
    period  | segment           | org_code | area_code | metric            | value   | unit | basis                                          | quality
    2024-03 | care_homes        | -        | E1        | staff_in_post_fte | 13028.8 | fte  | Skills for Care ASC-WDS estimate               | estimate
    2025-03 | care_homes        | -        | E1        | staff_in_post_fte | 13444.0 | fte  | Skills for Care ASC-WDS estimate               | estimate
    2024-03 | adult_social_work | C1       | -         | staff_in_post_fte | 400     | fte  | Skills for Care ASC-WDS local authority return | actual
    2025-03 | adult_social_work | C1       | -         | staff_in_post_fte | 410     | fte  | Skills for Care ASC-WDS local authority return | actual
"""


def source():
    return make_source(organisations=ORGANISATIONS, staff_in_post=STAFF, aggregate=AGGREGATE)


def test_the_system_total_counts_the_same_organisations_every_month(engine):
    results = engine(source(), ["staff_in_post_fte", "staff_in_post_headcount"], None)
    # A and G1 only, every month: 1.0 + 0.5 + 0.6 = 2.1 FTE in 2024-03 and 2024-09, and
    # 1.0 + 0.5 + 0.8 + 0.6 = 2.9 in 2025-03 (not 2.9 + H1's 0.8 + 0.6 + C1's 1.0 = 5.3,
    # and never with the estimate's 13,444.0 or the council's 410 added); 2024-09's 2.1 is
    # not 2.1 + H1's 0.8 although no estimate was published that month
    assert_values(
        results,
        "staff_in_post_fte",
        {("2024-03",): 2.1, ("2024-09",): 2.1, ("2025-03",): 2.9},
    )
    # people: a1, a2, g1, then a3 joins: 3, 3, 4 (not 7 in 2025-03)
    assert_values(
        results,
        "staff_in_post_headcount",
        {("2024-03",): 3, ("2024-09",): 3, ("2025-03",): 4},
    )
    # the figure's sources are A's and G1's extracts, not H1's or C1's worker files
    now = table(results, "staff_in_post_fte")["2025-03",]
    assert now.sources == ("staff_in_post:A:2025-03", "staff_in_post:G1:2025-03")


def test_place_totals_and_staff_group_splits_leave_them_out_too(engine):
    by_place = engine(source(), ["staff_in_post_fte"], ["2025-03"], by=["place"])
    # North: A's 2.3 FTE (not with H1's 1.4); South: G1's 0.6 computed, beside the council's
    # return of 410 FTE, which stays an aggregate figure of its own
    assert _figures(by_place, "place") == {
        ("North", ("staff_in_post:A:2025-03",)): 2.3,
        ("South", ("staff_in_post:G1:2025-03",)): 0.6,
        ("South", ("aggregate:C1:2025-03",)): 410.0,
    }
    by_group = engine(source(), ["staff_in_post_fte"], ["2025-03"], by=["staff_group"])
    # no care worker or social worker group: H1's and C1's records are not in the system
    assert_values(
        by_group,
        "staff_in_post_fte",
        {("2025-03", "nursing_midwifery"): 2.3, ("2025-03", "gp"): 0.6},
    )


def test_the_providers_keep_their_own_figures(engine):
    results = engine(source(), ["staff_in_post_fte"], ["2025-03"], by=["org_code"])
    # H1: 0.8 + 0.6 = 1.4 FTE from its worker file; C1: its worker file's 1.0 FTE, beside
    # its return of 410 FTE
    assert _figures(results, "org_code") == {
        ("A", ("staff_in_post:A:2025-03",)): 2.3,
        ("G1", ("staff_in_post:G1:2025-03",)): 0.6,
        ("H1", ("staff_in_post:H1:2025-03",)): 1.4,
        ("C1", ("staff_in_post:C1:2025-03",)): 1.0,
        ("C1", ("aggregate:C1:2025-03",)): 410.0,
    }


def _figures(results, dimension):
    """Each staff in post FTE figure by its group and its sources (a group may have a computed
    figure and a return), to 10 decimal places."""
    return {
        (r.dimensions[dimension], r.sources): round(r.value, 10)
        for r in results
        if r.metric == "staff_in_post_fte"
    }
