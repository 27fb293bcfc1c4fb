"""Risks watched by their metrics: key risk indicators and the "indicator signal: review due"
flag.

A risk names its key risk indicators: a catalogue metric, optionally a segment and a place,
and the direction that signals the risk materialising (a rise in the leaver rate, a fall in
staff in post). An indicator *signals* in a month when its stored series shows special
cause variation in that direction (Making Data Count rules, research/spc_spec.md), or when
the series consistently fails its target (the target lies outside the process limits on the
wrong side); a rolling or year-to-date figure, which has no SPC, signals when its latest
value is beyond its target in that direction. The risk is flagged while its latest month of
indicator data signals and no review has been recorded since that month: a review (by an
analyst or the risk owner, audited) clears the flag until a later month signals again.
"""

from __future__ import annotations

from typing import Any

from oneworkforce.registers import models

FLAG = "indicator signal: review due"

_UP_WORDS = ("Above", "Increasing")
_DOWN_WORDS = ("Below", "Decreasing")


def split_for(indicator: models.KeyRiskIndicator) -> tuple[str, dict[str, str]]:
    """The stored split and group of an indicator's series."""
    group = {}
    if indicator.place:
        group["place"] = indicator.place
    if indicator.segment:
        group["segment"] = indicator.segment
    split = "_".join(k for k in ("place", "segment") if k in group) or "system"
    return split, group


def point_signal(point: dict[str, Any], direction: str) -> str:
    """Why a stored SPC point signals the risk (empty when it does not)."""
    rule = str(point.get("rule") or "")
    if point.get("special_cause_flag"):
        words = _UP_WORDS if direction == "up" else _DOWN_WORDS
        if any(w in rule for w in words):
            return f"special cause variation: {rule.lower()}"
    if point.get("assurance") == "consistent_fail":
        return "consistently failing its target"
    # a rolling or year-to-date figure (no SPC, research/spc_spec.md): its target alone
    value, target = point.get("value"), point.get("target")
    unanalysed = point.get("mean") is None and value is not None and target is not None
    if unanalysed and (value > target if direction == "up" else value < target):
        return f"failing its target ({value:g} against {target:g})"
    return ""


def _title(metric: str) -> tuple[str, str]:
    from oneworkforce.metrics.catalogue import CATALOGUE

    try:
        found = CATALOGUE.get(metric)
        return found.title, found.unit
    except KeyError:
        return metric, ""


def evaluate(indicator: models.KeyRiskIndicator, store: Any) -> dict[str, Any]:
    """An indicator's series, its latest month and whether that month signals. A metric
    stored with more dimensions than the indicator names (WRES by band cluster) has no one
    series: the indicator shows why instead of a chart; any other error is a bug and raises."""
    from oneworkforce.metrics.results_reader import AmbiguousSeries

    split, group = split_for(indicator)
    title, unit = _title(indicator.metric)
    problem = ""
    try:
        points = store.series(indicator.metric, split, group) if store is not None else []
    except AmbiguousSeries:
        points = []
        problem = "more than one stored series matches: this metric needs a finer indicator"
    points = [p for p in points if p.get("value") is not None]
    latest = points[-1] if points else None
    where = ", ".join(v.replace("_", " ") for v in (indicator.segment, indicator.place) if v)
    return {
        "id": indicator.pk,
        "metric": indicator.metric,
        "title": title,
        "unit": unit,
        "where": where or "whole system",
        "direction": indicator.direction,
        "points": points,
        "latest_period": latest["period"] if latest else None,
        "signal": point_signal(latest, indicator.direction) if latest else "",
        "problem": problem,
    }


def status(risk: models.Risk, store: Any) -> dict[str, Any]:
    """A risk's indicators, and whether it is flagged "indicator signal: review due"."""
    indicators = [evaluate(i, store) for i in risk.indicators.all()]
    review = risk.indicator_reviews.order_by("-reviewed_at", "-id").first()
    reviewed_through = review.through_period if review else ""
    signalling = [
        i for i in indicators if i["signal"] and (i["latest_period"] or "") > reviewed_through
    ]
    return {
        "indicators": indicators,
        "flagged": bool(signalling),
        "flag": FLAG if signalling else "",
        "reasons": [f"{i['title']} ({i['where']}): {i['signal']}" for i in signalling],
        "latest_period": max((i["latest_period"] or "" for i in indicators), default="") or None,
        "last_review": {
            "at": review.reviewed_at.isoformat(),
            "by": review.actor,
            "through_period": review.through_period,
            "note": review.note,
        }
        if review
        else None,
    }


def flags(store: Any) -> dict[str, dict[str, Any]]:
    """Every flagged risk by reference: the flag, its reasons and the signalling series
    (for the pack's BAF section and the registers' risk list)."""
    out = {}
    for risk in models.Risk.objects.filter(archived=False, indicators__isnull=False).distinct():
        found = status(risk, store)
        if found["flagged"]:
            out[risk.ref] = {
                "flag": found["flag"],
                "reasons": found["reasons"],
                "series": [
                    {
                        "metric": i["metric"],
                        "title": i["title"],
                        "unit": i["unit"],
                        "where": i["where"],
                        "points": [{k: p.get(k) for k in _POINT_KEYS} for p in i["points"][-24:]],
                    }
                    for i in found["indicators"]
                    if i["signal"]
                ],
            }
    return out


_POINT_KEYS = ("period", "value", "mean", "lpl", "upl", "point_type", "target")
