"""Peak memory of importing the largest XLSX the reader accepts (issue 11 item 7).

Writes a staff-in-post workbook whose sheet XML is just under the XLSX limit (256 MB by
default), imports it with the real command in a child process and reports the child's peak
resident memory and seconds; the baseline is the same rows as CSV, which DuckDB streams.
Usage: python benchmarks/xlsx_memory.py [--megabytes 250] [--out benchmarks/results/...json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.data.samples import SAMPLES, write

HEADINGS = [
    "period",
    "org_code",
    "person_id",
    "assignment_id",
    "staff_group",
    "band",
    "fte",
    "contract_type",
    "age",
    "sex",
]


def row_values(i: int) -> list[str]:
    return [
        "2024-03",
        "RZA",
        f"person{i:08d}",
        f"a{i % 3}",
        "nursing_midwifery",
        "band_5",
        "1.0",
        "permanent",
        str(20 + i % 50),
        "female",
    ]


def cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def write_xlsx(path: Path, megabytes: int) -> int:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("staff_in_post").write(0, 0, "x")
    book.close()
    src = zipfile.ZipFile(buffer)
    rows = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, src.read(info.filename))
                continue
            with out.open(info.filename, "w") as fh:
                fh.write(b"<worksheet><sheetData>")
                written = 0
                fh.write(("<row>" + "".join(cell(h) for h in HEADINGS) + "</row>").encode())
                while written < megabytes << 20:
                    chunk = "".join(
                        "<row>" + "".join(cell(v) for v in row_values(rows + k)) + "</row>"
                        for k in range(1000)
                    ).encode()
                    fh.write(chunk)
                    written += len(chunk)
                    rows += 1000
                fh.write(b"</sheetData></worksheet>")
    return rows


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADINGS)
        for i in range(rows):
            w.writerow(row_values(i))


PROBE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "run = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps({'rc': run.returncode, 'seconds': time.perf_counter() - t, "
    "'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "
    "'tail': run.stdout[-300:] + run.stderr[-300:]}))\n"
)


def import_once(home: Path, path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ONEWORKFORCE_SECRET_KEY"] = "bench"
    cmd = [
        sys.executable,
        "-m",
        "oneworkforce",
        "--home",
        str(home),
        "import",
        "staff_in_post",
        str(path),
    ]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *cmd], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=250)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        xlsx = tmp / "staff_in_post.xlsx"
        rows = write_xlsx(xlsx, args.megabytes)
        csv_path = tmp / "staff_in_post.csv"
        write_csv(csv_path, rows)
        result = {
            "rows": rows,
            "xlsx_bytes": xlsx.stat().st_size,
            "sheet_megabytes": args.megabytes,
        }
        for kind, path in (("xlsx", xlsx), ("csv", csv_path)):
            home = tmp / f"home_{kind}"
            reg = write(tmp / "register.csv", SAMPLES["organisations"])
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "oneworkforce",
                    "--home",
                    str(home),
                    "import",
                    "organisations",
                    str(reg),
                ],
                check=True,
                capture_output=True,
                env={**os.environ, "ONEWORKFORCE_SECRET_KEY": "bench"},
            )
            result[kind] = import_once(home, path)
        print(json.dumps(result, indent=2))
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
