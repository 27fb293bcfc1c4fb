"""Hand-worked 5x5 scores and bands, escalation, and the parsers with the seed examples."""

import datetime as dt
from decimal import Decimal

import pytest

from oneworkforce.registers import parsing, scoring


@pytest.mark.parametrize(
    ("lik", "con", "score", "band"),
    [
        (1, 1, 1, "low"),
        (1, 3, 3, "low"),
        (2, 2, 4, "moderate"),
        (2, 3, 6, "moderate"),
        (2, 4, 8, "high"),
        (3, 3, 9, "high"),
        (3, 4, 12, "high"),
        (3, 5, 15, "extreme"),
        (4, 4, 16, "extreme"),
        (4, 5, 20, "extreme"),
        (5, 5, 25, "extreme"),
    ],
)
def test_scores_and_bands(lik, con, score, band):
    assert scoring.score(lik, con) == score
    assert scoring.band(score) == band


def test_scores_off_the_matrix_are_refused():
    with pytest.raises(scoring.ScoreError):
        scoring.score(6, 1)
    with pytest.raises(scoring.ScoreError):
        scoring.band(7)  # no product of two numbers 1-5 is 7


def test_escalation_default_and_configured(monkeypatch):
    monkeypatch.delenv("ONEWORKFORCE_BAF_SCORE", raising=False)
    assert scoring.escalation_score() == 15
    assert scoring.escalated(15) and not scoring.escalated(12)
    monkeypatch.setenv("ONEWORKFORCE_BAF_SCORE", "12")
    assert scoring.escalated(12) and not scoring.escalated(10)


def test_descriptors():
    assert scoring.descriptor("likelihood", 4) == "Likely"
    assert scoring.descriptor("consequence", 5) == "Catastrophic"
    assert scoring.criteria()["version"] == scoring.CRITERIA_VERSION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16.12.21", dt.date(2021, 12, 16)),
        ("22nd June 2022", dt.date(2022, 6, 22)),
        ("01.07.22  On-going over next 3 months", dt.date(2022, 7, 1)),
        ("6th April 2022", dt.date(2022, 4, 6)),
        ("2022-06-22", dt.date(2022, 6, 22)),
        ("", None),
        ("To be confirmed", None),
    ],
)
def test_dates(text, expected):
    assert parsing.parse_date(text) == expected


def test_period_dates_end_of_period():
    assert parsing.parse_date("March 2016", end=True) == dt.date(2016, 3, 31)
    assert parsing.parse_date("March/April 2016", end=True) == dt.date(2016, 4, 30)
    assert parsing.parse_date("March/April 2016") == dt.date(2016, 3, 1)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("£80m recurrently", Decimal("80000000")),
        ("£4m recurrently (EBIs) £80-100m", Decimal("4000000")),
        ("Indicative estimate £36m over 3 years", Decimal("36000000")),
        ("securing £540k over two years", Decimal("540000")),
        ("avoided £9.29m", Decimal("9290000")),
        ("no money here", None),
    ],
)
def test_money(text, amount):
    assert parsing.parse_money(text) == amount


def test_money_kind():
    assert parsing.money_kind("£20m recurrent") == "recurrent"
    assert parsing.money_kind("£2m non-recurrent") == "non_recurrent"


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        (
            "Mobilisation phase Steering Group established. Programme Director in post.",
            "mobilisation",
        ),
        (
            "Delivery phase Steering Group established Strong clinical leadership engagement.",
            "delivery",
        ),
        ("Planning: scope agreed", "planning"),
        ("Committee approved co-produced Roadmap", None),
    ],
)
def test_phase(text, phase):
    assert parsing.parse_phase(text) == phase


def test_interests_with_periods():
    items = parsing.parse_interests(
        "1. Previously an equity partner (January 2014- March 2017) "
        "2. Previously a non-equity partner in Carnall Farrar (March 2017-November 2018)"
    )
    assert [(i["start"], i["end"]) for i in items] == [
        (dt.date(2014, 1, 1), dt.date(2017, 3, 31)),
        (dt.date(2017, 3, 1), dt.date(2018, 11, 30)),
    ]
    ongoing = parsing.parse_interests("1. Lay Member (November 2019 - ongoing)")
    assert ongoing[0]["end"] is None and ongoing[0]["start"] == dt.date(2019, 11, 1)
    assert parsing.parse_interests("None") == []
    assert parsing.parse_interests("None required.") == []


def test_financial_year():
    assert parsing.financial_year(dt.date(2022, 6, 22)) == "2022/23"
    assert parsing.financial_year(dt.date(2022, 3, 31)) == "2021/22"
