"""Retention: ``oneworkforce prune --before YYYY-MM`` removes person-level data for the months
before a date (docs/data-protection.md, "Retention").

What goes:

* in the lake, every row of a person-level dataset (``person_level`` in ``data/schemas.py``:
  staff in post and leavers) whose ``period`` is before the first day of the month given, in
  every stored file, current or superseded. Each file is rewritten without those rows (a new
  file, then one atomic rename), so a submission's folder stays, possibly empty, and the
  ledger's record of it (organisations, months and row counts, which are not personal data)
  stays true to what was received;
* in the ledger, the values quoted in the error reports of person-level files whose months are
  all before the date (the report keeps the row, column and rule, without the value).

One audit event (``prune``) records what was removed, in the transaction of the ledger's
change; the stored results are then rebuilt, so no figure is left that the remaining data could
not give. Figures of the pruned months that came from person-level rows are no longer shown.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from oneworkforce.config import Home
from oneworkforce.data.lake import Lake
from oneworkforce.data.schemas import DATASETS


def cutoff(month: str) -> dt.date:
    """The first day of ``YYYY-MM``: rows of earlier months are pruned."""
    try:
        year, number = month.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError
        return dt.date(int(year), int(number), 1)
    except ValueError:
        raise ValueError(f"--before {month!r} is not a month written YYYY-MM") from None


PERSON_LEVEL = tuple(name for name, d in DATASETS.items() if d.person_level)


@dataclass
class Removed:
    """What a prune removed (or, in a dry run, would remove)."""

    before: str
    dry_run: bool
    #: dataset -> submission id -> rows removed
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    #: submission ids whose error report values were cleared
    error_values: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(n for per in self.rows.values() for n in per.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "dry_run": self.dry_run,
            "rows": self.total_rows,
            "by_dataset": {
                d: {"rows": sum(per.values()), "submissions": per} for d, per in self.rows.items()
            },
            "error_reports_cleared": self.error_values,
        }


def _prune_file(path: Path, before: dt.date, dry_run: bool) -> int:
    table = pq.read_table(path)
    if "period" not in table.column_names or table.num_rows == 0:
        return 0
    keep = pc.fill_null(pc.greater_equal(table["period"], before), True)
    kept = table.filter(keep)
    removed = table.num_rows - kept.num_rows
    if removed and not dry_run:
        tmp = path.with_name(f".{path.name}.prune")
        pq.write_table(kept, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return removed


def prune(home: Home, month: str, *, actor: str, dry_run: bool = False) -> Removed:
    """Remove person-level rows before ``month`` from the lake and the values of old error
    reports from the ledger; audited; the results rebuilt (nothing is changed in a dry run)."""
    from oneworkforce.data.ledger import service
    from oneworkforce.metrics.store import ResultsStore

    before = cutoff(month)
    removed = Removed(month, dry_run)
    lake = Lake(home)
    with lake.lock():
        for dataset in PERSON_LEVEL:
            for folder in sorted((lake.root / dataset).glob("submission=*")):
                files = sorted(folder.glob("*.parquet"))
                rows = sum(_prune_file(p, before, dry_run) for p in files)
                if rows:
                    sid = folder.name.removeprefix("submission=")
                    removed.rows.setdefault(dataset, {})[sid] = rows
        removed.error_values = service.prune_error_values(
            PERSON_LEVEL, before, actor=actor, removed=removed.to_dict(), dry_run=dry_run
        )
    if not dry_run:
        ResultsStore(home.lake).rebuild()
    return removed
