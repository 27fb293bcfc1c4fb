"""Edge cases, rebasing, fixing, validation, JSON shape and properties (spc_spec.md §2, §3, §9,
§10, plus the module's documented handling of missing values)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oneworkforce.metrics.spc import (
    POINT_TYPES,
    RULE_LABELS,
    SpcResult,
    analyse,
)

BASELINE: list[float | None] = [1.0, 0.0] * 6  # mean 0.5, AMR 1, limits -2.16 / 3.16
CC = "Common Cause"
UP = "7 Point Trend (Increasing)"


def rules(result: SpcResult) -> list[str]:
    return [point.rule for point in result.points]


# --------------------------------------------------------------------------- constant series


def test_constant_series_with_screening_has_no_limits() -> None:
    # all moving ranges are 0; "0 < 3.267 x 0" is false, so all are screened -> AMR undefined
    result = analyse([5.0] * 15)
    (group,) = result.groups
    assert (group.mean, group.lpl, group.upl) == (5.0, None, None)
    assert rules(result) == [CC] * 15
    assert {p.relative_to_mean for p in result.points} == {0}
    assert {p.outside_limits or p.close_to_limits for p in result.points} == {False}
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["groups"][0]["upl"] is None


def test_constant_series_without_screening_collapses_limits() -> None:
    # AMR = 0 -> LPL = UPL = mean = 5; nothing is strictly beyond them
    result = analyse([5.0] * 15, screen_outliers=False)
    (group,) = result.groups
    assert (group.lpl, group.upl) == (5.0, 5.0)
    assert rules(result) == [CC] * 15


def test_near_constant_series_screened() -> None:
    # thirteen 5s then 6: mean = 71/14 = 5.07143; moving ranges twelve 0s and one 1,
    # AMR = 1/13 = 0.0769; 3.267 x 0.0769 = 0.2513 -> the 1 is screened, AMR = 0,
    # limits collapse onto 5.07143 -> every 5 is below LCL and the 6 above UCL
    result = analyse([5.0] * 13 + [6.0])
    (group,) = result.groups
    assert group.mean == pytest.approx(71 / 14)
    assert group.lpl == pytest.approx(71 / 14)
    assert group.upl == pytest.approx(71 / 14)
    assert rules(result) == ["Below LCL"] * 13 + ["Above UCL"]
    assert result.variation_icon == "improvement_high"


def test_near_constant_series_unscreened() -> None:
    # AMR = 1/13; limits = 5.07143 -/+ 2.66/13 = 4.86681 / 5.27604 -> only 6 is outside;
    # near band 5.07143 - (2 x 2.66 / 3)/13 = 4.93502 < 5 so the 5s are not close, but all
    # thirteen are below the mean -> a run below
    result = analyse([5.0] * 13 + [6.0], screen_outliers=False)
    (group,) = result.groups
    assert group.lpl == pytest.approx(71 / 14 - 2.66 / 13)
    assert group.upl == pytest.approx(71 / 14 + 2.66 / 13)
    assert rules(result) == ["7 Points Below CL"] * 13 + ["Above UCL"]
    assert result.points[0].point_type == "special_cause_concern"


def test_point_exactly_on_mean() -> None:
    # 1,2,3: mean 6/3 = 2 exactly
    result = analyse([1.0, 2.0, 3.0])
    assert [p.relative_to_mean for p in result.points] == [-1, 0, 1]


# --------------------------------------------------------------------------- missing values


def test_missing_value_left_out_of_mean_and_moving_ranges() -> None:
    # 1, -, 3, 5: mean (1+3+5)/3 = 3; the moving ranges touching the gap are dropped,
    # leaving |5-3| = 2 -> AMR 2 (kept: 2 < 6.534); limits 3 -/+ 5.32 = -2.32 / 8.32
    result = analyse([1.0, None, 3.0, 5.0])
    (group,) = result.groups
    assert group.mean == pytest.approx(3.0)
    assert group.lpl == pytest.approx(-2.32)
    assert group.upl == pytest.approx(8.32)
    gap = result.points[1]
    assert gap.value is None
    assert (gap.outside_limits, gap.close_to_limits, gap.relative_to_mean) == (False, False, None)
    assert gap.rule == CC
    assert gap.point_type == "common_cause"


def test_gap_is_not_bridged() -> None:
    # 1, -, 3: no moving range survives -> no limits (mean still (1+3)/2 = 2)
    (group,) = analyse([1.0, None, 3.0]).groups
    assert (group.mean, group.lpl, group.upl) == (2.0, None, None)


def test_missing_value_breaks_a_trend_without_crashing() -> None:
    # filled in, 1..10 is a trend: mean 5.5, AMR 1, limits 2.84 / 8.16 ->
    # 1,2 below LCL, 3..8 trend, 9,10 above UCL
    filled = analyse([float(v) for v in range(1, 11)])
    assert rules(filled) == ["Below LCL"] * 2 + [UP] * 6 + ["Above UCL"] * 2
    # with index 3 missing: mean (55-4)/9 = 5.6667; moving ranges 1,1,(drop),(drop),1,1,1,1,1
    # -> AMR 1, limits 3.00667 / 8.32667. Every 7-point window contains the gap: no trend.
    # 1,2,3 < 3.007 below; 9,10 > 8.327 above; 8 is close (> 7.44) but alone; no 7-point run.
    values: list[float | None] = [1.0, 2.0, 3.0, None, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    result = analyse(values)
    assert result.groups[0].mean == pytest.approx(51 / 9)
    assert result.groups[0].upl == pytest.approx(51 / 9 + 2.66)
    assert rules(result) == ["Below LCL"] * 3 + [CC] * 5 + ["Above UCL"] * 2


def test_missing_value_breaks_a_shift() -> None:
    # seven points above 0.5 would be a shift; a gap in the middle leaves runs of 3 and 3
    result = analyse([*BASELINE, 0.6, 0.9, 0.6, None, 0.9, 0.6, 0.9], fix_after=12)
    assert rules(result)[12:] == [CC] * 7


def test_missing_value_breaks_two_in_three() -> None:
    # 3.0 and 3.0 are close above, but each 3-window also holds the gap (or index 11 below)
    result = analyse([*BASELINE, 3.0, None, 3.0], fix_after=12)
    assert rules(result)[12:] == [CC] * 3


def test_nan_is_treated_like_none() -> None:
    with_none = analyse([1.0, None, 3.0, 5.0, 2.0])
    with_nan = analyse([1.0, math.nan, 3.0, 5.0, 2.0])
    assert with_nan.to_dict() == with_none.to_dict()


def test_all_missing() -> None:
    result = analyse([None, None, None])
    (group,) = result.groups
    assert (group.mean, group.lpl, group.upl) == (None, None, None)
    assert [p.relative_to_mean for p in result.points] == [None] * 3
    assert result.variation_icon == "common_cause"
    json.dumps(result.to_dict(), allow_nan=False)  # raises if any NaN leaked


def test_single_value() -> None:
    result = analyse([4.0])
    (group,) = result.groups
    assert (group.mean, group.lpl, group.upl, group.trial_limits) == (4.0, None, None, True)
    assert rules(result) == [CC]


# --------------------------------------------------------------------------- rebase


def test_rebase_splits_groups_and_trends_do_not_span_them() -> None:
    # 1..5 | 6..10: group means 15/5 = 3 and 40/5 = 8, AMR 1 each,
    # limits 0.34 / 5.66 and 5.34 / 10.66; five points cannot make a trend or run.
    # Near bands 3 -/+ 1.7733: 1 and 5 are close, but every 3-window holds 3 (on the mean)
    # or straddles it, so nothing is flagged.
    result = analyse([float(v) for v in range(1, 11)], rebase_at=[5])
    first, second = result.groups
    assert (first.start_index, first.n, second.start_index, second.n) == (0, 5, 5, 5)
    assert first.mean == pytest.approx(3.0)
    assert (first.lpl, first.upl) == (pytest.approx(0.34), pytest.approx(5.66))
    assert second.mean == pytest.approx(8.0)
    assert (second.lpl, second.upl) == (pytest.approx(5.34), pytest.approx(10.66))
    assert first.trial_limits and second.trial_limits
    assert rules(result) == [CC] * 10
    assert [p.index for p in result.points] == list(range(10))
    assert result.points[5].mean == pytest.approx(8.0)


def test_rebase_at_zero_out_of_range_or_duplicate_is_ignored() -> None:
    values = [float(v) for v in range(1, 11)]
    plain = analyse(values).to_dict()
    assert analyse(values, rebase_at=[0, 10, 99, -1]).to_dict() == plain
    assert len(analyse(values, rebase_at=[5, 5]).groups) == 2


def test_shift_does_not_span_a_rebase() -> None:
    # 2,3,2,3,2,3,2,3 | 0,1,0,1,0,1
    # split: group 1 mean 20/8 = 2.5, group 2 mean 3/6 = 0.5; both alternate sides of their
    # own mean and stay inside their bands (AMR 1 each) -> nothing is flagged
    values = [2.0, 3.0] * 4 + [0.0, 1.0] * 3
    split = analyse(values, rebase_at=[8])
    assert rules(split) == [CC] * 14
    # unsplit: mean = (20 + 3)/14 = 1.642857; moving ranges twelve 1s and one 3 -> AMR 15/13 =
    # 1.1538 (3 < 3.267 x 1.1538 = 3.77, kept); limits 1.6429 -/+ 3.0692 = -1.426 / 4.712 and
    # bands 1.6429 -/+ 2.0462 = -0.403 / 3.689 hold every point. The first eight are all above
    # the mean -> a run of 8 above; the last six are below but only six.
    whole = analyse(values)
    assert whole.groups[0].mean == pytest.approx(23 / 14)
    assert whole.groups[0].upl == pytest.approx(23 / 14 + 2.66 * 15 / 13)
    assert rules(whole) == ["7 Points Above CL"] * 8 + [CC] * 6


# --------------------------------------------------------------------------- fix_after


def test_fix_after_freezes_limits() -> None:
    # unfixed: baseline + three 3s -> mean (6 + 9)/15 = 1.0; moving ranges eleven 1s, 3, 0, 0
    # -> AMR 14/14 = 1 (3 < 3.267 kept) -> limits -1.66 / 3.66
    values: list[float | None] = [*BASELINE, 3.0, 3.0, 3.0]
    free = analyse(values)
    assert free.groups[0].mean == pytest.approx(1.0)
    assert free.groups[0].upl == pytest.approx(3.66)
    # fixed after 12: mean 0.5, limits -2.16 / 3.16 on every row, including rows 12..14
    fixed = analyse(values, fix_after=12)
    assert fixed.groups[0].mean == pytest.approx(0.5)
    assert [p.upl for p in fixed.points] == [pytest.approx(3.16)] * 15


def test_fix_after_counts_rows_within_the_group() -> None:
    # group 2 starts at index 3, so its first 12 rows are exactly the baseline (mean 0.5);
    # counting from the series start would give 1,0,1,0,1,0,1,0,1 (mean 5/9) instead
    values: list[float | None] = [100.0, 100.0, 100.0, *BASELINE, 5.0]
    result = analyse(values, rebase_at=[3], fix_after=12)
    assert result.groups[1].mean == 0.5
    assert result.points[-1].rule == "Above UCL"  # 5 > 3.16


def test_fix_after_longer_than_group_uses_every_row() -> None:
    assert analyse(BASELINE, fix_after=40).to_dict() == analyse(BASELINE).to_dict()


def test_trial_limits_threshold_is_13_rows() -> None:
    assert analyse(BASELINE).groups[0].trial_limits is True  # 12 rows
    assert analyse([*BASELINE, 0.0]).groups[0].trial_limits is False  # 13 rows


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fix_after": 11}, "at least 12"),
        ({"fix_after": 12.0}, "whole number"),
        ({"fix_after": True}, "whole number"),
        ({"improvement": "up"}, "improvement must be one of"),
        ({"improvement": "Increase"}, "improvement must be one of"),
        ({"target": math.nan}, "finite"),
        ({"target": "3"}, "number"),
        ({"rebase_at": [2.5]}, "whole-number"),
    ],
)
def test_invalid_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyse(BASELINE, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "at least one"),
        ([1.0, "abc"], r"values\[1\] is not a number"),
        ([1.0, math.inf], "not finite"),
        ([True, 1.0], "not a number"),
        ("123", "not a string"),
    ],
)
def test_invalid_values(values: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        analyse(values)  # type: ignore[arg-type]


def test_fix_after_twelve_is_allowed() -> None:
    assert analyse(BASELINE, fix_after=12).groups[0].mean == 0.5


def test_json_shape() -> None:
    result = analyse([1.0, None, 3.0, 5.0], target=1.0).to_dict()
    assert set(result) == {"groups", "points", "variation_icon", "assurance"}
    assert set(result["groups"][0]) == {"start_index", "n", "mean", "lpl", "upl", "trial_limits"}
    assert set(result["points"][0]) == {
        "index",
        "value",
        "outside_limits",
        "close_to_limits",
        "relative_to_mean",
        "special_cause_flag",
        "point_type",
    }
    assert result["points"][1]["value"] is None


# --------------------------------------------------------------------------- properties

values_strategy = st.lists(
    st.one_of(st.integers(min_value=-1000, max_value=1000), st.none()), min_size=1, max_size=40
)
directions = st.sampled_from(["increase", "decrease", "neutral"])


@settings(max_examples=150, deadline=None)
@given(values=values_strategy, screen=st.booleans())
def test_limits_are_symmetric_about_the_mean(values: list[int | None], screen: bool) -> None:
    result = analyse(values, screen_outliers=screen)
    for group in result.groups:
        if group.upl is not None:
            assert group.mean is not None and group.lpl is not None
            assert group.upl - group.mean == pytest.approx(group.mean - group.lpl, abs=1e-9)
            assert group.lpl <= group.mean <= group.upl


@settings(max_examples=150, deadline=None)
@given(
    values=values_strategy,
    power=st.integers(min_value=-4, max_value=6),
    improvement=directions,
    screen=st.booleans(),
)
def test_scaling_by_a_power_of_two_scales_limits_and_keeps_labels(
    values: list[int | None], power: int, improvement: str, screen: bool
) -> None:
    # multiplying by 2**k is exact in binary floating point, so every comparison is unchanged
    factor = 2.0**power
    scaled = [None if v is None else v * factor for v in values]
    base = analyse(values, improvement=improvement, screen_outliers=screen)
    other = analyse(scaled, improvement=improvement, screen_outliers=screen)
    assert rules(other) == rules(base)
    assert other.variation_icon == base.variation_icon
    for a, b in zip(base.groups, other.groups, strict=True):
        for x, y in ((a.mean, b.mean), (a.lpl, b.lpl), (a.upl, b.upl)):
            assert (x is None) == (y is None)
            if x is not None and y is not None:
                assert y == pytest.approx(x * factor)


@settings(max_examples=150, deadline=None)
@given(values=values_strategy, improvement=directions, screen=st.booleans())
def test_every_point_has_exactly_one_consistent_label(
    values: list[int | None], improvement: str, screen: bool
) -> None:
    result = analyse(values, improvement=improvement, screen_outliers=screen)
    assert len(result.points) == len(values)
    for point in result.points:
        assert RULE_LABELS.count(point.rule) == 1
        assert point.point_type in POINT_TYPES
        assert point.special_cause_flag == (point.rule != CC)
        assert (point.point_type == "common_cause") == (point.rule == CC)
        assert not (point.outside_limits and point.close_to_limits)
        if point.value is None:
            assert point.rule == CC


@settings(max_examples=100, deadline=None)
@given(values=values_strategy, screen=st.booleans())
def test_decrease_swaps_improvement_and_concern(values: list[int | None], screen: bool) -> None:
    swap = {
        "special_cause_improvement": "special_cause_concern",
        "special_cause_concern": "special_cause_improvement",
        "common_cause": "common_cause",
    }
    up = analyse(values, screen_outliers=screen)
    down = analyse(values, improvement="decrease", screen_outliers=screen)
    assert [swap[p.point_type] for p in up.points] == [p.point_type for p in down.points]


# --------------------------------------------------------------------------- exact mean (issue 11)

# A published 2-decimal rate series whose mean is exactly 3.22: the values sum to 41.86 and
# 41.86 / 13 = 3.22. Point 7 (index 6) is published as 3.22, so it is on the mean. In binary
# floating point the mean comes out as 3.2199999999999993, which would put 3.22 above it and
# make points 1-7 "7 Points Above CL". MRs sum to 1.88, AMR = 1.88 / 12 = 0.15667; no MR is
# >= 3.267 x AMR = 0.512, so UPL = 3.22 + 2.66 x 0.15667 = 3.6367, LPL = 2.8033.
PUBLISHED_ON_MEAN = [3.23, 3.43, 3.4, 3.23, 3.51, 3.35, 3.22, 3.0, 3.15, 3.08, 2.98, 3.21, 3.07]


def test_a_published_value_equal_to_the_mean_is_on_the_mean() -> None:
    assert sum(PUBLISHED_ON_MEAN) / 13 != 3.22  # the float mean really is off
    result = analyse(PUBLISHED_ON_MEAN)
    (group,) = result.groups
    assert group.mean == 3.22
    assert group.upl == pytest.approx(3.6367, abs=1e-4)
    assert group.lpl == pytest.approx(2.8033, abs=1e-4)
    assert result.points[6].relative_to_mean == 0
    assert [p.relative_to_mean for p in result.points[:6]] == [1] * 6
    # the on-mean point breaks the run: six above, one on, six below -> no shift anywhere
    assert rules(result) == [CC] * 13


def test_a_value_exactly_on_a_limit_is_not_outside_it() -> None:
    # Baseline 0, 1, 0, 1, ... (12 points, fixed): mean 0.5, AMR 1, UPL = 0.5 + 2.66 = 3.16
    # exactly. A later value of 3.16 is on the limit: close to it, not outside (spec §4).
    values = [0.0, 1.0] * 6 + [0.5, 3.16]
    result = analyse(values, fix_after=12)
    last = result.points[-1]
    assert last.upl == 3.16
    assert (last.outside_limits, last.close_to_limits) == (False, True)


# ----------------------------------------------------------------------- whole numbers (issue 12)

# The limits and every comparison are worked in whole numbers on one decimal scale. The
# reference below is the rational arithmetic of spc_spec.md §3-§4 written out plainly with
# Fraction, each value at its shortest decimal: the two must agree exactly, for decimals of
# mixed scale, negative values, missing values and values written with an exponent.
decimals = st.one_of(
    st.none(),
    st.decimals(min_value=-5000, max_value=5000, places=2).map(float),
    st.integers(min_value=-3, max_value=3).map(float),
    st.sampled_from([1e-05, 2.5e-07, 1.5e16, 0.057, 3.22, -150.46]),
)


def _reference(values: list[float | None], screen: bool) -> tuple[Fraction, Fraction | None]:
    """Mean and average moving range of one group (spec §3), in plain Fractions."""
    exact = [None if v is None else Fraction(repr(v)) for v in values]
    present = [v for v in exact if v is not None]
    mean = sum(present, Fraction(0)) / len(present)
    pairs = pairwise(exact)
    ranges = [abs(b - a) for a, b in pairs if a is not None and b is not None]
    if not ranges:
        return mean, None
    amr = sum(ranges, Fraction(0)) / len(ranges)
    if screen:
        kept = [r for r in ranges if r < Fraction("3.267") * amr]
        amr = sum(kept, Fraction(0)) / len(kept) if kept else None
    return mean, amr


@settings(max_examples=300, deadline=None)
@given(values=st.lists(decimals, min_size=2, max_size=30), screen=st.booleans())
def test_whole_number_limits_equal_rational_arithmetic(
    values: list[float | None], screen: bool
) -> None:
    if all(v is None for v in values):
        return
    result = analyse(values, screen_outliers=screen)
    (group,) = result.groups
    mean, amr = _reference(values, screen)
    assert group.mean == float(mean)
    k, near = Fraction("2.66"), 2 * Fraction("2.66") / 3
    if amr is None:
        assert (group.lpl, group.upl) == (None, None)
    else:
        assert (group.lpl, group.upl) == (float(mean - k * amr), float(mean + k * amr))
    for point, value in zip(result.points, values, strict=True):
        if value is None:
            assert point.relative_to_mean is None
            continue
        x = Fraction(repr(value))
        assert point.relative_to_mean == (x > mean) - (x < mean)
        if amr is None:
            assert not point.outside_limits and not point.close_to_limits
            continue
        outside = x > mean + k * amr or x < mean - k * amr
        assert point.outside_limits == outside
        beyond_band = x > mean + near * amr or x < mean - near * amr
        assert point.close_to_limits == (beyond_band and not outside)
