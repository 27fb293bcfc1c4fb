"""The JSON API: what each role gets, tokens, scoping, bad parameters, no person-level data.

Expected figures are worked out by hand from the sample staff in post (see fixtures_api).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from oneworkforce.data.schemas import DATASETS
from oneworkforce.metrics.results import LEADING_FIELDS, VALUE_FIELDS
from oneworkforce.web.accounts.models import ApiToken
from tests.data.samples import SAMPLES, write
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db

FTE = "/api/v1/metrics?metric=staff_in_post_fte&period=2024-03"
#: staff_in_post_fte in 2024-03 (hand-worked in fixtures_api)
SYSTEM_FTE = 2.0
ORG_FTE = {"RZA": 1.6, "RZB": 0.4}


def _get(client: Client, url: str, token: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **extra)


def _by_org(rows):
    return {r["org_code"]: r["value"] for r in rows}


# --- each role -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "analyst", "board"])
def test_system_wide_readers_see_every_organisation(loaded, client_for, role):
    response = client_for(role).get(FTE + "&by=org_code")
    assert response.status_code == 200, response.content
    assert _by_org(response.json()) == pytest.approx(ORG_FTE)


def test_org_data_lead_sees_only_their_organisation_by_org_and_the_system_figure(
    loaded, client_for
):
    client = client_for("org_data_lead")
    by_org = client.get(FTE + "&by=org_code")
    assert by_org.status_code == 200
    assert _by_org(by_org.json()) == pytest.approx({"RZA": 1.6})
    assert "RZB" not in by_org.content.decode()
    # the system is RZA's 1.6 and RZB's 0.4 alone: less RZA's own, it would be RZB's figure,
    # so RZA's data lead reads it withheld (issue 14: minimum organisations per group)
    (system,) = client.get(FTE).json()
    assert system["value"] is None
    assert system["withheld"] == "fewer than 2 organisations besides your own"
    # org-level rows of the org_code x staff_group split are scoped too
    both = client.get(FTE + "&by=org_code,staff_group")
    assert both.status_code == 200
    assert {r["org_code"] for r in both.json()} == {"RZA"}
    assert {r["staff_group"] for r in both.json()} == {"nursing_midwifery", "medical_dental"}


def test_programme_lead_reads_aggregates_but_not_organisations(loaded, client_for):
    client = client_for("programme_lead")
    assert [r["value"] for r in client.get(FTE).json()] == pytest.approx([SYSTEM_FTE])
    by_place = client.get(FTE + "&by=place").json()
    # RZA and RZB are in North and South (the sample register): each place is one
    # organisation's figure (RZA's 1.6, RZB's 0.4), withheld from a programme lead (issue 14)
    assert {r["place"]: r["value"] for r in by_place} == {"North": None, "South": None}
    assert {r["withheld"] for r in by_place} == {"fewer than 2 organisations"}
    response = client.get(FTE + "&by=org_code")
    assert response.status_code == 403
    assert "view_organisation" in response.json()["detail"]


def test_viewer_is_refused_with_json(loaded, client_for):
    for url in (FTE, "/api/v1/catalogue", "/api/v1/submissions"):
        response = client_for("viewer").get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"].startswith("Not allowed")


def test_anonymous_gets_401_json(loaded, client_for):
    for url in (FTE + "&by=org_code", "/api/v1/catalogue", "/api/v1/submissions"):
        response = client_for(None).get(url)
        assert response.status_code == 401, url
        assert "Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Bearer"


# --- fields and parameters -------------------------------------------------------------------


def test_rows_have_the_cli_fields_in_order(loaded, client_for):
    rows = client_for("analyst").get(FTE + "&by=org_code").json()
    assert len(rows) == 2
    for row in rows:
        keys = list(row)
        assert keys[:2] == list(LEADING_FIELDS)
        assert keys[2] == "org_code"
        assert keys[-len(VALUE_FIELDS) :] == list(VALUE_FIELDS)
        assert row["metric"] == "staff_in_post_fte" and row["period"] == "2024-03"
        assert row["unit"] == "fte" and row["origin"] == "computed"
        assert len(row["sources"]) == 1  # the one staff in post submission
        assert "place" not in row and "staff_group" not in row


def test_from_and_to_select_months(loaded, client_for):
    url = "/api/v1/metrics?metric=staff_in_post_fte&from=2024-03&to=2024-04&by=org_code"
    rows = client_for("analyst").get(url).json()
    got = {(r["period"], r["org_code"]): r["value"] for r in rows}
    # 2024-04 has p1 at RZA only
    assert got[("2024-03", "RZA")] == pytest.approx(1.6)
    assert got[("2024-04", "RZA")] == pytest.approx(1.0)
    assert {p for p, _ in got} == {"2024-03", "2024-04"}


@pytest.mark.parametrize(
    "query, words",
    [
        ("metric=no_such_metric", "metric: 'no_such_metric' is not a metric code"),
        ("period=March", "period: 'March' is not a month written YYYY-MM"),
        ("from=2024-13", "from: '2024-13' is not a month written YYYY-MM"),
        ("by=colour", "by: 'colour' is not one of the stored splits"),
        ("by=band", "by: 'band' is not one of the stored splits"),
        ("by=place,org_code", "by: 'place,org_code' is not one of the stored splits"),
        # issue 14: empty values were a server error (500); the schema refuses them
        ("metric=&from=&by=", "metric: '' is not a metric code"),
    ],
)
def test_bad_parameters_are_422_with_a_clear_message(loaded, client_for, query, words):
    response = client_for("analyst").get("/api/v1/metrics?" + query)
    assert response.status_code == 422
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    "query, months",
    [
        # bounds a row must all satisfy (the story's months: 2024-03 and 2024-04)
        ("period=2024-03&from=2024-01&to=2024-03", {"2024-03"}),
        ("from=2024-04", {"2024-04"}),  # an open end
        ("to=2024-03", {"2024-03"}),
        ("from=2024-05&to=2024-01", set()),  # from after to: nothing, not an error
        ("period=2024-04&to=2024-03", set()),
    ],
)
def test_every_schema_valid_range_is_answered(loaded, client_for, query, months):
    response = client_for("analyst").get("/api/v1/metrics?metric=staff_in_post_fte&" + query)
    assert response.status_code == 200
    assert {r["period"] for r in response.json()} == months


def test_catalogue_lists_every_metric(loaded, client_for):
    from oneworkforce.metrics import CATALOGUE

    rows = client_for("programme_lead").get("/api/v1/catalogue").json()
    assert [r["code"] for r in rows] == list(CATALOGUE.codes)
    assert len(rows) == 22


# --- tokens ----------------------------------------------------------------------------------


def test_token_authenticates_and_is_scoped_like_the_user(loaded, token_for):
    token = token_for("org_data_lead")
    response = _get(Client(), FTE + "&by=org_code", token)
    assert response.status_code == 200
    assert _by_org(response.json()) == pytest.approx({"RZA": 1.6})
    used = ApiToken.objects.get(name="org_data_lead Power BI")
    assert used.last_used_at is not None


def test_revoked_unknown_and_malformed_tokens_are_refused(loaded, token_for):
    token = token_for("analyst")
    ApiToken.objects.filter(name="analyst Power BI").update(revoked=True)
    for sent in (token, "owf_not-a-real-token", "not-even-ours"):
        assert _get(Client(), FTE, sent).status_code == 401, sent


def test_token_of_a_deactivated_user_is_refused(loaded, token_for, users):
    token = token_for("board")
    users["board"].is_active = False
    users["board"].save()
    assert _get(Client(), FTE, token).status_code == 401


# --- submissions -----------------------------------------------------------------------------


@pytest.fixture
def ledger(loaded, importer, tmp_path):
    """Besides the register and the RZA+RZB staff file: an RZB-only sickness file, and a
    rejected staff file sent by the org data lead."""
    importer.submitted_by = "someone_at_rzb"
    rzb = [r for r in SAMPLES["sickness_absence"] if r["org_code"] == "RZB"]
    assert importer.import_file("sickness_absence", write(tmp_path / "rzb.csv", rzb)).ok
    importer.submitted_by = "org_data_lead"
    bad = [dict(SAMPLES["staff_in_post"][0], fte="lots")]
    result = importer.import_file("staff_in_post", write(tmp_path / "bad.csv", bad))
    assert result.status == "rejected"
    importer.submitted_by = "analyst"
    other_bad = [dict(SAMPLES["sickness_absence"][0], period="never")]
    result = importer.import_file("sickness_absence", write(tmp_path / "other.csv", other_bad))
    assert result.status == "rejected"
    return importer


def test_analyst_sees_every_submission(ledger, client_for):
    files = {s["file_name"] for s in client_for("analyst").get("/api/v1/submissions").json()}
    assert files == {"register.csv", "staff.csv", "rzb.csv", "bad.csv", "other.csv"}


def test_org_data_lead_sees_submissions_of_their_organisation_and_their_own_rejections(
    ledger, client_for
):
    rows = client_for("org_data_lead").get("/api/v1/submissions").json()
    assert {s["file_name"] for s in rows} == {"staff.csv", "bad.csv"}
    staff = next(s for s in rows if s["file_name"] == "staff.csv")
    # the file spans RZA and RZB: RZB is counted, not named
    assert staff["organisations"] == ["RZA"] and staff["other_organisations"] == 1


def test_submission_filters(ledger, client_for):
    client = client_for("analyst")
    rejected = client.get("/api/v1/submissions?status=rejected").json()
    assert {s["file_name"] for s in rejected} == {"bad.csv", "other.csv"}
    rzb = client.get("/api/v1/submissions?organisation=rzb").json()
    assert {s["file_name"] for s in rzb} == {"staff.csv", "rzb.csv"}
    sickness = client.get("/api/v1/submissions?dataset=sickness_absence").json()
    assert {s["file_name"] for s in sickness} == {"rzb.csv", "other.csv"}
    assert len(client.get("/api/v1/submissions?limit=2").json()) == 2
    bad = client.get("/api/v1/submissions?status=lost")
    assert bad.status_code == 422
    assert "status: 'lost' is not one of: accepted, rejected, superseded" in bad.json()["detail"]
    assert client.get("/api/v1/submissions?limit=0").status_code == 422


def test_the_organisation_filter_covers_only_organisations_one_may_see(ledger, client_for):
    """Issue 14: a data lead for RZA filtering by RZB learnt which files held RZB's rows; the
    filter now matches nothing outside the lead's own organisations."""
    lead = client_for("org_data_lead")
    assert lead.get("/api/v1/submissions?organisation=RZB").json() == []
    own = lead.get("/api/v1/submissions?organisation=RZA").json()
    assert own and all("RZA" in s["organisations"] for s in own)


def test_submission_detail_is_scoped(ledger, client_for):
    ids = {s["file_name"]: s["id"] for s in client_for("analyst").get("/api/v1/submissions").json()}
    lead = client_for("org_data_lead")
    staff = lead.get(f"/api/v1/submissions/{ids['staff.csv']}").json()
    assert [x["org_code"] for x in staff["slices"]] == ["RZA", "RZA"]  # 2024-03 and 2024-04
    assert staff["other_slices"] == 1
    for hidden in ("rzb.csv", "other.csv", "register.csv"):
        response = lead.get(f"/api/v1/submissions/{ids[hidden]}")
        assert response.status_code == 404, hidden
    bad = lead.get(f"/api/v1/submissions/{ids['bad.csv']}").json()
    assert bad["status"] == "rejected" and bad["error_count"] == 1
    assert bad["errors"][0]["column"] == "fte" and bad["errors"][0]["value"] == "lots"
    assert client_for("board").get("/api/v1/submissions").status_code == 403


# --- no person-level data --------------------------------------------------------------------


def test_no_response_holds_person_level_columns_or_identifiers(ledger, client_for, tmp_path):
    # a rejected staff file whose error is in the person identifier column
    ledger.submitted_by = "analyst"
    dupes = [dict(SAMPLES["staff_in_post"][0], person_id="SECRET-PERSON-42", fte="x")]
    assert ledger.import_file("staff_in_post", write(tmp_path / "p.csv", dupes)).status == (
        "rejected"
    )
    long = [dict(SAMPLES["staff_in_post"][0], person_id="SECRET-PERSON-43" + "x" * 300)]
    ledger.import_file("staff_in_post", write(tmp_path / "q.csv", long))
    client = client_for("admin")
    person_columns = {
        c.name
        for ds in DATASETS.values()
        if ds.person_level
        for c in ds.columns
        if c.kind == "text"
    }
    assert "person_id" in person_columns
    bodies = []
    for by in ("", "org_code", "staff_group", "org_code,staff_group", "segment,staff_group"):
        bodies.append(client.get(f"/api/v1/metrics?by={by}").content.decode())
    bodies.append(client.get("/api/v1/catalogue").content.decode())
    listing = client.get("/api/v1/submissions").json()
    bodies.append(json.dumps(listing))
    for s in listing:
        bodies.append(client.get(f"/api/v1/submissions/{s['id']}").content.decode())
    for body in bodies:
        for column in person_columns:
            assert f'"{column}":' not in body  # never a key of a row
        for person in ("SECRET-PERSON", '"p1"', '"p2"'):
            assert person not in body


def test_openapi_schema_and_docs(loaded, client_for):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/catalogue",
        "/api/v1/metrics",
        "/api/v1/submissions",
        "/api/v1/submissions/{submission_id}",
    } <= paths
    names = {p["name"] for p in schema["paths"]["/api/v1/metrics"]["get"]["parameters"]}
    assert names == {"metric", "period", "from", "to", "by"}
    assert client_for("analyst").get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("offset", ["99999999999999999999", "10000001", "-1"])
def test_an_offset_beyond_any_ledger_is_refused_not_a_server_error(ledger, client_for, offset):
    response = client_for("analyst").get(f"/api/v1/submissions?offset={offset}")
    assert response.status_code == 422
    assert "offset" in str(response.json()["detail"])


def test_figures_by_the_cross_sector_staff_level(loaded, client_for):
    # March 2024: nursing 1.0 (RZA) + medical 0.6 (RZA, locum) + medical 0.4 (RZB), all
    # registered clinical staff: 2.0 FTE, the whole system
    rows = client_for("programme_lead").get(FTE + "&by=staff_category").json()
    assert [(r["staff_category"], r["value"]) for r in rows] == [("registered_clinical", 2.0)]
    assert "staff_group" not in rows[0]
