"""Existing data into the people register: a person for each declarant (declarations written
with the same normalised name are one person's, year after year), each meeting's attendance
lines matched to them by exact normalised name (others left unresolved for an analyst), and
each interest's organisations read from its text."""

from django.db import migrations


def forwards(apps, schema_editor):
    from oneworkforce.registers.conflicts import organisations_in
    from oneworkforce.registers.people import name_key, split_written

    Person = apps.get_model("registers", "Person")
    Declaration = apps.get_model("registers", "Declaration")
    Interest = apps.get_model("registers", "Interest")
    Meeting = apps.get_model("registers", "Meeting")
    Attendee = apps.get_model("registers", "Attendee")
    Programme = apps.get_model("registers", "Programme")
    AuditEvent = apps.get_model("audit", "AuditEvent")

    people: dict[str, object] = {}
    for decl in Declaration.objects.order_by("declared_on", "id"):
        name = " ".join(p for p in (decl.forename, decl.surname) if p)
        key = name_key(name)
        if not key:
            continue
        if key not in people:
            people[key] = Person.objects.create(name=name, key=key, role=decl.role)
        decl.person = people[key]
        decl.save(update_fields=["person"])
    registered = [(p.name, []) for p in Programme.objects.filter(archived=False)]
    for interest in Interest.objects.filter(withdrawn=False):
        interest.organisations = organisations_in(interest.description, registered)
        interest.save(update_fields=["organisations"])
    made = 0
    for meeting in Meeting.objects.all():
        for position, line in enumerate(meeting.attendance or []):
            if isinstance(line, dict):
                written, role = str(line.get("name", "")), str(line.get("role", ""))
                present = bool(line.get("present", True))
            else:
                (written, role), present = split_written(line), True
            if not written.strip():
                continue
            person = people.get(name_key(written))
            Attendee.objects.create(
                meeting=meeting,
                person=person,
                written=written,
                role=role,
                present=present,
                status="matched" if person else "unknown",
                position=position,
            )
            made += 1
    if people or made:
        AuditEvent.objects.create(
            actor="migration",
            action="person.migrate",
            object_type="registers.person",
            object_id="",
            changes={"people": [0, len(people)], "attendees": [0, made]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0003_people_conflicts_indicators"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
