"""Each validation rule: a file that breaks it is rejected whole, with file, row, column, value
and rule named; rows are numbered as a spreadsheet shows them (the heading is row 1)."""

from __future__ import annotations

import pytest

from oneworkforce.data.errors import MAX_LISTED
from tests.data.samples import SAMPLES, write

pytestmark = pytest.mark.django_db


def _reject(importer, tmp_path, dataset, rows, columns=None, name="bad.csv"):
    result = importer.import_file(dataset, write(tmp_path / name, rows, columns))
    assert result.status == "rejected", "expected the file to be rejected"
    assert result.rows == 0
    # the rejection is in the ledger, with its errors and no slices: nothing was stored
    from oneworkforce.data.ledger.models import Submission

    entry = Submission.objects.get(id=result.submission_id)
    assert entry.status == "rejected" and not entry.slices.exists()
    assert entry.error_count == result.report.total
    return result.report


def _only(report, rule):
    matching = [e for e in report.errors if e.rule == rule]
    assert matching, f"no {rule} error in {[e.rule for e in report.errors]}"
    return matching[0]


def sip(**changes):
    return dict(SAMPLES["staff_in_post"][0], **changes)


@pytest.mark.parametrize(
    ("change", "rule", "column", "value"),
    [
        ({"period": "13/2024"}, "bad_period", "period", "13/2024"),
        ({"period": "1899-01"}, "period_out_of_range", "period", "1899-01"),
        ({"org_code": "ZZZ9"}, "unknown_organisation", "org_code", "ZZZ9"),
        ({"staff_group": "wizards"}, "unknown_code", "staff_group", "wizards"),
        ({"band": "band_12"}, "unknown_code", "band", "band_12"),
        ({"contract_type": "zero hours"}, "unknown_code", "contract_type", "zero hours"),
        ({"fte": "n/a"}, "not_a_number", "fte", "n/a"),
        ({"fte": "1,5"}, "not_a_number", "fte", "1,5"),
        ({"fte": "NaN"}, "not_a_number", "fte", "NaN"),
        ({"fte": 0}, "out_of_range", "fte", "0"),
        ({"fte": 1.6}, "out_of_range", "fte", "1.6"),
        ({"age": 15}, "out_of_range", "age", "15"),
        ({"age": "34.5"}, "not_a_whole_number", "age", "34.5"),
        ({"start_date": "the 3rd"}, "bad_date", "start_date", "the 3rd"),
        ({"person_id": None}, "missing_value", "person_id", None),
        # an NHS staff group needs an FTE (only a social care worker's hours may be unknown)
        ({"fte": None}, "missing_value", "fte", None),
        ({"person_id": "x" * 201}, "text_too_long", "person_id", "x" * 201),
    ],
)
def test_staff_in_post_cell_rules(importer, tmp_path, change, rule, column, value):
    rows = [
        sip(),
        sip(
            person_id="p9",
            assignment_id="a9",
            **{k: v for k, v in change.items() if k != "person_id"},
        ),
    ]
    if "person_id" in change:
        rows[1]["person_id"] = change["person_id"]
    report = _reject(importer, tmp_path, "staff_in_post", rows)
    error = _only(report, rule)
    assert (error.file, error.row, error.column, error.value) == ("bad.csv", 3, column, value)
    assert report.total == 1


def test_a_social_care_worker_may_have_no_fte(importer, tmp_path):
    # ASC-WDS accepts a worker whose hours are not known: in post, with no FTE
    rows = [sip(), sip(person_id="p9", assignment_id="a9", staff_group="care_worker", fte=None)]
    result = importer.import_file("staff_in_post", write(tmp_path / "ok.csv", rows))
    assert result.status == "accepted", result.report.summary()
    con = importer.lake.connect()
    assert con.execute(
        "SELECT staff_group, fte FROM staff_in_post WHERE person_id = 'p9'"
    ).fetchall() == [("care_worker", None)]


def test_fte_boundaries_are_accepted(importer, tmp_path):
    rows = [sip(fte=1.5), sip(person_id="p8", assignment_id="a8", fte=0.01)]
    result = importer.import_file("staff_in_post", write(tmp_path / "ok.csv", rows))
    assert result.status == "accepted", result.report.summary()


def test_thousands_separators_and_pounds_are_numbers(importer, tmp_path):
    row = dict(SAMPLES["temporary_staffing"][0], substantive_spend="£1,310,000.25")
    result = importer.import_file("temporary_staffing", write(tmp_path / "t.csv", [row]))
    assert result.status == "accepted", result.report.summary()
    con = importer.lake.connect()
    assert (
        float(con.execute("SELECT substantive_spend FROM temporary_staffing").fetchone()[0])
        == 1310000.25
    )


def test_same_person_twice_with_same_assignment(importer, tmp_path):
    report = _reject(
        importer, tmp_path, "staff_in_post", [sip(), sip(fte=0.5), sip(person_id="p3")]
    )
    rows = sorted(e.row for e in report.errors if e.rule == "duplicate_person_assignment")
    assert rows == [2, 3]
    assert "also at row 3" in report.errors[0].message


def test_same_person_two_assignments_is_fine(importer, tmp_path):
    rows = [sip(), sip(assignment_id="a2", staff_group="managers", fte=0.2)]
    result = importer.import_file("staff_in_post", write(tmp_path / "ok.csv", rows))
    assert result.status == "accepted", result.report.summary()


def test_days_lost_above_days_available(importer, tmp_path):
    rows = [dict(SAMPLES["sickness_absence"][0], fte_days_lost=2500, fte_days_available=2480)]
    error = _only(
        _reject(importer, tmp_path, "sickness_absence", rows), "days_lost_above_available"
    )
    assert error.row == 2 and error.column == "fte_days_lost"


def test_days_available_must_be_positive(importer, tmp_path):
    rows = [dict(SAMPLES["sickness_absence"][1], fte_days_available=0)]
    assert _only(_reject(importer, tmp_path, "sickness_absence", rows), "out_of_range")


def test_shifts_over_cap_above_shifts(importer, tmp_path):
    rows = [dict(SAMPLES["temporary_staffing"][0], agency_shifts=3, agency_shifts_over_cap=4)]
    error = _only(
        _reject(importer, tmp_path, "temporary_staffing", rows), "shifts_over_cap_above_shifts"
    )
    assert error.row == 2


def test_negative_spend(importer, tmp_path):
    rows = [dict(SAMPLES["temporary_staffing"][0], agency_spend=-5)]
    error = _only(_reject(importer, tmp_path, "temporary_staffing", rows), "out_of_range")
    assert (error.column, error.value) == ("agency_spend", "-5")


def test_duplicate_rows_in_a_monthly_return(importer, tmp_path):
    rows = [SAMPLES["establishment"][0], SAMPLES["establishment"][0]]
    report = _reject(importer, tmp_path, "establishment", rows)
    assert [e.rule for e in report.errors] == ["duplicate_row", "duplicate_row"]


def test_plan_row_without_any_figure(importer, tmp_path):
    row = dict(SAMPLES["workforce_plan"][1], plan_substantive_fte=None)
    assert _only(_reject(importer, tmp_path, "workforce_plan", [row]), "no_figures").row == 2


def test_aggregate_org_and_area_together(importer, tmp_path):
    row = dict(SAMPLES["aggregate"][0], org_code="RZA")
    assert _only(_reject(importer, tmp_path, "aggregate", [row]), "one_of_required")


def test_aggregate_unit_must_suit_the_metric(importer, tmp_path):
    row = dict(SAMPLES["aggregate"][0], unit="pounds")
    assert _only(_reject(importer, tmp_path, "aggregate", [row]), "unit_not_allowed")


def test_aggregate_percent_above_100(importer, tmp_path):
    row = dict(SAMPLES["aggregate"][0], value=129.6)
    assert _only(_reject(importer, tmp_path, "aggregate", [row]), "percent_above_100")


def _rate(value: str, unit: str, numerator: int, denominator: int) -> dict:
    return dict(
        SAMPLES["aggregate"][0],
        value=value,
        unit=unit,
        numerator=numerator,
        denominator=denominator,
    )


def test_aggregate_rate_agreeing_with_its_counts_to_its_rounding_is_accepted(importer, tmp_path):
    # 5749 / 100000 = 5.749%; "5.7" (one decimal place) stands for 5.65 to 5.75, so it agrees;
    # 57 / 1000 = 0.057 as a fraction, given to three places, agrees exactly.
    rows = [
        _rate("5.7", "percent", 5749, 100000),
        dict(_rate("0.057", "fraction", 57, 1000), area_code="E06000015"),
    ]
    result = importer.import_file("aggregate", write(tmp_path / "ok.csv", rows))
    assert result.status == "accepted", [e.describe() for e in result.report.errors]


def test_aggregate_rate_beyond_the_rounding_of_its_decimal_places(importer, tmp_path):
    # "5.70" (two places) stands for 5.695 to 5.705; 5749 / 100000 = 5.749% is outside it
    error = _only(
        _reject(importer, tmp_path, "aggregate", [_rate("5.70", "percent", 5749, 100000)]),
        "value_disagrees_with_counts",
    )
    assert (error.row, error.column, error.value) == (2, "value", "5.70")
    # 12.0% against 57 / 1000 = 5.7% is plainly wrong, and not 0.057 either
    _only(
        _reject(importer, tmp_path, "aggregate", [_rate("12.0", "percent", 57, 1000)]),
        "value_disagrees_with_counts",
    )


def test_aggregate_percentage_given_as_a_fraction(importer, tmp_path):
    # unit percent, value 0.057 = 57 / 1000: a fraction; as a percentage it would be 5.7
    error = _only(
        _reject(importer, tmp_path, "aggregate", [_rate("0.057", "percent", 57, 1000)]),
        "percent_given_as_fraction",
    )
    assert "looks like a fraction" in error.describe()


def test_aggregate_fraction_given_as_a_percentage(importer, tmp_path):
    # unit fraction, value 5.7 = 100 x 57 / 1000: a percentage
    report = _reject(importer, tmp_path, "aggregate", [_rate("5.7", "fraction", 57, 1000)])
    assert "looks like a percentage" in _only(report, "fraction_given_as_percent").describe()


def test_aggregate_unknown_metric_code(importer, tmp_path):
    row = dict(SAMPLES["aggregate"][0], metric="happiness_index")
    assert _only(_reject(importer, tmp_path, "aggregate", [row]), "unknown_code")


def test_missing_column_rejects_before_reading_rows(importer, tmp_path):
    rows = [{k: v for k, v in sip().items() if k != "fte"}]
    report = _reject(importer, tmp_path, "staff_in_post", rows)
    error = _only(report, "missing_column")
    assert error.row is None and error.column == "fte"


def test_first_hundred_listed_with_a_count_of_the_rest(importer, tmp_path):
    rows = [sip(person_id=f"p{i}", assignment_id=f"a{i}", fte="lots") for i in range(250)]
    report = _reject(importer, tmp_path, "staff_in_post", rows)
    assert report.total == 250
    assert len(report.errors) == MAX_LISTED
    assert report.not_listed == 150
    assert [e.row for e in report.errors[:3]] == [2, 3, 4]


def test_headings_only_file(importer, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("period,org_code,person_id,staff_group,fte\n")
    result = importer.import_file("staff_in_post", path)
    assert result.status == "rejected"
    assert result.report.errors[0].rule == "no_rows"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", b"\x00\x01\x02PK\x03", "binary"),
        (
            "latin1.csv",
            "period,org_code,person_id,staff_group,fte\n2024-03,RZA,J\xf6rg,ahp,1\n".encode(
                "latin-1"
            ),
            "could not be read",
        ),
        (
            "ragged.csv",
            b"period,org_code,person_id,staff_group,fte\n2024-03,RZA,p1,ahp,1,extra\n",
            "could not be read",
        ),
        ("notes.docx", b"hello", "not accepted"),
        ("broken.xlsx", b"not really a workbook", "could not be read as Excel"),
        ("broken.parquet", b"PAR1 nonsense", "could not be read as Parquet"),
    ],
)
def test_unreadable_files_get_a_clear_error(importer, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = importer.import_file("staff_in_post", path)
    assert result.status == "rejected"
    [error] = result.report.errors
    assert error.rule == "unreadable_file"
    assert words in error.message


def test_a_suppressed_organisation_total(importer, tmp_path):
    rows = [dict(SAMPLES["sickness_absence"][0], staff_group="All staff groups", fte_days_lost="*")]
    rows[0]["fte_days_available"] = "*"
    error = _only(_reject(importer, tmp_path, "sickness_absence", rows), "suppressed_total")
    assert error.row == 2


def test_only_one_of_days_lost_and_available_suppressed(importer, tmp_path):
    rows = [dict(SAMPLES["sickness_absence"][0], fte_days_lost="..")]
    error = _only(_reject(importer, tmp_path, "sickness_absence", rows), "half_suppressed")
    assert error.row == 2


def test_text_in_a_suppressible_cell_is_not_a_number_not_suppressed(importer, tmp_path):
    rows = [dict(SAMPLES["sickness_absence"][0], fte_days_lost="n/a")]
    report = _reject(importer, tmp_path, "sickness_absence", rows)
    assert set(report.counts_by_rule) == {"not_a_number"}


def test_a_total_where_the_dataset_has_none(importer, tmp_path):
    rows = [dict(SAMPLES["establishment"][0], staff_group="All staff groups")]
    error = _only(_reject(importer, tmp_path, "establishment", rows), "total_not_accepted")
    assert (error.row, error.column) == (2, "staff_group")
