"""Submitting an uploaded file: the organisation check and the import (audited by the
ledger in the import's own transaction).

The upload is written under the data directory's ``tmp/`` (never the system temporary
folder: partner files stay on the data volume), with the name the user gave it, because the
ledger records the file name the importer sees. It is removed whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.utils.text import get_valid_filename

from oneworkforce.config import Home
from oneworkforce.data.importer import Importer, ImportResult
from oneworkforce.web.access import Permission, Scope
from oneworkforce.web.submissions.checks import file_organisations


@dataclass(frozen=True)
class Outcome:
    """What became of an upload: ``refused`` (nothing imported) or the importer's result."""

    file_name: str
    dataset: str
    seconds: float
    refused: str | None = None
    result: ImportResult | None = None


def submittable_datasets(scope: Scope) -> list[str]:
    """Datasets the user may submit: the organisations register needs system-wide rights."""
    from oneworkforce.data.lake import ALL_DATASETS

    system_wide = scope.organisations(Permission.SUBMIT_DATA) is None
    return [name for name in ALL_DATASETS if name != "organisations" or system_wide]


def _save(home: Home, upload, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=home.tmp))
    path = folder / name
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return path


def refusal(scope: Scope, codes: frozenset[str]) -> str | None:
    """Why a file holding ``codes`` may not be submitted by this user, in plain words."""
    allowed = scope.organisations(Permission.SUBMIT_DATA)
    if allowed is None:
        return None
    others = sorted(c for c in codes if c not in allowed)
    if not others:
        return None
    yours = ", ".join(sorted(allowed)) or "none"
    return (
        f"This file has rows for {', '.join(others)}, and you can only submit data for "
        f"{yours}. Nothing was loaded. Remove those rows, or ask a data lead for "
        f"{'that organisation' if len(others) == 1 else 'those organisations'} to send them."
    )


def submit(home: Home, scope: Scope, dataset: str, upload, *, strict: bool = False) -> Outcome:
    """Check, import and record one uploaded file (``upload``: a Django UploadedFile)."""
    started = time.perf_counter()
    name = get_valid_filename(Path(upload.name).name) or "upload"
    path = _save(home, upload, name)
    try:
        refused = None
        if scope.organisations(Permission.SUBMIT_DATA) is not None:
            try:
                found = file_organisations(home, dataset, path)
            except duckdb.Error:
                refused = (
                    "The file could not be read to check which organisations it holds. "
                    "Nothing was loaded. Save it again as CSV UTF-8, Excel or Parquet."
                )
            else:
                refused = refusal(scope, found.codes) if found.readable else None
        if refused:
            return Outcome(name, dataset, time.perf_counter() - started, refused=refused)
        from oneworkforce.metrics.store import after_commit_hook

        importer = Importer(
            home, submitted_by=scope.username or "web", after_commit=[after_commit_hook(home)]
        )
        # the ledger's actions layer audits the file in the import's own transaction
        result = importer.import_file(dataset, path, strict=strict)
        return Outcome(name, dataset, time.perf_counter() - started, result=result)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
