"""Staff in post: headcount counts each person once at each level; bank is never in post (§1)."""

from __future__ import annotations

from .checks import assert_values, table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place | partner
    A        | secondary_care | North | true
    B        | nhs_community  | South | true
    C        | secondary_care | North | false
"""

# q1 works in two staff groups in A, and on the bank in B (bank is not staff in post).
# q2 works in A and, fixed-term, in B: once in each, once in the system.
# q3 is a locum in B (locums are staff in post); q4 is bank only; q5 is in C, not a partner.
STAFF = """
    period  | org_code | person_id | staff_group        | band   | fte | contract_type
    2024-03 | A        | q1        | nursing_midwifery  | band_5 | 0.6 | permanent
    2024-03 | A        | q1        | healthcare_support | band_3 | 0.4 | permanent
    2024-03 | B        | q1        | nursing_midwifery  | band_5 | 0.2 | bank
    2024-03 | A        | q2        | nursing_midwifery  | band_5 | 1.0 | permanent
    2024-03 | B        | q2        | nursing_midwifery  | band_5 | 0.5 | fixed_term
    2024-03 | B        | q3        | ahp                | band_6 | 1.0 | locum
    2024-03 | B        | q4        | ahp                | band_6 | 1.0 | bank
    2024-03 | C        | q5        | nursing_midwifery  | band_5 | 1.0 | permanent
"""


def source():
    return make_source(organisations=ORGANISATIONS, staff_in_post=STAFF)


def test_headcount_counts_each_person_once_in_the_system(engine):
    # q1, q2, q3: q1's bank row and q4 are bank, q5 is in a non-partner organisation.
    results = engine(source(), ["staff_in_post_headcount"])
    assert_values(results, "staff_in_post_headcount", {("2024-03",): 3})


def test_headcount_counts_a_person_once_in_each_organisation(engine):
    # A: q1, q2 -> 2.  B: q2, q3 -> 2 (q1 is only bank in B).  2 + 2 > 3: orgs do not add up.
    results = engine(source(), ["staff_in_post_headcount"], by=["org_code"])
    assert_values(results, "staff_in_post_headcount", {("2024-03", "A"): 2, ("2024-03", "B"): 2})


def test_headcount_counts_a_person_once_in_each_staff_group(engine):
    # nursing: q1, q2 -> 2.  support: q1 -> 1.  ahp: q3 -> 1.  Sum 4, system 3.
    results = engine(source(), ["staff_in_post_headcount"], by=["staff_group"])
    assert_values(
        results,
        "staff_in_post_headcount",
        {
            ("2024-03", "ahp"): 1,
            ("2024-03", "healthcare_support"): 1,
            ("2024-03", "nursing_midwifery"): 2,
        },
    )


def test_two_dimensions_together(engine):
    # A nursing: q1, q2.  A support: q1.  B nursing: q2 (q1's bank row is out).  B ahp: q3.
    results = engine(
        source(), ["staff_in_post_headcount", "staff_in_post_fte"], by=["org_code", "staff_group"]
    )
    assert_values(
        results,
        "staff_in_post_headcount",
        {
            ("2024-03", "A", "healthcare_support"): 1,
            ("2024-03", "A", "nursing_midwifery"): 2,
            ("2024-03", "B", "ahp"): 1,
            ("2024-03", "B", "nursing_midwifery"): 1,
        },
    )
    # FTE: A nursing 0.6 + 1.0; A support 0.4; B ahp 1.0 (locum); B nursing 0.5.
    assert_values(
        results,
        "staff_in_post_fte",
        {
            ("2024-03", "A", "healthcare_support"): 0.4,
            ("2024-03", "A", "nursing_midwifery"): 1.6,
            ("2024-03", "B", "ahp"): 1.0,
            ("2024-03", "B", "nursing_midwifery"): 0.5,
        },
    )


def test_fte_sums_non_bank_assignments(engine):
    # 0.6 + 0.4 + 1.0 (A) + 0.5 + 1.0 (B) = 3.5; bank 0.2 and 1.0 and C's 1.0 are out.
    results = engine(source(), ["staff_in_post_fte"])
    assert_values(results, "staff_in_post_fte", {("2024-03",): 3.5})
    result = table(results, "staff_in_post_fte")["2024-03",]
    assert (result.unit, result.basis, result.quality, result.denominator) == (
        "fte",
        "fte",
        "actual",
        None,
    )


def test_place_and_segment_come_from_the_register(engine):
    # North is A (q1, q2); South is B (q2, q3); C is North but not a partner.
    results = engine(source(), ["staff_in_post_headcount"], by=["place"])
    assert_values(
        results, "staff_in_post_headcount", {("2024-03", "North"): 2, ("2024-03", "South"): 2}
    )
    results = engine(source(), ["staff_in_post_headcount"], by=["segment"])
    assert_values(
        results,
        "staff_in_post_headcount",
        {("2024-03", "nhs_community"): 2, ("2024-03", "secondary_care"): 2},
    )


def test_headcount_by_band(engine):
    # band_5: q1 (A nursing), q2 -> 2.  band_3: q1 -> 1.  band_6: q3 -> 1.
    results = engine(source(), ["staff_in_post_headcount"], by=["band"])
    assert_values(
        results,
        "staff_in_post_headcount",
        {
            ("2024-03", "band_3"): 1,
            ("2024-03", "band_5"): 2,
            ("2024-03", "band_6"): 1,
        },
    )


def test_system_in_by_is_no_split(engine):
    results = engine(source(), ["staff_in_post_headcount"], by=["system"])
    assert_values(results, "staff_in_post_headcount", {("2024-03",): 3})
    assert results[0].to_dict().keys() == {
        "metric",
        "period",
        "value",
        "numerator",
        "denominator",
        "unit",
        "basis",
        "quality",
        "sources",
    }


def test_sources_are_the_submissions_of_the_group(engine):
    results = engine(source(), ["staff_in_post_headcount"], by=["org_code"])
    by_org = table(results, "staff_in_post_headcount")
    assert by_org["2024-03", "A"].sources == ("staff_in_post:A:2024-03",)
    system = engine(source(), ["staff_in_post_headcount"])
    assert system[0].sources == ("staff_in_post:A:2024-03", "staff_in_post:B:2024-03")


def test_headcount_by_cross_sector_level_counts_a_person_once(engine):
    # registered clinical (nursing_midwifery, ahp): q1, q2, q3 -> 3 people (q1 and q2 are in
    # it once, though q2 is in two organisations); clinical support (healthcare_support): q1.
    results = engine(source(), ["staff_in_post_headcount"], by=["staff_category"])
    assert_values(
        results,
        "staff_in_post_headcount",
        {("2024-03", "registered_clinical"): 3, ("2024-03", "clinical_support"): 1},
    )
    # FTE: registered clinical 0.6 + 1.0 + 0.5 + 1.0 = 3.1; clinical support 0.4
    fte = engine(source(), ["staff_in_post_fte"], by=["staff_category"])
    assert_values(
        fte,
        "staff_in_post_fte",
        {("2024-03", "registered_clinical"): 3.1, ("2024-03", "clinical_support"): 0.4},
    )
