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
# The care homes' area-wide estimate (no organisation) is the segment's FTE; H2's own return is
# already inside it, so it is not added (metrics/sources.py). Dentistry's two area-wide vacancy
# rates (two areas) pool their counts.
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
    # 28.5% as a fraction; 1200 FTE, the area-wide estimate alone (H2's 300 FTE is one of
    # the providers it counts, not added: 1200, not 1200 + 300); (5 + 10) / (50 + 50) pooled.
    assert_values(results, "turnover_rate", {("2024-03", "care_homes"): 0.285})
    assert_values(
        results,
        "staff_in_post_fte",
        {("2024-03", "care_homes"): 1200, ("2024-03", "secondary_care"): 1.0},
    )
    assert_values(results, "vacancy_rate", {("2024-03", "dentistry"): 0.15})
    turnover = table(results, "turnover_rate")["2024-03", "care_homes"]
    assert turnover.basis == "Skills for Care ASC-WDS estimate"
    # no area-wide turnover: H1's own figure is the segment's, from 1 of the register's 2 care
    # homes (H1, H2), so partial coverage
    assert turnover.quality == "partial"
    assert turnover.coverage == "providers"
    assert turnover.note and turnover.note.startswith("1 of 2 providers report; ")
    assert "Skills for Care" in turnover.note
    assert turnover.to_dict()["note"] == turnover.note
    homes = table(results, "staff_in_post_fte")["2024-03", "care_homes"]
    assert homes.basis == "Skills for Care ASC-WDS estimate"
    assert (homes.quality, homes.coverage) == ("estimate", "area")
    assert homes.sources == ("aggregate:E09000001:2024-03",)
    assert homes.note and homes.note.startswith(
        "estimate for the whole area; 1 provider also reports its own figures"
    )
    nhs = table(results, "staff_in_post_fte")["2024-03", "secondary_care"]
    assert (nhs.basis, nhs.quality, nhs.note) == ("fte", "actual", None)
    dentistry = table(results, "vacancy_rate")["2024-03", "dentistry"]
    assert (dentistry.numerator, dentistry.denominator, dentistry.note) == (15, 100, None)
    assert dentistry.coverage == "area"


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


# The demo's shape (issue 11): Skills for Care's area-wide estimate for the care homes in both
# Marches; in 2025-03 one care home (H1) also sends its ASC-WDS worker file (two workers of
# 0.8 FTE, computed as staff in post) and another (H2) its own return of 40 FTE.
ESTIMATED_ORGANISATIONS = """
    org_code | segment    | place | sector
    H1       | care_homes | North | independent
    H2       | care_homes | South | independent
    H3       | care_homes | South | independent
"""
ESTIMATED_STAFF = """
    period  | org_code | person_id | staff_group | fte
    2025-03 | H1       | w1        | care_worker | 0.8
    2025-03 | H1       | w2        | care_worker | 0.8
"""
ESTIMATED_AGGREGATE = """
    period  | segment    | org_code | area_code | metric            | value   | unit | numerator | denominator | basis                            | quality
    2024-03 | care_homes | -        | E1        | staff_in_post_fte | 13028.8 | fte  | -         | -           | Skills for Care ASC-WDS estimate | estimate
    2025-03 | care_homes | -        | E1        | staff_in_post_fte | 13444.0 | fte  | -         | -           | Skills for Care ASC-WDS estimate | estimate
    2025-03 | care_homes | H2       | -         | staff_in_post_fte | 40      | fte  | -         | -           | provider return                  | actual
    2025-03 | care_homes | -        | E1        | vacancy_rate      | 10      | percent | 10     | 100         | Skills for Care ASC-WDS estimate | estimate
    2025-03 | care_homes | H2       | -         | vacancy_rate      | 25      | percent | 5      | 20          | provider return                  | actual
    2025-03 | dentistry  | -        | X1        | vacancy_rate      | 20      | percent | 10     | 50          | dental workforce survey          | actual
"""


def estimated_source():
    return make_source(
        organisations=ESTIMATED_ORGANISATIONS,
        staff_in_post=ESTIMATED_STAFF,
        aggregate=ESTIMATED_AGGREGATE,
    )


def test_an_area_wide_estimate_is_the_segment_figure_in_both_years(engine):
    results = engine(estimated_source(), ["staff_in_post_fte"], None, by=["segment"])
    # both years from the estimate: 13,028.8 then 13,444.0 FTE (+3.2%: 13444.0 / 13028.8 =
    # 1.0319), not H1's 0.8 + 0.8 = 1.6 FTE computed from its worker file, and not
    # 13,444.0 + 1.6 + 40
    assert_values(
        results,
        "staff_in_post_fte",
        {("2024-03", "care_homes"): 13028.8, ("2025-03", "care_homes"): 13444.0},
    )
    now = table(results, "staff_in_post_fte")["2025-03", "care_homes"]
    assert now.coverage == "area"
    # H1 (worker file) and H2 (own return) report their own figures
    assert now.note and now.note.startswith(
        "estimate for the whole area; 2 providers also report their own figures"
    )


def test_providers_keep_their_own_figures_beside_the_estimate(engine):
    results = engine(estimated_source(), ["staff_in_post_fte"], ["2025-03"], by=["org_code"])
    # H1: 0.8 + 0.8 = 1.6 FTE computed; H2: its return of 40 FTE
    assert_values(results, "staff_in_post_fte", {("2025-03", "H1"): 1.6, ("2025-03", "H2"): 40.0})


def test_without_an_estimate_the_providers_figures_are_partial(engine):
    results = engine(
        estimated_source(), ["staff_in_post_fte"], ["2025-03"], by=["place", "segment"]
    )
    # no estimate is placed in a place: North's one care home (H1) reports, 1.6 FTE; South's
    # figure is H2's 40 FTE, and H3 (the other South care home) sends nothing: 1 of 2
    assert_values(
        results,
        "staff_in_post_fte",
        {("2025-03", "North", "care_homes"): 1.6, ("2025-03", "South", "care_homes"): 40.0},
    )
    found = table(results, "staff_in_post_fte")
    assert found["2025-03", "North", "care_homes"].coverage == "providers"
    south = found["2025-03", "South", "care_homes"]
    assert (south.coverage, south.quality) == ("providers", "partial")
    assert south.note and south.note.startswith("1 of 2 providers report")


def test_the_system_figure_takes_each_segment_by_the_same_rule(engine):
    results = engine(estimated_source(), ["vacancy_rate"], ["2025-03"])
    # no person-level vacancy, so the aggregate rows give the system figure: the care homes'
    # estimate (10 / 100; H2's 5 / 20 is inside it) pooled with dentistry's 10 / 50:
    # (10 + 10) / (100 + 50) = 20 / 150, not (10 + 5 + 10) / (100 + 20 + 50) = 25 / 170
    assert_values(results, "vacancy_rate", {("2025-03",): 20 / 150})
