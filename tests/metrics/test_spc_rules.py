"""Special-cause rules, labels and priorities of the MDC XmR chart (spc_spec.md §3-§6).

Most cases use a fixed baseline so that the limits are known exactly:

    BASELINE = 1,0,1,0,1,0,1,0,1,0,1,0   (12 rows, fix_after=12)
    mean = 6/12 = 0.5; moving ranges: eleven 1s -> AMR = 11/11 = 1;
    screening keeps all (1 < 3.267 x 1)
    UPL = 0.5 + 2.66 = 3.16, LPL = 0.5 - 2.66 = -2.16
    near bands = 0.5 -/+ (2 x 2.66 / 3) = 0.5 -/+ 1.77333 -> -1.27333 / 2.27333
    the baseline alternates sides and never comes near a band, so it is all Common Cause;
    its last row (index 11, value 0) is below the mean.
"""

from __future__ import annotations

import pytest

from oneworkforce.metrics.spc import SpcResult, analyse

BASELINE: list[float | None] = [1.0, 0.0] * 6
UPL = 0.5 + 2.66 * 1.0
LPL = 0.5 - 2.66 * 1.0
CC = "Common Cause"


def fixed(extra: list[float | None], **kwargs: object) -> SpcResult:
    """Baseline plus ``extra`` points, judged against the frozen baseline limits."""
    return analyse([*BASELINE, *extra], fix_after=12, **kwargs)  # type: ignore[arg-type]


def rules(result: SpcResult) -> list[str]:
    return [point.rule for point in result.points]


def tail_rules(result: SpcResult) -> list[str]:
    """Labels of the points after the 12-row baseline."""
    return rules(result)[12:]


def test_baseline_limits_are_frozen_and_baseline_is_common_cause() -> None:
    result = fixed([3.0, 3.0, 3.0])
    (group,) = result.groups
    assert group.mean == pytest.approx(0.5)
    assert group.upl == pytest.approx(3.16)
    assert group.lpl == pytest.approx(-2.16)
    assert rules(result)[:12] == [CC] * 12


# --------------------------------------------------------------------------- worked example


WORKED = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_worked_example_screened() -> None:
    # nine 1s, eight 2s and one 10: sum = 9 + 16 + 10 = 35, mean = 35/18 = 1.9444
    # moving ranges: fifteen 1s, 8 and 9 -> AMR = 32/17 = 1.88235
    # 3.267 x 1.88235 = 6.1496 -> 8 and 9 screened out -> AMR = 15/15 = 1
    # limits = 1.9444 -/+ 2.66 = -0.71556 / 4.60444
    result = analyse(WORKED)
    (group,) = result.groups
    assert group.mean == pytest.approx(35 / 18)
    assert group.lpl == pytest.approx(35 / 18 - 2.66)
    assert group.upl == pytest.approx(35 / 18 + 2.66)
    assert group.lpl is not None and group.upl is not None
    assert (round(group.lpl, 3), round(group.upl, 3)) == (-0.716, 4.604)
    # 10 > 4.604 is the only special cause; near bands 1.9444 -/+ 1.7733 = 0.171 / 3.718
    # contain every 1 and 2, and the series alternates sides, so no run or trend.
    assert rules(result) == [CC] * 4 + ["Above UCL"] + [CC] * 13
    assert result.points[4].point_type == "special_cause_improvement"


def test_worked_example_unscreened() -> None:
    # AMR = 32/17; limits = 35/18 -/+ 2.66 x 32/17 = 1.94444 -/+ 5.00706 = -3.06261 / 6.95150
    result = analyse(WORKED, screen_outliers=False)
    (group,) = result.groups
    assert group.lpl == pytest.approx(35 / 18 - 2.66 * 32 / 17)
    assert group.upl == pytest.approx(35 / 18 + 2.66 * 32 / 17)
    assert group.lpl is not None and group.upl is not None
    assert (round(group.lpl, 3), round(group.upl, 3)) == (-3.063, 6.952)
    assert rules(result) == [CC] * 4 + ["Above UCL"] + [CC] * 13


# --------------------------------------------------------------------------- rule 1


def test_above_ucl() -> None:
    # 5 > UPL 3.16
    result = fixed([5.0])
    point = result.points[12]
    assert point.rule == "Above UCL"
    assert point.outside_limits is True
    assert point.close_to_limits is False  # beyond a limit is not "close"
    assert point.relative_to_mean == 1
    assert point.special_cause_flag is True


def test_below_lcl() -> None:
    # -3 < LPL -2.16
    point = fixed([-3.0]).points[12]
    assert point.rule == "Below LCL"
    assert point.outside_limits is True
    assert point.relative_to_mean == -1


def test_point_exactly_on_limit_is_not_outside_but_close() -> None:
    # index 12 = UPL exactly (not > UPL), index 13 = 3.0 (2.273 < 3.0 < 3.16: close),
    # index 14 = 0.7 (above the mean 0.5, not close).
    # window 12..14 is all above the mean with two close points -> 12 and 13 are "2 in 3".
    result = fixed([UPL, 3.0, 0.7])
    on_limit = result.points[12]
    assert on_limit.outside_limits is False
    assert on_limit.close_to_limits is True
    assert tail_rules(result) == ["2 in 3 Above CL", "2 in 3 Above CL", CC]


def test_point_exactly_on_lower_limit_is_close() -> None:
    # index 11 (0) and index 12 (LPL exactly) and index 13 (-1.5, close) are all below 0.5.
    result = fixed([LPL, -1.5])
    assert result.points[12].outside_limits is False
    assert result.points[12].close_to_limits is True
    assert tail_rules(result) == ["2 in 3 Below CL", "2 in 3 Below CL"]


# --------------------------------------------------------------------------- rule 2 (trend)


def test_seven_point_increasing_trend_crossing_the_mean() -> None:
    # index 11 is 0, then -1.0 (a fall), then six rises: -1.0 < -0.5 < 0.0 < 0.4 < 0.6 < 1.0 < 1.2
    # all inside the limits and bands (-1.273 < -1.0; 1.2 < 2.273); the trend crosses 0.5.
    result = fixed([-1.0, -0.5, 0.0, 0.4, 0.6, 1.0, 1.2])
    assert tail_rules(result) == ["7 Point Trend (Increasing)"] * 7
    assert rules(result)[11] == CC
    assert {p.point_type for p in result.points[12:]} == {"special_cause_improvement"}


def test_six_rising_points_are_not_a_trend() -> None:
    # six rising points (five rises) then a fall back to 0: no 7-point window rises throughout
    result = fixed([-1.0, -0.5, 0.0, 0.4, 0.6, 1.0, 0.0])
    assert tail_rules(result) == [CC] * 7


def test_eight_rising_points_flag_all_eight() -> None:
    result = fixed([-1.0, -0.5, 0.0, 0.2, 0.4, 0.6, 1.0, 1.2])
    assert tail_rules(result) == ["7 Point Trend (Increasing)"] * 8


def test_tie_breaks_a_trend() -> None:
    # 0.0, 0.0 is a zero difference: no window of six strictly positive differences
    result = fixed([-1.0, -0.5, 0.0, 0.0, 0.6, 1.0, 1.2])
    assert tail_rules(result) == [CC] * 7


def test_decreasing_trend_is_concern_when_increase_is_better() -> None:
    # index 11 is 0 and index 12 is 1.2 (a rise), then six falls
    values: list[float | None] = [1.2, 1.0, 0.6, 0.4, 0.0, -0.5, -1.0]
    up = fixed(values)
    down = fixed(values, improvement="decrease")
    assert tail_rules(up) == ["7 Point Trend (Decreasing)"] * 7
    assert {p.point_type for p in up.points[12:]} == {"special_cause_concern"}
    assert {p.point_type for p in down.points[12:]} == {"special_cause_improvement"}


def test_trend_tie_join_quirk() -> None:
    # 1..7, then 7 again, then 8..13 (14 points, no fix):
    # sum = 28 + 7 + (8+9+10+11+12+13 = 63) = 98, mean = 98/14 = 7
    # moving ranges: six 1s, one 0, six 1s -> AMR = 12/13 = 0.923077 (none screened: < 3.0157)
    # limits = 7 -/+ 2.66 x 0.923077 = 7 -/+ 2.45538 = 4.54462 / 9.45538
    # trends: 0..6 (1..7) and 7..13 (7..13). Index 6 (value 7) has a next point in a trend and
    # the difference to it is 0 -> reported as "Decreasing" (spec §10 quirk).
    values = [1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    result = analyse(values)
    (group,) = result.groups
    assert group.mean == pytest.approx(7.0)
    assert group.lpl == pytest.approx(7 - 2.66 * 12 / 13)
    assert group.upl == pytest.approx(7 + 2.66 * 12 / 13)
    up, down = "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)"
    # 1..4 < 4.545 and 10..13 > 9.455 are beyond the limits (rule 1 wins)
    expected = ["Below LCL"] * 4 + [up, up, down, up, up, up] + ["Above UCL"] * 4
    assert rules(result) == expected
    assert result.points[6].point_type == "special_cause_concern"
    assert result.points[7].point_type == "special_cause_improvement"


def test_last_trend_point_takes_direction_from_previous_point() -> None:
    # the series ends inside a falling trend: the last point has no next point
    result = fixed([1.2, 1.0, 0.6, 0.4, 0.0, -0.5, -1.0])
    assert result.points[-1].rule == "7 Point Trend (Decreasing)"


# --------------------------------------------------------------------------- rule 3 (2 of 3)


def test_two_in_three_below_flags_only_the_close_points() -> None:
    # window 11..13 = 0, -2.0, -1.5: all below 0.5; -2.0 and -1.5 are below -1.273 and above
    # -2.16 (close, not outside); index 11 is in the window but not close, so it is not flagged
    result = fixed([-2.0, -1.5])
    assert rules(result)[11:] == [CC, "2 in 3 Below CL", "2 in 3 Below CL"]
    assert result.points[12].point_type == "special_cause_concern"


def test_two_in_three_with_gap_point_in_the_middle() -> None:
    # 3.0, 0.7, 3.0: both 3.0s are close, 0.7 is above the mean -> window qualifies
    result = fixed([3.0, 0.7, 3.0])
    assert tail_rules(result) == ["2 in 3 Above CL", CC, "2 in 3 Above CL"]


def test_point_on_mean_spoils_two_in_three() -> None:
    # 3.0, 0.5, 3.0: the middle point is exactly on the mean (relative 0)
    result = fixed([3.0, 0.5, 3.0])
    assert result.points[13].relative_to_mean == 0
    assert tail_rules(result) == [CC, CC, CC]


def test_opposite_sides_never_make_two_in_three() -> None:
    # 3.0 is close above, -2.0 is close below: no window has all three on one side
    result = fixed([3.0, -2.0, 0.7])
    assert [p.close_to_limits for p in result.points[12:14]] == [True, True]
    assert tail_rules(result) == [CC, CC, CC]


def test_point_beyond_limit_does_not_help_two_in_three() -> None:
    # 5.0 is outside (not close), so window 12..14 = 5.0, 3.0, 0.7 has only one close point.
    # A textbook "2 of 3 beyond 2 sigma" would flag 3.0; the R package does not.
    result = fixed([5.0, 3.0, 0.7])
    assert tail_rules(result) == ["Above UCL", CC, CC]


# --------------------------------------------------------------------------- rule 4 (shift)


def test_seven_points_above_mean() -> None:
    # 0.6/0.9 alternate: above 0.5, below the band 2.273, no trend; index 11 (0) is below
    result = fixed([0.6, 0.9, 0.6, 0.9, 0.6, 0.9, 0.6])
    assert tail_rules(result) == ["7 Points Above CL"] * 7
    assert rules(result)[11] == CC


def test_six_points_above_mean_are_not_a_shift() -> None:
    result = fixed([0.6, 0.9, 0.6, 0.9, 0.6, 0.9, 0.0])
    assert tail_rules(result) == [CC] * 7


def test_run_of_eight_below_mean_flags_all_eight() -> None:
    # index 11 (0) plus seven points 0.4/0.1 below 0.5 make a run of 8
    result = fixed([0.4, 0.1, 0.4, 0.1, 0.4, 0.1, 0.4])
    assert rules(result)[11:] == ["7 Points Below CL"] * 8
    assert result.points[11].point_type == "special_cause_concern"


def test_point_on_mean_breaks_a_shift() -> None:
    # 0.5 is exactly the mean: at most 4 consecutive points above on either side of it
    result = fixed([0.6, 0.9, 0.6, 0.5, 0.9, 0.6, 0.9, 0.6])
    assert tail_rules(result) == [CC] * 8


# --------------------------------------------------------------------------- priority


def test_trend_beats_limits_only_where_not_outside() -> None:
    # 1..7: mean 28/7 = 4, AMR 6/6 = 1, limits 4 -/+ 2.66 = 1.34 / 6.66
    # 1 < 1.34 and 7 > 6.66 are beyond the limits; 2..6 stay in the trend
    result = analyse([1, 2, 3, 4, 5, 6, 7])
    trend = "7 Point Trend (Increasing)"
    assert rules(result) == ["Below LCL", trend, trend, trend, trend, trend, "Above UCL"]


def test_two_in_three_beats_shift() -> None:
    # seven points above 0.5; 2.5 and 2.6 are close (2.273 < x < 3.16) with 0.9 before them
    result = fixed([0.6, 0.9, 2.5, 2.6, 0.9, 0.6, 0.9])
    shift = "7 Points Above CL"
    assert tail_rules(result) == [shift, shift, "2 in 3 Above CL", "2 in 3 Above CL"] + [shift] * 3


def test_trend_beats_shift() -> None:
    # seven rising points all above the mean 0.5 and below the band 2.273
    result = fixed([0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8])
    assert tail_rules(result) == ["7 Point Trend (Increasing)"] * 7
