"""The write path of the results store: one writer at a time, rebuild, incremental refresh
and the commit of a new generation (layout in :mod:`oneworkforce.metrics.results_layout`; the
read path is :mod:`oneworkforce.metrics.results_reader`).

**Incremental recompute.** :meth:`ResultsWriter.refresh` compares the lake's manifest with the
copy kept beside the results; the slices that differ are the changes (the accepted
submission, the slices it superseded, and anything an earlier failed refresh missed).
:func:`oneworkforce.metrics.impact.affected` turns them into (metric, period, groups) per
split; those results are computed again with :func:`oneworkforce.metrics.compute`, replace
exactly the stored rows they cover, and the SPC of every series containing one of them is
worked out again. Everything else is left as it was, byte for byte.

**SPC.** Each series (metric, split, group and origin) of a metric SPC applies to
(``Metric.spc``: monthly and snapshot figures, never rolling 12-month or year-to-date ones)
is analysed with :func:`oneworkforce.metrics.spc.analyse` in period order, months missing
between its first and last period counting as missing values
(:func:`oneworkforce.metrics.spc_points.analyse_table`). The target is
:func:`oneworkforce.metrics.results_layout.spc_target`: neutral metrics, ranges (such as the
8-12% turnover band, which a single assurance target cannot express) and targets on the other
side give no target and so no assurance.

**After a crash.** A write that fails or is killed leaves the previous generation in place;
the files it had written are removed by the next write, and the files of the previous
generation are kept one write longer for readers still reading them.
:func:`repair_if_stale` brings a stale store up to date; :func:`refresh_after_commit` is what
the importer (or a background job) calls after a submission.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oneworkforce.metrics import compute as _compute
from oneworkforce.metrics import contributors, sources
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.engines.duckdb import DuckDBEngine
from oneworkforce.metrics.impact import (
    SPLITS,
    SPLITS_BY_NAME,
    Change,
    Register,
    Scope,
    Split,
    affected,
    months_with_data,
)
from oneworkforce.metrics.periods import month_index, period_label
from oneworkforce.metrics.results import MetricResult
from oneworkforce.metrics.results_layout import (
    DIMENSION_COLUMNS,
    FORMAT,
    MANIFEST_COLUMNS,
    RESULTS_SCHEMA,
    SERIES_COLUMNS,
    SPC_SCHEMA,
    Row,
    SeriesKey,
    catalogue_fingerprint,
    families,
    files_of,
    fsync,
    is_stale,
    lake_version,
    manifest_lines,
    read_index,
    read_manifest_table,
    results_root,
    stored_format,
    table_version,
)
from oneworkforce.metrics.spc_points import analyse_table

ComputeFn = Callable[..., list[MetricResult]]
#: threads reading or writing the results files of one refresh at once
_IO_THREADS = 8
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _io_pool() -> ThreadPoolExecutor:
    """This process's pool of I/O threads, made once (a refresh reads and writes files in
    about twenty batches; starting eight threads for each cost more than some batches)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():  # a forked worker makes its own
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=_IO_THREADS))
    return _pool[1]


def checkpoint(stage: str) -> None:
    """Die here, as a kill would, when the tests ask for it (see
    :func:`oneworkforce.data.importer.checkpoint`)."""
    from oneworkforce.data.importer import checkpoint as die_here_if_asked

    die_here_if_asked(stage)


def _significant(value: float | None) -> float | None:
    """A figure to 12 significant digits. DuckDB adds in whatever order its threads finish,
    so the same sum computed twice (in a refresh and in a full rebuild) can differ in the last
    bits (-150.46000000000822 against -150.46000000001004); SPC's exact arithmetic would then
    see a tie in one and a fall in the other. Twelve digits are far beyond any figure's
    meaning and make the two the same."""
    return None if value is None else float(f"{value:.12g}")


class _Written:
    """The results files this process wrote or read lately, by path, up to ``limit`` bytes.
    A stored file is never changed (each write has a new name), so a refresh in the same
    worker reads what the last one wrote from memory instead of decoding ~150 small files."""

    def __init__(self, limit: int = 256 * 2**20) -> None:
        self.limit = limit
        self._tables: OrderedDict[Path, tuple[pa.Table, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, path: Path) -> pa.Table:
        with self._lock:
            found = self._tables.get(path)
            if found is not None:
                self._tables.move_to_end(path)
                return found[0]
        table = pq.read_table(path)
        self.put(path, table)
        return table

    def put(self, path: Path, table: pa.Table) -> None:
        size = table.nbytes
        with self._lock:
            self._drop(path)
            self._tables[path] = (table, size)
            self._size += size
            while self._size > self.limit and len(self._tables) > 1:
                self._drop(next(iter(self._tables)))

    def forget(self, path: Path) -> None:
        with self._lock:
            self._drop(path)

    def _drop(self, path: Path) -> None:
        found = self._tables.pop(path, None)
        if found is not None:
            self._size -= found[1]


_written = _Written()


class _Manifest(NamedTuple):
    """The lake's manifest as one write read it: the table (written beside the results) and
    its data version."""

    table: pa.Table
    version: str


def _write_parquet(parts: Sequence[pa.Table], schema: pa.Schema, path: Path) -> None:
    """One file of ``parts`` (a family's metrics, in order), each its own row group, so that
    a reader asking for one metric decodes only its rows. Snappy, not zstd: these files are
    small and rewritten at every refresh, and for the ics demo's store zstd took twice as
    long to write them and 40% longer to read, for 9% fewer bytes
    (``benchmarks/results_codec.py``)."""
    parts = [part if part.schema.equals(schema) else part.cast(schema) for part in parts]
    with pq.ParquetWriter(path, schema, compression="snappy") as out:
        for part in parts:
            if part.num_rows:
                out.write_table(part)
    fsync(path)
    _written.put(path, pa.concat_tables(parts) if parts else schema.empty_table())


#: joins the parts of a key; a missing part is spelled NUL, which no stored value contains
_SEP, _MISSING = "\x1f", "\x00"
_DIMENSIONS = frozenset(DIMENSION_COLUMNS)


def _joined(columns: Sequence[pa.ChunkedArray | pa.Array]) -> pa.ChunkedArray:
    parts = [pc.fill_null(c, _MISSING) for c in columns]
    return pc.binary_join_element_wise(*parts, _SEP)


def _changed_series(old: pa.Table, fresh: pa.Table) -> pa.Array:
    """The series whose points differ between the rows replaced and their replacements: a
    month gained, lost or given another value. A series' SPC depends on nothing else, so the
    others keep their stored points."""

    def points(table: pa.Table) -> pa.ChunkedArray:
        value = pc.cast(table["value"], pa.string())  # shortest round-trip form
        return _joined([_series_keys(table), table["period"], value])

    if old.num_rows == 0 or fresh.num_rows == 0:
        return pa.concat_arrays([_series_keys(old), _series_keys(fresh)]).unique()
    before, after = points(old), points(fresh)
    gone = pc.invert(pc.is_in(before, value_set=after.combine_chunks()))
    new = pc.invert(pc.is_in(after, value_set=before.combine_chunks()))
    return pa.concat_arrays(
        [_series_keys(old.filter(gone)), _series_keys(fresh.filter(new))]
    ).unique()


def _series_keys(table: pa.Table) -> pa.Array:
    """One string per row naming its series (metric, dimensions and origin)."""
    if table.num_rows == 0:
        return pa.array([], pa.string())
    return _joined([table[c] for c in SERIES_COLUMNS]).combine_chunks()


def _covered(
    table: pa.Table, split: Split, split_scope: Mapping[tuple[str, int], frozenset[str] | None]
) -> pa.ChunkedArray | pa.Array:
    """Which rows of a split fall in the scope of a change: their (metric, month) is in it,
    for every group or for the row's group (:meth:`Split.group_value`)."""
    if table.num_rows == 0:
        return pa.array([], pa.bool_())
    every = [f"{code}{_SEP}{period_label(m)}" for (code, m), g in split_scope.items() if g is None]
    some = [
        f"{code}{_SEP}{period_label(m)}{_SEP}{group}"
        for (code, m), groups in split_scope.items()
        if groups is not None
        for group in groups
    ]
    metric_month = _joined([table["metric"], table["period"]])
    covered = pc.is_in(metric_month, value_set=pa.array(every, pa.string()))
    if some and split.org_levels:
        group = pc.binary_join_element_wise(*[table[c] for c in split.org_levels], "|")
        keyed = _joined([table["metric"], table["period"], group])
        covered = pc.or_(covered, pc.is_in(keyed, value_set=pa.array(some, pa.string())))
    return covered


@contextlib.contextmanager
def _as_tables(con: Any, datasets: Sequence[str]) -> Iterator[None]:
    """The smaller datasets read once into temporary tables of the same names, which DuckDB
    finds before the lake's views: an engine call makes a query or two per metric and split,
    and each would otherwise open every Parquet file of the dataset again (a sickness refresh
    read the 37 sickness files about 40 times). Staff in post, the largest, is left to the
    engine's own scan of the months it needs."""
    made: list[str] = []
    try:
        for name in datasets:
            con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM "{name}"')
            made.append(name)
        yield
    finally:
        for name in reversed(made):
            con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


@dataclass
class RefreshReport:
    """What a refresh or rebuild did."""

    mode: str  # rebuild | incremental | unchanged
    data_version: str
    rows_replaced: dict[str, int] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    series_analysed: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "data_version": self.data_version,
            "rows_replaced": self.rows_replaced,
            "rows_written": self.rows_written,
            "series_analysed": self.series_analysed,
        }


class ResultsWriter:
    """Writes the stored results of the standard splits under ``<lake_root>/_results``."""

    def __init__(
        self,
        lake_root: Path | str,
        *,
        catalogue: Catalogue = CATALOGUE,
        compute: ComputeFn = _compute,
    ) -> None:
        self.lake_root = Path(lake_root)
        self.root = results_root(self.lake_root)
        self.catalogue = catalogue
        self.compute = compute
        self._order = {code: i for i, code in enumerate(catalogue.codes)}
        self._family = families(catalogue)

    def _with_families(self, codes: Iterable[str]) -> list[str]:
        """``codes`` and the other metrics of their families, in catalogue order: a family's
        file is written whole, so a refresh carries over the stored rows of the metrics of the
        family it does not recompute."""
        touched = {self._family[code] for code in codes}
        return [code for code in self.catalogue.codes if self._family[code] in touched]

    def _compute_many(
        self, con: Any, splits: Sequence[Split], codes: Sequence[str], periods: Sequence[str] | None
    ) -> list[list[MetricResult]]:
        """One engine call for several splits (their shared steps materialised once), or one
        ``compute`` per split when the store was given its own ``compute``."""
        if self.compute is _compute:
            read = {d for code in codes for d in self.catalogue.get(code).datasets}
            with _as_tables(con, ["organisations", *sorted(read - {"staff_in_post"})]):
                return DuckDBEngine().compute_many(
                    con, [s.by for s in splits], codes, periods, catalogue=self.catalogue
                )
        return [
            self.compute(con, metrics=codes, periods=periods, by=s.by, catalogue=self.catalogue)
            for s in splits
        ]

    # -- paths and locking ------------------------------------------------------------------
    @property
    def index_path(self) -> Path:
        return self.root / "index.json"

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def index(self) -> dict[str, Any] | None:
        """The current generation's index (None before the first write)."""
        return read_index(self.lake_root)

    # -- the lake ---------------------------------------------------------------------------
    def _lake(self) -> Any:
        from oneworkforce.config import Home
        from oneworkforce.data.lake import Lake

        return Lake(Home(self.lake_root.parent))

    def _manifest(self) -> _Manifest:
        """The lake's manifest, read once per write (a ledger of years of monthly files has
        tens of thousands of slices)."""
        table = read_manifest_table(self.lake_root)
        return _Manifest(table, table_version(table))

    @contextlib.contextmanager
    def _source(self, source: Any, manifest: pa.Table | None = None) -> Iterator[Any]:
        """``source``, else a session on the lake's views of ``manifest`` (the manifest this
        write compares and records, so the figures are of exactly those slices)."""
        if source is not None:
            yield source
            return
        lake = self._lake()
        con = lake.connect(slices=manifest)
        try:
            yield con
        finally:
            con.close()

    @staticmethod
    def _register(con: Any) -> dict[str, tuple[str | None, str | None]]:
        if not isinstance(con, duckdb.DuckDBPyConnection):
            raise TypeError("the results store reads a DuckDB connection to the lake")
        rows = con.execute(
            "SELECT org_code, place, segment FROM organisations WHERE partner"
        ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    # -- writing: rebuild and refresh -------------------------------------------------------
    def rebuild(
        self, source: Any = None, progress: Callable[[str, int, int], None] | None = None
    ) -> RefreshReport:
        """Compute every standard split afresh (``source``: a DuckDB connection with the lake's
        views; by default the lake's current data). ``progress(split, done, total)`` is called
        as each split starts and once at the end."""
        with self._lock():
            manifest = self._manifest()
            with self._source(source, manifest.table) as con:
                return self._rebuild(con, manifest, progress)

    def refresh(self, source: Any = None) -> RefreshReport:
        """Bring the stored results in line with the lake, recomputing only what changed."""
        with self._lock():
            checkpoint("results_refresh_started")
            manifest = self._manifest()
            version = manifest.version
            index = self.index()
            whole = (
                index is None
                or index.get("catalogue") != catalogue_fingerprint(self.catalogue)
                or set(index["splits"]) != set(SPLITS_BY_NAME)
            )
            if not whole and index is not None and index["data_version"] == version:
                return RefreshReport("unchanged", version)
            with self._source(source, manifest.table) as con:
                if whole or index is None:
                    return self._rebuild(con, manifest)
                old = pq.read_table(self.root / index["manifest"])
                register = self._register(con)
                changes, moved = _diff(old, manifest.table, register)
                scope = affected(
                    changes,
                    register,
                    months_changed=moved,
                    aggregate_metrics=self._aggregate_metrics(changes, old, manifest.table),
                    catalogue=self.catalogue,
                )
                if scope is None:
                    return self._rebuild(con, manifest)
                return self._update(con, manifest, index, scope, register)

    def after_commit(self, result: Any) -> None:
        """The importer's hook: refresh after an accepted submission."""
        if getattr(result, "status", None) == "accepted":
            self.refresh()

    def _aggregate_metrics(
        self, changes: Sequence[Change], old: pa.Table, new: pa.Table
    ) -> set[str]:
        """Metric codes named in the ``aggregate`` submissions behind the changed slices."""
        if not any(c.dataset == "aggregate" for c in changes):
            return set()
        keys = {(c.org, c.segment, c.m) for c in changes if c.dataset == "aggregate"}
        ids = {
            s["submission_id"]
            for table in (old, new)
            for s in table.filter(pc.equal(table["dataset"], "aggregate")).to_pylist()
            if (s["org_code"], s["segment"], _month(s["period"])) in keys
        }
        codes: set[str] = set()
        for sid in ids:
            folder = self.lake_root / "aggregate" / f"submission={sid}"
            files = sorted(folder.glob("*.parquet"))
            if not files:
                return set(self.catalogue.codes)  # history gone: assume any metric
            for path in files:
                codes.update(pq.read_table(path, columns=["metric"]).column(0).to_pylist())
        return codes

    def _origin(self, manifest: pa.Table) -> Callable[[MetricResult], str]:
        mine = manifest.filter(pc.equal(manifest["dataset"], "aggregate"))
        aggregate_ids = set(mine["submission_id"].to_pylist())

        def origin(result: MetricResult) -> str:
            sources = set(result.sources)
            return "aggregate" if sources and sources <= aggregate_ids else "computed"

        return origin

    def _rows(
        self,
        results: Sequence[MetricResult],
        origin: Callable[[MetricResult], str],
        computed_at: datetime,
        version: str,
    ) -> pa.Table:
        """The stored rows of ``results`` (in their order), built column by column: a staff
        in post refresh stores about 6,000 figures, and a dict for each cost 0.1 s."""
        for r in results:
            unknown = r.dimensions.keys() - _DIMENSIONS
            if unknown:
                raise ValueError(f"{r.metric}: dimension {sorted(unknown)[0]!r} is not stored")
        n = len(results)
        columns: dict[str, Any] = {
            "metric": [r.metric for r in results],
            "period": [r.period for r in results],
            **{d: [r.dimensions.get(d) for r in results] for d in DIMENSION_COLUMNS},
            "origin": [origin(r) for r in results],
            "value": [_significant(r.value) for r in results],
            "numerator": [_significant(r.numerator) for r in results],
            "denominator": [_significant(r.denominator) for r in results],
            "unit": [r.unit for r in results],
            "basis": [r.basis for r in results],
            "quality": [r.quality for r in results],
            "sources": [list(r.sources) for r in results],
            "note": [r.note for r in results],
            "coverage": [r.coverage for r in results],
            "contributors": None,
            "contributor_count": None,
            "computed_at": pa.repeat(
                pa.scalar(computed_at, RESULTS_SCHEMA.field("computed_at").type), n
            ),
            "data_version": pa.repeat(pa.scalar(version, pa.string()), n),
        }
        arrays = [
            pa.nulls(n, f.type) if columns[f.name] is None else pa.array(columns[f.name], f.type)
            for f in RESULTS_SCHEMA
        ]
        return pa.table(arrays, schema=RESULTS_SCHEMA)

    def _rebuild(
        self,
        con: Any,
        manifest: _Manifest,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> RefreshReport:
        version = manifest.version
        now = datetime.now(UTC)
        origin = self._origin(manifest.table)
        report = RefreshReport("rebuild", version)
        tables: dict[str, dict[str, tuple[pa.Table, pa.Table]]] = {}
        # splits that support the same metrics share one engine call
        groups: dict[tuple[str, ...], list[Split]] = defaultdict(list)
        for split in SPLITS:
            groups[tuple(m.code for m in self.catalogue if split.supports(m))].append(split)
        done = 0
        for codes, splits in groups.items():
            if progress:
                progress(splits[0].name, done, len(SPLITS))
            for split, results in zip(
                splits, self._compute_many(con, splits, codes, None), strict=True
            ):
                rows = self._sorted(self._rows(results, origin, now, version))
                points, count = analyse_table(rows, self.catalogue, now)
                tables[split.name] = _per_metric(rows, self._sorted(points), codes)
                report.rows_written[split.name] = rows.num_rows
                report.series_analysed[split.name] = count
            done += len(splits)
        tables = self._with_contributors(con, tables, self._register(con), None)
        self._commit(tables, manifest.table, version, now, previous=None)
        if progress:
            progress("done", len(SPLITS), len(SPLITS))
        return report

    def _update(
        self,
        con: Any,
        manifest: _Manifest,
        index: Mapping[str, Any],
        scope: Scope,
        register: Register,
    ) -> RefreshReport:
        now = datetime.now(UTC)
        version = manifest.version
        origin = self._origin(manifest.table)
        report = RefreshReport("incremental", version)
        tables: dict[str, dict[str, tuple[pa.Table, pa.Table]]] = {}
        splits = [split for split in SPLITS if scope.get(split.name)]
        fresh_rows = self._recompute(con, splits, scope, origin, now, version)
        for split in splits:
            split_scope = scope[split.name]
            # only the files of the families in scope are read and written again
            codes = self._with_families(code for code, _ in split_scope)
            stored = index["splits"][split.name]["metrics"]
            old = _read_all(
                [self.root / stored[c]["results"] for c in codes if c in stored], RESULTS_SCHEMA
            )
            fresh = pa.concat_tables(fresh_rows[split.name])
            old_covered = _covered(old, split, split_scope)
            fresh = fresh.filter(_covered(fresh, split, split_scope))
            kept = old.filter(pc.invert(old_covered))
            rows = self._sorted(pa.concat_tables([kept, fresh]))
            touched = _changed_series(old.filter(old_covered), fresh)
            # the SPC of every touched series is worked out again from its rows as now stored
            wanted = rows.filter(pc.is_in(_series_keys(rows), value_set=touched))
            new_points, count = analyse_table(wanted, self.catalogue, now)
            old_points = _read_all(
                [self.root / stored[c]["spc"] for c in codes if c in stored], SPC_SCHEMA
            )
            untouched = old_points.filter(
                pc.invert(pc.is_in(_series_keys(old_points), value_set=touched))
            )
            tables[split.name] = _per_metric(
                rows, self._sorted(pa.concat_tables([untouched, new_points])), codes
            )
            report.rows_replaced[split.name] = old.num_rows - kept.num_rows
            report.rows_written[split.name] = fresh.num_rows
            report.series_analysed[split.name] = count
        tables = self._with_contributors(con, tables, register, index)
        self._commit(tables, manifest.table, version, now, previous=index)
        return report

    def _with_contributors(
        self,
        con: Any,
        tables: Mapping[str, Mapping[str, tuple[pa.Table, pa.Table]]],
        register: Register,
        index: Mapping[str, Any] | None,
    ) -> dict[str, dict[str, tuple[pa.Table, pa.Table]]]:
        """The organisations behind each figure about to be written (metrics/contributors.py),
        from the organisation-level results of this write, else of ``index``'s generation."""

        def stored(split: str, code: str) -> pa.Table | None:
            info = (index or {}).get("splits", {}).get(split, {}).get("metrics", {}).get(code)
            if info is None:
                return None
            table = _written.get(self.root / info["results"])  # the family's file
            return table.filter(pc.equal(table["metric"], code))

        # the segments sized by aggregate figures are in no total across segments
        left_out = frozenset(r[0] for r in con.execute(sources.SIZED_SEGMENTS_SQL).fetchall())
        return contributors.with_contributors(
            tables, register, self.lake_root, stored, left_out, con
        )

    def _recompute(
        self,
        con: Any,
        splits: Sequence[Split],
        scope: Scope,
        origin: Callable[[MetricResult], str],
        now: datetime,
        version: str,
    ) -> dict[str, list[pa.Table]]:
        """The results of each split's affected (metric, month) pairs, and maybe a few more
        (the caller keeps only those in scope): one engine call for the splits that ask for the
        same metrics, over every month any of them asks for, so that the shared steps (such as
        the scan of staff in post) are made once."""
        batches: dict[tuple[str, ...], list[Split]] = defaultdict(list)
        months: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for split in splits:
            codes = tuple(sorted({c for c, _ in scope[split.name]}, key=self._order.__getitem__))
            batches[codes].append(split)
            months[codes].update(m for _, m in scope[split.name])
        rows: dict[str, list[pa.Table]] = {split.name: [] for split in splits}
        for codes, members in batches.items():
            periods = [period_label(m) for m in sorted(months[codes])]
            for split, results in zip(
                members, self._compute_many(con, members, codes, periods), strict=True
            ):
                rows[split.name].append(self._rows(results, origin, now, version))
        return rows

    def _sorted(self, table: pa.Table) -> pa.Table:
        """Rows in catalogue order, then group (missing values first) and period."""
        codes = pa.array(list(self._order), pa.string())
        order = pc.fill_null(pc.index_in(table["metric"], value_set=codes), len(codes))
        keys = [order, *(table[c] for c in (*DIMENSION_COLUMNS, "origin", "period"))]
        names = [f"k{i}" for i in range(len(keys))]
        # a missing dimension sorts first (no stored value is empty, so this is the order of
        # missing as "", without filling the columns in first)
        indices = pc.sort_indices(
            pa.table(keys, names=names), sort_keys=[(n, "ascending", "at_start") for n in names]
        )
        return table.take(indices)

    def analyse_series(
        self, key: SeriesKey, rows: Sequence[Mapping[str, Any]], now: datetime | None = None
    ) -> list[Row]:
        """One series' SPC points: rows (``period`` and ``value``) of the series ``key``, any
        order; months missing between the first and the last count as missing values."""
        ordered = sorted(rows, key=lambda r: month_index(r["period"]))
        table = pa.table(
            {
                **{
                    c: pa.array([v] * len(ordered), pa.string())
                    for c, v in zip(SERIES_COLUMNS, key, strict=True)
                },
                "period": pa.array([r["period"] for r in ordered], pa.string()),
                "value": pa.array([r["value"] for r in ordered], pa.float64()),
            }
        )
        points, _ = analyse_table(table, self.catalogue, now or datetime.now(UTC))
        return points.to_pylist()

    def _commit(
        self,
        tables: Mapping[str, Mapping[str, tuple[pa.Table, pa.Table]]],
        manifest: pa.Table,
        version: str,
        now: datetime,
        previous: Mapping[str, Any] | None,
    ) -> None:
        """Write the changed splits under new names, one file of results and one of SPC points
        per family of metrics, then swap the index in one replace. ``tables`` holds every
        metric of each family it touches (a family's file is written whole)."""
        checkpoint("results_computed")
        self.root.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        splits: dict[str, Any] = dict(previous["splits"]) if previous else {}
        writes: list[tuple[list[pa.Table], pa.Schema, Path]] = []
        for name, metrics in tables.items():
            info = splits.get(name) or {"metrics": {}}
            stored: dict[str, Any] = dict(info["metrics"])
            members: dict[str, list[str]] = defaultdict(list)
            for code in metrics:
                members[self._family[code]].append(code)
            for family, codes in members.items():
                split = SPLITS_BY_NAME[name]
                whole = {
                    c
                    for c in self._with_families([family])
                    if split.supports(self.catalogue.get(c))
                }
                if not whole <= set(codes):
                    raise AssertionError(f"{name}: family {family} is not written whole")
                kept = [c for c in codes if metrics[c][0].num_rows or metrics[c][1].num_rows]
                for code in set(codes) - set(kept):
                    stored.pop(code, None)
                if not kept:
                    continue
                results_file = f"results-{name}-{family}-{token}.parquet"
                spc_file = f"spc-{name}-{family}-{token}.parquet"
                writes.append(
                    ([metrics[c][0] for c in kept], RESULTS_SCHEMA, self.root / results_file)
                )
                writes.append(([metrics[c][1] for c in kept], SPC_SCHEMA, self.root / spc_file))
                for code in kept:
                    stored[code] = {
                        "results": results_file,
                        "spc": spc_file,
                        "rows": metrics[code][0].num_rows,
                        "series": _series_count(metrics[code][1]),
                    }
            splits[name] = {
                "by": list(SPLITS_BY_NAME[name].by),
                "metrics": stored,
                "rows": sum(m["rows"] for m in stored.values()),
                "series": sum(m["series"] for m in stored.values()),
                "computed_at": now.isoformat(),
            }
        # written and synced side by side (Arrow and fsync let go of the GIL; a staff in post
        # refresh writes about 200 files), all before the index names them
        list(_io_pool().map(lambda w: _write_parquet(*w), writes))
        manifest_file = f"manifest-{token}.parquet"
        schema = _manifest_schema()
        pq.write_table(manifest.select(schema.names).cast(schema), self.root / manifest_file)
        fsync(self.root / manifest_file)
        index = {
            "format": FORMAT,
            "data_version": version,
            "computed_at": now.isoformat(),
            "catalogue": catalogue_fingerprint(self.catalogue),
            "ledger_generation": manifest.num_rows,
            "manifest": manifest_file,
            "splits": splits,
        }
        tmp = self.root / f"index.json.{token}.tmp"
        tmp.write_text(json.dumps(index, indent=2), encoding="utf-8")
        fsync(tmp)
        checkpoint("results_before_index")
        os.replace(tmp, self.index_path)
        checkpoint("results_after_index")
        self._collect_garbage(index, previous)

    def _collect_garbage(
        self, index: Mapping[str, Any], previous: Mapping[str, Any] | None
    ) -> None:
        keep = files_of(index) | (files_of(previous) if previous else set())
        for path in self.root.iterdir():
            if path.name in keep or path.name in ("index.json", ".lock"):
                continue
            if path.suffix in (".parquet", ".tmp"):
                path.unlink(missing_ok=True)
                _written.forget(path)


# --- manifest differences --------------------------------------------------------------------


def _month(value: Any) -> int | None:
    return None if value is None else month_index(value)


def _manifest_schema() -> pa.Schema:
    from oneworkforce.data.lake import MANIFEST_SCHEMA

    return MANIFEST_SCHEMA


def _series_count(points: pa.Table) -> int:
    """How many series a table of SPC points holds: each series has one first point (index
    0), so they are counted without building every point's series key again."""
    return int(pc.sum(pc.equal(points["index"], 0)).as_py() or 0)


def _read_all(paths: Sequence[Path], schema: pa.Schema) -> pa.Table:
    paths = list(dict.fromkeys(paths))  # a family's metrics share a file
    if not paths:
        return schema.empty_table()
    tables = list(_io_pool().map(_written.get, paths))
    return pa.concat_tables([t if t.schema.equals(schema) else t.cast(schema) for t in tables])


def _per_metric(
    rows: pa.Table, points: pa.Table, codes: Sequence[str]
) -> dict[str, tuple[pa.Table, pa.Table]]:
    """Rows and SPC points of each metric (a metric with neither is to be removed): slices of
    tables sorted in the order of ``codes`` (as :meth:`ResultsWriter._sorted` sorts them)."""
    by_rows, by_points = _runs(rows, codes), _runs(points, codes)
    return {code: (by_rows[code], by_points[code]) for code in codes}


def _runs(table: pa.Table, codes: Sequence[str]) -> dict[str, pa.Table]:
    """Each code's rows of ``table``, whose ``metric`` column runs through ``codes`` in order:
    one pass to find where each run starts, then zero-copy slices."""
    at = pc.index_in(table["metric"], value_set=pa.array(codes, pa.string()))
    found = at.to_numpy(zero_copy_only=False) if table.num_rows else np.array([], np.int64)
    if pc.any(pc.is_null(at)).as_py() or np.any(np.diff(found) < 0):
        raise AssertionError("rows of metrics out of order, or of metrics not asked for")
    starts = np.searchsorted(found, np.arange(len(codes) + 1))
    return {
        code: table.slice(int(starts[i]), int(starts[i + 1] - starts[i]))
        for i, code in enumerate(codes)
    }


def _diff(
    old: pa.Table, new: pa.Table, register: Register
) -> tuple[list[Change], set[tuple[str, int]]]:
    """The slices that differ between two manifest tables, and the (dataset, month) pairs that
    gained or lost all partner data."""
    before, after = manifest_lines(old), manifest_lines(new)
    changed = pa.concat_tables(
        [
            old.select(MANIFEST_COLUMNS).filter(pc.invert(pc.is_in(before, value_set=after))),
            new.select(MANIFEST_COLUMNS).filter(pc.invert(pc.is_in(after, value_set=before))),
        ]
    )
    changes = sorted(
        {
            Change(s["dataset"], s["org_code"], s["segment"], _month(s["period"]))
            for s in changed.to_pylist()
        }
    )
    return changes, months_with_data(old, register) ^ months_with_data(new, register)


# --- the narrow public interface: what the importer, commands and jobs call ------------------


def refresh_after_commit(home: Any) -> RefreshReport:
    """Refresh the stored results of the data directory ``home`` after a submission has been
    committed to the ledger (recomputing only what the changed slices reach)."""
    return ResultsWriter(home.lake).refresh()


def repair_if_stale(home: Any) -> RefreshReport | None:
    """Refresh the stored results if they are behind the lake's manifest or the catalogue
    (after a killed or failed refresh), or rebuild them if they were written in an earlier
    format; None when they are fresh or were never built."""
    writer = ResultsWriter(home.lake)
    index = writer.index()
    if index is None:
        if stored_format(home.lake) not in (None, FORMAT):
            return writer.rebuild()  # written by an earlier version: rebuilt in this format
        return None
    if not is_stale(index, lake_version(home.lake), writer.catalogue):
        return None
    return writer.refresh()


def after_commit_hook(home: Any) -> Callable[[Any], None]:
    """A hook for :class:`oneworkforce.data.importer.Importer`: refresh the results of the
    data directory ``home`` after each accepted submission."""
    return ResultsWriter(home.lake).after_commit
