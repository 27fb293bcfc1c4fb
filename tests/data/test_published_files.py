"""NHS England's published files read unedited: the sickness absence benchmarking CSV
through ``sickness_absence``, with both staff group classifications, published totals,
suppressed cells, month-to-month spelling changes and organisations outside the register
(peers). The fixtures are written here in the published layout; no published data is used."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oneworkforce.data.importer import reconcile
from oneworkforce.metrics import compute

pytestmark = pytest.mark.django_db

HEADINGS = (
    "DATE,NHSE_REGION_CODE,NHSE_REGION_NAME,ICS_CODE,ICS_NAME,ORG_CODE,ORG_NAME,CLUSTER_GROUP,"
    "BENCHMARK_GROUP,STAFF_GROUP,FTE_DAYS_LOST,FTE_DAYS_AVAILABLE,SICKNESS_ABSENCE_RATE_PERCENT"
)
RZA = (
    "Y63,North East and Yorkshire,QZZ,Dalesway ICS,RZA,Dalesway Acute Hospitals,Acute,Acute - Large"
)
PEER = "Y60,Midlands,QYY,Other ICS,R0A,Elsewhere Teaching Hospitals,Acute,Acute - Teaching"


def _file(path, date: str, rows: list[tuple[str, str, str, str, str]]):
    lines = [HEADINGS]
    for org, group, lost, available, rate in rows:
        lines.append(f"{date},{org},{group},{lost},{available},{rate}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MARCH = [
    (RZA, "All staff groups", "60", "1000", "6.0"),
    (RZA, "HCHS doctors", "10", "200", "5.0"),
    (RZA, "Nurses & health visitors", "20", "300", "6.67"),
    (RZA, "Midwives", "*", "*", ""),
    (RZA, "Support to ST&T staff", "5", "100", "5.0"),
    (RZA, '"Hotel, property & estates"', "4", "50", "8.0"),
    (RZA, "Central functions", "", "", ""),
    (RZA, "Senior managers", "..", "..", ".."),
    (RZA, "Unknown classification", "-", "-", "-"),
    (PEER, "All staff groups", "30", "1000", "3.0"),
    (PEER, "Nurses & health visitors", "12", "400", "3.0"),
]
# April: the spellings NHS England used in other months
APRIL = [
    (RZA, "ALL STAFF GROUPS", "50", "1000", "5.0"),
    (RZA, "HCHS Doctors", "8", "200", "4.0"),
    (RZA, "Nurses and health visitors", "15", "300", "5.0"),
    (RZA, "Midwives", "3", "100", "3.0"),
    (RZA, "Support to ST & T staff", "2", "100", "2.0"),
    (RZA, '"Hotel, Property and Estates"', "5", "50", "10.0"),
    (RZA, "Other staff or those with unknown classification", "1", "10", "10.0"),
    (RZA, "Senior Managers", "1", "40", "2.5"),
]


def test_the_benchmarking_csv_is_read_as_published(importer, tmp_path):
    result = importer.import_file(
        "sickness_absence", _file(tmp_path / "m.csv", "2024-03-31", MARCH)
    )
    assert result.status == "accepted", [e.describe() for e in result.report.errors]
    assert result.report.ignored == ("SICKNESS_ABSENCE_RATE_PERCENT",)
    assert result.report.identifiers_dropped == ()
    con = importer.lake.connect()
    stored = dict(
        con.execute(
            "SELECT staff_group, fte_days_lost FROM sickness_absence WHERE org_code = 'RZA'"
        ).fetchall()
    )
    # every official group kept apart: nurses and midwives are not merged; suppressed cells
    # (*, blank, .., -) are empty, never zero
    assert stored == {
        "all_staff_groups": 60.0,
        "hchs_doctors": 10.0,
        "nurses_health_visitors": 20.0,
        "midwives": None,
        "support_stt": 5.0,
        "hotel_property_estates": 4.0,
        "central_functions": None,
        "senior_managers": None,
        "nws_other": None,
    }


def test_month_to_month_spellings_map_to_the_same_groups(importer, tmp_path):
    march = importer.import_file("sickness_absence", _file(tmp_path / "m.csv", "2024-03-31", MARCH))
    april = importer.import_file("sickness_absence", _file(tmp_path / "a.csv", "30/04/2024", APRIL))
    assert march.status == april.status == "accepted", april.report.summary()
    con = importer.lake.connect()
    groups = con.execute(
        "SELECT period, list(staff_group ORDER BY staff_group) FROM sickness_absence "
        "WHERE org_code = 'RZA' GROUP BY period ORDER BY period"
    ).fetchall()
    assert groups[1][1] == [
        "all_staff_groups",
        "hchs_doctors",
        "hotel_property_estates",
        "midwives",
        "nurses_health_visitors",
        "nws_other",
        "senior_managers",
        "support_stt",
    ]
    assert set(groups[1][1]) < set(groups[0][1])  # March also has central functions


def test_peers_are_registered_from_the_file_and_kept_out_of_the_ics(importer, tmp_path):
    importer.import_file("sickness_absence", _file(tmp_path / "m.csv", "2024-03-31", MARCH))
    con = importer.lake.connect()
    peers = con.execute(
        "SELECT org_code, org_name, ics_code, ics_name, cluster_group FROM peers"
    ).fetchall()
    assert peers == [("R0A", "Elsewhere Teaching Hospitals", "QYY", "Other ICS", "Acute")]
    results = compute(con, ["sickness_absence_rate"], ["2024-03"])
    [system] = [r for r in results if r.metric == "sickness_absence_rate"]
    # RZA's published total only (60 / 1000): the peer's 30 / 1000 is not part of the ICS;
    # four of RZA's staff group cells are suppressed, so the figure says so
    assert (system.numerator, system.denominator) == (60.0, 1000.0)
    assert system.quality == "partly_suppressed"
    by_org = compute(con, ["sickness_absence_rate"], ["2024-03"], by=["org_code"])
    assert {r.dimensions["org_code"] for r in by_org} == {"RZA"}


def test_a_suppressed_total_is_refused(importer, tmp_path):
    rows = [(RZA, "All staff groups", "*", "*", ""), (RZA, "Midwives", "3", "100", "3.0")]
    result = importer.import_file("sickness_absence", _file(tmp_path / "t.csv", "2024-03-31", rows))
    assert result.status == "rejected"
    [error] = result.report.errors
    assert (error.row, error.rule) == (2, "suppressed_total")


def test_half_suppressed_cells_are_refused(importer, tmp_path):
    rows = [(RZA, "Midwives", "3", "*", "")]
    result = importer.import_file("sickness_absence", _file(tmp_path / "h.csv", "2024-03-31", rows))
    assert [e.rule for e in result.report.errors] == ["half_suppressed"]


def test_without_the_ics_column_unknown_organisations_are_still_refused(importer, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(
        "period,org_code,staff_group,fte_days_lost,fte_days_available\n2024-03,R0A,midwives,1,10\n",
        encoding="utf-8",
    )
    result = importer.import_file("sickness_absence", path)
    assert [e.rule for e in result.report.errors] == ["unknown_organisation"]


def test_totals_are_refused_where_a_dataset_has_none(importer, tmp_path):
    path = tmp_path / "est.csv"
    path.write_text(
        "period,org_code,staff_group,establishment_fte\n2024-03,RZA,All staff groups,100\n",
        encoding="utf-8",
    )
    result = importer.import_file("establishment", path)
    assert [e.rule for e in result.report.errors] == ["total_not_accepted"]


def _one_sickness_row(importer, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        "period,org_code,staff_group,fte_days_lost,fte_days_available\n"
        "2024-03,RZA,admin_clerical,1,10\n",
        encoding="utf-8",
    )
    assert importer.import_file("sickness_absence", path).status == "accepted"


def test_the_lake_migration_moves_older_files_over(importer, tmp_path):
    _one_sickness_row(importer, tmp_path)
    [stored] = (importer.home.lake / "sickness_absence").glob("submission=*/*.parquet")
    # make it as an older version stored it: a retired code, and none of the newer columns
    table = pq.read_table(stored).select(
        [
            "period",
            "org_code",
            "staff_group",
            "fte_days_lost",
            "fte_days_available",
            "submission_id",
        ]
    )
    table = table.set_column(2, "staff_group", pa.array(["admin_estates"]))
    pq.write_table(table, stored)
    first = reconcile(importer.home)
    assert first["files_migrated"] == 1
    con = importer.lake.connect()
    assert con.execute("SELECT staff_group, ics_code FROM sickness_absence").fetchall() == [
        ("admin_clerical", None)
    ]
    assert reconcile(importer.home)["files_migrated"] == 0  # nothing left to move


@pytest.mark.parametrize("older", ["a retired code only", "fewer columns only"])
def test_the_migration_finds_each_kind_of_older_file_on_its_own(importer, tmp_path, older):
    # the start-up check reads a file's footer and its staff group column, not the whole file:
    # each way a file can be out of date is found without the other
    _one_sickness_row(importer, tmp_path)
    assert reconcile(importer.home)["files_migrated"] == 0  # as stored now: up to date
    [stored] = (importer.home.lake / "sickness_absence").glob("submission=*/*.parquet")
    table = pq.read_table(stored)
    if older == "a retired code only":
        at = table.column_names.index("staff_group")
        table = table.set_column(at, "staff_group", pa.array(["admin_estates"]))
    else:
        table = table.drop_columns(["ics_code"])
    pq.write_table(table, stored)
    assert reconcile(importer.home)["files_migrated"] == 1
    con = importer.lake.connect()
    assert con.execute("SELECT staff_group, ics_code FROM sickness_absence").fetchall() == [
        ("admin_clerical", None)
    ]
    assert reconcile(importer.home)["files_migrated"] == 0


def test_the_synthetic_trusts_are_published_in_the_benchmarking_layout(importer, tmp_path):
    from oneworkforce.cli.demo import submission_files
    from oneworkforce.data.synth import generate
    from oneworkforce.data.synth.published import HEADINGS as PUBLISHED

    folder = tmp_path / "synth"
    generate(folder, scale="small", seed=3)
    published = [
        p for d, p in submission_files(folder) if "published" in p.parts and d == "sickness_absence"
    ]
    assert len(published) == 36  # one file a month, loaded by the demo after the returns
    first = published[-1].read_text(encoding="utf-8").splitlines()
    assert tuple(first[0].split(",")) == PUBLISHED == tuple(HEADINGS.split(","))
    assert importer.import_file("organisations", folder / "organisations.csv").ok
    result = importer.import_file("sickness_absence", published[-1])
    assert result.status == "accepted", result.report.summary()
    con = importer.lake.connect()
    peers = {r[0] for r in con.execute("SELECT org_code FROM peers").fetchall()}
    assert peers == {"RZY01", "RZY02", "RZY03"}  # the neighbouring ICS's trusts
    # each trust's total equals the sum of its staff groups' published days where none is
    # suppressed (the file's own arithmetic, checked to the cent)
    check = con.execute(
        "SELECT org_code, sum(fte_days_available) FILTER (staff_group <> 'all_staff_groups'), "
        "sum(fte_days_available) FILTER (staff_group = 'all_staff_groups'), "
        "count(*) FILTER (fte_days_available IS NULL) FROM sickness_absence "
        "WHERE org_code NOT LIKE 'RZY%' GROUP BY org_code"
    ).fetchall()
    assert check
    for org, groups, total, suppressed in check:
        if suppressed == 0:
            assert groups == pytest.approx(total, abs=0.05), org
        else:
            assert groups < total, org


#: "NHS Workforce Statistics, <Month> <Year> Staff Group and Organisation.csv" as published
#: (headings as docs/formats.md records them; the figures are made up)
SIP_HEADINGS = (
    "Date,NHSE_Region_Code,NHSE_Region_Name,ICS code,ICS name,Org Code,Org Name,Cluster Group,"
    "Benchmark Group,Staff Group Sort Order,Staff Group,Data Type,Total"
)
SIP_RZA = "Y63,North East and Yorkshire,QZZ,Dalesway ICS,RZA,Dalesway Acute Hospitals,Acute,Acute"
SIP_PEER = "Y60,Midlands,QYY,Other ICS,R0A,Elsewhere Teaching Hospitals,Acute,Acute - Teaching"


def _sip_file(path, rows: list[tuple[str, str, str, str, str, str]]):
    lines = [SIP_HEADINGS]
    for date, org, order, group, kind, total in rows:
        lines.append(f"{date},{org},{order},{group},{kind},{total}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SIP_MARCH = [
    ("2024-03-31", SIP_RZA, "1", "Total", "FTE", "4630.2"),
    ("2024-03-31", SIP_RZA, "1", "Total", "HC", "5210"),
    ("2024-03-31", SIP_RZA, "2", "Professionally qualified clinical staff", "FTE", "2300.5"),
    ("2024-03-31", SIP_RZA, "3", "HCHS Doctors", "FTE", "610.0"),
    ("2024-03-31", SIP_RZA, "4", "Consultant", "FTE", "250.0"),
    ("2024-03-31", SIP_RZA, "12", "Hospital Practitioner / Clinical Assistant", "FTE", "*"),
    ("2024-03-31", SIP_RZA, "14", "Nurses & health visitors", "FTE", "1380.4"),
    ("2024-03-31", SIP_RZA, "14", "Nurses & health visitors", "HC", "1520"),
    ("2024-03-31", SIP_RZA, "15", "Midwives", "HC", "*"),
    ("2024-03-31", SIP_RZA, "21", "Support to ST&T staff", "FTE", ""),
    ("2024-03-31", SIP_RZA, "25", '"Hotel, property & estates"', "FTE", "120.0"),
    ("2024-03-31", SIP_RZA, "28", "Other staff or those with unknown classification", "FTE", "2"),
    ("2024-03-31", SIP_PEER, "1", "Total", "FTE", "7100.5"),
    ("2024-03-31", SIP_PEER, "1", "Total", "HC", "8000"),
]


def test_workforce_statistics_staff_in_post_is_read_as_published(importer, tmp_path):
    result = importer.import_file("nws_staff_in_post", _sip_file(tmp_path / "sip.csv", SIP_MARCH))
    assert result.status == "accepted", result.report.summary()
    # the sort order is the only heading not read
    assert result.report.ignored == ("Staff Group Sort Order",)
    con = importer.lake.connect()
    rows = con.execute(
        "SELECT org_code, staff_group, data_type, value FROM nws_staff_in_post ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("R0A", "all_staff_groups", "fte", 7100.5),
        ("R0A", "all_staff_groups", "headcount", 8000.0),
        ("RZA", "all_staff_groups", "fte", 4630.2),
        ("RZA", "all_staff_groups", "headcount", 5210.0),
        ("RZA", "consultant", "fte", 250.0),
        ("RZA", "hchs_doctors", "fte", 610.0),
        ("RZA", "hospital_practitioner_clinical_assistant", "fte", None),  # suppressed, not 0
        ("RZA", "hotel_property_estates", "fte", 120.0),
        ("RZA", "midwives", "headcount", None),
        ("RZA", "nurses_health_visitors", "fte", 1380.4),
        ("RZA", "nurses_health_visitors", "headcount", 1520.0),
        ("RZA", "nws_other", "fte", 2.0),
        ("RZA", "professionally_qualified_clinical", "fte", 2300.5),
        ("RZA", "support_stt", "fte", None),
    ]
    assert con.execute("SELECT org_code, ics_code FROM peers").fetchall() == [("R0A", "QYY")]


def test_published_sub_totals_are_refused_where_they_would_be_added_up(importer, tmp_path):
    # a roll-up in the sickness file would be summed with the groups it already counts
    rows = [(RZA, "Professionally qualified clinical staff", "10", "200", "5.0")]
    result = importer.import_file("sickness_absence", _file(tmp_path / "s.csv", "2024-03-31", rows))
    assert [e.rule for e in result.report.errors] == ["unknown_code"]


def test_a_suppressed_staff_in_post_total_is_refused(importer, tmp_path):
    rows = [("2024-03-31", SIP_RZA, "1", "Total", "FTE", "*")]
    result = importer.import_file("nws_staff_in_post", _sip_file(tmp_path / "t.csv", rows))
    assert [(e.row, e.rule) for e in result.report.errors] == [(2, "suppressed_total")]


def test_an_unknown_data_type_is_named(importer, tmp_path):
    rows = [("2024-03-31", SIP_RZA, "1", "Total", "Role count", "4700")]
    result = importer.import_file("nws_staff_in_post", _sip_file(tmp_path / "d.csv", rows))
    [error] = result.report.errors
    assert (error.row, error.column, error.value, error.rule) == (
        2,
        "Data Type",
        "Role count",
        "unknown_code",
    )


def test_one_file_loads_every_month_and_feeds_staff_in_post(importer, tmp_path):
    # each published file repeats the months before it: March and April in one file
    april = [
        ("2024-04-30", SIP_RZA, "1", "Total", "FTE", "4650.0"),
        ("2024-04-30", SIP_PEER, "1", "Total", "FTE", "7150.0"),
    ]
    path = _sip_file(tmp_path / "sip.csv", SIP_MARCH + april)
    assert importer.import_file("nws_staff_in_post", path).status == "accepted"
    con = importer.lake.connect()
    results = compute(con, ["staff_in_post_fte"], ["2024-03", "2024-04"], by=["org_code"])
    # RZA sent no ESR extract: its published totals; the peer R0A is not in the ICS
    assert [(r.period, r.dimensions["org_code"], r.value) for r in results] == [
        ("2024-03", "RZA", 4630.2),
        ("2024-04", "RZA", 4650.0),
    ]
    assert {r.note for r in results} == {
        "NHS Workforce Statistics (published): no ESR extract this month"
    }


def test_the_synthetic_trusts_staff_in_post_is_published_in_one_file(importer, tmp_path):
    import duckdb

    from oneworkforce.cli.demo import submission_files
    from oneworkforce.data.synth import generate

    folder = tmp_path / "synth"
    generate(folder, scale="small", seed=3)
    [(dataset, path)] = [
        (d, p) for d, p in submission_files(folder) if "published" in p.parts and "nws" in str(p)
    ]
    assert dataset == "nws_staff_in_post"
    assert path.name == "NHS Workforce Statistics, March 2025 Staff Group and Organisation.csv"
    assert importer.import_file("organisations", folder / "organisations.csv").ok
    result = importer.import_file("nws_staff_in_post", path)
    assert result.status == "accepted", result.report.summary()
    con = importer.lake.connect()
    published = dict(
        (org, value)
        for org, value in con.execute(
            "SELECT org_code, value FROM nws_staff_in_post WHERE data_type = 'fte' "
            "AND period = DATE '2025-03-01'"
        ).fetchall()
    )
    # the ICS's trusts: their extracts' non-bank FTE, summed here straight from the CSV
    own = duckdb.sql(
        f"SELECT org_code, round(sum(fte), 2) FROM read_csv('{folder / 'staff_in_post.csv'}') "
        "WHERE period = '2025-03' AND contract_type <> 'bank' AND org_code LIKE 'R%' "
        "GROUP BY org_code"
    ).fetchall()
    assert own and all(published[org] == fte for org, fte in own)
    # the neighbouring ICS's trusts are peers; growth is compared with them
    assert {r[0] for r in con.execute("SELECT org_code FROM peers").fetchall()} == {
        "RZY01",
        "RZY02",
        "RZY03",
    }


@pytest.mark.slow
def test_day_one_staff_in_post_from_the_published_file_alone(tmp_path):
    from tests.data.test_atomicity import cli

    files, home = tmp_path / "files", tmp_path / "home"
    assert cli(home, "synth", "--out", str(files), "--scale", "small").returncode == 0
    assert cli(home, "import", "organisations", str(files / "organisations.csv")).returncode == 0
    [path] = (files / "published" / "nws_staff_in_post").glob("*.csv")
    run = cli(home, "import", "nws_staff_in_post", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    # no partner has sent an extract: the ICS's NHS staff in post is the published one
    run = cli(home, "metrics", "--metric", "staff_in_post_fte", "--period", "2025-03")
    assert run.returncode == 0, run.stderr
    assert "┃ note " in run.stdout  # the table shows where the figure comes from
    run = cli(
        home, "metrics", "--metric", "staff_in_post_fte", "--period", "2025-03", "--format", "json"
    )
    [figure] = json.loads(run.stdout)
    # the ICS's partner trusts' published totals for March 2025, summed from the files
    with (files / "organisations.csv").open(newline="", encoding="utf-8") as fh:
        partners = {r["org_code"] for r in csv.DictReader(fh) if r["partner"] == "true"}
    with path.open(newline="", encoding="utf-8") as fh:
        expected = sum(
            float(r["Total"])
            for r in csv.DictReader(fh)
            if r["Date"] == "2025-03-31"
            and r["Staff Group"] == "Total"
            and r["Data Type"] == "FTE"
            and r["Org Code"] in partners
        )
    assert figure["value"] == pytest.approx(expected, abs=1e-6)
    assert figure["note"] == "NHS Workforce Statistics (published): no ESR extract this month"
