"""The synthetic ICS: determinism, shape, and published rates measured independently in SQL."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest

from oneworkforce.data.reference import (
    ORGANISATION_COLUMNS,
    aggregate_metric_codes,
    default_organisations_csv,
    vocabulary,
)
from oneworkforce.data.schemas import DATASETS, own_columns
from oneworkforce.data.synth import SynthSummary, check_options, generate, register_csv

TEXT_TYPES = {"period": "VARCHAR", "org_code": "VARCHAR", "area_code": "VARCHAR"}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("synth") / "seed1"
    return out, generate(out, scale="small", seed=1, with_errors=True)


@pytest.fixture(scope="module")
def out(small: tuple[Path, SynthSummary]) -> Path:
    return small[0]


@pytest.fixture(scope="module")
def db(out: Path) -> duckdb.DuckDBPyConnection:
    """Tables read from the written files: the tests measure rates from the files, not the code."""
    con = duckdb.connect()
    written = [n for n, d in DATASETS.items() if not d.published_only]
    for name in (*written, "organisations"):
        path = out / f"{name}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        types = {c: t for c, t in TEXT_TYPES.items() if c in header}
        con.sql(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true, types={types!r})"
        )
    con.sql("""
        CREATE TABLE months AS
        SELECT period, row_number() OVER (ORDER BY period) AS i
        FROM (SELECT DISTINCT period FROM staff_in_post)
    """)
    # staff in post: partners only, bank assignments are not staff in post
    con.sql("""
        CREATE TABLE sip AS
        SELECT s.*, m.i FROM staff_in_post s JOIN months m USING (period)
        JOIN organisations o USING (org_code)
        WHERE o.partner AND s.contract_type <> 'bank'
    """)
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = con.sql(sql).fetchone()
    assert row is not None
    return float(row[0])


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- determinism --------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(out: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", scale="small", seed=1, with_errors=True)
    first, second = digests(out), digests(tmp_path / "again")
    assert len(first) >= 15
    assert first == second


def test_different_seed_gives_different_data(out: Path, tmp_path: Path) -> None:
    generate(tmp_path / "seed2", scale="small", seed=2)
    other = digests(tmp_path / "seed2")
    mine = digests(out)
    for name in ("staff_in_post.csv", "leavers.csv", "sickness_absence.csv", "aggregate.csv"):
        assert mine[name] != other[name], name
    # the register is reference data: the same whatever the seed
    assert mine["organisations.csv"] == other["organisations.csv"]


# -- shape ---------------------------------------------------------------------------------


def test_columns_are_exactly_the_canonical_names(out: Path) -> None:
    for name, dataset in DATASETS.items():
        if dataset.published_only:
            continue
        header = (out / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        # the product's own layout: without the descriptive columns of national files
        assert header.split(",") == list(own_columns(dataset)), name
    header = (out / "organisations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == ORGANISATION_COLUMNS


def test_every_segment_has_an_organisation_and_data(db: duckdb.DuckDBPyConnection) -> None:
    segments = set(vocabulary("segment").codes)
    in_register = {r[0] for r in db.sql("SELECT DISTINCT segment FROM organisations").fetchall()}
    assert in_register == segments
    with_data = {
        r[0]
        for r in db.sql("""
        SELECT DISTINCT o.segment FROM staff_in_post s JOIN organisations o USING (org_code)
        UNION SELECT DISTINCT segment FROM aggregate
    """).fetchall()
    }
    assert with_data == segments


def test_register_has_non_partners_and_valid_sectors(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.sql("SELECT org_code, sector, partner FROM organisations").fetchall()
    assert {r[1] for r in rows} <= {"nhs", "primary_care", "local_authority", "independent", "vcse"}
    assert 1 <= sum(not r[2] for r in rows) <= 3
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes))
    assert {"QZZ", "RZA", "B99001"} <= set(codes)


def test_values_are_in_the_vocabularies(db: duckdb.DuckDBPyConnection) -> None:
    def values(column: str) -> set[str]:
        return {r[0] for r in db.sql(f"SELECT DISTINCT {column} FROM staff_in_post").fetchall()}

    assert values("staff_group") <= set(vocabulary("staff_group").codes)
    assert values("band") <= set(vocabulary("band").codes)
    assert values("contract_type") == {"permanent", "fixed_term", "bank", "locum"}
    assert values("sex") == {"female", "male", "not_stated"}
    assert values("ethnic_group") == {"white", "bme", "not_stated"}
    assert values("disability") == {"yes", "no", "not_stated"}
    assert all(re.fullmatch(r"\d{4}-\d{2}", p) for p in values("period"))
    unknown = one(
        db,
        """SELECT count(*) FROM staff_in_post s
                         ANTI JOIN organisations o USING (org_code)""",
    )
    assert unknown == 0
    lo, hi = db.sql("SELECT min(fte), max(fte) FROM staff_in_post").fetchall()[0]
    assert lo > 0 and hi <= 1.5
    lo, hi = db.sql("SELECT min(age), max(age) FROM staff_in_post").fetchall()[0]
    assert lo >= 16 and hi <= 90
    ids = db.sql("SELECT DISTINCT person_id FROM staff_in_post").fetchall()
    assert all(re.fullmatch(r"[0-9a-f]{16}", r[0]) for r in ids)
    duplicates = one(
        db,
        """SELECT count(*) FROM (SELECT period, org_code, person_id,
        assignment_id FROM staff_in_post GROUP BY ALL HAVING count(*) > 1)""",
    )
    assert duplicates == 0


def test_staff_mixes_by_segment(db: duckdb.DuckDBPyConnection) -> None:
    groups = dict(
        db.sql("""
        SELECT o.segment, list(DISTINCT s.staff_group ORDER BY s.staff_group)
        FROM staff_in_post s JOIN organisations o USING (org_code) GROUP BY 1
    """).fetchall()
    )
    assert set(groups["general_practice"]) == {
        "gp",
        "gp_nurse",
        "direct_patient_care",
        "admin_clerical",
    }
    assert {"medical_dental", "nursing_midwifery", "ahp"} <= set(groups["secondary_care"])
    assert "ambulance" in groups["ambulance"]
    nurses = one(
        db,
        """SELECT avg((staff_group = 'nursing_midwifery')::INT) FROM sip
        JOIN organisations o USING (org_code) WHERE o.segment = 'secondary_care'""",
    )
    assert 0.2 < nurses < 0.4


def test_ages_advance_a_year_every_twelve_months(db: duckdb.DuckDBPyConnection) -> None:
    diffs = db.sql("""
        WITH p AS (SELECT DISTINCT person_id, i, age FROM sip)
        SELECT DISTINCT b.age - a.age FROM p a JOIN p b
          ON a.person_id = b.person_id AND b.i = a.i + 12
    """).fetchall()
    assert {d[0] for d in diffs} == {1}


def test_retirements_mostly_at_55_and_over(db: duckdb.DuckDBPyConnection) -> None:
    share = one(
        db,
        """
        SELECT avg((s.age >= 55)::INT) FROM leavers l
        JOIN months m ON m.period = l.period
        JOIN sip s ON s.person_id = l.person_id AND s.org_code = l.org_code AND s.i = m.i - 1
        WHERE l.reason ILIKE '%retirement%' AND l.reason NOT ILIKE '%ill health%'
    """,
    )
    assert share > 0.9


# -- rates, measured in SQL from the files ----------------------------------------------------


def test_system_leaver_rate_over_12_months(db: duckdb.DuckDBPyConnection) -> None:
    """NHS definition: in post at the start, in post at no partner at the end."""
    rate = one(
        db,
        """
        WITH a AS (SELECT DISTINCT person_id FROM sip WHERE i = (SELECT max(i) - 12 FROM months)),
             b AS (SELECT DISTINCT person_id FROM sip WHERE i = (SELECT max(i) FROM months))
        SELECT (SELECT count(*) FROM a ANTI JOIN b USING (person_id))
             / (((SELECT count(*) FROM a) + (SELECT count(*) FROM b)) / 2)
    """,
    )
    assert 0.08 <= rate <= 0.14
    org_rate = one(
        db,
        """
        WITH a AS (SELECT DISTINCT person_id, org_code FROM sip
                   WHERE i = (SELECT max(i) - 12 FROM months)),
             b AS (SELECT DISTINCT person_id, org_code FROM sip
                   WHERE i = (SELECT max(i) FROM months))
        SELECT (SELECT count(*) FROM a ANTI JOIN b USING (person_id, org_code))
             / (((SELECT count(*) FROM a) + (SELECT count(*) FROM b)) / 2)
    """,
    )
    assert rate < org_rate < rate + 0.08


def test_moves_between_partners_exist(db: duckdb.DuckDBPyConnection) -> None:
    moves = db.sql("""
        WITH p AS (SELECT DISTINCT person_id, org_code, i FROM sip)
        SELECT count(*), count(DISTINCT a.person_id) FROM p a
        JOIN p b ON b.person_id = a.person_id AND b.i = a.i + 1 AND b.org_code <> a.org_code
        ANTI JOIN p c ON c.person_id = a.person_id AND c.org_code = a.org_code AND c.i = a.i + 1
        ANTI JOIN p d ON d.person_id = a.person_id AND d.org_code = b.org_code AND d.i = a.i
    """).fetchall()[0]
    people = one(db, "SELECT count(DISTINCT person_id) FROM sip WHERE i = 1")
    assert moves[0] > 0
    per_year = moves[1] / people / 3
    assert 0.01 < per_year < 0.05


def test_dual_assignments_exist(db: duckdb.DuckDBPyConnection) -> None:
    kinds = db.sql("""
        WITH last AS (SELECT * FROM sip WHERE i = (SELECT max(i) FROM months)),
        multi AS (SELECT person_id, count(*) AS n, count(DISTINCT staff_group) AS groups,
                         count(DISTINCT org_code) AS orgs FROM last GROUP BY 1)
        SELECT avg((n >= 2)::INT), sum((groups >= 2)::INT), sum((orgs >= 2)::INT) FROM multi
    """).fetchall()[0]
    share, two_groups, two_orgs = kinds
    assert 0.015 <= share <= 0.06
    assert two_groups > 0
    assert two_orgs > 0


def test_bank_rows_and_bank_only_people(db: duckdb.DuckDBPyConnection) -> None:
    share = one(db, "SELECT avg((contract_type = 'bank')::INT) FROM staff_in_post")
    assert 0.03 <= share <= 0.08
    bank_only = one(
        db,
        """
        SELECT count(*) FROM (SELECT period, person_id FROM staff_in_post GROUP BY ALL
                              HAVING bool_and(contract_type = 'bank'))""",
    )
    assert bank_only > 0
    others = one(
        db,
        """SELECT count(*) FROM staff_in_post
                        WHERE contract_type IN ('fixed_term', 'locum')""",
    )
    assert others > 0


def test_sickness_rate_with_a_winter_peak(db: duckdb.DuckDBPyConnection) -> None:
    rate = one(db, "SELECT sum(fte_days_lost) / sum(fte_days_available) FROM sickness_absence")
    assert 0.04 <= rate <= 0.065
    by_month = dict(
        db.sql("""
        SELECT substr(period, 6, 2), sum(fte_days_lost) / sum(fte_days_available)
        FROM sickness_absence GROUP BY 1
    """).fetchall()
    )
    assert by_month["01"] > by_month["07"]
    assert by_month["12"] > 0.058
    assert (
        one(db, "SELECT count(*) FROM sickness_absence WHERE fte_days_lost > fte_days_available")
        == 0
    )


def test_days_available_are_fte_times_calendar_days(db: duckdb.DuckDBPyConnection) -> None:
    worst = one(
        db,
        """
        WITH fte AS (SELECT period, org_code, staff_group, sum(fte) AS fte FROM sip GROUP BY ALL)
        SELECT max(abs(s.fte_days_available
                       - f.fte * day(last_day(strptime(s.period || '-01', '%Y-%m-%d')))))
        FROM sickness_absence s JOIN fte f USING (period, org_code, staff_group)
    """,
    )
    assert worst < 0.01


def test_vacancy_rate(db: duckdb.DuckDBPyConnection) -> None:
    rate = one(
        db,
        """
        WITH last AS (SELECT max(period) AS period FROM establishment),
        est AS (SELECT sum(establishment_fte) AS e FROM establishment JOIN last USING (period)),
        fte AS (SELECT sum(s.fte) AS f FROM sip s JOIN last USING (period)
                WHERE s.org_code IN (SELECT DISTINCT org_code FROM establishment))
        SELECT (e - f) / e FROM est, fte
    """,
    )
    assert 0.06 <= rate <= 0.12
    reported = one(
        db, "SELECT count(DISTINCT org_code) FROM establishment WHERE vacancy_fte IS NOT NULL"
    )
    assert 1 <= reported < one(db, "SELECT count(DISTINCT org_code) FROM establishment")


def test_agency_share_of_pay_bill(db: duckdb.DuckDBPyConnection) -> None:
    for where in (
        "",
        "WHERE period > (SELECT strftime(strptime(max(period) || '-01', "
        "'%Y-%m-%d') - INTERVAL 12 MONTH, '%Y-%m') FROM temporary_staffing)",
    ):
        share = one(
            db,
            f"""SELECT sum(agency_spend)
            / sum(substantive_spend + bank_spend + agency_spend) FROM temporary_staffing {where}""",
        )
        assert 0.03 <= share <= 0.05
    assert (
        one(
            db,
            "SELECT count(*) FROM temporary_staffing WHERE agency_shifts_over_cap > agency_shifts",
        )
        == 0
    )
    assert one(db, "SELECT sum(agency_shifts_over_cap) FROM temporary_staffing") > 0


def test_substantive_spend_follows_fte_and_band(db: duckdb.DuckDBPyConnection) -> None:
    per_fte = dict(
        db.sql("""
        WITH fte AS (SELECT period, org_code, staff_group, sum(fte) AS fte FROM sip GROUP BY ALL)
        SELECT t.staff_group, sum(t.substantive_spend) / sum(f.fte) FROM temporary_staffing t
        JOIN fte f USING (period, org_code, staff_group) GROUP BY 1
    """).fetchall()
    )
    assert per_fte["medical_dental"] > per_fte["nursing_midwifery"] > per_fte["healthcare_support"]
    assert 2_000 < per_fte["healthcare_support"] < 4_000  # a month's pay and on-costs


def test_workforce_plan_is_close_to_actual(db: duckdb.DuckDBPyConnection) -> None:
    gap = one(
        db,
        """
        WITH fte AS (SELECT period, org_code, staff_group, sum(fte) AS fte FROM sip GROUP BY ALL)
        SELECT sum(abs(p.plan_substantive_fte - f.fte)) / sum(f.fte)
        FROM workforce_plan p JOIN fte f USING (period, org_code, staff_group)
    """,
    )
    assert 0.0 < gap < 0.08
    assert one(db, "SELECT count(*) FROM workforce_plan WHERE plan_agency_fte IS NULL") > 0
    plans = one(db, "SELECT count(DISTINCT org_code || period) FROM workforce_plan")
    returns = one(db, "SELECT count(DISTINCT org_code || period) FROM temporary_staffing")
    assert plans < returns  # one trust sent no plan for the first year


def test_adult_social_care_turnover(db: duckdb.DuckDBPyConnection) -> None:
    asc = "('care_homes', 'support_at_home', 'personal_care')"
    rate = one(
        db,
        f"""
        SELECT sum(numerator) / sum(denominator) FROM aggregate
        WHERE metric = 'turnover_rate' AND segment IN {asc}
          AND period = (SELECT max(period) FROM aggregate WHERE segment IN {asc})
    """,
    )
    assert 0.25 <= rate <= 0.30
    lo, hi = db.sql(f"""SELECT min(value), max(value) FROM aggregate
                        WHERE metric = 'turnover_rate' AND segment IN {asc}""").fetchall()[0]
    assert lo >= 25 and hi <= 30
    vacancy = one(
        db,
        f"""SELECT sum(numerator) / sum(denominator) FROM aggregate
                          WHERE metric = 'vacancy_rate' AND segment IN {asc}""",
    )
    assert 0.06 <= vacancy <= 0.11


def test_aggregate_rows_follow_the_template(db: duckdb.DuckDBPyConnection) -> None:
    allowed = aggregate_metric_codes()
    rows = db.sql("SELECT DISTINCT metric, unit FROM aggregate").fetchall()
    assert rows
    assert all(unit in allowed[metric] for metric, unit in rows)
    both_or_neither = one(
        db,
        """SELECT count(*) FROM aggregate
        WHERE (org_code IS NULL) = (area_code IS NULL)""",
    )
    assert both_or_neither == 0
    wrong_segment = one(
        db,
        """SELECT count(*) FROM aggregate a JOIN organisations o
        USING (org_code) WHERE a.segment <> o.segment""",
    )
    assert wrong_segment == 0
    annual = {
        r[0]
        for r in db.sql("""SELECT DISTINCT substr(period, 6, 2) FROM aggregate
        WHERE basis LIKE 'Skills for Care%'""").fetchall()
    }
    assert annual == {"03"}
    qualities = {r[0] for r in db.sql("SELECT DISTINCT quality FROM aggregate").fetchall()}
    assert qualities == {"actual", "estimate", "partial"}
    area = db.sql("SELECT DISTINCT area_code FROM aggregate WHERE area_code IS NOT NULL")
    assert all(re.fullmatch(r"E\d{8}", r[0]) for r in area.fetchall())


# -- leavers -------------------------------------------------------------------------------


def test_leavers_are_exactly_the_people_who_left_an_organisation(
    db: duckdb.DuckDBPyConnection,
) -> None:
    counts = db.sql("""
        WITH p AS (SELECT DISTINCT s.person_id, s.org_code, m.i
                   FROM staff_in_post s JOIN months m USING (period)),
        gone AS (SELECT a.person_id, a.org_code, a.i + 1 AS i FROM p a
                 ANTI JOIN p b ON b.person_id = a.person_id AND b.org_code = a.org_code
                      AND b.i = a.i + 1
                 WHERE a.i < (SELECT max(i) FROM months)),
        reported AS (SELECT l.person_id, l.org_code, m.i
                     FROM leavers l JOIN months m USING (period))
        SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM reported),
               (SELECT count(*) FROM gone JOIN reported USING (person_id, org_code, i))
    """).fetchall()[0]
    assert counts[0] > 100
    assert counts[0] == counts[1] == counts[2]
    bad_dates = one(
        db, "SELECT count(*) FROM leavers WHERE strftime(leave_date, '%Y-%m') <> period"
    )
    assert bad_dates == 0
    reasons = {r[0] for r in db.sql("SELECT DISTINCT reason FROM leavers").fetchall()}
    assert "Retirement Age" in reasons
    assert any(r.startswith("Voluntary Resignation") for r in reasons)


# -- error files and the other formats ----------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_each_error_file_holds_its_mistake(out: Path) -> None:
    folder = out / "errors"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = {entry["file"] for entry in manifest}
    assert files == {p.name for p in folder.glob("*.csv")}
    register = {r.split(",")[0] for r in default_organisations_csv().splitlines()[1:]}

    header, rows = read_rows(folder / "sickness_absence__unknown_org_code.csv")
    codes = {r[header.index("org_code")] for r in rows}
    assert codes - register == {"RZQ"}

    header, rows = read_rows(folder / "sickness_absence__unknown_staff_group.csv")
    groups = [r[header.index("staff_group")] for r in rows]
    assert [g for g in groups if vocabulary("staff_group").lookup(g) is None] == [
        "Nursing Associates"
    ]

    header, rows = read_rows(folder / "sickness_absence__text_in_number_column.csv")
    lost = [r[header.index("fte_days_lost")] for r in rows]
    assert "n/a" in lost and "1,5" in lost

    header, rows = read_rows(folder / "sickness_absence__days_lost_above_available.csv")
    over = [
        r
        for r in rows
        if float(r[header.index("fte_days_lost")]) > float(r[header.index("fte_days_available")])
    ]
    assert len(over) == 1

    header, _ = read_rows(folder / "staff_in_post__missing_required_column.csv")
    assert "staff_group" not in header and "person_id" in header

    header, rows = read_rows(folder / "staff_in_post__duplicate_person_assignment.csv")
    key = [header.index(c) for c in ("period", "org_code", "person_id", "assignment_id")]
    keys = [tuple(r[i] for i in key) for r in rows]
    assert len(keys) - len(set(keys)) == 1

    header, rows = read_rows(folder / "establishment__duplicated_rows.csv")
    assert len(rows) - len({tuple(r) for r in rows}) == 1

    header, rows = read_rows(folder / "establishment__bad_period.csv")
    assert "13/2024" in [r[header.index("period")] for r in rows]

    header, rows = read_rows(folder / "temporary_staffing__shifts_over_cap_above_shifts.csv")
    shifts, cap = header.index("agency_shifts"), header.index("agency_shifts_over_cap")
    assert sum(int(r[cap]) > int(r[shifts]) for r in rows) == 1

    for entry in manifest:  # the manifest points at the bad rows
        if entry["rows"] and entry["column"]:
            header, rows = read_rows(folder / entry["file"])
            values = entry["value"] if isinstance(entry["value"], list) else [entry["value"]]
            found = {rows[r - 1][header.index(entry["column"])] for r in entry["rows"]}
            assert {str(v) for v in values} & found, entry["file"]


def test_xlsx_and_parquet_copies(out: Path, db: duckdb.DuckDBPyConnection) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(out / "variants" / "sickness_absence.xlsx"))
    assert book.sheet_names[0] == "Sickness absence"
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == [
        "Period",
        "Organisation Code",
        "Staff Group",
        "FTE Days Lost",
        "FTE Days Available",
    ]
    assert len(rows) - 1 == one(db, "SELECT count(*) FROM sickness_absence")
    assert rows[1][2] in vocabulary("staff_group").titles.values()
    parquet = out / "variants" / "establishment.parquet"
    differences = one(
        db,
        f"""SELECT count(*) FROM (
        (SELECT * FROM read_parquet('{parquet}') EXCEPT ALL SELECT * FROM establishment)
        UNION ALL
        (SELECT * FROM establishment EXCEPT ALL SELECT * FROM read_parquet('{parquet}')))""",
    )
    assert differences == 0


# -- register, options, summary -------------------------------------------------------------


def test_shipped_register_is_the_ics_register(out: Path) -> None:
    assert default_organisations_csv() == register_csv("ics")
    shipped = set(default_organisations_csv().splitlines())
    small = set((out / "organisations.csv").read_text(encoding="utf-8").splitlines())
    assert small <= shipped  # the small scale uses some of the same organisations
    assert len(small) < len(shipped)


@pytest.mark.slow
def test_ics_scale_writes_the_shipped_register(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="ics", months=1)
    written = (tmp_path / "organisations.csv").read_text(encoding="utf-8")
    assert written == default_organisations_csv()
    assert 50_000 <= summary.rows["staff_in_post"] <= 70_000


def test_summary_reports_what_was_written(small: tuple[Path, SynthSummary]) -> None:
    out, summary = small
    with (out / "staff_in_post.csv").open(encoding="utf-8") as f:
        assert summary.rows["staff_in_post"] == sum(1 for _ in f) - 1
    assert 1_700 <= summary.rates["staff_in_post_headcount"] <= 2_600  # type: ignore[operator]
    assert all((out / f).is_file() for f in summary.files)
    assert (
        summary.organisations
        == len((out / "organisations.csv").read_text(encoding="utf-8").splitlines()) - 1
    )
    rate = summary.rates["system_leaver_rate_12m"]
    assert rate is not None and 0.08 <= rate <= 0.14
    json.dumps(summary.to_dict())


def test_another_window(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="small", start="2023-01", months=14)
    con = duckdb.connect()
    periods = [
        r[0]
        for r in con.sql(f"""SELECT DISTINCT period FROM read_csv(
        '{tmp_path / "staff_in_post.csv"}', types={{'period': 'VARCHAR'}}) ORDER BY 1""").fetchall()
    ]
    assert periods[0] == "2023-01" and periods[-1] == "2024-02" and len(periods) == 14
    assert summary.months == 14


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": "13/2024"}, "YYYY-MM"),
        ({"start": "2024-13"}, "month"),
        ({"months": 0}, "months"),
        ({"scale": "county"}, "scale"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str, tmp_path: Path) -> None:
    kwargs: dict[str, object] = {"scale": "small", "seed": 1, "start": "2022-04", "months": 36}
    kwargs.update(options)
    with pytest.raises(ValueError, match=message):
        check_options(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        generate(tmp_path / "x", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_national_writes_parquet_chunks(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="national", months=2)
    parts = sorted((tmp_path / "staff_in_post").glob("part-*.parquet"))
    assert len(parts) == summary.systems == 25
    con = duckdb.connect()
    glob = tmp_path / "staff_in_post" / "*.parquet"
    rows, people, orgs = con.sql(f"""SELECT count(*), count(DISTINCT person_id),
        count(DISTINCT org_code) FROM read_parquet('{glob}')""").fetchall()[0]
    assert rows == summary.rows["staff_in_post"]
    assert 1_300_000 <= people <= 1_800_000
    # each chunk is a set of organisations over all months
    overlap = con.sql(f"""SELECT count(*) FROM (SELECT org_code FROM read_parquet('{glob}',
        filename=true) GROUP BY 1 HAVING count(DISTINCT filename) > 1)""").fetchone()
    assert overlap == (0,)
    register = (tmp_path / "organisations.csv").read_text(encoding="utf-8").splitlines()
    assert len(register) - 1 == summary.organisations and orgs < summary.organisations
