"""Extra columns are not an error: they are dropped before anything is stored and reported as
"ignored"; columns that look like a person's identifiers are dropped and reported as
"identifiers dropped"; ``strict`` restores the refusal."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from oneworkforce.data.headings import looks_like_identifier, match_headings
from oneworkforce.data.schemas import STAFF_IN_POST
from tests.data.samples import SAMPLES, write
from tests.data.test_atomicity import cli

SIP_HEADINGS = ("period", "org_code", "person_id", "staff_group", "fte")


@pytest.mark.parametrize(
    "heading",
    [
        "Surname",
        "Forename",
        "First Name",
        "Employee Name",
        "NI Number",
        "National Insurance Number",
        "Date of Birth",
        "DOB",
        "Home Address",
        "Address Line 1",
        "Postcode",
        "Post Code",
        "NHS Number",
    ],
)
def test_identifier_headings_are_recognised(heading):
    assert looks_like_identifier(heading)


@pytest.mark.parametrize("heading", ["ORG_NAME", "ICS_NAME", "Shoe size", "Cost centre"])
def test_descriptive_headings_are_not_identifiers(heading):
    assert not looks_like_identifier(heading)


def test_unknown_headings_are_ignored_and_identifiers_named():
    found = match_headings(
        STAFF_IN_POST, (*SIP_HEADINGS, "Shoe size", "Surname", "NI Number"), "f.csv"
    )
    assert found.errors == ()
    assert found.ignored == ("Shoe size",)
    assert found.identifiers == ("Surname", "NI Number")
    assert "Shoe size" not in found.columns.values()


def test_strict_refuses_every_extra_heading():
    found = match_headings(
        STAFF_IN_POST, (*SIP_HEADINGS, "Shoe size", "Surname"), "f.csv", strict=True
    )
    assert [(e.rule, e.column) for e in found.errors] == [
        ("unknown_column", "Shoe size"),
        ("unknown_column", "Surname"),
    ]


@pytest.mark.django_db
def test_dropped_columns_are_never_stored(importer, tmp_path):
    rows = [
        dict(r, Surname="Smithsonian", **{"Date of Birth": "1970-01-01", "Ward": "Ward 7"})
        for r in SAMPLES["staff_in_post"]
    ]
    result = importer.import_file("staff_in_post", write(tmp_path / "sip.csv", rows))
    assert result.status == "accepted", result.report.summary()
    assert result.report.ignored == ("Ward",)
    assert result.report.identifiers_dropped == ("Surname", "Date of Birth")
    as_json = result.to_dict()["validation"]
    assert as_json["ignored"] == ["Ward"]  # type: ignore[index]
    assert as_json["identifiers_dropped"] == ["Surname", "Date of Birth"]  # type: ignore[index]
    stored = list((importer.home.lake / "staff_in_post").glob("submission=*/*.parquet"))
    assert stored
    for part in stored:
        names = set(pq.read_schema(part).names)
        assert not names & {"Surname", "Date of Birth", "Ward"}
        assert b"Smithsonian" not in part.read_bytes()


@pytest.mark.django_db
def test_strict_import_refuses_and_stores_nothing(importer, tmp_path):
    rows = [dict(r, Ward="Ward 7") for r in SAMPLES["sickness_absence"]]
    result = importer.import_file("sickness_absence", write(tmp_path / "s.csv", rows), strict=True)
    assert result.status == "rejected"
    assert [e.rule for e in result.report.errors] == ["unknown_column"]
    assert not list((importer.home.lake / "sickness_absence").glob("submission=*"))
    relaxed = importer.import_file("sickness_absence", write(tmp_path / "s2.csv", rows))
    assert relaxed.status == "accepted" and relaxed.report.ignored == ("Ward",)


@pytest.mark.slow
def test_cli_reports_dropped_columns_and_strict_refuses(tmp_path):
    home = tmp_path / "home"
    cli(home, "import", "organisations", str(write(tmp_path / "reg.csv", SAMPLES["organisations"])))
    rows = [dict(r, Postcode="LS1 4AP") for r in SAMPLES["sickness_absence"]]
    strict = cli(
        home, "import", "sickness_absence", str(write(tmp_path / "a.csv", rows)), "--strict"
    )
    assert strict.returncode == 1
    assert "unknown_column" in strict.stdout and "Postcode" in strict.stdout
    relaxed = cli(home, "import", "sickness_absence", str(write(tmp_path / "b.csv", rows)))
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert "identifiers dropped" in relaxed.stdout and "Postcode" in relaxed.stdout
