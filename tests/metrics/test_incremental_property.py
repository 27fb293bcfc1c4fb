"""The incremental refresh gives exactly the figures of a full rebuild, after every kind of
submission: a property test over random sequences of new months, supersessions of sickness and
staff in post (people leaving and joining), files with months never seen before, and rejected
files, on the small ICS of tests/metrics/test_results_store.py.

After each step the store is refreshed incrementally, and compared with a full rebuild of a
copy of the same lake: every stored row and every SPC point of every split, exactly, numbers
too (the engine adds in exact decimals, so the order DuckDB adds in does not matter), with
``computed_at`` and the ``data_version`` of rows left as they were the only columns allowed to
differ (so the organisations behind each figure, ``contributors`` and ``contributor_count``,
must be a rebuild's too). A file may also re-send figures already stored (another file, the
same numbers): the refresh then keeps the SPC points of the series whose values did not
change, and they must still be a rebuild's.
"""

from __future__ import annotations

import itertools
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneworkforce.metrics.impact import SPLITS
from oneworkforce.metrics.store import ResultsStore
from tests.data.samples import write
from tests.metrics.test_results_store import MONTHS, loaded, sickness, staff  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ORGS = ("RZA", "RZB", "B99001")
SICK_ORGS = ("RZA", "RZB")
#: two months after the loaded data, so a step can add a month no file has had before
ALL_MONTHS = [*MONTHS, "2024-07", "2024-08"]
IGNORED = {"computed_at", "data_version"}

sickness_step = st.tuples(
    st.just("sickness"),
    st.sampled_from(SICK_ORGS),
    st.lists(st.sampled_from(ALL_MONTHS), min_size=1, max_size=3, unique=True),
    st.integers(min_value=0, max_value=200),
)
staff_step = st.tuples(
    st.just("staff_in_post"),
    st.sampled_from(ORGS),
    st.lists(st.sampled_from(ALL_MONTHS), min_size=1, max_size=2, unique=True),
    st.sampled_from(["a1", "a5", "b1", "g1", "none"]),  # who has left (if they were there)
    st.booleans(),  # someone new joins
)
rejected_step = st.tuples(st.just("rejected"), st.sampled_from(SICK_ORGS))
#: the loaded figures again, in another file (months in another order, so not a duplicate)
same_step = st.tuples(
    st.just("same"),
    st.sampled_from(SICK_ORGS),
    st.lists(st.sampled_from(MONTHS), min_size=2, max_size=3, unique=True),
)
steps = st.lists(
    st.one_of(sickness_step, staff_step, rejected_step, same_step), min_size=1, max_size=3
)

_names = itertools.count()


def submit(importer, tmp_path, step) -> str:
    kind = step[0]
    name = f"step{next(_names)}"
    if kind == "sickness":
        _, org, months, extra = step
        rows = [sickness(org, m, days_lost=float(extra)) for m in months]
        dataset = "sickness_absence"
    elif kind == "staff_in_post":
        _, org, months, gone, joins = step
        add = [(f"new-{name}", ("ahp", "band_5"))] if joins else []
        rows = [r for m in months for r in staff(org, m, drop=(gone,), add=add)]
        dataset = "staff_in_post"
    elif kind == "same":
        _, org, months = step
        rows = [sickness(org, m) for m in reversed(sorted(months))]
        dataset = "sickness_absence"
    else:
        _, org = step
        rows = [sickness(org, "2024-01", days_lost=-5.0)]  # negative days: rejected
        dataset = "sickness_absence"
    result = importer.import_file(dataset, write(tmp_path / f"{name}.csv", rows))
    return result.status


def comparable(rows):
    out = []
    for row in rows:
        out.append({k: v for k, v in row.items() if k not in IGNORED})
    return out


def assert_same(got_rows, want_rows, what):
    got, want = comparable(got_rows), comparable(want_rows)
    assert len(got) == len(want), what
    for g, w in zip(got, want, strict=True):  # both in the stored order
        assert g.keys() == w.keys(), what
        for key in g:
            assert g[key] == w[key], (what, key, g)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_incremental_refresh_equals_a_full_rebuild(loaded, tmp_path_factory, sequence):  # noqa: F811
    importer, store, _ = loaded
    for step in sequence:
        tmp = tmp_path_factory.mktemp("step")
        status = submit(importer, tmp, step)
        assert status in (("rejected",) if step[0] == "rejected" else ("accepted", "duplicate"))
        report = store.refresh()
        assert report.mode in ("incremental", "unchanged")
        copy = tmp / "lake"
        shutil.copytree(store.lake_root, copy)
        rebuilt = ResultsStore(copy)
        assert rebuilt.rebuild().data_version == report.data_version
        for split in SPLITS:
            rows = store.results(split=split.name)
            assert all("contributor_count" in r and "contributors" in r for r in rows)
            assert_same(rows, rebuilt.results(split=split.name), split.name)
            assert_same(
                store.spc_points(split=split.name),
                rebuilt.spc_points(split=split.name),
                f"spc {split.name}",
            )
        assert store.status()["splits"] == {
            name: {**info, "computed_at": store.status()["splits"][name]["computed_at"]}
            for name, info in rebuilt.status()["splits"].items()
        }
