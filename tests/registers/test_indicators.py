"""Risks watched by their metrics: a key risk indicator on a series with a planted special
cause flags the risk "indicator signal: review due"; a review clears it (audited); the flag
returns when a later month signals again."""

import pytest

from oneworkforce.audit.models import AuditEvent
from oneworkforce.metrics.periods import month_index, period_label
from oneworkforce.metrics.results_layout import SERIES_COLUMNS
from oneworkforce.metrics.store import ResultsStore
from oneworkforce.registers import actions, indicators, models


class PlantedStore:
    """Serves one system series of sickness absence rates, analysed by the results store's
    own SPC (a monthly figure: rolling 12-month ones have no SPC)."""

    def __init__(self, tmp_path, values):
        self.real = ResultsStore(tmp_path)
        self.values = list(values)

    def series(self, metric, split="system", group=None, origin=None):
        assert (metric, split, group or {}) == ("sickness_absence_rate", "system", {})
        start = month_index("2023-01")
        rows = [
            {"metric": metric, "period": period_label(start + i), "value": v}
            for i, v in enumerate(self.values)
        ]
        # the system series: every dimension empty, whatever dimensions the store has
        key = (metric, *[None] * (len(SERIES_COLUMNS) - 2), "computed")
        return self.real.analyse_series(key, rows)


@pytest.fixture
def risk(db):
    made = actions.create(
        "lead",
        models.Risk,
        ref="WF7",
        description="Sickness absence rises and services cannot be staffed",
    )
    actions.set_indicators("lead", made, [{"metric": "sickness_absence_rate", "direction": "up"}])
    return made


# 20 months alternating 4.0% and 4.2%: mean 4.1%, every moving range 0.2 points; the
# catalogue's 4.5% target lies within the limits (assurance "inconsistent", never a fail)
STEADY = [0.040, 0.042] * 10


def test_a_planted_signal_flags_the_risk_and_a_review_clears_it(risk, tmp_path):
    # month 21 (2024-09) is 6.0%. Mean (20 x 0.041 + 0.060) / 21 = 0.0419048; its moving range
    # of 0.018 is screened out (>= 3.267 x 0.0028), so the average moving range stays 0.002
    # and the upper limit is 0.0419048 + 2.66 x 0.002 = 0.0472248: 6.0% is above it, a rise
    store = PlantedStore(tmp_path, [*STEADY, 0.060])
    found = indicators.status(risk, store)
    assert found["flagged"] and found["flag"] == "indicator signal: review due"
    assert found["latest_period"] == "2024-09"
    assert len(found["reasons"]) == 1 and "special cause" in found["reasons"][0]
    assert list(indicators.flags(store)) == ["WF7"]

    actions.record_review("owner", risk, "Retention plan refreshed", "2024-09")
    assert not indicators.status(risk, store)["flagged"]
    event = AuditEvent.objects.get(action="indicatorreview.create")
    assert event.actor == "owner" and event.object_id == str(risk.pk)

    # the next month is back to 4.1%, within the limits: still clear
    store.values.append(0.041)
    assert not indicators.status(risk, store)["flagged"]
    # then 6.2%, beyond the limits again (a later month than the review): the flag returns
    store.values.append(0.062)
    again = indicators.status(risk, store)
    assert again["flagged"] and again["latest_period"] == "2024-11"


def test_a_fall_does_not_signal_a_risk_watching_for_a_rise(risk, tmp_path):
    # 2.0% is below the lower limit (about 4.1% - 0.53 points), a fall: not the risk's
    # direction
    store = PlantedStore(tmp_path, [*STEADY, 0.020])
    assert not indicators.status(risk, store)["flagged"]
    actions.set_indicators("lead", risk, [{"metric": "sickness_absence_rate", "direction": "down"}])
    assert indicators.status(risk, store)["flagged"]


def test_a_review_needs_a_note_and_indicators_must_be_catalogue_metrics(risk):
    with pytest.raises(ValueError, match="note is required"):
        actions.record_review("owner", risk, "  ", "2024-09")
    with pytest.raises(ValueError, match="not a catalogue metric"):
        actions.set_indicators("lead", risk, [{"metric": "happiness"}])
    # only the fixture's setting was recorded
    assert AuditEvent.objects.filter(action="risk.indicators").count() == 1


def test_the_flag_shows_on_the_risk_page_the_register_and_the_baf(
    risk, tmp_path, client_for, monkeypatch
):
    from django.urls import reverse

    from oneworkforce.registers import views
    from oneworkforce.web.access import Role

    # current 4 x 4 = 16: extreme, at or above the escalation score of 15, so on the BAF
    actions.update("lead", risk, None, {"current_likelihood": 4, "current_consequence": 4})
    monkeypatch.setattr(views, "_store", lambda: PlantedStore(tmp_path, [*STEADY, 0.060]))
    lead = client_for(Role.PROGRAMME_LEAD)
    flag = "Indicator signal: review due"
    page = lead.get(reverse("registers:risk", args=[risk.pk])).content.decode()
    assert flag in page and 'data-chart="kri-' in page
    assert flag in lead.get(reverse("registers:risks")).content.decode()
    baf = lead.get(reverse("registers:baf")).content.decode()
    assert flag in baf and 'data-chart="baf-kri-' in baf
    # recording the review from the risk page clears it everywhere
    lead.post(reverse("registers:risk_review", args=[risk.pk]), {"note": "Plan refreshed"})
    assert flag not in lead.get(reverse("registers:baf")).content.decode()
    assert models.IndicatorReview.objects.get().through_period == "2024-09"


def test_a_rolling_figure_signals_by_its_target():
    # leaver rate is a rolling 12-month figure: no SPC, so only its target can signal
    point = {"value": 0.13, "target": 0.12, "mean": None, "special_cause_flag": False}
    assert indicators.point_signal(point, "up") == "failing its target (0.13 against 0.12)"
    assert indicators.point_signal({**point, "value": 0.11}, "up") == ""
    assert indicators.point_signal(point, "down") == ""


def test_the_risk_owner_without_edit_permission_may_record_the_review(
    risk, tmp_path, client_for, monkeypatch
):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from oneworkforce.registers import views
    from oneworkforce.web.access import Role

    monkeypatch.setattr(views, "_store", lambda: PlantedStore(tmp_path, [*STEADY, 0.060]))
    owner = actions.create(
        "lead", models.Person, name="Sam Okafor", key="sam okafor", email="Sam.Okafor@nhs.net"
    )
    actions.update("lead", risk, None, {"owner": "Director of People", "owner_person": owner})
    board = client_for(Role.BOARD)  # views the registers, may not edit them
    url = reverse("registers:risk_review", args=[risk.pk])
    page = reverse("registers:risk", args=[risk.pk])
    # not (yet) the owner: no form, and the review is refused
    assert "Record the review" not in board.get(page).content.decode()
    assert board.post(url, {"note": "Looked at it"}).status_code == 403
    assert not models.IndicatorReview.objects.exists()
    # the same user, signed in with the owner's email (any case): the owner
    user = get_user_model().objects.get(username="user-board")
    user.email = "sam.okafor@nhs.net"
    user.save()
    assert "Record the review" in board.get(page).content.decode()
    assert board.post(url, {"note": "Sickness plan refreshed"}).status_code == 302
    review = models.IndicatorReview.objects.get()
    assert (review.actor, review.through_period) == ("user-board", "2024-09")
    event = AuditEvent.objects.get(action="indicatorreview.create")
    assert event.actor == "user-board"
    assert event.changes["reviewed_as"] == [None, "risk owner"]
    assert "Indicator signal: review due" not in board.get(page).content.decode()


def test_a_person_is_never_identified_by_name_alone(db):
    from django.contrib.auth.models import AnonymousUser, User

    from oneworkforce.registers.people import is_person

    person = models.Person(name="Ann Lee", key="ann lee", email="")
    user = User(username="ann lee", email="ann.lee@nhs.net")
    assert not is_person(user, person)  # the person has no email to match
    person.email = "ann.lee@nhs.net"
    assert is_person(user, person)
    assert not is_person(User(username="ann.leeson@nhs.net"), person)
    assert is_person(User(username="ANN.LEE@nhs.net"), person)  # a username that is the email
    assert not is_person(AnonymousUser(), person)


class BrokenStore:
    def __init__(self, error):
        self.error = error

    def series(self, metric, split="system", group=None, origin=None):
        raise self.error


def test_only_an_ambiguous_series_is_shown_as_such_and_other_errors_raise(risk):
    from oneworkforce.metrics.results_reader import AmbiguousSeries

    indicator = risk.indicators.get()
    found = indicators.evaluate(indicator, BrokenStore(AmbiguousSeries("two series")))
    assert found["points"] == [] and found["signal"] == ""
    assert "more than one stored series" in found["problem"]
    # a bug in reading (a broken index, a wrong argument) is not hidden as "no data"
    for error in (KeyError("splits"), ValueError("cannot filter on 'x'"), TypeError("bad")):
        with pytest.raises(type(error)):
            indicators.evaluate(indicator, BrokenStore(error))
