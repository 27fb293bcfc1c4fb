"""Benefits trajectories: long and wide files, re-import, export, the benefit page, roll-ups.

The figures are worked by hand. The one trajectory used throughout ("Agency reduction"):

    month     planned     actual      variance   cum. planned  cum. actual  cum. variance
    Apr 2024  1,200,000   1,000,000   -200,000   1,200,000     1,000,000    -200,000
    May 2024  1,300,000   1,400,000   +100,000   2,500,000     2,400,000    -100,000
    Jun 2024  1,500,000   (none)      -          4,000,000     -            -
"""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from django.urls import reverse

from oneworkforce.audit.models import AuditEvent
from oneworkforce.registers import actions, exporting, importing, models, snapshot, trajectory
from oneworkforce.web.access import Role

APR, MAY, JUN = dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)

WIDE_WITH_LINE_COLUMN = (
    "Benefit,Planned/Actual,Apr-24,May 2024,2024-06\n"
    'Agency reduction,Planned,£1.2m,"1,300,000",£1.5m\n'
    ",Actual,£1.0m,1400000,\n"
)
WIDE_SECOND_ROW = (
    "Benefit,Owner,Apr-24,May-24,Jun-24,Total\n"
    "Agency reduction,Jo Bloggs,£1.2m,£1.3m,£1.5m,£4.0m\n"
    ",,£1m,£1.4m,,\n"
)
WIDE_ACTUAL_UNDER_NAME = (
    "Benefit,April 2024,May 2024,June 2024\n"
    "Agency reduction,1200000,1300000,1500000\n"
    "Actual,1000000,1400000,\n"
    "Total,1200000,1300000,1500000\n"
)
WIDE_LINE_IN_HEADINGS = (
    "Benefit,Apr-24 Planned,Apr-24 Actual,May-24 Planned,May-24 Actual,Jun-24 Planned\n"
    "Agency reduction,£1.2m,£1.0m,£1.3m,£1.4m,£1.5m\n"
)
LONG = (
    "Benefit,Month,Planned,Actual\n"
    "Agency reduction,Apr-24,£1.2m,£1.0m\n"
    "Agency reduction,May 2024,£1.3m,£1.4m\n"
    "Agency reduction,2024-06,£1.5m,\n"
)
LONG_WITH_VALUE_COLUMN = (
    "Benefit,Month,Planned/Actual,Value\n"
    "Agency reduction,01/04/2024,Planned,£1.2m\n"
    "Agency reduction,01/04/2024,Actual,£1.0m\n"
    "Agency reduction,01/05/2024,Planned,£1.3m\n"
    "Agency reduction,01/05/2024,Actual,£1.4m\n"
    "Agency reduction,01/06/2024,Planned,£1.5m\n"
)
SHAPES = [
    WIDE_WITH_LINE_COLUMN,
    WIDE_SECOND_ROW,
    WIDE_ACTUAL_UNDER_NAME,
    WIDE_LINE_IN_HEADINGS,
    LONG,
    LONG_WITH_VALUE_COLUMN,
]

EXPECTED = [
    # month, planned, actual, variance, cum planned, cum actual, cum variance
    (APR, 1_200_000, 1_000_000, -200_000, 1_200_000, 1_000_000, -200_000),
    (MAY, 1_300_000, 1_400_000, 100_000, 2_500_000, 2_400_000, -100_000),
    (JUN, 1_500_000, None, None, 4_000_000, None, None),
]


def _d(value):
    return None if value is None else Decimal(value)


def _write(tmp_path, text, name="trajectory.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def agency(db):
    portfolio = actions.create(
        "t", models.Programme, code="PF1", name="Workforce", kind="portfolio"
    )
    prog = actions.create(
        "t", models.Programme, code="P9", name="Temporary staffing", parent=portfolio
    )
    return actions.create("t", models.Benefit, programme=prog, name="Agency reduction")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", SHAPES, ids=["line", "second-row", "actual", "headings", "long", "value"]
)
def test_every_shape_gives_the_same_months(agency, tmp_path, text):
    counts = importing.import_file("benefit_months", _write(tmp_path, text), "tester")
    assert counts == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    got = [
        (
            line["month"],
            line["planned"],
            line["actual"],
            line["variance"],
            line["cumulative_planned"],
            line["cumulative_actual"],
            line["cumulative_variance"],
        )
        for line in trajectory.lines(agency.months.all())
    ]
    assert got == [tuple([row[0], *map(_d, row[1:])]) for row in EXPECTED]


@pytest.mark.django_db
def test_reimport_changes_nothing_and_blanks_never_wipe(agency, tmp_path):
    path = _write(tmp_path, WIDE_WITH_LINE_COLUMN)
    importing.import_file("benefit_months", path, "tester")
    events, runs = AuditEvent.objects.count(), models.ImportRun.objects.count()
    again = importing.import_file("benefit_months", path, "tester")
    assert again == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert AuditEvent.objects.count() == events and models.ImportRun.objects.count() == runs
    assert set(models.BenefitMonth.objects.values_list("version", flat=True)) == {1}

    # June's actual typed on the web; the file (June blank) is imported again: still there
    june = models.BenefitMonth.objects.get(month=JUN)
    actions.update("web", june, june.version, {"actual": Decimal("900000")})
    assert importing.import_file("benefit_months", path, "tester")["unchanged"] == 3
    june.refresh_from_db()
    assert june.actual == Decimal("900000")

    # a changed plan updates that month only, with one audit event
    changed = WIDE_WITH_LINE_COLUMN.replace("£1.5m", "£1.6m")
    before = AuditEvent.objects.filter(action="benefitmonth.update").count()
    counts = importing.import_file("benefit_months", _write(tmp_path, changed, "v2.csv"), "t")
    assert counts == {"create": 0, "update": 1, "unchanged": 2, "error": 0}
    june.refresh_from_db()
    assert june.planned == Decimal("1600000") and june.version == 3
    assert AuditEvent.objects.filter(action="benefitmonth.update").count() == before + 1


@pytest.mark.django_db
def test_xlsx_with_real_dates_as_month_headings(agency, tmp_path):
    path = tmp_path / "trajectory.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "mmm-yy"})
    sheet.write_row(0, 0, ["Benefit", "Line"])
    for i, month in enumerate((APR, MAY, JUN), start=2):
        sheet.write_datetime(0, i, dt.datetime(month.year, month.month, 1), dates)
    sheet.write_row(1, 0, ["Agency reduction", "Plan", 1200000, 1300000, 1500000])
    sheet.write_row(2, 0, ["Agency reduction", "Actual", 1000000, 1400000])
    book.close()
    assert importing.import_file("benefit_months", path, "tester")["create"] == 3
    totals = snapshot.benefit_totals(agency, dt.date(2024, 5, 20))
    # to 20 May: Apr + May planned 2,500,000; actual 1,000,000 + 1,400,000
    assert totals == {
        "planned_to_date": 2_500_000.0,
        "actual_to_date": 2_400_000.0,
        "planned_total": 4_000_000.0,
    }


@pytest.mark.django_db
def test_problems_refuse_the_whole_file(agency, tmp_path):
    text = (
        "Benefit,Month,Planned,Actual\n"
        "Agency reduction,Apr-24,£1.2m,\n"
        "Bank reduction,Apr-24,£5m,\n"
        "Agency reduction,May-24,lots,\n"
        "Agency reduction,Someday,£1m,\n"
    )
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_file("benefit_months", _write(tmp_path, text), "tester")
    problems = " ".join(refused.value.problems)
    assert "row 3" in problems and "no benefit called 'Bank reduction'" in problems
    assert "row 4" in problems and "cannot read 'lots'" in problems
    assert "row 5" in problems and "'Someday' as a month" in problems
    assert models.BenefitMonth.objects.count() == 0


@pytest.mark.django_db
def test_same_name_in_two_programmes_needs_the_programme(agency, tmp_path):
    other = actions.create("t", models.Programme, code="P10", name="Bank staff")
    twin = actions.create("t", models.Benefit, programme=other, name="Agency reduction")
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_file("benefit_months", _write(tmp_path, LONG), "tester")
    assert "more than one benefit called 'Agency reduction'" in " ".join(refused.value.problems)
    with_programme = "Programme," + LONG.replace("\nAgency", "\nP10,Agency")
    importing.import_file("benefit_months", _write(tmp_path, with_programme, "p.csv"), "t")
    assert twin.months.count() == 3 and agency.months.count() == 0


@pytest.mark.django_db
def test_export_long_table_and_json_and_round_trip(agency, tmp_path):
    importing.import_file("benefit_months", _write(tmp_path, WIDE_SECOND_ROW), "tester")
    rows = list(csv.reader(io.StringIO(exporting.to_csv("benefit_months"))))
    assert rows[0][:5] == ["Programme", "Benefit", "Month", "Planned", "Actual"]
    name = ["P9", "Agency reduction"]
    assert rows[1:] == [
        [*name, "2024-04", "1200000", "1000000", "1200000", "1000000", "-200000", "-200000"],
        [*name, "2024-05", "1300000", "1400000", "2500000", "2400000", "100000", "-100000"],
        [*name, "2024-06", "1500000", "", "4000000", "", "", ""],
    ]
    data = exporting.as_json("benefit_months")
    assert data[1] == {
        "programme": "P9",
        "benefit": "Agency reduction",
        "month": "2024-05-01",
        "planned": "1300000",
        "actual": "1400000",
        "cumulative_planned": "2500000",
        "cumulative_actual": "2400000",
        "variance": "100000",
        "cumulative_variance": "-100000",
    }
    exported = _write(tmp_path, exporting.to_csv("benefit_months"), "exported.csv")
    assert importing.import_file("benefit_months", exported, "t")["unchanged"] == 3
    assert exporting.to_xlsx("benefit_months")[:2] == b"PK"


def test_month_headings_and_amounts():
    assert trajectory.month_of("Apr-24") == APR
    assert trajectory.month_of("May 2024") == MAY
    assert trajectory.month_of("2024-05") == MAY
    assert trajectory.month_of("Sept 24") == dt.date(2024, 9, 1)
    assert trajectory.month_of("06/2024") == JUN
    assert trajectory.month_of("2024-06-01T00:00:00") == JUN
    for not_a_month in ("Total", "2024", "Benefit", "Planned", "Owner", "2024-13"):
        assert trajectory.month_of(not_a_month) is None, not_a_month
    assert trajectory.read_amount("£1.2m") == (Decimal("1200000"), True)
    assert trajectory.read_amount("1,250") == (Decimal("1250"), True)
    assert trajectory.read_amount("(500)") == (Decimal("-500"), True)
    assert trajectory.read_amount("12.345") == (Decimal("12.35"), True)
    assert trajectory.read_amount("–") == (None, True)
    assert trajectory.read_amount("lots") == (None, False)


@pytest.mark.django_db
def test_portfolio_and_system_roll_up_use_the_months(agency, tmp_path, client_for):
    importing.import_file("benefit_months", _write(tmp_path, LONG), "tester")
    portfolio = models.Programme.objects.get(code="PF1")
    small = actions.create("t", models.Benefit, programme=portfolio, name="Overtime")
    for month, planned, actual in ((APR, 100, 50), (MAY, 200, None), (JUN, 400, None)):
        actions.create(
            "t", models.BenefitMonth, benefit=small, month=month, planned=planned, actual=actual
        )
    snap = snapshot.board_snapshot(dt.date(2024, 5, 20))
    (row,) = snap["benefits_by_portfolio"]
    # to 20 May: planned 2,500,000 + 300; actual 2,400,000 + 50; in all 4,000,000 + 700
    assert row["portfolio_code"] == "PF1"
    assert row["planned_to_date"] == 2_500_300.0
    assert row["actual_to_date"] == 2_400_050.0
    assert row["planned_total"] == 4_000_700.0
    # the pages count to today, after June 2024: every month planned, the actuals recorded
    board = client_for(Role.BOARD)
    overview = board.get(reverse("registers:portfolio")).content.decode()
    # money in tables reads with separators (issue 13): £4,000,700 planned, £2,400,050 actual
    assert "£4,000,700" in overview and "£2,400,050" in overview
    listing = board.get(reverse("registers:benefits")).content.decode()
    assert "<td>£4,000,000</td><td>£2,400,000</td><td>£4,000,000</td>" in listing


@pytest.mark.django_db
def test_benefit_page_and_editing_one_months_actual(agency, tmp_path, client_for):
    importing.import_file("benefit_months", _write(tmp_path, LONG), "tester")
    june = models.BenefitMonth.objects.get(month=JUN)
    board = client_for(Role.BOARD)
    page = board.get(reverse("registers:benefit", args=[agency.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2,500,000" in text and "-100,000" in text and "Not recorded" in text
    assert reverse("registers:benefit_month", args=[june.pk]) not in text
    assert board.get(reverse("registers:benefit_month", args=[june.pk])).status_code == 403


@pytest.mark.django_db
def test_recording_an_actual_is_audited_and_checks_the_version(agency, tmp_path, client):
    from django.contrib.auth import get_user_model

    from oneworkforce.web.accounts.models import Membership

    importing.import_file("benefit_months", _write(tmp_path, LONG), "tester")
    june = models.BenefitMonth.objects.get(month=JUN)
    user = get_user_model().objects.create_user(username="lead", password="a-long-pass-1")
    Membership.objects.create(user=user, role=Role.PROGRAMME_LEAD)
    client.force_login(user)
    url = reverse("registers:benefit_month", args=[june.pk])
    assert client.get(url).status_code == 200
    assert b"Record actual" in client.get(reverse("registers:benefit", args=[agency.pk])).content

    bad = client.post(url, {"version": 1, "actual": "plenty"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content

    events = AuditEvent.objects.count()
    done = client.post(url, {"version": 1, "actual": "£1.45m"})
    assert done.status_code == 302
    assert done["Location"] == reverse("registers:benefit", args=[agency.pk])
    june.refresh_from_db()
    assert june.actual == Decimal("1450000") and june.version == 2
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == events + 1
    assert event.action == "benefitmonth.update" and event.actor == "lead"

    stale = client.post(url, {"version": 1, "actual": "£2m"})
    assert stale.status_code == 409 and b"changed by someone else" in stale.content
    june.refresh_from_db()
    assert june.actual == Decimal("1450000")
    # cumulative actual now runs to June: 2,400,000 + 1,450,000
    assert trajectory.lines(agency.months.all())[-1]["cumulative_actual"] == Decimal("3850000")


@pytest.mark.django_db
def test_cli_imports_and_exports_a_trajectory(agency, tmp_path):
    from typer.testing import CliRunner

    from oneworkforce.cli import app

    runner = CliRunner()
    path = _write(tmp_path, WIDE_WITH_LINE_COLUMN)
    home = ["--home", str(tmp_path / "home")]
    res = runner.invoke(
        app, [*home, "registers", "import", "benefit_months", str(path), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["create"] == 3
    res = runner.invoke(
        app, [*home, "registers", "import", "benefit_months", str(path), "--format", "json"]
    )
    assert json.loads(res.stdout)["unchanged"] == 3
    res = runner.invoke(app, [*home, "registers", "export", "benefit_months", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert (
        "P9,Agency reduction,2024-05,1300000,1400000,2500000,2400000,100000,-100000" in res.stdout
    )
    out = tmp_path / "t.xlsx"
    res = runner.invoke(
        app, [*home, "registers", "export", "benefit_months", "--format", "xlsx", "-o", str(out)]
    )
    assert res.exit_code == 0 and out.read_bytes()[:2] == b"PK"


@pytest.mark.django_db
def test_web_import_previews_a_wide_file(agency, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(Role.PROGRAMME_LEAD)
    upload = SimpleUploadedFile("t.csv", WIDE_WITH_LINE_COLUMN.encode(), content_type="text/csv")
    preview = client.post(reverse("registers:import"), {"kind": "benefit_months", "file": upload})
    assert preview.status_code == 200
    assert preview.context["plan"].mapping["Apr-24"] == "month 2024-04"
    assert preview.context["counts"]["create"] == 3 and models.BenefitMonth.objects.count() == 0
    token = preview.context["token"]
    done = client.post(reverse("registers:import"), {"token": token, "kind": "benefit_months"})
    assert done.status_code == 302 and agency.months.count() == 3
