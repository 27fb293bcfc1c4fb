"""The one action that changes the ICS's targets: check the new targets.toml, then write it
and record who changed it in the audit trail, in one transaction (the file is renamed into
place inside it, so a failed audit leaves the old file)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.db import transaction

from oneworkforce.audit import trail
from oneworkforce.metrics import targets


class StaleEdit(Exception):
    """The file changed after the editor loaded it; the change was not saved."""


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def save(home_root: Path, text: str, *, actor: str, expected: str) -> None:
    """Replace targets.toml with ``text`` (checked first: TargetsError names the problem).
    ``expected`` is the fingerprint of the text the editor loaded."""
    targets.parse(text)  # refuses a file the pages could not read
    file = targets.path(home_root)
    before = targets.current_text(home_root)
    if fingerprint(before) != expected:
        raise StaleEdit("someone changed the targets since you opened this page")
    staging = file.with_suffix(".toml.new")
    staging.write_text(text, encoding="utf-8")
    try:
        with transaction.atomic():
            trail.record(
                actor,
                "update",
                "targets",
                "targets.toml",
                {"before": before, "after": text},
            )
            os.replace(staging, file)
    finally:
        staging.unlink(missing_ok=True)
