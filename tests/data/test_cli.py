"""The command line as a user runs it: exit codes, plain-words output and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.data.samples import SAMPLES, write
from tests.data.test_atomicity import cli

pytestmark = pytest.mark.slow


def test_import_then_list_the_ledger(tmp_path: Path):
    home = tmp_path / "home"
    reg = cli(
        home, "import", "organisations", str(write(tmp_path / "reg.csv", SAMPLES["organisations"]))
    )
    assert reg.returncode == 0, reg.stderr
    good = write(tmp_path / "sick.xlsx", SAMPLES["sickness_absence"])
    bad = write(tmp_path / "bad.csv", [dict(SAMPLES["sickness_absence"][0], org_code="NOPE")])
    run = cli(home, "import", "sickness_absence", str(good), str(bad), "--format", "json")
    assert run.returncode == 1  # one of the two files was rejected
    results = json.loads(run.stdout)
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["validation"]["errors"][0] == {
        "file": "bad.csv",
        "row": 2,
        "column": "org_code",
        "value": "NOPE",
        "rule": "unknown_organisation",
        "message": results[1]["validation"]["errors"][0]["message"],
    }
    ledger = json.loads(cli(home, "submissions", "--format", "json").stdout)
    assert sorted((s["file_name"], s["status"]) for s in ledger) == [
        ("bad.csv", "rejected"),
        ("reg.csv", "accepted"),
        ("sick.xlsx", "accepted"),
    ]
    assert (home / "catalogue.duckdb").exists() and (home / "operational.sqlite3").exists()


def test_text_output_names_row_column_value_and_rule(tmp_path: Path):
    home = tmp_path / "home"
    cli(home, "import", "organisations", str(write(tmp_path / "reg.csv", SAMPLES["organisations"])))
    bad = write(tmp_path / "bad.csv", [dict(SAMPLES["sickness_absence"][0], fte_days_lost="lots")])
    run = cli(home, "import", "sickness_absence", str(bad))
    assert run.returncode == 1
    assert "rejected, nothing was loaded" in run.stdout
    assert "bad.csv, row 2, column 'fte_days_lost'" in " ".join(run.stdout.split())
    assert "'lots'" in run.stdout and "[not_a_number]" in run.stdout


def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path):
    home = tmp_path / "home"
    run = cli(home, "import", "staff_on_mars", str(tmp_path / "x.csv"))
    assert run.returncode == 2
    assert run.stderr.strip().startswith("oneworkforce: unknown dataset 'staff_on_mars'")
    missing = cli(home, "import", "leavers", str(tmp_path / "nowhere.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_home_from_the_environment(tmp_path: Path, monkeypatch):
    import os
    import subprocess
    import sys

    from tests.data.test_atomicity import COMMAND_CEILING

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ONEWORKFORCE_HOME"] = str(tmp_path / "envhome")
    run = subprocess.run(
        [sys.executable, "-m", "oneworkforce", "submissions", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_CEILING,
    )
    assert run.returncode == 0 and json.loads(run.stdout) == []
    assert (tmp_path / "envhome" / "operational.sqlite3").exists()
