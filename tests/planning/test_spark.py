"""The Spark engine gives exactly the local engine's numbers for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from oneworkforce.planning.runner import project_local
from oneworkforce.planning.scenario import parse_scenario
from tests.planning.helpers import hand_baseline
from tests.planning.test_model import LEVERS

pytestmark = pytest.mark.spark


def test_spark_equals_local_for_the_same_seed() -> None:
    pytest.importorskip("pyspark")
    from oneworkforce.planning.spark import project_spark

    scenario, base = parse_scenario(LEVERS), hand_baseline()
    runs = np.arange(23)
    local = project_local(scenario, base, 4, runs)
    spread = project_spark(scenario, base, 4, runs, runs_per_task=5)
    assert [name for name, _, _ in spread] == [name for name, _, _ in local]
    for (_, _, a), (_, _, b) in zip(local, spread, strict=True):
        assert np.array_equal(a.supply, b.supply)
        assert np.array_equal(a.cost, b.cost)
        assert np.array_equal(a.supply_monthly, b.supply_monthly)
