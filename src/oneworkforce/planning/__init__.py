"""Workforce planning: scenarios, a Monte Carlo stock-flow model, backtest and results.

The public surface other parts of OneWorkforce call (the CLI, the web pages, the board pack)::

    load_scenario(path) -> Scenario
    run_scenario(home, scenario, runs=1000, seed=..., engine="local") -> PlanRun
    list_runs(home) -> list of run metadata, newest first
    load_run(home, run_id) -> PlanRun
    backtest(home) -> list of per-segment dicts
    pack_section(home, run_ids) -> dict for the board pack
"""

from __future__ import annotations

from oneworkforce.planning.backtest import backtest
from oneworkforce.planning.pack import pack_section
from oneworkforce.planning.results import PlanRun, list_runs
from oneworkforce.planning.results import load as load_run
from oneworkforce.planning.runner import DEFAULT_RUNS, DEFAULT_SEED, run_scenario
from oneworkforce.planning.scenario import Scenario, ScenarioError, load_scenario, schema

__all__ = [
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "PlanRun",
    "Scenario",
    "ScenarioError",
    "backtest",
    "list_runs",
    "load_run",
    "load_scenario",
    "pack_section",
    "run_scenario",
    "schema",
]
