"""The seed tables import with their own headings and come back out unchanged."""

import csv
import io
import json

import pytest
import xlsxwriter

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import exporting, importing, models

SEEDS = [
    ("programmes", "programme_grid.csv"),
    ("programmes", "portfolio_table.csv"),
    ("risks", "risk_register.csv"),
    ("actions", "action_log.csv"),
    ("declarations", "declarations_register.csv"),
]


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _to_xlsx(rows, path):
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), SEEDS)
def test_csv_round_trip(seed, kind, name):
    counts = importing.import_file(kind, seed / name, "tester")
    original = _rows(seed / name)
    data_rows = [r for r in original[1:] if not (kind == "programmes" and not any(r[1:]))]
    assert counts["create"] == len(data_rows)
    assert list(csv.reader(io.StringIO(exporting.to_csv(kind)))) == original


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), SEEDS)
def test_xlsx_round_trip(seed, tmp_path, kind, name):
    original = _rows(seed / name)
    importing.import_file(kind, _to_xlsx(original, tmp_path / "seed.xlsx"), "tester")
    headings, table = importing.read_table("out.xlsx", exporting.to_xlsx(kind))
    assert [headings, *table] == original


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), SEEDS)
def test_reimport_changes_nothing(seed, kind, name):
    importing.import_file(kind, seed / name, "tester")
    before = AuditEvent.objects.count()
    counts = importing.import_file(kind, seed / name, "tester")
    assert counts["create"] == counts["update"] == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_unmapped_columns_are_kept(tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text("Risk Ref,Risk Description,Directorate Notes\nR1,A risk,Keep me\n")
    counts = importing.import_file("risks", path, "tester")
    assert counts["create"] == 1
    risk = models.Risk.objects.get(ref="R1")
    assert risk.extra == {"Directorate Notes": "Keep me"}
    assert "Keep me" in exporting.to_csv("risks")


@pytest.mark.django_db
def test_map_option_reads_a_heading_as_a_field(tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text("Risk Ref,Risk Description,Risk Lead\nR1,A risk,Jo Bloggs\n")
    importing.import_file("risks", path, "tester", overrides={"Risk Lead": "owner"})
    assert models.Risk.objects.get(ref="R1").owner == "Jo Bloggs"


@pytest.mark.django_db
def test_seed_values_read(seed):
    importing.import_file("programmes", seed / "portfolio_table.csv", "tester")
    p1 = models.Programme.objects.get(code="P1")
    assert p1.name == "Unfunded Capacity" and p1.kind == "portfolio"
    assert p1.phase == "mobilisation"
    assert p1.savings_amount == 80_000_000 and p1.savings_text == "£80m recurrently"
    assert (p1.sro, p1.programme_director) == ("Kevin McGee", "Amanda Thornton")
    assert models.Programme.objects.get(code="P2").phase == "delivery"
    importing.import_file("programmes", seed / "programme_grid.csv", "tester")
    hwb = models.Programme.objects.get(name="Health and Wellbeing Committee")
    assert hwb.kind == "committee" and hwb.chair == "Polly McMeekin, YSFT"
    assert models.Programme.objects.get(name="People digital").kind == "task_and_finish_group"


@pytest.mark.django_db
def test_inconsistent_score_refuses_the_file(tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text(
        "Risk Ref,Risk Description,Initial Likelihood,Initial Consequence,Initial Score\n"
        "R1,A,4,5,20\nR2,B,3,3,12\n"
    )
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_file("risks", path, "tester")
    assert "row 3" in refused.value.problems[0]
    assert models.Risk.objects.count() == 0  # whole file or nothing


@pytest.mark.django_db
def test_json_export_field_names(seed):
    importing.import_file("risks", seed / "risk_register.csv", "tester")
    importing.import_file("programmes", seed / "portfolio_table.csv", "tester")
    importing.import_file("actions", seed / "action_log.csv", "tester")
    risk = exporting.as_json("risks")[0]
    expected = ["ref", "description"]
    for stage in ("initial", "current", "target"):
        expected += [
            f"{stage}_likelihood",
            f"{stage}_consequence",
            f"{stage}_score",
            f"{stage}_band",
        ]
    expected += ["mitigations", "owner", "review_date"]
    assert list(risk) == expected
    assert (risk["initial_score"], risk["initial_band"]) == (20, "extreme")  # 4 x 5
    assert (risk["current_score"], risk["current_band"]) == (9, "high")  # 3 x 3
    programme = exporting.as_json("programmes")[0]
    assert {"code", "name", "kind", "sro", "chair", "objective", "phase", "rag"} <= set(programme)
    action = exporting.as_json("actions")[0]
    assert {"action", "owner", "due_date", "status"} <= set(action)
    assert action["due_date"] == "2022-07-01"
    json.dumps(exporting.as_json("actions"))


@pytest.mark.django_db
def test_preview_saves_nothing(seed):
    headings, table = importing.read_table(seed / "risk_register.csv")
    plan = importing.plan("risks", headings, table, file_name="risk_register.csv")
    assert plan.counts()["create"] == 10
    assert plan.mapping["Initial Likelihood"] == "initial_likelihood"
    assert models.Risk.objects.count() == 0
