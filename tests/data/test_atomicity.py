"""A file is accepted whole or not at all: a rejected file, an error part-way through, or the
process being killed at any step leaves the store as it was (or, killed after the commit,
with the whole file in). The kill tests run the real command in a subprocess on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oneworkforce.data.importer import CRASH_ENV
from tests.data.samples import SAMPLES, write

#: the longest one command may take before the test gives up: a ceiling with headroom for a
#: loaded two-core machine, not an expected duration (the Spark metrics command alone, with
#: its Java start, has taken close to 120 s here)
COMMAND_CEILING = 600


def cli(home: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", CRASH_ENV)}
    env["ONEWORKFORCE_SECRET_KEY"] = "test"
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "oneworkforce", "--home", str(home), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_CEILING,
    )


def state(home: Path) -> dict:
    """What a reader sees: the ledger's accepted files, the lake's folders and current rows."""
    ledger = json.loads(cli(home, "submissions", "--format", "json").stdout)
    import duckdb

    con = duckdb.connect(str(home / "catalogue.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT org_code, strftime(period, '%Y-%m'), fte_days_lost "
        "FROM sickness_absence ORDER BY ALL"
    ).fetchall()
    con.close()
    folders = sorted(str(p.relative_to(home)) for p in (home / "lake").rglob("submission=*"))
    staged = sorted(str(p) for p in (home / "lake").rglob(".staging/*"))
    accepted = sorted((s["file_name"], s["status"]) for s in ledger if s["status"] != "rejected")
    return {"accepted": accepted, "rows": rows, "folders": folders, "staged": staged}


@pytest.fixture
def loaded_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert (
        cli(
            home,
            "import",
            "organisations",
            str(write(tmp_path / "reg.csv", SAMPLES["organisations"])),
        ).returncode
        == 0
    )
    first = write(
        tmp_path / "first.csv",
        [
            {
                "period": "2024-03",
                "org_code": "RZA",
                "staff_group": "ahp",
                "fte_days_lost": 10,
                "fte_days_available": 100,
            },
            {
                "period": "2024-04",
                "org_code": "RZA",
                "staff_group": "ahp",
                "fte_days_lost": 20,
                "fte_days_available": 100,
            },
        ],
    )
    assert cli(home, "import", "sickness_absence", str(first)).returncode == 0
    return home


def second_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "second.csv",
        [
            {
                "period": "2024-04",
                "org_code": "RZA",
                "staff_group": "ahp",
                "fte_days_lost": 99,
                "fte_days_available": 100,
            }
        ],
    )


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["after_staging", "before_publish", "after_publish"])
def test_killed_before_the_commit_leaves_the_store_as_it_was(loaded_home, tmp_path, stage):
    before = state(loaded_home)
    killed = cli(
        loaded_home, "import", "sickness_absence", str(second_file(tmp_path)), crash_at=stage
    )
    assert killed.returncode == 137
    after = state(loaded_home)  # the next command reconciles the lake with the ledger
    assert after == before
    assert after["rows"] == [("RZA", "2024-03", 10.0), ("RZA", "2024-04", 20.0)]


@pytest.mark.slow
def test_killed_after_the_commit_keeps_the_whole_file(loaded_home, tmp_path):
    killed = cli(
        loaded_home,
        "import",
        "sickness_absence",
        str(second_file(tmp_path)),
        crash_at="after_commit",
    )
    assert killed.returncode == 137
    after = state(loaded_home)
    assert after["rows"] == [("RZA", "2024-03", 10.0), ("RZA", "2024-04", 99.0)]
    assert ("second.csv", "accepted") in after["accepted"]
    # and the file is recognised if sent again
    again = cli(loaded_home, "import", "sickness_absence", str(second_file(tmp_path)))
    assert again.returncode == 0 and "already loaded" in again.stdout


@pytest.mark.django_db
def test_an_error_inside_the_commit_changes_nothing(importer, tmp_path, monkeypatch):
    from oneworkforce.data.ledger.models import Submission

    good = write(tmp_path / "a.csv", SAMPLES["sickness_absence"])
    importer.import_file("sickness_absence", good)
    before = sorted(p.name for p in (importer.lake.root / "sickness_absence").iterdir())

    def publish_then_fail(dataset, submission_id, real=importer.lake.publish):
        real(dataset, submission_id)
        raise OSError("disk full")

    monkeypatch.setattr(importer.lake, "publish", publish_then_fail)
    rows = [dict(SAMPLES["sickness_absence"][0], fte_days_lost=1)]
    with pytest.raises(OSError):
        importer.import_file("sickness_absence", write(tmp_path / "b.csv", rows))
    assert sorted(p.name for p in (importer.lake.root / "sickness_absence").iterdir()) == before
    assert Submission.objects.filter(file_name="b.csv").count() == 0
    con = importer.lake.connect()
    assert con.execute("SELECT max(fte_days_lost) FROM sickness_absence").fetchone()[0] == 120.5
