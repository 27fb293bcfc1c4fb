"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.config import Home
from tests.data.samples import SAMPLES, write


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home.resolve(tmp_path / "home")


@pytest.fixture
def importer(home: Home, db):
    from oneworkforce.data.importer import Importer

    imp = Importer(home, submitted_by="tester")
    result = imp.import_file(
        "organisations", write(home.root.parent / "register.csv", SAMPLES["organisations"])
    )
    assert result.status == "accepted", result.report.summary()
    return imp


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    """Every test that touches the operational store is also an ``opstore`` test, so that
    ``scripts/test`` can run them a second time on SQLite when DATABASE_URL is PostgreSQL;
    tests that share an expensive fixture are kept on one worker."""
    for item in items:
        if item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.opstore)
        # with pytest-xdist (``--dist loadgroup``), the browser tests share one served demo
        # and the Spark tests one JVM, each on one worker
        for group in ("browser", "spark"):
            if item.get_closest_marker(group):
                item.add_marker(pytest.mark.xdist_group(group))
    # the markers are in place before pytest-xdist's own hook reads them (this is a wrapper)
    yield
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        _name_the_groups(items)


def _name_the_groups(items: list[pytest.Item]) -> None:
    """pytest-xdist tells its controller a test's group by ending the test's id with
    ``@group``, which it writes to ``item._nodeid``; pytest 9.2 keeps the id in ``item._id``
    (a ``NodeId``), so the suffix was lost and ``--dist loadgroup`` spread every group over
    every worker: each worker built and served its own demo and started its own JVM
    (pytest-dev/pytest-xdist#1386). Until pytest-xdist writes it there, it is written here;
    a grouped test whose id still lacks its group stops the run rather than run ungrouped."""
    from _pytest.nodeid import NodeId

    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if not names:
            continue
        suffix = "@" + "_".join(sorted(names))
        if not item.nodeid.endswith(suffix) and isinstance(getattr(item, "_id", None), NodeId):
            # parsed from the whole string, the id prints as exactly that string
            item._id = NodeId.parse(item.nodeid + suffix)
        if not item.nodeid.endswith(suffix):
            raise pytest.UsageError(
                f"{item.nodeid}: pytest-xdist could not be told its group {suffix[1:]!r}"
            )
