"""A baseline built by hand (no store), so model tests are fast and their numbers known."""

from __future__ import annotations

from datetime import date

import numpy as np

from oneworkforce.data.reference import vocabulary
from oneworkforce.planning.baseline import Baseline

SEGMENTS = ("secondary_care", "nhs_community")
GROUPS = ("nursing_midwifery", "healthcare_support")


def hand_baseline(*, leave: float = 0.01, retire: float = 0.002, join: float = 0.012) -> Baseline:
    """Two segments x two staff groups, 100 FTE in each age band of every cell, the same
    monthly rates everywhere (so totals follow a closed form)."""
    S, G, A = len(SEGMENTS), len(GROUPS), 6
    bands = vocabulary("band").codes
    band_mix = np.zeros((S, G, len(bands)))
    band_mix[:, :, bands.index("band_5")] = 1.0
    return Baseline(
        as_of=date(2025, 3, 1),
        data_version="hand",
        segments=SEGMENTS,
        staff_groups=GROUPS,
        stock=np.full((S, G, A), 100.0),
        demand=np.full((S, G), 650.0),
        leave=np.full((S, G, A), leave),
        retire=np.full((S, G, A), retire),
        transfer_out=np.full((S, G, A), 0.001),
        join=np.full((S, G), join),
        transfer_in=np.full((S, G), 0.001),
        join_mix=np.full((S, G, A), 1 / 6),
        leavers_seen=np.full((S, G), 50.0),
        joiners_seen=np.full((S, G), 50.0),
        band_mix=band_mix,
        bands=bands,
        person_level=(True, True),
    )
