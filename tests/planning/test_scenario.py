"""Scenario documents: the examples validate, mistakes are refused with where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneworkforce.planning import ScenarioError, load_scenario, schema
from oneworkforce.planning.scenario import Interval, central

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def test_at_least_three_examples_load() -> None:
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 3
    kinds = set()
    for path in files:
        scenario = load_scenario(path)
        kinds |= {lever.kind for lever in scenario.levers}
    assert {"international_recruitment", "leaver_rate", "training_pipeline", "new_roles"} <= kinds


def test_defaults_follow_the_issue(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "plain"\n', encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.horizon.years == 5
    assert scenario.months == 60
    assert scenario.levers == ()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('name = "x"\n[horizon]\nyears = 16\n', "horizon.years"),
        ('name = "x"\n[[levers]]\nkind = "magic"\nname = "m"\n', "levers.0"),
        ('name = "x"\n[[levers]]\nkind = "leaver_rate"\nname = "l"\nchange = -2.0\n', "change"),
        ('name = "x"\n[[demand.growth]]\nsegments = ["mars"]\nannual = 0.01\n', "segments"),
        ('name = "x"\nbank_fill = { p10 = 0.5, p90 = 0.1 }\n', "bank_fill"),
        ('name = "x"\nsurprise = 1\n', "surprise"),
        ('name = "Bad Name"\n', "name"),
    ],
)
def test_mistakes_are_refused_with_their_place(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert where in str(caught.value)
    assert "\n" not in str(caught.value)


def test_yaml_and_json_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: y\nhorizon: {years: 3}\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"name": "y", "horizon": {"years": 3}}', encoding="utf-8")
    assert load_scenario(tmp_path / "a.yaml") == load_scenario(tmp_path / "a.json")


def test_schema_is_generated_and_names_every_lever_kind() -> None:
    doc = schema()
    assert doc["type"] == "object"
    text = str(doc)
    for kind in ("leaver_rate", "international_recruitment", "training_pipeline", "new_roles"):
        assert kind in text


def test_central_is_the_middle_of_an_interval() -> None:
    assert central(Interval(p10=0.1, p90=0.3)) == pytest.approx(0.2)
    assert central(0.4) == 0.4
