"""The rule of the minimum organisations per group (metrics/group_size.py), worked by hand."""

from __future__ import annotations

from oneworkforce.metrics.group_size import EVERYONE, Viewer, withhold, withhold_series_statistics


def test_who_sees_a_figure_of_which_organisations():
    lead = Viewer(visible=frozenset(), min_organisations=2)  # a programme lead
    assert not lead.shows(frozenset({"RZA"}))  # one organisation's figure
    assert lead.shows(frozenset({"RZA", "RZB"}))  # two
    assert not lead.shows(frozenset())  # nobody known behind it: withheld (fail safe)
    own = Viewer(visible=frozenset({"RZA"}), min_organisations=2)  # RZA's data lead
    assert own.shows(frozenset({"RZA"}))  # their own organisation's figure
    # RZA and RZB: less RZA's own, it is RZB's figure
    assert not own.shows(frozenset({"RZA", "RZB"}))
    assert own.shows(frozenset({"RZA", "RZB", "B99001"}))  # two others
    assert EVERYONE.shows(frozenset({"RZB"}))  # analysts, the board, the command line
    assert Viewer(frozenset(), min_organisations=1).unrestricted  # 1 turns the rule off
    three = Viewer(frozenset(), min_organisations=3)
    assert not three.shows(frozenset({"RZA", "RZB"}))
    assert three.reason() == "fewer than 3 organisations"
    assert own.reason() == "fewer than 2 organisations besides your own"


def test_withheld_rows_lose_their_figures_and_say_why():
    lead = Viewer(visible=frozenset(), min_organisations=2)
    rows = [
        {"value": 2.8, "numerator": 2.8, "denominator": None, "period": "2024-06"},
        {"value": 6.0, "numerator": 6.0, "denominator": None, "period": "2024-06"},
        {"value": None, "numerator": None, "denominator": None, "period": "2024-05"},
    ]
    out = withhold(lead, rows, [frozenset({"RZB"}), frozenset({"RZA", "B99001"}), frozenset()])
    assert out[0] == {
        "value": None,
        "numerator": None,
        "denominator": None,
        "period": "2024-06",
        "withheld": "fewer than 2 organisations",
    }
    assert out[1] == rows[1]
    assert out[2] == rows[2]  # no figure to withhold: no reason either
    # an SPC series with one withheld point loses its mean, limits and icons on every point
    points = [{"value": 1.0, "mean": 2.0, "variation_icon": "common_cause"}, out[0]]
    assert all(
        p["mean"] is None and p["variation_icon"] is None
        for p in withhold_series_statistics(points)
    )
    assert withhold_series_statistics(points[:1]) == points[:1]
