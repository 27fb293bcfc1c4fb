"""``oneworkforce synth``: options, JSON and table output, one-line refusals with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from oneworkforce.cli.synth import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so that ``synth`` is a subcommand as in the real app
        pass

    register(app)
    return app


def test_json_summary(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "ics"
    result = CliRunner().invoke(
        app, ["synth", "--out", str(out), "--scale", "small", "--seed", "4", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scale"] == "small" and summary["seed"] == 4
    assert summary["rows"]["staff_in_post"] > 50_000
    assert 0.08 <= summary["rates"]["system_leaver_rate_12m"] <= 0.14
    assert all((out / f).is_file() for f in summary["files"])
    assert not (out / "errors").exists()


def test_table_summary_with_errors(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--out", str(tmp_path), "--with-errors", "--months", "13"]
    )
    assert result.exit_code == 0, result.output
    assert "Synthetic ICS" in result.stdout
    assert "NHS leaver rate" in result.stdout
    assert (tmp_path / "errors" / "manifest.json").is_file()
    assert (tmp_path / "variants" / "sickness_absence.xlsx").is_file()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--start", "13/2024"], "YYYY-MM"),
        (["--start", "2024-00"], "month"),
        (["--scale", "county"], "--scale"),
        (["--months", "0"], "months"),
        (["--seed", "-3"], "seed"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    app: typer.Typer, tmp_path: Path, args: list[str], reason: str
) -> None:
    out = tmp_path / "never"
    result = CliRunner().invoke(app, ["synth", "--out", str(out), *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0]
    assert not out.exists()


def test_out_is_required_and_must_be_a_folder(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth"])
    assert result.exit_code == 2 and "--out" in result.stderr
    afile = tmp_path / "a.csv"
    afile.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["synth", "--out", str(afile)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert afile.read_text(encoding="utf-8") == "x\n"
