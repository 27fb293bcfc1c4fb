"""What the dashboard pages read: the results store and the organisation register, opened
once per process and re-read only when the stored data version changes.

The store is read for the request's viewer (:func:`oneworkforce.web.viewer.viewer`), so every
figure on a page or in a download has been through the minimum number of organisations per
group; every cache of figures and every rendered fragment is keyed by that viewer too."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from oneworkforce.data.lake import Lake
from oneworkforce.metrics import peers, people_story, targets
from oneworkforce.metrics.catalogue import Catalogue
from oneworkforce.metrics.results_reader import ResultsReader
from oneworkforce.web.viewer import viewer

_lock = threading.Lock()
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_MAX = 256
#: how long a rendered fragment is kept in the shared cache (its key names the data version)
FRAGMENT_SECONDS = 24 * 60 * 60


def lake() -> Lake:
    return Lake(settings.HOME)


def _store() -> ResultsReader:
    return ResultsReader(lake().root, viewer=viewer())


_version: dict[str, Any] = {}


def data_version() -> str:
    """The stored results' generation ('' before the first build): changes with every write,
    which replaces the index file (so its inode and time tell, without reading it)."""
    store = _store()
    try:
        stat = store.index_path.stat()
    except FileNotFoundError:
        return ""
    stamp = (str(store.index_path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if _version.get("stamp") != stamp:
        index = store.index()
        _version["value"] = (
            "" if index is None else f"{index['data_version']}:{index['computed_at']}"
        )
        _version["stamp"] = stamp
    return _version["value"]


def _freeze(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


class CachedStore:
    """The results store's reads, cached per process for the current generation. Rows are
    copied out, so a page may add display fields without changing the cache."""

    def __init__(self) -> None:
        self._inner = _store()
        self.version = data_version()

    def _read(self, method: str, *args: Any) -> Any:
        key = ("store", self.version, self._inner.viewer.key, method, _freeze(args))
        rows = cached(key, lambda: getattr(self._inner, method)(*args))
        return [dict(r) for r in rows]

    def results(self, metric=None, split="system", filters=None):
        return self._read("results", metric, split, filters)

    def series(self, metric, split="system", group=None, origin=None):
        return self._read("series", metric, split, group, origin)

    def latest(self, metric=None, split="system", filters=None):
        return self._read("latest", metric, split, filters)

    def index(self) -> dict[str, Any] | None:
        return self._inner.index()


def store() -> CachedStore:
    return CachedStore()


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


def fragment(key: Hashable, render: Callable[[], str]) -> SafeString:
    """A rendered page fragment from the shared cache (Redis, or files in the data directory),
    so every worker and app server renders it once per key; the key includes the data
    version, so a new build is never served an old figure. Our own templates, every value
    escaped when rendered, hence safe."""
    key = (key, viewer().key)
    name = "fragment:" + hashlib.sha256(repr(key).encode()).hexdigest()
    html = cache.get(name)
    if html is None:
        html = str(render())
        cache.set(name, html, FRAGMENT_SECONDS)
    return mark_safe(html)


def organisations() -> list[dict[str, Any]]:
    return cached(("organisations", data_version()), lambda: lake().organisations())


def ics_comparison(metric: str, period: str) -> list[dict[str, Any]]:
    """The ICS beside England and other ICSs for a month, from the national files in the lake
    (cached for the current data version)."""

    def make() -> list[dict[str, Any]]:
        con = lake().connect(threads=1)
        try:
            rows = peers.compare(con, metric, period)
        finally:
            con.close()
        return [
            {
                "group": f"{r.name} (this ICS)" if r.own else r.name,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "quality": "actual",
                "organisations": r.organisations,
            }
            for r in rows
        ]

    return [dict(r) for r in cached(("ics", data_version(), metric, period), make)]


def places() -> list[str]:
    return sorted({str(o["place"]) for o in organisations() if o.get("place")})


def organisation_names() -> dict[str, str]:
    return {str(o["org_code"]): str(o["org_name"]) for o in organisations()}


def catalogue() -> Catalogue:
    """The catalogue with the ICS's targets (targets.toml), read again when the file changes."""
    return cached(("targets", targets_version()), lambda: targets.load(settings.HOME.root))


def targets_version() -> Hashable:
    file = targets.path(settings.HOME.root)
    try:
        stat = file.stat()
    except FileNotFoundError:
        return ()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def matrix(period: str | None, place: str | None) -> people_story.Matrix:
    from oneworkforce.web.dashboard import coverage

    key = (
        "matrix",
        data_version(),
        coverage.version(),
        targets_version(),
        viewer().key,
        period,
        place,
    )
    return cached(
        key,
        lambda: people_story.build(
            store(),
            people_story.reference_segments(),
            period=period,
            place=place,
            organisations=organisations(),
            overrides=coverage.overrides(),
            catalogue=catalogue(),
        ),
    )


def warm() -> None:
    """Read the home page's figures once, so a new server process answers its first visitor
    as fast as the rest (called by each gunicorn worker after it starts)."""
    try:
        matrix(None, None)
    except Exception:  # an empty or unreadable store is shown on the page, not here
        return
