"""The Spark job (``python -m oneworkforce.metrics.spark_job``, what ``spark-submit`` runs on a
cluster) in local mode, on a small synthetic ICS loaded through the real import, and the Spark
views reading only the submissions a window of months needs.

Staff in post is imported as two files, so the lake holds two submissions: April-September
2022 and October 2022-March 2025. Results for October 2024-March 2025 read back to October
2022 (24 months: a year-to-date window compared with the year before), so the first file is
never opened for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from oneworkforce.config import Home
from oneworkforce.data.lake import Lake
from oneworkforce.metrics import compute
from tests.data.test_atomicity import cli

pytestmark = [pytest.mark.slow, pytest.mark.spark]

EARLY = ("2022-04", "2022-09")
LATE = ("2022-10", "2025-03")
ASKED = ("2024-10", "2025-03")
METRICS = "staff_in_post_headcount,turnover_rate,sickness_absence_rate_12m"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("spark-job")
    files, home = root / "files", root / "home"
    assert cli(home, "synth", "--out", str(files), "--scale", "small").returncode == 0
    assert cli(home, "import", "organisations", str(files / "organisations.csv")).returncode == 0
    for name, (first, last) in (("early", EARLY), ("late", LATE)):
        part = files / f"staff_in_post_{name}.csv"
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{files / 'staff_in_post.csv'}', all_varchar=true) "
            f"WHERE period BETWEEN '{first}' AND '{last}') TO '{part}' (HEADER)"
        )
        run = cli(home, "import", "staff_in_post", str(part))
        assert run.returncode == 0, run.stdout + run.stderr
    run = cli(home, "import", "sickness_absence", str(files / "sickness_absence.csv"))
    assert run.returncode == 0, run.stdout + run.stderr
    return home, files


def _submission_of(home: Path, period: str) -> str:
    lake = Lake(Home.resolve(home))
    return next(
        s.submission_id
        for s in lake.read_manifest()
        if s.dataset == "staff_in_post" and str(s.period).startswith(period)
    )


def test_the_job_in_local_mode_gives_duckdbs_figures(loaded, tmp_path):
    home, files = loaded
    out = tmp_path / "results.parquet"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    job = subprocess.run(
        [
            sys.executable,
            "-m",
            "oneworkforce.metrics.spark_job",
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            "--data",
            str(home),
            "--out",
            str(out),
            "--by",
            "system",
            "--by",
            "org_code",
            "--metric",
            METRICS,
            "--from",
            ASKED[0],
            "--to",
            ASKED[1],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # a JVM on a busy two-core machine: generous, the job takes ~1 minute
    )
    assert job.returncode == 0, job.stderr[-3000:]
    got = {
        (r["split"], r["metric"], r["period"], r["org_code"]): r["value"]
        for r in pq.read_table(out).to_pylist()
    }
    months = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]

    con = Lake(Home.resolve(home)).connect()
    try:
        want = {}
        for split, by in (("system", []), ("org_code", ["org_code"])):
            for r in compute(con, METRICS.split(","), months, by):
                key = (split, r.metric, r.period, r.dimensions.get("org_code"))
                want[key] = r.value
    finally:
        con.close()
    assert want, "something to compare"
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=0), key
    # and independently of both engines: the system headcount in March 2025 is the distinct
    # people with a non-bank assignment at a partner organisation in the submitted file
    (expected,) = duckdb.sql(f"""
        SELECT count(DISTINCT s.person_id)::DOUBLE
        FROM read_csv('{files / "staff_in_post.csv"}', all_varchar=true) s
        JOIN read_csv('{files / "organisations.csv"}', all_varchar=true) o USING (org_code)
        WHERE s.period = '2025-03' AND coalesce(s.contract_type, 'permanent') <> 'bank'
          AND lower(o.partner) = 'true'""").fetchone()
    assert got["system", "staff_in_post_headcount", "2025-03", None] == expected


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from oneworkforce.metrics.engines import spark as spark_engine

    session = spark_engine.session(
        master="local[1]",
        config={"spark.sql.shuffle.partitions": "1", "spark.ui.enabled": "false"},
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def test_a_window_of_months_reads_only_the_submissions_in_it(loaded, spark):
    from oneworkforce.data.lake import register_spark_views
    from oneworkforce.metrics.compiler import read_window

    home, _ = loaded
    lake = Lake(Home.resolve(home))
    early, late = _submission_of(home, EARLY[0]), _submission_of(home, LATE[1])
    assert early != late

    def folders() -> set[str]:
        files = spark.table("staff_in_post").inputFiles()
        return {Path(f.removeprefix("file:")).parent.name for f in files}

    register_spark_views(lake, spark)
    assert folders() == {f"submission={early}", f"submission={late}"}
    # asked for 2024-10..2025-03, read from 2022-10 (24 months before the first): the late file
    window = read_window(["2024-10", "2025-03"])
    assert [str(d) for d in window] == ["2022-10-01", "2025-03-01"]
    register_spark_views(lake, spark, window)
    assert folders() == {f"submission={late}"}
    months = spark.sql(
        "SELECT date_format(min(period), 'yyyy-MM'), date_format(max(period), 'yyyy-MM') "
        "FROM staff_in_post"
    ).collect()[0]
    assert tuple(months) == ("2022-10", "2025-03")
