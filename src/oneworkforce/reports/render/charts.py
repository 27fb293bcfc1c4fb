"""Charts for documents: the same Vega-Lite specifications as the web pages, drawn by
vl-convert at a fixed width (``"container"`` means nothing on paper)."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from typing import Any

import vl_convert

#: the width of a chart on an A4 page with 2 cm margins, in CSS pixels
PAGE_WIDTH = 600


def fixed(spec: Mapping[str, Any], width: int = PAGE_WIDTH) -> dict[str, Any]:
    """A copy of the spec drawn at ``width`` pixels."""
    out = copy.deepcopy(dict(spec))
    if not isinstance(out.get("width"), int | float):
        out["width"] = width
    return out


@functools.lru_cache(maxsize=64)
def _svg(text: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(text))


@functools.lru_cache(maxsize=64)
def _png(text: str, scale: float) -> bytes:
    return bytes(vl_convert.vegalite_to_png(json.loads(text), scale=scale))


def svg(spec: Mapping[str, Any], width: int = PAGE_WIDTH) -> str:
    return _svg(json.dumps(fixed(spec, width), sort_keys=True))


def png(spec: Mapping[str, Any], width: int = PAGE_WIDTH, scale: float = 2.0) -> bytes:
    return _png(json.dumps(fixed(spec, width), sort_keys=True), scale)


@functools.lru_cache(maxsize=16)
def icon_png(code: str) -> bytes:
    """A Making Data Count icon (the web's SVG drawing) as a PNG, for Word."""
    from oneworkforce.web.templatetags.owf import icon_svg

    return bytes(vl_convert.svg_to_png(icon_svg(code, size=24), scale=4))
