"""Statistical disclosure control for every published OneWorkforce output.

Implements the platform's interim rule set from ``/work/shared/research/metric_definitions.md``
section 10 ("§10" below). It is a choice for the platform, modelled on the NHS Digital HES/ECDS
rules of September 2018 plus the Skills for Care rule; it is not an official NHS England rule for
workforce statistics.

Rules (thresholds live in :class:`DisclosureRules`, whose ``name`` goes into output metadata):

* **National level is uncontrolled** (§10: national counts are shown unrounded). Levels are
  free-form strings; only those in ``rules.uncontrolled_levels`` (default ``"national"``,
  compared case-insensitively) are exempt, so an unknown or misspelt level is controlled.
* **Counts of individuals below national level**: 0 stays 0; 1-7 become ``"*"``; 8 and above
  are rounded to the nearest multiple of 5. Halves round away from zero (``divmod`` on whole
  numbers); with the default base of 5 a whole count can never sit on a half, but with an even
  base (e.g. 10) 25 becomes 30.
* **Rates** are computed from the *controlled* (rounded) numerator and denominator and are
  suppressed when either is suppressed (§10). They are returned as proportions (0-1) and shown
  as a percentage to 1 decimal place (conventions at the top of the research note).
* **Means and medians** based on 1-7 individuals are suppressed below national level (§10).
* **Adult social care** outputs (``adult_social_care=True``) additionally suppress groups of
  fewer than 10 workers (Skills for Care). This rule is applied at *every* level, national
  included: Skills for Care states no national exemption and suppressing a national count under
  10 costs nothing.
* **Relative likelihoods** (WRES/WDES) are shown as ``"n/a (small numbers)"`` when any of their
  four counts is below the threshold (§10 item 2). The rule guards against unstable ratios as
  well as disclosure, so it also applies at national level. Below national level the ratio is
  computed from the rounded counts, like rates.
* **Secondary disclosure** (§10 item 3): :func:`secondary_disclosure_risk` flags a total whose
  parts include exactly one suppressed cell while the total and every other part are shown, so
  the hidden cell could be recovered (exactly, or within the rounding error) by subtraction;
  :func:`suppress_next_smallest` then suppresses one more cell.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "DEFAULT_RULES",
    "Controlled",
    "DisclosureRules",
    "control_average",
    "control_count",
    "control_rate",
    "control_relative_likelihood",
    "secondary_disclosure_risk",
    "suppress_next_smallest",
]

# Rule identifiers recorded on every Controlled value.
UNCONTROLLED = "uncontrolled_national"
ZERO = "zero"
SMALL_COUNT = "suppressed_small_count"
ASC_SMALL_GROUP = "suppressed_asc_small_group"
ROUNDED = "rounded"
RATE = "rate_from_rounded"
RATE_UNCONTROLLED = "rate_uncontrolled_national"
RATE_SUPPRESSED = "suppressed_rate_input"
RATE_UNDEFINED = "undefined_zero_denominator"
AVERAGE = "average_shown"
AVERAGE_SUPPRESSED = "suppressed_small_average_base"
AVERAGE_UNDEFINED = "undefined_no_individuals"
RL = "relative_likelihood"
RL_SMALL_NUMBERS = "suppressed_small_numbers"
SECONDARY = "suppressed_secondary"


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds of one disclosure-control rule set (§10 item 4: make them configuration).

    Attributes:
        name: recorded in output metadata so a reader knows which rules were applied.
        suppress_below: counts ``1 .. suppress_below - 1`` are suppressed (HES: 8).
        rounding_base: other counts are rounded to a multiple of this (HES: 5; 1 = no rounding).
        average_min_individuals: means/medians on fewer individuals are suppressed (HES: 8).
        asc_min_workers: adult social care groups with fewer workers are suppressed (SfC: 10).
        small_numbers_threshold: a relative likelihood is withheld when any count is below this.
        uncontrolled_levels: geographic levels published without control.
    """

    name: str = "oneworkforce-interim-hes2018-sfc"
    suppress_below: int = 8
    rounding_base: int = 5
    average_min_individuals: int = 8
    asc_min_workers: int = 10
    small_numbers_threshold: int = 8
    uncontrolled_levels: frozenset[str] = field(default_factory=lambda: frozenset({"national"}))
    suppressed_display: str = "*"
    small_numbers_display: str = "n/a (small numbers)"
    undefined_display: str = "n/a"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("DisclosureRules.name must not be empty")
        for attribute in (
            "suppress_below",
            "rounding_base",
            "average_min_individuals",
            "asc_min_workers",
            "small_numbers_threshold",
        ):
            value = getattr(self, attribute)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"DisclosureRules.{attribute} must be a whole number >= 1")
        lowered = frozenset(level.strip().lower() for level in self.uncontrolled_levels)
        object.__setattr__(self, "uncontrolled_levels", lowered)

    def metadata(self) -> dict[str, Any]:
        """The rule set as plain data, for the metadata block of a published output."""
        return {
            "disclosure_rules": self.name,
            "suppress_below": self.suppress_below,
            "rounding_base": self.rounding_base,
            "average_min_individuals": self.average_min_individuals,
            "asc_min_workers": self.asc_min_workers,
            "small_numbers_threshold": self.small_numbers_threshold,
            "uncontrolled_levels": sorted(self.uncontrolled_levels),
        }


DEFAULT_RULES = DisclosureRules()


@dataclass(frozen=True)
class Controlled:
    """A published value after control.

    ``value`` is ``None`` when suppressed or undefined; ``display`` is what goes in the cell;
    ``rule`` names the rule that decided the outcome (one of the module's rule identifiers).
    """

    value: int | float | None
    display: str
    suppressed: bool
    rule: str


def _check_count(name: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be a whole number of individuals; got {n!r}")
    if n < 0:
        raise ValueError(f"{name} must not be negative; got {n}")
    return int(n)


def _is_uncontrolled(level: str, rules: DisclosureRules) -> bool:
    if not isinstance(level, str) or not level.strip():
        raise ValueError(f"level must be a non-empty string; got {level!r}")
    return level.strip().lower() in rules.uncontrolled_levels


def round_to_base(n: int, base: int) -> int:
    """Nearest multiple of ``base`` for a whole ``n >= 0``, halves away from zero."""
    quotient, remainder = divmod(n, base)
    if 2 * remainder >= base:
        quotient += 1
    return quotient * base


def _suppressed(rules: DisclosureRules, rule: str) -> Controlled:
    return Controlled(value=None, display=rules.suppressed_display, suppressed=True, rule=rule)


def control_count(
    n: int,
    *,
    level: str,
    rules: DisclosureRules = DEFAULT_RULES,
    adult_social_care: bool = False,
) -> Controlled:
    """Control a count of individuals (§10 item 1; Skills for Care for ``adult_social_care``)."""
    count = _check_count("n", n)
    if adult_social_care and 0 < count < rules.asc_min_workers:
        return _suppressed(rules, ASC_SMALL_GROUP)
    if _is_uncontrolled(level, rules):
        return Controlled(value=count, display=str(count), suppressed=False, rule=UNCONTROLLED)
    if count == 0:
        return Controlled(value=0, display="0", suppressed=False, rule=ZERO)
    if count < rules.suppress_below:
        return _suppressed(rules, SMALL_COUNT)
    rounded = round_to_base(count, rules.rounding_base)
    return Controlled(value=rounded, display=str(rounded), suppressed=False, rule=ROUNDED)


def control_rate(
    numerator: int,
    denominator: int,
    *,
    level: str,
    rules: DisclosureRules = DEFAULT_RULES,
    adult_social_care: bool = False,
) -> Controlled:
    """Rate from the controlled numerator and denominator, as a proportion (§10).

    Suppressed when either input is suppressed; undefined (``"n/a"``) for a zero denominator.
    """
    top = control_count(numerator, level=level, rules=rules, adult_social_care=adult_social_care)
    bottom = control_count(
        denominator, level=level, rules=rules, adult_social_care=adult_social_care
    )
    if top.suppressed or bottom.suppressed:
        return _suppressed(rules, RATE_SUPPRESSED)
    if top.value is None or bottom.value is None or bottom.value == 0:
        return Controlled(None, rules.undefined_display, suppressed=False, rule=RATE_UNDEFINED)
    rate = top.value / bottom.value
    rule = RATE_UNCONTROLLED if top.rule == UNCONTROLLED else RATE
    return Controlled(value=rate, display=f"{rate * 100:.1f}%", suppressed=False, rule=rule)


def control_average(
    value: float,
    n_individuals: int,
    *,
    level: str,
    rules: DisclosureRules = DEFAULT_RULES,
    adult_social_care: bool = False,
    decimals: int = 1,
) -> Controlled:
    """Control a mean or median based on ``n_individuals`` people (§10)."""
    n = _check_count("n_individuals", n_individuals)
    if n == 0:
        return Controlled(None, rules.undefined_display, suppressed=False, rule=AVERAGE_UNDEFINED)
    too_few = n < rules.average_min_individuals and not _is_uncontrolled(level, rules)
    if too_few or (adult_social_care and n < rules.asc_min_workers):
        return _suppressed(rules, AVERAGE_SUPPRESSED)
    number = float(value)
    return Controlled(number, f"{number:.{decimals}f}", suppressed=False, rule=AVERAGE)


def control_relative_likelihood(
    group_events: int,
    group_population: int,
    comparator_events: int,
    comparator_population: int,
    *,
    level: str,
    rules: DisclosureRules = DEFAULT_RULES,
) -> Controlled:
    """``(group_events / group_population) / (comparator_events / comparator_population)``.

    Withheld as ``"n/a (small numbers)"`` when any of the four counts is below
    ``rules.small_numbers_threshold`` (§10 item 2), at every level. Below national level the
    ratio is computed from the rounded counts. Keep the official orientation of each indicator.
    """
    counts = [
        _check_count(name, n)
        for name, n in (
            ("group_events", group_events),
            ("group_population", group_population),
            ("comparator_events", comparator_events),
            ("comparator_population", comparator_population),
        )
    ]
    if min(counts) < rules.small_numbers_threshold:
        return Controlled(None, rules.small_numbers_display, suppressed=True, rule=RL_SMALL_NUMBERS)
    if not _is_uncontrolled(level, rules):
        counts = [round_to_base(n, rules.rounding_base) for n in counts]
    a, b, c, d = counts
    ratio = (a / b) / (c / d)
    return Controlled(value=ratio, display=f"{ratio:.2f}", suppressed=False, rule=RL)


def secondary_disclosure_risk(total: Controlled, parts: Sequence[Controlled]) -> bool:
    """True when exactly one part is suppressed and the total and all other parts are shown.

    Then the hidden part is the total minus the others (exactly when they are unrounded, within
    the rounding error otherwise), so it needs a second suppression (§10 item 3). This check is
    deliberately conservative: it does not try to prove that rounding already protects the cell.
    """
    hidden = sum(1 for part in parts if part.suppressed)
    return hidden == 1 and not total.suppressed


def suppress_next_smallest(
    total: Controlled, parts: Sequence[Controlled], rules: DisclosureRules = DEFAULT_RULES
) -> tuple[Controlled, list[Controlled]]:
    """Add one secondary suppression when :func:`secondary_disclosure_risk` says so.

    Suppresses the smallest shown non-zero part (the first one on ties); zeros are used only
    when no non-zero part is shown, and the total only when no other part is shown. Returns the
    (possibly new) total and parts; unchanged copies when there is no risk.
    """
    result = list(parts)
    if not secondary_disclosure_risk(total, result):
        return total, result
    shown = [i for i, part in enumerate(result) if not part.suppressed and part.value is not None]
    candidates = [i for i in shown if result[i].value != 0] or shown
    if not candidates:
        return _secondary(total, rules), result
    smallest = min(candidates, key=lambda i: (result[i].value, i))
    result[smallest] = _secondary(result[smallest], rules)
    return total, result


def _secondary(cell: Controlled, rules: DisclosureRules) -> Controlled:
    return replace(
        cell, value=None, display=rules.suppressed_display, suppressed=True, rule=SECONDARY
    )
