"""Every example scenario runs on the synthetic ICS (slow: generates and imports it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.data.synth import generate
from oneworkforce.planning import backtest, load_scenario, run_scenario

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
DATASETS = ("staff_in_post", "leavers", "establishment", "temporary_staffing", "aggregate")


def test_examples_run_and_the_backtest_reports_errors(home, tmp_path: Path) -> None:
    from oneworkforce.data.importer import Importer

    folder = tmp_path / "synth"
    generate(folder, scale="small", seed=2)
    importer = Importer(home, submitted_by="examples")
    for name in ("organisations", *DATASETS):
        result = importer.import_file(name, folder / f"{name}.csv")
        assert result.status == "accepted", (name, result.report.summary())
    for path in sorted(EXAMPLES.glob("*.toml")):
        scenario = load_scenario(path)
        result = run_scenario(home, scenario, runs=20, seed=1)
        system = [
            r for r in result.summaries if r["segment"] == "all" and r["staff_group"] == "all"
        ]
        assert len(system) == 2 * 4 * scenario.horizon.years, path.name
        assert len({r["lever"] for r in result.lever_effects}) == len(scenario.levers)
    rows = backtest(home, runs=20)
    person_level = [r for r in rows if r["person_level"]]
    assert person_level and all(r["months_compared"] == 12 for r in person_level)
    assert all(r["mape"] >= 0 for r in rows)
