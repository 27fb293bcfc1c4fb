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
