"""The Spark session's settings follow the machine it runs on (no JVM needed to check)."""

from __future__ import annotations

import os

import pytest

from oneworkforce.metrics.engines.spark import DEFAULT_CONFIG, local_cores, sized_config


@pytest.mark.parametrize(
    ("master", "cores"),
    [("local", 1), ("local[2]", 2), ("local[8]", 8), ("local[3,2]", 3), ("yarn", None)],
)
def test_the_cores_of_a_master(master, cores):
    assert local_cores(master) == cores


def test_local_star_is_every_core_of_this_machine():
    assert local_cores("local[*]") == os.cpu_count()


def test_shuffle_partitions_are_twice_the_local_cores():
    # local[2]: 2 cores x 2 = 4 partitions (Spark's own default is 200)
    assert sized_config("local[2]")["spark.sql.shuffle.partitions"] == "4"
    assert sized_config("local[2]")["spark.default.parallelism"] == "4"


def test_a_cluster_keeps_sparks_defaults_unless_told():
    # spark-submit's master (None here) or a cluster URL: nothing sized from this machine
    assert sized_config(None) == {}
    assert sized_config("spark://head:7077") == {}


def test_adaptive_execution_is_on():
    assert DEFAULT_CONFIG["spark.sql.adaptive.enabled"] == "true"
    assert DEFAULT_CONFIG["spark.sql.adaptive.coalescePartitions.enabled"] == "true"


def test_only_the_small_steps_are_collected_to_the_driver():
    """The steps of a few rows become local relations; the scans of staff in post and the
    person-level steps (millions of rows at scale) stay cached on the executors."""
    from oneworkforce.metrics.compiler import compile_plans
    from oneworkforce.metrics.engines.spark import SMALL_STEPS
    from oneworkforce.metrics.request import Request

    splits = [[], ["segment"], ["org_code"], ["staff_group"]]
    names = {
        s.name for p in compile_plans([Request.build(by=by) for by in splits]) for s in p.steps
    }
    assert SMALL_STEPS.issubset(names)
    large = names - SMALL_STEPS
    # (whatever other person-level steps the compiler has: they are large too)
    assert large >= {"owm_sip", "owm_people", "owm_levels", "owm_flow_12", "owm_present"}
