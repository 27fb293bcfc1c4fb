"""``oneworkforce metrics`` and ``catalogue`` on a small synthetic ICS loaded through the real
import, checked against figures worked out independently from the submitted files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from tests.data.test_atomicity import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("metrics-cli")
    files, home = root / "files", root / "home"
    assert cli(home, "synth", "--out", str(files), "--scale", "small").returncode == 0
    assert cli(home, "import", "organisations", str(files / "organisations.csv")).returncode == 0
    for dataset in ("staff_in_post", "sickness_absence"):
        run = cli(home, "import", dataset, str(files / f"{dataset}.csv"))
        assert run.returncode == 0, run.stdout + run.stderr
    return home, files


def test_headcount_by_segment_matches_the_file(loaded):
    home, files = loaded
    run = cli(
        home,
        "metrics",
        "--metric",
        "staff_in_post_headcount",
        "--period",
        "2024-03",
        "--by",
        "segment",
        "--format",
        "json",
    )
    assert run.returncode == 0, run.stderr
    got = {r["segment"]: r["value"] for r in json.loads(run.stdout)}
    # independently: distinct people with a non-bank assignment in a partner organisation
    expected = dict(
        duckdb.sql(f"""
        SELECT o.segment, count(DISTINCT s.person_id)::DOUBLE
        FROM read_csv('{files / "staff_in_post.csv"}', all_varchar=true) s
        JOIN read_csv('{files / "organisations.csv"}', all_varchar=true) o USING (org_code)
        WHERE s.period = '2024-03' AND coalesce(s.contract_type, 'permanent') <> 'bank'
          AND lower(o.partner) = 'true'
        GROUP BY 1""").fetchall()
    )
    assert got == expected
    first = json.loads(run.stdout)[0]
    assert set(first) == {
        "metric",
        "period",
        "segment",
        "value",
        "numerator",
        "denominator",
        "unit",
        "basis",
        "quality",
        "sources",
    }


def test_pooled_sickness_rate_for_the_system(loaded):
    home, files = loaded
    run = cli(
        home,
        "metrics",
        "--metric",
        "sickness_absence_rate",
        "--from",
        "2024-01",
        "--to",
        "2024-02",
        "--format",
        "json",
    )
    rows = json.loads(run.stdout)
    assert [r["period"] for r in rows] == ["2024-01", "2024-02"]
    lost, available = duckdb.sql(f"""
        SELECT sum(fte_days_lost::DOUBLE), sum(fte_days_available::DOUBLE)
        FROM read_csv('{files / "sickness_absence.csv"}', all_varchar=true) s
        JOIN read_csv('{files / "organisations.csv"}', all_varchar=true) o USING (org_code)
        WHERE s.period = '2024-01' AND lower(o.partner) = 'true'""").fetchone()
    assert rows[0]["value"] == pytest.approx(lost / available, rel=1e-12)
    assert "segment" not in rows[0]  # no dimension keys at system level


def test_csv_output_and_errors(loaded):
    home, _ = loaded
    run = cli(
        home,
        "metrics",
        "--metric",
        "staff_in_post_fte",
        "--period",
        "2024-03",
        "--by",
        "staff_group",
        "--format",
        "csv",
    )
    table = list(csv.DictReader(io.StringIO(run.stdout)))
    assert table and {"metric", "period", "staff_group", "value"} <= set(table[0])
    bad = cli(home, "metrics", "--metric", "happiness")
    assert bad.returncode == 2 and "unknown metric 'happiness'" in bad.stderr
    both = cli(home, "metrics", "--period", "2024-03", "--from", "2024-01", "--to", "2024-02")
    assert both.returncode == 2


def test_catalogue_lists_every_metric(loaded):
    home, _ = loaded
    listed = json.loads(cli(home, "catalogue", "--format", "json").stdout)
    codes = [m["code"] for m in listed]
    assert "leaver_rate" in codes and "agency_share_of_paybill_fytd" in codes
    assert all(m["source"]["url"] for m in listed)


@pytest.mark.spark
def test_spark_engine_gives_the_same_figures(loaded):
    home, _ = loaded
    args = [
        "metrics",
        "--metric",
        "staff_in_post_headcount,sickness_absence_rate",
        "--period",
        "2024-03",
        "--by",
        "org_code",
        "--format",
        "json",
    ]
    on_duckdb = json.loads(cli(home, *args).stdout)
    spark = cli(home, *args, "--engine", "spark")
    assert spark.returncode == 0, spark.stderr[-2000:]
    assert json.loads(spark.stdout) == on_duckdb
