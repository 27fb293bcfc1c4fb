"""Backing up, restoring and checking a data directory (``oneworkforce backup``, ``restore``,
``doctor``).

A backup is a folder:

    MANIFEST.json          what is in it: format, when, the database kind, the ledger's
                           generation and the results' generation, and the SHA-256 and size
                           of every other file; written last, so a backup without it is
                           incomplete
    operational.sqlite3    the operational store, through SQLite's online backup API, or
    operational.pgdump     the operational store, through ``pg_dump --format=custom``
    lake/...               the published submissions the ledger records, the lake's manifest
                           and the results store's current generation
    planning/...           the finished planning runs and the scenario files
    secret_key             the web app's key (sessions and signed links stay valid)

It is consistent while the app runs: it holds the data directory's lock (so no import commits
while the ledger and the lake are copied, and an import part-way waits, or is waited for) and
the results store's lock (so no refresh replaces the results while they are copied). The lake's
submission folders never change once published, so a copy of the ledger and of the folders it
names is the lake as of that ledger generation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oneworkforce.config import Home

FORMAT = "oneworkforce-backup/1"
MANIFEST = "MANIFEST.json"


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why in plain words."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database() -> dict[str, Any]:
    from django.db import connection

    return connection.settings_dict


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


@contextmanager
def _quiet_stores(home: Home) -> Iterator[None]:
    """Hold the data directory's lock (no import commits) and the results store's lock (no
    refresh writes) together."""
    from oneworkforce.data.lake import Lake
    from oneworkforce.metrics.store import ResultsStore

    with Lake(home).lock(), ResultsStore(home.lake)._lock():
        yield


def _copy_operational_store(out: Path) -> str:
    db = _database()
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        from django.db import connection

        from oneworkforce.config import private_file

        connection.ensure_connection()
        target = sqlite3.connect(private_file(out / "operational.sqlite3"))
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite"
    if engine.endswith("postgresql"):
        args, env = _pg_env(db)
        done = subprocess.run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--file",
                str(out / "operational.pgdump"),
                db["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1]}")
        return "postgresql"
    raise BackupError(f"backing up a {engine} database is not supported")


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


def make(home: Home, out: Path) -> dict[str, Any]:
    """Back ``home`` (and its operational store; Django set up for it) up into ``out``, a new
    or empty folder. Returns the manifest."""
    from oneworkforce.data.lake import ALL_DATASETS, Lake
    from oneworkforce.data.ledger import service
    from oneworkforce.metrics.store import ResultsStore, data_version

    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; back up into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    lake = Lake(home)
    with _quiet_stores(home):
        database = _copy_operational_store(out)
        slices = service.all_slices()
        generation = data_version([dataclasses.asdict(s) for s in slices])
        recorded = service.recorded_ids()
        for dataset in ALL_DATASETS:
            for sid in sorted(recorded & lake.published_ids().get(dataset, set())):
                _copy_tree(
                    lake.published_dir(dataset, sid),
                    out / "lake" / dataset / f"submission={sid}",
                )
        # the lake's manifest is written again from the copied ledger on restore; the results
        # store's current generation is copied as it is
        results = ResultsStore(home.lake)
        index = results.index()
        results_generation = None
        if index is not None:
            target = out / "lake" / "_results"
            target.mkdir(parents=True)
            for name in _results_files(index):
                shutil.copy2(results.root / name, target / name)
            shutil.copy2(results.index_path, target / "index.json")
            results_generation = index["data_version"]
    planning = home.root / "planning"
    if planning.is_dir():
        for item in planning.iterdir():
            finished = (item / "summary.json").is_file() or item.name == "scenarios"
            if item.is_dir() and not item.name.startswith(".") and finished:
                _copy_tree(item, out / "planning" / item.name)
    if (home.root / "secret_key").is_file():
        shutil.copy2(home.root / "secret_key", out / "secret_key")
    files = {
        p.relative_to(out).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": str(home.root),
        "database": database,
        "ledger_generation": generation,
        "submissions": len(recorded),
        "results_generation": results_generation,
        "files": files,
    }
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    return manifest


def _results_files(index: dict[str, Any]) -> list[str]:
    from oneworkforce.metrics.results_layout import files_of

    return sorted(files_of(index))


def verify(backup: Path) -> dict[str, Any]:
    """The backup's manifest, after checking that every file it lists is there, whole and
    unchanged; :class:`BackupError` naming the first problem otherwise."""
    path = backup / MANIFEST
    if not backup.is_dir():
        raise BackupError(f"{backup} is not a folder")
    if not path.is_file():
        raise BackupError(
            f"{backup} is not a complete backup: it has no {MANIFEST} (a backup writes it "
            "last, so the backup was interrupted or this is not a backup folder)"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is damaged: it is not readable JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a OneWorkforce backup manifest ({FORMAT})")
    for name, expected in manifest["files"].items():
        file = backup / name
        if not file.is_file():
            raise BackupError(f"the backup is incomplete: {name} is missing")
        if file.stat().st_size != expected["bytes"] or _sha256(file) != expected["sha256"]:
            raise BackupError(
                f"the backup is damaged: {name} does not match its checksum in {MANIFEST}"
            )
    store = "operational.sqlite3" if manifest["database"] == "sqlite" else "operational.pgdump"
    if store not in manifest["files"]:
        raise BackupError(f"the backup is incomplete: it lists no {store}")
    return manifest


def restore(backup: Path, target: Path) -> dict[str, Any]:
    """Restore a verified backup into ``target`` (a new or empty data directory). For a
    PostgreSQL backup, ``DATABASE_URL`` names the (empty) database to restore into. Django is
    set up for the target afterwards; returns the manifest."""
    manifest = verify(backup)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; restore into a new data directory")
    postgresql = manifest["database"] == "postgresql"
    if not postgresql and os.environ.get("DATABASE_URL"):
        raise BackupError(
            "this backup holds a SQLite operational store, but DATABASE_URL is set: unset it "
            "to restore into the data directory's own SQLite file"
        )
    if postgresql and not os.environ.get("DATABASE_URL"):
        raise BackupError(
            "this backup holds a PostgreSQL operational store: set DATABASE_URL to the "
            "empty database to restore it into"
        )
    from oneworkforce import opstore

    home = Home.resolve(target)
    os.chmod(target, 0o700)
    if postgresql:
        opstore.setup(home, migrate=False)
        _require_empty_database()
    for name in manifest["files"]:
        if name == "operational.pgdump":
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup / name, dest)
    if postgresql:
        _pg_restore(backup / "operational.pgdump")
    opstore.setup(home)
    from oneworkforce.data.importer import reconcile

    reconcile(home)  # the lake's manifest and catalogue, from the restored ledger
    return manifest


def _require_empty_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        (tables,) = cursor.fetchone()
    if tables:
        name = _database()["NAME"]
        raise BackupError(
            f"the database {name} is not empty ({tables} tables); restore into an empty one"
        )


def _pg_restore(dump: Path) -> None:
    db = _database()
    args, env = _pg_env(db)
    done = subprocess.run(
        ["pg_restore", *args, "--no-owner", "--exit-on-error", "--dbname", db["NAME"], str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip().splitlines()[-1]}")


# --- doctor -----------------------------------------------------------------------------------


@dataclass
class Finding:
    check: str
    ok: bool
    detail: str
    repair: str = ""  # what --repair does about it ("" when nothing needs doing)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(f.ok for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "findings": [f.__dict__ for f in self.findings],
        }


def doctor(home: Home) -> Report:
    """Check a data directory without changing it: the ledger against the lake (every recorded
    submission's folder present; no folder the ledger does not know; nothing left staged), the
    lake's manifest against the ledger, and the results' generation against the lake's."""
    from oneworkforce.data.lake import ALL_DATASETS, Lake
    from oneworkforce.data.ledger import service
    from oneworkforce.data.ledger.models import Submission
    from oneworkforce.metrics.store import ResultsStore, data_version

    lake = Lake(home)
    report = Report()
    recorded = service.recorded_ids()
    published = lake.published_ids()
    on_disk = {sid for ids in published.values() for sid in ids}
    missing = sorted(recorded - on_disk)
    if missing:
        names = [
            f"{s.dataset} {s.file_name} ({s.id})"
            for s in Submission.objects.filter(pk__in=missing[:5])
        ]
        report.findings.append(
            Finding(
                "ledger against lake",
                False,
                f"{len(missing)} accepted submission(s) have no files in the lake: "
                + "; ".join(names),
                "none possible: restore the data directory from a backup",
            )
        )
    else:
        report.findings.append(
            Finding(
                "ledger against lake", True, f"all {len(recorded)} recorded submissions present"
            )
        )
    orphans = sorted(on_disk - recorded)
    staged = sorted(
        p.name for dataset in ALL_DATASETS for p in (lake.root / dataset / ".staging").glob("*")
    )
    report.findings.append(
        Finding(
            "orphans",
            not orphans and not staged,
            f"{len(orphans)} submission folder(s) the ledger does not record, "
            f"{len(staged)} staged import(s) left by an interrupted import",
            "remove them" if orphans or staged else "",
        )
    )
    slices = service.all_slices()
    stale = set(slices) != set(lake.read_manifest())
    catalogue = home.catalogue.exists()
    report.findings.append(
        Finding(
            "lake manifest",
            not stale and catalogue,
            (
                "the lake's manifest is out of date with the ledger"
                if stale
                else "the lake's manifest matches the ledger"
            )
            + ("" if catalogue else "; the catalogue is missing"),
            "" if not stale and catalogue else "rewrite the manifest and the catalogue",
        )
    )
    ledger_generation = data_version([dataclasses.asdict(s) for s in slices])
    status = ResultsStore(home.lake).status()
    results_ok = status["built"] and status["data_version"] == ledger_generation
    if not slices and not status["built"]:
        results_ok = True  # an empty data directory has no results to be out of date
    report.findings.append(
        Finding(
            "results generation",
            bool(results_ok),
            f"results {status['data_version'] or 'not built'}, ledger {ledger_generation}",
            "" if results_ok else "recompute the results from the lake",
        )
    )
    return report


def repair(home: Home) -> Report:
    """Do what :func:`doctor` says it would, then check again."""
    from oneworkforce.data.importer import reconcile
    from oneworkforce.metrics.store import ResultsStore

    reconcile(home)
    before = doctor(home)
    if any(f.check == "results generation" and not f.ok for f in before.findings):
        ResultsStore(home.lake).refresh()
    return doctor(home)
