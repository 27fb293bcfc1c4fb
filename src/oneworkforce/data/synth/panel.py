"""Spells to tables: the staff-in-post panel and the leavers it implies, as Arrow tables.

Columns are dictionary-encoded where values repeat (period, org, staff group, person), so a
national chunk stays small in memory and in Parquet; CSV writers print the values.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oneworkforce.data.schemas import DATASETS
from oneworkforce.data.synth import profiles as P
from oneworkforce.data.synth.calendar import Calendar
from oneworkforce.data.synth.people import OrgSet, People, Spells

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(index: np.ndarray, key: int) -> np.ndarray:
    """A bijection on 64-bit integers (splitmix64's finaliser after a keyed xor)."""
    x = index.astype(np.uint64) ^ np.uint64(key)
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def pseudonyms(index: np.ndarray, key: int) -> pa.Array:
    """Stable pseudonymised person keys: 16 hex digits, distinct for distinct indices."""
    text = _mix(index, key).astype(">u8").tobytes().hex().encode("ascii")
    return pa.array(np.frombuffer(text, dtype="S16")).cast(pa.string())


def _dict(indices: np.ndarray, values: pa.Array | list[str] | tuple[str, ...]) -> pa.Array:
    dictionary = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)


def _spell_order(spells: Spells) -> np.ndarray:
    """Spells ordered by person, then start, then kind."""
    return np.lexsort((spells.kind, spells.start, spells.person))


def assignment_ids(spells: Spells, employee: pa.Array, order: np.ndarray) -> pa.Array:
    """ESR-style assignment numbers: the person's employee number and a running suffix."""
    person = spells.person[order]
    n = len(order)
    first = np.ones(n, dtype=bool)
    first[1:] = person[1:] != person[:-1]
    start_of_group = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    ordinal = np.empty(n, dtype=np.int64)
    ordinal[order] = np.arange(n) - start_of_group + 1
    left = employee.take(pa.array(spells.person))
    return pc.binary_join_element_wise(left, pa.array(ordinal).cast(pa.string()), "-")


def staff_in_post(
    spells: Spells,
    people: People,
    orgs: OrgSet,
    cal: Calendar,
    person_ids: pa.Array,
    employee: pa.Array,
) -> pa.Table:
    """One row per person per assignment per month, sorted by period, org, person."""
    M = cal.months
    order = _spell_order(spells)
    rank = np.empty(len(spells), dtype=np.int64)
    rank[order] = np.arange(len(spells))
    start = spells.start.astype(np.int64)
    count = np.minimum(spells.end, M).astype(np.int64) - start
    spell = np.repeat(np.arange(len(spells), dtype=np.int64), count)
    offset = np.arange(len(spell), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    period = start[spell] + offset
    key = (period * orgs.n + spells.org[spell]) * len(spells) + rank[spell]
    sort = np.argsort(key, kind="stable")
    spell, period = spell[sort], period[sort]
    del key, sort, offset
    person = spells.person[spell]
    age = np.clip((period - people.birth[person]) // 12, 16, 90)
    columns = {
        "period": _dict(period, cal.periods),
        "org_code": _dict(spells.org[spell], orgs.codes),
        "person_id": _dict(person, person_ids),
        "assignment_id": _dict(spell, assignment_ids(spells, employee, order)),
        "staff_group": _dict(spells.group[spell], P.STAFF_GROUPS),
        "band": _dict(spells.band[spell], P.BANDS),
        "fte": pa.array(spells.fte[spell] / 100.0),
        "contract_type": _dict(spells.contract[spell], P.CONTRACTS),
        "age": pa.array(age.astype(np.int16)),
        "sex": _dict(people.sex[person], P.SEXES),
        "ethnic_group": _dict(people.ethnic_group[person], P.ETHNIC_GROUPS),
        "disability": _dict(people.disability[person], P.DISABILITY),
        "start_date": pa.array(spells.org_start[spell].astype("datetime64[D]")),
    }
    return pa.table(
        [columns[c] for c in DATASETS["staff_in_post"].column_names],
        names=list(DATASETS["staff_in_post"].column_names),
    )


def leaver_events(spells: Spells, n_orgs: int, months: int) -> dict[str, np.ndarray]:
    """Each time a person stops being in an organisation inside the window.

    A person is in an organisation while any of their spells there is open; the event is at
    the end of each unbroken run of months, and takes the reason of the spell that ends it.
    """
    cap = months + 1
    end = np.minimum(spells.end, cap).astype(np.int64)
    group = spells.person.astype(np.int64) * n_orgs + spells.org
    order = np.lexsort((spells.start, group))
    g, s, e = group[order], spells.start[order].astype(np.int64), end[order]
    running = np.maximum.accumulate(g * (cap + 1) + e) - g * (cap + 1)
    n = len(order)
    new = np.ones(n, dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (s[1:] > running[:-1])
    interval = np.cumsum(new) - 1
    # the spell that ends each run: the latest end, a primary assignment before the others
    by_end = np.lexsort((spells.kind[order], -e, interval))
    first = np.ones(n, dtype=bool)
    first[1:] = interval[by_end][1:] != interval[by_end][:-1]
    ending = order[by_end[first]]
    ending = ending[end[ending] < months]
    return {"spell": ending, "period": spells.end[ending].astype(np.int64)}


def leavers(spells: Spells, orgs: OrgSet, cal: Calendar, person_ids: pa.Array) -> pa.Table:
    events = leaver_events(spells, orgs.n, cal.months)
    spell, period = events["spell"], events["period"]
    key = (period * orgs.n + spells.org[spell]) * (
        spells.person.max(initial=0) + 1
    ) + spells.person[spell]
    sort = np.argsort(key, kind="stable")
    spell, period = spell[sort], period[sort]
    reason = spells.reason[spell].astype(np.int64)
    dest = spells.dest[spell].astype(np.int64)
    unknown = reason == 0  # a concurrent assignment ending on its own
    reason[unknown] = P.R["Voluntary Resignation - Work Life Balance"]
    dest[unknown] = P.D["Unknown"]
    leave = cal.first_day[period] + spells.end_day[spell].astype(np.int64) - 1
    columns = {
        "period": _dict(period, cal.periods),
        "org_code": _dict(spells.org[spell], orgs.codes),
        "person_id": _dict(spells.person[spell], person_ids),
        "leave_date": pa.array(leave.astype("datetime64[D]")),
        "reason": _dict(reason, P.REASONS),
        "destination": _dict(dest, P.DESTINATIONS),
    }
    return pa.table(
        [columns[c] for c in DATASETS["leavers"].column_names],
        names=list(DATASETS["leavers"].column_names),
    )
