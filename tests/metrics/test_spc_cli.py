"""The ``oneworkforce spc`` command, exercised through its own small Typer app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from oneworkforce.cli.spc import register

WORKED = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
# worked example (spc_spec.md §3): mean 35/18, screened limits 35/18 -/+ 2.66 = -0.716 / 4.604,
# unscreened 35/18 -/+ 2.66 x 32/17 = -3.063 / 6.952; only index 4 (10) is special (Above UCL).


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def root() -> None:
        """Test root: forces a command group so "spc" is a sub-command."""

    register(application)
    return application


def run(app: typer.Typer, *args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(app, ["spc", *args], input=stdin)


def run_json(app: typer.Typer, *args: str, stdin: str = "") -> dict[str, Any]:
    result = run(app, *args, stdin=stdin)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def csv_text(values: list[int]) -> str:
    rows = [f"2024-{i + 1:02d},{v}" for i, v in enumerate(values)]
    return "period,value\n" + "\n".join(rows) + "\n"


def test_csv_file_with_period_and_value(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text(csv_text(WORKED), encoding="utf-8")
    data = run_json(app, str(path))
    (group,) = data["groups"]
    assert group["mean"] == pytest.approx(35 / 18)
    assert (round(group["lpl"], 3), round(group["upl"], 3)) == (-0.716, 4.604)
    assert [p["index"] for p in data["points"] if p["special_cause_flag"]] == [4]
    assert data["points"][4]["point_type"] == "special_cause_improvement"
    assert data["variation_icon"] == "common_cause"
    assert data["assurance"] is None


def test_no_screen_option(app: typer.Typer) -> None:
    data = run_json(app, "-", "--no-screen", stdin=csv_text(WORKED))
    (group,) = data["groups"]
    assert (round(group["lpl"], 3), round(group["upl"], 3)) == (-3.063, 6.952)


def test_single_column_with_and_without_header(app: typer.Typer) -> None:
    body = "\n".join(str(v) for v in WORKED) + "\n"
    plain = run_json(app, "-", stdin=body)
    headed = run_json(app, "-", stdin="staff_in_post\n" + body)
    assert plain == headed
    assert plain["groups"][0]["n"] == 18


def test_json_numbers_and_objects(app: typer.Typer) -> None:
    numbers = run_json(app, "-", stdin=json.dumps(WORKED))
    objects = run_json(
        app, "-", stdin=json.dumps([{"period": i, "value": v} for i, v in enumerate(WORKED)])
    )
    assert numbers == objects
    assert numbers["groups"][0]["mean"] == pytest.approx(35 / 18)


def test_blank_cell_and_null_are_missing(app: typer.Typer) -> None:
    # 1, -, 3, 5 -> mean 3, only |5-3| survives -> limits 3 -/+ 5.32 (see edge-case tests)
    from_csv = run_json(app, "-", stdin="period,value\na,1\nb,\nc,3\nd,5\n")
    from_json = run_json(app, "-", stdin='[1, null, 3, {"value": 5}]')
    assert from_csv == from_json
    assert from_csv["points"][1]["value"] is None
    assert from_csv["groups"][0]["lpl"] == pytest.approx(-2.32)


def test_empty_lines_inside_are_missing_but_trailing_ones_are_ignored(app: typer.Typer) -> None:
    # "1, (empty), 3, 5" then two trailing empty lines: four points, index 1 missing
    data = run_json(app, "-", stdin="1\n\n3\n5\n\n\n")
    assert [p["value"] for p in data["points"]] == [1.0, None, 3.0, 5.0]


def test_options_are_passed_through(app: typer.Typer) -> None:
    # 1..10 rebased at 5: two groups, means 3 and 8 (limits 5.34 / 10.66 for the second).
    # Target 12 > 10.66 -> under "decrease" a consistent pass.
    body = json.dumps(list(range(1, 11)))
    data = run_json(
        app, "-", "--rebase-at", "5", "--target", "12", "--improvement", "decrease", stdin=body
    )
    assert [g["start_index"] for g in data["groups"]] == [0, 5]
    assert data["groups"][1]["mean"] == pytest.approx(8.0)
    assert data["assurance"] == "consistent_pass"


def test_fix_after_option(app: typer.Typer) -> None:
    # baseline 1,0 x 6 then 3,3,3: fixed after 12 the mean stays 6/12 = 0.5
    body = json.dumps([1, 0] * 6 + [3, 3, 3])
    assert run_json(app, "-", "--fix-after", "12", stdin=body)["groups"][0]["mean"] == 0.5
    # unfixed: (6 + 9)/15 = 1.0
    assert run_json(app, "-", stdin=body)["groups"][0]["mean"] == pytest.approx(1.0)


def test_table_format(app: typer.Typer) -> None:
    result = run(app, "-", "--format", "table", stdin=csv_text(WORKED))
    assert result.exit_code == 0
    assert "Above UCL" in result.stdout
    assert "2024-05" in result.stdout  # the period of index 4
    assert "variation icon: common_cause" in result.stdout


def test_trial_limits_warning_on_stderr(app: typer.Typer) -> None:
    result = run(app, "-", stdin="[1, 2, 3]")
    assert result.exit_code == 0
    assert "trial limits" in result.stderr
    assert json.loads(result.stdout)["groups"][0]["trial_limits"] is True


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["-"],
            "period,value\n2024-01,1\n2024-02,2\n2024-03,abc\n",
            "row 4: 'abc' is not a number",
        ),
        (["-"], "period,value\n2024-01,1\n2024-02\n", "row 3: expected 2 column(s), found 1"),
        (["-"], "period,amount\n2024-01,1\n", "row 1: expected a header with a 'value' column"),
        (["-"], "1\ninf\n", "row 2: 'inf' is not a finite number"),
        (["-"], "[1, 2", "invalid JSON at line 1 column 6"),
        (["-"], '[1, "x"]', "item 1: 'x' is not a number"),
        (["-"], '[1, {"v": 2}]', "item 1: object has no 'value'"),
        (["-"], '{"value": 1}', "JSON input must be a list"),
        (["-"], "", "no values found"),
        (["-"], "period,value\n", "no values found"),
        (["-", "--improvement", "up"], "1\n", "--improvement must be one of"),
        (["-", "--format", "xml"], "1\n", "--format must be one of json, table"),
        (["-", "--fix-after", "5"], "1\n", "fix_after must be at least 12"),
        (["-", "--fix-after", "x"], "1\n", "--fix-after: 'x' is not a whole number"),
        (["-", "--rebase-at", "3,a"], "1\n", "--rebase-at: 'a' is not a whole number"),
        (["-", "--target", "abc"], "1\n", "--target: 'abc' is not a number"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    app: typer.Typer, args: list[str], stdin: str, message: str
) -> None:
    result = run(app, *args, stdin=stdin)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_missing_file(app: typer.Typer, tmp_path: Path) -> None:
    result = run(app, str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read ")
