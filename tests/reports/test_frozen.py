"""A pack made, then new data submitted and the results rebuilt, then the pack rendered
again: the same numbers, while a new pack shows the new ones."""

from __future__ import annotations

import pytest

from oneworkforce.metrics.store import ResultsStore
from oneworkforce.reports import freeze, service
from oneworkforce.reports.models import BoardPack
from oneworkforce.reports.options import PackOptions
from tests.data.samples import write
from tests.reports.conftest import MONTHS, row_of, sickness, table_of

pytestmark = pytest.mark.django_db


def numbers_in_xlsx(path) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rerendered_pack_keeps_its_numbers_after_new_submissions(pack_home, registers, tmp_path):
    home = pack_home.home
    pack, files = service.create(home, PackOptions(), actor="analyst1", out=tmp_path / "first")
    before_xlsx = numbers_in_xlsx(files["xlsx"])
    before_version = pack.manifest["results"]["data_version"]
    secondary = row_of(table_of(pack.content, "people_story"), "Secondary care")
    assert secondary[3]["value"] == pytest.approx(0.041)  # 41 of 1000 days

    # RZA resubmits its sickness with 100 more days lost every month; the results are rebuilt
    rows = [sickness("RZA", m, extra=100.0) for m in MONTHS]
    result = pack_home.import_file("sickness_absence", write(tmp_path / "resub.csv", rows))
    assert result.status == "accepted", result.report.summary()
    store = ResultsStore(home.lake)
    store.rebuild()
    assert store.status()["data_version"] != before_version

    stored = freeze.load(str(pack.id))
    again = service.render_stored(home, stored, out=tmp_path / "again")
    assert numbers_in_xlsx(again["xlsx"]) == before_xlsx
    assert stored.content_sha256 == pack.content_sha256
    for fmt in ("pdf", "docx", "html"):
        assert again[fmt].stat().st_size > 0

    # a new pack reads the new data: RZA 141 of 1000 days = 14.1%
    newer = freeze.make(home, PackOptions(), actor="analyst1")
    assert row_of(table_of(newer.content, "people_story"), "Secondary care")[3][
        "value"
    ] == pytest.approx(0.141)
    assert newer.manifest["results"]["data_version"] != before_version
    assert BoardPack.objects.count() == 2


def test_a_changed_pack_is_refused(pack_home, registers):
    pack = freeze.make(pack_home.home, PackOptions(), actor="a")
    BoardPack.objects.filter(pk=pack.pk).update(content={**pack.content, "title": "Edited"})
    with pytest.raises(freeze.PackCorrupt):
        freeze.load(str(pack.id))


def test_making_a_pack_is_audited(pack_home, registers):
    from oneworkforce.audit.models import AuditEvent

    pack = freeze.make(pack_home.home, PackOptions(), actor="analyst1")
    event = AuditEvent.objects.get(object_type="board_pack", object_id=str(pack.id))
    assert event.actor == "analyst1" and event.action == "create"
    assert event.changes["content_sha256"] == [None, pack.content_sha256]
