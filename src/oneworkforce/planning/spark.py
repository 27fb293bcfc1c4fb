"""The same runs spread over Spark, for large scenario sets.

The driver reads the baseline once; run indices are split into partitions; each task draws
its runs' parameters from the master seed (``montecarlo.draw`` needs only the seed and the
run index) and runs the same NumPy model on them. The projections come back pickled and are
put in run order, so the numbers are exactly those of ``--engine local`` for the same seed.
"""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np

from oneworkforce.planning.baseline import Baseline
from oneworkforce.planning.runner import Ladder, join_ladders, project_runs
from oneworkforce.planning.scenario import Scenario

RUNS_PER_TASK = 125


def _task(payload: bytes, runs: list[int]) -> bytes:
    scenario, base, seed = pickle.loads(payload)
    ladder = project_runs(scenario, base, seed, np.asarray(runs, dtype=np.int64))
    return pickle.dumps((runs[0], ladder))


def project_spark(
    scenario: Scenario,
    base: Baseline,
    seed: int,
    runs: np.ndarray,
    *,
    session=None,
    runs_per_task: int = RUNS_PER_TASK,
) -> Ladder:
    from oneworkforce.metrics.engines import spark as spark_engine

    # tasks run our model in Python workers: the same interpreter as the driver (its
    # virtual environment has oneworkforce), unless the deployment says otherwise
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = session or spark_engine.session(config={"spark.pyspark.python": sys.executable})
    chunks = [runs[i : i + runs_per_task].tolist() for i in range(0, len(runs), runs_per_task)]
    payload = spark.sparkContext.broadcast(pickle.dumps((scenario, base, seed)))
    rdd = spark.sparkContext.parallelize(chunks, numSlices=len(chunks))
    parts = rdd.map(lambda chunk: _task(payload.value, chunk)).collect()
    ordered = sorted((pickle.loads(p) for p in parts), key=lambda item: item[0])
    return join_ladders([ladder for _, ladder in ordered])
