"""Which stored results a changed slice can alter (worked out by hand from the definitions),
and which target SPC assurance uses."""

from __future__ import annotations

import pytest

from oneworkforce.metrics.catalogue import CATALOGUE
from oneworkforce.metrics.definitions import Target
from oneworkforce.metrics.impact import SPLITS, Change, affected, reach
from oneworkforce.metrics.periods import month_index, month_range
from oneworkforce.metrics.store import spc_target

REGISTER = {
    "RZA": ("North", "secondary_care"),
    "RZB": ("South", "nhs_community"),
    "B99001": ("North", "general_practice"),
}


def months(*labels):
    return tuple(month_index(x) for x in labels)


def span(start, end):
    return months(*month_range(start, end))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("staff_in_post_fte", months("2024-05")),
        ("sickness_absence_rate", months("2024-05")),
        # a 12-month flow reads p-12 and p
        ("turnover_rate", months("2024-05", "2025-05")),
        ("leaver_rate", months("2024-05", "2025-05")),
        # a rolling sum reads p-11..p
        ("sickness_absence_rate_12m", span("2024-05", "2025-04")),
        # year to date: the rest of the financial year (to March 2025)
        ("agency_share_of_paybill_fytd", span("2024-05", "2025-03")),
        # this year to date, and the same months of the next year (April 2025 compares
        # April 2024, not May)
        (
            "agency_cost_avoided_fytd",
            span("2024-05", "2025-03") + span("2025-05", "2026-03"),
        ),
    ],
)
def test_reach_of_a_changed_month(code, expected):
    assert reach(CATALOGUE.get(code), month_index("2024-05")) == expected


def test_reach_from_march_ends_with_the_financial_year():
    metric = CATALOGUE.get("agency_share_of_paybill_fytd")
    assert reach(metric, month_index("2024-03")) == months("2024-03")


def test_one_organisation_and_month_of_sickness():
    q = month_index("2024-05")
    scope = affected([Change("sickness_absence", "RZA", None, q)], REGISTER)
    assert scope is not None
    assert set(scope) == {s.name for s in SPLITS}
    assert scope["org_code"] == {
        ("sickness_absence_rate", q): frozenset({"RZA"}),
        **{("sickness_absence_rate_12m", m): frozenset({"RZA"}) for m in range(q, q + 12)},
    }
    assert scope["place"][("sickness_absence_rate", q)] == frozenset({"North"})
    assert scope["segment_staff_group"][("sickness_absence_rate", q)] == {"secondary_care"}
    assert scope["system"][("sickness_absence_rate", q)] is None
    assert scope["staff_group"][("sickness_absence_rate", q)] is None


def test_two_organisations_widen_the_groups_and_leavers_reach_every_group():
    q = month_index("2024-05")
    changes = [Change("staff_in_post", "RZA", None, q), Change("staff_in_post", "RZB", None, q)]
    scope = affected(changes, REGISTER)
    assert scope is not None
    assert scope["place"][("staff_in_post_headcount", q)] == {"North", "South"}
    assert scope["org_code"][("vacancy_rate", q)] == {"RZA", "RZB"}
    assert scope["org_code"][("leaver_rate", q)] is None
    assert scope["org_code"][("turnover_rate", q + 12)] == {"RZA", "RZB"}
    assert ("sickness_absence_rate", q) not in scope["org_code"]
    codes = {code for code, _ in scope["org_code"]}
    assert codes == {
        "staff_in_post_fte",
        "staff_in_post_headcount",
        "turnover_rate",
        "leaver_rate",
        "joiner_rate",
        "stability_index",
        "vacancy_fte",
        "vacancy_rate",
        "plan_variance_substantive_fte",
        "plan_variance_substantive_fte_pct",
        "wres_bme_share",
    }


def test_a_month_gaining_its_first_data_reaches_every_group():
    q = month_index("2024-05")
    scope = affected(
        [Change("sickness_absence", "RZA", None, q)],
        REGISTER,
        months_changed={("sickness_absence", q)},
    )
    assert scope is not None
    assert scope["org_code"][("sickness_absence_rate", q)] is None


def test_other_organisations_the_register_and_aggregate_figures():
    q = month_index("2024-05")
    assert affected([Change("staff_in_post", "RXX", None, q)], REGISTER) == {}
    assert affected([Change("organisations", "*", None, None)], REGISTER) is None
    scope = affected(
        [
            Change("aggregate", "E06000014", "care_homes", q),
            Change("aggregate", "B99001", "general_practice", q),
        ],
        REGISTER,
        aggregate_metrics={"turnover_rate", "wres_bme_share"},
    )
    assert scope == {
        "segment": {("turnover_rate", q): frozenset({"care_homes", "general_practice"})},
        "org_code": {("turnover_rate", q): frozenset({"B99001"})},
        "place": {("turnover_rate", q): frozenset({"North"})},
        # B99001 is in North and general practice; E06000014 is no partner, so has no place
        "place_segment": {("turnover_rate", q): frozenset({"North|general_practice"})},
    }


def test_an_aggregate_staff_in_post_figure_rebuilds_everything():
    # a segment sized by aggregate figures leaves the system and place totals of every month
    # (metrics/sources.py), so a return with a staff in post figure can change them all
    q = month_index("2025-03")
    change = Change("aggregate", "E06000014", "care_homes", q)
    for metric in ("staff_in_post_fte", "staff_in_post_headcount"):
        assert affected([change], REGISTER, aggregate_metrics={metric, "vacancy_rate"}) is None
    for other in ("vacancy_rate", "filled_posts"):
        assert affected([change], REGISTER, aggregate_metrics={other}) is not None


def test_spc_target_is_the_bound_on_the_side_that_matters():
    assert spc_target(CATALOGUE.get("sickness_absence_rate")) == 0.045
    assert spc_target(CATALOGUE.get("agency_share_of_paybill")) == 0.032
    assert spc_target(CATALOGUE.get("turnover_rate")) is None  # a range
    assert spc_target(CATALOGUE.get("staff_in_post_fte")) is None  # neutral, no target
    stability = CATALOGUE.get("stability_index")
    assert spc_target(stability.with_targets(Target("floor", lower=0.85))) == 0.85
    assert spc_target(stability.with_targets(Target("ceiling", upper=0.95))) is None
    neutral = CATALOGUE.get("joiner_rate").with_targets(Target("ceiling", upper=0.2))
    assert spc_target(neutral) is None
