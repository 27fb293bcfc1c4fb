"""Adding risks, actions, milestones, benefits and meetings from the web app."""

import pytest
from django.urls import reverse

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import actions, models
from oneworkforce.web.access import Role

KEYS = ["risk", "action", "milestone", "benefit", "meeting"]
LISTS = {
    "risk": ("registers:risks", b"Add a risk"),
    "action": ("registers:actions", b"Add an action"),
    "milestone": ("registers:milestones", b"Add a milestone"),
    "benefit": ("registers:benefits", b"Add a benefit"),
    "meeting": ("registers:meetings", b"Add a meeting"),
}

RISK = {
    "ref": "WF-12",
    "description": "Agency spend stays above the cap",
    "owner": "Director of Workforce",
    "initial_likelihood": "4",
    "initial_consequence": "5",
    "current_likelihood": "4",
    "current_consequence": "4",
    "target_likelihood": "2",
    "target_consequence": "3",
    "review_date": "2025-03-31",
}


@pytest.mark.django_db
@pytest.mark.parametrize("key", KEYS)
def test_who_may_add(client_for, key):
    url = reverse("registers:new", args=[key])
    list_name, link = LISTS[key]
    for role in (Role.VIEWER, Role.BOARD, Role.ORG_DATA_LEAD):
        client = client_for(role)
        assert client.get(url).status_code == 403, role
        assert client.post(url, {}).status_code == 403, role
        if role != Role.VIEWER:  # they see the list, without the link
            listing = client.get(reverse(list_name))
            assert listing.status_code == 200 and link not in listing.content
        client.logout()
    lead = client_for(Role.PROGRAMME_LEAD)
    assert lead.get(url).status_code == 200
    assert link in lead.get(reverse(list_name)).content


@pytest.mark.django_db
def test_nothing_else_can_be_added(client_for):
    lead = client_for(Role.PROGRAMME_LEAD)
    assert lead.get(reverse("registers:new", args=["declaration"])).status_code == 404
    assert lead.get(reverse("registers:new", args=["programme"])).status_code == 404


@pytest.mark.django_db
def test_adding_a_risk(client_for):
    prog = actions.create("t", models.Programme, code="P1", name="Retention")
    lead = client_for(Role.PROGRAMME_LEAD)
    events = AuditEvent.objects.count()
    response = lead.post(reverse("registers:new", args=["risk"]), {**RISK, "programmes": [prog.pk]})
    risk = models.Risk.objects.get(ref="WF-12")
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:risk", args=[risk.pk])
    assert risk.owner == "Director of Workforce" and risk.score("current") == 16
    assert risk.version == 1 and [p.code for p in risk.programmes.all()] == ["P1"]
    created = AuditEvent.objects.filter(object_type="registers.risk", object_id=str(risk.pk))
    assert [e.action for e in created] == ["risk.create"]
    assert created[0].actor == "user-programme_lead"
    # one creation event, and the three scorings each recorded with their criteria
    assert AuditEvent.objects.count() == events + 1 + 3
    assert sorted(risk.assessments.values_list("stage", "score")) == [
        ("current", 16),
        ("initial", 20),
        ("target", 6),
    ]


@pytest.mark.django_db
def test_a_taken_ref_is_refused_plainly(client_for):
    actions.create("t", models.Risk, ref="WF-12", description="Already here")
    lead = client_for(Role.PROGRAMME_LEAD)
    events = AuditEvent.objects.count()
    response = lead.post(reverse("registers:new", args=["risk"]), {**RISK, "ref": "wf-12"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "nhsuk-error-summary" in text
    assert "Risk reference wf-12 is already taken by another risk" in text
    assert models.Risk.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("missing", "label"),
    [
        ("review_date", "Review date"),
        ("owner", "Owner"),
        ("target_consequence", "Target consequence"),
        ("description", "Description"),
        ("ref", "Risk reference"),
    ],
)
def test_a_risk_needs_its_essentials(client_for, missing, label):
    lead = client_for(Role.PROGRAMME_LEAD)
    data = {k: v for k, v in RISK.items() if k != missing}
    response = lead.post(reverse("registers:new", args=["risk"]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and f"{label}: This field is required." in text
    assert models.Risk.objects.count() == 0


@pytest.mark.django_db
def test_a_score_off_the_matrix_is_refused(client_for):
    lead = client_for(Role.PROGRAMME_LEAD)
    response = lead.post(
        reverse("registers:new", args=["risk"]), {**RISK, "current_likelihood": "6"}
    )
    assert response.status_code == 400 and models.Risk.objects.count() == 0


def _one_create_event(model_name: str, pk: int) -> None:
    events = AuditEvent.objects.filter(object_type=f"registers.{model_name}", object_id=str(pk))
    assert [e.action for e in events] == [f"{model_name}.create"]


@pytest.mark.django_db
def test_adding_an_action_takes_the_meetings_date(client_for):
    meeting = actions.create("t", models.Meeting, title="Workforce Board", date="2024-05-14")
    lead = client_for(Role.PROGRAMME_LEAD)
    events = AuditEvent.objects.count()
    response = lead.post(
        reverse("registers:new", args=["action"]),
        {
            "meeting": meeting.pk,
            "item": "4",
            "action": "Bring the agency cap options to the next meeting",
            "owner": "Jo Bloggs",
            "due_date": "2024-06-11",
            "status": "open",
        },
    )
    action = models.Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:action", args=[action.pk])
    assert action.meeting == meeting and str(action.meeting_date) == "2024-05-14"
    assert AuditEvent.objects.count() == events + 1
    _one_create_event("action", action.pk)


@pytest.mark.django_db
def test_adding_a_milestone_and_a_benefit(client_for):
    prog = actions.create("t", models.Programme, code="P1", name="Retention")
    lead = client_for(Role.PROGRAMME_LEAD)
    page = lead.get(reverse("registers:new", args=["milestone"]) + "?programme=P1")
    assert page.context["form"].initial["programme"] == prog
    events = AuditEvent.objects.count()
    response = lead.post(
        reverse("registers:new", args=["milestone"]),
        {
            "programme": prog.pk,
            "name": "Exit interviews in every trust",
            "kind": "deliverable",
            "due_date": "2024-09-30",
            "status": "not_started",
        },
    )
    milestone = models.Milestone.objects.get()
    assert response["Location"] == reverse("registers:milestone", args=[milestone.pk])
    assert milestone.programme == prog and milestone.kind == "deliverable"
    response = lead.post(
        reverse("registers:new", args=["benefit"]),
        {
            "programme": prog.pk,
            "name": "Lower turnover",
            "kind": "cost_avoidance",
            "unit": "£",
            "planned_total": "250000",
        },
    )
    benefit = models.Benefit.objects.get()
    assert response["Location"] == reverse("registers:benefit", args=[benefit.pk])
    assert str(benefit.planned_total) == "250000.00"
    assert AuditEvent.objects.count() == events + 2
    _one_create_event("milestone", milestone.pk)
    _one_create_event("benefit", benefit.pk)


@pytest.mark.django_db
def test_adding_a_meeting_reads_agenda_and_attendance(client_for):
    lead = client_for(Role.PROGRAMME_LEAD)
    events = AuditEvent.objects.count()
    response = lead.post(
        reverse("registers:new", args=["meeting"]),
        {
            "title": "Workforce Board",
            "date": "2024-05-14",
            "agenda": "1 | Welcome | Prem Singh\n\n5 | Agency cap | Jo Bloggs | Jo left the room\n",
            "attendance": "Prem Singh | Chair\nJo Bloggs\nSam Jones | Director | absent",
        },
    )
    meeting = models.Meeting.objects.get()
    assert response["Location"] == reverse("registers:meeting", args=[meeting.pk])
    assert meeting.agenda == [
        {"number": "1", "title": "Welcome", "lead": "Prem Singh", "handling": ""},
        {"number": "5", "title": "Agency cap", "lead": "Jo Bloggs", "handling": "Jo left the room"},
    ]
    assert meeting.attendance == [
        {"name": "Prem Singh", "role": "Chair", "present": True},
        {"name": "Jo Bloggs", "role": "", "present": True},
        {"name": "Sam Jones", "role": "Director", "present": False},
    ]
    # the meeting, and its attendance lines matched to people (nobody is known yet)
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == sorted(
        ["meeting.create", "attendee.rebuild"]
    )
    assert AuditEvent.objects.count() == events + 2
    assert [(a.written, a.status) for a in meeting.attendees.all()] == [
        ("Prem Singh", "unknown"),
        ("Jo Bloggs", "unknown"),
        ("Sam Jones", "unknown"),
    ]
    _one_create_event("meeting", meeting.pk)
    # the edit form gives the same lines back, and saving them unchanged records nothing
    edit = lead.get(reverse("registers:edit", args=["meeting", meeting.pk]))
    form = edit.context["form"]
    assert (
        form.initial["agenda"]
        == "1 | Welcome | Prem Singh\n5 | Agency cap | Jo Bloggs | Jo left the room"
    )
    assert form.initial["attendance"].splitlines()[2] == "Sam Jones | Director | absent"
    again = lead.post(
        reverse("registers:edit", args=["meeting", meeting.pk]),
        {
            "version": meeting.version,
            "title": meeting.title,
            "date": "2024-05-14",
            "agenda": form.initial["agenda"],
            "attendance": form.initial["attendance"],
        },
    )
    assert again.status_code == 302 and AuditEvent.objects.count() == events + 2


@pytest.mark.django_db
def test_a_meeting_needs_a_title_and_date(client_for):
    lead = client_for(Role.PROGRAMME_LEAD)
    response = lead.post(reverse("registers:new", args=["meeting"]), {"title": ""})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Title: This field is required." in text and "Date: This field is required." in text
