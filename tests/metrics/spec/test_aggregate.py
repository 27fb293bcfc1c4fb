"""Figures of the ``aggregate`` dataset enter the results with their basis and quality."""

# ruff: noqa: E501 - the fixture tables are wider than a line, and easier read whole

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place | sector
    A        | secondary_care | North | nhs
    H1       | care_homes     | North | independent
    H2       | care_homes     | South | independent
"""

STAFF = """
    period  | org_code | person_id | staff_group
    2024-03 | A        | a1        | nursing_midwifery
"""

# Skills for Care turnover is a percentage of current staff (§6): it says so in a note.
# Two care-home FTE figures add up; dentistry's two vacancy rates pool their counts.
AGGREGATE = """
    period  | segment    | org_code | area_code | metric             | value | unit    | numerator | denominator | basis                             | quality
    2024-03 | care_homes | H1       | -         | turnover_rate      | 28.5  | percent | -         | -           | Skills for Care ASC-WDS estimate  | estimate
    2024-03 | care_homes | -        | E09000001 | staff_in_post_fte  | 1200  | fte     | -         | -           | Skills for Care ASC-WDS estimate  | estimate
    2024-03 | care_homes | H2       | -         | staff_in_post_fte  | 300   | fte     | -         | -           | provider return                   | actual
    2024-03 | dentistry  | -        | X1        | vacancy_rate       | 10    | percent | 5         | 50          | dental workforce survey           | actual
    2024-03 | dentistry  | -        | X2        | vacancy_rate       | 20    | percent | 10        | 50          | dental workforce survey           | actual
    2024-03 | volunteers_carers | - | X1        | volunteer_headcount | 900  | headcount | -       | -           | VCSE survey                       | estimate
"""


def source():
    return make_source(organisations=ORGANISATIONS, staff_in_post=STAFF, aggregate=AGGREGATE)


def test_aggregate_figures_by_segment(engine):
    results = engine(
        source(),
        ["turnover_rate", "staff_in_post_fte", "vacancy_rate"],
        ["2024-03"],
        by=["segment"],
    )
    # 28.5% as a fraction; 1200 + 300 FTE; (5 + 10) / (50 + 50) pooled.
    assert_values(results, "turnover_rate", {("2024-03", "care_homes"): 0.285})
    assert_values(
        results,
        "staff_in_post_fte",
        {("2024-03", "care_homes"): 1500, ("2024-03", "secondary_care"): 1.0},
    )
    assert_values(results, "vacancy_rate", {("2024-03", "dentistry"): 0.15})
    turnover = table(results, "turnover_rate")["2024-03", "care_homes"]
    assert turnover.basis == "Skills for Care ASC-WDS estimate"
    assert turnover.quality == "estimate"
    assert turnover.note and "Skills for Care" in turnover.note
    assert turnover.to_dict()["note"] == turnover.note
    homes = table(results, "staff_in_post_fte")["2024-03", "care_homes"]
    assert homes.basis == "Skills for Care ASC-WDS estimate; provider return"
    assert homes.quality == "estimate"
    assert homes.sources == ("aggregate:E09000001:2024-03", "aggregate:H2:2024-03")
    nhs = table(results, "staff_in_post_fte")["2024-03", "secondary_care"]
    assert (nhs.basis, nhs.quality, nhs.note) == ("fte", "actual", None)
    dentistry = table(results, "vacancy_rate")["2024-03", "dentistry"]
    assert (dentistry.numerator, dentistry.denominator, dentistry.note) == (15, 100, None)


def test_aggregate_figures_by_organisation_and_place(engine):
    results = engine(source(), ["staff_in_post_fte"], ["2024-03"], by=["org_code"])
    assert_values(results, "staff_in_post_fte", {("2024-03", "A"): 1.0, ("2024-03", "H2"): 300})
    results = engine(source(), ["staff_in_post_fte"], ["2024-03"], by=["place"])
    assert_values(
        results, "staff_in_post_fte", {("2024-03", "North"): 1.0, ("2024-03", "South"): 300}
    )


def test_aggregate_figures_are_not_added_to_system_totals(engine):
    results = engine(source(), ["staff_in_post_fte"], ["2024-03"])
    assert_values(results, "staff_in_post_fte", {("2024-03",): 1.0})
    by_group = engine(source(), ["staff_in_post_fte"], ["2024-03"], by=["staff_group"])
    assert_values(by_group, "staff_in_post_fte", {("2024-03", "nursing_midwifery"): 1.0})


def test_aggregate_only_metrics_give_a_system_figure(engine):
    results = engine(
        source(),
        ["turnover_rate", "vacancy_rate", "staff_in_post_fte"],
        ["2024-03"],
    )
    # no person-level data gives these two in 2024-03 (no staff a year before, no
    # establishment), so the aggregate rows give the system figure: turnover 28.5% -> 0.285;
    # vacancy (5 + 10) / (50 + 50) = 0.15.
    # Staff in post has a computed system figure (one NHS person, 1.0 FTE), which is kept and
    # not added to the care homes' 1200 + 300 FTE.
    assert_values(results, "turnover_rate", {("2024-03",): 0.285})
    assert_values(results, "vacancy_rate", {("2024-03",): 0.15})
    assert_values(results, "staff_in_post_fte", {("2024-03",): 1.0})
    assert table(results, "turnover_rate")["2024-03",].quality == "estimate"
