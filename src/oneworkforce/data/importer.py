"""Importing one partner file: read, validate, stage, then commit to the ledger and the lake.

A file is accepted whole or not at all. The order of the steps makes that hold through errors,
crashes and kills:

1. the file is validated and written to a staging folder that no reader looks at;
2. under the store's lock and inside one database transaction, the ledger records the
   submission and supersedes the slices it replaces, and the staged folder is renamed into
   the lake (one atomic rename); only then does the transaction commit;
3. the manifest that the views read is rewritten from the ledger (atomic replace).

A kill before step 2 commits leaves at most an unreferenced folder, which ``reconcile`` removes
at the next start; a kill after it leaves a stale manifest, which ``reconcile`` rewrites.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from oneworkforce.config import Home
from oneworkforce.data.errors import ValidationError, ValidationReport
from oneworkforce.data.headings import HeadingMap, match_headings
from oneworkforce.data.lake import ALL_DATASETS, Lake
from oneworkforce.data.readers import UnreadableFile, open_source
from oneworkforce.data.schemas import Dataset
from oneworkforce.data.validation import (
    CompiledDataset,
    count_duplicates,
    describe_errors,
    install_reference_tables,
)

Progress = Callable[[str], None]
#: Called with the result after each accepted file, outside the store's lock (e.g. to refresh
#: the stored metric results). A hook's error does not undo the import; it is reported.
AfterCommit = Callable[["ImportResult"], None]
CRASH_ENV = "ONEWORKFORCE_TEST_CRASH_AT"  # used by the tests to kill an import part-way
#: ``STAGE:FILE``: the tests pause an import at a stage (writing FILE when it gets there)
PAUSE_ENV = "ONEWORKFORCE_TEST_PAUSE_AT"
PAUSE_SECONDS = 3.0


def checkpoint(stage: str) -> None:
    """Die here, as a kill would, or pause a few seconds, when the tests ask for it."""
    if os.environ.get(CRASH_ENV) == stage:
        os._exit(137)
    pause_at, _, flag = os.environ.get(PAUSE_ENV, "").partition(":")
    if pause_at == stage:
        Path(flag).write_text(stage)
        time.sleep(PAUSE_SECONDS)


@dataclass
class ImportResult:
    file: str
    dataset: str
    status: str  # accepted | rejected | duplicate
    submission_id: str | None = None
    rows: int = 0
    organisations: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    superseded: list[dict[str, str | None]] = field(default_factory=list)
    report: ValidationReport = field(default_factory=lambda: ValidationReport((), 0, {}))
    duplicate_of: str | None = None
    seconds: float = 0.0
    hook_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("accepted", "duplicate")

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "file": self.file,
            "dataset": self.dataset,
            "status": self.status,
            "submission_id": self.submission_id,
            "rows": self.rows,
            "organisations": self.organisations,
            "periods": self.periods,
            "superseded": self.superseded,
            "duplicate_of": self.duplicate_of,
            "seconds": round(self.seconds, 3),
            "validation": self.report.to_dict(),
        }
        if self.hook_errors:
            out["hook_errors"] = self.hook_errors
        return out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _scratch(home: Home) -> duckdb.DuckDBPyConnection:
    # Bounded memory: DuckDB spills to the data directory's tmp/ beyond this limit.
    limit = os.environ.get("ONEWORKFORCE_IMPORT_MEMORY", "2GB")
    return duckdb.connect(
        config={
            "memory_limit": limit,
            "temp_directory": str(home.tmp),
            "preserve_insertion_order": False,
        }
    )


class Importer:
    """Imports files into one data directory's stores. Django must be set up (``opstore``)."""

    def __init__(
        self, home: Home, *, submitted_by: str = "cli", after_commit: Sequence[AfterCommit] = ()
    ):
        self.home = home
        self.lake = Lake(home)
        self.submitted_by = submitted_by
        self.after_commit = list(after_commit)

    def current_org_codes(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """The codes of the current organisation register, read in ``con`` (the import's own
        session, given the register's view: a session of its own costs more than the read)."""
        self.lake.install_views(con, datasets=("organisations",))
        return [r[0] for r in con.execute("SELECT upper(org_code) FROM organisations").fetchall()]

    def import_file(
        self,
        dataset_name: str,
        path: Path,
        progress: Progress | None = None,
        *,
        strict: bool = False,
    ) -> ImportResult:
        """Import one file. Columns the format does not need are dropped and reported;
        ``strict`` refuses a file with any such column instead."""
        return self.import_files([(dataset_name, path)], progress, strict=strict)[0]

    def import_files(
        self,
        files: Sequence[tuple[str, Path]],
        progress: Progress | None = None,
        *,
        strict: bool = False,
    ) -> list[ImportResult]:
        """Import several files (dataset, path) as one: every file is checked and staged, then
        all are recorded and published in one transaction, or none is (a file identical to an
        earlier one is a duplicate and is skipped). When one file is refused, the others are
        not stored and their results say so."""
        from oneworkforce.data.ledger import service

        started = time.perf_counter()
        note = progress or (lambda _stage: None)
        results: list[ImportResult] = []
        pending: list[tuple[ImportResult, service.FileFacts, Path]] = []
        for dataset_name, path in files:
            result = ImportResult(path.name, dataset_name, "rejected")
            results.append(result)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file")
            note("checking for an identical earlier file")
            facts = service.FileFacts(
                dataset_name,
                path.name,
                path.suffix.lower().lstrip("."),
                sha256_of(path),
                path.stat().st_size,
                self.submitted_by,
            )
            earlier = service.find_duplicate(dataset_name, facts.sha256)
            if earlier is not None:
                result.status, result.duplicate_of = "duplicate", str(earlier.id)
                result.rows = earlier.rows
                result.seconds = time.perf_counter() - started
            else:
                pending.append((result, facts, path))
        staged: list[tuple[ImportResult, service.FileFacts, str, list]] = []
        superseded: list[list] = []
        with self.lake.lock():
            for result, facts, path in pending:
                submission_id = str(uuid.uuid4())
                report, slices = self._validate_and_stage(
                    ALL_DATASETS[facts.dataset], path, submission_id, note, strict=strict
                )
                result.report = report
                if not report.ok:
                    self.lake.discard_staging(facts.dataset, submission_id)
                    for _, other, other_id, _ in staged:
                        self.lake.discard_staging(other.dataset, other_id)
                    seconds = time.perf_counter() - started
                    entry = service.record_rejected(facts, report, seconds)
                    result.submission_id, result.seconds = str(entry.id), seconds
                    return results
                staged.append((result, facts, submission_id, slices))
            if staged:
                note("committing")
                superseded = self._commit(
                    [(sid, facts, slices) for _, facts, sid, slices in staged],
                    time.perf_counter() - started,
                )
        for (result, _, submission_id, slices), replaced in zip(staged, superseded, strict=True):
            self._accepted(result, submission_id, slices, replaced, started)
        return results

    def _accepted(
        self,
        result: ImportResult,
        submission_id: str,
        slices: list,
        superseded: list,
        started: float,
    ) -> None:
        result.status, result.submission_id = "accepted", submission_id
        result.rows = sum(s.rows for s in slices)
        result.organisations = sorted({s.org_code for s in slices})
        result.periods = sorted({s.period.strftime("%Y-%m") for s in slices if s.period})
        result.superseded = [
            {
                "submission_id": str(s.submission_id),
                "org_code": s.org_code,
                "segment": s.segment,
                "period": s.period.strftime("%Y-%m") if s.period else None,
            }
            for s in superseded
        ]
        result.seconds = time.perf_counter() - started
        for hook in self.after_commit:
            try:
                hook(result)
            except Exception as exc:
                result.hook_errors.append(f"{type(exc).__name__}: {exc}")

    # -- steps ----------------------------------------------------------------------------------
    def _validate_and_stage(
        self, dataset: Dataset, path: Path, submission_id: str, note: Progress, *, strict: bool
    ) -> tuple[ValidationReport, list]:
        report, slices, headings = self._check_and_stage(
            dataset, path, submission_id, note, strict=strict
        )
        if headings is None:
            return report, slices
        return report.with_dropped(headings.ignored, headings.identifiers), slices

    def _check_and_stage(
        self, dataset: Dataset, path: Path, submission_id: str, note: Progress, *, strict: bool
    ) -> tuple[ValidationReport, list, HeadingMap | None]:
        from oneworkforce.data.ledger.service import SlicePlan

        label = path.name
        con = _scratch(self.home)
        try:
            note("reading")
            try:
                source = open_source(con, path, dataset=dataset.name)
            except UnreadableFile as exc:
                return _file_error(label, "unreadable_file", str(exc)), [], None
            headings = match_headings(dataset, source.headings, label, strict=strict)
            if headings.errors:
                return ValidationReport.from_errors(list(headings.errors)), [], headings
            compiled = CompiledDataset(dataset, headings)
            org_codes = [] if dataset.name == "organisations" else self.current_org_codes(con)
            install_reference_tables(con, dataset, org_codes)
            note("validating and storing")
            staging = self.lake.new_staging(dataset.name, submission_id)
            try:
                parts = self._stream_to_staging(
                    con, compiled, source.relation_sql, submission_id, staging
                )
            except duckdb.Error as exc:
                return (
                    _file_error(label, "unreadable_file", f"could not be read: {_first_line(exc)}"),
                    [],
                    headings,
                )
            if parts is None or (parts and count_duplicates(con, dataset, _parquet(parts))):
                note("describing errors")
                report = describe_errors(con, compiled, source, label)
                if report.ok:  # the two passes disagree: never accept on a doubt
                    report = _file_error(
                        label, "internal_check", "the file failed a check that could not be located"
                    )
                return report, [], headings
            if not parts:
                return (
                    _file_error(label, "no_rows", "the file has headings but no rows"),
                    [],
                    headings,
                )
            slices = [
                SlicePlan(*row)
                for row in con.execute(
                    self._slice_sql(dataset).format(table=_parquet(parts))
                ).fetchall()
            ]
            checkpoint("after_staging")
            return ValidationReport((), 0, {}), slices, headings
        finally:
            con.close()

    @staticmethod
    def _stream_to_staging(
        con: duckdb.DuckDBPyConnection,
        compiled: CompiledDataset,
        relation_sql: str,
        submission_id: str,
        staging: Path,
    ) -> list[Path] | None:
        """One streaming pass from the file to Parquet; None when any row breaks a check."""
        if compiled.dictionary_columns:
            con.execute("CREATE TEMP TABLE __distinct AS " + compiled.distinct_sql(relation_sql))
            for column in compiled.dictionary_columns:
                con.execute(
                    f"CREATE TEMP TABLE __map_{column.name} AS "
                    + compiled.map_sql(column, "__distinct")
                )
        out = staging / "parts"
        con.execute(
            f"COPY ({compiled.fast_sql(relation_sql, submission_id)}) TO '{out}' "
            "(FORMAT parquet, PARTITION_BY (_bad), COMPRESSION zstd, "
            "ROW_GROUP_SIZE 250000)"
        )
        if (out / "_bad=true").exists():
            return None
        parts = []
        for i, part in enumerate(sorted((out / "_bad=false").glob("*.parquet"))):
            target = staging / f"data_{i}.parquet"
            os.replace(part, target)
            parts.append(target)
        shutil.rmtree(out, ignore_errors=True)
        return parts

    @staticmethod
    def _slice_sql(dataset: Dataset) -> str:
        if dataset.name == "organisations":
            return "SELECT NULL, '*', NULL::DATE, count(*) FROM {table}"
        if dataset.name == "aggregate":
            return (
                "SELECT segment, coalesce(org_code, area_code), period, count(*) FROM {table} "
                "GROUP BY ALL ORDER BY ALL"
            )
        return "SELECT NULL, org_code, period, count(*) FROM {table} GROUP BY ALL ORDER BY ALL"

    def _commit(self, staged: Sequence[tuple[str, Any, list]], seconds: float) -> list[list]:
        """Record and publish staged files ``(submission_id, facts, slices)`` in one
        transaction; the slices each superseded, in order."""
        from django.db import transaction

        from oneworkforce.data.ledger import service

        superseded = []
        try:
            with transaction.atomic():
                for i, (submission_id, facts, slices) in enumerate(staged):
                    if i:
                        checkpoint("between_files")
                    _, replaced = service.record_accepted(submission_id, facts, slices, seconds)
                    superseded.append(replaced)
                    checkpoint("before_publish")
                    self.lake.publish(facts.dataset, submission_id)
                    checkpoint("after_publish")
        except BaseException:
            # The transaction has rolled back: take the files back out too (a no-op if the
            # rename never happened).
            for submission_id, facts, _ in staged:
                self.lake.unpublish(facts.dataset, submission_id)
                self.lake.discard_staging(facts.dataset, submission_id)
            raise
        checkpoint("after_commit")
        self.sync_manifest()
        return superseded

    def sync_manifest(self) -> None:
        from oneworkforce.data.ledger import service

        self.lake.write_manifest_table(service.slices_table())
        self.lake.refresh_catalogue()


def reconcile(home: Home) -> dict[str, int]:
    """Bring the lake into line with the ledger after a crash or kill: remove staged and
    unrecorded folders, and rewrite a stale manifest. Safe to run at every start."""
    from oneworkforce.data.ledger import service
    from oneworkforce.data.migrations import migrate_lake

    lake = Lake(home)
    removed = 0
    with lake.lock():
        lake.clear_staging()
        migrated = migrate_lake(home)
        if migrated:
            # the stored results may hold retired codes: the next refresh rebuilds them
            (home.lake / "_results" / "index.json").unlink(missing_ok=True)
        known = service.recorded_ids()
        for dataset, ids in lake.published_ids().items():
            for orphan in ids - known:
                lake.unpublish(dataset, orphan)
                removed += 1
        slices = service.all_slices()
        stale = set(slices) != set(lake.read_manifest())
        if stale or not home.catalogue.exists():
            lake.write_manifest(slices)
            lake.refresh_catalogue()
    return {
        "orphans_removed": removed,
        "manifest_rewritten": int(stale),
        "files_migrated": migrated,
    }


def _parquet(parts: list[Path]) -> str:
    return "read_parquet([" + ", ".join(f"'{p}'" for p in parts) + "])"


def _file_error(label: str, rule: str, message: str) -> ValidationReport:
    text = message.split(": ", 1)[1] if message.startswith(label + ":") else message
    return ValidationReport.from_errors([ValidationError(label, None, None, None, rule, text)])


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
