"""The SPC points of stored series, column by column.

Each series (metric, split, group and origin) of a table of stored results is analysed with
:func:`oneworkforce.metrics.spc.analyse` in period order, months missing between its first
and last period counting as missing values; a metric SPC does not apply to (rolling 12-month
and year-to-date figures, whose consecutive values share months) gets its values only, with
no mean, limits, special cause, variation icon or assurance. The target is
:func:`oneworkforce.metrics.results_layout.spc_target`.

The points are built as columns of :data:`~oneworkforce.metrics.results_layout.SPC_SCHEMA`,
not as one dict per point: a refresh of a whole month analyses a few hundred series, and
building, keying and converting a dict for each of their points cost more than the SPC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oneworkforce.metrics import spc
from oneworkforce.metrics.catalogue import Catalogue
from oneworkforce.metrics.periods import period_label
from oneworkforce.metrics.results_layout import SERIES_COLUMNS, SPC_SCHEMA, spc_target

__all__ = ["analyse_table", "series_starts"]

#: The columns of a point that are not its series' (those are copied from its first row).
_POINT_COLUMNS = tuple(
    f.name
    for f in SPC_SCHEMA
    if f.name not in SERIES_COLUMNS and f.name not in ("contributors", "contributor_count")
)


def series_starts(rows: pa.Table) -> np.ndarray:
    """Where each series of ``rows`` starts, and the row count last: rows of one series must
    be together (as :meth:`ResultsWriter._sorted` puts them)."""
    n = rows.num_rows
    if n == 0:
        return np.array([0], np.int64)
    same = np.ones(n - 1, dtype=bool)
    for name in SERIES_COLUMNS:
        column = rows[name]
        before, after = column.slice(0, n - 1), column.slice(1)
        equal = pc.fill_null(pc.equal(before, after), False)
        both_missing = pc.and_(pc.is_null(before), pc.is_null(after))
        same &= pc.or_(equal, both_missing).to_numpy(zero_copy_only=False)
    return np.concatenate(([0], np.flatnonzero(~same) + 1, [n]))


def _months(periods: pa.ChunkedArray | pa.Array) -> list[int]:
    """``YYYY-MM`` labels as month indices (``year * 12 + month - 1``)."""
    year = pc.cast(pc.utf8_slice_codeunits(periods, 0, 4), pa.int64())
    month = pc.cast(pc.utf8_slice_codeunits(periods, 5, 7), pa.int64())
    return pc.add(pc.multiply(year, 12), pc.subtract(month, 1)).to_pylist()


def analyse_table(rows: pa.Table, catalogue: Catalogue, now: datetime) -> tuple[pa.Table, int]:
    """SPC points of every series of ``rows`` (stored results, or any table with the series
    columns, ``period`` and ``value``), and how many series there were. The rows of a series
    must be together and in period order, as the writer sorts them; each month at most once."""
    starts = series_starts(rows)
    count = len(starts) - 1
    if count == 0:
        return SPC_SCHEMA.empty_table(), 0
    months = _months(rows["period"])
    values = rows["value"].to_pylist()
    codes = rows["metric"].to_pylist()
    segments = rows["segment"].to_pylist()
    columns: dict[str, list[Any]] = {name: [] for name in _POINT_COLUMNS}
    first_rows: list[int] = []
    for start, end in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        metric = catalogue.get(str(codes[start]))
        span = range(months[start], months[end - 1] + 1)
        if list(span) == months[start:end]:
            series = values[start:end]
        else:  # months missing between the first and the last
            by_month = dict(zip(months[start:end], values[start:end], strict=True))
            series = [by_month.get(m) for m in span]
        target = spc_target(metric, segments[start])
        _append_points(columns, metric.improvement, target, series, metric.spc)
        columns["period"].extend(map(period_label, span))
        first_rows.extend([start] * len(span))
    size = len(first_rows)
    arrays: dict[str, pa.Array | pa.ChunkedArray] = dict(
        zip(SERIES_COLUMNS, rows.select(list(SERIES_COLUMNS)).take(first_rows).columns, strict=True)
    )
    for name in _POINT_COLUMNS:
        kind = SPC_SCHEMA.field(name).type
        if name == "computed_at":
            arrays[name] = pa.array([now] * size, kind)
        else:
            arrays[name] = pa.array(columns[name], kind)
    arrays["contributors"] = pa.nulls(size, SPC_SCHEMA.field("contributors").type)
    arrays["contributor_count"] = pa.nulls(size, SPC_SCHEMA.field("contributor_count").type)
    return pa.Table.from_arrays([arrays[f.name] for f in SPC_SCHEMA], schema=SPC_SCHEMA), count


def _append_points(
    columns: dict[str, list[Any]],
    improvement: str,
    target: float | None,
    values: list[float | None],
    applies: bool,
) -> None:
    """One series' points, appended to ``columns`` (all but the period and the time)."""
    n = len(values)
    columns["index"].extend(range(n))
    columns["improvement"].extend([improvement] * n)
    columns["target"].extend([target] * n)
    if not applies:
        columns["value"].extend(values)
        for name in ("mean", "lpl", "upl", "relative_to_mean", "point_type", "rule"):
            columns[name].extend([None] * n)
        for name in ("outside_limits", "close_to_limits", "special_cause_flag", "trial_limits"):
            columns[name].extend([False] * n)
        columns["variation_icon"].extend([None] * n)
        columns["assurance"].extend([None] * n)
        return
    result = spc.analyse(values, improvement=improvement, target=target)
    for group in result.groups:
        columns["trial_limits"].extend([group.trial_limits] * group.n)
    for point in result.points:
        columns["value"].append(point.value)
        columns["mean"].append(point.mean)
        columns["lpl"].append(point.lpl)
        columns["upl"].append(point.upl)
        columns["outside_limits"].append(point.outside_limits)
        columns["close_to_limits"].append(point.close_to_limits)
        columns["relative_to_mean"].append(point.relative_to_mean)
        columns["special_cause_flag"].append(point.special_cause_flag)
        columns["point_type"].append(point.point_type)
        columns["rule"].append(point.rule)
    columns["variation_icon"].extend([result.variation_icon] * n)
    columns["assurance"].extend([result.assurance] * n)
