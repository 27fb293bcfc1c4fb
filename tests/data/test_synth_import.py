"""The synthetic ICS through the real importer: good files load, each error file is refused
for exactly its own mistake (needs the operational store, so it is an ``opstore`` test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oneworkforce.config import Home
from oneworkforce.data.synth import generate

pytestmark = [pytest.mark.django_db, pytest.mark.opstore]

GOOD = (
    "staff_in_post",
    "leavers",
    "sickness_absence",
    "establishment",
    "temporary_staffing",
    "workforce_plan",
    "aggregate",
)


@pytest.fixture
def loaded(home: Home, db: None, tmp_path: Path) -> tuple[object, Path]:
    from oneworkforce.data.importer import Importer

    folder = tmp_path / "synth"
    generate(folder, scale="small", seed=3, with_errors=True)
    importer = Importer(home, submitted_by="synth-test")
    result = importer.import_file("organisations", folder / "organisations.csv")
    assert result.status == "accepted", result.report.summary()
    return importer, folder


def test_every_good_file_is_accepted(loaded: tuple) -> None:
    importer, folder = loaded
    for name in GOOD:
        result = importer.import_file(name, folder / f"{name}.csv")
        assert result.status == "accepted", (name, result.report.summary())
        assert result.rows > 0
    for name, path in (
        ("sickness_absence", folder / "variants" / "sickness_absence.xlsx"),
        ("establishment", folder / "variants" / "establishment.parquet"),
    ):
        result = importer.import_file(name, path)
        assert result.ok, (path.name, result.report.summary())


def test_each_error_file_is_refused_for_its_mistake(loaded: tuple) -> None:
    importer, folder = loaded
    manifest = json.loads((folder / "errors" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest) == 9
    for entry in manifest:
        result = importer.import_file(entry["dataset"], folder / "errors" / entry["file"])
        assert result.status == "rejected", entry["file"]
        assert set(result.report.counts_by_rule) == {entry["rule"]}, (
            entry["file"],
            result.report.summary(),
        )


def test_councils_send_their_adult_social_workers_as_ascwds_files(loaded: tuple) -> None:
    """Councils complete ASC-WDS for their adult social services (main service 16, social
    work and care management), so the synthetic ICS writes their worker files too and adult
    social work gets staff in post and a sickness rate."""
    from oneworkforce.cli.demo import ascwds_files
    from oneworkforce.data.ascwds import import_ascwds
    from oneworkforce.metrics.engines.duckdb import DuckDBEngine

    importer, folder = loaded
    councils = {
        row.split(",")[0]
        for row in (folder / "organisations.csv").read_text(encoding="utf-8").splitlines()
        if ",adult_social_work," in row
    }
    assert len(councils) == 3
    files = ascwds_files(folder)
    for kind, path, month in files:
        assert import_ascwds(importer, kind, path, month).ok, path.name
    month = files[-1][2]
    con = importer.lake.connect()
    try:
        results = DuckDBEngine().compute(
            con, ["sickness_absence_rate", "staff_in_post_fte"], [month], ["org_code"]
        )
    finally:
        con.close()
    got = {(r.metric, r.dimensions["org_code"]): r.value for r in results}
    for council in councils:
        # 170 to 230 workers, about 9 in 10 staff in post at about 31 hours (0.83 FTE)
        assert 100 < got["staff_in_post_fte", council] < 230, council
        # days sick are drawn at the councils' rate for the year (2.8% to 3.2% of 365 days)
        # times the worker's FTE; weighted by FTE again, about 3% x 0.87 = 2.6%
        assert 0.02 < got["sickness_absence_rate", council] < 0.045, council
