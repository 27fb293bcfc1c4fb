"""A social care segment seen through an area-wide estimate is planned from that estimate,
even when a few of its providers also send person-level ASC-WDS snapshots (found when the
demo's five-year gap reached -3e29 FTE: a single snapshot with no month before it counted
every worker as a joiner, a joiner rate of 100% a month)."""

from __future__ import annotations

from datetime import date

import numpy as np

from oneworkforce.planning.baseline import AGGREGATE_AGE_PROFILE, assemble
from oneworkforce.planning.scenario import AGE_BANDS


def test_an_estimated_segment_ignores_its_partial_person_level_snapshot():
    band = AGE_BANDS[1]
    # one snapshot of 90 FTE care workers from ASC-WDS, all of them "joiners" (no month before)
    stock_rows = [("care_homes", "care_worker", band, 90.0)]
    flows = {
        "exposure": [],
        "leavers": [],
        "moves_out": [],
        "joiners": [("care_homes", "care_worker", band, 90.0, 100)],
        "moves_in": [],
    }
    # the Skills for Care estimate for the whole segment: 13,000 FTE, 30% starters a year
    aggregates = {"care_homes": {"staff_in_post_fte": 13_000.0, "starter_rate": 0.30}}
    base = assemble(
        as_of=date(2025, 3, 31),
        data_version="test",
        flows=flows,
        stock_rows=stock_rows,
        band_rows=[],
        establishment_rows=[],
        aggregates=aggregates,
    )
    s = base.segments.index("care_homes")
    g = base.staff_groups.index("care_worker")
    assert base.person_level[s] is False
    # the stock is the estimate spread over the typical age profile: 13,000 FTE in all
    assert np.isclose(base.stock[s, g].sum(), 13_000.0)
    assert np.allclose(base.stock[s, g], 13_000.0 * AGGREGATE_AGE_PROFILE)
    # joiners a month per FTE: 0.30 a year / 12 = 0.025 (not 90 / 90 = 1.0 from the snapshot)
    assert np.isclose(base.join[s, g], 0.025)


def test_an_area_wide_estimate_is_not_added_to_its_providers_returns():
    from oneworkforce.planning.baseline import aggregate_values

    rows = [
        # Skills for Care's estimate for two areas, and two care homes' own ASC-WDS returns
        ("care_homes", "staff_in_post_fte", None, 8_000.0, None, None),
        ("care_homes", "staff_in_post_fte", None, 5_000.0, None, None),
        ("care_homes", "staff_in_post_fte", "H1", 60.0, None, None),
        ("care_homes", "turnover_rate", None, 0.26, 2_600, 10_000),
        ("care_homes", "turnover_rate", "H1", 0.40, 20, 50),
        # pharmacy: no area-wide figure, so its providers' returns are added and pooled
        ("community_pharmacy", "staff_in_post_fte", "P1", 7.5, None, None),
        ("community_pharmacy", "staff_in_post_fte", "P2", 6.0, None, None),
        ("community_pharmacy", "vacancy_rate", "P1", 0.10, 1, 10),
        ("community_pharmacy", "vacancy_rate", "P2", 0.25, 1, 4),
    ]
    values = aggregate_values(rows)
    # care homes: 8,000 + 5,000 = 13,000 FTE (not + 60); turnover 2,600 / 10,000 = 0.26
    # (H1's 20 / 50 left out)
    assert values["care_homes"] == {"staff_in_post_fte": 13_000.0, "turnover_rate": 0.26}
    # pharmacy: 7.5 + 6.0 = 13.5 FTE; vacancy (1 + 1) / (10 + 4) = 2 / 14
    assert values["community_pharmacy"]["staff_in_post_fte"] == 13.5
    assert np.isclose(values["community_pharmacy"]["vacancy_rate"], 2 / 14)
