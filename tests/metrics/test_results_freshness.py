"""Never stale silently: ``kill -9`` at any step of an import (before, inside or after the
ledger's commit, and at each step of the results refresh that follows) and then any command
leaves the stored results fresh, with the figures of every accepted file. The kills run the
real command in a subprocess on SQLite, as tests/data/test_atomicity.py does."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.metrics.results_reader import ResultsReader
from tests.data.test_atomicity import cli, second_file
from tests.data.test_atomicity import loaded_home as loaded_home  # the fixture

#: the importer's steps (see oneworkforce.data.importer) and the results writer's
BEFORE_THE_LEDGER_COMMIT = ["after_staging", "before_publish", "after_publish"]
AFTER_THE_LEDGER_COMMIT = [
    "after_commit",
    "results_refresh_started",
    "results_computed",
    "results_before_index",
    "results_after_index",
]


def sickness_rate(home: Path, period: str) -> float:
    rows = ResultsReader(home / "lake").results(
        "sickness_absence_rate", "system", {"period": period}
    )
    assert len(rows) == 1
    return float(rows[0]["value"])


@pytest.mark.slow
@pytest.mark.parametrize("stage", BEFORE_THE_LEDGER_COMMIT + AFTER_THE_LEDGER_COMMIT)
def test_a_kill_at_any_step_then_any_command_leaves_the_results_fresh(loaded_home, tmp_path, stage):
    # loaded: RZA sickness 2024-03 10 of 100 days, 2024-04 20 of 100 days
    assert sickness_rate(loaded_home, "2024-04") == pytest.approx(0.20)
    killed = cli(
        loaded_home, "import", "sickness_absence", str(second_file(tmp_path)), crash_at=stage
    )
    assert killed.returncode == 137, killed.stderr
    reader = ResultsReader(loaded_home / "lake")
    if stage in ("results_after_index",):
        # killed after the new generation was in place: already fresh
        assert not reader.freshness().stale
    elif stage in AFTER_THE_LEDGER_COMMIT[1:]:
        # the ledger and the manifest moved on, the results did not: stale, and said so
        assert reader.freshness().stale
        assert reader.status()["stale"]

    # any command: here the ledger listing
    after = cli(loaded_home, "submissions", "--format", "json")
    assert after.returncode == 0, after.stderr

    fresh = ResultsReader(loaded_home / "lake").freshness()
    assert not fresh.stale
    assert fresh.stored_version == fresh.lake_version
    accepted = stage in AFTER_THE_LEDGER_COMMIT
    # the second file replaces RZA 2024-04 with 99 of 100 days lost; March is untouched
    assert sickness_rate(loaded_home, "2024-04") == pytest.approx(0.99 if accepted else 0.20)
    assert sickness_rate(loaded_home, "2024-03") == pytest.approx(0.10)
    if stage in AFTER_THE_LEDGER_COMMIT[:4]:
        assert "brought the stored results up to date" in after.stderr
