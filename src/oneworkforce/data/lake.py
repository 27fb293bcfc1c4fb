"""The analytical store: accepted submissions as Parquet, and DuckDB views over them.

Layout under the data directory::

    lake/<dataset>/submission=<id>/data_N.parquet one folder per accepted file, never rewritten
    lake/<dataset>/.staging/<id>/                 a file being loaded; invisible to readers
    lake/_manifest/slices.parquet                 every slice (dataset, organisation, period)
                                                  with its status: accepted or superseded
    catalogue.duckdb                              views over the above, for analysts' tools

A folder becomes visible in one atomic rename, and only once the ledger has recorded it; the
views show a submission's rows only for its slices that are still current, so a superseded
month of one organisation disappears from the views while its rows stay on disk as history.
DuckDB and Spark read the same files and the same manifest.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from oneworkforce.config import Home, private_dir
from oneworkforce.data.reference import default_organisations_csv
from oneworkforce.data.schemas import DATASETS, ORGANISATIONS, Dataset, stored_columns

MANIFEST_SCHEMA = pa.schema(
    [
        ("submission_id", pa.string()),
        ("dataset", pa.string()),
        ("segment", pa.string()),
        ("org_code", pa.string()),
        ("period", pa.date32()),
        ("rows", pa.int64()),
        ("status", pa.string()),
    ]
)
ALL_DATASETS: dict[str, Dataset] = {**DATASETS, "organisations": ORGANISATIONS}


@dataclass(frozen=True)
class Slice:
    """The unit of supersession: one dataset, organisation (or area and segment) and month."""

    submission_id: str
    dataset: str
    segment: str | None
    org_code: str | None
    period: date | None
    rows: int
    status: str  # accepted | superseded


def slices_of(manifest: pa.Table) -> list[Slice]:
    """The slices of a manifest table (column by column: a ledger holds tens of thousands)."""
    columns = [manifest.column(f.name).to_pylist() for f in MANIFEST_SCHEMA]
    return [Slice(*values) for values in zip(*columns, strict=True)]


def read_manifest_file(path: Path) -> pa.Table:
    """The manifest at ``path`` as a table (empty, with its columns, before the first import):
    the lake's, or the copy the results store keeps beside its results."""
    if not path.exists():
        return MANIFEST_SCHEMA.empty_table()
    return pq.read_table(path)


#: per dataset, the submissions with current slices and those with superseded ones
Submissions = dict[str, tuple[set[str], set[str]]]


def _submissions(slices: Sequence[Slice] | pa.Table) -> Submissions:
    """Which submissions of each dataset are current and which partly or wholly superseded,
    from a list of slices or a manifest table (its distinct submissions first, so a ledger of
    tens of thousands of slices is not read slice by slice in Python)."""
    if isinstance(slices, pa.Table):
        keys = ["dataset", "submission_id", "status"]
        distinct = slices.select(keys).group_by(keys, use_threads=False).aggregate([])
        rows: Iterable[tuple[str, str, str]] = zip(
            *(distinct[k].to_pylist() for k in keys), strict=True
        )
    else:
        rows = ((s.dataset, s.submission_id, s.status) for s in slices)
    out: Submissions = {}
    for dataset, submission, status in rows:
        current, superseded = out.setdefault(dataset, (set(), set()))
        if status == "accepted":
            current.add(submission)
        else:
            superseded.add(submission)
    return out


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Lake:
    def __init__(self, home: Home):
        self.home = home
        self.root = private_dir(home.lake)

    # -- paths --------------------------------------------------------------------------------
    def staging_dir(self, dataset: str, submission_id: str) -> Path:
        return self.root / dataset / ".staging" / submission_id

    def published_dir(self, dataset: str, submission_id: str) -> Path:
        return self.root / dataset / f"submission={submission_id}"

    @property
    def manifest_path(self) -> Path:
        return self.root / "_manifest" / "slices.parquet"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time across processes (the CLI, the web app, a scheduled load)."""
        with open(self.home.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- writing ------------------------------------------------------------------------------
    def new_staging(self, dataset: str, submission_id: str) -> Path:
        path = self.staging_dir(dataset, submission_id)
        path.mkdir(parents=True, exist_ok=False)
        return path

    def publish(self, dataset: str, submission_id: str) -> None:
        """Make a staged submission's files part of the lake in one atomic rename."""
        os.replace(
            self.staging_dir(dataset, submission_id), self.published_dir(dataset, submission_id)
        )

    def discard_staging(self, dataset: str, submission_id: str) -> None:
        shutil.rmtree(self.staging_dir(dataset, submission_id), ignore_errors=True)

    def unpublish(self, dataset: str, submission_id: str) -> None:
        shutil.rmtree(self.published_dir(dataset, submission_id), ignore_errors=True)

    def write_manifest(self, slices: Sequence[Slice]) -> None:
        self.write_manifest_table(
            pa.table(
                {
                    "submission_id": [s.submission_id for s in slices],
                    "dataset": [s.dataset for s in slices],
                    "segment": [s.segment for s in slices],
                    "org_code": [s.org_code for s in slices],
                    "period": [s.period for s in slices],
                    "rows": [s.rows for s in slices],
                    "status": [s.status for s in slices],
                },
                schema=MANIFEST_SCHEMA,
            )
        )

    def write_manifest_table(self, table: pa.Table) -> None:
        """Replace the manifest with ``table`` (of :data:`MANIFEST_SCHEMA`), durably."""
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.manifest_path)

    def read_manifest(self) -> list[Slice]:
        return slices_of(self.read_manifest_table())

    def read_manifest_table(self) -> pa.Table:
        return read_manifest_file(self.manifest_path)

    def published_ids(self) -> dict[str, set[str]]:
        """Submission ids with a published folder, by dataset (including orphans)."""
        found: dict[str, set[str]] = {}
        for dataset in ALL_DATASETS:
            folder = self.root / dataset
            if folder.is_dir():
                found[dataset] = {p.name.split("=", 1)[1] for p in folder.glob("submission=*")}
        return found

    def clear_staging(self) -> None:
        for dataset in ALL_DATASETS:
            shutil.rmtree(self.root / dataset / ".staging", ignore_errors=True)

    # -- reading ------------------------------------------------------------------------------
    def view_sql(self, dataset: Dataset, submissions: Submissions) -> str:
        """SQL for the current rows of a dataset: whole files where every slice is current,
        the current slices only where a file has been partly superseded (``submissions``:
        :func:`_submissions` of the manifest)."""
        current, superseded = submissions.get(dataset.name, (set(), set()))
        columns = stored_columns(dataset)
        select = ", ".join(f'CAST("{n}" AS {t}) AS "{n}"' for n, t in columns)
        if dataset.name == "organisations":
            # registers stored before the register gained a column read it as empty
            stored = self._stored_names(dataset.name, list(current))
            select = ", ".join(
                f'CAST({chr(34) + n + chr(34) if n in stored else "NULL"} AS {t}) AS "{n}"'
                for n, t in columns
            )
        empty = (
            "SELECT "
            + ", ".join(f'CAST(NULL AS {t}) AS "{n}"' for n, t in columns)
            + (" WHERE false")
        )
        whole = [sid for sid in current if sid not in superseded]
        partial = [sid for sid in current if sid in superseded]
        parts = []
        if whole:
            files = ", ".join(
                _lit(str(self.published_dir(dataset.name, s) / "*.parquet")) for s in sorted(whole)
            )
            parts.append(f"SELECT {select} FROM read_parquet([{files}])")
        if partial:
            files = ", ".join(
                _lit(str(self.published_dir(dataset.name, s) / "*.parquet"))
                for s in sorted(partial)
            )
            key = (
                "coalesce(t.org_code, t.area_code)" if dataset.name == "aggregate" else "t.org_code"
            )
            seg = "t.segment" if dataset.name == "aggregate" else "CAST(NULL AS VARCHAR)"
            parts.append(
                f"SELECT {select} FROM read_parquet([{files}]) AS t "
                f"SEMI JOIN (SELECT * FROM _slices WHERE dataset = {_lit(dataset.name)} "
                f"AND status = 'accepted') AS m ON m.submission_id = t.submission_id "
                f"AND m.org_code = {key} AND m.period = t.period "
                f"AND m.segment IS NOT DISTINCT FROM {seg}"
            )
        if dataset.name == "organisations" and not parts:
            return self._default_register_sql()
        return " UNION ALL ".join(parts) if parts else empty

    def _stored_names(self, dataset: str, submissions: list[str]) -> set[str]:
        """The column names of a dataset's stored files (from their Parquet footers)."""
        import pyarrow.parquet as pq

        names: set[str] = set()
        for submission in submissions:
            for path in self.published_dir(dataset, submission).glob("*.parquet"):
                names.update(pq.read_schema(path).names)
        return names

    def _default_register_sql(self) -> str:
        path = self.home.root / "reference" / "organisations.default.csv"
        text = default_organisations_csv()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return (
            f"SELECT org_code, org_name, segment, place, sector, "
            f"CAST(partner AS BOOLEAN) AS partner, CAST(NULL AS VARCHAR) AS cqc_location_id, "
            f"CAST(NULL AS VARCHAR) AS ascwds_local_id, CAST(NULL AS VARCHAR) AS submission_id "
            f"FROM read_csv({_lit(str(path))}, header=true, all_varchar=true)"
        )

    def install_views(
        self,
        con: duckdb.DuckDBPyConnection,
        slices: Sequence[Slice] | pa.Table | None = None,
        datasets: Collection[str] | None = None,
    ) -> None:
        """The lake's views in ``con``: of every dataset, or of ``datasets`` only; of the
        manifest's ``slices`` (a list or the manifest table), else as now on disk."""
        by_dataset = _submissions(self.read_manifest_table() if slices is None else slices)
        if self.manifest_path.exists():
            con.execute(
                "CREATE OR REPLACE VIEW _slices AS SELECT * FROM read_parquet("
                f"{_lit(str(self.manifest_path))})"
            )
        else:
            con.execute(
                "CREATE OR REPLACE VIEW _slices AS SELECT CAST(NULL AS VARCHAR) AS "
                "submission_id, CAST(NULL AS VARCHAR) AS dataset, CAST(NULL AS VARCHAR) "
                "AS segment, CAST(NULL AS VARCHAR) AS org_code, CAST(NULL AS DATE) AS "
                "period, CAST(NULL AS BIGINT) AS rows, CAST(NULL AS VARCHAR) AS status "
                "WHERE false"
            )
        for dataset in ALL_DATASETS.values():
            if datasets is None or dataset.name in datasets:
                con.execute(
                    f'CREATE OR REPLACE VIEW "{dataset.name}" AS '
                    + self.view_sql(dataset, by_dataset)
                )
        if datasets is None:
            con.execute("CREATE OR REPLACE VIEW peers AS " + peers_sql())

    def connect(
        self,
        *,
        threads: int | None = None,
        slices: Sequence[Slice] | pa.Table | None = None,
        datasets: Collection[str] | None = None,
    ) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB session with one view per dataset (current rows only; of the
        manifest's ``slices`` when given, as read by the caller, else as now on disk), or of
        ``datasets`` only."""
        config: dict[str, str | bool | int | float | list[str]] = {
            "temp_directory": str(self.home.tmp)
        }
        if threads:
            config["threads"] = threads
        con = duckdb.connect(config=config)
        self.install_views(con, slices, datasets)
        return con

    def organisations(self) -> list[dict[str, object]]:
        """The current organisation register, one dict per organisation, by code."""
        con = self.connect(threads=1, datasets=("organisations",))
        try:
            cur = con.execute(
                "SELECT org_code, org_name, segment, place, sector, partner "
                "FROM organisations ORDER BY org_code"
            )
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            con.close()

    def organisation_codes(self) -> set[str]:
        return {str(o["org_code"]) for o in self.organisations()}

    def refresh_catalogue(self) -> None:
        """Rewrite catalogue.duckdb so analysts' own DuckDB sessions see the current views."""
        tmp = self.home.catalogue.with_suffix(".duckdb.tmp")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            self.install_views(con)
        finally:
            con.close()
        os.replace(tmp, self.home.catalogue)


def peers_sql() -> str:
    """Organisations of national files that are not in the register: code, name, ICS and
    cluster as the latest file gives them. They are in no figure of the ICS (the metrics read
    the register's partners only) and are shown in peer comparisons."""
    parts = [
        f"SELECT org_code, org_name, ics_code, ics_name, region_code, cluster_group, period "
        f'FROM "{d.name}" WHERE ics_code IS NOT NULL'
        for d in DATASETS.values()
        if d.peers_from
    ]
    return (
        "SELECT org_code, arg_max(org_name, period) AS org_name, "
        "arg_max(ics_code, period) AS ics_code, arg_max(ics_name, period) AS ics_name, "
        "arg_max(region_code, period) AS region_code, "
        "arg_max(cluster_group, period) AS cluster_group "
        f"FROM ({' UNION ALL '.join(parts)}) n "
        "WHERE org_code NOT IN (SELECT org_code FROM organisations) GROUP BY org_code"
    )


def register_spark_views(lake: Lake, spark, window: tuple[date, date] | None = None) -> None:
    """The same current-data views in a Spark session, read from the same Parquet files.

    With a ``window`` (first and last month), a dataset's view reads only the submissions
    with a current slice in those months, and only their rows in them: the manifest is the
    lake's index by period, so a refresh of recent months never opens the older files. The
    organisations register is always read whole."""
    slices = lake.read_manifest()
    manifest = spark.read.parquet(str(lake.manifest_path)) if slices else None
    for dataset in ALL_DATASETS.values():
        wanted = window if dataset.name != "organisations" else None
        current = {
            s.submission_id
            for s in slices
            if s.dataset == dataset.name
            and s.status == "accepted"
            and (wanted is None or s.period is None or wanted[0] <= s.period <= wanted[1])
        }
        partial = {
            s.submission_id for s in slices if s.dataset == dataset.name and s.status != "accepted"
        } & current
        columns = [name for name, _ in stored_columns(dataset)]
        frames = []
        whole = sorted(current - partial)
        if whole:
            frames.append(
                spark.read.parquet(
                    *[str(lake.published_dir(dataset.name, s)) for s in whole]
                ).select(*columns)
            )
        if partial and manifest is not None:
            rows = spark.read.parquet(
                *[str(lake.published_dir(dataset.name, s)) for s in sorted(partial)]
            )
            keep = manifest.filter(
                (manifest.dataset == dataset.name) & (manifest.status == "accepted")
            )
            org = "coalesce(org_code, area_code)" if dataset.name == "aggregate" else "org_code"
            rows = rows.selectExpr("*", f"{org} AS __org")
            cond = [
                rows.submission_id == keep.submission_id,
                rows.__org == keep.org_code,
                rows.period == keep.period,
            ]
            if dataset.name == "aggregate":
                cond.append(rows.segment == keep.segment)
            frames.append(rows.join(keep, cond, "left_semi").select(*columns))
        if wanted is not None and frames:
            first, last = wanted
            frames = [
                f.filter(f"period IS NULL OR period BETWEEN DATE '{first}' AND DATE '{last}'")
                for f in frames
            ]
        if dataset.name == "organisations" and not frames:
            con = lake.connect()
            try:
                table = con.execute("SELECT * FROM organisations").arrow()
            finally:
                con.close()
            frames.append(spark.createDataFrame(table.to_pandas()))
        if frames:
            frame = frames[0]
            for other in frames[1:]:
                frame = frame.unionByName(other)
        else:
            con = lake.connect()
            try:
                empty = con.execute(f'SELECT * FROM "{dataset.name}" LIMIT 0').arrow()
            finally:
                con.close()
            frame = spark.createDataFrame([], schema=_spark_schema(empty.schema))
        frame.createOrReplaceTempView(dataset.name)


def _spark_schema(schema: pa.Schema):
    from pyspark.sql import types as T

    mapping = {
        pa.string(): T.StringType(),
        pa.large_string(): T.StringType(),
        pa.date32(): T.DateType(),
        pa.float64(): T.DoubleType(),
        pa.int64(): T.LongType(),
        pa.bool_(): T.BooleanType(),
    }
    fields = []
    for f in schema:
        spark_type: T.DataType = (
            T.DecimalType(f.type.precision, f.type.scale)
            if pa.types.is_decimal(f.type)
            else mapping.get(f.type, T.StringType())
        )
        fields.append(T.StructField(f.name, spark_type, True))
    return T.StructType(fields)
