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


def pytest_collection_modifyitems(items):
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
