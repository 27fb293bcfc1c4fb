"""Running a scenario: baseline from the store, parameters drawn, the lever ladder projected
(locally in chunks of runs, or over Spark), results written and summarised."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from oneworkforce.config import Home
from oneworkforce.planning import results
from oneworkforce.planning.baseline import Baseline, from_store, with_staff_groups
from oneworkforce.planning.levers import compile_inputs, lever_groups
from oneworkforce.planning.model import Projection, project
from oneworkforce.planning.montecarlo import draw
from oneworkforce.planning.scenario import Scenario

DEFAULT_RUNS = 1000
DEFAULT_SEED = 20250401
CHUNK_RUNS = 250  # runs projected at once: bounds memory, never changes a number
Ladder = list[tuple[str, str, Projection]]
Progress = Callable[[str, int, int], None]


def ladder_steps(scenario: Scenario) -> list[tuple[str, str, int]]:
    """(step name, lever kind, number of levers pulled): do nothing, then one lever more."""
    steps = [("do_nothing", "", 0)]
    steps += [(lever.name, lever.kind, k + 1) for k, lever in enumerate(scenario.levers)]
    return steps


def project_runs(scenario: Scenario, base: Baseline, seed: int, runs: np.ndarray) -> Ladder:
    """The whole ladder for these run indices (what one Spark task or one chunk does)."""
    draws = draw(scenario, base, seed, runs)
    return [
        (name, kind, project(compile_inputs(scenario, base, draws, levers=k)))
        for name, kind, k in ladder_steps(scenario)
    ]


def project_local(
    scenario: Scenario,
    base: Baseline,
    seed: int,
    runs: np.ndarray,
    progress: Progress | None = None,
    chunk: int = CHUNK_RUNS,
) -> Ladder:
    parts: list[Ladder] = []
    for start in range(0, len(runs), chunk):
        parts.append(project_runs(scenario, base, seed, runs[start : start + chunk]))
        if progress:
            progress("runs", min(start + chunk, len(runs)), len(runs))
    return join_ladders(parts)


def join_ladders(parts: list[Ladder]) -> Ladder:
    steps = len(parts[0])
    return [
        (parts[0][i][0], parts[0][i][1], Projection.concat([p[i][2] for p in parts]))
        for i in range(steps)
    ]


def baseline_for(home: Home, scenario: Scenario) -> Baseline:
    return with_staff_groups(from_store(home), lever_groups(scenario))


def _params(scenario: Scenario, base: Baseline, seed: int, runs: np.ndarray) -> dict[str, list]:
    draws = draw(scenario, base, seed, runs)
    table = draws.scalar_table()
    n = len(table["run"])
    table["segment"] = [None] * n
    table["staff_group"] = [None] * n
    S, G = base.stock.shape[:2]
    for label, factors in (
        ("leaver_factor", draws.leave_factor),
        ("joiner_factor", draws.join_factor),
    ):
        for s in range(S):
            for g in range(G):
                if base.stock[s, g].sum() == 0 and base.demand[s, g] == 0:
                    continue
                table["run"] += runs.tolist()
                table["parameter"] += [label] * len(runs)
                table["value"] += factors[:, s, g].tolist()
                table["segment"] += [base.segments[s]] * len(runs)
                table["staff_group"] += [base.staff_groups[g]] * len(runs)
    return table


def run_scenario(
    home: Home,
    scenario: Scenario,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    engine: str = "local",
    *,
    progress: Progress | None = None,
    baseline: Baseline | None = None,
    sources: dict[str, dict] | None = None,
) -> results.PlanRun:
    """Run a scenario and its do-nothing baseline; write and summarise the results.
    ``sources`` names the programme and benefit each lever comes from (kept in the run's
    metadata as ``programmes``, for the planning page and the board pack)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if engine not in ("local", "spark"):
        raise ValueError("engine must be local or spark")
    began = time.perf_counter()
    base = baseline or baseline_for(home, scenario)
    indices = np.arange(runs)
    if engine == "spark":
        from oneworkforce.planning.spark import project_spark

        ladder = project_spark(scenario, base, seed, indices)
    else:
        ladder = project_local(scenario, base, seed, indices, progress)
    variants = {"do_nothing": ladder[0][2], "scenario": ladder[-1][2]}
    live = (base.stock.sum(-1) > 0) | (base.demand > 0)
    for _, _, p in ladder:
        live |= (p.supply.max((0, 1)) > 0) | (p.demand.max((0, 1)) > 0)
    created = datetime.now(UTC)
    run_id = f"{scenario.name}-{created:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"
    meta = {
        "run_id": run_id,
        "scenario": scenario.name,
        "title": scenario.title or scenario.name,
        "description": scenario.description,
        "created": created.isoformat(timespec="seconds"),
        "runs": runs,
        "seed": seed,
        "engine": engine,
        "data_version": base.data_version,
        "as_of": base.as_of.isoformat(),
        "horizon_years": scenario.horizon.years,
        "levers": [{"name": lv.name, "kind": lv.kind} for lv in scenario.levers],
        "document": scenario.model_dump(mode="json"),
        "programmes": sources or {},
    }
    summaries = results.summarise(scenario.name, base, indices, variants, live)
    effects = results.summarise_levers(scenario.name, base, indices, ladder)
    fan_data = results.fan(base, indices, variants)
    meta["seconds"] = round(time.perf_counter() - began, 2)
    path = results.planning_root(home) / run_id
    results.write(
        path,
        meta=meta,
        base=base,
        runs=indices,
        variants=variants,
        ladder=ladder,
        params=_params(scenario, base, seed, indices),
        summaries=summaries,
        lever_effects=effects,
        fan_data=fan_data,
    )
    return results.PlanRun(run_id, path, meta, summaries, effects, fan_data)
