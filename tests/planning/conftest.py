"""A tiny store with hand-countable flows, shared by the store, CLI and page tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.samples import write

# (person, org, staff group, age, fte, contract, months present)
PEOPLE = [
    ("p1", "RZA", "nursing_midwifery", 30, 1.0, "permanent", ("2024-01", "2024-02", "2024-03")),
    ("p2", "RZA", "nursing_midwifery", 40, 0.8, "permanent", ("2024-01", "2024-02")),
    ("p3", "RZA", "nursing_midwifery", 62, 0.5, "permanent", ("2024-01",)),
    ("p4", "RZB", "nursing_midwifery", 28, 1.0, "permanent", ("2024-01",)),
    ("p4", "RZA", "nursing_midwifery", 28, 1.0, "permanent", ("2024-02", "2024-03")),
    ("p5", "RZA", "nursing_midwifery", 23, 1.0, "permanent", ("2024-02", "2024-03")),
    ("p6", "RZA", "nursing_midwifery", 45, 1.0, "bank", ("2024-01", "2024-02", "2024-03")),
    ("p7", "RXX", "nursing_midwifery", 45, 1.0, "permanent", ("2024-01", "2024-02")),
]
LEAVERS = [
    ("2024-03", "RZA", "p2", "2024-03-05", "Voluntary Resignation - Relocation"),
    ("2024-02", "RZA", "p3", "2024-02-10", "Retirement Age"),
]


@pytest.fixture
def store(home, importer, tmp_path: Path):
    rows = [
        {
            "period": month,
            "org_code": org,
            "person_id": person,
            "staff_group": group,
            "band": "band_5",
            "fte": fte,
            "contract_type": contract,
            "age": age,
        }
        for person, org, group, age, fte, contract, months in PEOPLE
        for month in months
    ]
    result = importer.import_file("staff_in_post", write(tmp_path / "sip.csv", rows))
    assert result.status == "accepted", result.report.summary()
    leavers = [
        dict(zip(("period", "org_code", "person_id", "leave_date", "reason"), r, strict=True))
        for r in LEAVERS
    ]
    result = importer.import_file("leavers", write(tmp_path / "leavers.csv", leavers))
    assert result.status == "accepted", result.report.summary()
    return home
