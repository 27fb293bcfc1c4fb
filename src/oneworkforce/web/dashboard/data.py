"""What the dashboard pages read: the results store and the organisation register, opened
once per process and re-read only when the stored data version changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings

from oneworkforce.data.lake import Lake
from oneworkforce.metrics import people_story
from oneworkforce.metrics.store import ResultsStore

_lock = threading.Lock()
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_MAX = 256


def lake() -> Lake:
    return Lake(settings.HOME)


def store() -> ResultsStore:
    return ResultsStore(lake().root)


def data_version() -> str:
    """The stored results' data version ('' before the first build)."""
    index = store().index()
    return "" if index is None else f"{index['data_version']}:{index['computed_at']}"


def cached(key: Hashable, make: Callable[[], Any]) -> Any:
    """A small per-process LRU keyed by what the value depends on (include the data version)."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = make()
    with _lock:
        _cache[key] = value
        while len(_cache) > _MAX:
            _cache.popitem(last=False)
    return value


def organisations() -> list[dict[str, Any]]:
    return cached(("organisations", data_version()), lambda: lake().organisations())


def places() -> list[str]:
    return sorted({str(o["place"]) for o in organisations() if o.get("place")})


def organisation_names() -> dict[str, str]:
    return {str(o["org_code"]): str(o["org_name"]) for o in organisations()}


def matrix(period: str | None, place: str | None) -> people_story.Matrix:
    from oneworkforce.web.dashboard import coverage

    key = ("matrix", data_version(), coverage.version(), period, place)
    return cached(
        key,
        lambda: people_story.build(
            store(),
            people_story.reference_segments(),
            period=period,
            place=place,
            organisations=organisations(),
            overrides=coverage.overrides(),
        ),
    )
