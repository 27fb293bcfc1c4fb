"""Small, valid example files for every dataset, written as CSV, XLSX or Parquet."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

REGISTER = [
    # org_code, org_name, segment, place, sector, partner
    ("RZA", "Dalesway Acute Hospitals", "secondary_care", "North", "nhs", "true"),
    ("RZB", "Wolds Community Health", "nhs_community", "South", "nhs", "true"),
    ("B99001", "Moor Lane Surgery", "general_practice", "North", "primary_care", "true"),
    ("RXX", "Neighbouring Trust", "secondary_care", "Elsewhere", "nhs", "false"),
]

SAMPLES: dict[str, list[dict[str, object]]] = {
    "organisations": [
        dict(
            zip(("org_code", "org_name", "segment", "place", "sector", "partner"), row, strict=True)
        )
        for row in REGISTER
    ],
    "staff_in_post": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "person_id": "p1",
            "assignment_id": "a1",
            "staff_group": "nursing_midwifery",
            "band": "band_5",
            "fte": 1.0,
            "contract_type": "permanent",
            "age": 34,
            "sex": "female",
            "ethnic_group": "white",
            "disability": "no",
            "start_date": "2019-06-01",
        },
        {
            "period": "2024-03",
            "org_code": "RZA",
            "person_id": "p2",
            "assignment_id": "a2",
            "staff_group": "medical_dental",
            "band": "medical",
            "fte": 0.6,
            "contract_type": "locum",
            "age": 51,
            "sex": "male",
            "ethnic_group": "bme",
            "disability": "not_stated",
            "start_date": "2010-01-04",
        },
        {
            "period": "2024-03",
            "org_code": "RZB",
            "person_id": "p2",
            "assignment_id": "a3",
            "staff_group": "medical_dental",
            "band": "medical",
            "fte": 0.4,
            "contract_type": "fixed_term",
            "age": 51,
            "sex": "male",
            "ethnic_group": "bme",
            "disability": "not_stated",
            "start_date": "2022-09-01",
        },
        {
            "period": "2024-04",
            "org_code": "RZA",
            "person_id": "p1",
            "assignment_id": "a1",
            "staff_group": "nursing_midwifery",
            "band": "band_5",
            "fte": 1.0,
            "contract_type": "permanent",
            "age": 34,
            "sex": "female",
            "ethnic_group": "white",
            "disability": "no",
            "start_date": "2019-06-01",
        },
    ],
    "leavers": [
        {
            "period": "2024-04",
            "org_code": "RZA",
            "person_id": "p2",
            "leave_date": "2024-04-12",
            "reason": "Voluntary Resignation - Work Life Balance",
            "destination": "No Employment",
        },
    ],
    "sickness_absence": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "nursing_midwifery",
            "fte_days_lost": 120.5,
            "fte_days_available": 2480.0,
        },
        {
            "period": "2024-03",
            "org_code": "RZB",
            "staff_group": "ahp",
            "fte_days_lost": 0,
            "fte_days_available": 310.0,
        },
    ],
    "nws_staff_in_post": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "nurses_health_visitors",
            "data_type": "FTE",
            "value": 1380.4,
        },
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "Total",
            "data_type": "HC",
            "value": 5210,
        },
    ],
    "establishment": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "nursing_midwifery",
            "establishment_fte": 90.0,
            "vacancy_fte": 8.5,
        },
        {
            "period": "2024-03",
            "org_code": "RZB",
            "staff_group": "ahp",
            "establishment_fte": 12.0,
            "vacancy_fte": None,
        },
    ],
    "temporary_staffing": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "nursing_midwifery",
            "bank_fte": 4.2,
            "agency_fte": 1.5,
            "substantive_spend": 310000.25,
            "bank_spend": 15800.0,
            "agency_spend": 9100.5,
            "agency_shifts": 40,
            "agency_shifts_over_cap": 3,
        },
    ],
    "workforce_plan": [
        {
            "period": "2024-03",
            "org_code": "RZA",
            "staff_group": "nursing_midwifery",
            "plan_substantive_fte": 85.0,
            "plan_bank_fte": 4.0,
            "plan_agency_fte": 1.0,
            "plan_agency_spend": 8000,
        },
        {
            "period": "2024-04",
            "org_code": "RZA",
            "staff_group": "nursing_midwifery",
            "plan_substantive_fte": 86.0,
            "plan_bank_fte": None,
            "plan_agency_fte": None,
            "plan_agency_spend": None,
        },
    ],
    "aggregate": [
        {
            "period": "2024-03",
            "segment": "care_homes",
            "org_code": None,
            "area_code": "E06000014",
            "metric": "turnover_rate",
            "value": 29.6,
            "unit": "percent",
            "numerator": None,
            "denominator": None,
            "basis": "Skills for Care ASC-WDS estimate",
            "quality": "estimate",
        },
        {
            "period": "2024-03",
            "segment": "general_practice",
            "org_code": "B99001",
            "area_code": None,
            "metric": "staff_in_post_fte",
            "value": 23.4,
            "unit": "fte",
            "numerator": None,
            "denominator": None,
            "basis": "NWRS",
            "quality": "actual",
        },
    ],
}


def write(path: Path, rows: list[dict[str, object]], columns: list[str] | None = None) -> Path:
    """Write rows to ``path`` as CSV, XLSX or Parquet according to its extension."""
    columns = columns or list(rows[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    elif path.suffix == ".xlsx":
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Sheet1")
        sheet.write_row(0, 0, columns)
        for i, row in enumerate(rows, start=1):
            for j, c in enumerate(columns):
                value = row.get(c)
                if value is not None:
                    sheet.write(i, j, value)
        book.close()
    elif path.suffix == ".parquet":
        table = {c: [None if r.get(c) is None else r.get(c) for r in rows] for c in columns}
        pq.write_table(pa.table(table), path)
    else:
        raise ValueError(path.suffix)
    return path
