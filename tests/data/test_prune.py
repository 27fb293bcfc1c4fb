"""Retention (issue 14, item 10): ``oneworkforce prune --before YYYY-MM`` removes person-level
rows of the months before the date, from every stored file, and the values quoted in old error
reports; one audit event says what went; the results are rebuilt; ``--dry-run`` only lists.

The data (tests/metrics/test_results_store.py), staff in post 2023-01 to 2024-06, rows by hand:
RZA has a1, a2, a3, a5 and, until 2023-08, a4: 8 months x 5 + 4 months x 4 = 56 rows in 2023;
RZB has b1, b2 and, from 2023-10, b3: 9 x 2 + 3 x 3 = 27; B99001 g1, g2: 12 x 2 = 24. So
56 + 27 + 24 = 107 rows before 2024-01, and 6 x (4 + 3 + 2) = 54 from 2024-01 on.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from django.db import transaction
from typer.testing import CliRunner

from oneworkforce.config import Home
from oneworkforce.data.importer import Importer
from oneworkforce.data.prune import cutoff, prune
from oneworkforce.metrics.store import ResultsStore
from tests.data.samples import SAMPLES, write
from tests.metrics.test_results_store import MONTHS, ORG, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tmp_path):
    home = Home.resolve(tmp_path / "home")
    importer = Importer(home, submitted_by="tester")
    for name, dataset, rows in (
        ("register", "organisations", SAMPLES["organisations"]),
        ("sip", "staff_in_post", [r for m in MONTHS for o in ORG for r in staff(o, m)]),
    ):
        result = importer.import_file(dataset, write(tmp_path / f"{name}.csv", rows))
        assert result.status == "accepted", result.report.summary()
    bad = [dict(staff("RZA", "2023-03")[0], fte="lots")]
    rejected = importer.import_file("staff_in_post", write(tmp_path / "bad.csv", bad))
    assert rejected.status == "rejected"
    from oneworkforce.data.ledger.models import Submission

    # a rejected file reads no month: it counts as old when it was sent before the date
    with transaction.atomic():
        Submission.objects.filter(pk=rejected.submission_id).update(
            submitted_at=dt.datetime(2023, 4, 2, tzinfo=dt.UTC)
        )
    ResultsStore(home.lake).rebuild()
    return home, str(rejected.submission_id)


def rows_by_side(home: Home) -> tuple[int, int]:
    """Stored staff in post rows before 2024-01 and from it, in every file on disk."""
    glob = str(home.lake / "staff_in_post" / "submission=*" / "*.parquet")
    before, after = duckdb.sql(
        f"SELECT count(*) FILTER (WHERE period < DATE '2024-01-01'), "
        f"count(*) FILTER (WHERE period >= DATE '2024-01-01') FROM read_parquet('{glob}')"
    ).fetchone()
    return before, after


def error_values(submission_id: str) -> list:
    from oneworkforce.data.ledger.models import Submission

    return [e.get("value") for e in Submission.objects.get(pk=submission_id).errors]


def prune_events() -> list:
    from oneworkforce.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action="prune"))


def test_a_dry_run_lists_what_would_go_and_changes_nothing(loaded):
    home, rejected = loaded
    assert rows_by_side(home) == (107, 54)
    removed = prune(home, "2024-01", actor="dpo", dry_run=True)
    assert removed.total_rows == 107
    assert removed.error_values == [rejected]
    assert rows_by_side(home) == (107, 54)
    assert "lots" in error_values(rejected)
    assert prune_events() == []


def test_prune_removes_the_months_before_audits_and_rebuilds(loaded):
    home, rejected = loaded
    periods = {r["period"] for r in ResultsStore(home.lake).results("staff_in_post_fte")}
    assert min(periods) == "2023-01"
    removed = prune(home, "2024-01", actor="dpo")
    assert removed.total_rows == 107
    assert rows_by_side(home) == (0, 54)
    assert error_values(rejected) == [None]  # the row, column and rule stay; the value goes
    (event,) = prune_events()
    assert event.actor == "dpo" and event.object_id == "before 2024-01"
    assert event.changes["rows"] == 107
    assert event.changes["by_dataset"]["staff_in_post"]["rows"] == 107
    assert event.changes["error_reports_cleared"] == [rejected]
    # the results are rebuilt from what is left: staff in post from 2024-01 only; 2024-06 is
    # RZA 4.0 + RZB 2.8 + B99001 2.0 = 8.8 FTE as before
    rows = ResultsStore(home.lake).results("staff_in_post_fte")
    assert {r["period"] for r in rows if r["value"] is not None} == {
        f"2024-{m:02d}" for m in range(1, 7)
    }
    (june,) = [r for r in rows if r["period"] == "2024-06"]
    assert june["value"] == pytest.approx(8.8)
    # the data directory is consistent: every check of doctor passes
    from oneworkforce.backup import doctor

    assert doctor(home).healthy, doctor(home).to_dict()
    # a second prune finds nothing more to remove (and is audited as such)
    assert prune(home, "2024-01", actor="dpo").total_rows == 0
    assert len(prune_events()) == 2


def test_the_month_must_be_a_month():
    assert cutoff("2024-01") == dt.date(2024, 1, 1)
    for bad in ("2024-13", "2024-1", "24-01", "January"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            cutoff(bad)
    from oneworkforce.cli import app

    result = CliRunner().invoke(app, ["prune", "--before", "2024-13"])
    assert result.exit_code != 0
    assert "not a month written YYYY-MM" in result.output
