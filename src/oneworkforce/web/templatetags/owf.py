"""Template tags shared by every page: Making Data Count icons, RAG and availability tags.

``{% load owf %}`` then ``{% variation_icon code %}``, ``{% assurance_icon code %}``,
``{% availability_tag state %}``. Icons are text badges with a visually hidden full label, so
colour is never the only signal.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from oneworkforce.metrics.people_story import (
    ASSURANCE_LABELS,
    AVAILABILITY_LABELS,
    VARIATION_LABELS,
)

register = template.Library()

_VARIATION = {
    "common_cause": ("~", "common"),
    "improvement_high": ("↑", "improvement"),
    "improvement_low": ("↓", "improvement"),
    "concern_high": ("↑", "concern"),
    "concern_low": ("↓", "concern"),
    "neutral_high": ("↑", "neutral"),
    "neutral_low": ("↓", "neutral"),
}
_ASSURANCE = {
    "consistent_pass": ("P", "pass"),
    "consistent_fail": ("F", "fail"),
    "inconsistent": ("?", "hit-miss"),
}
_AVAILABILITY_TAG = {
    "available": "nhsuk-tag--green",
    "partial": "nhsuk-tag--yellow",
    "estimate": "nhsuk-tag--blue",
    "planned": "nhsuk-tag--purple",
    "not_available": "nhsuk-tag--red",
    "not_applicable": "nhsuk-tag--grey",
}


def _icon(symbol: str, kind: str, label: str):
    return format_html(
        '<span class="owf-icon owf-icon--{}" title="{}" aria-hidden="true">{}</span>'
        '<span class="nhsuk-u-visually-hidden">{}</span>',
        kind,
        label,
        symbol,
        label,
    )


@register.simple_tag
def variation_icon(code: str | None):
    if not code or code not in _VARIATION:
        return ""
    return _icon(*_VARIATION[code], VARIATION_LABELS[code])


@register.simple_tag
def assurance_icon(code: str | None):
    if not code or code not in _ASSURANCE:
        return ""
    return _icon(*_ASSURANCE[code], ASSURANCE_LABELS[code])


@register.simple_tag
def availability_tag(state: str | None):
    if not state:
        return ""
    return format_html(
        '<strong class="nhsuk-tag {} owf-state">{}</strong>',
        _AVAILABILITY_TAG.get(state, "nhsuk-tag--grey"),
        AVAILABILITY_LABELS.get(state, state),
    )


@register.simple_tag
def rag_tag(rag: str | None):
    """A RAG rating as a labelled tag (the word is always shown, not only the colour)."""
    value = (rag or "").strip().lower()
    css = {"red": "red", "amber": "amber", "green": "green", "blue": "blue"}.get(value, "grey")
    return format_html('<span class="owf-rag owf-rag--{}">{}</span>', css, (rag or "–").title())


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dictionary lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
