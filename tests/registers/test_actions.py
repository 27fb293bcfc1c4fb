"""The actions layer: audit, optimistic concurrency, frozen reports, archive not delete."""

import datetime as dt

import pytest

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import actions, models, published, snapshot


@pytest.fixture
def programme(db):
    return actions.create(
        "alice",
        models.Programme,
        code="P1",
        name="Unfunded capacity",
        kind="portfolio",
        phase="planning",
    )


@pytest.mark.django_db
def test_every_action_is_audited(programme):
    created = AuditEvent.objects.filter(
        object_type="registers.programme", object_id=str(programme.pk)
    )
    assert created.get().action == "programme.create"
    actions.update("bob", programme, 1, {"phase": "mobilisation"})
    event = AuditEvent.objects.filter(action="programme.update").get()
    assert event.actor == "bob" and event.changes["phase"] == ["planning", "mobilisation"]
    assert [p.phase for p in programme.phases.all()] == ["planning", "mobilisation"]


@pytest.mark.django_db
def test_stale_edit_is_refused(programme):
    actions.update("alice", programme, 1, {"objective": "first"})
    with pytest.raises(actions.StaleEdit, match="changed by someone else"):
        actions.update("bob", programme, 1, {"objective": "second"})
    programme.refresh_from_db()
    assert programme.objective == "first" and programme.version == 2


@pytest.mark.django_db
def test_no_change_writes_nothing(programme):
    before = AuditEvent.objects.count()
    actions.update("alice", programme, 1, {"name": "Unfunded capacity"})
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_submitted_report_is_frozen(programme):
    report = actions.create(
        "alice",
        models.StatusReport,
        programme=programme,
        report_date=dt.date(2024, 9, 1),
        rag_overall="amber",
    )
    report = actions.submit_report("alice", report, report.version)
    with pytest.raises(actions.Frozen):
        actions.update("alice", report, report.version, {"rag_overall": "green"})
    programme.refresh_from_db()
    assert programme.rag == "amber"


@pytest.mark.django_db
def test_archive_not_delete(programme):
    with pytest.raises(models.ArchiveOnly):
        programme.delete()
    actions.archive("alice", programme, 1)
    programme.refresh_from_db()
    assert programme.archived and models.Programme.objects.count() == 1
    assert AuditEvent.objects.filter(action="programme.archive").count() == 1


@pytest.mark.django_db
def test_risk_assessments_keep_their_criteria():
    risk = actions.create(
        "alice", models.Risk, ref="R1", description="x", current_likelihood=4, current_consequence=4
    )
    actions.update("alice", risk, 1, {"current_likelihood": 3})
    scores = [(a.score, a.band, a.criteria_version) for a in risk.assessments.all()]
    assert scores == [(16, "extreme", "npsa-5x5-2008"), (12, "high", "npsa-5x5-2008")]
    assert risk.assessments.first().criteria["bands"][0] == [1, 3, "low"]


@pytest.mark.django_db
def test_snapshot_contract(programme):
    risk = actions.create(
        "alice",
        models.Risk,
        ref="R1",
        description="x",
        owner="O",
        current_likelihood=5,
        current_consequence=3,
        review_date=dt.date(2024, 1, 1),
    )
    actions.create("alice", models.Action, action="Do it", owner="PB", due_date=dt.date(2024, 9, 1))
    for i, rag in enumerate(["green", "red"]):
        report = actions.create(
            "alice",
            models.StatusReport,
            programme=programme,
            report_date=dt.date(2024, 7 + i, 1),
            rag_overall=rag,
        )
        actions.submit_report("alice", report, report.version)
    snap = snapshot.board_snapshot(dt.date(2024, 10, 1))
    assert snap["escalation_score"] == 15
    row = snap["programmes"][0]
    assert row["rag"]["overall"] == "red" and row["previous_rag"]["overall"] == "green"
    assert row["rag_changed"] is True and row["last_report_date"] == "2024-08-01"
    assert [r["ref"] for r in snap["baf"]] == [risk.ref]  # 5 x 3 = 15 reaches the default
    assert snap["heatmap"]["counts"][0][2] == 1  # likelihood 5 is the first row
    assert snap["overdue_actions"][0]["days_overdue"] == 30  # 1 Sep to 1 Oct
    assert snap["overdue_reviews"][0]["days_overdue"] == 274  # 1 Jan to 1 Oct 2024 (leap)
    # the day the current score was last assessed (what dates a risk's change in the pack)
    scored = risk.assessments.filter(stage="current").latest("assessed_at").assessed_at
    assert snap["risks"][0]["scored_on"] == scored.date().isoformat()
    unscored = actions.create("alice", models.Risk, ref="R2", description="y")
    rows = {r["ref"]: r for r in snapshot.board_snapshot(dt.date(2024, 10, 1))["risks"]}
    assert rows[unscored.ref]["scored_on"] is None


@pytest.mark.django_db
def test_published_register_six_month_rule():
    decl = actions.create(
        "alice",
        models.Declaration,
        forename="Ann",
        surname="Example",
        declared_on=dt.date(2022, 6, 1),
        financial="1. Director, A Ltd (2010 - 30th June 2022) 2. Adviser, B Ltd (2019 - ongoing)",
    )
    nil = actions.create(
        "alice",
        models.Declaration,
        forename="Nil",
        surname="Person",
        non_financial_personal="None",
        declared_on=dt.date(2022, 6, 1),
    )
    assert nil.nil and not decl.nil

    def shown(on):
        entry = next(e for e in published.published_register(on) if e["name"] == "Ann Example")
        return [i["description"][:11] for i in entry["interests"]]

    # ended 30 June 2022: still published on 30 December 2022, gone on 1 January 2023
    assert shown(dt.date(2022, 12, 30)) == ["Director, A", "Adviser, B "]
    assert shown(dt.date(2022, 12, 31)) == ["Director, A", "Adviser, B "]
    assert shown(dt.date(2023, 1, 1)) == ["Adviser, B "]
    nil_entry = next(
        e for e in published.published_register(dt.date(2023, 1, 1)) if e["name"] == "Nil Person"
    )
    assert nil_entry["nil"] is True
