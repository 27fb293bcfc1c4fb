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
