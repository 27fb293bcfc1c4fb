"""Headings match case- and punctuation-insensitively with synonyms; periods in every spelling."""

from __future__ import annotations

import pytest

from oneworkforce.data.headings import match_headings
from oneworkforce.data.schemas import DATASETS, STAFF_IN_POST
from tests.data.samples import SAMPLES, write


@pytest.mark.parametrize(
    "heading", ["Organisation Code", "Org Code", "ODS code", "ORG_CODE", "org-code", " ods  CODE "]
)
def test_org_code_synonyms(heading):
    found = match_headings(
        STAFF_IN_POST, ("period", heading, "person_id", "staff_group", "fte"), "f.csv"
    )
    assert found.errors == ()
    assert found.heading("org_code") == heading


def test_wte_means_fte_and_unknown_heading_lists_expected_when_strict():
    found = match_headings(
        STAFF_IN_POST,
        ("Period", "Org Code", "Person ID", "Staff Group", "WTE", "Shoe size"),
        "f.csv",
        strict=True,
    )
    assert found.heading("fte") == "WTE"
    [error] = found.errors
    assert error.rule == "unknown_column" and error.column == "Shoe size"
    assert "period, org_code, person_id" in error.message


def test_missing_required_column_is_named_with_accepted_spellings():
    found = match_headings(
        STAFF_IN_POST, ("period", "org_code", "person_id", "staff_group"), "f.csv"
    )
    [error] = found.errors
    assert (error.rule, error.column) == ("missing_column", "fte")
    assert "'wte'" in error.message.lower()


def test_two_headings_meaning_the_same_column():
    found = match_headings(
        STAFF_IN_POST,
        ("period", "org_code", "ODS code", "person_id", "staff_group", "fte"),
        "f.csv",
    )
    assert [e.rule for e in found.errors] == ["duplicate_column"]


def test_aggregate_needs_org_or_area_column():
    headings = ("period", "segment", "metric", "value", "unit", "basis", "quality")
    found = match_headings(DATASETS["aggregate"], headings, "f.csv")
    assert [e.rule for e in found.errors] == ["missing_column"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    [
        "2024-03",
        "Mar-24",
        "March 2024",
        "2024-03-31",
        "mar-24",
        "MARCH 2024",
        "2024-3",
        "31/03/2024",
    ],
)
def test_period_spellings_all_mean_march_2024(importer, tmp_path, spelling):
    rows = [dict(SAMPLES["sickness_absence"][0], period=spelling)]
    result = importer.import_file("sickness_absence", write(tmp_path / "s.csv", rows))
    assert result.status == "accepted", result.report.summary()
    assert result.periods == ["2024-03"]


@pytest.mark.django_db
def test_human_headings_and_value_spellings(importer, tmp_path):
    path = tmp_path / "sip.csv"
    path.write_text(
        "\ufeffReporting Period,ODS Code,Person ID,Assignment Number,Main Staff Group,AfC Band,WTE,"
        "Assignment Category,Gender,Ethnicity\r\n"
        "Mar-24,rza,p1,1,Nursing and Midwifery Registered,5,1,Substantive,F,BAME\r\n"
        'Mar-24,RZA,p2,2,Additional Clinical Services,Band 3,"0.5",fixed term,m,White British\r\n',
        encoding="utf-8",
    )
    result = importer.import_file("staff_in_post", path)
    assert result.status == "accepted", [e.describe() for e in result.report.errors]
    con = importer.lake.connect()
    rows = con.execute(
        "SELECT org_code, staff_group, band, contract_type, sex, ethnic_group, fte "
        "FROM staff_in_post ORDER BY person_id"
    ).fetchall()
    assert rows == [
        ("RZA", "nursing_midwifery", "band_5", "permanent", "female", "bme", 1.0),
        ("RZA", "healthcare_support", "band_3", "fixed_term", "male", "white", 0.5),
    ]
