"""What changed since the last pack: RAG changes, risk score movements, new special-cause
signals, new and closed items."""

from __future__ import annotations

import pytest

from oneworkforce.reports import freeze
from oneworkforce.reports.options import PackOptions
from oneworkforce.reports.sections.changes import diff, material
from tests.reports.conftest import row_of, table_of


def test_diff_of_two_indexes():
    before = {
        "rag": {"RET": "green", "BANK": "green"},
        "risks": {"WF01": 12, "WF02": 9},
        "special_causes": ["leaver_rate/system"],
        "items": {"risks": ["WF01", "WF02"], "overdue_actions": ["a"]},
    }
    after = {
        "rag": {"RET": "amber", "BANK": "green", "NEW": "red"},
        "risks": {"WF01": 16, "WF03": 4},
        "special_causes": ["leaver_rate/system", "sickness_absence_rate/system"],
        "items": {"risks": ["WF01", "WF03"], "overdue_actions": []},
    }
    changes = diff(before, after)
    assert changes["rag_changes"] == [{"programme": "RET", "from": "green", "to": "amber"}]
    assert changes["risk_movements"] == [{"ref": "WF01", "from": 12, "to": 16}]
    assert changes["new_signals"] == ["sickness_absence_rate/system"]
    assert changes["ended_signals"] == []
    assert changes["new_items"] == {"risks": ["WF03"]}
    assert changes["closed_items"] == {"overdue_actions": ["a"], "risks": ["WF02"]}


@pytest.mark.django_db
def test_second_pack_reports_the_changes(pack_home, registers):
    first = freeze.make(pack_home.home, PackOptions(), actor="a")
    changes = next(s for s in first.content["sections"] if s["id"] == "changes")
    assert "first pack" in changes["blocks"][0]["text"]

    snapshot = registers["snapshot"]
    snapshot["programmes"][0]["rag"]["overall"] = "red"  # RET: amber -> red
    snapshot["risks"][1]["current_score"] = 12  # WF02: 9 -> 12
    snapshot["overdue_actions"] = []  # the action was done
    second = freeze.make(pack_home.home, PackOptions(), actor="a")

    rag = table_of(second.content, "changes_rag")
    assert [[c["display"] for c in r] for r in rag["rows"]] == [["RET", "amber", "red"]]
    risks = table_of(second.content, "changes_risks")
    assert [c["value"] for c in row_of(risks, "WF02")[1:]] == [9, 12, 3]
    words = [
        item
        for s in second.content["sections"]
        if s["id"] == "changes"
        for b in s["blocks"]
        if b["type"] == "bullets"
        for item in b["items"]
    ]
    assert (
        "Closed – Overdue actions: Workforce Board 2024-06: Bring the bank business case" in words
    )
    grid = table_of(second.content, "programme_grid")
    assert (
        row_of(grid, "Stay and thrive: retaining our staff (RET)")[8]["display"] == "Amber to Red"
    )


def test_material_changes_in_words():
    before = {
        "figures": {"system/agency_spend": 100.0, "nursing/sickness_absence_rate": 0.05},
        "limits": {"system/agency_spend": 20.0},
        "assurance": {"nursing/sickness_absence_rate": "inconsistent"},
        "risks": {"WF01": 12, "WF02": 9},
        "rag": {"RET": "green"},
        "special_causes": [],
    }
    after = {
        # 130 - 100 = 30, more than the limits' width of 20: material
        "figures": {"system/agency_spend": 130.0, "nursing/sickness_absence_rate": 0.06},
        "limits": {"system/agency_spend": 20.0},
        "assurance": {"nursing/sickness_absence_rate": "consistent_fail"},
        # WF01 12 -> 15: high (8-12) to extreme (15+); WF02 9 -> 10 stays high
        "risks": {"WF01": 15, "WF02": 10},
        "rag": {"RET": "amber"},
        "special_causes": ["leaver_rate/system"],
    }
    assert material(before, after) == [
        "New special-cause signal: Leaver rate (loss to the system, 12 months): system.",
        "Sickness absence rate (month) (nursing) now consistently fails its target.",
        "Risk WF01 moved from high (12) to extreme (15).",
        "Programme RET's RAG changed from green to amber.",
        "Agency spend (system) moved from 100 to 130, more than the width of its process "
        "limits (20).",
    ]
    assert material(after, after) == []


@pytest.mark.django_db
def test_two_packs_list_exactly_the_planted_change(pack_home, registers):
    freeze.make(pack_home.home, PackOptions(), actor="a")
    registers["snapshot"]["risks"][1]["current_score"] = 16  # WF02: 9 (high) -> 16 (extreme)
    second = freeze.make(pack_home.home, PackOptions(), actor="a")
    changes = next(s for s in second.content["sections"] if s["id"] == "changes")
    listed = next(b["items"] for b in changes["blocks"] if b["type"] == "bullets")
    assert listed == ["Risk WF02 moved from high (9) to extreme (16)."]
    cover = second.content["sections"][0]
    summary = next(b["items"] for b in cover["blocks"] if b["type"] == "bullets")
    assert summary[0] == "Since the last pack: Risk WF02 moved from high (9) to extreme (16)."


def test_material_changes_are_listed_newest_first():
    before = {
        "figures": {"system/agency_spend": 100.0},
        "limits": {"system/agency_spend": 20.0},
        "risks": {"WF01": 12, "WF02": 9},
        "rag": {"RET": "green", "BANK": "green"},
        "special_causes": [],
    }
    after = {
        "figures": {"system/agency_spend": 130.0},  # 30 > 20: material, dated 30 June
        "limits": {"system/agency_spend": 20.0},
        "risks": {"WF01": 15, "WF02": 16},  # high to extreme, both
        "rag": {"RET": "amber", "BANK": "red"},
        "special_causes": ["leaver_rate/system"],  # dated 30 June
        "when": {
            "risk/WF01": "2024-05-02",  # scored before the month's end
            "risk/WF02": "2024-07-03",  # scored after it: the newest
            "rag/RET": "2024-06-30",  # the same day as the figures: after them, by kind
            "rag/BANK": "2024-06-12",
        },
    }
    # 3 July, then 30 June (signal, RAG RET, figure: signals, risks, RAGs, figures is the
    # order within a day), then 12 June, then 2 May
    assert material(before, after, "2024-06-30") == [
        "Risk WF02 moved from high (9) to extreme (16).",
        "New special-cause signal: Leaver rate (loss to the system, 12 months): system.",
        "Programme RET's RAG changed from green to amber.",
        "Agency spend (system) moved from 100 to 130, more than the width of its process "
        "limits (20).",
        "Programme BANK's RAG changed from green to red.",
        "Risk WF01 moved from high (12) to extreme (15).",
    ]


@pytest.mark.django_db
def test_two_packs_list_the_planted_changes_newest_first_and_the_cover_leads_with_them(
    pack_home, registers
):
    freeze.make(pack_home.home, PackOptions(), actor="a")
    snapshot = registers["snapshot"]
    # planted: WF02 rescored 9 -> 16 on 3 July 2024; RET's RAG amber -> red in a status
    # report of 20 June 2024. Nothing else moves between the two packs.
    snapshot["risks"][1].update(current_score=16, scored_on="2024-07-03")
    snapshot["programmes"][0]["rag"]["overall"] = "red"
    snapshot["programmes"][0]["last_report_date"] = "2024-06-20"
    second = freeze.make(pack_home.home, PackOptions(), actor="a")
    changes = next(s for s in second.content["sections"] if s["id"] == "changes")
    words = [b.get("text") for b in changes["blocks"] if b["type"] == "paragraph"]
    assert "Material changes, newest first:" in words
    listed = next(b["items"] for b in changes["blocks"] if b["type"] == "bullets")
    assert listed == [
        "Risk WF02 moved from high (9) to extreme (16).",
        "Programme RET's RAG changed from amber to red.",
    ]
    cover = second.content["sections"][0]
    summary = next(b["items"] for b in cover["blocks"] if b["type"] == "bullets")
    assert summary[:2] == [f"Since the last pack: {c}" for c in listed]
