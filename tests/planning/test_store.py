"""The baseline read from the store: flows counted the way the metric catalogue counts them,
and a whole run written, listed, summarised and packed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from oneworkforce.planning import list_runs, load_run, pack_section
from oneworkforce.planning.scenario import parse_scenario as parse_scenario_for_tests
from tests.planning.conftest import LEAVERS, PEOPLE  # noqa: F401 (documents the data)

pytestmark = [pytest.mark.django_db]


def test_flows_are_counted_as_the_catalogue_defines_them(store) -> None:
    from oneworkforce.planning.baseline import _flow_rows, _Reader

    reader = _Reader(store, None)
    try:
        assert reader.as_of == date(2024, 3, 1)
        flows = _flow_rows(reader, date(2023, 3, 1))
    finally:
        reader.close()

    def total(name: str, segment: str, col: int = 3) -> float:
        return sum(float(r[col]) for r in flows[name] if r[0] == segment)

    # exposure: January's 2.3 FTE (p1, p2, p3) and February's 3.8 FTE (p1, p2, p4, p5)
    assert total("exposure", "secondary_care") == pytest.approx(6.1)
    assert total("exposure", "nhs_community") == pytest.approx(1.0)
    # p2 left in March (0.8 FTE), p3 retired in February (0.5 FTE, a retirement reason)
    assert total("leavers", "secondary_care") == pytest.approx(1.3)
    assert total("leavers", "secondary_care", col=5) == pytest.approx(0.5)
    # p4 moved from community to acute: a transfer, not a leaver or joiner
    assert total("moves_out", "nhs_community") == pytest.approx(1.0)
    assert total("moves_in", "secondary_care") == pytest.approx(1.0)
    assert total("leavers", "nhs_community") == 0
    # p5 joined in February; the bank worker and the non-partner never count
    assert total("joiners", "secondary_care") == pytest.approx(1.0)
    assert [r[2] for r in flows["joiners"]] == ["under_25"]


def test_baseline_stock_is_the_last_month_without_bank_or_non_partners(store) -> None:
    from oneworkforce.planning.baseline import from_store

    base = from_store(store)
    s = base.segments.index("secondary_care")
    g = base.staff_groups.index("nursing_midwifery")
    assert base.stock[s, g].sum() == pytest.approx(3.0)
    assert base.stock[s, g, 0] == pytest.approx(1.0)  # p5, 23
    assert base.stock[s, g, 1] == pytest.approx(2.0)  # p1 and p4
    assert (base.leave >= 0).all() and (base.join >= 0).all()
    np.testing.assert_allclose(base.join_mix.sum(-1), 1.0)


def test_a_run_is_written_listed_and_packed(store) -> None:
    from oneworkforce.planning import run_scenario

    doc = {
        "name": "tiny",
        "title": "Tiny",
        "horizon": {"years": 2},
        "levers": [
            {
                "kind": "international_recruitment",
                "name": "intl",
                "staff_groups": ["nursing_midwifery"],
                "fte_per_year": {"p10": 1, "p90": 3},
            }
        ],
    }
    result = run_scenario(store, parse_scenario_for_tests(doc), runs=21, seed=3)
    table = pq.read_table(result.path / "results.parquet")
    assert set(table.column("variant").to_pylist()) == {"do_nothing", "scenario"}
    assert sorted(set(table.column("run").to_pylist())) == list(range(21))
    assert set(table.column("scenario").to_pylist()) == {"tiny"}
    assert set(table.column("data_version").to_pylist()) == {result.meta["data_version"]}
    params = pq.read_table(result.path / "params.parquet").to_pylist()
    assert {p["parameter"] for p in params} >= {"intl.fte_per_year", "leaver_factor"}
    shape = {"scenario", "year", "segment", "staff_group", "measure", "p10", "p50", "p90"}
    assert all(shape <= set(row) for row in result.summaries)
    assert {row["measure"] for row in result.summaries} == {
        "supply_fte",
        "demand_fte",
        "gap_fte",
        "cost",
    }
    for row in result.summaries:
        assert row["p10"] <= row["p50"] <= row["p90"]
    assert [m["run_id"] for m in list_runs(store)] == [result.run_id]
    again = load_run(store, result.run_id)
    assert again.summaries == json.loads(json.dumps(result.summaries))
    pack = pack_section(store, [result.run_id])
    assert pack["scenarios"][0]["title"] == "Tiny"
    assert [y["year"] for y in pack["scenarios"][0]["years"]] == [1, 2]
    assert pack["scenarios"][0]["levers"][0]["lever"] == "intl"
    assert pack["chart"]["data"]["values"]
    with pytest.raises(KeyError):
        pack_section(store, ["../nope"])


def test_cli_runs_a_scenario_and_prints_json(store, tmp_path: Path) -> None:
    from oneworkforce.cli import app

    path = tmp_path / "s.toml"
    path.write_text('name = "cli"\n[horizon]\nyears = 1\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["--home", str(store.root), "plan", "run", str(path), "--runs", "5", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    system = [r for r in rows if r["segment"] == "all" and r["measure"] == "supply_fte"]
    assert {r["variant"] for r in system} == {"do_nothing", "scenario"}
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "cli"\n[horizon]\nyears = 99\n', encoding="utf-8")
    res = runner.invoke(app, ["--home", str(store.root), "plan", "run", str(bad)])
    assert res.exit_code == 2
    assert "horizon.years" in res.output
    # three months of history are too few to hold a year back
    res = runner.invoke(app, ["--home", str(store.root), "plan", "backtest", "--format", "json"])
    assert res.exit_code == 2
    assert "history from 2023-03" in res.output
