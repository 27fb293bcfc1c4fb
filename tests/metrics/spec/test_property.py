"""DuckDB agrees with the reference engine on random small datasets, for every metric."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneworkforce.metrics.engines import get_engine
from oneworkforce.metrics.results import MetricResult

from .tables import load

ORGANISATIONS = [
    {"org_code": "A", "place": "North", "segment": "secondary_care"},
    {"org_code": "B", "place": "North", "segment": "nhs_community"},
    {"org_code": "C", "place": "South", "segment": "secondary_care"},
    {"org_code": "X", "place": "South", "segment": "secondary_care", "partner": False},
]
# Pairs a year apart, and months either side of April for the financial year.
MONTHS = [
    date(2023, 2, 1),
    date(2023, 3, 1),
    date(2023, 4, 1),
    date(2024, 2, 1),
    date(2024, 3, 1),
    date(2024, 4, 1),
]
ORGS = ["A", "B", "C", "X"]
GROUPS = ["nursing_midwifery", "ahp"]
SPLITS = [
    (),
    ("org_code",),
    ("staff_group",),
    ("segment", "staff_group"),
    ("place", "band"),
    ("org_code", "band"),
    ("place", "segment"),
]

small = st.integers(0, 20)
maybe_small = st.none() | small

staff_row = st.fixed_dictionaries(
    {
        "period": st.sampled_from(MONTHS),
        "org_code": st.sampled_from(ORGS),
        "person_id": st.sampled_from([f"p{i}" for i in range(7)]),
        "staff_group": st.sampled_from(GROUPS),
        "band": st.sampled_from(
            [None, "band_2", "band_5", "band_8a", "band_9", "medical", "other"]
        ),
        "fte": st.sampled_from([0.25, 0.5, 1.0]),
        "contract_type": st.sampled_from(["permanent", "fixed_term", "bank", "locum"]),
        "ethnic_group": st.sampled_from([None, "white", "bme", "not_stated"]),
    }
)
cell_key = st.tuples(st.sampled_from(MONTHS), st.sampled_from(ORGS), st.sampled_from(GROUPS))


def _cells(values: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows unique by month, organisation and staff group."""
    return st.dictionaries(cell_key, values, max_size=8).map(
        lambda d: [
            {"period": k[0], "org_code": k[1], "staff_group": k[2], **v} for k, v in d.items()
        ]
    )


money = small.map(Decimal)
datasets = st.fixed_dictionaries(
    {
        "staff_in_post": st.lists(staff_row, max_size=30).map(
            lambda rows: [dict(r, assignment_id=str(i)) for i, r in enumerate(rows)]
        ),
        "sickness_absence": _cells(
            st.fixed_dictionaries(
                {"fte_days_lost": small.map(float), "fte_days_available": small.map(float)}
            )
        ),
        "establishment": _cells(
            st.fixed_dictionaries(
                {
                    "establishment_fte": small.map(float),
                    "vacancy_fte": maybe_small.map(lambda v: None if v is None else float(v)),
                }
            )
        ),
        "temporary_staffing": _cells(
            st.fixed_dictionaries(
                {
                    "bank_fte": small.map(float),
                    "agency_fte": small.map(float),
                    "substantive_spend": money,
                    "bank_spend": money,
                    "agency_spend": money,
                    "agency_shifts": maybe_small,
                    "agency_shifts_over_cap": maybe_small,
                }
            )
        ),
        "workforce_plan": _cells(
            st.fixed_dictionaries(
                {
                    "plan_substantive_fte": maybe_small.map(
                        lambda v: None if v is None else float(v)
                    ),
                    "plan_agency_fte": maybe_small.map(lambda v: None if v is None else float(v)),
                }
            )
        ),
    }
)


def _comparable(results: list[MetricResult]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    out = {}
    for r in results:
        key = (r.metric, r.period, *r.dimensions.items())
        out[key] = (r.value, r.numerator, r.denominator, r.quality, r.sources)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return b == pytest.approx(a, rel=1e-9, abs=1e-9)
    return bool(a == b)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets, by=st.sampled_from(SPLITS))
def test_duckdb_matches_reference(data: dict[str, list[dict[str, Any]]], by: tuple[str, ...]):
    con = load({"organisations": ORGANISATIONS, **data})
    expected = _comparable(get_engine("reference").compute(con, by=by))
    got = _comparable(get_engine("duckdb").compute(con, by=by))
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        assert all(_same(w, g) for w, g in zip(want, got[key], strict=True)), (key, want, got[key])
