"""Sickness absence: FTE days lost over FTE days available, pooled, never a mean of rates (§3)."""

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
    B        | nhs_community  | South
"""

# A nursing loses 5 of 100 days each month from 2023-04 to 2024-02, then 30 of 300 in
# 2024-03; B ahp reports only 2024-03: 1 of 100.
SICKNESS = "\n".join(
    ["period  | org_code | staff_group       | fte_days_lost | fte_days_available"]
    + [f"2023-{m:02d} | A | nursing_midwifery | 5 | 100" for m in range(4, 13)]
    + [f"2024-{m:02d} | A | nursing_midwifery | 5 | 100" for m in range(1, 3)]
    + ["2024-03 | A | nursing_midwifery | 30 | 300", "2024-03 | B | ahp | 1 | 100"]
)


def source():
    return make_source(organisations=ORGANISATIONS, sickness_absence=SICKNESS)


def test_month_rate_is_pooled_over_organisations(engine):
    # (30 + 1) / (300 + 100) = 0.0775, not the mean of 10% and 1% (5.5%).
    results = engine(source(), ["sickness_absence_rate"], ["2024-03"])
    assert_values(results, "sickness_absence_rate", {("2024-03",): 31 / 400})
    by_org = engine(source(), ["sickness_absence_rate"], ["2024-03"], by=["org_code"])
    assert_values(by_org, "sickness_absence_rate", {("2024-03", "A"): 0.1, ("2024-03", "B"): 0.01})


def test_twelve_month_rate_pools_the_days(engine):
    # 2023-04..2024-03: lost 11 x 5 + 30 + 1 = 86; available 11 x 100 + 300 + 100 = 1500.
    # The mean of the twelve monthly system rates would be (11 x 5% + 7.75%) / 12 = 5.23%.
    results = engine(source(), ["sickness_absence_rate_12m"], ["2024-03"])
    assert_values(results, "sickness_absence_rate_12m", {("2024-03",): 86 / 1500})
    result = table(results, "sickness_absence_rate_12m")["2024-03",]
    assert (result.numerator, result.denominator, result.quality) == (86, 1500, "actual")
    assert len(result.sources) == 13  # A's twelve months and B's one


def test_an_incomplete_window_is_partial(engine):
    # 2024-02: the window 2023-03..2024-02 has 11 months of data: 55 / 1100, partial.
    results = engine(source(), ["sickness_absence_rate_12m"], ["2024-02"])
    assert_values(results, "sickness_absence_rate_12m", {("2024-02",): 0.05})
    assert table(results, "sickness_absence_rate_12m")["2024-02",].quality == "partial"


def test_by_staff_group_twelve_months(engine):
    # nursing: (55 + 30) / (1100 + 300); ahp: 1 / 100 with one month of twelve (partial).
    results = engine(source(), ["sickness_absence_rate_12m"], ["2024-03"], by=["staff_group"])
    assert_values(
        results,
        "sickness_absence_rate_12m",
        {
            ("2024-03", "ahp"): 0.01,
            ("2024-03", "nursing_midwifery"): 85 / 1400,
        },
    )
    assert table(results, "sickness_absence_rate_12m")["2024-03", "ahp"].quality == "partial"


def test_results_only_for_months_with_data(engine):
    # Every month from 2023-04 to 2024-03 has data; none after.
    results = engine(source(), ["sickness_absence_rate"])
    assert len(results) == 12
    assert engine(source(), ["sickness_absence_rate"], ["2024-04"]) == []


# Published files: A gives its total ("All staff groups": 40 of 400 days) and two staff
# groups, one suppressed; B gives one staff group and no total.
PUBLISHED = """
    period  | org_code | staff_group       | fte_days_lost | fte_days_available
    2024-03 | A        | all_staff_groups  | 40            | 400
    2024-03 | A        | nursing_midwifery | 30            | 300
    2024-03 | A        | ahp               | -             | -
    2024-03 | B        | ahp               | 1             | 100
"""


def published():
    return make_source(organisations=ORGANISATIONS, sickness_absence=PUBLISHED)


def test_published_total_is_the_organisations_figure(engine):
    # system: A's total 40/400 pooled with B's 1/100 = 41/500 = 0.082; the suppressed cell
    # behind A's total marks the system figure and A's as partly suppressed
    results = engine(published(), ["sickness_absence_rate"], ["2024-03"])
    assert_values(results, "sickness_absence_rate", {("2024-03",): 41 / 500})
    assert table(results, "sickness_absence_rate")["2024-03",].quality == "partly_suppressed"
    by_org = engine(published(), ["sickness_absence_rate"], ["2024-03"], by=["org_code"])
    assert_values(by_org, "sickness_absence_rate", {("2024-03", "A"): 0.1, ("2024-03", "B"): 0.01})
    qualities = {k: r.quality for k, r in table(by_org, "sickness_absence_rate").items()}
    assert qualities == {("2024-03", "A"): "partly_suppressed", ("2024-03", "B"): "actual"}


def test_suppressed_cells_stay_suppressed_in_staff_group_splits(engine):
    # nursing 30/300 = 0.1; ahp: A's cell is suppressed, so only B's 1/100 = 0.01, marked;
    # the total is not a staff group
    by_group = engine(published(), ["sickness_absence_rate"], ["2024-03"], by=["staff_group"])
    assert_values(
        by_group,
        "sickness_absence_rate",
        {("2024-03", "ahp"): 0.01, ("2024-03", "nursing_midwifery"): 0.1},
    )
    assert table(by_group, "sickness_absence_rate")["2024-03", "ahp"].quality == (
        "partly_suppressed"
    )
    cells = engine(
        published(), ["sickness_absence_rate"], ["2024-03"], by=["org_code", "staff_group"]
    )
    # A's ahp cell has no value (suppressed), never 0
    assert_values(
        cells,
        "sickness_absence_rate",
        {
            ("2024-03", "A", "ahp"): None,
            ("2024-03", "A", "nursing_midwifery"): 0.1,
            ("2024-03", "B", "ahp"): 0.01,
        },
    )


# ESR and NHS Workforce Statistics groups side by side in one organisation
MIXED = """
    period  | org_code | staff_group        | fte_days_lost | fte_days_available
    2024-03 | A        | nursing_midwifery  | 10            | 100
    2024-03 | A        | midwives           | 5             | 100
    2024-03 | A        | healthcare_support | 6             | 100
    2024-03 | A        | support_stt        | 4             | 100
    2024-03 | A        | central_functions  | 2             | 100
    2024-03 | A        | students           | 1             | 50
"""


def test_split_by_either_classification_or_the_cross_sector_level(engine):
    source = make_source(organisations=ORGANISATIONS, sickness_absence=MIXED)
    by_group = engine(source, ["sickness_absence_rate"], ["2024-03"], by=["staff_group"])
    # each official group on its own: ESR nursing 10/100, NWS midwives 5/100, never merged
    assert table(by_group, "sickness_absence_rate")["2024-03", "nursing_midwifery"].value == 0.1
    assert table(by_group, "sickness_absence_rate")["2024-03", "midwives"].value == 0.05
    by_level = engine(source, ["sickness_absence_rate"], ["2024-03"], by=["staff_category"])
    # registered clinical: (10 + 5) / 200; clinical support: (6 + 4) / 200;
    # infrastructure and management: 2 / 100; other (students): 1 / 50
    assert_values(
        by_level,
        "sickness_absence_rate",
        {
            ("2024-03", "registered_clinical"): 0.075,
            ("2024-03", "clinical_support"): 0.05,
            ("2024-03", "infrastructure_management"): 0.02,
            ("2024-03", "other"): 0.02,
        },
    )
