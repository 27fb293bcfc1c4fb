"""FTE is added up exactly on the SQL engines: each value rounded to ten decimal places, the
total made a double once, so a figure does not depend on the order an engine's threads add
in (compiler.fte_sum). The reference engine adds doubles, as the definitions read: its
figures are the same to 1e-9, the spec's tolerance.

The expected totals are worked out here with Python's decimals, not by the code under test.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from .checks import table
from .tables import make_source

ORGANISATIONS = """
    org_code | segment        | place
    A        | secondary_care | North
    B        | nhs_community  | South
"""

# FTE with no exact binary form (0.1, 0.7), with more than ten decimal places (a third, two
# thirds of a post: 12.5 and 25 of 37.5 hours), and large values, over two bands and two
# organisations, so that the total is a sum of sums.
FTE = {
    ("A", "p1", "band_5"): 0.1,
    ("A", "p2", "band_5"): 0.2,
    ("A", "p3", "band_6"): 0.7,
    ("A", "p4", "band_6"): 12.5 / 37.5,
    ("B", "p5", "band_5"): 25 / 37.5,
    ("B", "p6", "band_5"): 0.53,
    ("B", "p7", "band_7"): 123456.789,
}
STAFF = "    period  | org_code | person_id | staff_group       | band   | fte\n" + "".join(
    f"    2024-03 | {org} | {person} | nursing_midwifery | {band} | {fte!r}\n"
    for (org, person, band), fte in FTE.items()
)


def exact(values):
    """The sum of the values, each rounded half up to ten places, as a double."""
    places = Decimal("1e-10")
    return float(sum(Decimal(repr(v)).quantize(places, ROUND_HALF_UP) for v in values))


def test_fte_totals_are_exact_sums_at_every_level(engine, request):
    exactly = request.node.callspec.params["engine"] != "reference"
    results = engine(
        make_source(organisations=ORGANISATIONS, staff_in_post=STAFF),
        ["staff_in_post_fte"],
        ["2024-03"],
        by=["org_code"],
    )
    got = {key: r.value for key, r in table(results, "staff_in_post_fte").items()}
    want = {("2024-03", org): exact(v for (o, _, _), v in FTE.items() if o == org) for org in "AB"}
    if exactly:
        assert got == want  # to the last bit
    assert got == pytest.approx(want, rel=1e-9)
    system = engine(
        make_source(organisations=ORGANISATIONS, staff_in_post=STAFF),
        ["staff_in_post_fte"],
        ["2024-03"],
    )
    total = table(system, "staff_in_post_fte")["2024-03",].value
    if exactly:
        assert total == exact(FTE.values())
    assert total == pytest.approx(exact(FTE.values()), rel=1e-9)
    # the doubles added in the rows' order are not that (A's a third is rounded to ten
    # places): the test can tell an inexact sum from an exact one
    in_a = [v for (org, _, _), v in FTE.items() if org == "A"]
    assert sum(in_a) != exact(in_a)
