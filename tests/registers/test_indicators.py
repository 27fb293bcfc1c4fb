"""Risks watched by their metrics: a key risk indicator on a series with a planted special
cause flags the risk "indicator signal: review due"; a review clears it (audited); the flag
returns when a later month signals again."""

import pytest

from oneworkforce.audit.models import AuditEvent
from oneworkforce.metrics.periods import month_index, period_label
from oneworkforce.metrics.store import ResultsStore
from oneworkforce.registers import actions, indicators, models


class PlantedStore:
    """Serves one system series of leaver rates, analysed by the results store's own SPC."""

    def __init__(self, tmp_path, values):
        self.real = ResultsStore(tmp_path)
        self.values = list(values)

    def series(self, metric, split="system", group=None, origin=None):
        assert (metric, split, group or {}) == ("leaver_rate", "system", {})
        start = month_index("2023-01")
        rows = [
            {"metric": metric, "period": period_label(start + i), "value": v}
            for i, v in enumerate(self.values)
        ]
        key = (metric, None, None, None, None, None, "computed")
        return self.real.analyse_series(key, rows)


@pytest.fixture
def risk(db):
    made = actions.create(
        "lead", models.Risk, ref="WF7", description="Staff leave faster than we recruit"
    )
    actions.set_indicators("lead", made, [{"metric": "leaver_rate", "direction": "up"}])
    return made


# 20 months alternating 1.0 and 1.2: mean 1.1, every moving range 0.2.
STEADY = [1.0, 1.2] * 10


def test_a_planted_signal_flags_the_risk_and_a_review_clears_it(risk, tmp_path):
    # month 21 (2024-09) is 2.0. Mean (20 x 1.1 + 2.0) / 21 = 1.142857; its moving range of
    # 0.8 is screened out (>= 3.267 x 0.23), so the average moving range stays 0.2 and the
    # upper limit is 1.142857 + 2.66 x 0.2 = 1.674857: 2.0 is above it, a rise, as signalled
    store = PlantedStore(tmp_path, [*STEADY, 2.0])
    found = indicators.status(risk, store)
    assert found["flagged"] and found["flag"] == "indicator signal: review due"
    assert found["latest_period"] == "2024-09"
    assert len(found["reasons"]) == 1 and "special cause" in found["reasons"][0]
    assert list(indicators.flags(store)) == ["WF7"]

    actions.record_review("owner", risk, "Retention plan refreshed", "2024-09")
    assert not indicators.status(risk, store)["flagged"]
    event = AuditEvent.objects.get(action="indicatorreview.create")
    assert event.actor == "owner" and event.object_id == str(risk.pk)

    # the next month is back to 1.1, within the limits: still clear
    store.values.append(1.1)
    assert not indicators.status(risk, store)["flagged"]
    # then 2.2, beyond the limits again (a later month than the review): the flag returns
    store.values.append(2.2)
    again = indicators.status(risk, store)
    assert again["flagged"] and again["latest_period"] == "2024-11"


def test_a_fall_does_not_signal_a_risk_watching_for_a_rise(risk, tmp_path):
    # 0.2 is below the lower limit (about 1.1 - 0.532), a fall: not the risk's direction
    store = PlantedStore(tmp_path, [*STEADY, 0.2])
    assert not indicators.status(risk, store)["flagged"]
    actions.set_indicators("lead", risk, [{"metric": "leaver_rate", "direction": "down"}])
    assert indicators.status(risk, store)["flagged"]


def test_a_review_needs_a_note_and_indicators_must_be_catalogue_metrics(risk):
    with pytest.raises(ValueError, match="note is required"):
        actions.record_review("owner", risk, "  ", "2024-09")
    with pytest.raises(ValueError, match="not a catalogue metric"):
        actions.set_indicators("lead", risk, [{"metric": "happiness"}])
    # only the fixture's setting was recorded
    assert AuditEvent.objects.filter(action="risk.indicators").count() == 1
