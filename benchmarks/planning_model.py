"""Benchmark: the planning model (issue 7, item 8).

1,000 Monte Carlo runs over 60 months for 13 segments x 20 staff groups x 6 age bands
(1,560 cells), a scenario with a leaver-rate lever, international recruitment, a training
pipeline and a bank and agency fill policy; the vectorised NumPy model (``model.project``,
drawing parameters and compiling inputs included) against the straightforward per-run
Python loop of the same model (``planning_loop.py``) in the same run.

The loop takes about a second per run, so it runs ``--loop-runs`` runs (default 10) and its
time is scaled to 1,000 runs; its numbers must equal the vectorised model's for those runs
(relative difference below 1e-9) or the benchmark fails. Each measurement runs in its own
subprocess (peak memory is VmHWM from /proc/self/status) and is repeated; medians reported.

    python benchmarks/planning_model.py [--repeats 3] [--loop-runs 10]

Goals: at least 50 times faster than the loop; under 10 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS, SEGMENTS, GROUPS = 1000, 13, 20

SETUP = f"""
import json, sys, time
from datetime import date
import numpy as np
sys.path.insert(0, {str(HERE)!r})
from oneworkforce.data.reference import vocabulary
from oneworkforce.planning.baseline import Baseline
from oneworkforce.planning.levers import compile_inputs
from oneworkforce.planning.model import project
from oneworkforce.planning.montecarlo import draw
from oneworkforce.planning.scenario import parse_scenario

def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

rng = np.random.default_rng(2025)
segments = vocabulary("segment").codes[:{SEGMENTS}]
groups = vocabulary("staff_group").codes[:{GROUPS}]
S, G, A = len(segments), len(groups), 6
bands = vocabulary("band").codes
mix = rng.dirichlet(np.ones(len(bands)), (S, G))
base = Baseline(
    as_of=date(2025, 3, 1), data_version="bench", segments=segments, staff_groups=groups,
    stock=rng.gamma(2.0, 40.0, (S, G, A)), demand=rng.gamma(2.0, 260.0, (S, G)),
    leave=rng.uniform(0.004, 0.015, (S, G, A)), retire=rng.uniform(0.0, 0.02, (S, G, A)),
    transfer_out=rng.uniform(0.0, 0.003, (S, G, A)), join=rng.uniform(0.008, 0.02, (S, G)),
    transfer_in=rng.uniform(0.0, 0.003, (S, G)), join_mix=rng.dirichlet(np.ones(A), (S, G)),
    leavers_seen=rng.uniform(5, 200, (S, G)), joiners_seen=rng.uniform(5, 200, (S, G)),
    band_mix=mix, bands=bands, person_level=(True,) * S,
)
scenario = parse_scenario({{
    "name": "bench",
    "demand": {{"growth": [{{"annual": {{"p10": 0.005, "p90": 0.025}}}}]}},
    "levers": [
        {{"kind": "leaver_rate", "name": "retention", "change": {{"p10": -0.15, "p90": -0.05}}}},
        {{"kind": "international_recruitment", "name": "intl",
          "staff_groups": ["nursing_midwifery"], "fte_per_year": {{"p10": 100, "p90": 300}}}},
        {{"kind": "training_pipeline", "name": "train", "staff_groups": ["ahp"],
          "intake_per_year": {{"p10": 40, "p90": 80}}, "attrition": {{"p10": 0.1, "p90": 0.3}}}},
        {{"kind": "bank_agency", "name": "fill", "bank_fill": 0.4, "agency_fill": 0.1}},
    ],
}})
"""

VECTORISED = (
    SETUP
    + f"""
t = time.perf_counter()
draws = draw(scenario, base, 1, np.arange({RUNS}))
p = project(compile_inputs(scenario, base, draws))
seconds = time.perf_counter() - t
out = sys.argv[1]
np.savez(out, supply=p.supply[: int(sys.argv[2])], cost=p.cost[: int(sys.argv[2])])
print(json.dumps({{"seconds": seconds, "max_rss_mb": peak_rss_mb()}}))
"""
)

LOOP = (
    SETUP
    + """
from planning_loop import project_loop
n = int(sys.argv[2])
draws = draw(scenario, base, 1, np.arange(n))
inputs = compile_inputs(scenario, base, draws)
t = time.perf_counter()
result = project_loop(inputs)
seconds = time.perf_counter() - t
ref = np.load(sys.argv[1])
for key in ("supply", "cost"):
    diff = np.max(np.abs(result[key] - ref[key]) / np.maximum(np.abs(ref[key]), 1e-9))
    assert diff < 1e-9, (key, diff)
print(json.dumps({"seconds": seconds, "max_rss_mb": peak_rss_mb(), "runs": n}))
"""
)


def _measure(code: str, *args: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-runs", type=int, default=10)
    args = parser.parse_args()
    reference = str(HERE / "results" / "_planning_reference.npz")
    vec, loop = [], []
    for _ in range(args.repeats):
        vec.append(_measure(VECTORISED, reference, str(args.loop_runs)))
        loop.append(_measure(LOOP, reference, str(args.loop_runs)))
    Path(reference).unlink(missing_ok=True)
    vec_s = statistics.median(v["seconds"] for v in vec)
    loop_per_run = statistics.median(v["seconds"] for v in loop) / args.loop_runs
    loop_s = loop_per_run * RUNS
    result = {
        "benchmark": "planning_model",
        "shape": {
            "runs": RUNS,
            "months": 60,
            "segments": SEGMENTS,
            "staff_groups": GROUPS,
            "age_bands": 6,
            "cells": SEGMENTS * GROUPS * 6,
        },
        "vectorised_seconds_median": round(vec_s, 3),
        "vectorised_seconds_all": [round(v["seconds"], 3) for v in vec],
        "vectorised_peak_rss_mb": round(statistics.median(v["max_rss_mb"] for v in vec), 1),
        "loop_runs_measured": args.loop_runs,
        "loop_seconds_per_run_median": round(loop_per_run, 3),
        "loop_seconds_for_1000_runs_scaled": round(loop_s, 1),
        "loop_peak_rss_mb": round(statistics.median(v["max_rss_mb"] for v in loop), 1),
        "speedup": round(loop_s / vec_s, 1),
        "goals": {"speedup_at_least": 50, "seconds_under": 10},
        "met": {"speedup": loop_s / vec_s >= 50, "seconds": vec_s < 10},
        "results_equal": True,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "repeats": args.repeats,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    out = HERE / "results" / "planning_model.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
