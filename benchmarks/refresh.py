"""Benchmark: from an accepted file to new figures on the dashboard (issue 12).

The production path: :class:`oneworkforce.data.importer.Importer` with the results store's
after-commit hook, exactly what ``oneworkforce import`` and the upload page run. For each file
the time from the file being accepted (the ledger committed) to the new generation of stored
results being in place is measured inside the hook; the import before it is reported beside.

On a copy of the ``ics`` demo's data directory (``oneworkforce demo --no-serve``, or pass
``--home``), with one trust's month re-sent (figures changed, so each file supersedes a slice):

1. one trust's month of sickness (goal: under 1 s from acceptance);
2. one trust's month of temporary staffing (goal: under 1 s);
3. one trust's month of staff in post, about 17,000 rows (goal: under 3 s);
4. the 36 monthly sickness files of every trust, re-sent one after another (goal: under 60 s
   in all, import and refresh), in two ways: each file imported and refreshed on its own, as
   36 uploads or commands would be, and then (with other figures) all 36 in one
   ``oneworkforce import`` command, the backfill path, which commits each file as its own
   submission and refreshes once after the last (timed as the command, process start
   included);
5. a full ``results rebuild`` (the ``results rebuild`` command's path), beside the floor: one
   DuckDB scan of each dataset the catalogue reads, decoding every column (goal: within 3x).

After 1-4 the incrementally refreshed store is compared with a full rebuild of a copy of the
same lake: every stored figure of every split must be equal (to 1e-12) or the benchmark fails,
and the numbers that are not bit-identical are counted. That rebuild is the first timed for 5.

    python benchmarks/refresh.py [--home DIR] [--repeats 3] [--rebuild-repeats 1] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine

HERE = Path(__file__).resolve().parent
DEMO = HERE / "out" / "ics-demo"


def demo_home(path: Path | None) -> Path:
    if path is not None:
        return path
    if not (DEMO / "lake").exists():
        print("building the ics demo (once) ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "oneworkforce", "--home", str(DEMO), "demo", "--no-serve"],
            check=True,
        )
    return DEMO


def copy_home(src: Path, dst: Path) -> Path:
    for part in ("lake", "operational.sqlite3", "catalogue.duckdb", "reference", "secret_key"):
        if (src / part).is_dir():
            shutil.copytree(src / part, dst / part)
        elif (src / part).exists():
            shutil.copy2(src / part, dst / part)
    return dst


def one_slice(source: Path, out: Path, org: str, period: str, column: str, bump: float) -> int:
    """The rows of one organisation and month of a demo file, ``column`` changed by ``bump``."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE (round(CAST({column} AS DOUBLE) * (1 + {bump}), 2) AS {column}) "
        f"FROM read_csv('{source}', all_varchar=true) WHERE org_code = '{org}' "
        f"AND period = '{period}') TO '{out}' (HEADER)"
    )
    return int(con.execute(f"SELECT count(*) FROM read_csv('{out}')").fetchone()[0])


def monthly_files(source: Path, folder: Path, column: str, bump: float) -> list[Path]:
    import duckdb

    con = duckdb.connect()
    periods = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT period FROM read_csv('{source}', all_varchar=true) ORDER BY 1"
        ).fetchall()
    ]
    files = []
    for period in periods:
        out = folder / f"sickness-{period}.csv"
        con.execute(
            f"COPY (SELECT * REPLACE (round(CAST({column} AS DOUBLE) * (1 + {bump}), 2) AS "
            f"{column}) FROM read_csv('{source}', all_varchar=true) WHERE period = '{period}') "
            f"TO '{out}' (HEADER)"
        )
        files.append(out)
    return files


class Timed:
    """The store's after-commit hook, timed: seconds from acceptance to the new generation."""

    def __init__(self, home) -> None:
        from oneworkforce.metrics.results_writer import after_commit_hook

        self.hook = after_commit_hook(home)
        self.seconds: list[float] = []

    def __call__(self, result) -> None:
        t = time.perf_counter()
        self.hook(result)
        self.seconds.append(time.perf_counter() - t)


def importer_for(home_dir: Path):
    os.environ.pop("DATABASE_URL", None)
    from oneworkforce import opstore
    from oneworkforce.config import Home
    from oneworkforce.data.importer import Importer

    home = Home.resolve(home_dir)
    opstore.setup(home)
    timed = Timed(home)
    return home, Importer(home, submitted_by="benchmark", after_commit=[timed]), timed


def send(importer, timed, dataset: str, path: Path) -> dict:
    t = time.perf_counter()
    result = importer.import_file(dataset, path)
    total = time.perf_counter() - t
    assert result.status == "accepted", result.report.summary()
    assert not result.hook_errors, result.hook_errors
    refresh = timed.seconds[-1]
    return {
        "rows": result.rows,
        "total_s": total,
        "refresh_s": refresh,
        "import_s": total - refresh,
    }


def compare_with_rebuild(home) -> dict:
    """Every stored figure equals a full rebuild of a copy of the lake (to 1e-12, or the
    benchmark fails); the rows compared, and how many numbers were not bit-identical."""
    import math

    from oneworkforce.metrics.impact import SPLITS
    from oneworkforce.metrics.store import ResultsStore

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(home.lake, Path(tmp) / "lake")
        rebuilt = ResultsStore(Path(tmp) / "lake")
        t = time.perf_counter()
        rebuilt.rebuild()
        rebuild_s = time.perf_counter() - t
        ours = ResultsStore(home.lake)
        compared = inexact = 0
        for split in SPLITS:
            for kind in ("results", "spc_points"):
                a = getattr(ours, kind)(split=split.name)
                b = getattr(rebuilt, kind)(split=split.name)
                assert len(a) == len(b), (split.name, kind, len(a), len(b))
                for x, y in zip(a, b, strict=True):
                    for key, want in y.items():
                        if key in ("computed_at", "data_version"):
                            continue
                        got = x[key]
                        if isinstance(want, float) and isinstance(got, float):
                            inexact += got != want
                            assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12), (
                                split.name,
                                kind,
                                key,
                                x,
                                y,
                            )
                        else:
                            assert got == want, (split.name, kind, key, x, y)
                compared += len(a)
        return {"rows": compared, "numbers_not_bit_identical": inexact, "rebuild_s": rebuild_s}


def floor_scans(home) -> dict:
    """One DuckDB scan of each dataset the catalogue reads, decoding every column."""
    from oneworkforce.data.lake import Lake
    from oneworkforce.metrics.catalogue import CATALOGUE

    datasets = sorted({d for m in CATALOGUE for d in m.datasets})
    con = Lake(home).connect()
    out = {}
    for dataset in datasets:
        columns = [r[0] for r in con.execute(f"DESCRIBE {dataset}").fetchall()]
        aggregates = ", ".join(f"max({c})" for c in columns)
        t = time.perf_counter()
        con.execute(f"SELECT count(*), {aggregates} FROM {dataset}").fetchall()
        out[dataset] = time.perf_counter() - t
    con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="an ics demo data directory")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--rebuild-repeats",
        type=int,
        default=1,
        help="full rebuilds timed (the first is the comparison's)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "refresh.json")
    args = parser.parse_args()
    source_home = demo_home(args.home)
    data = next((source_home / "demo-data").glob("ics-seed*"), None)
    assert data is not None, f"no demo-data under {source_home}"
    result: dict = {
        "benchmark": "refresh",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = copy_home(source_home, Path(tmp) / "home")
        home, importer, timed = importer_for(work)
        from oneworkforce.metrics.results_writer import ResultsWriter

        t = time.perf_counter()
        first = ResultsWriter(home.lake).refresh()  # the copy's results as the demo left them
        result["first_refresh"] = {"mode": first.mode, "seconds": time.perf_counter() - t}

        cases = {
            "sickness_one_trust_month": ("sickness_absence", "fte_days_lost"),
            "temporary_staffing_one_trust_month": ("temporary_staffing", "agency_spend"),
            "staff_in_post_one_trust_month": ("staff_in_post", "fte"),
        }
        for name, (dataset, column) in cases.items():
            runs = []
            for i in range(args.repeats):
                path = Path(tmp) / f"{name}-{i}.csv"
                rows = one_slice(
                    data / f"{dataset}.csv", path, "RZA", "2025-01", column, 0.01 * (i + 1)
                )
                runs.append({**send(importer, timed, dataset, path), "file_rows": rows})
            result[name] = {
                "rows": runs[0]["file_rows"],
                "refresh_s_median": statistics.median(r["refresh_s"] for r in runs),
                "import_s_median": statistics.median(r["import_s"] for r in runs),
                "refresh_s_all": [round(r["refresh_s"], 3) for r in runs],
            }
            print(name, json.dumps(result[name]), file=sys.stderr)

        files = monthly_files(data / "sickness_absence.csv", Path(tmp), "fte_days_lost", 0.02)
        t = time.perf_counter()
        runs = [send(importer, timed, "sickness_absence", f) for f in files]
        result["sickness_36_monthly_files"] = {
            "files": len(files),
            "total_s": time.perf_counter() - t,
            "refresh_s_sum": sum(r["refresh_s"] for r in runs),
            "import_s_sum": sum(r["import_s"] for r in runs),
        }
        print("36 files", json.dumps(result["sickness_36_monthly_files"]), file=sys.stderr)

        # the backfill path: one command, every file its own submission, one refresh
        folder = Path(tmp) / "backfill"
        folder.mkdir()
        files = monthly_files(data / "sickness_absence.csv", folder, "fte_days_lost", 0.03)
        t = time.perf_counter()
        run = subprocess.run(
            [
                *(sys.executable, "-m", "oneworkforce", "--home", str(work), "import"),
                *("sickness_absence", *map(str, files), "--format", "json"),
            ],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t
        assert run.returncode == 0, run.stderr[-2000:]
        statuses = [r["status"] for r in json.loads(run.stdout)]
        assert statuses == ["accepted"] * len(files), statuses
        result["sickness_36_monthly_files_one_command"] = {"files": len(files), "total_s": seconds}
        print("36 files, one command", seconds, file=sys.stderr)

        result["figures_compared_with_a_full_rebuild"] = compare_with_rebuild(home)

        # the comparison's rebuild (of a copy of the same lake) is the first one timed
        rebuilds = [result["figures_compared_with_a_full_rebuild"]["rebuild_s"]]
        floors = [sum(floor_scans(home).values()) for _ in range(3)]
        for _ in range(args.rebuild_repeats - 1):
            t = time.perf_counter()
            ResultsWriter(home.lake).rebuild()
            rebuilds.append(time.perf_counter() - t)
        result["full_rebuild"] = {
            "seconds_median": statistics.median(rebuilds),
            "seconds_all": [round(s, 2) for s in rebuilds],
            "floor_scans_s_median": statistics.median(floors),
            "ratio_to_floor": statistics.median(rebuilds) / statistics.median(floors),
        }
        print("rebuild", json.dumps(result["full_rebuild"]), file=sys.stderr)
    result["machine"]["load_average_at_end"] = os.getloadavg()
    result["goals"] = {
        "sickness_under_1s": result["sickness_one_trust_month"]["refresh_s_median"] < 1,
        "temporary_staffing_under_1s": result["temporary_staffing_one_trust_month"][
            "refresh_s_median"
        ]
        < 1,
        "staff_in_post_under_3s": result["staff_in_post_one_trust_month"]["refresh_s_median"] < 3,
        "36_files_under_60s": result["sickness_36_monthly_files"]["total_s"] < 60,
        "36_files_in_one_command_under_60s": result["sickness_36_monthly_files_one_command"][
            "total_s"
        ]
        < 60,
        "rebuild_within_3x_floor": result["full_rebuild"]["ratio_to_floor"] <= 3,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result["goals"], indent=2))


if __name__ == "__main__":
    main()
