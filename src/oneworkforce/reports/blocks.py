"""The pieces a pack is made of, as plain JSON-able dicts.

A pack's content is a list of sections; a section holds blocks: paragraphs, bullet lists,
key-value lists, tables and charts. A table cell keeps its number as a number, with its unit
and the text the board reads (``display``), so the XLSX stores numbers and the documents print
the same words. Every renderer reads only these dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from oneworkforce.metrics.charts import format_value

Cell = dict[str, Any]
Block = dict[str, Any]
Section = dict[str, Any]

#: units whose values are numbers (everything else is text)
NUMERIC_UNITS = frozenset({"fraction", "fte", "headcount", "pounds", "count", "score", "days"})


def display_number(value: float | int | None, unit: str) -> str:
    """A figure as the board reads it (the dashboard's formatting, plus the pack's own units)."""
    if value is None:
        return "–"
    if unit in ("count", "score", "days"):
        return f"{value:,.0f}"
    return format_value(value, unit)


def number(
    value: float | int | None,
    unit: str,
    *,
    display: str | None = None,
    note: str = "",
    status: str = "",
    rule: str = "",
    icons: Sequence[str] = (),
) -> Cell:
    """A numeric cell. ``rule`` names the disclosure rule applied (public packs); ``icons``
    are Making Data Count variation or assurance codes, drawn beside the figure."""
    cell: Cell = {
        "value": value,
        "unit": unit,
        "display": display if display is not None else display_number(value, unit),
    }
    if note:
        cell["note"] = note
    if status:
        cell["status"] = status
    if rule:
        cell["rule"] = rule
    if icons:
        cell["icons"] = list(icons)
    return cell


def text(value: Any, *, status: str = "", note: str = "", icons: Sequence[str] = ()) -> Cell:
    """A text cell (``status`` carries a RAG or icon class for colour, never the only signal;
    ``icons`` are Making Data Count codes drawn before the words)."""
    shown = "" if value is None else str(value)
    cell: Cell = {"value": shown, "unit": "text", "display": shown}
    if icons:
        cell["icons"] = list(icons)
    if status:
        cell["status"] = status
    if note:
        cell["note"] = note
    return cell


def column(title: str, unit: str = "text") -> dict[str, str]:
    return {"title": title, "unit": unit}


def table(
    table_id: str,
    title: str,
    columns: Sequence[Mapping[str, str]],
    rows: Sequence[Sequence[Cell]],
    *,
    caption: str = "",
    empty: str = "None.",
) -> Block:
    """A table; ``empty`` is printed instead when there are no rows."""
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"{table_id}: a row has {len(row)} cells for {len(columns)} columns")
    return {
        "type": "table",
        "id": table_id,
        "title": title,
        "caption": caption,
        "columns": [dict(c) for c in columns],
        "rows": [list(r) for r in rows],
        "empty": empty,
    }


def paragraph(words: str) -> Block:
    return {"type": "paragraph", "text": words}


def bullets(items: Sequence[str]) -> Block:
    return {"type": "bullets", "items": list(items)}


def fields(items: Sequence[tuple[str, str]]) -> Block:
    """Label and value pairs, as on a board paper's cover sheet."""
    return {"type": "fields", "items": [{"label": k, "value": v} for k, v in items]}


def chart(chart_id: str, title: str, spec: Mapping[str, Any], alt: str) -> Block:
    """A Vega-Lite chart and its text alternative (read out instead of the picture)."""
    return {"type": "chart", "id": chart_id, "title": title, "spec": dict(spec), "alt": alt}


def icons_of(cell: Mapping[str, Any]) -> list[str]:
    """A cell's Making Data Count icon codes; a pack frozen before cells named their icons
    gives its variation icon through ``status``."""
    from oneworkforce.metrics.people_story import VARIATION_LABELS

    if "icons" in cell:
        return [str(c) for c in cell["icons"]]
    return [cell["status"]] if cell.get("status") in VARIATION_LABELS else []


def section(section_id: str, title: str, blocks: Sequence[Block], *, intro: str = "") -> Section:
    return {"id": section_id, "title": title, "intro": intro, "blocks": list(blocks)}


def tables(content: Mapping[str, Any]) -> list[Block]:
    """Every table of a pack, in reading order."""
    return [b for s in content["sections"] for b in s["blocks"] if b["type"] == "table"]


def charts(content: Mapping[str, Any]) -> list[Block]:
    return [b for s in content["sections"] for b in s["blocks"] if b["type"] == "chart"]


def results_version(manifest: Mapping[str, Any]) -> str:
    """The results data version a pack was made from, saying so when the stored results were
    behind the ledger (files accepted before the pack was made are not in its figures)."""
    version = str(manifest["results"]["data_version"])
    if manifest["results"].get("stale"):
        return f"{version} (an earlier data version: files accepted since are not in the figures)"
    return version
