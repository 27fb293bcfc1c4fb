"""Disclosure control (metric_definitions.md §10)."""

from __future__ import annotations

import dataclasses

import pytest

from oneworkforce.metrics.disclosure import (
    DEFAULT_RULES,
    Controlled,
    DisclosureRules,
    control_average,
    control_count,
    control_rate,
    control_relative_likelihood,
    round_to_base,
    secondary_disclosure_risk,
    suppress_next_smallest,
)

ICS = "ics"


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("n", "display", "value"),
    [
        (0, "0", 0),  # zero stays zero
        (8, "10", 10),  # 8 = 5 + 3, remainder 3 >= 2.5 -> up to 10
        (12, "10", 10),  # 12 = 10 + 2, remainder 2 < 2.5 -> down to 10
        (13, "15", 15),  # 13 = 10 + 3 -> up to 15
        (100, "100", 100),  # already a multiple of 5
        (1234, "1235", 1235),  # 1234 = 1230 + 4 -> up to 1235
    ],
)
def test_count_rounded_below_national(n: int, display: str, value: int) -> None:
    result = control_count(n, level=ICS)
    assert (result.display, result.value, result.suppressed) == (display, value, False)


@pytest.mark.parametrize("n", [1, 4, 7])
def test_small_count_suppressed(n: int) -> None:
    result = control_count(n, level="organisation")
    assert result == Controlled(None, "*", True, "suppressed_small_count")


@pytest.mark.parametrize("level", ["national", "National", " NATIONAL "])
def test_national_count_is_uncontrolled(level: str) -> None:
    assert control_count(3, level=level).display == "3"
    assert control_count(1234, level=level).value == 1234


def test_unknown_level_is_controlled() -> None:
    # a misspelt level must fail safe
    assert control_count(3, level="nationl").suppressed is True


def test_adult_social_care_under_ten_is_suppressed_everywhere() -> None:
    assert control_count(9, level=ICS, adult_social_care=True).rule == "suppressed_asc_small_group"
    assert control_count(9, level="national", adult_social_care=True).suppressed is True
    assert control_count(9, level=ICS).display == "10"  # without the ASC rule: rounded
    assert control_count(10, level=ICS, adult_social_care=True).display == "10"
    assert control_count(12, level=ICS, adult_social_care=True).display == "10"  # still rounded
    assert control_count(0, level=ICS, adult_social_care=True).display == "0"


def test_round_to_base_halves_away_from_zero() -> None:
    # base 10: 25 is exactly half way -> 30; 24 -> 20; 15 -> 20
    assert [round_to_base(n, 10) for n in (24, 25, 15, 14)] == [20, 30, 20, 10]
    # base 5 never meets a half with whole numbers: 7 -> 5, 8 -> 10
    assert [round_to_base(n, 5) for n in (7, 8)] == [5, 10]


def test_custom_rules_are_used() -> None:
    rules = DisclosureRules(name="tens", suppress_below=10, rounding_base=10)
    assert control_count(9, level=ICS, rules=rules).suppressed is True
    assert control_count(25, level=ICS, rules=rules).display == "30"


@pytest.mark.parametrize("bad", [-1, 3.5, True, "7", None])
def test_count_must_be_a_whole_non_negative_number(bad: object) -> None:
    with pytest.raises(ValueError):
        control_count(bad, level=ICS)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["", "   "])
def test_level_must_be_given(level: str) -> None:
    with pytest.raises(ValueError, match="level"):
        control_count(10, level=level)


# --------------------------------------------------------------------------- rates


def test_rate_uses_rounded_numerator_and_denominator() -> None:
    # 13 -> 15, 212 -> 210: 15/210 = 0.0714286 -> "7.1%" (the raw 13/212 would be 6.1%)
    result = control_rate(13, 212, level=ICS)
    assert result.value == pytest.approx(15 / 210)
    assert result.display == "7.1%"
    assert result.rule == "rate_from_rounded"


def test_national_rate_uses_raw_counts() -> None:
    # 13/212 = 0.0613208 -> "6.1%"
    result = control_rate(13, 212, level="national")
    assert result.value == pytest.approx(13 / 212)
    assert result.display == "6.1%"


@pytest.mark.parametrize(("numerator", "denominator"), [(5, 200), (0, 5), (3, 6)])
def test_rate_suppressed_when_either_count_is(numerator: int, denominator: int) -> None:
    result = control_rate(numerator, denominator, level=ICS)
    assert (result.value, result.display, result.suppressed) == (None, "*", True)


def test_rate_with_zero_numerator_and_zero_denominator() -> None:
    # 0/40 -> 0/40 = 0 -> "0.0%"; 0/0 is undefined, not suppressed
    assert control_rate(0, 40, level=ICS).display == "0.0%"
    undefined = control_rate(0, 0, level=ICS)
    assert (undefined.value, undefined.display, undefined.suppressed) == (None, "n/a", False)


def test_asc_rate_suppressed_for_small_group() -> None:
    # 8 leavers of 9 staff: the ASC rule hides the group of 9 workers
    assert control_rate(8, 9, level=ICS, adult_social_care=True).suppressed is True


# --------------------------------------------------------------------------- averages


def test_average_on_few_individuals_is_suppressed() -> None:
    assert control_average(37.26, 7, level=ICS).display == "*"
    shown = control_average(37.26, 8, level=ICS)
    assert (shown.value, shown.display) == (37.26, "37.3")
    assert control_average(37.26, 3, level="national").display == "37.3"
    assert control_average(37.26, 9, level="national", adult_social_care=True).suppressed is True
    assert control_average(37.26, 0, level=ICS).display == "n/a"


# --------------------------------------------------------------------------- relative likelihood


def test_relative_likelihood_from_rounded_counts() -> None:
    # 52 -> 50, 203 -> 205, 18 -> 20, 161 -> 160: (50/205) / (20/160) = 0.243902/0.125 = 1.9512
    result = control_relative_likelihood(52, 203, 18, 161, level=ICS)
    assert result.value == pytest.approx((50 / 205) / (20 / 160))
    assert result.display == "1.95"


def test_national_relative_likelihood_from_raw_counts() -> None:
    # (52/203) / (18/161) = 0.256158 / 0.111801 = 2.2912
    result = control_relative_likelihood(52, 203, 18, 161, level="national")
    assert result.value == pytest.approx(2.2912, abs=1e-4)
    assert result.display == "2.29"


@pytest.mark.parametrize("counts", [(7, 200, 20, 160), (50, 200, 20, 0), (50, 5, 20, 160)])
@pytest.mark.parametrize("level", [ICS, "national"])
def test_relative_likelihood_small_numbers(counts: tuple[int, int, int, int], level: str) -> None:
    result = control_relative_likelihood(*counts, level=level)
    assert result.display == "n/a (small numbers)"
    assert result.value is None
    assert result.suppressed is True


# --------------------------------------------------------------------------- rules config


def test_rules_are_frozen_and_record_their_name() -> None:
    assert DEFAULT_RULES.metadata()["disclosure_rules"] == DEFAULT_RULES.name
    assert DEFAULT_RULES.metadata()["suppress_below"] == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULES.suppress_below = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [{"suppress_below": 0}, {"rounding_base": -5}, {"name": " "}, {"asc_min_workers": 2.5}],
)
def test_invalid_rules(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DisclosureRules(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- secondary disclosure


def cells(*counts: int) -> list[Controlled]:
    return [control_count(n, level=ICS) for n in counts]


def test_single_suppressed_part_is_a_risk() -> None:
    total = control_count(120, level=ICS)
    assert secondary_disclosure_risk(total, cells(5, 60, 55)) is True


def test_no_risk_with_two_suppressed_parts_or_none_or_hidden_total() -> None:
    assert secondary_disclosure_risk(control_count(120, level=ICS), cells(5, 3, 110)) is False
    assert secondary_disclosure_risk(control_count(120, level=ICS), cells(60, 60)) is False
    assert secondary_disclosure_risk(control_count(6, level=ICS), cells(5, 0, 0)) is False


def test_suppress_next_smallest_picks_smallest_non_zero_part() -> None:
    # parts 5 (*), 60, 15, 0, 40: the smallest shown non-zero part is 15 (index 2)
    total = control_count(120, level=ICS)
    new_total, parts = suppress_next_smallest(total, cells(5, 60, 15, 0, 40))
    assert new_total == total
    assert [p.display for p in parts] == ["*", "60", "*", "0", "40"]
    assert parts[2].rule == "suppressed_secondary"
    assert secondary_disclosure_risk(new_total, parts) is False


def test_suppress_next_smallest_ties_take_the_first() -> None:
    _, parts = suppress_next_smallest(control_count(45, level=ICS), cells(5, 20, 20))
    assert [p.display for p in parts] == ["*", "*", "20"]


def test_suppress_next_smallest_falls_back_to_zero_then_total() -> None:
    _, parts = suppress_next_smallest(control_count(10, level=ICS), cells(5, 0))
    assert [p.display for p in parts] == ["*", "*"]
    new_total, parts = suppress_next_smallest(control_count(10, level=ICS), cells(5))
    assert new_total.suppressed is True
    assert [p.display for p in parts] == ["*"]


def test_suppress_next_smallest_leaves_safe_tables_alone() -> None:
    total = control_count(120, level=ICS)
    original = cells(60, 60)
    new_total, parts = suppress_next_smallest(total, original)
    assert (new_total, parts) == (total, original)
