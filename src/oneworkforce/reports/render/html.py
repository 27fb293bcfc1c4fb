"""HTML: one self-contained file that reads well on a phone, and the source of the PDF.

The template (``reports/pack.html``) is shared with the web page of a pack; charts are the
pack's Vega-Lite specifications drawn as SVG, each with its text alternative.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from oneworkforce.reports.blocks import NUMERIC_UNITS, icons_of
from oneworkforce.reports.render import charts


def _cell(cell: Mapping[str, Any], unit: str) -> dict[str, Any]:
    classes = []
    numeric = cell.get("unit") in NUMERIC_UNITS or unit in NUMERIC_UNITS or unit == "number"
    if numeric and cell.get("unit") != "text":
        classes.append("num")
    if cell.get("status"):
        classes.append(f"owf-s-{cell['status']}")
    return {
        "display": cell["display"],
        "note": cell.get("note", ""),
        "cls": " ".join(classes),
        "icons": [icon_image(code) for code in icons_of(cell)],
    }


def icon_image(code: str) -> dict[str, str]:
    """A Making Data Count icon as an image (the web's SVG drawing) and its alt text: an
    image, so WeasyPrint tags it as a figure with its alternative in the PDF."""
    from oneworkforce.web.templatetags.owf import icon_label, icon_svg

    drawn = icon_svg(code, size=ICON_SIZE)
    return {
        "src": "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode(),
        "alt": icon_label(code),
    }


#: the icons' size on the page, in CSS pixels
ICON_SIZE = 18


def blocks_for_page(content: Mapping[str, Any], *, images: bool = True) -> list[dict[str, Any]]:
    """The sections with their tables laid out for the template and charts drawn as SVG
    (``images=False`` leaves charts to the web page's own Vega-Lite)."""
    sections = []
    for s in content["sections"]:
        blocks = []
        for b in s["blocks"]:
            if b["type"] == "table":
                units = [c["unit"] for c in b["columns"]]
                b = {
                    **b,
                    "head": [
                        {
                            "title": c["title"],
                            "num": c["unit"] in NUMERIC_UNITS or c["unit"] == "number",
                        }
                        for c in b["columns"]
                    ],
                    "body": [
                        [_cell(cell, units[i]) for i, cell in enumerate(row)] for row in b["rows"]
                    ],
                }
            elif b["type"] == "chart" and images:
                drawn = charts.svg(b["spec"])
                b = {
                    **b,
                    "src": "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode(),
                }
            blocks.append(b)
        sections.append({**s, "blocks": blocks})
    return sections


def document(content: Mapping[str, Any], manifest: Mapping[str, Any], *, paged: bool) -> str:
    """The pack as one HTML document (``paged``: laid out for A4 by WeasyPrint)."""
    return render_to_string(
        "reports/pack.html",
        {
            "pack": content,
            "manifest": manifest,
            "sections": blocks_for_page(content),
            "paged": paged,
        },
    )


def write(content: Mapping[str, Any], manifest: Mapping[str, Any], path: Path) -> None:
    path.write_text(document(content, manifest, paged=False), encoding="utf-8")
