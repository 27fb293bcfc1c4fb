"""Every dataset of the formats imports from CSV, XLSX and Parquet, to the same stored values."""

from __future__ import annotations

import pytest

from oneworkforce.data.schemas import DATASETS
from tests.data.samples import SAMPLES, write

pytestmark = [pytest.mark.django_db, pytest.mark.opstore]


def _stored(importer, dataset):
    con = importer.lake.connect()
    rows = con.execute(f"SELECT * EXCLUDE (submission_id) FROM {dataset} ORDER BY ALL").fetchall()
    con.close()
    return rows


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_dataset_from_every_file_type(importer, tmp_path, dataset):
    stored = {}
    for suffix in ("csv", "xlsx", "parquet"):
        path = write(tmp_path / suffix / f"{dataset}.{suffix}", SAMPLES[dataset])
        result = importer.import_file(dataset, path)
        assert result.status == "accepted", (suffix, [e.describe() for e in result.report.errors])
        assert result.rows == len(SAMPLES[dataset])
        stored[suffix] = _stored(importer, dataset)
    # each later file supersedes the earlier one slice by slice, so the current rows are the
    # last file's; all three must have typed the same values
    assert stored["csv"] == stored["xlsx"] == stored["parquet"]
    assert len(stored["csv"]) == len(SAMPLES[dataset])


def test_xlsx_with_dates_as_excel_dates_and_a_named_sheet(importer, tmp_path):
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "sickness.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write(0, 0, "Read me first")
    sheet = book.add_worksheet("Sickness Absence")
    date_format = book.add_format({"num_format": "mmm-yy"})
    sheet.write_row(
        0, 0, ["Month", "Organisation Code", "Staff Group", "FTE Days Lost", "FTE Days Available"]
    )
    sheet.write_datetime(1, 0, dt.datetime(2024, 3, 1), date_format)
    sheet.write_row(1, 1, ["RZA", "Nursing & Midwifery", 120.5, 2480])
    book.close()
    result = importer.import_file("sickness_absence", path)
    assert result.status == "accepted", [e.describe() for e in result.report.errors]
    assert result.periods == ["2024-03"]
    assert _stored(importer, "sickness_absence")[0][:3] == (
        __import__("datetime").date(2024, 3, 1),
        "RZA",
        "nursing_midwifery",
    )
