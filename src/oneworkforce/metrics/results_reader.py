"""The read path of the results store: what pages, the API and board packs ask for.

It reads one generation (see :mod:`oneworkforce.metrics.results_layout`) and never writes;
the write path is :mod:`oneworkforce.metrics.results_writer`. A reader reads for a
:class:`~oneworkforce.metrics.group_size.Viewer`: every figure it returns has been through the
minimum number of organisations per group for that viewer (``EVERYONE``, the default, sees all
of them: the command line and the analysts' pages).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from oneworkforce import formats
from oneworkforce.metrics import group_size
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.group_size import EVERYONE, Viewer
from oneworkforce.metrics.impact import SPLITS_BY_NAME
from oneworkforce.metrics.results_layout import (
    SERIES_COLUMNS,
    Row,
    SeriesKey,
    is_stale,
    manifest_path,
    read_index,
    read_manifest_table,
    read_parquet,
    results_root,
    series_key,
    sort_key,
    stored_generation,
    table_version,
)


def _filters(
    metric: str | Sequence[str] | None, filters: Mapping[str, Any] | None
) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    wanted = {"metric": metric, **(filters or {})}
    for column, value in wanted.items():
        if value is None:
            continue
        if column not in (*SERIES_COLUMNS, "period"):
            raise ValueError(f"cannot filter on {column!r}")
        values = [value] if isinstance(value, str) else list(value)
        out.append((column, "in", values))
    return out


@dataclass(frozen=True)
class Freshness:
    """The stored results against the ledger: its generation (how many slices it has
    recorded; every accepted file adds at least one, none is ever removed) when the caller
    gives it, and the lake's manifest (the ledger's slices as last written out)."""

    stale: bool
    stored_version: str | None  # None before the first build
    lake_version: str
    computed_at: str | None
    #: the ledger generation the stored results reflect (None before the first build)
    stored_generation: int | None = None
    #: the ledger's generation the store was compared with (None: not compared)
    ledger_generation: int | None = None

    @property
    def computed_label(self) -> str:
        """When the stored figures were computed, in UK time as every page gives a time
        (``1 Jul 2026 15:05`` for 14:05 UTC)."""
        return formats.when(self.computed_at) if self.computed_at else ""


_fresh_lock = threading.Lock()
_fresh_cache: dict[Path, tuple[tuple[Any, ...], Freshness]] = {}
#: the stored columns naming the organisations behind a figure (never shown to a reader who
#: may not see every organisation)
_CONTRIBUTORS = ("contributors", "contributor_count")


def _stamp(path: Path) -> tuple[Any, ...]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (None,)
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


class AmbiguousSeries(ValueError):
    """A group that matches more than one stored series (a dimension is left unnamed)."""


class ResultsReader:
    """Stored results of the standard splits under ``<lake_root>/_results``, for reading."""

    #: whose figures the reads are for (a ResultsStore, made as a writer is, reads for all)
    viewer: Viewer = EVERYONE

    def __init__(
        self,
        lake_root: Path | str,
        *,
        catalogue: Catalogue = CATALOGUE,
        viewer: Viewer = EVERYONE,
    ) -> None:
        self.lake_root = Path(lake_root)
        self.root = results_root(self.lake_root)
        self.catalogue = catalogue
        self.viewer = viewer
        self._order = {code: i for i, code in enumerate(catalogue.codes)}

    # -- the minimum number of organisations per group, for the viewer -----------------------
    def _disclose(self, split: str, rows: list[Row], *, spc: bool = False) -> list[Row]:
        """``rows`` of ``split`` with what the viewer may not see withheld, by the
        contributors stored with each figure (metrics/contributors.py); the list of them is
        not passed on to a restricted viewer."""
        if self.viewer.unrestricted or not rows:
            return rows
        behind = [
            frozenset((row["org_code"],))
            if row.get("org_code") is not None
            else frozenset(row.get("contributors") or ())
            for row in rows
        ]
        bare = [{k: v for k, v in row.items() if k not in _CONTRIBUTORS} for row in rows]
        shown = group_size.withhold(self.viewer, bare, behind)
        if not spc:
            return shown
        series: dict[SeriesKey, list[Row]] = {}
        for row in shown:
            series.setdefault(series_key(row), []).append(row)
        out: list[Row] = []
        for points in series.values():
            out.extend(group_size.withhold_series_statistics(points))
        return sorted(out, key=sort_key(self._order))

    @property
    def index_path(self) -> Path:
        return self.root / "index.json"

    def index(self) -> dict[str, Any] | None:
        """The current generation's index (None before the first write)."""
        return read_index(self.lake_root)

    def _files(
        self,
        split: str,
        kind: str,
        metric: str | Sequence[str] | None,
        index: Mapping[str, Any] | None = None,
    ) -> list[Path]:
        """The files of a split holding ``kind`` (results or spc) for some metrics (all by
        default), in catalogue order: one file per family of metrics, which the reads filter
        by metric."""
        if split not in SPLITS_BY_NAME:
            raise ValueError(f"unknown split {split!r}; use {', '.join(SPLITS_BY_NAME)}")
        index = self.index() if index is None else index
        if index is None or split not in index["splits"]:
            return []
        stored = index["splits"][split]["metrics"]
        wanted = stored if metric is None else [metric] if isinstance(metric, str) else metric
        codes = sorted(
            (c for c in set(wanted) if c in stored),
            key=lambda c: (self._order.get(c, len(self._order)), c),
        )
        return [self.root / name for name in dict.fromkeys(stored[c][kind] for c in codes)]

    @staticmethod
    def _read(paths: Sequence[Path], filters: list[tuple[str, str, Any]]) -> list[Row]:
        rows: list[Row] = []
        for path in paths:
            rows.extend(read_parquet(path, filters))
        return rows

    def results(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Stored rows of a split, in catalogue order, then group and period. ``filters`` maps
        a dimension column, ``origin`` or ``period`` to a value or a list of values."""
        rows = self._read(self._files(split, "results", metric), _filters(metric, filters))
        return self._disclose(split, rows)

    def series(
        self,
        metric: str,
        split: str = "system",
        group: Mapping[str, str] | None = None,
        origin: str | None = None,
    ) -> list[Row]:
        """The points of one series in period order, each with its SPC (mean, limits, flag,
        point type) and the series' variation icon and assurance. ``group`` gives the values of
        the split's dimensions (and ``band_cluster`` for WRES). Several origins (computed and
        aggregate) are never mixed: without ``origin``, the computed series is preferred."""
        points = self._read(self._files(split, "spc", metric), _filters(metric, group))
        if origin is None:
            origins = {p["origin"] for p in points}
            origin = "computed" if "computed" in origins or not origins else origins.pop()
        points = [p for p in points if p["origin"] == origin]
        if len({series_key(p) for p in points}) > 1:
            raise AmbiguousSeries(
                "the group given matches more than one series; name every dimension"
            )
        return sorted(self._disclose(split, points, spc=True), key=lambda p: p["period"])

    def spc_points(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Every stored SPC point of a split (optionally of some metrics and groups)."""
        points = self._read(self._files(split, "spc", metric), _filters(metric, filters))
        return self._disclose(split, points, spc=True)

    def latest(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """The latest stored point of every series, with its value, SPC icon and assurance."""
        index = self.index()  # one generation for both reads
        wanted = _filters(metric, filters)
        latest: dict[SeriesKey, Row] = {}
        for row in self._read(self._files(split, "results", metric, index), wanted):
            key = series_key(row)
            if key not in latest or row["period"] > latest[key]["period"]:
                latest[key] = row
        points = {
            (series_key(p), p["period"]): p
            for p in self._read(self._files(split, "spc", metric, index), wanted)
        }
        out = []
        for key, row in latest.items():
            point = points.get((key, row["period"]), {})
            out.append(
                {
                    **row,
                    "point_type": point.get("point_type"),
                    "variation_icon": point.get("variation_icon"),
                    "assurance": point.get("assurance"),
                    "target": point.get("target"),
                    "lpl": point.get("lpl"),
                    "upl": point.get("upl"),
                }
            )
        return sorted(self._disclose(split, out), key=sort_key(self._order))

    def freshness(self, ledger_generation: int | None = None) -> Freshness:
        """Whether the stored results reflect every slice of the ledger: stale when the
        store's ledger generation differs from ``ledger_generation`` (pages, the API and packs
        pass :func:`oneworkforce.data.ledger.service.generation`, so an import killed after
        the ledger's commit but before the manifest's rewrite shows at once), or when its data
        version differs from the lake's manifest. The index and the manifest are replaced
        (never rewritten) on change, so their inode, time and size tell whether to read them
        again: a page pays two ``stat`` calls and the ledger's count when nothing changed."""
        stamp = (_stamp(self.index_path), _stamp(manifest_path(self.lake_root)))
        with _fresh_lock:
            cached = _fresh_cache.get(self.lake_root)
        if cached is not None and cached[0] == stamp:
            fresh = cached[1]
        else:
            fresh = self._freshness()
            with _fresh_lock:
                _fresh_cache[self.lake_root] = (stamp, fresh)
        if ledger_generation is None:
            return fresh
        behind = fresh.stored_generation != ledger_generation
        return replace(fresh, stale=fresh.stale or behind, ledger_generation=ledger_generation)

    def _freshness(self) -> Freshness:
        index = self.index()
        manifest = read_manifest_table(self.lake_root)
        current = table_version(manifest)
        if index is None:
            # nothing stored yet: stale only when the lake holds data to show
            empty = manifest.num_rows == 0
            return Freshness(not empty, None, current, None, 0 if empty else None)
        stale = is_stale(index, current, self.catalogue)
        return Freshness(
            stale,
            index["data_version"],
            current,
            index.get("computed_at"),
            stored_generation(index, None if stale else manifest.num_rows),
        )

    def status(self, ledger_generation: int | None = None) -> dict[str, Any]:
        """The stored data version against the lake's (and the stored ledger generation
        against ``ledger_generation`` when given, as :meth:`freshness`), and rows and series
        per split."""
        index = self.index()
        fresh = self.freshness(ledger_generation)
        if index is None:
            return {
                "built": False,
                "data_version": None,
                "lake_version": fresh.lake_version,
                "stale": True,
            }
        return {
            "built": True,
            "data_version": index["data_version"],
            "lake_version": fresh.lake_version,
            "stale": fresh.stale,
            "ledger_generation": fresh.stored_generation,
            "computed_at": index["computed_at"],
            "splits": {
                name: {
                    "by": info["by"],
                    "rows": info["rows"],
                    "series": info["series"],
                    "computed_at": info["computed_at"],
                }
                for name, info in index["splits"].items()
            },
        }
