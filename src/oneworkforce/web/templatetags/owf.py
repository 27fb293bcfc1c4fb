"""Template tags shared by every page: Making Data Count icons, RAG and availability tags.

``{% load owf %}`` then ``{% variation_icon code %}``, ``{% assurance_icon code %}``,
``{% availability_tag state %}``. The Making Data Count icons are SVG circles with a letter
(or the common-cause line) and a text alternative, so colour is never the only signal.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from oneworkforce.metrics.people_story import (
    ASSURANCE_LABELS,
    AVAILABILITY_LABELS,
    VARIATION_LABELS,
)

register = template.Library()

#: Making Data Count icon colours (spc_spec.md §6, darkened to keep 4.5:1 against white)
MDC_COLOURS = {
    "common": "#5e6b75",
    "improvement": "#005eb8",
    "concern": "#b85000",
    "neutral": "#490092",
}
#: variation icon -> (colour, letter in the circle: H high, L low; common cause has none)
_VARIATION = {
    "common_cause": ("common", ""),
    "improvement_high": ("improvement", "H"),
    "improvement_low": ("improvement", "L"),
    "concern_high": ("concern", "H"),
    "concern_low": ("concern", "L"),
    "neutral_high": ("neutral", "H"),
    "neutral_low": ("neutral", "L"),
}
#: assurance -> (colour, letter): P passes, F fails, ? hits and misses
_ASSURANCE = {
    "consistent_pass": ("improvement", "P"),
    "consistent_fail": ("concern", "F"),
    "inconsistent": ("common", "?"),
}
_AVAILABILITY_TAG = {
    "available": "nhsuk-tag--green",
    "partial": "nhsuk-tag--yellow",
    "estimate": "nhsuk-tag--blue",
    "planned": "nhsuk-tag--purple",
    "not_available": "nhsuk-tag--red",
    "not_applicable": "nhsuk-tag--grey",
}


def mdc_svg(kind: str, letter: str, label: str, size: int = 24) -> str:
    """A Making Data Count icon drawn as SVG: a circle in the MDC colour of its kind with its
    letter (H/L for special cause, P/F/? for assurance) or, for common cause, a level wavy
    line; ``label`` is its text alternative. Plain markup, used by pages and packs."""
    colour = MDC_COLOURS[kind]
    if letter:
        inner = (
            f'<text x="12" y="16.2" text-anchor="middle" font-family="Arial, sans-serif" '
            f'font-size="12" font-weight="700" fill="#fff">{escape(letter)}</text>'
        )
        circle = f'<circle cx="12" cy="12" r="10.5" fill="{colour}"/>'
    else:
        inner = (
            f'<polyline points="5,12.5 8,9.5 11,14 14,9.5 17,13.5 19,11" fill="none" '
            f'stroke="{colour}" stroke-width="1.8" stroke-linejoin="round"/>'
        )
        circle = f'<circle cx="12" cy="12" r="10" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    return (
        f'<svg class="owf-mdc owf-mdc--{kind}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 24 24" width="{size}" height="{size}" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>{circle}{inner}</svg>'
    )


def variation_svg(code: str | None, size: int = 24) -> str:
    if not code or code not in _VARIATION:
        return ""
    return mdc_svg(*_VARIATION[code], VARIATION_LABELS[code], size)


def assurance_svg(code: str | None, size: int = 24) -> str:
    if not code or code not in _ASSURANCE:
        return ""
    return mdc_svg(*_ASSURANCE[code], ASSURANCE_LABELS[code], size)


def icon_svg(code: str | None, size: int = 24) -> str:
    """The Making Data Count icon of a variation or an assurance code ('' for none)."""
    return variation_svg(code, size) or assurance_svg(code, size)


def icon_label(code: str | None) -> str:
    """An icon's text alternative: its label in words."""
    return VARIATION_LABELS.get(code or "", "") or ASSURANCE_LABELS.get(code or "", "")


@register.simple_tag
def variation_icon(code: str | None):
    return mark_safe(variation_svg(code))  # built from fixed strings, labels escaped


@register.simple_tag
def assurance_icon(code: str | None):
    return mark_safe(assurance_svg(code))  # built from fixed strings, labels escaped


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


@register.filter
def month(period: str | None) -> str:
    """``2025-03`` as ``March 2025``."""
    from oneworkforce.formats import month_name

    return month_name(period)


@register.filter
def when(value) -> str:
    """A timestamp as people read it, in UK time: ``29 Nov 2026 14:05``."""
    from oneworkforce.formats import when as _when

    return _when(value)


@register.filter
def day(value) -> str:
    """A date as ``29 Nov 2026``."""
    from oneworkforce.formats import day as _day

    return _day(value)


@register.filter
def money(value, style: str = "table") -> str:
    """Pounds: ``£80,000,000`` in tables, ``£80.0m`` with ``|money:"short"`` in summaries."""
    from oneworkforce.formats import money as _money

    return _money(value, short=style == "short")


@register.filter
def metric_title(code: str) -> str:
    from oneworkforce.metrics.catalogue import CATALOGUE

    return CATALOGUE.get(code).title if code in CATALOGUE else code


@register.filter
def urlencode_dict(mapping) -> str:
    from urllib.parse import urlencode

    return urlencode(dict(mapping))


@register.simple_tag
def risk_score(score: int | None):
    """A risk score in its 5x5 band colour, with the band named (never colour alone)."""
    from oneworkforce.registers.scoring import ScoreError, band

    if score is None:
        return format_html('<span class="owf-score">{}</span>', "Not scored")
    try:
        name = band(int(score))
    except (ScoreError, ValueError):
        return format_html('<span class="owf-score">{}</span>', score)
    return format_html(
        '<span class="owf-score owf-band-{}">{} <span class="owf-score__band">{}</span></span>',
        name,
        score,
        name,
    )


@register.simple_tag
def board_date() -> str:
    """The date the registers are read as of (``registers/asof.py``), as ``30 Apr 2025``."""
    from oneworkforce.formats import day as _day
    from oneworkforce.registers.asof import board_date as _board_date

    return _day(_board_date())


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?")


@register.filter
def timestamps_read(value) -> str:
    """Text with every ISO timestamp in it written as people read one (``29 Nov 2026
    14:05``, UK time): for the audit trail's recorded changes."""
    from oneworkforce.formats import when as _when

    return _ISO_TIME.sub(lambda m: _when(m.group(0)), str(value))
