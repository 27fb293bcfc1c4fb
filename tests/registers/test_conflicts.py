"""People identified exactly, and conflicts of interest checked item by item (issue 15).

The fixtures are written by hand: a declarations register with near-namesakes (Ann Lee and
Andrew Leeson, Alan Ash and Ann Ashley), a meeting whose agenda has items with and without a
declared organisation, and the conflicts a board secretary would expect, worked out below.
"""

import datetime as dt
import json

import pytest

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import actions, conflicts, importing, models, people

HEADINGS = [
    "Date of Declaration",
    "Title",
    "Forename",
    "Surname",
    "Role",
    "1. Financial Interest",
    "2. Non-financial professional interests",
    "3. Non-financial personal interests",
    "4. Indirect interests",
]
DECLARATIONS = [
    ["1st April 2024", "Dr", "Ann", "Lee", "Medical Director",
     "1. Director, Lee Medical Supplies Ltd (January 2020 - ongoing)", "None", "None", "None"],
    ["2nd April 2024", "Mr", "Alan", "Ash", "Non-Executive Director", "None",
     "1. Trustee of Ashfield Carers Trust (2019 - ongoing)", "None", "None"],
    ["3rd April 2024", "Mr", "Andrew", "Leeson", "Non-Executive Director",
     "None", "None", "None", "None"],
    ["4th April 2024", "Ms", "Ann", "Ashley", "Chief Nurse", "None", "None", "None",
     "1. Spouse is employed by RFT as a porter (2018 - ongoing)"],
    ["5th April 2024", "Dr", "Priya", "Shah", "GP member",
     "1. Partner, Northgate Medical Practice LLP (2015 - ongoing) "
     "2. Director, Old Co Ltd (2010 - March 2020)", "None", "None", "None"],
]  # fmt: skip


@pytest.fixture
def board(db):
    actions.create(
        "sec",
        models.Organisation,
        name="Riverside NHS Foundation Trust",
        aliases=["RFT"],
        kind="nhs_trust",
    )
    importing.apply(
        importing.plan("declarations", HEADINGS, DECLARATIONS, file_name="doi.csv"), "sec"
    )
    return actions.create(
        "sec",
        models.Meeting,
        title="Board in public",
        date=dt.date(2024, 6, 10),
        agenda=[
            {"number": "1", "title": "Welcome and apologies", "lead": "", "handling": ""},
            {
                "number": "2",
                "title": "Contract award for medical supplies",
                "lead": "",
                "handling": "AL left the room for the item.",
                "concerns": ["Lee Medical Supplies Ltd"],
            },
            "3. Staffing update from RFT",
            "4. Ashfield Carers Trust grant",
            "5. Old Co Ltd contract",
            {"number": "6", "title": "Northgate Medical Practice LLP list closure"},
        ],
        attendance=[
            "Andrew Leeson, Non-Executive Director",
            "Ann Ashley, Chief Nurse",
            "Priya Shah",
            "Dr Ann Lee (AL), Chair",
            "Chris Unknown, Observer",
        ],
    )


def test_names_are_normalised_not_shortened():
    assert people.name_key("Dr Jo Chan (JC)") == "jo chan"
    assert people.name_key("  MRS  Debbie   Everden ") == "debbie everden"
    assert people.name_key("Paul Edmondson-Jones") == "paul edmondson jones"


@pytest.mark.django_db
def test_near_namesakes_are_different_people(board):
    # five declarants, five people; the attendance lines match by the whole name
    assert models.Person.objects.count() == 5
    by_line = {
        a.written: (a.person.name if a.person else None, a.status) for a in board.attendees.all()
    }
    assert by_line == {
        "Andrew Leeson": ("Andrew Leeson", "matched"),
        "Ann Ashley": ("Ann Ashley", "matched"),
        "Priya Shah": ("Priya Shah", "matched"),
        "Dr Ann Lee (AL)": ("Ann Lee", "matched"),
        "Chris Unknown": (None, "unknown"),
    }
    assert people.match("Lee").status == "unknown"  # a surname alone is nobody
    assert people.match("Ash").status == "unknown"


@pytest.mark.django_db
def test_organisation_or_email_tells_namesakes_apart(db):
    north = actions.create_person("sec", "John Smith", organisation="North Trust")
    south = actions.create_person(
        "sec", "John Smith", organisation="South Council", email="js@nhs.net"
    )
    assert people.match("John Smith").status == "ambiguous"
    assert people.match("John Smith", organisation="north trust").person == north
    assert people.match("J Smith", email="JS@nhs.net").person == south
    assert people.match("John Smith", organisation="East PCN").status == "ambiguous"


@pytest.mark.django_db
def test_conflicts_item_by_item(board):
    result = conflicts.check(board)
    found = {
        item["item"]: [
            (c["person"], c["organisation"], c["handling_required"]) for c in item["conflicts"]
        ]
        for item in result["items"]
    }
    # 1: names nothing. 2: typed concern, Ann Lee's financial interest -> leave the room.
    # 3: RFT is Riverside's alias; Ann Ashley's indirect interest -> not take part.
    # 4: Alan Ash's trust, but he is not at the meeting (and Ann Ashley is not Alan Ash).
    # 5: Priya Shah's Old Co interest ended March 2020, before 10 June 2024.
    # 6: Priya Shah's LLP, a financial interest -> leave the room.
    assert found == {
        "1": [],
        "2": [("Ann Lee", "Lee Medical Supplies Ltd", "leave the room")],
        "3": [("Ann Ashley", "Riverside NHS Foundation Trust", "not take part")],
        "4": [],
        "5": [],
        "6": [("Priya Shah", "Northgate Medical Practice LLP", "leave the room")],
    }
    item2 = result["items"][1]["conflicts"][0]
    assert item2["handling_recorded"] == "AL left the room for the item."
    assert item2["interest"].startswith("Director, Lee Medical Supplies Ltd")
    assert result["items"][2]["conflicts"][0]["handling_recorded"] == ""
    assert result["unresolved_people"] == [
        {"name": "Chris Unknown", "reason": "no person with this name"}
    ]


@pytest.mark.django_db
def test_identifying_a_name_is_audited_and_links_it(board):
    chris = actions.identify_person(
        "analyst", "Chris Unknown", create={"name": "Chris Unwin", "role": "Observer"}
    )
    att = board.attendees.get(written="Chris Unknown")
    assert att.person == chris and att.status == "matched"
    assert people.match("Chris Unknown").person == chris  # the alias is remembered
    assert AuditEvent.objects.filter(action="personalias.create", actor="analyst").exists()
    assert AuditEvent.objects.filter(action="person.resolve", actor="analyst").exists()
    # now identified but without a declaration: still not checked, and said so
    assert conflicts.check(board)["unresolved_people"] == [
        {"name": "Chris Unknown", "reason": "no declaration of interests"}
    ]


@pytest.mark.django_db
def test_confirming_an_interest_s_organisations_is_audited(board):
    interest = models.Interest.objects.get(description__startswith="Trustee of Ashfield")
    assert (
        interest.organisations == ["Ashfield Carers Trust"] and not interest.organisations_confirmed
    )
    actions.confirm_organisations(
        "alan", interest, ["Ashfield Carers Trust", "Riverside NHS Foundation Trust"]
    )
    interest.refresh_from_db()
    assert interest.organisations_confirmed
    event = AuditEvent.objects.get(action="interest.confirm")
    assert event.actor == "alan" and event.changes["organisations_confirmed"] == [False, True]


MPFT = "Midlands Partnership NHS Foundation Trust"
DCHS = "Derbyshire Community Health Services NHS Foundation Trust"
TEXTS = [
    ("Owner/Director - Elevate Coaching Ltd (October 2016 - ongoing)", ["Elevate Coaching Ltd"]),
    (
        "Director, Stoke-on-Trent Regeneration Ltd, could be a future estates interest",
        ["Stoke-on-Trent Regeneration Ltd"],
    ),
    (f"Chair of {DCHS} (November 2013 - ongoing)", [DCHS]),
    (
        "Non-Executive Director /Chair of Audit and Assurance- Derbyshire Community Health Trust",
        ["Derbyshire Community Health Trust"],
    ),
    ("Step-sister employed by MPFT as a nurse (ongoing)", [MPFT]),
    ("Independent Coach (October 2021 - ongoing)", []),
    ("Member of Unite the Union CIC", ["Unite the Union CIC"]),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_organisations_read_from_free_text(text, expected):
    registered = [(MPFT, ["MPFT"])]
    assert conflicts.organisations_in(text, registered) == expected


@pytest.mark.django_db
@pytest.mark.slow
def test_conflicts_command_json(board, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from oneworkforce.cli import app

    result = CliRunner().invoke(
        app, ["registers", "conflicts", "Board in public", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"meeting", "items", "unresolved_people"}
    assert [c["person"] for c in data["items"][1]["conflicts"]] == ["Ann Lee"]
    assert set(data["items"][1]["conflicts"][0]) >= {
        "person",
        "interest",
        "organisation",
        "handling_required",
        "handling_recorded",
    }
    missing = CliRunner().invoke(app, ["registers", "conflicts", "No such meeting"])
    assert missing.exit_code != 0 and "there is no meeting" in missing.output


@pytest.mark.django_db
def test_the_demo_board_meeting_of_seed_002(db):
    """Item 8 (ICS People Plan) concerns MPFT; on 1 July 2022 Alexandra Brett ("Chief People
    Officer for MPFT", non-financial professional) and Heather Johnstone ("Step-sister
    employed by MPFT", indirect) are present: both should not take part. Tracey Shewan also
    declares MPFT but is not at the meeting."""
    from oneworkforce.registers.demo import load_demo

    load_demo()
    meeting = models.Meeting.objects.get(title="Integrated Care Board meeting in public")
    result = conflicts.check(meeting)
    found = {
        item["item"]: sorted((c["person"], c["handling_required"]) for c in item["conflicts"])
        for item in result["items"]
    }
    assert found == {
        "1": [],
        "2": [],
        "5": [],
        "6": [],
        "8": [("Alexandra Brett", "not take part"), ("Heather Johnstone", "not take part")],
    }
    assert result["unresolved_people"] == []
    assert result["checked_from"] == "attendance"
    # the meeting belongs to the Board, whose members are the 20 people of its register of
    # interests (seed 002), members from 1 July 2022
    assert meeting.committee.name == "Integrated Care Board"
    members = conflicts.members_on(meeting.committee, meeting.date)
    assert len(members) == 20
    assert {m.person.name for m in members} >= {"Prem Singh", "Tracey Shewan", "Jon Rouse"}
    assert conflicts.members_on(meeting.committee, dt.date(2022, 6, 30)) == []


@pytest.mark.django_db
def test_names_to_identify_page(board, client_for):
    from django.urls import reverse

    from oneworkforce.web.access import Role

    url = reverse("registers:people_unresolved")
    assert client_for(None).get(url).status_code in (302, 403)
    lead = client_for(Role.PROGRAMME_LEAD)
    page = lead.get(url)
    assert page.status_code == 200
    assert [n["name"] for n in page.context["names"]] == ["Chris Unknown"]
    refused = lead.post(url, {"written": "Chris Unknown", "person": ""})
    assert refused.status_code == 400 and "choose who" in refused.context["errors"][0]
    done = lead.post(
        url,
        {"written": "Chris Unknown", "person": "new", "name": "Chris Unwin", "role": "Observer"},
    )
    assert done.status_code == 302
    assert board.attendees.get(written="Chris Unknown").person.name == "Chris Unwin"
    assert lead.get(url).context["names"] == []
    meeting_page = lead.get(reverse("registers:meeting", args=[board.pk]))
    assert meeting_page.context["conflicts"]["items"][1]["conflicts"][0]["person"] == "Ann Lee"


@pytest.mark.django_db
def test_an_agenda_typed_in_the_form_names_what_an_item_concerns(board, client_for):
    from django.urls import reverse

    from oneworkforce.web.access import Role

    lead = client_for(Role.PROGRAMME_LEAD)
    response = lead.post(
        reverse("registers:new", args=["meeting"]),
        {
            "title": "Primary care committee",
            "date": "2024-07-01",
            "agenda": "1 | Welcome | Chair\n"
            "2 | Estates update | Director | Dr Shah left the room | "
            "Northgate Medical Practice LLP; Riverside NHS Foundation Trust\n",
            "attendance": "Priya Shah | GP member\nAndrew Leeson",
        },
    )
    assert response.status_code == 302
    meeting = models.Meeting.objects.get(title="Primary care committee")
    assert meeting.agenda[1]["concerns"] == [
        "Northgate Medical Practice LLP",
        "Riverside NHS Foundation Trust",
    ]
    result = conflicts.check(meeting)
    # Priya Shah's financial interest in the practice; Andrew Leeson has none (nil)
    assert [
        (c["person"], c["organisation"], c["handling_recorded"])
        for c in result["items"][1]["conflicts"]
    ] == [("Priya Shah", "Northgate Medical Practice LLP", "Dr Shah left the room")]
    edit = lead.get(reverse("registers:edit", args=["meeting", meeting.pk]))
    assert edit.context["form"].initial["agenda"].splitlines()[1] == (
        "2 | Estates update | Director | Dr Shah left the room | "
        "Northgate Medical Practice LLP; Riverside NHS Foundation Trust"
    )


@pytest.mark.django_db
def test_a_meeting_without_attendance_checks_its_committee_members(board, client_for):
    from django.urls import reverse

    from oneworkforce.web.access import Role

    committee = actions.create(
        "sec", models.Programme, code="BOARD", name="Riverside Board", kind="committee"
    )
    person = {p.name: p for p in models.Person.objects.all()}
    # members on 10 June 2024: Alan Ash, Ann Ashley and Ann Lee; Priya Shah joined later
    # (July 2024) and Andrew Leeson left in May 2024
    for name, since, until in [
        ("Alan Ash", dt.date(2023, 1, 1), None),
        ("Ann Ashley", dt.date(2023, 1, 1), None),
        ("Ann Lee", None, None),
        ("Priya Shah", dt.date(2024, 7, 1), None),
        ("Andrew Leeson", dt.date(2022, 1, 1), dt.date(2024, 5, 31)),
    ]:
        actions.create(
            "sec",
            models.Membership,
            committee=committee,
            person=person[name],
            role="Board member",
            since=since,
            until=until,
        )
    assert AuditEvent.objects.filter(action="membership.create").count() == 5
    agenda = board.agenda
    meeting = actions.create(
        "sec",
        models.Meeting,
        title="Board in private",
        date=dt.date(2024, 6, 10),
        committee=committee,
        agenda=agenda,
        attendance=[],
    )
    result = conflicts.check(meeting)
    assert result["checked_from"] == "committee members (no attendance recorded)"
    found = {
        item["item"]: [(c["person"], c["organisation"]) for c in item["conflicts"]]
        for item in result["items"]
    }
    # the same agenda as the board fixture's, now set against the three members on the day:
    # 2: Ann Lee's Lee Medical Supplies Ltd. 3: Ann Ashley's RFT (Riverside's alias).
    # 4: Alan Ash's Ashfield Carers Trust: a member, so checked although nobody wrote him in.
    # 6: Priya Shah's LLP is not listed: she was not yet a member on 10 June 2024.
    assert found == {
        "1": [],
        "2": [("Ann Lee", "Lee Medical Supplies Ltd")],
        "3": [("Ann Ashley", "Riverside NHS Foundation Trust")],
        "4": [("Alan Ash", "Ashfield Carers Trust")],
        "5": [],
        "6": [],
    }
    assert result["unresolved_people"] == []
    # the command says whose interests it checked
    from typer.testing import CliRunner

    from oneworkforce.cli import app

    said = CliRunner().invoke(app, ["registers", "conflicts", "Board in private"])
    assert said.exit_code == 0, said.output
    flat = " ".join(said.output.split())
    assert "interests checked: committee members (no attendance recorded)" in flat
    assert "4. Ashfield Carers Trust grant: Alan Ash – Ashfield Carers Trust" in flat
    # the meeting page says whose interests were checked and lists the members on the day
    page = client_for(Role.ANALYST).get(reverse("registers:meeting", args=[meeting.pk]))
    html = page.content.decode()
    assert "the interests checked are those of the members of Riverside Board" in html
    assert "Members of Riverside Board on 10 June 2024" in html
    assert "Andrew Leeson" not in html.split("Members of Riverside Board")[1]
    # a meeting with neither attendance nor a committee checks nobody: never "None identified"
    lone = actions.create(
        "sec", models.Meeting, title="Away day", date=dt.date(2024, 6, 11), agenda=agenda
    )
    alone = conflicts.check(lone)
    assert alone["checked_from"] == "nobody"
    assert conflicts.cover_text({"checked": True, "lines": [], **alone}).startswith("Not checked")
