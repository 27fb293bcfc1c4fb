"""Board content is dated from the data, never from the machine clock alone (issue 13): the
registers are read as of the day the pack for the latest month of data is due, or today."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from oneworkforce.registers import asof, demo, models, tabular
from oneworkforce.web.access import Role

#: a machine clock far beyond the demo's data (which ends in March 2025)
FAR_FUTURE = dt.date(2040, 6, 15)


@pytest.fixture
def frozen(monkeypatch):
    """The clock stopped in 2040 and the results store's latest month March 2025."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: FAR_FUTURE)
    monkeypatch.setattr(asof, "latest_period", lambda: "2025-03")


def test_the_board_date_is_the_latest_months_pack_date_never_later_than_today():
    # March 2025's pack is due at the end of April 2025: 30 April
    assert asof.for_period("2025-03", today=FAR_FUTURE) == dt.date(2025, 4, 30)
    # December's pack is due at the end of January of the next year: 31 January 2025
    assert asof.for_period("2024-12", today=FAR_FUTURE) == dt.date(2025, 1, 31)
    # a live system with last month's data: today comes first
    assert asof.for_period("2026-10", today=dt.date(2026, 11, 29)) == dt.date(2026, 11, 29)
    # no data yet: today
    assert asof.for_period(None, today=dt.date(2026, 11, 29)) == dt.date(2026, 11, 29)


def test_overdue_flags_follow_the_data_not_a_clock_far_in_the_future(db, frozen, client_for):
    # the demo is dated from its data period (31 March 2025); with the clock at 2040 every
    # item would be overdue if the pages read the clock
    demo.load_demo(today=dt.date(2025, 3, 31))
    assert asof.board_date() == dt.date(2025, 4, 30)
    client = client_for(Role.BOARD)

    # deliverables fall due monthly from 30 April 2025: none is overdue on 30 April 2025
    deliverables = models.Milestone.objects.filter(kind="deliverable")
    assert min(m.due_date for m in deliverables) == dt.date(2025, 4, 30)
    assert not any(tabular.milestone_overdue(m) for m in deliverables)
    page = client.get(reverse("registers:milestones")).content.decode()
    assert 'nhsuk-tag--red">Overdue' not in page

    # risk 1's review was due 17 March 2025 (a fortnight before the data period's end): the
    # only review overdue on 30 April 2025; the others fall due from 31 May 2025 on
    risk_page = client.get(reverse("registers:risks")).content.decode()
    overdue_reviews = [
        r.ref for r in models.Risk.objects.all() if r.review_date < asof.board_date()
    ]
    assert overdue_reviews == ["1"]
    assert "30 Apr 2025" in risk_page and "15 Jun 2040" not in risk_page


def test_an_action_due_after_the_board_date_is_not_red(db, frozen):
    # due 14 May 2025: 14 days after 30 April 2025, so amber (due within 14 days), not red
    action = models.Action(action="Report back", status="open", due_date=dt.date(2025, 5, 14))
    assert tabular.action_rag(action) == "amber"
    action.due_date = dt.date(2025, 4, 29)  # a day before the board date: overdue, red
    assert tabular.action_rag(action) == "red"


def test_the_demo_risks_carry_the_seed_ratings_dated_in_the_data_period(db, frozen, client_for):
    demo.load_demo(today=dt.date(2025, 3, 31))
    risk = models.Risk.objects.get(ref="1")
    history = [(a.assessed_at.date(), a.score) for a in risk.assessments.filter(stage="current")]
    # seed 003, risk 1: initial 4 x 5 = 20, first scored at the June 2024 quarterly review;
    # current 3 x 3 = 9 at the March 2025 review; never dated from the clock (2040)
    assert history == [(dt.date(2024, 6, 1), 20), (dt.date(2025, 3, 1), 9)]
    client = client_for(Role.BOARD)
    page = client.get(reverse("registers:risks")).content.decode()
    # the movement since three months before 30 April 2025 (30 January): down from 20 to 9
    row = page.split(">1</a>")[1].split("</tr>")[0]
    assert "down" in row
    # the BAF as at 30 April 2025: no current score reaches 15, and the risks that did in the
    # year (initial ratings 15 to 20: refs 1, 2, 3, 4, 6, 8, 9, 10) are shown coming down
    baf = client.get(reverse("registers:baf")).content.decode()
    came_off = baf.split('id="baf-came-off"')[1].split("</table>")[0]
    refs = re.findall(r'/registers/risks/\d+/">(\w+)</a>', came_off)
    assert sorted(refs, key=int) == ["1", "2", "3", "4", "6", "8", "9", "10"]
    assert "scored 1 Jun 2024" in came_off
    # the board pack reads the same list from the snapshot, in the same order as the page
    from oneworkforce.registers.snapshot import board_snapshot

    below = board_snapshot(asof.board_date())["baf_brought_below"]
    assert [r["ref"] for r in below] == refs
    assert {(r["peak_score"], r["peak_on"]) for r in below if r["ref"] == "1"} == {
        (20, "2024-06-01")
    }


def test_loading_the_demo_twice_adds_no_scoring(db, frozen):
    demo.load_demo(today=dt.date(2025, 3, 31))
    before = models.RiskAssessment.objects.count()
    demo.load_demo(today=dt.date(2025, 3, 31))
    assert models.RiskAssessment.objects.count() == before
