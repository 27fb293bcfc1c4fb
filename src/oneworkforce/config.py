"""Where OneWorkforce keeps its data: the data directory ("home").

The home holds the analytical store (the Parquet lake and its DuckDB catalogue) and, unless
``DATABASE_URL`` is set, the SQLite file of the operational store. It is chosen by
``oneworkforce --home DIR``, else ``ONEWORKFORCE_HOME``, else ``./.oneworkforce``, and is
created on first use, readable by its owner only (0700; the SQLite file 0600): it holds staff
records.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "ONEWORKFORCE_HOME"
DEFAULT_HOME = ".oneworkforce"
REDIS_ENV = "ONEWORKFORCE_REDIS_URL"
MIN_ORGANISATIONS_ENV = "ONEWORKFORCE_MIN_ORGANISATIONS"
#: the fewest organisations a figure may stand for when shown to someone who may not see
#: organisations' own figures (metrics/group_size.py)
DEFAULT_MIN_ORGANISATIONS = 2


def redis_url() -> str | None:
    """The Redis server every worker and app server shares (cache, sessions and the job
    queue), from ``ONEWORKFORCE_REDIS_URL``; ``None`` when it is not set, and the embedded
    defaults in the data directory are used instead."""
    return os.environ.get(REDIS_ENV, "").strip() or None


def min_organisations() -> int:
    """The minimum number of organisations per group, from ``ONEWORKFORCE_MIN_ORGANISATIONS``
    (a whole number of at least 1; 1 turns the rule off), default 2."""
    raw = os.environ.get(MIN_ORGANISATIONS_ENV, "").strip()
    if not raw:
        return DEFAULT_MIN_ORGANISATIONS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(
            f"{MIN_ORGANISATIONS_ENV} must be a whole number of at least 1; got {raw!r}"
        )
    return int(raw)


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> Home:
        raw = explicit or os.environ.get(HOME_ENV) or DEFAULT_HOME
        root = Path(raw).expanduser().resolve()
        private_dir(root)
        return cls(root)

    @property
    def lake(self) -> Path:
        """Accepted submissions as Parquet, one folder per dataset and submission."""
        return self.root / "lake"

    @property
    def catalogue(self) -> Path:
        """A DuckDB database of views over the lake, for analysts' own tools."""
        return self.root / "catalogue.duckdb"

    @property
    def sqlite(self) -> Path:
        """The operational store when DATABASE_URL is not set (a path only: the settings
        create it private with ``private_file`` before Django opens it)."""
        return self.root / "operational.sqlite3"

    @property
    def queue(self) -> Path:
        """The embedded job queue (SQLite) when ONEWORKFORCE_REDIS_URL is not set."""
        return self.root / "queue.sqlite3"

    @property
    def jobs(self) -> Path:
        """Files a queued job works on (an upload waiting for a worker), one folder a job."""
        path = self.root / "jobs"
        path.mkdir(exist_ok=True)
        return path

    @property
    def tmp(self) -> Path:
        """Scratch space: DuckDB spills here when a file is larger than memory allows."""
        path = self.root / "tmp"
        path.mkdir(exist_ok=True)
        return path


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) if needed; a folder made here is the owner's only."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        path.chmod(0o700)  # whatever the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty, readable and writable by its owner only, unless it exists (so a
    database made from it later, such as SQLite's, starts private)."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path
