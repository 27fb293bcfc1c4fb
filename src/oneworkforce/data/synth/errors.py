"""Small files with the mistakes partners really make, one mistake per file.

Each file is named ``<dataset>__<mistake>.csv`` and ``manifest.json`` says, for each, the
dataset, the mistake, the rule the validator should report and where (data row, 1-based, and
the file line, the heading being line 1).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from oneworkforce.data.schemas import DATASETS, own_columns

UNKNOWN_ORG = "RZQ"  # ODS-shaped, but in no register
UNKNOWN_GROUP = "Nursing Associates"  # a real job role, not a staff group
BAD_PERIOD = "13/2024"


def _rows(table: pa.Table, n: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.slice(0, n).to_pylist()
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 2)).removesuffix(".0") if value == int(value) else repr(value)
    return str(value)


def _write(path: Path, names: list[str], rows: list[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_text(row.get(n)) for n in names])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write(folder: Path, tables: dict[str, pa.Table]) -> list[Path]:
    """Write the error files from the first rows of good tables; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    written: list[Path] = []

    def emit(
        dataset: str,
        mistake: str,
        rule: str,
        rows: list[dict[str, Any]],
        bad_rows: list[int],
        column: str | None,
        value: Any,
        names: list[str] | None = None,
    ) -> None:
        path = folder / f"{dataset}__{mistake}.csv"
        _write(path, names or list(own_columns(DATASETS[dataset])), rows)
        manifest.append(
            {
                "file": path.name,
                "dataset": dataset,
                "mistake": mistake,
                "rule": rule,
                "rows": [r + 1 for r in bad_rows],
                "lines": [r + 2 for r in bad_rows],
                "column": column,
                "value": value,
            }
        )
        written.append(path)

    sick = _rows(tables["sickness_absence"], 12)
    rows = [dict(r) for r in sick]
    rows[4]["org_code"] = UNKNOWN_ORG
    emit(
        "sickness_absence",
        "unknown_org_code",
        "unknown_organisation",
        rows,
        [4],
        "org_code",
        UNKNOWN_ORG,
    )

    rows = [dict(r) for r in sick]
    rows[2]["staff_group"] = UNKNOWN_GROUP
    emit(
        "sickness_absence",
        "unknown_staff_group",
        "unknown_code",
        rows,
        [2],
        "staff_group",
        UNKNOWN_GROUP,
    )

    rows = [dict(r) for r in sick]
    rows[1]["fte_days_lost"] = "n/a"
    rows[5]["fte_days_lost"] = "1,5"
    emit(
        "sickness_absence",
        "text_in_number_column",
        "not_a_number",
        rows,
        [1, 5],
        "fte_days_lost",
        ["n/a", "1,5"],
    )

    rows = [dict(r) for r in sick]
    rows[6]["fte_days_lost"] = round(rows[6]["fte_days_available"] * 1.5 + 10, 2)
    emit(
        "sickness_absence",
        "days_lost_above_available",
        "days_lost_above_available",
        rows,
        [6],
        "fte_days_lost",
        rows[6]["fte_days_lost"],
    )

    staff = _rows(tables["staff_in_post"], 15)
    names = [n for n in DATASETS["staff_in_post"].column_names if n != "staff_group"]
    emit(
        "staff_in_post",
        "missing_required_column",
        "missing_column",
        [dict(r) for r in staff],
        [],
        "staff_group",
        None,
        names=names,
    )

    rows = [dict(r) for r in staff]
    twin = dict(rows[3])
    twin["fte"] = 0.5 if twin["fte"] != 0.5 else 0.6
    rows.insert(9, twin)
    emit(
        "staff_in_post",
        "duplicate_person_assignment",
        "duplicate_person_assignment",
        rows,
        [3, 9],
        "person_id",
        twin["person_id"],
    )

    est = _rows(tables["establishment"], 10)
    rows = [dict(r) for r in est]
    rows.insert(6, dict(rows[3]))
    emit("establishment", "duplicated_rows", "duplicate_row", rows, [3, 6], None, None)

    rows = [dict(r) for r in est]
    rows[2]["period"] = BAD_PERIOD
    emit("establishment", "bad_period", "bad_period", rows, [2], "period", BAD_PERIOD)

    staffing = tables["temporary_staffing"]
    with_shifts = staffing.filter(pc.greater(staffing["agency_shifts"], 0))
    temp = _rows(with_shifts if with_shifts.num_rows >= 10 else staffing, 10)
    rows = [dict(r) for r in temp]
    rows[3]["agency_shifts"] = max(rows[3]["agency_shifts"], 2)
    rows[3]["agency_shifts_over_cap"] = rows[3]["agency_shifts"] + 5
    emit(
        "temporary_staffing",
        "shifts_over_cap_above_shifts",
        "shifts_over_cap_above_shifts",
        rows,
        [3],
        "agency_shifts_over_cap",
        rows[3]["agency_shifts_over_cap"],
    )

    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [*written, folder / "manifest.json"]
