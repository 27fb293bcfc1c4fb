"""``oneworkforce report create|list|render`` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.data.samples import write
from tests.data.test_atomicity import cli
from tests.reports.conftest import MONTHS, sickness, staff

pytestmark = pytest.mark.slow


@pytest.fixture
def cli_home(tmp_path: Path) -> Path:
    from tests.data.samples import SAMPLES

    home = tmp_path / "home"
    for dataset, rows in (
        ("organisations", SAMPLES["organisations"]),
        ("staff_in_post", [r for m in MONTHS for r in staff(m)]),
        ("sickness_absence", [sickness(o, m) for m in MONTHS for o in ("RZA", "RZB")]),
    ):
        run = cli(home, "import", dataset, str(write(tmp_path / f"{dataset}.csv", rows)))
        assert run.returncode == 0, run.stderr
    return home


def test_create_list_and_render(cli_home: Path, tmp_path: Path):
    made = cli(
        cli_home,
        "report",
        "create",
        "--out",
        str(tmp_path / "out"),
        "--formats",
        "xlsx,html",
        "--meeting",
        "Workforce Board",
        "--format",
        "json",
    )
    assert made.returncode == 0, made.stderr
    pack = json.loads(made.stdout)
    assert pack["period"] == "2024-06"
    assert sorted(pack["files"]) == ["html", "xlsx"]
    assert Path(pack["files"]["xlsx"]).parent == tmp_path / "out"
    assert pack["manifest"]["results"]["data_version"] == pack["data_version"]
    assert len(pack["manifest"]["submissions"]) == 3

    listed = json.loads(cli(cli_home, "report", "list", "--format", "json").stdout)
    assert [p["id"] for p in listed] == [pack["id"]]

    again = cli(
        cli_home,
        "report",
        "render",
        pack["id"],
        "--out",
        str(tmp_path / "again"),
        "--formats",
        "html",
        "--format",
        "json",
    )
    assert again.returncode == 0, again.stderr
    html = Path(json.loads(again.stdout)["files"]["html"])
    assert html.read_text() == Path(pack["files"]["html"]).read_text()


def test_bad_input_exits_2_with_one_line(cli_home: Path, tmp_path: Path):
    bad_period = cli(cli_home, "report", "create", "--period", "June")
    assert bad_period.returncode == 2
    assert bad_period.stderr.strip().splitlines() == [
        "oneworkforce: period 'June' is not a month written YYYY-MM"
    ]
    no_month = cli(cli_home, "report", "create", "--period", "2020-01")
    assert no_month.returncode == 2 and "2023-07 to 2024-06" in no_month.stderr
    bad_format = cli(cli_home, "report", "create", "--formats", "pdf,pptx")
    assert bad_format.returncode == 2 and "pptx" in bad_format.stderr
    unknown = cli(cli_home, "report", "render", "nope", "--out", str(tmp_path / "x"))
    assert unknown.returncode == 2 and "there is no pack 'nope'" in unknown.stderr
