"""Memory is bounded for every file type (issue 11 item 7): an XLSX "decompression bomb" is
refused before it is unzipped into memory, whether its zip headers tell the truth about its
size or lie; a CSV's headings line longer than the reader's first buffer is read whole. The
bomb tests run the real ``import`` command in a child process and measure that child's peak
resident memory."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from oneworkforce.data.readers import CSV_HEADINGS_MAX_BYTES, XLSX_MAX_MB_DEFAULT

SHEET = "xl/worksheets/sheet1.xml"
TWO_GB_KB = 2 * 1024 * 1024  # ru_maxrss is in kilobytes on Linux


def _small_xlsx() -> zipfile.ZipFile:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("staff_in_post").write_row(0, 0, ["period", "org_code"])
    book.close()
    return zipfile.ZipFile(buffer)


def write_bomb(path: Path, megabytes: int) -> int:
    """An .xlsx whose sheet XML is ``megabytes`` MB of rows; returns the sheet's size."""
    src = _small_xlsx()
    row = b'<row><c t="inlineStr"><is><t>2024-04</t></is></c></row>' * 1_000
    repeats = (megabytes << 20) // len(row)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, src.read(info.filename))
                continue
            with out.open(SHEET, "w") as fh:
                fh.write(b"<worksheet><sheetData>")
                for _ in range(repeats):
                    fh.write(row)
                fh.write(b"</sheetData></worksheet>")
    return repeats * len(row) + len(b"<worksheet><sheetData></sheetData></worksheet>")


def lie_about_size(path: Path, member: str, claimed: int) -> None:
    """Rewrite ``member``'s uncompressed size in its local header and its central directory
    entry (zip layout: local header size field at +22, central entry at +24)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    data[info.header_offset + 22 : info.header_offset + 26] = struct.pack("<I", claimed)
    name = member.encode()
    entry = data.find(b"PK\x01\x02" + data[info.header_offset + 4 : info.header_offset + 6])
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = struct.pack("<I", claimed)
    path.write_bytes(bytes(data))


def import_in_child(home: Path, dataset: str, path: Path) -> tuple[dict, int]:
    """Run ``oneworkforce import`` in a child process; its exit code and output, and its peak
    resident memory in KB."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ONEWORKFORCE_SECRET_KEY"] = "test"
    command = [
        sys.executable,
        "-m",
        "oneworkforce",
        "--home",
        str(home),
        "import",
        dataset,
        str(path),
    ]
    # a fresh parent whose only child is the import, so RUSAGE_CHILDREN is that child's peak
    probe = (
        "import json, resource, subprocess, sys\n"
        "run = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': run.returncode, 'out': run.stdout, 'err': run.stderr, "
        "'peak': peak}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(done.stdout)
    return report, report["peak"]


def said(result) -> str:
    return " ".join(e.describe() for e in result.report.errors)


@pytest.mark.slow
def test_an_xlsx_that_unzips_to_a_gigabyte_is_refused_without_unzipping_it(tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    size = write_bomb(bomb, 1024)
    assert size > 1023 << 20
    assert bomb.stat().st_size < 8 << 20  # a few MB on disk
    report, peak = import_in_child(tmp_path / "home", "staff_in_post", bomb)
    assert report["rc"] != 0
    said = report["out"] + report["err"]
    # the sheet alone is 1,024 MB; the other parts add a few KB, so it says 1024 MB
    assert "bomb.xlsx: unzipped, this Excel file would be 1024 MB" in said
    assert f"more than the {XLSX_MAX_MB_DEFAULT} MB" in said
    assert peak < TWO_GB_KB, f"peak {peak // 1024} MB"


@pytest.mark.slow
def test_an_xlsx_that_lies_about_its_size_is_refused_as_corrupt(tmp_path: Path):
    bomb = tmp_path / "liar.xlsx"
    write_bomb(bomb, 1024)
    lie_about_size(bomb, SHEET, 5_000)  # claims 5 KB, holds 1 GB
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo(SHEET).file_size == 5_000
    report, peak = import_in_child(tmp_path / "home", "staff_in_post", bomb)
    assert report["rc"] != 0
    said = report["out"] + report["err"]
    assert "liar.xlsx: could not be read as Excel (the file is corrupt" in said
    assert peak < TWO_GB_KB, f"peak {peak // 1024} MB"


@pytest.mark.django_db
def test_an_xlsx_under_the_limit_still_imports(importer, tmp_path: Path, monkeypatch):
    # the limit is read at import time: 1 MB here, and this workbook is a few KB unzipped
    import xlsxwriter

    monkeypatch.setenv("ONEWORKFORCE_XLSX_MAX_MB", "1")
    path = tmp_path / "sickness_absence.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("sickness_absence")
    sheet.write_row(
        0, 0, ["period", "org_code", "staff_group", "fte_days_lost", "fte_days_available"]
    )
    sheet.write_row(1, 0, ["2024-03", "RZA", "ahp", 10, 100])
    book.close()
    assert importer.import_file("sickness_absence", path).status == "accepted"


@pytest.mark.django_db
def test_the_limit_is_the_environment_setting(importer, tmp_path: Path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    write_bomb(bomb, 3)  # 3 MB of sheet against a 2 MB limit
    monkeypatch.setenv("ONEWORKFORCE_XLSX_MAX_MB", "2")
    result = importer.import_file("staff_in_post", bomb)
    assert result.status == "rejected"
    assert "would be 3 MB, more than the 2 MB" in said(result)


@pytest.mark.django_db
def test_a_headings_line_longer_than_the_first_buffer_is_reported_whole(importer, tmp_path):
    # one unknown heading of 100,000 characters: longer than the old 64 KB first read
    long_heading = "x" * 100_000
    path = tmp_path / "sickness_absence.csv"
    path.write_text(
        f"period,org_code,staff_group,fte_days_lost,fte_days_available,{long_heading}\n"
        "2024-03,RZA,ahp,10,100,1\n"
    )
    result = importer.import_file("sickness_absence", path)
    # an extra column is ignored and named in the report: whole, not cut at a buffer boundary
    assert result.status == "accepted"
    assert result.report.ignored == (long_heading,)


@pytest.mark.django_db
def test_a_headings_line_beyond_the_limit_is_refused_in_plain_words(importer, tmp_path):
    path = tmp_path / "sickness_absence.csv"
    path.write_text("a" * (CSV_HEADINGS_MAX_BYTES + 10) + "\n1\n")
    result = importer.import_file("sickness_absence", path)
    assert result.status == "rejected"
    assert "the headings line is longer than 1 MB" in said(result)
