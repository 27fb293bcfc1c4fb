"""The NHS 5x5 risk matrix: likelihood x consequence, bands and descriptors.

The descriptors are those of the NPSA "A risk matrix for risk managers" (2008) that NHS
bodies use. A score is likelihood times consequence, so only the products 1-6, 8-10, 12, 15,
16, 20 and 25 occur; the bands are 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme. Every
assessment stores :data:`CRITERIA_VERSION` and :func:`criteria` so a later change of
descriptors never re-labels old scorings.
"""

from __future__ import annotations

import os

CRITERIA_VERSION = "npsa-5x5-2008"

LIKELIHOOD = {
    1: ("Rare", "This will probably never happen or recur"),
    2: ("Unlikely", "Do not expect it to happen or recur, but it is possible it may do so"),
    3: ("Possible", "Might happen or recur occasionally"),
    4: ("Likely", "Will probably happen or recur, but it is not a persisting issue"),
    5: ("Almost certain", "Will undoubtedly happen or recur, possibly frequently"),
}

CONSEQUENCE = {
    1: ("Negligible", "Minimal injury, impact or disruption; no obvious harm"),
    2: ("Minor", "Minor injury or disruption; short-term low impact"),
    3: ("Moderate", "Moderate injury or disruption; some impact on delivery or reputation"),
    4: ("Major", "Major injury or disruption; significant impact on delivery or finances"),
    5: ("Catastrophic", "Fatality or catastrophic loss of service, finances or reputation"),
}

#: (lowest score, highest score, band)
BANDS = ((1, 3, "low"), (4, 6, "moderate"), (8, 12, "high"), (15, 25, "extreme"))

DEFAULT_ESCALATION_SCORE = 15


class ScoreError(ValueError):
    pass


def _check(value: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ScoreError(f"{what} must be a whole number from 1 to 5, not {value!r}")
    return value


def score(likelihood: int, consequence: int) -> int:
    return _check(likelihood, "likelihood") * _check(consequence, "consequence")


def band(value: int | None) -> str | None:
    """The band of a score; ``None`` for no score. Scores that no product makes are refused."""
    if value is None:
        return None
    for low, high, name in BANDS:
        if low <= value <= high:
            return name
    raise ScoreError(f"{value} is not a score on the 5x5 matrix")


def descriptor(kind: str, value: int | None) -> str:
    table = LIKELIHOOD if kind == "likelihood" else CONSEQUENCE
    return table[value][0] if value in table else ""


def escalation_score() -> int:
    """The score at which a current risk goes to the Board Assurance Framework.

    Configured by ``ONEWORKFORCE_BAF_SCORE`` (default 15, the start of the extreme band).
    """
    raw = os.environ.get("ONEWORKFORCE_BAF_SCORE", "")
    try:
        return int(raw) if raw else DEFAULT_ESCALATION_SCORE
    except ValueError:
        return DEFAULT_ESCALATION_SCORE


def escalated(current_score: int | None, threshold: int | None = None) -> bool:
    limit = escalation_score() if threshold is None else threshold
    return current_score is not None and current_score >= limit


def criteria() -> dict:
    """The scoring criteria as stored with each assessment."""
    return {
        "version": CRITERIA_VERSION,
        "likelihood": {str(k): list(v) for k, v in LIKELIHOOD.items()},
        "consequence": {str(k): list(v) for k, v in CONSEQUENCE.items()},
        "bands": [list(b) for b in BANDS],
    }
