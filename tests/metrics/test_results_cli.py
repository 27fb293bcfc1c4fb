"""``oneworkforce import`` refreshes the stored results; ``results status|rebuild``."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from oneworkforce.metrics.impact import SPLITS
from oneworkforce.metrics.store import ResultsStore
from tests.data.samples import SAMPLES, write
from tests.data.test_atomicity import cli

pytestmark = pytest.mark.slow


def test_import_refreshes_and_the_results_commands_report(tmp_path):
    home = tmp_path / "home"
    register = write(tmp_path / "reg.csv", SAMPLES["organisations"])
    assert cli(home, "import", "organisations", str(register)).returncode == 0
    sickness = write(tmp_path / "sick.csv", SAMPLES["sickness_absence"])
    run = cli(home, "import", "sickness_absence", str(sickness), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "hook_errors" not in json.loads(run.stdout)[0]

    status = json.loads(cli(home, "results", "status", "--format", "json").stdout)
    assert status["built"] and not status["stale"]
    assert set(status["splits"]) == {s.name for s in SPLITS}
    # sickness for RZA and RZB in 2024-03: the monthly and 12-month rate, one row each
    assert status["splits"]["system"]["rows"] == 2
    store = ResultsStore(home / "lake")
    rows = store.results("sickness_absence_rate", "system")
    assert [r["period"] for r in rows] == ["2024-03"]
    assert rows[0]["value"] == pytest.approx(120.5 / (2480.0 + 310.0))

    run = cli(home, "results", "rebuild", "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["mode"] == "rebuild"
    assert report["data_version"] == status["data_version"]
    assert report["rows_written"]["org_code"] == 4  # two rates for each of RZA and RZB

    table = cli(home, "results", "status")
    assert table.returncode == 0 and "up to date" in table.stdout
    # when, in words a reader uses (the day and minute in UK time), not the stored ISO stamp
    stamp = json.loads(cli(home, "results", "status", "--format", "json").stdout)["computed_at"]
    when = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Europe/London"))
    assert stamp not in table.stdout
    assert when.strftime("%-d %b %Y %H:%M") in table.stdout
    assert "place × segment" in table.stdout
    assert "organisation × staff group" in table.stdout and "org_code" not in table.stdout


def test_files_of_one_command_are_submissions_each_and_one_refresh(tmp_path):
    home = tmp_path / "home"
    register = write(tmp_path / "reg.csv", SAMPLES["organisations"])
    assert cli(home, "import", "organisations", str(register)).returncode == 0
    months = []
    for month in ("2024-03", "2024-04", "2024-05"):
        rows = [dict(r, period=month) for r in SAMPLES["sickness_absence"]]
        months.append(write(tmp_path / f"sick-{month}.csv", rows))
    run = cli(home, "import", "sickness_absence", *map(str, months), "--format", "json")
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert len({r["submission_id"] for r in results}) == 3
    assert not any("hook_errors" in r for r in results)
    # one generation written for the three: a write keeps the generation before it for a
    # while, and that one is the register's import's (with a refresh per file it would be
    # the second file's, holding sickness)
    root = home / "lake" / "_results"
    current = json.loads((root / "index.json").read_text())["manifest"]
    earlier = [p for p in root.glob("manifest-*.parquet") if p.name != current]
    assert len(earlier) == 1
    assert set(pq.read_table(earlier[0])["dataset"].to_pylist()) == {"organisations"}
    status = json.loads(cli(home, "results", "status", "--format", "json").stdout)
    assert status["built"] and not status["stale"]
    rows = ResultsStore(home / "lake").results("sickness_absence_rate", "system")
    assert [r["period"] for r in rows] == ["2024-03", "2024-04", "2024-05"]
