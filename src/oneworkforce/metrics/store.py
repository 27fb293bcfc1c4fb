"""The results store: computed metrics and their SPC, kept in the lake for readers.

Layout under ``lake/_results/``::

    index.json                          the current generation: which files hold what
    results-<split>-<token>.parquet     one row per metric, period and group of a split
    spc-<split>-<token>.parquet         one row per point of every monthly series of a split
    manifest-<token>.parquet            the lake's slices the stored results were computed from
    .lock                               one writer at a time

Results are in long format: ``metric``, ``period``, the dimension columns (``place``,
``segment``, ``org_code``, ``staff_group``, ``staff_category``; ``band_cluster`` for WRES;
those outside the split are null), ``origin`` (``computed``, or ``aggregate`` for figures
entered through the ``aggregate`` dataset), ``value``, ``numerator``, ``denominator``,
``unit``, ``basis``, ``quality``, ``sources`` (the submission ids behind the figure),
``note``, ``computed_at`` and ``data_version`` (a hash of the manifest slices the row was
computed from).

**Atomicity.** A write puts new files under new names, then replaces ``index.json`` in one
``os.replace``; readers read the index once and then only the files it names, which are never
rewritten. A reader therefore sees one whole generation, and a failure or crash part-way
leaves the previous generation in place (stray files are removed by the next write; the files
of the previous generation are kept one write longer for readers still reading them).

**Incremental recompute.** :meth:`ResultsStore.refresh` compares the lake's manifest with the
copy kept beside the results; the slices that differ are the changes (the accepted
submission, the slices it superseded, and anything an earlier failed refresh missed).
:func:`oneworkforce.metrics.impact.affected` turns them into (metric, period, groups) per
split; those results are computed again with :func:`oneworkforce.metrics.compute`, replace
exactly the stored rows they cover, and the SPC of every series containing one of them is
worked out again. Everything else is left as it was, byte for byte.

**SPC.** Each series (metric, split, group and origin) of a metric SPC applies to
(``Metric.spc``: monthly and snapshot figures, never rolling 12-month or year-to-date ones)
is analysed with
:func:`oneworkforce.metrics.spc.analyse` in period order, months missing between its first and
last period counting as missing values. The target is the metric's first target on the side
that matters: a ceiling (``upper`` with no ``lower``) when lower is better, a floor when higher
is better. Neutral metrics, ranges (such as the 8-12% turnover band, which a single assurance
target cannot express) and targets on the other side give no target and so no assurance.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from oneworkforce.metrics import compute as _compute
from oneworkforce.metrics import spc
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.definitions import Metric
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

FORMAT = 1
DIMENSION_COLUMNS = (
    "place",
    "segment",
    "org_code",
    "staff_group",
    "staff_category",
    "band_cluster",
)
SERIES_COLUMNS = ("metric", *DIMENSION_COLUMNS, "origin")
_TIME = pa.timestamp("us", tz="UTC")

RESULTS_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("period", pa.string()),
        *[(d, pa.string()) for d in DIMENSION_COLUMNS],
        ("origin", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("unit", pa.string()),
        ("basis", pa.string()),
        ("quality", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("note", pa.string()),
        ("computed_at", _TIME),
        ("data_version", pa.string()),
    ]
)
SPC_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        *[(d, pa.string()) for d in DIMENSION_COLUMNS],
        ("origin", pa.string()),
        ("period", pa.string()),
        ("index", pa.int32()),
        ("value", pa.float64()),
        ("mean", pa.float64()),
        ("lpl", pa.float64()),
        ("upl", pa.float64()),
        ("outside_limits", pa.bool_()),
        ("close_to_limits", pa.bool_()),
        ("relative_to_mean", pa.int8()),
        ("special_cause_flag", pa.bool_()),
        ("point_type", pa.string()),
        ("rule", pa.string()),
        ("trial_limits", pa.bool_()),
        ("variation_icon", pa.string()),
        ("assurance", pa.string()),
        ("improvement", pa.string()),
        ("target", pa.float64()),
        ("computed_at", _TIME),
    ]
)
MANIFEST_COLUMNS = ("submission_id", "dataset", "segment", "org_code", "period", "rows", "status")

Row = dict[str, Any]
SeriesKey = tuple[str | None, ...]
ComputeFn = Callable[..., list[MetricResult]]


# --- small helpers -------------------------------------------------------------------------------


def spc_target(metric: Metric, segment: str | None = None) -> float | None:
    """The target SPC assurance is judged against (see the module docstring): the first of
    the metric's targets that applies to the segment (system-wide targets when none)."""
    applying = [t for t in metric.targets if t.applies_to(segment)]
    for target in applying[:1]:
        if metric.improvement == "decrease" and target.kind == "ceiling":
            return target.upper
        if metric.improvement == "increase" and target.kind == "floor":
            return target.lower
    return None


def data_version(slices: Sequence[Mapping[str, Any]]) -> str:
    """A hash of the manifest's slices (order does not matter)."""
    lines = sorted(json.dumps([s[c] for c in MANIFEST_COLUMNS], default=str) for s in slices)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def catalogue_fingerprint(catalogue: Catalogue) -> str:
    text = json.dumps(catalogue.to_list(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def series_key(row: Mapping[str, Any]) -> SeriesKey:
    return tuple(row[c] for c in SERIES_COLUMNS)


def _group_value(row: Mapping[str, Any], split: Split) -> str | None:
    return split.group_value(row)


def _sort_key(order: Mapping[str, int]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    def key(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            order.get(row["metric"], len(order)),
            *("" if row[c] is None else row[c] for c in (*DIMENSION_COLUMNS, "origin")),
            row["period"],
        )

    return key


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _write_parquet(rows: list[Row], schema: pa.Schema, path: Path) -> None:
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")
    _fsync(path)


def _read_parquet(path: Path, filters: list[tuple[str, str, Any]] | None = None) -> list[Row]:
    table = pq.read_table(path, filters=filters or None)
    return table.to_pylist()


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


# --- the store -----------------------------------------------------------------------------------


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


class ResultsStore:
    """Stored results of the standard splits under ``<lake_root>/_results``."""

    def __init__(
        self,
        lake_root: Path | str,
        *,
        catalogue: Catalogue = CATALOGUE,
        compute: ComputeFn = _compute,
    ) -> None:
        self.lake_root = Path(lake_root)
        self.root = self.lake_root / "_results"
        self.catalogue = catalogue
        self.compute = compute
        self._order = {code: i for i, code in enumerate(catalogue.codes)}

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
        try:
            data: dict[str, Any] = json.loads(self.index_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return data if data.get("format") == FORMAT else None

    # -- the lake ---------------------------------------------------------------------------
    def _lake(self) -> Any:
        from oneworkforce.config import Home
        from oneworkforce.data.lake import Lake

        return Lake(Home(self.lake_root.parent))

    def _manifest(self) -> list[Row]:
        path = self.lake_root / "_manifest" / "slices.parquet"
        if not path.exists():
            return []
        return pq.read_table(path).to_pylist()

    @contextlib.contextmanager
    def _source(self, source: Any) -> Iterator[Any]:
        if source is not None:
            yield source
            return
        lake = self._lake()
        con = lake.connect()
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
            with self._source(source) as con:
                return self._rebuild(con, manifest, progress)

    def refresh(self, source: Any = None) -> RefreshReport:
        """Bring the stored results in line with the lake, recomputing only what changed."""
        with self._lock():
            manifest = self._manifest()
            version = data_version(manifest)
            index = self.index()
            with self._source(source) as con:
                if (
                    index is None
                    or index.get("catalogue") != catalogue_fingerprint(self.catalogue)
                    or set(index["splits"]) != set(SPLITS_BY_NAME)
                ):
                    return self._rebuild(con, manifest)
                if index["data_version"] == version:
                    return RefreshReport("unchanged", version)
                old = _read_parquet(self.root / index["manifest"])
                register = self._register(con)
                changes, moved = _diff(old, manifest, register)
                scope = affected(
                    changes,
                    register,
                    months_changed=moved,
                    aggregate_metrics=self._aggregate_metrics(changes, old, manifest),
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
        self, changes: Sequence[Change], old: list[Row], new: list[Row]
    ) -> set[str]:
        """Metric codes named in the ``aggregate`` submissions behind the changed slices."""
        if not any(c.dataset == "aggregate" for c in changes):
            return set()
        keys = {(c.org, c.segment, c.m) for c in changes if c.dataset == "aggregate"}
        ids = {
            s["submission_id"]
            for s in (*old, *new)
            if s["dataset"] == "aggregate"
            and (s["org_code"], s["segment"], _month(s["period"])) in keys
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

    def _origin(self, manifest: list[Row]) -> Callable[[MetricResult], str]:
        aggregate_ids = {s["submission_id"] for s in manifest if s["dataset"] == "aggregate"}

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
    ) -> list[Row]:
        rows = []
        for r in results:
            unknown = set(r.dimensions) - set(DIMENSION_COLUMNS)
            if unknown:
                raise ValueError(f"{r.metric}: dimension {sorted(unknown)[0]!r} is not stored")
            row: Row = {"metric": r.metric, "period": r.period}
            row.update({d: r.dimensions.get(d) for d in DIMENSION_COLUMNS})
            row.update(
                origin=origin(r),
                value=r.value,
                numerator=r.numerator,
                denominator=r.denominator,
                unit=r.unit,
                basis=r.basis,
                quality=r.quality,
                sources=list(r.sources),
                note=r.note,
                computed_at=computed_at,
                data_version=version,
            )
            rows.append(row)
        return rows

    def _rebuild(
        self,
        con: Any,
        manifest: list[Row],
        progress: Callable[[str, int, int], None] | None = None,
    ) -> RefreshReport:
        version = data_version(manifest)
        now = datetime.now(UTC)
        origin = self._origin(manifest)
        report = RefreshReport("rebuild", version)
        tables: dict[str, tuple[list[Row], list[Row]]] = {}
        for i, split in enumerate(SPLITS):
            if progress:
                progress(split.name, i, len(SPLITS))
            codes = [m.code for m in self.catalogue if split.supports(m)]
            results = self.compute(con, metrics=codes, by=split.by, catalogue=self.catalogue)
            rows = sorted(self._rows(results, origin, now, version), key=_sort_key(self._order))
            points, count = self._analyse(rows, None, now)
            tables[split.name] = (rows, points)
            report.rows_written[split.name] = len(rows)
            report.series_analysed[split.name] = count
        self._commit(tables, manifest, version, now, previous=None)
        if progress:
            progress("done", len(SPLITS), len(SPLITS))
        return report

    def _update(
        self,
        con: Any,
        manifest: list[Row],
        index: Mapping[str, Any],
        scope: Scope,
        register: Register,
    ) -> RefreshReport:
        version = data_version(manifest)
        now = datetime.now(UTC)
        origin = self._origin(manifest)
        report = RefreshReport("incremental", version)
        tables: dict[str, tuple[list[Row], list[Row]]] = {}
        for split in SPLITS:
            split_scope = scope.get(split.name)
            if not split_scope:
                continue
            fresh = self._recompute(con, split, split_scope, origin, now, version)

            def covered(row: Mapping[str, Any], s: Split = split, sc: Scope = scope) -> bool:
                groups = sc[s.name].get((row["metric"], month_index(row["period"])), frozenset())
                return groups is None or _group_value(row, s) in groups

            files = index["splits"][split.name]
            old_rows = _read_parquet(self.root / files["results"])
            kept = [r for r in old_rows if not covered(r)]
            fresh = [r for r in fresh if covered(r)]
            rows = sorted([*kept, *fresh], key=_sort_key(self._order))
            touched = {series_key(r) for r in old_rows if covered(r)}
            touched |= {series_key(r) for r in fresh}
            old_points = _read_parquet(self.root / files["spc"])
            points, count = self._analyse(rows, touched, now)
            points += [p for p in old_points if series_key(p) not in touched]
            points.sort(key=_sort_key(self._order))
            tables[split.name] = (rows, points)
            report.rows_replaced[split.name] = len(old_rows) - len(kept)
            report.rows_written[split.name] = len(fresh)
            report.series_analysed[split.name] = count
        self._commit(tables, manifest, version, now, previous=index)
        return report

    def _recompute(
        self,
        con: Any,
        split: Split,
        split_scope: Mapping[tuple[str, int], frozenset[str] | None],
        origin: Callable[[MetricResult], str],
        now: datetime,
        version: str,
    ) -> list[Row]:
        """The results of a split's affected (metric, month) pairs: one engine call per set of
        metrics that share the same months."""
        months: dict[str, set[int]] = defaultdict(set)
        for code, m in split_scope:
            months[code].add(m)
        batches: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for code, ms in months.items():
            batches[tuple(sorted(ms))].append(code)
        rows: list[Row] = []
        for wanted, codes in batches.items():
            results = self.compute(
                con,
                metrics=codes,
                periods=[period_label(m) for m in wanted],
                by=split.by,
                catalogue=self.catalogue,
            )
            rows.extend(self._rows(results, origin, now, version))
        return rows

    def _analyse(
        self, rows: Sequence[Row], only: set[SeriesKey] | None, now: datetime
    ) -> tuple[list[Row], int]:
        """SPC points of every series of ``rows`` (or of the series in ``only``)."""
        series: dict[SeriesKey, list[Row]] = defaultdict(list)
        for row in rows:
            key = series_key(row)
            if only is None or key in only:
                series[key].append(row)
        points: list[Row] = []
        for key, members in series.items():
            points.extend(self.analyse_series(key, members, now))
        return points, len(series)

    def analyse_series(
        self, key: SeriesKey, rows: Sequence[Mapping[str, Any]], now: datetime | None = None
    ) -> list[Row]:
        """One series' SPC points: rows of one series key, any order; months missing between
        the first and the last count as missing values."""
        metric = self.catalogue.get(str(key[0]))
        by_month = {month_index(r["period"]): r["value"] for r in rows}
        months = list(range(min(by_month), max(by_month) + 1))
        values = [by_month.get(m) for m in months]
        base = dict(zip(SERIES_COLUMNS, key, strict=True))
        target = spc_target(metric, base.get("segment"))
        if not metric.spc:
            return _line_points(base, months, values, metric.improvement, target, now)
        result = spc.analyse(values, improvement=metric.improvement, target=target)
        trial = {}
        for group in result.groups:
            for i in range(group.start_index, group.start_index + group.n):
                trial[i] = group.trial_limits
        out = []
        for m, point in zip(months, result.points, strict=True):
            out.append(
                {
                    **base,
                    "period": period_label(m),
                    "index": point.index,
                    "value": point.value,
                    "mean": point.mean,
                    "lpl": point.lpl,
                    "upl": point.upl,
                    "outside_limits": point.outside_limits,
                    "close_to_limits": point.close_to_limits,
                    "relative_to_mean": point.relative_to_mean,
                    "special_cause_flag": point.special_cause_flag,
                    "point_type": point.point_type,
                    "rule": point.rule,
                    "trial_limits": trial[point.index],
                    "variation_icon": result.variation_icon,
                    "assurance": result.assurance,
                    "improvement": metric.improvement,
                    "target": target,
                    "computed_at": now or datetime.now(UTC),
                }
            )
        return out

    def _commit(
        self,
        tables: Mapping[str, tuple[list[Row], list[Row]]],
        manifest: list[Row],
        version: str,
        now: datetime,
        previous: Mapping[str, Any] | None,
    ) -> None:
        """Write the changed splits under new names, then swap the index in one replace."""
        self.root.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        splits: dict[str, Any] = dict(previous["splits"]) if previous else {}
        for name, (rows, points) in tables.items():
            results_file = f"results-{name}-{token}.parquet"
            spc_file = f"spc-{name}-{token}.parquet"
            _write_parquet(rows, RESULTS_SCHEMA, self.root / results_file)
            _write_parquet(points, SPC_SCHEMA, self.root / spc_file)
            splits[name] = {
                "by": list(SPLITS_BY_NAME[name].by),
                "results": results_file,
                "spc": spc_file,
                "rows": len(rows),
                "series": len({series_key(p) for p in points}),
                "computed_at": now.isoformat(),
            }
        manifest_file = f"manifest-{token}.parquet"
        table = pa.Table.from_pylist(
            [{c: s[c] for c in MANIFEST_COLUMNS} for s in manifest],
            schema=_manifest_schema(),
        )
        pq.write_table(table, self.root / manifest_file)
        _fsync(self.root / manifest_file)
        index = {
            "format": FORMAT,
            "data_version": version,
            "computed_at": now.isoformat(),
            "catalogue": catalogue_fingerprint(self.catalogue),
            "manifest": manifest_file,
            "splits": splits,
        }
        tmp = self.root / f"index.json.{token}.tmp"
        tmp.write_text(json.dumps(index, indent=2), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.index_path)
        self._collect_garbage(index, previous)

    def _collect_garbage(
        self, index: Mapping[str, Any], previous: Mapping[str, Any] | None
    ) -> None:
        keep = _files_of(index) | (_files_of(previous) if previous else set())
        for path in self.root.iterdir():
            if path.name in keep or path.name in ("index.json", ".lock"):
                continue
            if path.suffix in (".parquet", ".tmp"):
                path.unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------------------
    def _file(self, split: str, kind: str) -> Path | None:
        if split not in SPLITS_BY_NAME:
            raise ValueError(f"unknown split {split!r}; use {', '.join(SPLITS_BY_NAME)}")
        index = self.index()
        if index is None or split not in index["splits"]:
            return None
        return self.root / index["splits"][split][kind]

    def results(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Stored rows of a split, in catalogue order, then group and period. ``filters`` maps
        a dimension column, ``origin`` or ``period`` to a value or a list of values."""
        path = self._file(split, "results")
        return [] if path is None else _read_parquet(path, _filters(metric, filters))

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
        path = self._file(split, "spc")
        if path is None:
            return []
        points = _read_parquet(path, _filters(metric, group))
        if origin is None:
            origins = {p["origin"] for p in points}
            origin = "computed" if "computed" in origins or not origins else origins.pop()
        points = [p for p in points if p["origin"] == origin]
        if len({series_key(p) for p in points}) > 1:
            raise ValueError("the group given matches more than one series; name every dimension")
        return sorted(points, key=lambda p: p["period"])

    def spc_points(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Every stored SPC point of a split (optionally of some metrics and groups)."""
        path = self._file(split, "spc")
        return [] if path is None else _read_parquet(path, _filters(metric, filters))

    def latest(
        self,
        metric: str | Sequence[str] | None = None,
        split: str = "system",
        filters: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """The latest stored point of every series, with its value, SPC icon and assurance."""
        path = self._file(split, "results")
        spc_path = self._file(split, "spc")
        if path is None or spc_path is None:
            return []
        latest: dict[SeriesKey, Row] = {}
        for row in _read_parquet(path, _filters(metric, filters)):
            key = series_key(row)
            if key not in latest or row["period"] > latest[key]["period"]:
                latest[key] = row
        points = {
            (series_key(p), p["period"]): p
            for p in _read_parquet(spc_path, _filters(metric, filters))
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
        return sorted(out, key=_sort_key(self._order))

    def status(self) -> dict[str, Any]:
        """The stored data version against the lake's, and rows and series per split."""
        index = self.index()
        current = data_version(self._manifest())
        if index is None:
            return {"built": False, "data_version": None, "lake_version": current, "stale": True}
        return {
            "built": True,
            "data_version": index["data_version"],
            "lake_version": current,
            "stale": index["data_version"] != current
            or index.get("catalogue") != catalogue_fingerprint(self.catalogue),
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


# --- manifest differences --------------------------------------------------------------------


def _line_points(
    base: Mapping[str, Any],
    months: Sequence[int],
    values: Sequence[float | None],
    improvement: str,
    target: float | None,
    now: datetime | None,
) -> list[Row]:
    """The points of a series SPC does not apply to (rolling 12-month and year-to-date
    figures, whose consecutive values share months): values only, no mean, limits, special
    cause, variation icon or assurance."""
    return [
        {
            **base,
            "period": period_label(m),
            "index": i,
            "value": value,
            "mean": None,
            "lpl": None,
            "upl": None,
            "outside_limits": False,
            "close_to_limits": False,
            "relative_to_mean": None,
            "special_cause_flag": False,
            "point_type": None,
            "rule": None,
            "trial_limits": False,
            "variation_icon": None,
            "assurance": None,
            "improvement": improvement,
            "target": target,
            "computed_at": now or datetime.now(UTC),
        }
        for i, (m, value) in enumerate(zip(months, values, strict=True))
    ]


def _month(value: Any) -> int | None:
    return None if value is None else month_index(value)


def _manifest_schema() -> pa.Schema:
    from oneworkforce.data.lake import MANIFEST_SCHEMA

    return MANIFEST_SCHEMA


def _files_of(index: Mapping[str, Any]) -> set[str]:
    files = {index["manifest"]}
    for info in index["splits"].values():
        files.update((info["results"], info["spc"]))
    return files


def _diff(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], register: Register
) -> tuple[list[Change], set[tuple[str, int]]]:
    """The slices that differ between two manifests, and the (dataset, month) pairs that gained
    or lost all partner data."""

    def rows(manifest: Sequence[Mapping[str, Any]]) -> set[tuple[Any, ...]]:
        return {tuple(s[c] for c in MANIFEST_COLUMNS) for s in manifest}

    def current(manifest: Sequence[Mapping[str, Any]]) -> set[tuple[str, int]]:
        return months_with_data(
            (
                (s["dataset"], s["org_code"], _month(s["period"]))
                for s in manifest
                if s["status"] == "accepted"
            ),
            register,
        )

    changed = rows(old) ^ rows(new)
    changes = sorted(
        {
            Change(dataset, org, segment, _month(period))
            for _, dataset, segment, org, period, *_ in changed
        }
    )
    return changes, current(old) ^ current(new)


def after_commit_hook(home: Any) -> Callable[[Any], None]:
    """A hook for :class:`oneworkforce.data.importer.Importer`: refresh the results of the
    data directory ``home`` after each accepted submission."""
    return ResultsStore(home.lake).after_commit
