"""Point types, variation icons and assurance outcomes (spc_spec.md §6-§8).

Baseline used throughout (fix_after=12):
    1,0,1,0,1,0,1,0,1,0,1,0 -> mean 6/12 = 0.5, AMR 11/11 = 1,
    UPL = 0.5 + 2.66 = 3.16, LPL = 0.5 - 2.66 = -2.16
A 13th point of 5.0 is "Above UCL" (5 > 3.16), of -3.0 "Below LCL" (-3 < -2.16).
"""

from __future__ import annotations

import pytest

from oneworkforce.metrics.spc import SpcResult, analyse

BASELINE: list[float | None] = [1.0, 0.0] * 6
UPL = 0.5 + 2.66 * 1.0
LPL = 0.5 - 2.66 * 1.0


def fixed(extra: list[float | None], **kwargs: object) -> SpcResult:
    return analyse([*BASELINE, *extra], fix_after=12, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("improvement", "last", "point_type", "icon"),
    [
        ("increase", 5.0, "special_cause_improvement", "improvement_high"),
        ("increase", -3.0, "special_cause_concern", "concern_low"),
        ("decrease", 5.0, "special_cause_concern", "concern_high"),
        ("decrease", -3.0, "special_cause_improvement", "improvement_low"),
        ("neutral", 5.0, "special_cause_neutral_high", "neutral_high"),
        ("neutral", -3.0, "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_point_type_and_icon_by_direction(
    improvement: str, last: float, point_type: str, icon: str
) -> None:
    result = fixed([last], improvement=improvement)
    assert result.points[-1].point_type == point_type
    assert result.variation_icon == icon
    assert result.improvement == improvement


@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
def test_common_cause_icon(improvement: str) -> None:
    result = fixed([], improvement=improvement)
    assert {p.point_type for p in result.points} == {"common_cause"}
    assert result.variation_icon == "common_cause"


def test_icon_comes_from_the_last_point_only() -> None:
    # index 12 (5.0) is Above UCL, index 13 (0.7) is common cause -> icon common_cause
    result = fixed([5.0, 0.7])
    assert result.points[12].special_cause_flag is True
    assert result.variation_icon == "common_cause"


def test_icon_from_trend_and_shift_labels() -> None:
    # a falling 7-point trend at the end (1.2 ... -1.0, all within the limits)
    trend = fixed([1.2, 1.0, 0.6, 0.4, 0.0, -0.5, -1.0])
    assert trend.points[-1].rule == "7 Point Trend (Decreasing)"
    assert trend.variation_icon == "concern_low"
    # seven points above 0.5 at the end under "decrease": a high concern
    shift = fixed([0.6, 0.9, 0.6, 0.9, 0.6, 0.9, 0.6], improvement="decrease")
    assert shift.points[-1].rule == "7 Points Above CL"
    assert shift.variation_icon == "concern_high"


def test_icon_from_two_in_three_below_under_decrease() -> None:
    # 0, -2.0, -1.5 all below 0.5, two close (< -1.273) -> "2 in 3 Below CL", low improvement
    result = fixed([-2.0, -1.5], improvement="decrease")
    assert result.points[-1].rule == "2 in 3 Below CL"
    assert result.variation_icon == "improvement_low"


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 4.0, "consistent_fail"),  # 4 > UPL 3.16
        ("increase", -3.0, "consistent_pass"),  # -3 < LPL -2.16
        ("increase", 1.0, "inconsistent"),  # -2.16 <= 1 <= 3.16
        ("increase", UPL, "inconsistent"),  # exactly on the upper limit
        ("increase", LPL, "inconsistent"),  # exactly on the lower limit
        ("decrease", 4.0, "consistent_pass"),
        ("decrease", -3.0, "consistent_fail"),
        ("decrease", 0.5, "inconsistent"),
    ],
)
def test_assurance(improvement: str, target: float, expected: str) -> None:
    result = fixed([], improvement=improvement, target=target)
    assert result.assurance == expected
    assert result.target == target


def test_no_assurance_without_target_or_for_neutral() -> None:
    assert fixed([]).assurance is None
    assert fixed([], improvement="neutral", target=4.0).assurance is None


def test_assurance_uses_the_last_group() -> None:
    # group 1 = baseline (limits -2.16 / 3.16): target 5 would be a fail under "increase";
    # group 2 = 10,11 x 6: mean 126/12 = 10.5, AMR 1, limits 7.84 / 13.16 -> 5 < 7.84 is a pass
    values: list[float | None] = [*BASELINE, *([10.0, 11.0] * 6)]
    result = analyse(values, rebase_at=[12], target=5.0)
    assert result.groups[1].lpl == pytest.approx(10.5 - 2.66)
    assert result.assurance == "consistent_pass"


def test_assurance_with_missing_last_value_uses_its_limits() -> None:
    # baseline + None: mean 6/12 = 0.5, moving ranges eleven 1s (the one touching None is
    # dropped) -> limits -2.16 / 3.16; target 4 > 3.16 -> consistent_fail; icon common_cause
    result = analyse([*BASELINE, None], target=4.0)
    assert result.points[-1].upl == pytest.approx(3.16)
    assert result.assurance == "consistent_fail"
    assert result.variation_icon == "common_cause"


def test_assurance_is_none_when_limits_are_missing() -> None:
    # constant series with screening: every moving range 0 is screened -> no limits
    result = analyse([5.0] * 14, target=6.0)
    assert result.groups[0].upl is None
    assert result.assurance is None


def test_assurance_with_collapsed_limits() -> None:
    # constant series without screening: AMR 0 -> LPL = UPL = 5; target 5 is on both limits
    assert analyse([5.0] * 14, target=5.0, screen_outliers=False).assurance == "inconsistent"
    assert analyse([5.0] * 14, target=5.5, screen_outliers=False).assurance == "consistent_fail"
