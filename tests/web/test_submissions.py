"""Submissions pages: upload with the organisation check, the validation report in plain words,
the ledger and its filters, the detail page and what superseded a slice."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oneworkforce.audit.models import AuditEvent
from oneworkforce.data.ledger.models import Submission
from oneworkforce.metrics.store import ResultsStore
from tests.data.samples import SAMPLES, write
from tests.web.fixtures_api import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db


def _upload(client, dataset: str, path, name: str | None = None):
    """Send a file and follow the page to its job (the tests' queue runs a job at once, so the
    page the redirect leads to shows the outcome; tests/jobs run real workers)."""
    upload = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post("/submissions/upload/", {"dataset": dataset, "file": upload}, follow=True)


def _text(response) -> str:
    """The page's words, without tags (to look for sentences across markup)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _sickness(org: str, period: str = "2024-03", lost: float = 50.0) -> dict:
    return {
        "period": period,
        "org_code": org,
        "staff_group": "nursing_midwifery",
        "fte_days_lost": lost,
        "fte_days_available": 1000.0,
    }


# --- access ----------------------------------------------------------------------------------


def test_pages_need_the_permissions(loaded, client_for):
    anonymous = client_for(None).get("/submissions/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role in ("viewer", "board", "programme_lead"):
        assert client_for(role).get("/submissions/").status_code == 403, role
        assert client_for(role).get("/submissions/upload/").status_code == 403, role
    for role in ("admin", "analyst", "org_data_lead"):
        assert client_for(role).get("/submissions/").status_code == 200, role
        assert client_for(role).get("/submissions/upload/").status_code == 200, role


def test_only_system_wide_submitters_may_send_the_register(loaded, client_for):
    lead = client_for("org_data_lead").get("/submissions/upload/").content.decode()
    analyst = client_for("analyst").get("/submissions/upload/").content.decode()
    assert 'value="organisations"' not in lead and 'value="staff_in_post"' in lead
    assert 'value="organisations"' in analyst
    register = write(loaded.root.parent / "reg.csv", SAMPLES["organisations"])
    response = _upload(client_for("org_data_lead"), "organisations", register)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


# --- the organisation check ------------------------------------------------------------------


def test_org_data_lead_cannot_submit_for_another_organisation(loaded, client_for, tmp_path):
    before = Submission.objects.count()
    audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    path = write(tmp_path / "mixed.csv", [_sickness("RZA"), _sickness("RZB"), _sickness("rxx ")])
    response = _upload(client_for("org_data_lead"), "sickness_absence", path)
    assert response.status_code == 200  # the page of the job, which failed
    words = _text(response)
    assert "mixed.csv (sickness_absence) did not finish" in words
    assert "This file has rows for RXX, RZB, and you can only submit data for RZA." in words
    assert "Nothing was loaded" in words
    assert Submission.objects.count() == before  # nothing in the ledger
    # no submission audited; the job's own entries say it was queued, started and failed
    new = AuditEvent.objects.filter(pk__gt=audit_before).values_list("action", flat=True)
    assert [a for a in new if a.startswith("submission.")] == []
    assert "job.failed" in new
    assert not list((loaded.lake / "sickness_absence").glob("submission=*"))  # nor the lake
    assert not any(loaded.jobs.iterdir())  # the upload is not kept


def test_org_data_lead_can_submit_for_their_organisation(loaded, client_for, tmp_path):
    path = write(tmp_path / "rza.xlsx", [_sickness("RZA")])
    response = _upload(client_for("org_data_lead"), "sickness_absence", path)
    assert response.status_code == 200
    assert "File accepted" in response.content.decode()
    entry = Submission.objects.get(file_name="rza.xlsx")
    assert entry.status == "accepted" and entry.organisations == ["RZA"]
    assert entry.submitted_by == "org_data_lead"


def test_analyst_may_submit_for_any_organisation(loaded, client_for, tmp_path):
    path = write(tmp_path / "both.parquet", [_sickness("RZA"), _sickness("RZB")])
    response = _upload(client_for("analyst"), "sickness_absence", path)
    assert response.status_code == 200
    assert Submission.objects.get(file_name="both.parquet").organisations == ["RZA", "RZB"]


# --- the validation report -------------------------------------------------------------------


def test_a_bad_file_shows_its_errors_in_plain_words(loaded, client_for, tmp_path):
    rows = [
        _sickness("RZA"),
        dict(_sickness("RZA", period="2024-04"), fte_days_lost="lots"),
        dict(_sickness("RZA", period="2024-05"), period="sometime"),
        dict(_sickness("RZA", period="2024-06"), fte_days_lost=""),
    ]
    path = write(tmp_path / "bad.csv", rows)
    response = _upload(client_for("org_data_lead"), "sickness_absence", path)
    assert response.status_code == 200
    page = response.content.decode()
    words = _text(response)
    assert 'class="nhsuk-error-summary"' in page
    assert "bad.csv was rejected: 3 problems found. Nothing was loaded." in words
    # counts by rule, in words and by code
    assert "A figure is not a number" in words and "A month is not written as a month" in words
    # a blank days-lost cell is read as suppressed (as in NHS England's files), so with days
    # available given it breaks the pairing rule rather than being a missing value
    assert "One of two figures that go together is blank or suppressed" in words
    # row (spreadsheet numbering: heading is row 1), column, value, rule
    assert re.search(r"<th[^>]*>3</th>\s*<td[^>]*>fte_days_lost</td>\s*<td[^>]*>lots</td>", page)
    assert re.search(r"<th[^>]*>4</th>\s*<td[^>]*>period</td>\s*<td[^>]*>sometime</td>", page)
    assert re.search(
        r"<th[^>]*>5</th>\s*<td[^>]*>fte_days_lost</td>\s*<td[^>]*>\(blank\)</td>", page
    )
    entry = Submission.objects.get(file_name="bad.csv")
    assert entry.status == "rejected" and entry.error_count == 3
    assert not list((loaded.lake / "sickness_absence").glob("submission=*"))
    assert f"/submissions/{entry.id}/" in page  # the rejected file is in the ledger
    detail = client_for("org_data_lead").get(f"/submissions/{entry.id}/")
    assert "A figure is not a number" in _text(detail)


def test_person_identifiers_are_hidden_in_the_report(loaded, client_for, tmp_path):
    row = dict(SAMPLES["staff_in_post"][0], person_id="SECRET-" + "9" * 300)
    path = write(tmp_path / "long.csv", [row])
    response = _upload(client_for("org_data_lead"), "staff_in_post", path)
    assert "(hidden: identifies a person)" in response.content.decode()
    assert "SECRET-" not in response.content.decode()


def test_unreadable_and_wrong_files(loaded, client_for, tmp_path):
    client = client_for("org_data_lead")
    word = tmp_path / "notes.docx"
    word.write_bytes(b"PK\x03\x04 not really")
    response = _upload(client, "sickness_absence", word)
    assert response.status_code == 400
    assert "files ending .docx are not accepted" in response.content.decode()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert (
        "The file you chose is empty" in _upload(client, "sickness_absence", empty).content.decode()
    )
    missing = client.post("/submissions/upload/", {"dataset": "sickness_absence"})
    assert "Choose a file to upload" in missing.content.decode()
    headings = tmp_path / "headings.csv"
    headings.write_text("colour,size\nred,3\n", encoding="utf-8")
    response = _upload(client, "sickness_absence", headings)
    words = _text(response)
    # without --strict the unknown headings are dropped and listed, and the missing ones named
    assert (
        "Columns not read: ignored (not part of the format; never read or stored): colour, size"
        in words
    )
    assert "A required column is missing" in words
    assert Submission.objects.get(file_name="headings.csv").status == "rejected"
    strict = client.post(
        "/submissions/upload/",
        {
            "dataset": "sickness_absence",
            "file": SimpleUploadedFile("strict.csv", headings.read_bytes()),
            "strict": "on",
        },
        follow=True,
    )
    assert "A heading is not part of the format" in _text(strict)


def test_files_over_the_size_limit_are_refused(loaded, client_for, tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 100
    path = write(tmp_path / "big.csv", [_sickness("RZA", lost=float(i)) for i in range(20)])
    response = _upload(client_for("org_data_lead"), "sickness_absence", path)
    assert response.status_code == 400
    assert "the largest file accepted is 100 bytes" in _text(response)
    assert not Submission.objects.filter(file_name="big.csv").exists()


# --- accepted: ledger, results store, audit, supersession ------------------------------------


def test_a_good_file_is_accepted_listed_and_the_results_refreshed(loaded, client_for, tmp_path):
    store = ResultsStore(loaded.lake)
    assert store.results("sickness_absence_rate", split="org_code") == []
    client = client_for("org_data_lead")
    path = write(tmp_path / "sickness.csv", [_sickness("RZA", lost=50.0)])
    response = _upload(client, "sickness_absence", path)
    words = _text(response)
    assert "sickness.csv was accepted as sickness_absence: 1 row for RZA, 2024-03." in words
    assert re.search(r"It took \d+\.\d seconds", words)
    # the results store: 50 days lost of 1000 available
    rows = store.results("sickness_absence_rate", split="org_code", filters={"period": "2024-03"})
    assert [(r["org_code"], r["value"]) for r in rows] == [("RZA", pytest.approx(0.05))]
    assert store.status()["stale"] is False
    entry = Submission.objects.get(file_name="sickness.csv")
    ledger = client.get("/submissions/")
    assert f"/submissions/{entry.id}/" in ledger.content.decode()
    assert "Accepted" in _text(ledger)
    # one event, written by the ledger in the import's own transaction
    audit = AuditEvent.objects.get(action="submission.accepted", object_id=str(entry.id))
    assert audit.actor == "org_data_lead"
    assert audit.changes["file"] == "sickness.csv" and audit.changes["rows"] == 1


def test_an_identical_file_is_not_loaded_twice(loaded, client_for, tmp_path):
    client = client_for("org_data_lead")
    path = write(tmp_path / "once.csv", [_sickness("RZA")])
    assert _upload(client, "sickness_absence", path).status_code == 200
    again = _upload(client, "sickness_absence", path)
    assert "identical to a file already loaded" in _text(again)
    assert Submission.objects.filter(file_name="once.csv").count() == 1


def test_detail_shows_slices_and_what_superseded_them(loaded, client_for, tmp_path):
    client = client_for("analyst")
    first = write(tmp_path / "first.csv", [_sickness("RZA"), _sickness("RZB")])
    second = write(tmp_path / "second.csv", [_sickness("RZA", lost=60.0)])
    _upload(client, "sickness_absence", first)
    _upload(client, "sickness_absence", second)
    old = Submission.objects.get(file_name="first.csv")
    new = Submission.objects.get(file_name="second.csv")
    page = client.get(f"/submissions/{old.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/submissions/{new.id}/"' in html  # RZA 2024-03 superseded by the second
    assert "Superseded" in _text(page) and "Accepted" in _text(page)
    newer = client.get(f"/submissions/{new.id}/")
    assert "first.csv" in _text(newer)  # what it replaced
    ledger = _text(client.get("/submissions/"))
    assert "1 of 2 slices superseded" in ledger


# --- the ledger: scope and filters -----------------------------------------------------------


@pytest.fixture
def ledger(loaded, importer, tmp_path):
    importer.submitted_by = "someone_at_rzb"
    assert importer.import_file(
        "sickness_absence", write(tmp_path / "rzb.csv", [_sickness("RZB")])
    ).ok
    importer.submitted_by = "analyst"
    bad = [dict(_sickness("RZA"), period="never")]
    assert importer.import_file("sickness_absence", write(tmp_path / "x.csv", bad)).status == (
        "rejected"
    )
    return importer


def _files(response) -> set[str]:
    return set(
        re.findall(r'<a href="/submissions/[0-9a-f-]+/">([^<]+)</a>', response.content.decode())
    )


def test_ledger_is_scoped_to_the_users_organisations(ledger, client_for):
    assert _files(client_for("analyst").get("/submissions/")) == {
        "register.csv",
        "staff.csv",
        "rzb.csv",
        "x.csv",
    }
    lead = client_for("org_data_lead")
    assert _files(lead.get("/submissions/")) == {"staff.csv"}
    rzb = Submission.objects.get(file_name="rzb.csv")
    assert lead.get(f"/submissions/{rzb.id}/").status_code == 404
    staff = Submission.objects.get(file_name="staff.csv")
    detail = _text(lead.get(f"/submissions/{staff.id}/"))
    assert "RZA and 1 other you cannot see" in detail
    assert "1 slice for organisations you cannot see is not shown" in detail


def test_ledger_filters(ledger, client_for):
    client = client_for("analyst")
    assert _files(client.get("/submissions/?status=rejected")) == {"x.csv"}
    assert _files(client.get("/submissions/?dataset=sickness_absence")) == {"rzb.csv", "x.csv"}
    assert _files(client.get("/submissions/?organisation=rzb")) == {"staff.csv", "rzb.csv"}
    bad = client.get("/submissions/?organisation=R-Z")
    assert "Write an organisation code in letters and digits" in bad.content.decode()


# --- ASC-WDS bulk upload files ---------------------------------------------------------------


def _ascwds_post(client, kind: str, path, period: str | None):
    data = {"dataset": kind, "file": SimpleUploadedFile(path.name, path.read_bytes())}
    if period is not None:
        data["period"] = period
    return client.post("/submissions/upload/", data, follow=True)


@pytest.fixture
def care_home(loaded, importer, tmp_path):
    """The sample register with a care home that keeps its records in ASC-WDS (CH1)."""
    from tests.data.test_ascwds import REGISTER

    rows = [dict(r, cqc_location_id="", ascwds_local_id="") for r in SAMPLES["organisations"]]
    rows.append(REGISTER[0])  # H1, Beck House: CQC location 1-111, ASC-WDS ID CH1
    done = importer.import_file("organisations", write(tmp_path / "register.csv", rows))
    assert done.status == "accepted", done.report.summary()
    return loaded


def test_an_ascwds_file_needs_its_month(care_home, client_for, tmp_path):
    from tests.data.test_ascwds import WORKPLACE_HEADINGS, WORKPLACES, write_csv

    path = write_csv(tmp_path / "workplace.csv", WORKPLACE_HEADINGS, WORKPLACES[:1])
    for period, message in (
        (None, "Give the month the ASC-WDS file is a snapshot of, as YYYY-MM"),
        ("", "Give the month the ASC-WDS file is a snapshot of, as YYYY-MM"),
        ("March 2025", "Write the month as YYYY-MM (for example 2025-03), not &#x27;March 20"),
        ("2025-13", "Write the month as YYYY-MM (for example 2025-03), not &#x27;2025-13&#x27;"),
    ):
        response = _ascwds_post(client_for("analyst"), "ascwds_workplace", path, period)
        assert response.status_code == 400, period
        assert message in response.content.decode(), period
    assert not Submission.objects.filter(file_name__startswith="workplace").exists()


def test_ascwds_files_are_uploaded_with_their_month(care_home, client_for, tmp_path):
    from tests.data.test_ascwds import (
        WORKERS,
        WORKPLACE_HEADINGS,
        WORKPLACES,
        workers_file,
        write_csv,
    )

    workplace = write_csv(tmp_path / "workplace.csv", WORKPLACE_HEADINGS, WORKPLACES[:1])
    response = _ascwds_post(client_for("analyst"), "ascwds_workplace", workplace, "2025-03")
    assert "File accepted" in response.content.decode(), _text(response)[-2000:]
    workers = workers_file(tmp_path / "worker.csv", [w for w in WORKERS if w[0] == "CH1"])
    response = _ascwds_post(client_for("analyst"), "ascwds_worker", workers, "2025-03")
    words = _text(response)
    assert "File accepted" in words, words[-2000:]
    # CH1's staff in post: w1, w2 (permanent, temporary), w3 (zero hours), w4 (bank); w5
    # (agency) and w6 (other) are not staff in post, w7 is deleted: 4 rows; and 8 figures for
    # H1: the worker file's agency FTE, agency share, sickness and 12-month sickness, with the
    # workplace file's total staff, vacancy, turnover and starter rates carried over: 12 rows
    assert "12 rows for H1, 2025-03" in words
    stored = Submission.objects.filter(dataset="staff_in_post", organisations=["H1"])
    assert [s.periods for s in stored] == [["2025-03"]]
    # a data lead for RZA may not send H1's file
    refused = _ascwds_post(client_for("org_data_lead"), "ascwds_worker", workers, "2025-04")
    assert "you can only submit data for RZA" in _text(refused)


def test_the_ledger_page_filters_only_over_organisations_one_may_see(ledger, client_for):
    """Issue 14: staff.csv holds RZA's and RZB's rows. RZA's data lead filtering the ledger
    page by RZB must not learn that (the API's filter is tested in tests/web/test_api.py)."""
    lead = client_for("org_data_lead")
    assert _files(lead.get("/submissions/?organisation=RZB")) == set()
    assert _files(lead.get("/submissions/?organisation=rza")) == {"staff.csv"}
    assert _files(client_for("analyst").get("/submissions/?organisation=RZB")) == {
        "staff.csv",
        "rzb.csv",
    }
