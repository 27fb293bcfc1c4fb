"""Each format from the frozen content: the PDF and DOCX show every section, the XLSX reads
back to the same numbers, the HTML is one self-contained page."""

from __future__ import annotations

import pytest

from oneworkforce.reports import freeze, service
from oneworkforce.reports.blocks import NUMERIC_UNITS, tables
from oneworkforce.reports.options import PackOptions
from oneworkforce.reports.render.xlsx import sheet_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(pack_home, registers, tmp_path):
    pack, files = service.create(
        pack_home.home, PackOptions(), actor="analyst1", out=tmp_path / "out"
    )
    return pack, files


def titles(pack) -> list[str]:
    return [s["title"] for s in pack.content["sections"]]


def test_pdf_text_shows_each_section_and_is_tagged(rendered):
    import pypdf

    pack, files = rendered
    reader = pypdf.PdfReader(files["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    for title in titles(pack):
        assert title in text
    assert "Page 1 of" in text  # page numbers
    assert "Contents" in text
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged for screen readers
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait


def test_docx_has_real_headings_tables_and_chart_alt_text(rendered):
    import docx

    pack, files = rendered
    document = docx.Document(str(files["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Contents", *titles(pack)]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for block in tables(pack.content):
        assert block["title"] in captions
    people = next(t for t in document.tables if t.rows[0].cells[0].text == "Segment")
    assert [c.text for c in people.rows[0].cells][1] == "Staff in post (FTE)"
    charts = [b for s in pack.content["sections"] for b in s["blocks"] if b["type"] == "chart"]
    chart_titles = {c["title"] for c in charts}
    descriptions = [  # the charts' pictures (the Making Data Count icons are pictures too)
        shape._inline.docPr.get("descr")
        for shape in document.inline_shapes
        if shape._inline.docPr.get("title") in chart_titles
    ]
    assert descriptions == [c["alt"] for c in charts]
    assert all(descriptions)
    # a table of 7 columns or more is set on a landscape page; the pack starts in portrait
    from docx.enum.section import WD_ORIENT

    assert any(len(b["columns"]) >= 7 for b in tables(pack.content))
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    wide = [s for s in document.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert wide and all(s.page_width > s.page_height for s in wide)


def test_xlsx_reads_back_to_the_same_numbers(rendered):
    from python_calamine import CalamineWorkbook

    pack, files = rendered
    book = CalamineWorkbook.from_path(str(files["xlsx"]))
    used: set[str] = {"contents"}
    expected_sheets = ["Contents"] + [sheet_name(t["id"], used) for t in tables(pack.content)]
    assert book.sheet_names == expected_sheets
    checked = pounds = 0
    for block, name in zip(tables(pack.content), expected_sheets[1:], strict=True):
        sheet = book.get_sheet_by_name(name).to_python()
        assert sheet[0][0] == block["title"]
        assert sheet[2][: len(block["columns"])] == [c["title"] for c in block["columns"]]
        for r, row in enumerate(block["rows"], start=3):
            for c, cell in enumerate(row):
                if cell["unit"] in NUMERIC_UNITS and isinstance(cell["value"], int | float):
                    assert isinstance(sheet[r][c], int | float), (name, r, c)
                    if cell["unit"] == "pounds":  # whole pounds, never 80000000.04
                        assert sheet[r][c] == round(cell["value"])
                        pounds += 1
                    else:
                        assert sheet[r][c] == pytest.approx(cell["value"])
                    checked += 1
    assert checked > 20 and pounds > 0
    people = book.get_sheet_by_name("people_story").to_python()
    secondary = next(row for row in people if row[0] == "Secondary care")
    assert secondary[1] == pytest.approx(4.0)  # stored as a number, not "4.0"


def test_html_is_self_contained_and_reads_on_a_phone(rendered):
    pack, files = rendered
    page = files["html"].read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    for title in titles(pack):
        assert f">{title}</h2>" in page.replace("&#x27;", "'")
    assert page.count('<img src="data:image/svg+xml;base64,') == len(
        [b for s in pack.content["sections"] for b in s["blocks"] if b["type"] == "chart"]
    )
    assert 'scope="col"' in page and 'scope="row"' in page


def test_render_again_from_the_store(rendered, tmp_path):
    pack, files = rendered
    again = service.render_stored(
        pack_home_of(pack), freeze.load(str(pack.id)), ["xlsx", "html"], out=tmp_path / "again"
    )
    assert set(again) == {"xlsx", "html"}
    assert again["html"].read_text() == files["html"].read_text()


def pack_home_of(pack):
    from django.conf import settings

    return settings.HOME


def test_xlsx_writes_a_formula_like_title_as_text(pack_home, registers, tmp_path):
    """Issue 14: a pack titled "=HYPERLINK(...)" was written as a live formula."""
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    title = '=HYPERLINK("http://evil.example","Open")'
    _pack, files = service.create(
        pack_home.home, PackOptions(title=title), actor="analyst1", out=tmp_path / "out"
    )
    with zipfile.ZipFile(files["xlsx"]) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in book.read(n) for n in sheets)
    first = CalamineWorkbook.from_filelike(io.BytesIO(files["xlsx"].read_bytes()))
    assert first.get_sheet_by_index(0).to_python()[0][0].startswith(title)


def test_the_pdf_shows_no_placeholder_target_synthetic_text_or_raw_timestamp(rendered):
    import re

    import pypdf

    _, files = rendered
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(files["pdf"]).pages)
    assert "seed:" not in text and "set per ICS" not in text
    assert "Synthetic monthly" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)
    # made "29 Nov 2026 14:05", a date people read
    assert re.search(r"Made \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} by analyst1", text)


def test_the_making_data_count_icons_are_drawn_with_their_alt_text(rendered):
    """The pack draws the web's MDC icons (SVG circles with H/L or P/F/?), not text glyphs,
    each with its label as alt text, in the PDF (through the HTML) and in Word."""
    import base64
    import re

    import docx

    from oneworkforce.metrics.people_story import ASSURANCE_LABELS, VARIATION_LABELS
    from oneworkforce.reports.render import html

    pack, files = rendered
    labels = {**VARIATION_LABELS, **ASSURANCE_LABELS}
    mdc = next(s for s in pack.content["sections"] if s["id"] == "making_data_count")
    summary = next(b for b in mdc["blocks"] if b["type"] == "table")
    sickness = next(r for r in summary["rows"] if r[0]["display"].startswith("Sickness"))
    # the sickness rate is monthly (SPC applies): its variation and assurance cells name icons
    assert sickness[6]["icons"] and set(sickness[6]["icons"]) <= set(VARIATION_LABELS)
    for row in summary["rows"]:  # a rolling figure (no SPC) has no icon
        if row[6]["display"] == "SPC not used (rolling figure)":
            assert "icons" not in row[6] and "icons" not in row[7]

    page = html.document(pack.content, pack.manifest, paged=True)
    images = re.findall(
        r'<img class="owf-mdc-icon" src="data:image/svg\+xml;base64,([^"]+)" '
        r'alt="([^"]+)"',
        page,
    )
    assert images
    for data, alt in images:
        svg = base64.b64decode(data).decode()
        assert svg.startswith("<svg") and "<circle" in svg  # the SVG drawing, not a glyph
        assert alt in labels.values() and f"<title>{alt}</title>" in svg
    assert not re.search(r"[↑↓~]\s*</td>", page)

    document = docx.Document(str(files["docx"]))
    icons = [
        s._inline.docPr.get("descr")
        for s in document.inline_shapes
        if s._inline.docPr.get("descr") in labels.values()
    ]
    assert len(icons) == len(images)  # the same icons in Word, as pictures with alt text


def test_the_spc_legend_shows_every_label_whole():
    from oneworkforce.metrics import charts

    points = [
        {"period": f"2024-{m:02d}", "value": 0.05, "mean": 0.05, "point_type": "common_cause"}
        for m in range(1, 13)
    ]
    spec = charts.spc_chart(points, title="Sickness", unit="fraction", target=None)
    legends = [
        layer["encoding"]["color"]["legend"]
        for layer in spec["layer"]
        if isinstance(layer.get("encoding", {}).get("color", {}).get("legend"), dict)
    ]
    assert legends and all(legend["labelLimit"] == 0 for legend in legends)  # 0: no limit


def test_every_format_lists_the_risks_brought_below_the_escalation_score(rendered):
    """WF02 (conftest): 15 on 10 January 2024, 9 now: the row the BAF page shows, in each
    format, with its highest score, the day, its current and target scores."""
    import docx
    import pypdf
    from python_calamine import CalamineWorkbook

    _pack, files = rendered
    title = "Brought below the escalation score in the year to 15 Jul 2024"
    pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(files["pdf"]).pages)
    words = " ".join(pdf.split(title)[1].split("Risks whose key risk indicators")[0].split())
    assert "WF02 Wellbeing budget reduced Polly McMeekin 15 10 Jan 2024 9 6" in words

    page = files["html"].read_text(encoding="utf-8")
    table = page.split(title)[1].split("</table>")[0]
    assert "WF02" in table and "10 Jan 2024" in table and "Polly McMeekin" in table

    document = docx.Document(str(files["docx"]))
    found = next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells][3:4] == ["Highest score in the year"]
    )
    assert [c.text for c in found.rows[1].cells][:5] == [
        "WF02",
        "Wellbeing budget reduced",
        "Polly McMeekin",
        "15",
        "10 Jan 2024",
    ]

    sheet = CalamineWorkbook.from_path(str(files["xlsx"])).get_sheet_by_name("baf_brought_below")
    rows = sheet.to_python()
    assert rows[0][0] == title
    assert rows[3][:7] == [
        "WF02",
        "Wellbeing budget reduced",
        "Polly McMeekin",
        15,
        "10 Jan 2024",
        9,
        6,
    ]
