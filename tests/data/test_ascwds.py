"""ASC-WDS bulk upload files (issue 11 item 5): the workplace file and the worker file in their
real layouts (written here, headings as ASC-WDS publishes them), matched to the register,
stored as staff in post and aggregate figures, with every status, employment status,
zero-hours staff, DELETE rows, unregistered establishments and the totals warning."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from oneworkforce.data.ascwds import (
    JOB_ROLES,
    WORKER_HEADINGS,
    WORKPLACE_HEADINGS,
    import_ascwds,
    pseudonym,
)
from oneworkforce.metrics.engines.duckdb import DuckDBEngine

pytestmark = [pytest.mark.django_db, pytest.mark.opstore]

PERIOD = "2025-03"
REGISTER = [
    # a care home registered by CQC location; a home care provider by its own ASC-WDS ID
    {"org_code": "H1", "org_name": "Beck House", "segment": "care_homes", "place": "North",
     "sector": "independent", "partner": "true", "cqc_location_id": "1-111",
     "ascwds_local_id": "CH1"},
    {"org_code": "D1", "org_name": "Dale Homecare", "segment": "support_at_home",
     "place": "South", "sector": "independent", "partner": "true", "cqc_location_id": "",
     "ascwds_local_id": "DOM 1"},
    {"org_code": "RZA", "org_name": "Dalesway Acute", "segment": "secondary_care",
     "place": "North", "sector": "nhs", "partner": "true", "cqc_location_id": "",
     "ascwds_local_id": ""},
]  # fmt: skip

WORKPLACES = [
    # CH1: 4 perm/temp staff; roles care worker (8) and senior care worker (7)
    {"LOCALESTID": "CH1", "STATUS": "NEW", "ESTNAME": "Beck House", "POSTCODE": "YO1 1AA",
     "LOCATIONID": "1-111", "MAINSERVICE": "2", "TOTALPERMTEMP": "4", "ALLJOBROLES": "8;7",
     "STARTERS": "1;0", "LEAVERS": "2;999", "VACANCIES": "1;1"},
    # DOM1 (spaces do not matter to ASC-WDS): no LOCATIONID, matched by LOCALESTID
    {"LOCALESTID": "DOM1", "STATUS": "UPDATE", "ESTNAME": "Dale Homecare", "POSTCODE": "",
     "LOCATIONID": "", "MAINSERVICE": "8", "TOTALPERMTEMP": "1", "ALLJOBROLES": "8",
     "STARTERS": "999", "LEAVERS": "0", "VACANCIES": "3"},
    # a deleted workplace: not in the register, and not an error
    {"LOCALESTID": "GONE", "STATUS": "DELETE", "ESTNAME": "", "POSTCODE": "", "LOCATIONID": "",
     "MAINSERVICE": "", "TOTALPERMTEMP": "", "ALLJOBROLES": "", "STARTERS": "", "LEAVERS": "",
     "VACANCIES": ""},
]  # fmt: skip

WORKERS = [
    # LOCALESTID, UNIQUEWORKERID, STATUS, EMPLSTATUS, ZEROHRCONT, MAINJOBROLE, CONTHOURS,
    # AVGHOURS, DAYSSICK
    ("CH1", "w1", "NEW", "1", "2", "8", "37.5", "", "10"),  # permanent, 1.0 FTE
    ("CH1", "w2", "UPDATE", "2", "2", "7", "18.75", "", "4"),  # temporary, 0.5 FTE
    ("CH1", "w3", "NOCHANGE", "1", "1", "8", "", "30", "999"),  # zero hours: 30 / 37.5 = 0.8
    ("CH1", "w4", "UNCHECKED", "3", "", "8", "", "15", ""),  # pool/bank: 0.4 FTE
    ("CH1", "w5", "NEW", "4", "", "16", "", "37.5", ""),  # agency: 1.0 FTE
    ("CH1", "w6", "NEW", "7", "", "26", "", "7.5", ""),  # other: 0.2 FTE
    ("CH1", "w7", "DELETE", "", "", "", "", "", ""),  # deleted: not counted, not checked
    ("DOM1", "w1", "NEW", "1", "2", "4", "37.5", "", "0"),  # registered manager, 1.0 FTE
]
WORKER_COLUMNS = ("LOCALESTID", "UNIQUEWORKERID", "STATUS", "EMPLSTATUS", "ZEROHRCONT",
                  "MAINJOBROLE", "CONTHOURS", "AVGHOURS", "DAYSSICK")  # fmt: skip


def write_csv(path: Path, headings: tuple[str, ...], rows: list[dict]) -> Path:
    """A file in the ASC-WDS layout: every heading, in order, blanks where a row has none."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headings])
    return path


def workers_file(path: Path, rows=WORKERS) -> Path:
    records = [dict(zip(WORKER_COLUMNS, r, strict=True)) for r in rows]
    for record in records:
        record["NINUMBER"] = "QQ123456C"  # never read
    return write_csv(path, WORKER_HEADINGS, records)


@pytest.fixture
def importer(home, db):
    from oneworkforce.data.importer import Importer

    imp = Importer(home, submitted_by="tester")
    path = home.root.parent / "register.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(REGISTER[0]))
        writer.writeheader()
        writer.writerows(REGISTER)
    result = imp.import_file("organisations", path)
    assert result.status == "accepted", [e.describe() for e in result.report.errors]
    return imp


def rows(importer, sql: str) -> list[tuple]:
    con = importer.lake.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def aggregate(importer) -> dict[tuple[str, str], tuple]:
    found = rows(
        importer,
        "SELECT org_code, metric, segment, value, numerator, denominator FROM aggregate",
    )
    return {(r[0], r[1]): r[2:] for r in found}


def test_both_files_are_read_and_stored(importer, tmp_path):
    workplace = write_csv(tmp_path / "workplace.csv", WORKPLACE_HEADINGS, WORKPLACES)
    done = import_ascwds(importer, "ascwds_workplace", workplace, PERIOD)
    assert done.ok, [e.describe() for e in done.report.errors]
    assert done.counts == {"establishments": 2}
    worker = workers_file(tmp_path / "worker.csv")
    done = import_ascwds(importer, "ascwds_worker", worker, PERIOD)
    assert done.ok, [e.describe() for e in done.report.errors]
    # seven rows, one deleted; employment statuses 1, 1, 2 | 3 | 4 | 7 and DOM1's 1
    assert done.counts == {
        "deleted": 1, "permanent": 3, "fixed_term": 1, "bank": 1, "agency": 1, "other": 1,
    }  # fmt: skip
    # CH1 has 3 permanent/temporary worker records (w1, w2, w3) against TOTALPERMTEMP 4
    assert any("H1: TOTALPERMTEMP in the workplace file is 4" in w for w in done.warnings)
    assert not any(w.startswith("D1:") for w in done.warnings)  # 1 record, TOTALPERMTEMP 1
    assert any("1 worker(s) with employment status 7" in w for w in done.warnings)

    staff = rows(
        importer,
        "SELECT org_code, person_id, staff_group, fte, contract_type FROM staff_in_post "
        "ORDER BY org_code, fte",
    )
    # bank, agency and other are not staff in post; bank is kept with its contract type
    assert staff == sorted(
        [
            ("D1", pseudonym("D1", "W1"), "registered_manager", 1.0, "permanent"),
            ("H1", pseudonym("H1", "W1"), "care_worker", 1.0, "permanent"),
            ("H1", pseudonym("H1", "W2"), "senior_care_worker", 0.5, "fixed_term"),
            ("H1", pseudonym("H1", "W3"), "care_worker", 0.8, "permanent"),  # 30 / 37.5
            ("H1", pseudonym("H1", "W4"), "care_worker", 0.4, "bank"),  # 15 / 37.5
        ],
        key=lambda r: (r[0], r[3]),
    )
    got = aggregate(importer)
    # workplace (Skills for Care): CH1 vacancies 1 + 1 = 2 over 4 + 2 posts; leavers 2 (the
    # 999 role not known) over 4 staff; starters 1 + 0 over 4. DOM1: 3 / (1 + 3); 0 / 1.
    assert got["H1", "vacancy_rate"] == ("care_homes", pytest.approx(2 / 6), 2, 6)
    assert got["H1", "turnover_rate"] == ("care_homes", 0.5, 2, 4)
    assert got["H1", "starter_rate"] == ("care_homes", 0.25, 1, 4)
    assert got["D1", "vacancy_rate"] == ("support_at_home", 0.75, 3, 4)
    assert got["D1", "turnover_rate"] == ("support_at_home", 0.0, 0, 1)
    assert ("D1", "starter_rate") not in got  # STARTERS 999: not known
    # worker file: CH1 agency 1.0 FTE over 1.0 + 0.5 + 0.8 + 0.4 + 1.0 + 0.2 = 3.9 FTE;
    # sickness over permanent/temporary staff with known days: w1 1.0 x 10 + w2 0.5 x 4 = 12
    # FTE days over (1.0 + 0.5) x 365 = 547.5 (w3's 999 is not known)
    assert got["H1", "agency_fte"][1] == 1.0
    assert got["H1", "agency_share_of_paybill"][1:] == (pytest.approx(1 / 3.9), 1.0, 3.9)
    assert got["H1", "sickness_absence_rate"][1:] == (pytest.approx(12 / 547.5), 12, 547.5)
    assert got["D1", "sickness_absence_rate_12m"][1:] == (0.0, 0.0, 365.0)

    # the figures reach the metrics by segment, saying whose definition they follow
    con = importer.lake.connect()
    try:
        results = DuckDBEngine().compute(
            con, ["sickness_absence_rate", "agency_share_of_paybill"], [PERIOD], ["segment"]
        )
    finally:
        con.close()
    by = {(r.metric, r.dimensions["segment"]): r for r in results}
    sickness = by["sickness_absence_rate", "care_homes"]
    assert sickness.value == pytest.approx(12 / 547.5)
    assert sickness.note and "Skills for Care ASC-WDS" in sickness.note
    agency = by["agency_share_of_paybill", "care_homes"]
    assert agency.value == pytest.approx(1 / 3.9)
    assert agency.note and "holds no pay bill" in agency.note


def test_a_second_workplace_file_keeps_the_worker_figures(importer, tmp_path):
    workplace = write_csv(tmp_path / "workplace.csv", WORKPLACE_HEADINGS, WORKPLACES)
    assert import_ascwds(importer, "ascwds_workplace", workplace, PERIOD).ok
    assert import_ascwds(importer, "ascwds_worker", workers_file(tmp_path / "w.csv"), PERIOD).ok
    changed = [dict(WORKPLACES[0], VACANCIES="0"), *WORKPLACES[1:]]
    again = write_csv(tmp_path / "workplace2.csv", WORKPLACE_HEADINGS, changed)
    done = import_ascwds(importer, "ascwds_workplace", again, PERIOD)
    assert done.ok
    got = aggregate(importer)
    assert got["H1", "vacancy_rate"][1:] == (0.0, 0, 4)  # the new file: 0 / (4 + 0)
    assert got["H1", "agency_fte"][1] == 1.0  # the worker file's figure is still there
    # and now the workplace import is the second: it compares with the stored worker records
    assert any("H1: TOTALPERMTEMP in the workplace file is 4" in w for w in done.warnings)


def test_establishments_not_in_the_register_are_refused(importer, tmp_path):
    unknown = dict(WORKPLACES[0], LOCALESTID="NEW1", LOCATIONID="1-999")
    path = write_csv(tmp_path / "wp.csv", WORKPLACE_HEADINGS, [unknown, WORKPLACES[1]])
    done = import_ascwds(importer, "ascwds_workplace", path, PERIOD)
    assert not done.ok
    (error,) = done.report.errors
    assert (error.file, error.row, error.column, error.value) == (
        "wp.csv",
        2,
        "LOCATIONID",
        "1-999",
    )
    assert error.rule == "unregistered_establishment"
    assert rows(importer, "SELECT count(*) FROM aggregate") == [(0,)]  # nothing stored

    stranger = ("ZZ9", "w1", "NEW", "1", "2", "8", "37.5", "", "")
    done = import_ascwds(
        importer, "ascwds_worker", workers_file(tmp_path / "wk.csv", [stranger]), PERIOD
    )
    (error,) = done.report.errors
    assert (error.row, error.column, error.value, error.rule) == (
        2,
        "LOCALESTID",
        "ZZ9",
        "unregistered_establishment",
    )
    assert rows(importer, "SELECT count(*) FROM staff_in_post") == [(0,)]


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        (("CH1", "w1", "MAYBE", "1", "2", "8", "37.5", "", ""), "STATUS", "ascwds_status"),
        (("CH1", "w1", "NEW", "5", "2", "8", "37.5", "", ""), "EMPLSTATUS", "unknown_code"),
        (("CH1", "w1", "NEW", "1", "2", "99", "37.5", "", ""), "MAINJOBROLE", "unknown_code"),
        (("CH1", "w1", "NEW", "1", "3", "8", "37.5", "", ""), "ZEROHRCONT", "unknown_code"),
        # hours that are neither a number of hours nor 999 (not known)
        (("CH1", "w1", "NEW", "1", "2", "8", "full time", "", ""), "CONTHOURS", "ascwds_hours"),
        (("CH1", "w1", "NEW", "1", "1", "8", "", "0", ""), "AVGHOURS", "ascwds_hours"),
        # agency: average hours; 60 hours is more than 1.5 FTE (56.25 hours)
        (("CH1", "w1", "NEW", "4", "", "8", "", "60", ""), "AVGHOURS", "ascwds_hours"),
        (("CH1", "w1", "NEW", "1", "2", "8", "37.5", "", "400"), "DAYSSICK", "out_of_range"),
    ],
)
def test_worker_rows_are_checked(importer, tmp_path, row, column, rule):
    path = workers_file(tmp_path / "bad.csv", [row])
    done = import_ascwds(importer, "ascwds_worker", path, PERIOD)
    assert not done.ok
    (error,) = done.report.errors
    assert (error.row, error.column, error.rule) == (2, column, rule)


def test_every_job_role_maps_to_the_social_care_classification():
    from oneworkforce.data.reference import staff_groups_of

    codes = set(staff_groups_of("social_care"))
    assert {group for _, group in JOB_ROLES.values()} <= codes
    assert JOB_ROLES["4"] == ("Registered manager", "registered_manager")  # BUDI 4, as the
    # ASC-WDS workplace validator's registeredManagerJobID


def test_the_cli_needs_the_period(tmp_path):
    from typer.testing import CliRunner

    from oneworkforce.cli import app

    path = write_csv(tmp_path / "workplace.csv", WORKPLACE_HEADINGS, WORKPLACES)
    result = CliRunner().invoke(
        app, ["--home", str(tmp_path / "h"), "import", "ascwds_workplace", str(path)]
    )
    assert result.exit_code != 0
    assert "give its month as --period YYYY-MM" in " ".join(result.output.split())


def test_the_segment_comes_from_the_main_service(importer, tmp_path):
    # D1 is home care in the register, but its workplace file says supported living (55):
    # its ASC-WDS figures, from both files, are personal care's
    moved = [WORKPLACES[0], dict(WORKPLACES[1], MAINSERVICE="55")]
    path = write_csv(tmp_path / "wp.csv", WORKPLACE_HEADINGS, moved)
    assert import_ascwds(importer, "ascwds_workplace", path, PERIOD).ok
    assert import_ascwds(importer, "ascwds_worker", workers_file(tmp_path / "w.csv"), PERIOD).ok
    got = aggregate(importer)
    assert got["D1", "vacancy_rate"][0] == "personal_care"
    assert got["D1", "agency_fte"][0] == "personal_care"
    assert got["H1", "agency_fte"][0] == "care_homes"  # MAINSERVICE 2: a care home


def test_hours_not_known_count_in_headcount_but_not_in_fte(importer, tmp_path):
    # ASC-WDS reads CONTHOURS / AVGHOURS of 999 as "hours not known" and takes a blank as no
    # answer, and accepts the record either way (workerCSVValidator: _validateContHours,
    # _validateAvgHours); so do we: the worker is in post (headcount), with no FTE
    rows_in = [
        ("CH1", "w1", "NEW", "1", "2", "8", "37.5", "", "10"),  # permanent, 1.0 FTE
        ("CH1", "w2", "NEW", "1", "2", "8", "999", "", "5"),  # permanent, hours not known
        ("CH1", "w3", "NEW", "2", "2", "7", "", "", ""),  # temporary, hours blank
        ("CH1", "w4", "NEW", "1", "1", "8", "", "999.5", ""),  # zero hours, not known
        ("CH1", "w5", "NEW", "3", "", "8", "", "", ""),  # pool/bank, hours blank
        ("CH1", "w6", "NEW", "4", "", "8", "", "999", ""),  # agency, hours not known
        ("CH1", "w7", "NEW", "4", "", "8", "", "18.75", ""),  # agency, 0.5 FTE
    ]
    done = import_ascwds(
        importer, "ascwds_worker", workers_file(tmp_path / "w.csv", rows_in), PERIOD
    )
    assert done.ok, done.report and [e.describe() for e in done.report.errors]
    # the validation report says how many: w2, w3, w4, w5 and w6
    assert done.counts["hours_not_known"] == 5
    assert any(
        w.startswith("5 worker(s) with hours not known (999 or blank") for w in done.warnings
    )
    # staff in post: w1 to w4 permanent or temporary (w5 bank), FTE from w1's hours alone
    stored = rows(
        importer,
        "SELECT count(*), count(fte), sum(fte) FROM staff_in_post WHERE contract_type <> 'bank'",
    )
    assert stored == [(4, 1, 1.0)]
    con = importer.lake.connect()
    try:
        results = DuckDBEngine().compute(
            con, ["staff_in_post_headcount", "staff_in_post_fte"], [PERIOD], by=["org_code"]
        )
    finally:
        con.close()
    got = {(r.metric, r.dimensions["org_code"]): r.value for r in results}
    # headcount 4 (w1, w2, w3, w4); FTE 1.0 (w1's 37.5 / 37.5 hours), not 0 and not missing
    assert got["staff_in_post_headcount", "H1"] == 4
    assert got["staff_in_post_fte", "H1"] == 1.0
    agg = aggregate(importer)
    # agency 0.5 FTE over the workers with hours: 1.0 + 0.5 = 1.5 FTE
    assert agg["H1", "agency_share_of_paybill"][1:] == (pytest.approx(0.5 / 1.5), 0.5, 1.5)
    # sickness over w1 alone (w2's 5 days have no FTE to weigh): 1.0 x 10 over 1.0 x 365
    assert agg["H1", "sickness_absence_rate"][1:] == (pytest.approx(10 / 365), 10, 365)


def test_a_worker_file_is_stored_whole_or_not_at_all(importer, tmp_path, monkeypatch):
    """The worker file gives staff in post and aggregate figures, two submissions committed
    in one transaction: a failure publishing the second leaves neither stored."""
    from oneworkforce.data.ledger.models import Submission

    publish = importer.lake.publish

    def failing(dataset, submission_id):
        if dataset == "aggregate":
            raise RuntimeError("disk full")
        return publish(dataset, submission_id)

    monkeypatch.setattr(importer.lake, "publish", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_ascwds(importer, "ascwds_worker", workers_file(tmp_path / "w.csv"), PERIOD)
    assert rows(importer, "SELECT count(*) FROM staff_in_post") == [(0,)]
    assert rows(importer, "SELECT count(*) FROM aggregate") == [(0,)]
    assert not Submission.objects.filter(dataset__in=["staff_in_post", "aggregate"]).exists()
    assert not list(importer.lake.root.glob("staff_in_post/submission=*"))

    monkeypatch.setattr(importer.lake, "publish", publish)  # the same file, once it can
    done = import_ascwds(importer, "ascwds_worker", workers_file(tmp_path / "w.csv"), PERIOD)
    assert done.ok and [r.dataset for r in done.results] == ["staff_in_post", "aggregate"]
    # staff in post: w1, w2 (permanent, temporary), w3 (zero hours), w4 (bank) at CH1 and
    # w1 at DOM1: 5 rows
    assert rows(importer, "SELECT count(*) FROM staff_in_post") == [(5,)]
