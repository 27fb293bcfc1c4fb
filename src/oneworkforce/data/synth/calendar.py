"""Months of the synthetic window: periods, first days, days in month, financial years."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
EPOCH = dt.date(1970, 1, 1)


def parse_start(start: str) -> tuple[int, int]:
    """``YYYY-MM`` to (year, month); raises ValueError with a one-line reason."""
    match = _PERIOD.match(start.strip())
    if not match:
        raise ValueError(f"start must be a month written YYYY-MM, got {start!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"start month must be 01 to 12, got {start!r}")
    if not 1990 <= year <= 2100:
        raise ValueError(f"start year must be between 1990 and 2100, got {start!r}")
    return year, month


@dataclass(frozen=True)
class Calendar:
    """Month m = 0 .. months-1 of the window (plus two months beyond, for leave dates)."""

    year: int
    month: int
    months: int
    periods: tuple[str, ...] = field(init=False)
    first_day: np.ndarray = field(init=False, repr=False)  # days since 1970-01-01
    days: np.ndarray = field(init=False, repr=False)  # days in the month
    month_of_year: np.ndarray = field(init=False, repr=False)  # 1..12
    fy: np.ndarray = field(init=False, repr=False)  # year the financial year starts

    def __post_init__(self) -> None:
        periods, first, days, moy, fy = [], [], [], [], []
        for m in range(self.months + 2):
            y, mo = divmod(self.month - 1 + m, 12)
            y, mo = self.year + y, mo + 1
            periods.append(f"{y:04d}-{mo:02d}")
            first.append((dt.date(y, mo, 1) - EPOCH).days)
            days.append(calendar.monthrange(y, mo)[1])
            moy.append(mo)
            fy.append(y if mo >= 4 else y - 1)
        object.__setattr__(self, "periods", tuple(periods[: self.months]))
        object.__setattr__(self, "first_day", np.array(first, dtype=np.int32))
        object.__setattr__(self, "days", np.array(days, dtype=np.int32))
        object.__setattr__(self, "month_of_year", np.array(moy, dtype=np.int32))
        object.__setattr__(self, "fy", np.array(fy, dtype=np.int32))

    def factor(self, by_fy: tuple[float, ...], base_fy: int = 2022) -> np.ndarray:
        """A per-month factor from a per-financial-year table that starts at ``base_fy``."""
        index = np.clip(self.fy[: self.months] - base_fy, 0, len(by_fy) - 1)
        return np.asarray(by_fy, dtype=np.float64)[index]

    def date(self, m: int, day: int = 1) -> dt.date:
        return EPOCH + dt.timedelta(days=int(self.first_day[m]) + day - 1)
