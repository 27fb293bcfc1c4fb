"""A small data directory for the pack tests, and a registers snapshot written by hand.

Three partner organisations of the sample register, 2023-07 to 2024-06 (12 months):

* RZA (secondary care, North): a1, a2, a3 nursing band 5 at 1.0 FTE and a5 medical at
  1.0 FTE every month: 4.0 FTE. Sickness: 30 + i FTE days lost of 1000 available in month i
  (i = 0 for 2023-07 ... 11 for 2024-06), so 41 days (4.1%) in 2024-06.
* RZB (NHS community, South): b1, b2 AHP at 1.0 FTE, and b3 at 0.8 FTE from 2024-01: 2.8 FTE
  in 2024-06. Sickness: 12 + i days of 1000, so 23 days (2.3%) in 2024-06.
* B99001 (general practice, North): g1, g2 at 1.0 FTE: 2.0 FTE.

System in 2024-06: 4.0 + 2.8 + 2.0 = 8.8 FTE; sickness (41 + 23) / 2000 = 3.2%.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from oneworkforce.metrics.store import ResultsStore
from tests.data.samples import write
from tests.metrics.test_results_store import person

MONTHS = [f"2023-{m:02d}" for m in range(7, 13)] + [f"2024-{m:02d}" for m in range(1, 7)]
LAST = "2024-06"


def staff(period: str) -> list[dict]:
    rows = [person("RZA", period, p, "nursing_midwifery", "band_5") for p in ("a1", "a2", "a3")]
    rows.append(person("RZA", period, "a5", "medical_dental", "medical"))
    rows += [person("RZB", period, p, "ahp", "band_6") for p in ("b1", "b2")]
    if period >= "2024-01":
        rows.append(person("RZB", period, "b3", "ahp", "band_7", fte=0.8))
    rows += [person("B99001", period, p, "admin_clerical", "band_3") for p in ("g1", "g2")]
    return rows


def sickness(org: str, period: str, extra: float = 0.0) -> dict:
    base = {"RZA": 30.0, "RZB": 12.0}[org]
    return {
        "period": period,
        "org_code": org,
        "staff_group": "nursing_midwifery" if org == "RZA" else "ahp",
        "fte_days_lost": base + MONTHS.index(period) + extra,
        "fte_days_available": 1000.0,
    }


@pytest.fixture
def pack_home(importer, tmp_path, settings):
    """The data loaded through the importer and the results store built."""
    for name, dataset, rows in (
        ("sip", "staff_in_post", [r for m in MONTHS for r in staff(m)]),
        ("sick", "sickness_absence", [sickness(o, m) for m in MONTHS for o in ("RZA", "RZB")]),
    ):
        result = importer.import_file(dataset, write(tmp_path / f"{name}.csv", rows))
        assert result.status == "accepted", result.report.summary()
    ResultsStore(importer.home.lake).rebuild()
    settings.HOME = importer.home
    return importer


SNAPSHOT: dict[str, Any] = {
    "as_of": "2024-07-15",
    "version": "reg-v1",
    "escalation_score": 15,
    "programmes": [
        {
            "code": "RET",
            "name": "Stay and thrive: retaining our staff",
            "kind": "programme",
            "parent_code": None,
            "sro": "Zoe Norris",
            "chair": "",
            "objective": "Upskill managers to retain staff",
            "phase": "delivery",
            "rag": {
                "overall": "amber",
                "delivery": "green",
                "benefits_finance": "amber",
                "risk": "amber",
                "resources": "red",
            },
            "previous_rag": None,
            "rag_changed": False,
            "last_report_date": "2024-07-01",
            "narrative": "Retention conference held.",
            "domains": [],
            "journey_stages": ["retain"],
        },
        {
            "code": "BANK",
            "name": "Flexible workforce: agency and bank",
            "kind": "programme",
            "parent_code": None,
            "sro": "Simon Morritt",
            "chair": "",
            "objective": "A collaborative bank",
            "phase": "delivery",
            "rag": {
                "overall": "green",
                "delivery": "green",
                "benefits_finance": "green",
                "risk": "green",
                "resources": "green",
            },
            "previous_rag": None,
            "rag_changed": False,
            "last_report_date": "2024-07-01",
            "narrative": "Business case approved.",
            "domains": [],
            "journey_stages": [],
        },
    ],
    "benefits": [
        {
            "programme_code": "BANK",
            "name": "Agency cost avoided",
            "kind": "financial",
            "unit": "pounds",
            "owner": "Simon Morritt",
            "rag": "green",
            "planned_to_date": 100000.0,
            "actual_to_date": 120000.0,
            "planned_total": 400000.0,
        }
    ],
    "benefits_by_portfolio": [],
    "risks": [
        {
            "ref": "WF01",
            "description": "Gaps in data skew the board's focus",
            "owner": "Simon Nearney",
            "initial_score": 16,
            "current_likelihood": 4,
            "current_consequence": 4,
            "current_score": 16,
            "current_band": "extreme",
            "target_score": 8,
            "target_band": "high",
            "review_date": "2024-06-01",
            "review_overdue": True,
            "escalated_to_baf": True,
            "programme_codes": ["RET"],
        },
        {
            "ref": "WF02",
            "description": "Wellbeing budget reduced",
            "owner": "Polly McMeekin",
            "initial_score": 12,
            "current_likelihood": 3,
            "current_consequence": 3,
            "current_score": 9,
            "current_band": "high",
            "target_score": 6,
            "target_band": "moderate",
            "review_date": "2024-09-01",
            "review_overdue": False,
            "escalated_to_baf": False,
            "programme_codes": [],
        },
    ],
    "baf": [],
    "heatmap": {
        "likelihood": [5, 4, 3, 2, 1],
        "consequence": [1, 2, 3, 4, 5],
        # WF01 at likelihood 4, consequence 4; WF02 at likelihood 3, consequence 3
        "counts": [
            [0, 0, 0, 0, 0],
            [0, 0, 0, 1, 0],
            [0, 0, 1, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
        ],
    },
    "overdue_actions": [
        {
            "meeting": "Workforce Board 2024-06",
            "item": "5",
            "action": "Bring the bank business case",
            "owner": "Simon Morritt",
            "due_date": "2024-07-01",
            "days_overdue": 14,
        }
    ],
    "overdue_milestones": [],
    "overdue_reviews": [
        {"ref": "WF01", "owner": "Simon Nearney", "review_date": "2024-06-01", "days_overdue": 44}
    ],
}
SNAPSHOT["baf"] = [SNAPSHOT["risks"][0]]
# WF02 scored 5 x 3 = 15 on 10 January 2024 (in the year to 15 July 2024), 9 now
SNAPSHOT["baf_brought_below"] = [
    {**SNAPSHOT["risks"][1], "peak_score": 15, "peak_on": "2024-01-10"}
]


@pytest.fixture
def registers(monkeypatch):
    """Serve a hand-written registers snapshot (the contract of issue 5) to the packs; the
    returned dict can be changed between two packs."""
    from oneworkforce.reports import inputs

    state = {"snapshot": copy.deepcopy(SNAPSHOT)}
    monkeypatch.setattr(inputs, "_registers", lambda as_of: (copy.deepcopy(state["snapshot"]), ""))
    return state


def all_cells(content: dict) -> list[dict]:
    return [
        cell
        for s in content["sections"]
        for b in s["blocks"]
        if b["type"] == "table"
        for row in b["rows"]
        for cell in row
    ]


def table_of(content: dict, table_id: str) -> dict:
    for s in content["sections"]:
        for b in s["blocks"]:
            if b["type"] == "table" and b["id"] == table_id:
                return b
    raise KeyError(table_id)


def row_of(table: dict, label: str) -> list[dict]:
    for row in table["rows"]:
        if row[0]["display"] == label:
            return row
    raise KeyError(label)
