"""Every write entry point leaves its audit event (issue 14, item 1): each page that changes
the operational store, the API and the command line, run for real, then the trail searched
for the event naming who did it. And the audit page: administrators only, filtered."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oneworkforce.audit.models import AuditEvent
from oneworkforce.web.accounts import service
from tests.data.samples import SAMPLES, write
from tests.data.test_atomicity import cli
from tests.metrics.test_results_store import sickness
from tests.registers.test_new_records import RISK
from tests.web.test_url_permissions import site  # noqa: F401  (the metatest's fixture)

pytestmark = pytest.mark.django_db


def _new(before: int, action: str, actor: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=before, action=action, actor=actor))


def _last() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_every_web_and_api_write_is_audited(site, browser_for, tmp_path):  # noqa: F811
    # (a planning run from the web: tests/planning/test_views.py, on a store it can plan from)
    lead, analyst = browser_for("org_data_lead"), browser_for("analyst")
    programme_lead = browser_for("programme_lead")
    path = write(tmp_path / "rza-2024-05.csv", [sickness("RZA", "2024-05", days_lost=41.0)])
    bad = write(tmp_path / "bad.csv", [dict(sickness("RZA", "2024-05"), fte_days_lost="lots")])
    # (what is done, how, the action and actor of the event it must leave); the uploads come
    # last, as the story fixture's ledger (rolled back) does not know its own files, so the
    # results refreshed after an upload no longer hold them

    writes = [
        (
            "coverage edit",
            lambda: analyst.post(
                "/coverage/volunteers_carers/vacancy_rate/",
                {"availability": "planned", "owner": "VCSE lead", "version": "0"},
            ),
            "coverage.create",
            "analyst",
        ),
        (
            "new risk",
            lambda: programme_lead.post(
                reverse("registers:new", args=["risk"]), {**RISK, "ref": "WF-99"}
            ),
            "risk.create",
            "programme_lead",
        ),
        (
            "board pack",
            lambda: analyst.post(
                reverse("reports:create"),
                {"title": "Audit test pack", "action_required": "Information"},
            ),
            "create",
            "analyst",
        ),
        (
            "accepted upload",
            lambda: lead.post(
                "/submissions/upload/",
                {
                    "dataset": "sickness_absence",
                    "file": SimpleUploadedFile(path.name, path.read_bytes()),
                },
            ),
            "submission.accepted",
            "org_data_lead",
        ),
        (
            "rejected upload",
            lambda: lead.post(
                "/submissions/upload/",
                {
                    "dataset": "sickness_absence",
                    "file": SimpleUploadedFile("bad.csv", bad.read_bytes()),
                },
            ),
            "submission.rejected",
            "org_data_lead",
        ),
    ]
    for what, do, action, actor in writes:
        before = _last()
        response = do()
        assert response.status_code in (200, 302), (what, response.status_code, _problem(response))
        assert len(_new(before, action, actor)) == 1, what
    # the API: a token's use is recorded (the API itself only reads)
    key = service.issue_token(site_user := _user("analyst"), "Power BI", actor="admin")
    before = _last()
    answer = browser_for(None).get("/api/v1/catalogue", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    assert len(_new(before, "api_token.use", site_user.username)) == 1


def _user(name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_the_audit_page_is_for_administrators_and_filters(site, browser_for):  # noqa: F811
    url = reverse("audit:events")
    assert browser_for("analyst").get(url).status_code == 403
    admin = browser_for("admin")
    page = admin.get(url, {"object": "submission", "actor": "org_data_lead"})
    assert page.status_code == 200
    html = page.content.decode()
    # the site fixture accepted one file from org_data_lead: one event, and no others
    assert "1 event, newest first" in html and "submission.accepted" in html
    assert "board_pack" not in html
    assert admin.get(url, {"since": "2026-13-01"}).status_code == 400


@pytest.mark.slow
def test_every_command_line_write_is_audited(tmp_path):
    home = tmp_path / "home"
    reg = write(tmp_path / "reg.csv", SAMPLES["organisations"])
    sip = write(tmp_path / "sip.csv", SAMPLES["staff_in_post"])
    bad = write(tmp_path / "bad.csv", [dict(SAMPLES["sickness_absence"][0], org_code="NOPE")])
    scenario = tmp_path / "tiny.toml"
    scenario.write_text('name = "tiny"\n[horizon]\nyears = 2\n', encoding="utf-8")
    risks = tmp_path / "risks.csv"
    risks.write_text("Ref,Description,Owner\nWF-1,Agency spend above cap,Director\n")
    commands = [
        (("import", "organisations", str(reg)), "submission.accepted"),
        (("import", "staff_in_post", str(sip)), "submission.accepted"),
        (("import", "sickness_absence", str(bad)), "submission.rejected"),
        (("registers", "import", "risks", str(risks)), "risk.create"),
        (("plan", "run", str(scenario), "--runs", "3"), "planning_run.create"),
        (("report", "create", "--formats", "html", "--out", str(tmp_path / "pack")), "create"),
        (("prune", "--before", "2000-01", "--by", "dpo"), "prune"),  # retention
    ]
    for args, _ in commands:
        run = cli(home, *args)
        assert run.returncode in (0, 1), (args, run.stderr)
    trail = cli(home, "audit", "--format", "json", "--limit", "1000")
    assert trail.returncode == 0, trail.stderr
    actions = {e["action"] for e in json.loads(trail.stdout)}
    missing = [args[0:2] for args, action in commands if action not in actions]
    assert missing == []
    objects = {
        e["object_type"]
        for e in json.loads(cli(home, "audit", "--object", "submission", "--format", "json").stdout)
    }
    assert objects == {"submission"}


def _problem(response) -> str:
    import re

    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    at = max(text.find("problem"), text.find("could not be made"))
    return " ".join(text[at : at + 400].split())
