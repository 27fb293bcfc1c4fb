"""The shared cache when it is Redis: an outage is a cache miss, not a server error.

Everything kept in the cache can be done without it, more slowly: sessions are database rows
read through it (``accounts.sessions``), dashboard fragments are rendered again, the
password-spraying count starts again. So while Redis is unreachable every cache call is
logged once a minute at most and answered as a miss (a write is dropped), and the pages keep
working. A job that cannot be queued while Redis is down waits in its row
(``jobs.actions.hand_over``).
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("oneworkforce.cache")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_WARN_EVERY = 60.0
_last_warning = [0.0]


def _warn(error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= _WARN_EVERY:
        _last_warning[0] = now
        log.warning("the shared cache (Redis) is unreachable, working without it: %s", error)


def _tolerant(method: str, missing: Any) -> Any:
    wrapped = getattr(RedisCache, method)

    @functools.wraps(wrapped)
    def call(self, *args, **kwargs):
        try:
            return wrapped(self, *args, **kwargs)
        except UNREACHABLE as error:
            _warn(error)
            if method == "get":  # the caller's default, as for a miss
                default = args[1] if len(args) > 1 else kwargs.get("default")
                return default
            return missing() if callable(missing) else missing

    return call


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, answering a miss while Redis is unreachable."""

    get = _tolerant("get", None)
    get_many = _tolerant("get_many", dict)
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    set_many = _tolerant("set_many", list)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", None)
