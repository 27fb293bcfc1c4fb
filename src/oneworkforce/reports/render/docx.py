"""DOCX: a Word document a board secretary can edit: real Heading styles (so Word's
navigation pane and table of contents work), Word tables with a repeating header row, charts
as pictures with their text alternative, page numbers in the footer."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from oneworkforce.formats import day
from oneworkforce.reports.blocks import NUMERIC_UNITS, icons_of
from oneworkforce.reports.render import charts

NOTE_COLOUR = RGBColor(0x4C, 0x62, 0x72)


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A Word field (page number, table of contents), updated by Word when opened."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _table(doc: Any, block: Mapping[str, Any]) -> None:
    doc.add_paragraph(block["title"], style="Caption")
    if not block["rows"]:
        doc.add_paragraph(block["empty"])
        return
    columns = block["columns"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for i, col in enumerate(columns):
        cell = header.cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(col["title"])
        run.bold = True
    for row in block["rows"]:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            for code in icons_of(value):
                _icon(paragraph, code)
            run = paragraph.add_run(value["display"])
            if i == 0:
                run.bold = True
            if value.get("unit") in NUMERIC_UNITS:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if value.get("note"):
                note = paragraph.add_run("\n" + value["note"])
                note.font.size = Pt(7)
                note.font.color.rgb = NOTE_COLOUR
    if block.get("caption"):
        doc.add_paragraph(block["caption"]).runs[0].font.size = Pt(8)


def _icon(paragraph: Any, code: str) -> None:
    """A Making Data Count icon as a small picture in the text, its label as alt text."""
    from oneworkforce.web.templatetags.owf import icon_label

    shape = paragraph.add_run().add_picture(io.BytesIO(charts.icon_png(code)), width=Pt(11))
    shape._inline.docPr.set("descr", icon_label(code))
    shape._inline.docPr.set("title", icon_label(code))
    paragraph.add_run(" ")


def _chart(doc: Any, block: Mapping[str, Any]) -> None:
    picture = charts.png(block["spec"])
    doc.add_picture(io.BytesIO(picture), width=Cm(16))
    inline = doc.inline_shapes[-1]._inline
    inline.docPr.set("descr", block["alt"])
    inline.docPr.set("title", block["title"])
    caption = doc.add_paragraph(block["alt"], style="Caption")
    caption.runs[0].font.size = Pt(8)


#: a table with this many columns or more is set on a landscape page
WIDE_TABLE_COLUMNS = 7


def _orient(doc: Any, *, landscape: bool) -> None:
    """Start a new page in landscape (for a wide table) or back in portrait; the footer
    carries on from the section before."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    long_side, short_side = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long_side, short_side
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short_side, long_side


def write(content: Mapping[str, Any], manifest: Mapping[str, Any], path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.text = f"{content['title']} – {content['period_label']}" + (
        " (public)" if content.get("public") else ""
    )
    footer.add_run("    Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")

    core = doc.core_properties
    core.title = f"{content['title']}: {content['subtitle']}"
    core.author = content["created_by"]
    core.subject = content["meeting"]
    core.comments = f"Results data version {manifest['results']['data_version']}"

    landscape = [False]  # the current section's orientation
    doc.add_paragraph(f"{content['meeting']} · {day(content['meeting_date'])}")
    doc.add_heading(f"{content['title']}: {content['subtitle']}", level=0)
    doc.add_heading("Contents", level=1)
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "Right-click and update the field.")
    for s in content["sections"]:
        doc.add_heading(s["title"], level=1)
        if s.get("intro"):
            doc.add_paragraph(s["intro"])
        for block in s["blocks"]:
            kind = block["type"]
            wide = kind == "table" and len(block["columns"]) >= WIDE_TABLE_COLUMNS
            if wide != landscape[0]:
                _orient(doc, landscape=wide)
                landscape[0] = wide
            if kind == "paragraph":
                doc.add_paragraph(block["text"])
            elif kind == "bullets":
                for item in block["items"]:
                    doc.add_paragraph(item, style="List Bullet")
            elif kind == "fields":
                table = doc.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for item in block["items"]:
                    cells = table.add_row().cells
                    cells[0].paragraphs[0].add_run(item["label"]).bold = True
                    cells[1].text = item["value"]
                doc.add_paragraph()
            elif kind == "table":
                _table(doc, block)
            elif kind == "chart":
                _chart(doc, block)
    doc.save(str(path))
