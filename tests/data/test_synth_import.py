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
