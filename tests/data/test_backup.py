"""Backup, restore and doctor (issue 14, item 4), with the real commands in subprocesses.

* A backup taken while an import is part-way (paused inside its commit) waits for it, and the
  restored data directory reads exactly as the source at the backup's ledger generation: the
  ledger, every dataset's rows, every stored result, the register export, the audit trail.
* A damaged or incomplete backup is refused with a message naming what is wrong.
* An import killed at each step leaves a data directory that ``doctor`` reports (and says
  what it would repair), and ``doctor --repair`` makes healthy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from oneworkforce.data.importer import CRASH_ENV, PAUSE_ENV
from oneworkforce.metrics.results_reader import ResultsReader
from tests.data.samples import SAMPLES, write
from tests.data.test_atomicity import cli, loaded_home, second_file  # noqa: F401

pytestmark = pytest.mark.slow

#: the PostgreSQL server of the PostgreSQL runs (DATABASE_URL's, else the CI's local one)
_PG = os.environ.get("DATABASE_URL", "")
PG_SERVER = (
    _PG.rsplit("/", 1)[0] if _PG.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432"
)


def run(home: Path, *args: str, db: str | None = None, **popen) -> subprocess.CompletedProcess:
    """The command line, on the data directory's own SQLite, or on the database ``db``."""
    if db is None:
        return cli(home, *args)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", CRASH_ENV)}
    env |= {"ONEWORKFORCE_SECRET_KEY": "test", "DATABASE_URL": f"{PG_SERVER}/{db}"}
    return subprocess.run(
        [sys.executable, "-m", "oneworkforce", "--home", str(home), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a ceiling for a loaded machine, not an expected time
    )


@pytest.fixture
def databases(request):
    """Two new, empty PostgreSQL databases (source and restore target), dropped afterwards."""
    import uuid

    import psycopg

    names = [f"owf_backup_{uuid.uuid4().hex[:8]}_{k}" for k in ("src", "dst")]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as con:
        for name in names:
            con.execute(f"CREATE DATABASE {name}")
    yield names
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as con:
        for name in names:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def figures(home: Path, db: str | None = None) -> dict:
    """Everything a reader can get out of a data directory, in comparable form."""
    ledger = json.loads(run(home, "submissions", "--format", "json", db=db).stdout)
    for entry in ledger:
        entry.pop("seconds", None)
    con = duckdb.connect(str(home / "catalogue.duckdb"), read_only=True)
    datasets = {
        name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        for name in ("organisations", "staff_in_post", "sickness_absence")
    }
    con.close()
    index = json.loads((home / "lake" / "_results" / "index.json").read_text())
    reader = ResultsReader(home / "lake")
    results = {
        (name, kind): getattr(reader, kind)(split=name)
        for name in index["splits"]
        for kind in ("results", "spc_points")
    }
    risks = run(home, "registers", "export", "risks", "--format", "csv", db=db).stdout
    trail = json.loads(run(home, "audit", "--format", "json", "--limit", "10000", db=db).stdout)
    return {
        "ledger": ledger,
        "datasets": datasets,
        "results": results,
        "results_generation": index["data_version"],
        "risks": risks,
        "audit": trail,
    }


def _source(tmp_path: Path, db: str | None = None) -> Path:
    home = tmp_path / "home"
    for dataset, rows in (
        ("organisations", SAMPLES["organisations"]),
        ("staff_in_post", SAMPLES["staff_in_post"]),
        ("sickness_absence", SAMPLES["sickness_absence"]),
    ):
        done = run(home, "import", dataset, str(write(tmp_path / f"{dataset}.csv", rows)), db=db)
        assert done.returncode == 0, done.stderr
    risks = tmp_path / "risks.csv"
    risks.write_text("Ref,Description,Owner\nWF-1,Agency spend above cap,Director\n")
    assert run(home, "registers", "import", "risks", str(risks), db=db).returncode == 0
    return home


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_backup_taken_during_an_import_restores_to_that_generation(tmp_path, database, request):
    src, dst = request.getfixturevalue("databases") if database == "postgresql" else (None, None)
    home = _source(tmp_path, src)
    before = figures(home, src)
    # an import paused inside its commit (holding the data directory's lock) for 3 seconds
    flag = tmp_path / "paused"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", CRASH_ENV)}
    env |= {"ONEWORKFORCE_SECRET_KEY": "test", PAUSE_ENV: f"before_publish:{flag}"}
    if src:
        env["DATABASE_URL"] = f"{PG_SERVER}/{src}"
    newer = [dict(SAMPLES["sickness_absence"][0], fte_days_lost=7.5)]
    importing = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oneworkforce",
            "--home",
            str(home),
            "import",
            "sickness_absence",
            str(write(tmp_path / "newer.csv", newer)),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert importing.poll() is None, importing.communicate()[1]
        assert time.monotonic() < deadline, "the import never reached its commit"
        time.sleep(0.05)
    backup = run(home, "backup", str(tmp_path / "backup"), "--format", "json", db=src)
    _, import_errors = importing.communicate(timeout=600)
    assert importing.returncode == 0, import_errors
    assert backup.returncode == 0, backup.stderr
    after = figures(home, src)
    assert after["datasets"] != before["datasets"]  # the import changed what a reader sees
    manifest = json.loads(backup.stdout)
    # the backup waited for the commit: it holds the generation after the import
    assert manifest["ledger_generation"] == after["results_generation"]
    restored = tmp_path / "restored"
    done = run(
        tmp_path / "unused", "restore", str(tmp_path / "backup"), "--home", str(restored), db=dst
    )
    assert done.returncode == 0, done.stderr
    assert manifest["database"] == database
    assert figures(restored, dst) == after
    assert run(restored, "doctor", db=dst).returncode == 0


def test_a_damaged_or_incomplete_backup_is_refused(tmp_path):
    home = _source(tmp_path)
    backup = tmp_path / "backup"
    assert cli(home, "backup", str(backup)).returncode == 0
    manifest = json.loads((backup / "MANIFEST.json").read_text())
    part = next(n for n in manifest["files"] if n.startswith("lake/sickness_absence/"))
    original = (backup / part).read_bytes()

    def restore(into: str) -> subprocess.CompletedProcess:
        return cli(tmp_path / "unused", "restore", str(backup), "--home", str(tmp_path / into))

    (backup / part).write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # one bit flipped
    damaged = restore("r1")
    assert damaged.returncode == 2
    assert f"the backup is damaged: {part} does not match its checksum" in " ".join(
        damaged.stderr.split()
    )
    (backup / part).unlink()
    missing = restore("r2")
    assert missing.returncode == 2 and f"{part} is missing" in " ".join(missing.stderr.split())
    (backup / part).write_bytes(original)
    (backup / "MANIFEST.json").unlink()
    incomplete = restore("r3")
    assert incomplete.returncode == 2 and "has no MANIFEST.json" in incomplete.stderr
    for into in ("r1", "r2", "r3"):  # nothing was restored
        assert not (tmp_path / into / "operational.sqlite3").exists()
    # and a data directory in use is never overwritten
    (backup / "MANIFEST.json").write_text(json.dumps(manifest))
    assert (
        "is not empty"
        in cli(tmp_path / "unused", "restore", str(backup), "--home", str(home)).stderr
    )


#: stage killed at -> what doctor finds (the checks that fail)
KILLED = {
    "after_staging": {"orphans"},  # a staged folder
    "before_publish": {"orphans"},  # a staged folder
    "after_publish": {"orphans"},  # a published folder the rolled-back ledger never recorded
    # committed, but the lake's manifest was not rewritten nor the results refreshed
    "after_commit": {"lake manifest", "results generation"},
}


@pytest.mark.parametrize("stage", list(KILLED))
def test_doctor_after_an_import_killed_at_each_step(loaded_home, tmp_path, stage):  # noqa: F811
    killed = cli(
        loaded_home, "import", "sickness_absence", str(second_file(tmp_path)), crash_at=stage
    )
    assert killed.returncode == 137
    check = cli(loaded_home, "doctor", "--format", "json")
    assert check.returncode == 1, check.stderr
    report = json.loads(check.stdout)
    problems = {f["check"] for f in report["findings"] if not f["ok"]}
    assert problems == KILLED[stage]
    assert all(f["repair"] for f in report["findings"] if not f["ok"])  # says what it would do
    repaired = cli(loaded_home, "doctor", "--repair", "--format", "json")
    assert repaired.returncode == 0, repaired.stdout
    assert json.loads(repaired.stdout)["healthy"] is True
