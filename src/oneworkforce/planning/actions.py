"""The actions layer of planning: a scenario run, from the web, the command line or the demo,
is recorded in the audit trail (who ran which scenario, how many runs, on which data).

The run's results are files (``planning/<run id>/``), written before the event; the event is
written in its own transaction, so the trail holds every run that finished writing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from oneworkforce.audit import trail
from oneworkforce.config import Home
from oneworkforce.planning.results import PlanRun
from oneworkforce.planning.scenario import Scenario


def run(home: Home, scenario: Scenario, *, actor: str, **options: Any) -> PlanRun:
    """Run ``scenario`` (``options`` as :func:`planning.run_scenario`) and audit it."""
    from oneworkforce.planning.runner import run_scenario

    result = run_scenario(home, scenario, **options)
    with transaction.atomic():
        trail.record(
            actor,
            "planning_run.create",
            "planning_run",
            result.run_id,
            {
                "scenario": result.meta["scenario"],
                "runs": result.meta["runs"],
                "seed": result.meta["seed"],
                "engine": result.meta["engine"],
                "data_version": result.meta["data_version"],
            },
        )
    return result
