"""Making Data Count XmR statistical process control ("plot the dots").

This module reproduces the XmR method of the R package NHSRplotthedots as written up in
the project research note ``research/spc_spec.md`` (cited below as "spec §N"). In short:

* the series is split into calculation groups at the rebase indices (spec §2);
* each group gets a mean, an average moving range (optionally screened for outlying moving
  ranges) and process limits ``mean -/+ 2.66 x AMR`` (spec §3);
* every point is judged against its group's limits and four special-cause rules (spec §4-§5),
  labelled by priority and typed as improvement/concern/neutral (spec §6);
* the chart gets one variation icon from its last point (spec §7) and, when a target is set
  and the direction is not neutral, one assurance outcome from the last row's limits (spec §8).

Deliberate choices where the reference implementation has no usable behaviour
---------------------------------------------------------------------------
* **Missing values** (``None`` or NaN). The R package assumes there are none and stops with an
  error when a missing value sits inside an otherwise rising or falling 7-point window
  (spec §10). Here a missing value never raises. It is left out of the mean; both moving ranges
  touching it are dropped (the gap is not bridged); the point itself is neither outside nor close
  to the limits, has no side of the mean (``relative_to_mean is None``), is labelled "Common
  Cause", and it *breaks* every trend, 2-of-3 window and shift that would span it (a difference
  or a side that involves a missing value is neither rising, falling, above nor below).
  Where the R code does not crash this gives the same labels as the R code.
* **Missing limits and a target.** When the last row's limits are missing (a group with no
  usable moving range, or a constant series with screening on), the R code falls
  through to "inconsistent". We return ``assurance=None`` instead: with no limits there is
  nothing to compare the target with.
* **Trial limits** (spec §9) are reported as ``SpcGroup.trial_limits``; no Python warning is
  emitted, so callers decide how to show it.
* ``rebase_at`` indices are 0-based positions. Index 0, negative and out-of-range indices are
  ignored, like rebase dates that are not present in the data (spec §2); duplicates count once.
* Rule lengths (7 and 7) and constants (2.66, 3.267) are fixed, as in the R package (spec §11).

Exact arithmetic
----------------
The mean, the moving ranges, the screening and the limits are exact, each value taken at the
decimal it is written as (the shortest decimal that reads back as the same float, so ``0.057``
is exactly 57/1000). Every comparison with the mean, the limits and the near-limit bands is
exact too, so a value equal to the mean is "on the mean" (spec §4, §10) and a value equal to a
limit is on it. Binary floating point would put the mean of 0.05, 0.06, 0.06 at
0.056999999999999995 and a published 0.057 above it. The arithmetic is whole numbers: a
group's values are scaled to one power of ten (0.05, 0.06, 0.06 are 5, 6, 6 hundredths), and
"x above mean + 2.66 x AMR" becomes a comparison of integer products (cross-multiplying the
mean's and the AMR's denominators), which costs a small fraction of rational arithmetic. The
mean and limits are reported as the nearest float to the exact value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any, Final, Literal, get_args

__all__ = [
    "IMPROVEMENT_DIRECTIONS",
    "MIN_FIX_AFTER",
    "TRIAL_LIMITS_THRESHOLD",
    "Improvement",
    "SpcGroup",
    "SpcPoint",
    "SpcResult",
    "analyse",
]


Improvement = Literal["increase", "decrease", "neutral"]
IMPROVEMENT_DIRECTIONS: Final[tuple[str, ...]] = get_args(Improvement)

#: Process limits sit this many average moving ranges from the mean (spec §3.6).
LIMIT_FACTOR: Final = Fraction("2.66")
#: Moving ranges at or above this multiple of the AMR are screened out (spec §3.5, D4).
SCREEN_FACTOR: Final = Fraction("3.267")
#: The "2 sigma" near-limit bands used only by the 2-of-3 rule (spec §3.7).
NEAR_LIMIT_FACTOR: Final = 2 * LIMIT_FACTOR / 3
#: Points in a trend (spec §5 rule 2) and in a shift (spec §5 rule 4).
TREND_LENGTH: Final = 7
SHIFT_LENGTH: Final = 7
#: Smallest allowed ``fix_after`` (spec §1, §9).
MIN_FIX_AFTER: Final = 12
#: Groups with fewer rows than this have trial limits (spec §9: code default 13).
TRIAL_LIMITS_THRESHOLD: Final = 13

ABOVE_UCL: Final = "Above UCL"
BELOW_LCL: Final = "Below LCL"
TREND_UP: Final = "7 Point Trend (Increasing)"
TREND_DOWN: Final = "7 Point Trend (Decreasing)"
TWO_IN_THREE_ABOVE: Final = "2 in 3 Above CL"
TWO_IN_THREE_BELOW: Final = "2 in 3 Below CL"
SHIFT_ABOVE: Final = "7 Points Above CL"
SHIFT_BELOW: Final = "7 Points Below CL"
COMMON_CAUSE: Final = "Common Cause"

#: Every label a point can carry (spec §6).
RULE_LABELS: Final[tuple[str, ...]] = (
    ABOVE_UCL,
    BELOW_LCL,
    TREND_UP,
    TREND_DOWN,
    TWO_IN_THREE_ABOVE,
    TWO_IN_THREE_BELOW,
    SHIFT_ABOVE,
    SHIFT_BELOW,
    COMMON_CAUSE,
)
#: Every point type (spec §6).
POINT_TYPES: Final[tuple[str, ...]] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)


@dataclass(frozen=True)
class SpcGroup:
    """One calculation period (rebase group), spec §2-§3 and §9."""

    start_index: int
    n: int
    mean: float | None
    lpl: float | None
    upl: float | None
    trial_limits: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_index": self.start_index,
            "n": self.n,
            "mean": self.mean,
            "lpl": self.lpl,
            "upl": self.upl,
            "trial_limits": self.trial_limits,
        }


@dataclass(frozen=True)
class SpcPoint:
    """One point with its group's limits, flags, label and type (spec §4-§6)."""

    index: int
    value: float | None
    mean: float | None
    lpl: float | None
    upl: float | None
    outside_limits: bool
    close_to_limits: bool
    relative_to_mean: int | None
    special_cause_flag: bool
    point_type: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "value": self.value,
            "outside_limits": self.outside_limits,
            "close_to_limits": self.close_to_limits,
            "relative_to_mean": self.relative_to_mean,
            "special_cause_flag": self.special_cause_flag,
            "point_type": self.point_type,
        }


@dataclass(frozen=True)
class SpcResult:
    """The whole chart: groups, points, variation icon (spec §7) and assurance (spec §8)."""

    groups: tuple[SpcGroup, ...]
    points: tuple[SpcPoint, ...]
    variation_icon: str
    assurance: str | None
    improvement: str
    target: float | None

    def to_dict(self) -> dict[str, Any]:
        """The published JSON shape; missing numbers are ``None``, never NaN."""
        return {
            "groups": [group.to_dict() for group in self.groups],
            "points": [point.to_dict() for point in self.points],
            "variation_icon": self.variation_icon,
            "assurance": self.assurance,
        }


# --------------------------------------------------------------------------- validation


def _validate_improvement(improvement: str) -> str:
    if improvement not in IMPROVEMENT_DIRECTIONS:
        choices = ", ".join(IMPROVEMENT_DIRECTIONS)
        raise ValueError(f"improvement must be one of {choices}; got {improvement!r}")
    return improvement


def _validate_target(target: float | None) -> float | None:
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise ValueError(f"target must be a number or None; got {target!r}")
    if not math.isfinite(float(target)):
        raise ValueError(f"target must be finite; got {target!r}")
    return float(target)


def _validate_fix_after(fix_after: int | None) -> int | None:
    """``fix_after_n_points`` must be a single whole number >= 12 (spec §1, §9)."""
    if fix_after is None:
        return None
    if isinstance(fix_after, bool) or not isinstance(fix_after, numbers.Integral):
        raise ValueError(f"fix_after must be a whole number or None; got {fix_after!r}")
    if fix_after < MIN_FIX_AFTER:
        raise ValueError(f"fix_after must be at least {MIN_FIX_AFTER}; got {fix_after}")
    return int(fix_after)


def _floats(values: Sequence[float | None]) -> list[float]:
    """Convert the input to floats, with NaN for missing values (``None`` or NaN)."""
    if isinstance(values, str | bytes):
        raise ValueError("values must be a sequence of numbers, not a string")
    out = []
    for i, value in enumerate(values):
        if value is None:
            out.append(math.nan)
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"values[{i}] is not a number: {value!r}")
        number = float(value)
        if math.isinf(number):
            raise ValueError(f"values[{i}] is not finite: {value!r}")
        out.append(number)
    return out


def _group_starts(n: int, rebase_at: Iterable[int]) -> list[int]:
    """0-based first index of every calculation group (spec §2)."""
    starts = {0}
    for index in rebase_at:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise ValueError(f"rebase_at must contain whole-number indices; got {index!r}")
        if 0 < index < n:
            starts.add(int(index))
    return sorted(starts)


# --------------------------------------------------------------------------- limits (spec §3)


def _scaled(values: Sequence[float]) -> tuple[list[int | None], int]:
    """Each value at the decimal it is written as (its shortest ``repr``), as a whole number
    of ``10**-scale``: value ``i`` is exactly ``ints[i] / 10**scale`` (None when missing).
    One common scale turns the exact sums and comparisons below into integer arithmetic."""
    parts: list[tuple[int, int] | None] = []
    scale = 0
    for v in values:
        if math.isnan(v):
            parts.append(None)
            continue
        text = repr(v)
        if "e" in text:  # 1e-05, 1.5e+16
            sign, digits, exponent = Decimal(text).as_tuple()
            whole = int("".join(map(str, digits)))
            part = (-whole if sign else whole, int(exponent))
        else:  # -150.46 is -15046 hundredths
            head, _, tail = text.partition(".")
            part = (int(head + tail), -len(tail))
        parts.append(part)
        scale = max(scale, -part[1])
    return [None if p is None else p[0] * 10 ** (scale + p[1]) for p in parts], scale


def _moving_ranges(baseline: Sequence[int | None]) -> list[int]:
    """|x_i - x_(i-1)| for i >= 1 where neither side is missing (spec §3.3)."""
    return [abs(b - a) for a, b in pairwise(baseline) if a is not None and b is not None]


def _screened(ranges: list[int], screen_outliers: bool) -> list[int]:
    """The moving ranges the AMR is taken over: all, or after one pass of screening that
    keeps MR < 3.267 x AMR (spec §3.4-§3.5); ``MR < f x R / m`` is ``MR m q < p R``."""
    if not screen_outliers or not ranges:
        return ranges
    p, q = SCREEN_FACTOR.numerator, SCREEN_FACTOR.denominator
    total, count = sum(ranges), len(ranges)
    return [mr for mr in ranges if mr * count * q < p * total]


@dataclass(frozen=True)
class _Limits:
    """One group's centre line and limits, exactly: the mean is ``total / (n x 10**scale)``
    and the average moving range ``ranges / (m x 10**scale)``; ``m`` is 0 when there are no
    limits (a group with no usable moving range, or all screened out)."""

    total: int
    n: int
    ranges: int
    m: int
    scale: int

    def line(self, factor: Fraction = Fraction(0)) -> tuple[int, int]:
        """``mean + factor x AMR`` as a comparison in whole numbers: with ``factor = p / q``,
        a value ``x / 10**scale`` is above the line when ``x * a > b``, below when
        ``x * a < b``, for the ``(a, b)`` returned: ``a = q n m``, ``b = q m total + p n
        ranges`` (m taken as 1 for the mean alone)."""
        p, q = factor.numerator, factor.denominator
        m = self.m or 1
        return q * self.n * m, q * m * self.total + p * self.n * self.ranges

    def value(self, factor: Fraction = Fraction(0)) -> float:
        """``mean + factor x AMR`` as the nearest float to its exact value."""
        a, b = self.line(factor)
        return float(Fraction(b, a * 10**self.scale))


def _group_limits(
    values: Sequence[int | None], scale: int, fix_after: int | None, screen_outliers: bool
) -> _Limits | None:
    """The mean and average moving range of one group (spec §3, §9); None when every value is
    missing."""
    baseline = values if fix_after is None else values[:fix_after]
    present = [v for v in baseline if v is not None]
    if not present:
        return None
    kept = _screened(_moving_ranges(baseline), screen_outliers)
    return _Limits(sum(present), len(present), sum(kept), len(kept), scale)


# --------------------------------------------------------------------------- rules (spec §4-§5)


def _outside_and_close(
    values: Sequence[int | None], limits: _Limits | None
) -> tuple[list[bool], list[bool]]:
    """Strictly beyond a process limit (outside), and strictly beyond a near-limit band but
    not outside (close; on a limit counts); never for missing values or limits (spec §4)."""
    outside = [False] * len(values)
    close = [False] * len(values)
    if limits is None or limits.m == 0:
        return outside, close
    (ua, ub), (la, lb) = limits.line(LIMIT_FACTOR), limits.line(-LIMIT_FACTOR)
    (ha, hb), (na, nb) = limits.line(NEAR_LIMIT_FACTOR), limits.line(-NEAR_LIMIT_FACTOR)
    for i, v in enumerate(values):
        if v is None:
            continue
        if v * ua > ub or v * la < lb:
            outside[i] = True
        elif v * ha > hb or v * na < nb:
            close[i] = True
    return outside, close


def _relative_to_mean(values: Sequence[int | None], limits: _Limits | None) -> list[int | None]:
    """+1 above, -1 below, 0 exactly on the mean, None for a missing value (spec §4)."""
    if limits is None:
        return [None] * len(values)
    a, b = limits.line()
    return [None if v is None else (v * a > b) - (v * a < b) for v in values]


def _back_fill(ends: Sequence[bool], length: int) -> list[bool]:
    """Flag each window end and the ``length - 1`` points before it (spec §5 rules 2, 4)."""
    flagged = [False] * len(ends)
    for end, is_end in enumerate(ends):
        if is_end:
            flagged[end - length + 1 : end + 1] = [True] * length
    return flagged


def _trend_points(values: Sequence[float]) -> list[bool]:
    """Points in 7 strictly rising or strictly falling points (spec §5 rule 2).

    A tie (zero difference) or a missing value (NaN) gives a difference that is neither > 0
    nor < 0, so it breaks the trend.
    """
    n = len(values)
    diffs = [b - a for a, b in pairwise(values)]
    steps = TREND_LENGTH - 1
    ends = [False] * n
    for end in range(TREND_LENGTH - 1, n):
        window = diffs[end - steps : end]
        ends[end] = all(d > 0 for d in window) or all(d < 0 for d in window)
    return _back_fill(ends, TREND_LENGTH)


def _trend_directions(values: Sequence[float], in_trend: Sequence[bool]) -> list[int]:
    """+1 (Increasing) or -1 (Decreasing) for trend points, 0 elsewhere (spec §5 rule 2).

    A trend point looks at the next point when that point is also in a trend, otherwise at the
    previous point. A zero difference counts as decreasing (the tie-join quirk, spec §10).
    """
    n = len(values)
    directions = [0] * n
    for i, trending in enumerate(in_trend):
        if not trending:
            continue
        if i + 1 < n and in_trend[i + 1]:
            step = values[i + 1] - values[i]
        else:
            step = values[i] - values[i - 1]
        directions[i] = 1 if step > 0 else -1
    return directions


def _same_side(relative: Sequence[int | None]) -> bool:
    """All points strictly above, or all strictly below, the mean."""
    return all(r == 1 for r in relative) or all(r == -1 for r in relative)


def _two_in_three_points(close: Sequence[bool], relative: Sequence[int | None]) -> list[bool]:
    """Close points in a 3-window with >= 2 close points all on one side (spec §5 rule 3)."""
    n = len(close)
    flagged = [False] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and _same_side([relative[i] for i in window]):
            for i in window:
                flagged[i] = flagged[i] or close[i]
    return flagged


def _shift_points(relative: Sequence[int | None]) -> list[bool]:
    """Points in 7 consecutive points on the same side of the mean (spec §5 rule 4)."""
    n = len(relative)
    ends = [False] * n
    for end in range(SHIFT_LENGTH - 1, n):
        ends[end] = _same_side(relative[end - SHIFT_LENGTH + 1 : end + 1])
    return _back_fill(ends, SHIFT_LENGTH)


# --------------------------------------------------------------------------- labels (spec §6-§8)


def _label(
    side: int | None,
    outside: bool,
    trend_direction: int,
    two_in_three: bool,
    shift: bool,
) -> str:
    """The single label of a point, first match wins (spec §6)."""
    if outside:
        return ABOVE_UCL if side == 1 else BELOW_LCL
    if trend_direction != 0:
        return TREND_UP if trend_direction > 0 else TREND_DOWN
    if two_in_three:
        return TWO_IN_THREE_ABOVE if side == 1 else TWO_IN_THREE_BELOW
    if shift:
        return SHIFT_ABOVE if side == 1 else SHIFT_BELOW
    return COMMON_CAUSE


def _orientation(label: str) -> int:
    """+1 for high labels, -1 for low labels, 0 for common cause (spec §6)."""
    if "Above" in label or "Increasing" in label:
        return 1
    if "Below" in label or "Decreasing" in label:
        return -1
    return 0


def _point_type(label: str, improvement: str) -> str:
    """Map a label's orientation to a point type for the improvement direction (spec §6)."""
    orientation = _orientation(label)
    if orientation == 0:
        return "common_cause"
    if improvement == "neutral":
        return "special_cause_neutral_high" if orientation > 0 else "special_cause_neutral_low"
    good = 1 if improvement == "increase" else -1
    return "special_cause_improvement" if orientation == good else "special_cause_concern"


def _variation_icon(last_point: SpcPoint) -> str:
    """Icon from the type and orientation of the last point only (spec §7)."""
    if last_point.point_type == "common_cause":
        return "common_cause"
    kind = last_point.point_type.removeprefix("special_cause_")
    if kind.startswith("neutral_"):
        return kind
    height = "high" if _orientation(last_point.rule) > 0 else "low"
    return f"{kind}_{height}"


def _assurance(
    target: float | None, improvement: str, lpl: float | None, upl: float | None
) -> str | None:
    """Target against the last row's limits (spec §8); None when it cannot be judged."""
    if target is None or improvement == "neutral" or lpl is None or upl is None:
        return None
    if target > upl:
        return "consistent_fail" if improvement == "increase" else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if improvement == "increase" else "consistent_fail"
    return "inconsistent"


def assurance(
    target: float | None, improvement: str, lpl: float | None, upl: float | None
) -> str | None:
    """The assurance outcome of a target against a series' latest limits (spec §8): lets a
    page judge the ICS's own target against stored limits without running SPC again."""
    return _assurance(target, improvement, lpl, upl)


# --------------------------------------------------------------------------- assembly


def _optional(number: float) -> float | None:
    return None if math.isnan(number) else float(number)


def _analyse_group(
    values: Sequence[float],
    start: int,
    improvement: str,
    fix_after: int | None,
    screen_outliers: bool,
) -> tuple[SpcGroup, list[SpcPoint]]:
    """Limits, rules and labels for one calculation group (spec §3-§6)."""
    ints, scale = _scaled(values)
    limits = _group_limits(ints, scale, fix_after, screen_outliers)
    outside, close = _outside_and_close(ints, limits)
    relative = _relative_to_mean(ints, limits)
    in_trend = _trend_points(values)
    directions = _trend_directions(values, in_trend)
    two_in_three = _two_in_three_points(close, relative)
    shift = _shift_points(relative)

    mean = lpl = upl = None
    if limits is not None:
        mean = limits.value()
        if limits.m:
            lpl, upl = limits.value(-LIMIT_FACTOR), limits.value(LIMIT_FACTOR)
    group = SpcGroup(
        start_index=start,
        n=len(values),
        mean=mean,
        lpl=lpl,
        upl=upl,
        trial_limits=len(values) < TRIAL_LIMITS_THRESHOLD,
    )
    points = []
    for i, value in enumerate(values):
        side = relative[i]
        label = _label(side, outside[i], directions[i], two_in_three[i], shift[i])
        points.append(
            SpcPoint(
                index=start + i,
                value=_optional(value),
                mean=mean,
                lpl=lpl,
                upl=upl,
                outside_limits=outside[i],
                close_to_limits=close[i],
                relative_to_mean=side,
                special_cause_flag=label != COMMON_CAUSE,
                point_type=_point_type(label, improvement),
                rule=label,
            )
        )
    return group, points


def analyse(
    values: Sequence[float | None],
    *,
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Iterable[int] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """Run the Making Data Count XmR analysis of ``values`` (spec §1-§10).

    Args:
        values: the series in time order; ``None`` or NaN marks a missing value.
        improvement: ``"increase"``, ``"decrease"`` or ``"neutral"`` (spec §1, §6).
        target: optional target for the assurance outcome (spec §8).
        rebase_at: 0-based indices where a new calculation group starts (spec §2).
        fix_after: freeze each group's limits after its first ``fix_after`` rows (>= 12,
            spec §9); ``None`` uses every row.
        screen_outliers: screen moving ranges >= 3.267 x AMR before the limits (spec §3.5).

    Raises:
        ValueError: empty or non-numeric values, or an invalid option.
    """
    direction = _validate_improvement(improvement)
    checked_target = _validate_target(target)
    fixed = _validate_fix_after(fix_after)
    series = _floats(values)
    if not series:
        raise ValueError("values must contain at least one point")
    starts = _group_starts(len(series), rebase_at)

    groups: list[SpcGroup] = []
    points: list[SpcPoint] = []
    for start, stop in zip(starts, [*starts[1:], len(series)], strict=True):
        group, group_points = _analyse_group(
            series[start:stop], start, direction, fixed, bool(screen_outliers)
        )
        groups.append(group)
        points.extend(group_points)

    last = points[-1]
    return SpcResult(
        groups=tuple(groups),
        points=tuple(points),
        variation_icon=_variation_icon(last),
        assurance=_assurance(checked_target, direction, last.lpl, last.upl),
        improvement=direction,
        target=checked_target,
    )
