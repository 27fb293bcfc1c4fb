"""The organisations behind each stored figure, worked out when the results are written, so
that the minimum number of organisations per group (:mod:`oneworkforce.metrics.group_size`)
costs a reader nothing but a set difference per row (issue 14).

Every stored result and SPC point carries ``contributors`` (the sorted organisation codes
behind the figure; an area-wide figure's area counts as one, ``area <code>``) and
``contributor_count`` (how many). Keeping the codes, not only their number, lets the rule
decide "fewer than N organisations besides your own" for a data lead without reading any
organisation-level file.

* organisation-level figures: the organisation itself;
* computed figures: the partner organisations of the group (by the organisation register's
  place and segment; for a total across segments, the pooled organisations alone: not those
  of a segment sized by ``aggregate`` figures, metrics/sources.py) whose own figure for the
  same metric, month and staff group (or staff group of the cross-sector level, or band
  cluster) has a non-zero value, numerator or denominator; an organisation with nothing in
  the group does not count;
* figures from the ``aggregate`` dataset: the rows of the group with a non-zero value,
  numerator or denominator in the submissions the figure names as its sources, each
  organisation counted once and each area (a row with ``area_code``) counted as one
  contributor, as the register cannot say how many organisations an area's figure covers.

An SPC point carries the contributors of the stored result of the same series and month.

The writer calls :func:`with_contributors` on every (split, metric) pair of results it is
about to write, with the complete organisation-level results of the same metrics (those just
computed, else those stored), so a refresh gives exactly what a rebuild gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FIGURES = ("value", "numerator", "denominator")
#: the dimensions of a group that must match an organisation's own figure (when the group has
#: them)
_MATCHED = ("place", "segment", "staff_group", "staff_category", "band_cluster")
#: the organisation-level splits: the all-staff one, and the one by staff group (for groups
#: narrowed to a staff group or the cross-sector level)
ORG_SPLITS = ("org_code", "org_code_staff_group")
_LIST = pa.list_(pa.string())

Tables = Mapping[str, Mapping[str, tuple[pa.Table, pa.Table]]]
Register = Mapping[str, tuple[str | None, str | None]]


@cache
def _category(staff_group: str) -> str | None:
    from oneworkforce.data.reference import staff_category

    try:
        return staff_category(staff_group)
    except KeyError:
        return None


def _categories(given: pa.ChunkedArray, groups: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each row's staff category: its own where it has one, else its staff group's (worked
    out once per distinct staff group, not once per row)."""
    distinct = pc.drop_null(pc.unique(groups))
    mapped = pa.array([_category(g) for g in distinct.to_pylist()], pa.string())
    return pc.coalesce(given, mapped.take(pc.index_in(groups, value_set=distinct)))


def _contributes(row: Mapping[str, Any]) -> bool:
    return any(row.get(f) not in (None, 0) for f in FIGURES)


def with_contributors(
    tables: Tables,
    register: Register,
    lake_root: Path,
    stored_org_results: Callable[[str, str], pa.Table | None],
    left_out: frozenset[str] = frozenset(),
    con: Any = None,
) -> dict[str, dict[str, tuple[pa.Table, pa.Table]]]:
    """``tables`` (split, then metric: results and SPC points) with ``contributors`` and
    ``contributor_count`` filled in. ``stored_org_results(split, metric)`` gives the stored
    organisation-level results of a metric that ``tables`` does not hold (None: none);
    ``left_out`` are the segments sized by ``aggregate`` figures, whose organisations are in
    no total across segments; ``con``, a DuckDB connection for the joins (else one of its
    own)."""

    def org_results(split: str, code: str) -> pa.Table | None:
        if code in tables.get(split, {}):
            return tables[split][code][0]
        return stored_org_results(split, code)

    submissions = _Submissions(lake_root)
    # a row a refresh keeps as stored keeps its contributors: its metric and month were outside
    # the change, so were the organisation-level figures behind it; the others of every split
    # and metric are worked out together (one join per pattern of dimensions, not one per
    # split and metric: each DuckDB query costs milliseconds to plan however small)
    todo: dict[tuple[str, str], pa.Array] = {}
    for split, metrics in tables.items():
        for code, (rows, _points) in metrics.items():
            todo[split, code] = pc.indices_nonzero(pc.is_null(rows["contributor_count"]))
    wanted = [tables[s][c][0].take(at) for (s, c), at in todo.items() if len(at)]
    found = pa.array([], _LIST)
    if wanted:
        codes = sorted({c for (_s, c), at in todo.items() if len(at)})
        # only the months of the figures to work out: a refresh asks for a few of a
        # metric's months, and the joins need the organisations' figures of those alone
        periods: dict[str, list[pa.Array]] = {code: [] for code in codes}
        for (s, c), at in todo.items():
            if len(at):
                periods[c].append(tables[s][c][0]["period"].take(at))
        months = {c: pc.unique(pa.chunked_array(p, pa.string())) for c, p in periods.items()}
        parts = [_entries(code, org_results, register, months[code]) for code in codes]
        entries = [e for e in parts if e.num_rows]
        own = con is None  # one for every join (opening one costs more than most joins)
        joins = duckdb.connect() if own else con
        try:
            found = _rows_contributors(
                joins,
                pa.concat_tables(wanted),
                pa.concat_tables(entries) if entries else parts[0],
                register,
                submissions,
                left_out,
            )
        finally:
            if own:
                joins.close()
    out: dict[str, dict[str, tuple[pa.Table, pa.Table]]] = {}
    start = 0
    for split, metrics in tables.items():
        out[split] = {}
        for code, (rows, points) in metrics.items():
            at = todo[split, code]
            if len(at):
                mine = found.slice(start, len(at))
                start += len(at)
                rows = _set(rows, _scatter(rows["contributors"], at, mine))
            else:
                rows = _set(rows, rows["contributors"])
            out[split][code] = (rows, _set(points, _points_contributors(points, rows)))
    return out


def _scatter(stored: pa.ChunkedArray | pa.Array, at: pa.Array, found: pa.Array) -> pa.Array:
    """``stored`` with the values at positions ``at`` replaced by ``found``, in order."""
    n = len(stored)
    positions = np.arange(n)
    positions[at.to_numpy()] = n + np.arange(len(at))
    whole = pa.concat_arrays([pa.chunked_array(stored, _LIST).combine_chunks(), found])
    return whole.take(pa.array(positions))


def _set(table: pa.Table, contributors: pa.Array | pa.ChunkedArray) -> pa.Table:
    count = pc.cast(pc.list_value_length(contributors), pa.int32())
    for name, column in (("contributors", contributors), ("contributor_count", count)):
        at = table.schema.get_field_index(name)
        table = table.set_column(at, pa.field(name, column.type), column)
    return table


def _entries(
    code: str,
    org_results: Callable[[str, str], pa.Table | None],
    register: Register,
    months: pa.Array | None = None,
) -> pa.Table:
    """The organisations contributing to a metric (in ``months``, else in every month): one
    row per organisation-level computed figure with a non-zero value, numerator or
    denominator, with the organisation's place and segment; ``narrow`` tells the figures by
    staff group from those of all staff."""
    partners = pa.array(sorted(register), pa.string())
    places = pa.array([register[o][0] for o in partners.to_pylist()], pa.string())
    segments = pa.array([register[o][1] for o in partners.to_pylist()], pa.string())
    parts = []
    for split in ORG_SPLITS:
        table = org_results(split, code)
        if table is not None and months is not None:
            table = table.filter(pc.is_in(table["period"], value_set=months))
        if table is None or table.num_rows == 0:
            continue
        nonzero = [pc.fill_null(pc.not_equal(table[f], 0.0), False) for f in FIGURES]
        keep = pc.and_(
            pc.and_(pc.equal(table["origin"], "computed"), pc.is_in(table["org_code"], partners)),
            pc.or_(pc.or_(nonzero[0], nonzero[1]), nonzero[2]),
        )
        table = table.filter(keep)
        at = pc.index_in(table["org_code"], value_set=partners)
        parts.append(
            pa.table(
                {
                    "metric": table["metric"],
                    "period": table["period"],
                    "org": table["org_code"],
                    "narrow": pa.array([split == "org_code_staff_group"] * table.num_rows),
                    "place": places.take(at),
                    "segment": segments.take(at),
                    "staff_group": table["staff_group"],
                    "staff_category": _categories(table["staff_category"], table["staff_group"]),
                    "band_cluster": table["band_cluster"],
                }
            )
        )
    if not parts:
        return pa.table({"metric": pa.array([], pa.string())})
    return pa.concat_tables(parts)


def _rows_contributors(
    con: Any,
    rows: pa.Table,
    entries: pa.Table,
    register: Register,
    submissions: _Submissions,
    left_out: frozenset[str] = frozenset(),
) -> pa.Array:
    """The contributors of each stored result, in the rows' order."""
    found: list[list[str]] = [[] for _ in range(rows.num_rows)]
    if rows.num_rows == 0:
        return pa.array(found, _LIST)
    org = rows["org_code"].to_pylist()
    origin = rows["origin"].to_pylist()
    for i, code in enumerate(org):
        if code is not None:
            found[i] = [code]
    todo = [i for i in range(rows.num_rows) if org[i] is None]
    computed = [i for i in todo if origin[i] != "aggregate"]
    if computed and entries.num_rows:
        for i, names in _computed(con, rows, computed, entries, left_out).items():
            found[i] = names
    aggregate = [i for i in todo if origin[i] == "aggregate"]
    if aggregate:
        wanted = rows.take(aggregate).select(["metric", "period", "place", "segment", "sources"])
        for i, row in zip(aggregate, wanted.to_pylist(), strict=True):
            found[i] = _aggregate(row, register, submissions)
    return pa.array(found, _LIST)


def _computed(
    con: Any,
    rows: pa.Table,
    which: list[int],
    entries: pa.Table,
    left_out: frozenset[str] = frozenset(),
) -> dict[int, list[str]]:
    """Contributors of computed group figures: a join of the groups with the organisations'
    own figures of the same metric and month on every dimension the group has, one join per
    combination of dimensions present (so each is a join on equal keys), all in one query
    (each DuckDB query costs milliseconds to plan however small). A group with no segment (a
    total across segments) leaves out the ``left_out`` segments' organisations."""
    sized = ", ".join("'" + code.replace("'", "''") + "'" for code in sorted(left_out))
    groups = rows.select(["metric", "period", *_MATCHED]).take(which)
    groups = groups.append_column("rid", pa.array(which, pa.int64()))
    present_in = np.column_stack(
        [pc.is_valid(groups[d]).to_numpy(zero_copy_only=False) for d in _MATCHED]
    )
    patterns = [tuple(bool(b) for b in row) for row in np.unique(present_in, axis=0)]
    try:
        con.register("g", groups)
        con.register("e", entries)
        joins = []
        for pattern in patterns:
            present = [d for d, has in zip(_MATCHED, pattern, strict=True) if has]
            narrow = "staff_group" in present or "staff_category" in present
            where = " AND ".join(
                f"g.{d} IS {'NOT ' if has else ''}NULL"
                for d, has in zip(_MATCHED, pattern, strict=True)
            )
            on = " AND ".join(f"e.{d} = g.{d}" for d in ("metric", "period", *present))
            if sized and "segment" not in present:  # pooled organisations only (sources.py)
                on += f" AND (e.segment IS NULL OR e.segment NOT IN ({sized}))"
            joins.append(
                "SELECT g.rid, list_sort(list_distinct(list(e.org))) FROM g JOIN e "
                f"ON {on} AND e.narrow = {'true' if narrow else 'false'} "
                f"WHERE {where} GROUP BY g.rid"
            )
        # each group has one pattern, so the joins' answers never overlap
        return dict(con.execute(" UNION ALL ".join(joins)).fetchall()) if joins else {}
    finally:
        con.unregister("g")
        con.unregister("e")


def _aggregate(row: Mapping[str, Any], register: Register, submissions: _Submissions) -> list[str]:
    found: set[str] = set()
    for sid in row["sources"] or ():
        for entry in submissions.rows(sid):
            if entry["metric"] != row["metric"] or entry["period"] != row["period"]:
                continue
            if not _contributes(entry):
                continue
            if row["segment"] is not None and entry["segment"] != row["segment"]:
                continue
            org = entry["org_code"]
            if org is not None and org not in register:
                continue  # not a partner: in no figure of the ICS
            place = register[org][0] if org is not None else None
            if row["place"] is not None and place != row["place"]:
                continue
            found.add(org if org is not None else f"area {entry['area_code']}")
    return sorted(found)


class _Submissions:
    """The rows of ``aggregate`` submissions, each read once per write."""

    def __init__(self, lake_root: Path) -> None:
        self.lake_root = Path(lake_root)
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def rows(self, submission: str) -> list[dict[str, Any]]:
        if submission not in self._rows:
            folder = self.lake_root / "aggregate" / f"submission={submission}"
            rows: list[dict[str, Any]] = []
            for path in sorted(folder.glob("*.parquet")):
                table = pq.read_table(path)
                names = set(table.column_names)
                for r in table.to_pylist():
                    rows.append(
                        {
                            "metric": r.get("metric"),
                            "period": str(r.get("period"))[:7],
                            "segment": r.get("segment"),
                            "org_code": r.get("org_code") if "org_code" in names else None,
                            "area_code": r.get("area_code") if "area_code" in names else None,
                            **{f: r.get(f) for f in FIGURES},
                        }
                    )
            self._rows[submission] = rows
        return self._rows[submission]


def _points_contributors(points: pa.Table, rows: pa.Table) -> pa.Array:
    """The contributors of each SPC point: those of the result of its series and month (none
    for a month with no stored result)."""
    if points.num_rows == 0:
        return pa.array([], _LIST)
    from oneworkforce.metrics.results_layout import SERIES_COLUMNS

    def keys(table: pa.Table) -> pa.Array:
        parts = [pc.fill_null(table[c], "\x00") for c in (*SERIES_COLUMNS, "period")]
        return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()

    at = pc.index_in(keys(points), value_set=keys(rows))
    named = rows["contributors"].combine_chunks() if rows.num_rows else pa.array([], _LIST)
    taken = named.take(at) if rows.num_rows else pa.nulls(points.num_rows, _LIST)
    return pc.if_else(pc.is_null(at), pa.scalar([], _LIST), taken)
