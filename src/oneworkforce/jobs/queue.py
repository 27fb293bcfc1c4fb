"""The job queue, configured in one place.

``ONEWORKFORCE_REDIS_URL`` unset: an embedded queue, a SQLite file in the data directory
(``queue.sqlite3``), that needs no server; the demo and the tests use it. Set: Redis, for
production, where workers may run on other machines. Either way a queued job is stored until
a worker takes it, so stopping the workers loses nothing that was waiting.

This module does not import Django: the settings build the queue from it.
"""

from __future__ import annotations

import hashlib

from huey import Huey, RedisHuey, SqliteHuey

from oneworkforce.config import Home, redis_url


def queue_name(home: Home) -> str:
    """One queue per data directory, so two installations can share one Redis."""
    digest = hashlib.sha256(str(home.root).encode()).hexdigest()[:12]
    return f"oneworkforce-{digest}"


def make_huey(home: Home, *, immediate: bool = False) -> Huey:
    """The queue for ``home``. ``immediate``: run each job at once, in the caller's process
    (the unit tests; nothing is stored)."""
    name = queue_name(home)
    # results=False: what a job produced is kept in its Job row, not in the queue
    url = redis_url()
    if url:
        return RedisHuey(name, url=url, results=False, immediate=immediate)
    return SqliteHuey(
        name, filename=str(home.queue), results=False, immediate=immediate, timeout=30
    )


def describe(home: Home) -> str:
    """Where the queue is, in words for the console (no password shown)."""
    url = redis_url()
    if url:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return f"Redis at {parts.hostname}:{parts.port or 6379}"
    return f"embedded, {home.queue}"
