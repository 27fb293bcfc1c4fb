"""Committee members edited on the web (`/registers/programmes/<code>/members/`): every change
audited through the actions layer, a stale page refused, a member who leaves kept with an
end date, so the conflicts check of a meeting without attendance reads the members on its
day; and the demo's seed risks owned by people named by their role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import actions, conflicts, demo, models
from oneworkforce.web.access import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return actions.create(
        "setup", models.Programme, code="WFB", name="Workforce Board", kind="committee"
    )


@pytest.fixture
def person():
    return actions.create_person(
        "setup", "Chief Nurse", role="Chief Nurse", organisation="Synthetic Trust"
    )


def _date(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_adding_a_member_is_audited_and_the_check_sees_them(committee, person, client_for):
    client = client_for(Role.PROGRAMME_LEAD)
    url = reverse("registers:members", args=[committee.code])
    assert client.get(url).status_code == 200
    events = AuditEvent.objects.count()
    done = client.post(
        url,
        {
            "member": person.pk,
            "role": "Member (nursing)",
            **_date("since", dt.date(2025, 1, 1)),
            **_date("until", None),
        },
    )
    assert done.status_code == 302 and done["Location"] == url
    membership = models.Membership.objects.get(committee=committee, person=person)
    assert (membership.role, membership.since, membership.until) == (
        "Member (nursing)",
        dt.date(2025, 1, 1),
        None,
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.actor) == ("membership.create", "user-programme_lead")
    # the conflicts check of a meeting with no attendance reads the members on its day
    assert [m.person for m in conflicts.members_on(committee, dt.date(2025, 3, 1))] == [person]
    assert conflicts.members_on(committee, dt.date(2024, 12, 31)) == []
    page = client.get(url).content.decode()
    row = page.split('id="members"')[1].split("</table>")[0]
    assert "Chief Nurse" in row and "1 Jan 2025" in row


def test_a_new_person_is_made_with_their_membership(committee, client_for):
    client = client_for(Role.ANALYST)
    url = reverse("registers:members", args=[committee.code])
    events = AuditEvent.objects.count()
    done = client.post(
        url,
        {
            "new_name": "Director of Finance",
            "new_organisation": "Synthetic ICB",
            "role": "Member",
            **_date("since", dt.date(2025, 4, 1)),
        },
    )
    assert done.status_code == 302
    made = models.Person.objects.get(name="Director of Finance")
    assert made.organisation == "Synthetic ICB"
    assert models.Membership.objects.filter(committee=committee, person=made).exists()
    actions_written = list(
        AuditEvent.objects.filter(id__gt=0).order_by("id").values_list("action", flat=True)
    )[events:]
    assert actions_written == ["person.create", "membership.create"]


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({}, "Choose a person, or type a new person"),
        ({"new_name": "Someone"}, "not both"),
        (
            {**_date("since", dt.date(2025, 5, 1)), **_date("until", dt.date(2025, 4, 30))},
            "cannot end before it began",
        ),
    ],
)
def test_a_bad_member_is_refused_and_nothing_saved(committee, person, client_for, post, message):
    client = client_for(Role.PROGRAMME_LEAD)
    data = {"role": "Member", **post}
    if "Choose" not in message:
        data["member"] = person.pk
    events = AuditEvent.objects.count()
    refused = client.post(reverse("registers:members", args=[committee.code]), data)
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    assert message in refused.content.decode().replace("&#x27;", "'")
    assert not models.Membership.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_member_twice_is_refused(committee, person, client_for):
    actions.add_member("setup", committee, person, role="Member")
    client = client_for(Role.PROGRAMME_LEAD)
    refused = client.post(
        reverse("registers:members", args=[committee.code]), {"member": person.pk}
    )
    assert refused.status_code == 400
    assert "already a member of Workforce Board" in refused.content.decode()
    assert models.Membership.objects.count() == 1


def test_ending_a_membership_is_audited_and_a_stale_page_refused(committee, person, client_for):
    membership = actions.add_member(
        "setup", committee, person, role="Member", since=dt.date(2024, 1, 1)
    )
    client = client_for(Role.PROGRAMME_LEAD)
    url = reverse("registers:membership", args=[membership.pk])
    assert client.get(url).status_code == 200
    form = {"version": 1, "role": "Member", **_date("since", dt.date(2024, 1, 1))}
    done = client.post(url, {**form, **_date("until", dt.date(2025, 3, 31))})
    assert done.status_code == 302
    assert done["Location"] == reverse("registers:members", args=[committee.code])
    membership.refresh_from_db()
    assert (membership.until, membership.version) == (dt.date(2025, 3, 31), 2)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "membership.update"
    assert event.object_id == str(membership.pk)
    # the member on a meeting day before they left, not after
    assert conflicts.members_on(committee, dt.date(2025, 3, 31)) == [membership]
    assert conflicts.members_on(committee, dt.date(2025, 4, 1)) == []

    stale = client.post(url, {**form, "role": "Vice chair", **_date("until", None)})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    membership.refresh_from_db()
    assert (membership.role, membership.until) == ("Member", dt.date(2025, 3, 31))


@pytest.mark.parametrize("role", [Role.BOARD, Role.ORG_DATA_LEAD, Role.VIEWER])
def test_only_register_editors_change_members(committee, person, client_for, role):
    membership = actions.add_member("setup", committee, person)
    client = client_for(role)
    url = reverse("registers:members", args=[committee.code])
    assert client.get(url).status_code == 403
    assert client.post(url, {"new_name": "Intruder"}).status_code == 403
    edit = reverse("registers:membership", args=[membership.pk])
    assert client.post(edit, {"version": 1, "role": "Chair"}).status_code == 403
    assert not models.Person.objects.filter(name="Intruder").exists()
    membership.refresh_from_db()
    assert membership.role == ""


def test_the_demo_risks_are_owned_by_people_named_by_role():
    demo.load_demo(today=dt.date(2025, 3, 31))
    risks = list(models.Risk.objects.select_related("owner_person"))
    assert len(risks) == 10
    for risk in risks:
        owner = risk.owner_person
        assert owner is not None, risk.ref
        # named by the role, never a real person's name (seed 003's sponsor was one)
        assert owner.name == owner.role == demo.RISK_OWNERS[risk.ref]
        assert risk.owner == owner.name
        assert owner.organisation == demo.OWNERS_ORGANISATION
        assert "Synthetic" in owner.organisation
    assert models.Risk.objects.get(ref="9").owner == "Workforce Finance Lead"
    # loading again makes nobody twice
    people = models.Person.objects.count()
    demo.load_demo(today=dt.date(2025, 3, 31))
    assert models.Person.objects.count() == people
