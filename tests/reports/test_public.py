"""The public pack: disclosure control on every figure, aggregates only, no small number."""

from __future__ import annotations

import pytest

from oneworkforce.reports import freeze
from oneworkforce.reports.options import PackOptions
from tests.reports.conftest import all_cells, row_of, table_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(pack_home, registers):
    return freeze.make(pack_home.home, PackOptions(public=True), actor="analyst1")


def test_no_small_count_of_people_survives(public):
    people = [c for c in all_cells(public.content) if c["unit"] in ("fte", "headcount")]
    assert people, "the pack has figures of people to check"
    for cell in people:
        value = cell["value"]
        # suppressed (None), zero, or at least 8 and a multiple of 5 (HES 2018 rules)
        assert value is None or value == 0 or (abs(value) >= 8 and value % 5 == 0), cell
    mdc = next(s for s in public.content["sections"] if s["id"] == "making_data_count")
    chart = next(b for b in mdc["blocks"] if b.get("id") == "spc_staff_in_post_fte")
    for point in chart["spec"]["data"]["values"]:
        assert point["value"] % 5 == 0  # 8.8 FTE a month at most: 9 rounds to 10
        for key in ("mean", "upl", "lpl"):
            assert point[key] is None or point[key] % 5 == 0


def test_small_segments_are_suppressed_and_the_system_rounded(public):
    matrix = table_of(public.content, "people_story")
    # secondary care 4.0 FTE, community 2.8 (3), general practice 2.0: all below 8, and each
    # the figure of one organisation, so withheld first (issue 14: minimum organisations)
    for segment in ("Secondary care", "NHS community services", "General practice"):
        cell = row_of(matrix, segment)[1]
        assert cell["value"] is None and cell["suppressed"]
        assert cell["display"] == "withheld"
        assert cell["note"] == "Withheld: fewer than 2 organisations"
    fte = row_of(table_of(public.content, "mdc_summary"), "Staff in post (FTE)")[1]
    assert fte["value"] == 10 and fte["display"] == "10"  # 8.8 -> 9 -> nearest 5


@pytest.fixture
def public_one_organisation_allowed(pack_home, registers, monkeypatch):
    """A public pack with the minimum organisations per group turned off (1), so that the
    rounding of each one-organisation segment can be checked on its own."""
    monkeypatch.setenv("ONEWORKFORCE_MIN_ORGANISATIONS", "1")
    return freeze.make(pack_home.home, PackOptions(public=True), actor="analyst1")


def test_rates_come_from_rounded_counts(public_one_organisation_allowed):
    public = public_one_organisation_allowed
    matrix = table_of(public.content, "people_story")
    # RZA: 41 of 1000 days -> 40 / 1000 = 4.0%; RZB: 23 of 1000 -> 25 / 1000 = 2.5%
    assert row_of(matrix, "Secondary care")[3]["value"] == pytest.approx(0.040)
    assert row_of(matrix, "NHS community services")[3]["value"] == pytest.approx(0.025)
    # system: 64 of 2000 -> 65 / 2000 = 3.25%
    sick = row_of(table_of(public.content, "mdc_summary"), "Sickness absence rate (month)")
    assert sick[1]["value"] == pytest.approx(0.0325)


def test_no_organisation_level_detail(public):
    ids = {b["id"] for s in public.content["sections"] for b in s["blocks"] if b["type"] == "table"}
    assert "agency_organisation" not in ids
    sources = table_of(public.content, "sources")
    assert [c["title"] for c in sources["columns"]] == [
        "Dataset",
        "File",
        "Submitted",
        "Months covered",
        "Organisations",
        "Submission",
    ]
    assert public.content["disclosure"]["disclosure_rules"] == "oneworkforce-interim-hes2018-sfc"
    cover = public.content["sections"][0]
    fields = {f["label"]: f["value"] for f in cover["blocks"][0]["items"]}
    assert fields["Report exempt from public disclosure"] == "No"


def test_public_and_full_packs_are_compared_with_their_own_kind(pack_home, registers):
    full = freeze.make(pack_home.home, PackOptions(), actor="a")
    first_public = freeze.make(pack_home.home, PackOptions(public=True), actor="a")
    assert first_public.manifest["previous_pack"] is None
    second_full = freeze.make(pack_home.home, PackOptions(), actor="a")
    assert second_full.manifest["previous_pack"] == str(full.id)


def test_a_hidden_place_cannot_be_recovered_from_the_system_total():
    """Secondary suppression (§10 item 3), worked by hand. Agency FTE: the system 40; places
    A 3, B 20, C 17. Controlled: 40 -> 40, 3 -> * (1 to 7), 20 -> 20, 17 -> 15. Shown alone,
    A is 40 - 20 - 15 = 5 within the rounding (the true 3), so the smallest other shown place,
    C (15), is suppressed too; the total stays."""
    from oneworkforce.metrics import disclosure
    from oneworkforce.reports.figures import Figures

    figures = Figures(public=True)
    total = figures.metric(40.0, "fte")
    parts = [figures.metric(v, "fte") for v in (3.0, 20.0, 17.0)]
    assert [p["value"] for p in parts] == [None, 20, 15]  # before: A recoverable
    protected = figures.protect(total, parts)
    assert [p["value"] for p in protected] == [None, 20, None]
    assert protected[2]["rule"] == disclosure.SECONDARY and protected[2]["suppressed"]
    assert total["value"] == 40
    # a full pack is not controlled; nothing to protect
    assert Figures(public=False).protect(total, parts) == parts


def test_a_withheld_place_counts_as_hidden_for_secondary_suppression():
    """A place withheld for standing for one organisation is as hidden as a small count: with
    the system 60 and places 25 (withheld), 20 and 15 shown, 60 - 20 - 15 = 25 would give it
    away, so the smaller shown place (15) is suppressed as well."""
    from oneworkforce.reports.figures import Figures

    figures = Figures(public=True)
    parts = [figures.withheld("fte", "fewer than 2 organisations")]
    parts += [figures.metric(v, "fte") for v in (20.0, 15.0)]
    protected = figures.protect(figures.metric(60.0, "fte"), parts)
    assert [p["value"] for p in protected] == [None, 20, None]
