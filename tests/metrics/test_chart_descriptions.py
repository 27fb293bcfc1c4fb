"""The text alternative of a chart reads as a sentence whatever the number of months or of
special-cause points (a screen reader user and a board pack reader see this text)."""

from __future__ import annotations

from oneworkforce.metrics.charts import line_description, spc_description


def point(period: str, value: float, point_type: str = "common_cause") -> dict:
    return {"period": period, "value": value, "mean": 0.037, "point_type": point_type}


def test_one_month_is_named_once_and_no_special_cause_is_said_in_words():
    text = spc_description([point("2025-03", 0.037)], title="Sickness", unit="fraction")
    assert text == (
        "Sickness, 1 month, March 2025. Latest 3.7% against a mean of 3.7%. "
        "No point shows special-cause variation; the latest is common cause."
    )


def test_one_special_cause_point_is_singular_and_several_plural():
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    one = [
        point(p, 0.04, "special_cause_concern" if i == 11 else "common_cause")
        for i, p in enumerate(months)
    ]
    text = spc_description(one, title="Sickness", unit="fraction")
    assert text.startswith("Sickness, 12 months from January 2024 to December 2024. ")
    assert "1 point shows special-cause variation; the latest is special cause: concern." in text
    two = [
        point(p, 0.04, "special_cause_concern" if i > 9 else "common_cause")
        for i, p in enumerate(months)
    ]
    assert "2 points show special-cause variation" in spc_description(
        two, title="Sickness", unit="fraction"
    )


def test_a_line_chart_of_one_month():
    text = line_description(
        [{"period": "2025-03", "value": 0.12}], title="Turnover", unit="fraction"
    )
    assert text.startswith("Turnover, 1 month, March 2025. Latest 12.0%. A line chart")
