"""The submissions ledger: acceptance, rejection, slice-by-slice supersession, duplicates.
Runs on SQLite and, when DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import pytest

from oneworkforce.data.ledger.models import Submission, SubmissionSlice
from tests.data.samples import SAMPLES, write

pytestmark = [pytest.mark.django_db, pytest.mark.opstore]


def sickness(org, period, lost):
    return {
        "period": period,
        "org_code": org,
        "staff_group": "ahp",
        "fte_days_lost": lost,
        "fte_days_available": 1000,
    }


def current(importer):
    con = importer.lake.connect()
    rows = con.execute(
        "SELECT org_code, strftime(period, '%Y-%m'), fte_days_lost "
        "FROM sickness_absence ORDER BY 1, 2"
    ).fetchall()
    con.close()
    return rows


def test_accepted_file_is_recorded_with_what_it_covers(importer, tmp_path):
    path = write(tmp_path / "s.csv", [sickness("RZA", "2024-03", 1), sickness("RZB", "2024-04", 2)])
    result = importer.import_file("sickness_absence", path)
    s = Submission.objects.get(id=result.submission_id)
    assert (s.status, s.rows, s.organisations, s.periods) == (
        "accepted",
        2,
        ["RZA", "RZB"],
        ["2024-03", "2024-04"],
    )
    assert s.submitted_by == "tester" and s.file_name == "s.csv" and len(s.sha256) == 64
    assert s.slices.count() == 2


def test_rejected_file_is_recorded_with_its_errors(importer, tmp_path):
    path = write(tmp_path / "bad.csv", [sickness("RZA", "2024-03", 5000)])
    result = importer.import_file("sickness_absence", path)
    s = Submission.objects.get(dataset="sickness_absence")
    assert result.status == s.status == "rejected"
    assert s.error_count == 1 and s.errors[0]["rule"] == "days_lost_above_available"
    assert s.counts_by_rule == {"days_lost_above_available": 1}
    assert current(importer) == []


def test_supersession_works_slice_by_slice(importer, tmp_path):
    first = importer.import_file(
        "sickness_absence",
        write(
            tmp_path / "q1.csv",
            [
                sickness(org, period, 10)
                for org in ("RZA", "RZB")
                for period in ("2024-03", "2024-04")
            ],
        ),
    )
    second = importer.import_file(
        "sickness_absence", write(tmp_path / "fix.csv", [sickness("RZB", "2024-04", 99)])
    )
    assert [(s["org_code"], s["period"]) for s in second.superseded] == [("RZB", "2024-04")]
    assert current(importer) == [
        ("RZA", "2024-03", 10),
        ("RZA", "2024-04", 10),
        ("RZB", "2024-03", 10),
        ("RZB", "2024-04", 99),
    ]
    old = Submission.objects.get(id=first.submission_id)
    assert old.status == "accepted"  # three of its four slices are still current
    superseded = old.slices.get(status="superseded")
    assert (superseded.org_code, str(superseded.period)) == ("RZB", "2024-04-01")
    assert str(superseded.superseded_by_id) == second.submission_id
    # the superseded rows are kept as history in the lake
    con = importer.lake.connect()
    files = con.execute(
        "SELECT count(*) FROM read_parquet(?)",
        [str(importer.lake.published_dir("sickness_absence", first.submission_id) / "*.parquet")],
    ).fetchone()[0]
    assert files == 4


def test_a_file_wholly_replaced_becomes_superseded(importer, tmp_path):
    first = importer.import_file(
        "sickness_absence", write(tmp_path / "a.csv", [sickness("RZA", "2024-03", 1)])
    )
    importer.import_file(
        "sickness_absence",
        write(tmp_path / "b.csv", [sickness("RZA", "2024-03", 2), sickness("RZA", "2024-04", 3)]),
    )
    assert Submission.objects.get(id=first.submission_id).status == "superseded"
    assert current(importer) == [("RZA", "2024-03", 2), ("RZA", "2024-04", 3)]


def test_the_same_file_twice_is_not_loaded_twice(importer, tmp_path):
    path = write(tmp_path / "s.csv", [sickness("RZA", "2024-03", 1)])
    first = importer.import_file("sickness_absence", path)
    again = importer.import_file("sickness_absence", path)
    assert again.status == "duplicate" and again.duplicate_of == first.submission_id
    assert Submission.objects.filter(dataset="sickness_absence").count() == 1
    assert SubmissionSlice.objects.filter(dataset="sickness_absence").count() == 1
    assert current(importer) == [("RZA", "2024-03", 1)]


def test_same_content_under_another_name_is_still_a_duplicate(importer, tmp_path):
    rows = [sickness("RZA", "2024-03", 1)]
    importer.import_file("sickness_absence", write(tmp_path / "a.csv", rows))
    again = importer.import_file("sickness_absence", write(tmp_path / "copy of a.csv", rows))
    assert again.status == "duplicate"


def test_a_new_register_replaces_the_old_one(importer, tmp_path):
    rows = [dict(r) for r in SAMPLES["organisations"][:2]]
    rows[0]["place"] = "Coast"
    result = importer.import_file("organisations", write(tmp_path / "reg.csv", rows))
    assert result.status == "accepted"
    con = importer.lake.connect()
    assert con.execute("SELECT org_code, place FROM organisations ORDER BY 1").fetchall() == [
        ("RZA", "Coast"),
        ("RZB", "South"),
    ]
    # codes no longer in the register are now unknown
    bad = importer.import_file(
        "sickness_absence", write(tmp_path / "s.csv", [sickness("B99001", "2024-03", 1)])
    )
    assert bad.report.errors[0].rule == "unknown_organisation"


def test_aggregate_slices_by_segment_and_area(importer, tmp_path):
    base = SAMPLES["aggregate"][0]
    importer.import_file(
        "aggregate",
        write(tmp_path / "a.csv", [base, dict(base, segment="support_at_home", value=31.0)]),
    )
    fix = importer.import_file("aggregate", write(tmp_path / "b.csv", [dict(base, value=27.5)]))
    assert [(s["segment"], s["org_code"]) for s in fix.superseded] == [("care_homes", "E06000014")]
    con = importer.lake.connect()
    assert con.execute("SELECT segment, value FROM aggregate ORDER BY 1").fetchall() == [
        ("care_homes", 27.5),
        ("support_at_home", 31.0),
    ]


def test_a_nul_character_in_a_bad_value_is_recorded_visibly(importer, tmp_path):
    # PostgreSQL's JSON cannot hold U+0000; the ledger writes U+2400 (the symbol for NUL)
    path = write(tmp_path / "nul.parquet", [sickness("R\x00A", "2024-03", 1)])
    result = importer.import_file("sickness_absence", path)
    assert result.status == "rejected"
    entry = Submission.objects.get(id=result.submission_id)
    values = [e.get("value") for e in entry.errors]
    assert "R\u2400A" in values, values


def test_the_manifest_lists_every_slice_as_the_orm_reads_it(importer, tmp_path):
    """The lake's manifest is written from one plain query of the ledger (not the ORM): its
    ids, months and statuses are spelt as the ORM gives them, on SQLite and PostgreSQL."""
    from oneworkforce.data.ledger import service

    first = importer.import_file(
        "sickness_absence",
        write(tmp_path / "a.csv", [sickness("RZA", "2024-03", 1), sickness("RZB", "2024-04", 2)]),
    )
    second = importer.import_file(
        "sickness_absence", write(tmp_path / "b.csv", [sickness("RZA", "2024-03", 3)])
    )
    orm = sorted(
        (str(s.submission_id), s.dataset, s.segment, s.org_code, s.period, s.rows, s.status)
        for s in SubmissionSlice.objects.all()
    )
    # the register's slice, and three of sickness: RZA's March superseded by the second file
    assert [(r[0], r[3], r[6]) for r in orm if r[1] == "sickness_absence"] == sorted(
        [
            (first.submission_id, "RZA", "superseded"),
            (first.submission_id, "RZB", "accepted"),
            (second.submission_id, "RZA", "accepted"),
        ]
    )
    table = service.slices_table()
    as_rows = sorted(tuple(row.values()) for row in table.to_pylist())
    assert as_rows == orm
    assert sorted(tuple(vars(s).values()) for s in service.all_slices()) == orm
    manifest = importer.lake.read_manifest_table()
    assert sorted(tuple(row.values()) for row in manifest.to_pylist()) == orm
