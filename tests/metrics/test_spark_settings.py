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


def test_steps_and_queries_start_only_once_what_they_read_is_built():
    """Spark builds the steps and runs the queries as one graph, a few at a time (no JVM
    here: each piece of work is recorded, slow ones sleep). Nothing starts before the steps
    it names are built, at most QUERY_THREADS run at once, and the answers come back in the
    queries' order whatever order they finished in."""
    import threading
    import time

    from oneworkforce.metrics.compiler import Query, Step
    from oneworkforce.metrics.engines.spark import QUERY_THREADS, SparkDatabase

    steps = [
        Step("owm_a", "SELECT 1"),
        Step("owm_b", "SELECT * FROM owm_a"),
        Step("owm_c", "SELECT * FROM owm_b JOIN owm_a"),
    ]
    queries = [
        Query("slow", (), "SELECT * FROM owm_c", (), frozenset()),
        Query("early", (), "SELECT * FROM sickness_absence JOIN owm_a", (), frozenset()),
        Query("middle", (), "SELECT * FROM owm_b", (), frozenset()),
    ]
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    running = [0]
    most = [0]

    class Recording(SparkDatabase):
        def _do(self, item):
            name = item.name if isinstance(item, Step) else item.metric
            with lock:
                events.append(("start", name))
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep({"owm_b": 0.3, "slow": 0.2}.get(name, 0.05))
            with lock:
                events.append(("end", name))
                running[0] -= 1
            return None if isinstance(item, Step) else [(name,)]

    answers = Recording(spark=None).answer(steps, queries)
    assert answers == [[("slow",)], [("early",)], [("middle",)]]

    def at(kind, name):
        return events.index((kind, name))

    assert at("start", "owm_b") > at("end", "owm_a")
    assert at("start", "owm_c") > at("end", "owm_b")
    assert at("start", "slow") > at("end", "owm_c")
    assert at("start", "middle") > at("end", "owm_b")
    # the query on another dataset runs while owm_b (0.3 s) is being built
    assert at("start", "early") < at("end", "owm_b")
    assert most[0] <= QUERY_THREADS


def test_steps_that_can_never_be_built_are_an_error_not_a_hang():
    from oneworkforce.metrics.compiler import Step
    from oneworkforce.metrics.engines.spark import SparkDatabase

    class Never(SparkDatabase):
        def _do(self, item):  # pragma: no cover - nothing may run
            raise AssertionError("ran")

    # each reads the other: neither can start
    steps = [Step("owm_x", "SELECT * FROM owm_y"), Step("owm_y", "SELECT * FROM owm_x")]
    with pytest.raises(ValueError, match="never built"):
        Never(spark=None).answer(steps, [])
