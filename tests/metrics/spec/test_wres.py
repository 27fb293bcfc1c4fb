"""WRES indicator 1: BME share of headcount with a stated ethnic group, by band cluster (§8)."""

from __future__ import annotations

from .checks import assert_values
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
"""

# w5 holds two band-6 assignments (one person); w10 is bank (out); w11 has no ethnic group;
# w3 has not stated it; w9 is on band "other", in no cluster.
STAFF = """
    period  | org_code | person_id | staff_group        | band    | ethnic_group | contract_type
    2024-03 | A        | w1        | healthcare_support | band_2  | white        | permanent
    2024-03 | A        | w2        | healthcare_support | band_3  | bme          | permanent
    2024-03 | A        | w3        | admin_clerical      | band_4  | not_stated   | permanent
    2024-03 | A        | w4        | nursing_midwifery  | band_5  | bme          | permanent
    2024-03 | A        | w5        | nursing_midwifery  | band_6  | bme          | permanent
    2024-03 | A        | w5        | nursing_midwifery  | band_6  | bme          | fixed_term
    2024-03 | A        | w6        | managers           | band_8a | white        | permanent
    2024-03 | A        | w7        | medical_dental     | medical | bme          | permanent
    2024-03 | A        | w8        | managers           | vsm     | white        | permanent
    2024-03 | A        | w9        | other              | other   | bme          | permanent
    2024-03 | A        | w10       | nursing_midwifery  | band_5  | bme          | bank
    2024-03 | A        | w11       | nursing_midwifery  | band_7  | -            | permanent
"""


def test_bme_share_by_band_cluster(engine):
    results = engine(
        make_source(organisations=ORGANISATIONS, staff_in_post=STAFF), ["wres_bme_share"]
    )
    assert_values(
        results,
        "wres_bme_share",
        {
            ("2024-03", "bands_1_4"): 1 / 2,  # w2 of w1, w2 (w3 not stated)
            ("2024-03", "bands_5_7"): 2 / 2,  # w4, w5 (counted once); w11 unknown, w10 bank
            ("2024-03", "bands_8a_8b"): 0 / 1,  # w6
            ("2024-03", "bands_8c_9_vsm"): 0 / 1,  # w8
            ("2024-03", "medical"): 1 / 1,  # w7
            ("2024-03", "all"): 5 / 8,  # w2 w4 w5 w7 w9 of w1 w2 w4 w5 w6 w7 w8 w9
        },
    )


def test_bme_share_by_organisation_keeps_the_cluster(engine):
    results = engine(
        make_source(organisations=ORGANISATIONS, staff_in_post=STAFF),
        ["wres_bme_share"],
        by=["org_code"],
    )
    got = {(r.dimensions["org_code"], r.dimensions["band_cluster"]) for r in results}
    assert ("A", "all") in got and ("A", "medical") in got and len(got) == 6
    assert list(results[0].dimensions) == ["org_code", "band_cluster"]
