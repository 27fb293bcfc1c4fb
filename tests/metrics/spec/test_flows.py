"""Turnover, leaver rate, joiner rate and stability over the 12 months to p (§2).

Turnover counts organisation leavers (moves to another partner and changes of staff group
count) and sums them over organisations; the leaver rate counts only the loss to the system
(someone in no partner organisation at p); stability counts people still in the group.
"""

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place | partner
    A        | secondary_care | North | true
    B        | nhs_community  | South | true
    C        | secondary_care | North | false
"""

# p = 2024-03, p-12 = 2023-03.
# p1 stays in A nursing.           p2 moves from A to B (a partner), still nursing.
# p3 stays in A, nursing -> managers.  p4 leaves altogether.
# p5 stays in B ahp.                p6 moves from B to C, which is not a partner.
# p7 joins A nursing.
STAFF = """
    period  | org_code | person_id | staff_group
    2023-03 | A        | p1        | nursing_midwifery
    2023-03 | A        | p2        | nursing_midwifery
    2023-03 | A        | p3        | nursing_midwifery
    2023-03 | A        | p4        | nursing_midwifery
    2023-03 | B        | p5        | ahp
    2023-03 | B        | p6        | ahp
    2024-03 | A        | p1        | nursing_midwifery
    2024-03 | B        | p2        | nursing_midwifery
    2024-03 | A        | p3        | managers
    2024-03 | B        | p5        | ahp
    2024-03 | C        | p6        | ahp
    2024-03 | A        | p7        | nursing_midwifery
"""

FLOWS = ["turnover_rate", "leaver_rate", "joiner_rate", "stability_index"]


def source():
    return make_source(organisations=ORGANISATIONS, staff_in_post=STAFF)


def test_organisation_level(engine):
    results = engine(source(), FLOWS, ["2024-03"], by=["org_code"])
    # A at p-12 {p1 p2 p3 p4}, at p {p1 p3 p7}: mean (4 + 3) / 2 = 3.5.
    # B at p-12 {p5 p6}, at p {p2 p5}: mean (2 + 2) / 2 = 2.
    # Turnover: A loses p2 (moved to B) and p4 -> 2 / 3.5; B loses p6 -> 1 / 2.
    assert_values(results, "turnover_rate", {("2024-03", "A"): 2 / 3.5, ("2024-03", "B"): 0.5})
    # Leaver rate: p2 is in B at p, a transfer; only p4 is lost from A -> 1 / 3.5.
    # p6 is in C, not a partner: lost to the system -> 1 / 2.
    assert_values(results, "leaver_rate", {("2024-03", "A"): 1 / 3.5, ("2024-03", "B"): 0.5})
    # Joiners: A gains p7 -> 1 / 3.5; B gains p2 -> 1 / 2.
    assert_values(results, "joiner_rate", {("2024-03", "A"): 1 / 3.5, ("2024-03", "B"): 0.5})
    # Stability: A keeps p1 and p3 of 4 -> 0.5; B keeps p5 of 2 -> 0.5.
    assert_values(results, "stability_index", {("2024-03", "A"): 0.5, ("2024-03", "B"): 0.5})
    turnover_a = table(results, "turnover_rate")["2024-03", "A"]
    assert (turnover_a.numerator, turnover_a.denominator) == (2, 3.5)


def test_system_level(engine):
    results = engine(source(), FLOWS, ["2024-03"])
    # Turnover: the organisations' leavers over the sum of their means: (2 + 1) / (3.5 + 2).
    # Joiners the same way: (1 + 1) / 5.5.
    # Leaver rate: the system at p-12 {p1..p6} = 6, at p {p1 p2 p3 p5 p7} = 5 (p6 is in C);
    # lost: p4 and p6 -> 2 / 5.5.  Stability: p1 p2 p3 p5 of 6 -> 4 / 6.
    assert_values(results, "turnover_rate", {("2024-03",): 3 / 5.5})
    assert_values(results, "joiner_rate", {("2024-03",): 2 / 5.5})
    assert_values(results, "leaver_rate", {("2024-03",): 2 / 5.5})
    assert_values(results, "stability_index", {("2024-03",): 4 / 6})


def test_by_staff_group_a_change_of_group_is_leaving_it(engine):
    results = engine(source(), FLOWS, ["2024-03"], by=["staff_group"])
    # Turnover sums organisation x staff group cells:
    #   A nursing: p-12 {p1 p2 p3 p4}, p {p1 p7}: leavers p2 p3 p4 = 3, mean 3.
    #   B nursing: p-12 {}, p {p2}: leavers 0, mean 0.5.      -> nursing 3 / 3.5
    #   B ahp: p-12 {p5 p6}, p {p5}: leavers 1, mean 1.5       -> ahp 1 / 1.5
    #   A managers: p-12 {}, p {p3}: 0 / 0.5                    -> managers 0
    assert_values(
        results,
        "turnover_rate",
        {
            ("2024-03", "ahp"): 1 / 1.5,
            ("2024-03", "managers"): 0.0,
            ("2024-03", "nursing_midwifery"): 3 / 3.5,
        },
    )
    # Leaver rate, by staff group: nursing anywhere at p-12 {p1 p2 p3 p4}; at p in no partner
    # as nursing: p3 (now a manager) and p4 -> 2; nursing at p {p1 p2 p7} = 3 -> 2 / 3.5.
    # ahp: {p5 p6}, p6 lost, ahp at p {p5} -> 1 / 1.5.  managers: 0 / 0.5.
    assert_values(
        results,
        "leaver_rate",
        {
            ("2024-03", "ahp"): 1 / 1.5,
            ("2024-03", "managers"): 0.0,
            ("2024-03", "nursing_midwifery"): 2 / 3.5,
        },
    )
    # Joiners (organisation x staff group): nursing A p7 + B p2 = 2 / 3.5; managers A p3
    # 1 / 0.5; ahp none 0 / 1.5.
    assert_values(
        results,
        "joiner_rate",
        {
            ("2024-03", "ahp"): 0.0,
            ("2024-03", "managers"): 2.0,
            ("2024-03", "nursing_midwifery"): 2 / 3.5,
        },
    )
    # Stability by staff group: nursing p1 p2 of 4 -> 0.5; ahp p5 of 2 -> 0.5; managers had
    # nobody at p-12: no denominator, no value.
    assert_values(
        results,
        "stability_index",
        {
            ("2024-03", "ahp"): 0.5,
            ("2024-03", "managers"): None,
            ("2024-03", "nursing_midwifery"): 0.5,
        },
    )


def test_above_organisation_level_by_place(engine):
    # North is A only (C is not a partner), South is B only: as the organisation level.
    results = engine(source(), ["turnover_rate", "leaver_rate"], ["2024-03"], by=["place"])
    assert_values(
        results, "turnover_rate", {("2024-03", "North"): 2 / 3.5, ("2024-03", "South"): 0.5}
    )
    assert_values(
        results, "leaver_rate", {("2024-03", "North"): 1 / 3.5, ("2024-03", "South"): 0.5}
    )


def test_no_flow_without_data_a_year_before(engine):
    # 2023-03 has no p-12 in the data: no flow is computed rather than a 100% joiner rate.
    results = engine(source(), FLOWS, ["2023-03"])
    assert results == []
    results = engine(source(), FLOWS)
    assert {r.period for r in results} == {"2024-03"}


def test_an_organisation_missing_at_one_end_is_left_out(engine):
    # D submitted at p only: its staff are neither joiners nor in any denominator.
    orgs = ORGANISATIONS + "    D        | secondary_care | East  | true\n"
    staff = STAFF + "    2024-03 | D        | p9        | nursing_midwifery\n"
    results = engine(make_source(organisations=orgs, staff_in_post=staff), FLOWS, ["2024-03"])
    assert_values(results, "joiner_rate", {("2024-03",): 2 / 5.5})
    assert_values(results, "stability_index", {("2024-03",): 4 / 6})


def test_flow_sources_are_both_ends(engine):
    results = engine(source(), ["turnover_rate"], ["2024-03"], by=["org_code"])
    assert table(results, "turnover_rate")["2024-03", "A"].sources == (
        "staff_in_post:A:2023-03",
        "staff_in_post:A:2024-03",
    )


def test_each_flow_alone_equals_the_flows_computed_together(engine):
    # Together, turnover and the joiner rate are one query, the leaver rate and stability
    # another (the same rows and bits; compiler.flows): each figure must be what the flow
    # gives when asked for alone, to the last bit. By staff group: the organisation-counted
    # flows are summed over organisations there, the level-counted ones are not. (The tests
    # above check the four together against figures worked out by hand, for every split.)
    together = engine(source(), FLOWS, ["2024-03"], by=["staff_group"])
    for code in FLOWS:
        alone = engine(source(), [code], ["2024-03"], by=["staff_group"])
        want = {k: (r.value, r.numerator, r.denominator) for k, r in table(alone, code).items()}
        got = {k: (r.value, r.numerator, r.denominator) for k, r in table(together, code).items()}
        assert want, code  # something to compare
        assert got == want, code
