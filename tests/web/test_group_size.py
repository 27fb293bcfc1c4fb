"""Issue 14, item 2: no organisation's figures through the back door. A figure shown to someone
who may not see organisations' own figures stands for at least two organisations (the
configured minimum), on the pages, the downloads and the API, or says why it is withheld.

The story data (tests/web/conftest.py): RZA (North, secondary care), RZB (South, NHS
community) and B99001 (North, general practice). Staff in post FTE, 2024-06, by hand:
RZA a1, a2, a3 and a5 at 1.0 = 4.0; RZB b1, b2 at 1.0 and b3 at 0.8 = 2.8; B99001 g1, g2 =
2.0. So the system is 4.0 + 2.8 + 2.0 = 8.8 (three organisations), North 4.0 + 2.0 = 6.0 (two),
South 2.8 (RZB alone), and every segment and every staff group is one organisation's.
"""

from __future__ import annotations

import pytest

from oneworkforce.metrics.impact import SPLITS
from tests.web.conftest import PEOPLE

pytestmark = pytest.mark.django_db

FTE = "staff_in_post_fte"
ONE_ORG = "fewer than 2 organisations"


def api(client, by: str, metric: str = FTE, period: str = "2024-06") -> list[dict]:
    query = f"period={period}&by={by}" + (f"&metric={metric}" if metric else "")
    response = client.get(f"/api/v1/metrics?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_finding_a_programme_lead_reads_rzb_as_south_nhs_community(story, browser_for):
    """The finding reproduced: before, the place and segment cell was RZB's own 2.8 FTE."""
    analyst = {(r["place"], r["segment"]): r for r in api(browser_for("analyst"), "place,segment")}
    assert analyst["South", "nhs_community"]["value"] == pytest.approx(2.8)  # RZB's figure
    lead = {
        (r["place"], r["segment"]): r for r in api(browser_for("programme_lead"), "place,segment")
    }
    south = lead["South", "nhs_community"]
    assert south["value"] is None and south["numerator"] is None
    assert south["withheld"] == ONE_ORG


def test_figures_of_two_or_more_organisations_are_shown(story, browser_for):
    lead = browser_for("programme_lead")
    (system,) = api(lead, "system")
    assert system["value"] == pytest.approx(8.8) and "withheld" not in system  # 3 organisations
    places = {r["place"]: r for r in api(lead, "place")}
    assert places["North"]["value"] == pytest.approx(6.0)  # RZA and B99001
    assert places["South"]["value"] is None and places["South"]["withheld"] == ONE_ORG
    segments = api(lead, "segment")
    assert segments and all(r["withheld"] == ONE_ORG for r in segments)  # one each
    groups = api(lead, "staff_group")
    assert groups and all(r["withheld"] == ONE_ORG for r in groups)  # one each


def test_a_data_lead_sees_their_own_and_never_one_other_organisation(story, browser_for):
    """RZA's data lead: secondary care is RZA's own (shown); North is RZA and B99001, so
    B99001's figure would be North less RZA's own (withheld); South is RZB's (withheld)."""
    lead = browser_for("org_data_lead")
    segments = {r["segment"]: r for r in api(lead, "segment")}
    assert segments["secondary_care"]["value"] == pytest.approx(4.0)
    assert segments["nhs_community"]["value"] is None
    places = {r["place"]: r for r in api(lead, "place")}
    assert places["North"]["withheld"] == "fewer than 2 organisations besides your own"
    assert places["South"]["value"] is None
    (system,) = api(lead, "system")  # RZB and B99001 besides RZA: two others
    assert system["value"] == pytest.approx(8.8)


def test_roles_with_every_organisation_see_every_figure(story, browser_for):
    for person in ("admin", "analyst", "board"):
        rows = api(browser_for(person), "place,segment")
        assert rows and all(r["value"] is not None for r in rows), person


def test_the_minimum_is_configurable(story, browser_for, monkeypatch):
    """With a minimum of 3, North (two organisations) is withheld too; 1 turns it off."""
    monkeypatch.setenv("ONEWORKFORCE_MIN_ORGANISATIONS", "3")
    places = {r["place"]: r for r in api(browser_for("programme_lead"), "place")}
    assert places["North"]["withheld"] == "fewer than 3 organisations"
    monkeypatch.setenv("ONEWORKFORCE_MIN_ORGANISATIONS", "1")
    places = {r["place"]: r for r in api(browser_for("programme_lead"), "place")}
    assert places["South"]["value"] == pytest.approx(2.8)


def test_the_people_story_says_why_a_cell_is_withheld(story, browser_for):
    page = browser_for("programme_lead").get("/").content.decode()
    assert f"Withheld: {ONE_ORG}" in page
    analyst_page = browser_for("analyst").get("/").content.decode()
    assert "Withheld" not in analyst_page


def test_downloads_withhold_the_same_figures(story, browser_for):
    lead = browser_for("programme_lead")
    story_csv = lead.get("/people-story.csv").content.decode()
    secondary = [
        line for line in story_csv.splitlines() if line.startswith("Secondary care,Staff in post")
    ]
    assert secondary and secondary[0].endswith(ONE_ORG), secondary
    series = lead.get(f"/metrics/{FTE}/table.csv?segment=secondary_care").content.decode()
    last = series.strip().splitlines()[-1].split(",")
    assert last[0] == "2024-06" and last[1] == "" and last[-1] == ONE_ORG, last
    page = lead.get(f"/metrics/{FTE}/?segment=secondary_care").content.decode()
    assert f"Withheld: {ONE_ORG}" in page and "4.0" not in page


def own_figures(analyst) -> dict[tuple, tuple]:
    """Every organisation's own figure, by metric, month and staff group (None: all staff)."""
    out = {}
    for by in ("org_code", "org_code,staff_group"):
        for r in api(analyst, by, metric="", period="2024-06"):
            key = (r["metric"], r["period"], r.get("staff_group"), r["org_code"])
            out[key] = (r["value"], r["numerator"], r["denominator"])
    return out


@pytest.mark.parametrize("person", [p for p, (role, _) in PEOPLE.items() if role != "admin"])
def test_no_figure_a_restricted_role_reads_is_one_organisations_own(story, browser_for, person):
    """The finding's own measure, over every split of the API: a figure shown to a role that
    may not see every organisation's figures never equals (value, numerator and denominator)
    the own figure of an organisation it may not see, for the same metric, month and staff
    group, unless it is their own organisation's figure. Roles that see every organisation
    are checked to see the figures the others may not, so the test can fail."""
    from oneworkforce.web.access import MATRIX, Permission, Role

    role, orgs = PEOPLE[person]
    if Permission.VIEW_AGGREGATES not in MATRIX[Role(role)]:
        return  # reads no figure at all (the URL sweep checks the refusal)
    unrestricted = Permission.VIEW_ORGANISATION in MATRIX[Role(role)] and not orgs
    own = own_figures(browser_for("analyst"))
    client = browser_for(person)
    same = []
    for split in SPLITS:
        if "org_code" in split.by:
            continue  # organisation figures: the role matrix decides (URL sweep)
        for r in api(client, ",".join(split.by) or "system", metric="", period="2024-06"):
            if r["value"] is None:
                continue
            figure = (r["value"], r["numerator"], r["denominator"])
            key = (r["metric"], r["period"], r.get("staff_group"))
            if any(own.get((*key, org)) == figure for org in orgs):
                continue  # their own organisation's figure (which may equal another's)
            same += [
                (split.name, r, org)
                for (metric, period, group, org), theirs in own.items()
                if (metric, period, group) == (r["metric"], r["period"], r.get("staff_group"))
                and org not in orgs
                and theirs == figure
            ]
    if unrestricted:
        assert same, "the check found nothing to withhold even for a role that sees it all"
    else:
        assert not same, same[:5]


def test_aggregate_returns_count_the_organisations_and_areas_they_pool(
    browser_for, settings, tmp_path
):
    """Figures entered through the aggregate dataset (agency FTE, March 2024): RZA 5.0 and
    B99001 0.0 (both North), RZB 3.0 (South), and two areas' care homes, 4.0 and 2.0. North is
    5.0 + 0.0 = RZA's own 5.0 (B99001 adds nothing): withheld; care homes pool two areas,
    4.0 + 2.0 = 6.0: shown; the system pools RZA, RZB and both areas, 5 + 0 + 3 + 4 + 2 = 14."""
    from oneworkforce.config import Home
    from oneworkforce.data.importer import Importer
    from oneworkforce.metrics.store import ResultsStore
    from tests.data.samples import SAMPLES, write
    from tests.metrics.test_contributors import agency_returns

    rows = agency_returns()
    home = Home.resolve(tmp_path / "home")
    importer = Importer(home, submitted_by="tester")
    for dataset, data in (("organisations", SAMPLES["organisations"]), ("aggregate", rows)):
        result = importer.import_file(dataset, write(tmp_path / f"{dataset}.csv", data))
        assert result.status == "accepted", result.report.summary()
    ResultsStore(home.lake).rebuild()
    settings.HOME = home

    def read(person: str, by: str) -> dict:
        rows = api(browser_for(person), by, metric="agency_fte", period="2024-03")
        return {r.get(by): r for r in rows}

    places = read("programme_lead", "place")
    assert places["North"]["value"] is None and places["North"]["withheld"] == ONE_ORG
    assert read("analyst", "place")["North"]["value"] == pytest.approx(5.0)
    segments = read("programme_lead", "segment")
    assert segments["care_homes"]["value"] == pytest.approx(6.0)
    assert segments["secondary_care"]["withheld"] == ONE_ORG
    assert read("programme_lead", "system")[None]["value"] == pytest.approx(14.0)


def test_a_total_across_segments_counts_only_the_organisations_in_it(
    browser_for, settings, tmp_path
):
    """A care home (H1, North) sends its ASC-WDS records as staff in post, but Skills for
    Care's estimate sizes the care homes segment, so H1 is left out of the system and place
    totals (metrics/sources.py). North's total is then RZA's own 1.0 + 0.5 = 1.5 FTE: one
    organisation, withheld, though the register holds two North partners with figures; the
    system, RZA's 1.5 and RZB's 0.8 = 2.3, is two organisations' and shown."""
    from oneworkforce.config import Home
    from oneworkforce.data.importer import Importer
    from oneworkforce.metrics.store import ResultsStore
    from tests.data.samples import SAMPLES, write

    register = [
        {"org_code": code, "org_name": code, "segment": segment, "place": place,
         "sector": sector, "partner": "true"}
        for code, segment, place, sector in (
            ("RZA", "secondary_care", "North", "nhs"),
            ("RZB", "nhs_community", "South", "nhs"),
            ("H1", "care_homes", "North", "independent"),
        )
    ]  # fmt: skip
    person = SAMPLES["staff_in_post"][0]
    staff = [
        {**person, "org_code": org, "person_id": who, "staff_group": group, "fte": fte}
        for org, who, group, fte in (
            ("RZA", "a1", "nursing_midwifery", 1.0),
            ("RZA", "a2", "nursing_midwifery", 0.5),
            ("RZB", "b1", "nursing_midwifery", 0.8),
            ("H1", "w1", "care_worker", 0.9),
        )
    ]
    estimate = [
        {"period": "2024-03", "segment": "care_homes", "org_code": None, "area_code": "E1",
         "metric": "staff_in_post_fte", "value": 100.0, "unit": "fte", "numerator": None,
         "denominator": None, "basis": "Skills for Care ASC-WDS estimate",
         "quality": "estimate"}
    ]  # fmt: skip
    home = Home.resolve(tmp_path / "home")
    importer = Importer(home, submitted_by="tester")
    for dataset, data in (
        ("organisations", register),
        ("staff_in_post", staff),
        ("aggregate", estimate),
    ):
        result = importer.import_file(dataset, write(tmp_path / f"{dataset}.csv", data))
        assert result.status == "accepted", result.report.summary()
    ResultsStore(home.lake).rebuild()
    settings.HOME = home

    def read(person: str, by: str) -> dict:
        return {r.get(by): r for r in api(browser_for(person), by, period="2024-03")}

    places = read("programme_lead", "place")
    assert places["North"]["value"] is None and places["North"]["withheld"] == ONE_ORG
    assert read("analyst", "place")["North"]["value"] == pytest.approx(1.5)
    assert read("programme_lead", "system")[None]["value"] == pytest.approx(2.3)
