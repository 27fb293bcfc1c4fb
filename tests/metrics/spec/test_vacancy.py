"""Vacancies: reported where given, else establishment minus substantive FTE, summed (§4)."""

from __future__ import annotations

from .checks import assert_values
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
    B        | nhs_community  | South
"""

# A ahp: permanent 1.0 + fixed-term 0.5 are substantive; the locum and the bank are not.
# A admin: 1.5 permanent against an establishment of 1.0 (a negative gap is kept).
# B submitted no staff in post in 2024-03.
STAFF = """
    period  | org_code | person_id | staff_group       | fte | contract_type
    2024-03 | A        | r1        | ahp               | 1.0 | permanent
    2024-03 | A        | r2        | ahp               | 0.5 | fixed_term
    2024-03 | A        | r3        | ahp               | 1.0 | locum
    2024-03 | A        | r4        | ahp               | 1.0 | bank
    2024-03 | A        | r5        | admin_clerical     | 1.5 | permanent
    2024-03 | A        | r6        | nursing_midwifery | 8.0 | permanent
"""

# A nursing reports 1.5 vacancies: used as given (not 10 - 8 = 2).
# A ahp: 5 - 1.5 = 3.5.  A managers: nobody in post, 2 - 0 = 2.  A admin: 1 - 1.5 = -0.5.
# B nursing: nothing reported and no staff in post from B: unknown, left out.
ESTABLISHMENT = """
    period  | org_code | staff_group       | establishment_fte | vacancy_fte
    2024-03 | A        | nursing_midwifery | 10                | 1.5
    2024-03 | A        | ahp               | 5                 | -
    2024-03 | A        | managers          | 2                 | -
    2024-03 | A        | admin_clerical     | 1                 | -
    2024-03 | B        | nursing_midwifery | 4                 | -
"""


def source():
    return make_source(
        organisations=ORGANISATIONS, staff_in_post=STAFF, establishment=ESTABLISHMENT
    )


def test_vacancy_fte_reported_or_derived(engine):
    results = engine(source(), ["vacancy_fte", "vacancy_rate"], by=["org_code"])
    # A: 1.5 + 3.5 + 2 - 0.5 = 6.5 over 10 + 5 + 2 + 1 = 18.  B: unknown.
    assert_values(results, "vacancy_fte", {("2024-03", "A"): 6.5, ("2024-03", "B"): None})
    assert_values(results, "vacancy_rate", {("2024-03", "A"): 6.5 / 18, ("2024-03", "B"): None})


def test_system_vacancy_rate_leaves_unknown_cells_out_of_both_terms(engine):
    # 6.5 / 18: B's establishment of 4 is not in the denominator.
    results = engine(source(), ["vacancy_rate"])
    assert_values(results, "vacancy_rate", {("2024-03",): 6.5 / 18})
    assert (results[0].numerator, results[0].denominator) == (6.5, 18)


def test_vacancy_by_staff_group(engine):
    results = engine(source(), ["vacancy_fte"], by=["staff_group"])
    assert_values(
        results,
        "vacancy_fte",
        {
            ("2024-03", "admin_clerical"): -0.5,
            ("2024-03", "ahp"): 3.5,
            ("2024-03", "managers"): 2.0,
            ("2024-03", "nursing_midwifery"): 1.5,
        },
    )


def test_vacancy_cannot_be_split_by_band(engine):
    import pytest

    with pytest.raises(ValueError, match="cannot be split"):
        engine(source(), ["vacancy_fte"], by=["band"])
    # Asked for every metric, those without bands are left out.
    assert {r.metric for r in engine(source(), None, by=["band"])} == {
        "staff_in_post_fte",
        "staff_in_post_headcount",
        "wres_bme_share",
    }
