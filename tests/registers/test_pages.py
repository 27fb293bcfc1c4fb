"""Pages for each role: who sees what (200), who is refused (403), and edits from stale pages."""

import pytest
from django.urls import reverse

from oneworkforce.registers import actions, demo, models
from oneworkforce.web.access import Role

VIEW = [
    "registers:programmes",
    "registers:portfolio",
    "registers:risks",
    "registers:baf",
    "registers:actions",
    "registers:milestones",
    "registers:benefits",
    "registers:meetings",
]


@pytest.fixture
def loaded(db):
    return demo.load_demo()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ANALYST, Role.PROGRAMME_LEAD, Role.BOARD, Role.ADMIN, Role.ORG_DATA_LEAD]
)
def test_readers_see_the_registers(loaded, client_for, role):
    client = client_for(role)
    for name in VIEW:
        assert client.get(reverse(name)).status_code == 200, name
    prog = models.Programme.objects.get(name="Health and Wellbeing Committee")
    page = client.get(reverse("registers:programme", args=[prog.code]))
    assert page.status_code == 200 and b"Status reports and RAG history" in page.content
    risk = models.Risk.objects.get(ref="1")
    assert client.get(reverse("registers:risk", args=[risk.pk])).status_code == 200
    ms = models.Milestone.objects.filter(kind="deliverable").first()
    assert client.get(reverse("registers:milestone", args=[ms.pk])).status_code == 200
    meeting = models.Meeting.objects.first()
    assert client.get(reverse("registers:meeting", args=[meeting.pk])).status_code == 200


@pytest.mark.django_db
def test_viewer_sees_only_the_published_register(loaded, client_for):
    client = client_for(Role.VIEWER)
    for name in [*VIEW, "registers:declarations", "registers:import"]:
        assert client.get(reverse(name)).status_code == 403, name
    page = client.get(reverse("registers:published_declarations"))
    assert page.status_code == 200 and b"Nil declaration" in page.content


@pytest.mark.django_db
def test_declarations_need_their_permission(loaded, client_for):
    lead = client_for(Role.PROGRAMME_LEAD)
    assert lead.get(reverse("registers:declarations")).status_code == 200
    decl = models.Declaration.objects.first()
    assert lead.get(reverse("registers:declaration_edit", args=[decl.pk])).status_code == 403


@pytest.mark.django_db
def test_edit_permissions(loaded, client_for):
    risk = models.Risk.objects.get(ref="1")
    url = reverse("registers:edit", args=["risk", risk.pk])
    assert client_for(Role.BOARD).get(url).status_code == 403


@pytest.mark.django_db
def test_stale_edit_page_tells_the_user(loaded, client_for):
    client = client_for(Role.PROGRAMME_LEAD)
    risk = models.Risk.objects.get(ref="1")
    loaded_version = risk.version
    actions.update("someone-else", risk, loaded_version, {"owner": "Someone"})
    form = {
        "version": loaded_version,
        "description": risk.description,
        "owner": "Me",
        "review_date": "2025-01-31",
        "current_likelihood": "3",
        "current_consequence": "3",
        "initial_likelihood": "4",
        "initial_consequence": "5",
    }
    response = client.post(reverse("registers:edit", args=["risk", risk.pk]), form)
    assert response.status_code == 409
    assert b"changed by someone else" in response.content
    risk.refresh_from_db()
    assert risk.owner == "Someone"
    form["version"] = risk.version
    response = client.post(reverse("registers:edit", args=["risk", risk.pk]), form)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.owner == "Me"


@pytest.mark.django_db
def test_import_preview_then_confirm(db, client_for, seed):
    client = client_for(Role.ANALYST)
    with open(seed / "risk_register.csv", "rb") as fh:
        preview = client.post(reverse("registers:import"), {"kind": "risks", "file": fh})
    assert preview.status_code == 200 and b"Nothing has been saved yet" in preview.content
    assert models.Risk.objects.count() == 0
    token = preview.context["token"]
    done = client.post(reverse("registers:import"), {"token": token, "kind": "risks"})
    assert done.status_code == 302 and models.Risk.objects.count() == 10


@pytest.mark.django_db
def test_exports(loaded, client_for):
    client = client_for(Role.BOARD)
    response = client.get(reverse("registers:export", args=["risks", "json"]))
    assert response.status_code == 200 and response.json()[0]["ref"] == "1"
    assert client.get(reverse("registers:export", args=["risks", "csv"])).status_code == 200
    assert (
        client_for(Role.VIEWER).get(reverse("registers:export", args=["risks", "csv"])).status_code
        == 403
    )


@pytest.mark.django_db
def test_demo_is_idempotent(loaded):
    from oneworkforce.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    assert demo.load_demo() == loaded
    assert AuditEvent.objects.count() == before
    assert loaded["risks"] == 10 and loaded["declarations"] == 20


def test_edit_forms_ask_for_dates_as_day_month_and_year(loaded, client_for):
    # a browser's own date picker follows its locale (11/15/2026 in the US); the NHS design
    # system's date input is three labelled fields that read the same everywhere
    import re

    from oneworkforce.registers import models

    risk = models.Risk.objects.exclude(review_date=None).first()
    page = client_for(Role.ANALYST).get(f"/registers/edit/risk/{risk.pk}/").content.decode()
    assert 'type="date"' not in page
    d = risk.review_date
    for i, (label, part, value) in enumerate(
        (("Day", "day", d.day), ("Month", "month", d.month), ("Year", "year", d.year))
    ):
        field = re.search(rf'<input[^>]*name="review_date_{part}"[^>]*>', page).group(0)
        assert f'value="{value}"' in field and 'inputmode="numeric"' in field
        assert f'id="id_review_date_{i}"' in field
        assert f'for="id_review_date_{i}">{label}</label>' in page
    assert "<legend" in page and "For example, 29 11 2026" in page
    assert d.strftime("%d/%m/%Y") not in page and d.strftime("%m/%d/%Y") not in page


def test_linked_programmes_are_checkboxes_not_text_boxes(loaded, client_for):
    # each programme a risk may be linked to is a labelled NHS checkbox (the first look drew
    # them as text inputs, 40 boxes running over the page footer)
    import re

    from oneworkforce.registers import models

    risk = models.Risk.objects.first()
    page = client_for(Role.ANALYST).get(f"/registers/edit/risk/{risk.pk}/").content.decode()
    boxes = re.findall(r'<input[^>]*name="programmes"[^>]*>', page)
    assert len(boxes) == models.Programme.objects.filter(archived=False).count() > 0
    assert all('type="checkbox"' in b and 'class="nhsuk-checkboxes__input"' in b for b in boxes)
    programme = models.Programme.objects.filter(archived=False).first()
    assert 'nhsuk-checkboxes__label" for="' in page and f">{programme.name}</label>" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "month", "year", "saved"),
    [
        ("3", "4", "2026", "2026-04-03"),  # day 3, month 4: 3 April, never 4 March
        ("29", "11", "2026", "2026-11-29"),
        ("31", "2", "2026", None),  # no 31 February: refused, nothing saved
        ("3", "", "2026", None),  # a part missing: refused
    ],
)
def test_a_date_is_saved_from_its_day_month_and_year(loaded, client_for, day, month, year, saved):
    risk = models.Risk.objects.get(ref="1")
    before = risk.review_date
    form = {
        "version": risk.version,
        "description": risk.description,
        "owner": risk.owner,
        "review_date_day": day,
        "review_date_month": month,
        "review_date_year": year,
        "current_likelihood": "3",
        "current_consequence": "3",
        "initial_likelihood": "4",
        "initial_consequence": "5",
    }
    response = client_for(Role.ANALYST).post(
        reverse("registers:edit", args=["risk", risk.pk]), form
    )
    risk.refresh_from_db()
    if saved is None:
        assert response.status_code == 400 and b"Enter a valid date" in response.content
        assert risk.review_date == before
    else:
        assert response.status_code == 302
        assert risk.review_date.isoformat() == saved


def test_the_assurance_grid_has_each_section_once(loaded, client_for):
    import re

    page = client_for(Role.BOARD).get("/registers/programmes/").content.decode()
    headings = re.findall(r"<th[^>]*colspan[^>]*>\s*([^<]+?)\s*</th>", page)
    assert headings, "no section headings found"
    assert len(headings) == len(set(headings)), headings


@pytest.fixture
def demo_at_march_2025(db):
    import datetime as dt

    # the demo's data period ends in March 2025: its "today" is 31 March 2025
    return demo.load_demo(today=dt.date(2025, 3, 31))


def test_the_demo_tells_the_seed_papers_story(demo_at_march_2025):
    import datetime as dt

    reports = models.StatusReport.objects.select_related("programme")
    assert reports.exists()
    assert not reports.filter(narrative__icontains="synthetic").exists()
    # dated from the data period, never the machine's clock: quarterly to March 2025
    assert {r.report_date for r in reports} == {
        dt.date(2024, 6, 1),
        dt.date(2024, 9, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 3, 1),
    }
    for report in reports.filter(report_date=dt.date(2025, 3, 1)):
        # the latest report is the seed paper's own status text and RAG
        assert report.narrative == report.programme.status_text.strip()
        assert report.rag_overall == report.programme.rag
    deliverables = models.Milestone.objects.filter(kind="deliverable")
    dates = [m.due_date for m in deliverables]
    assert len(dates) == len(set(dates)) > 1  # distinct due dates
    assert min(dates) == dt.date(2025, 4, 30)  # the first falls due a month on
    for risk in models.Risk.objects.exclude(current_likelihood=None):
        assert risk.score("target") is not None
        assert risk.score("target") <= risk.score("current")
    # the portfolio's savings benefits
    months = models.BenefitMonth.objects.filter(benefit__name__startswith="Savings:").order_by(
        "month"
    )
    # a trajectory for the financial year of the data period, actuals up to March 2025
    assert months.first().month == dt.date(2024, 4, 1)
    assert not months.filter(actual__isnull=True, month__lte=dt.date(2025, 3, 1)).exists()


def test_the_baf_lists_the_escalated_risks_with_their_assurance(
    demo_at_march_2025, client_for, monkeypatch
):
    # no seed risk scores 15 (the default escalation score); this ICS escalates at 12
    monkeypatch.setenv("ONEWORKFORCE_BAF_SCORE", "12")
    threshold = 12
    escalated = [r for r in models.Risk.objects.all() if (r.score("current") or 0) >= threshold]
    below = [r for r in models.Risk.objects.all() if (r.score("current") or 0) < threshold]
    assert escalated and below  # the seed register has both
    page = client_for(Role.BOARD).get(reverse("registers:baf")).content.decode()
    for risk in escalated:
        assert f">{risk.ref}</a>:" in page
    for risk in below:
        assert f">{risk.ref}</a>:" not in page
    for heading in ("Controls", "Assurances", "Gaps in control", "Gaps in assurance", "Actions"):
        assert f'<dt class="nhsuk-summary-list__key">{heading}</dt>' in page
    # scores carry their band in words, not colour alone
    assert "owf-band-extreme" in page and ' <span class="owf-score__band">extreme</span>' in page


def test_the_heat_map_colours_each_cell_by_band(demo_at_march_2025, client_for):
    import re

    page = client_for(Role.BOARD).get(reverse("registers:risks")).content.decode()
    cells = re.findall(r'<td class="owf-band-(\w+) owf-heat--(\w+)" data-band="(\w+)"', page)
    assert len(cells) == 25
    # likelihood 5 x consequence 5 = 25, extreme; 1 x 1 = 1, low (bands 1-3 low ... 15-25)
    assert cells[4][0] == "extreme" and cells[20][0] == "low"
    assert any(has == "has" for _, has, _ in cells)


def test_archive_without_a_version_changes_nothing(client_for):
    """Issue 14: a POST carrying no version archived the record (the version check was skipped)."""
    from oneworkforce.registers import actions

    risk = actions.create("tests", models.Risk, ref="R-EDGE", description="A risk")
    client = client_for(Role.ANALYST)
    response = client.post(reverse("registers:archive", args=("risk", risk.pk)), {})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert not risk.archived and risk.version == 1
    # with the version seen, it archives
    client.post(reverse("registers:archive", args=("risk", risk.pk)), {"version": "1"})
    risk.refresh_from_db()
    assert risk.archived


def test_an_unconfirmed_import_preview_expires(client_for, settings, tmp_path):
    import os
    import re
    import time

    from oneworkforce.registers import views

    client = client_for(Role.ANALYST)
    upload = tmp_path / "risks.csv"
    upload.write_text("Risk Ref,Risk Description\nR-OLD,Imported late\n")
    with upload.open("rb") as fh:
        page = client.post(reverse("registers:import"), {"kind": "risks", "file": fh})
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.content.decode()).group(1)
    waiting = next((settings.HOME.tmp / "register-imports").glob(f"{token}--*"))
    old = time.time() - views.PREVIEW_LIFETIME.total_seconds() - 60
    os.utime(waiting, (old, old))
    response = client.post(reverse("registers:import"), {"token": token, "kind": "risks"})
    assert response.status_code == 404
    assert not models.Risk.objects.filter(ref="R-OLD").exists()
    assert not waiting.exists()
