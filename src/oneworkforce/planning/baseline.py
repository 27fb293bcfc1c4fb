"""The starting point of every projection, read from the store: who is in post today and how
people have been joining, leaving, retiring and moving over the last twelve months.

Person-level segments (NHS trusts, general practice, the ICB) are measured from the
``staff_in_post`` snapshots the way the metric catalogue counts flows (§2): a *leaver* is in
the system at p-1 and in no partner organisation at p (a *retirement* when the ``leavers``
return gives a retirement reason for that month); a *joiner* is in no partner organisation at
p-1; a person still in the system but in another segment or staff group has *transferred*.
Bank-only assignments are not substantive supply and are left out. Everything is in FTE.

Small cells have few leavers, so rates are shrunk toward a wider group (the staff group across
segments, and by age band across everything) with the weight of ``PRIOR_FTE_YEARS``.

Segments that only send aggregate returns (social care, pharmacy, dentistry, VCSE) get their
FTE, leaver and starter rates from those returns, one staff group each (``AGGREGATE_GROUP``)
and a typical age profile, because nothing finer exists; the docs say so. A social care
segment with such an estimate is planned from it even when some of its providers also send
person-level ASC-WDS files, which cover only part of the segment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from oneworkforce.config import Home
from oneworkforce.data.reference import vocabulary
from oneworkforce.metrics.sources import choose
from oneworkforce.planning.scenario import AGE_BANDS

PRIOR_FTE_YEARS = 10.0  # weight of the wider group's rate when shrinking a cell's rate
FTE_PER_HEAD = 0.8  # aggregate returns in headcount only: a typical social care FTE ratio
AGGREGATE_GROUP = {
    "care_homes": "care_worker",
    "support_at_home": "care_worker",
    "personal_care": "care_worker",
    "adult_social_work": "social_worker",
    "childrens_social_work": "social_worker",
    "community_pharmacy": "pharmacist",
    "dentistry": "dental_nurse",
    "volunteers_carers": "volunteer",
}
AGGREGATE_AGE_PROFILE = np.array([0.10, 0.20, 0.22, 0.24, 0.19, 0.05])
# annual retirement rates by age band where the store has no person-level history at all
DEFAULT_RETIREMENT = np.array([0.0, 0.0, 0.0, 0.002, 0.04, 0.25])

_AGE_BAND_SQL = (
    "CASE WHEN age IS NULL THEN '35_44' WHEN age < 25 THEN 'under_25' "
    "WHEN age < 35 THEN '25_34' WHEN age < 45 THEN '35_44' WHEN age < 55 THEN '45_54' "
    "WHEN age < 65 THEN '55_64' ELSE '65_plus' END"
)


@dataclass
class Baseline:
    """Stocks (FTE) and monthly rates by segment x staff group x age band."""

    as_of: date
    data_version: str
    segments: tuple[str, ...]
    staff_groups: tuple[str, ...]
    stock: np.ndarray  # (S, G, A) FTE in post at the end of as_of
    demand: np.ndarray  # (S, G) establishment FTE (staff in post plus vacancies where known)
    leave: np.ndarray  # (S, G, A) monthly leaver hazard (not retirement)
    retire: np.ndarray  # (S, G, A) monthly retirement hazard
    transfer_out: np.ndarray  # (S, G, A) monthly hazard of moving to another segment/group
    join: np.ndarray  # (S, G) joiners a month per FTE in post
    transfer_in: np.ndarray  # (S, G) transfers in a month per FTE in post
    join_mix: np.ndarray  # (S, G, A) share of joiners (and transfers in) by age band
    leavers_seen: np.ndarray  # (S, G) leavers (people) in the window: the evidence behind rates
    joiners_seen: np.ndarray  # (S, G)
    band_mix: np.ndarray  # (S, G, B) share of FTE by pay band (zeros where unknown)
    bands: tuple[str, ...]
    person_level: tuple[bool, ...]  # per segment: measured from person-level data

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.stock.shape  # type: ignore[return-value]

    def index(self, segments: tuple[str, ...], staff_groups: tuple[str, ...]) -> np.ndarray:
        """A (S, G) mask of the cells a lever or demand line targets (empty = all)."""
        s = np.array([not segments or x in segments for x in self.segments])
        g = np.array([not staff_groups or x in staff_groups for x in self.staff_groups])
        return s[:, None] & g[None, :]


def monthly(annual: np.ndarray | float) -> np.ndarray:
    """A monthly hazard equivalent to an annual rate (1 - (1 - a)^(1/12))."""
    a = np.clip(np.asarray(annual, dtype=np.float64), 0.0, 0.999)
    return 1.0 - (1.0 - a) ** (1.0 / 12.0)


def _shrink(events: np.ndarray, exposure: np.ndarray, prior: np.ndarray) -> np.ndarray:
    weight = PRIOR_FTE_YEARS * 12.0
    return (events + weight * prior) / (exposure + weight)


def _data_version(home: Home) -> str:
    from oneworkforce.data.lake import Lake

    slices = Lake(home).read_manifest()
    accepted = sorted({(s.dataset, s.submission_id) for s in slices if s.status == "accepted"})
    digest = hashlib.sha256(repr(accepted).encode()).hexdigest()
    return digest[:12]


def _month_back(d: date, months: int) -> date:
    k = d.year * 12 + d.month - 1 - months
    return date(k // 12, k % 12 + 1, 1)


class _Reader:
    """SQL over the lake's current views, up to and including ``as_of``."""

    def __init__(self, home: Home, as_of: date | None):
        from oneworkforce.data.lake import Lake

        self.con = Lake(home).connect(threads=2)
        last = self.con.execute("SELECT max(period) FROM staff_in_post").fetchone()[0]
        last_agg = self.con.execute("SELECT max(period) FROM aggregate").fetchone()[0]
        latest = max([d for d in (last, last_agg) if d is not None], default=None)
        if latest is None:
            raise ValueError("the store has no staff in post or aggregate returns to plan from")
        self.as_of = as_of or latest
        self.con.execute(
            f"""CREATE TEMP TABLE pm AS
            SELECT s.period, o.segment, s.staff_group, s.person_id,
                   sum(s.fte) AS fte, {_AGE_BAND_SQL.replace("age", "max(s.age)")} AS age_band
            FROM staff_in_post s JOIN organisations o ON o.org_code = s.org_code
            WHERE coalesce(s.contract_type, 'permanent') <> 'bank'
              AND coalesce(o.partner, true) AND s.period <= ?
            GROUP BY 1, 2, 3, 4""",
            [self.as_of],
        )
        self.con.execute("CREATE TEMP TABLE pp AS SELECT DISTINCT period, person_id FROM pm")

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.con.close()


def _flow_rows(r: _Reader, start: date) -> dict[str, list[tuple]]:
    """Flows between consecutive months p-1 -> p for p in (start, as_of]."""
    window = [start, r.as_of]
    prev = "a.period + INTERVAL 1 MONTH"
    return {
        "exposure": r.rows(
            "SELECT segment, staff_group, age_band, sum(fte) FROM pm a "
            f"WHERE {prev} > ? AND {prev} <= ? "
            f"AND EXISTS (SELECT 1 FROM pp WHERE pp.period = {prev}) GROUP BY ALL",
            window,
        ),
        "leavers": r.rows(
            "SELECT a.segment, a.staff_group, a.age_band, sum(a.fte), count(*), "
            "sum(CASE WHEN EXISTS (SELECT 1 FROM leavers l WHERE l.person_id = a.person_id "
            f"AND l.period = {prev} AND l.reason ILIKE '%retire%') THEN a.fte ELSE 0 END) "
            f"FROM pm a WHERE {prev} > ? AND {prev} <= ? "
            f"AND EXISTS (SELECT 1 FROM pp WHERE pp.period = {prev}) "
            f"AND NOT EXISTS (SELECT 1 FROM pp WHERE pp.period = {prev} "
            "AND pp.person_id = a.person_id) GROUP BY ALL",
            window,
        ),
        "moves_out": r.rows(
            "SELECT a.segment, a.staff_group, a.age_band, sum(a.fte) FROM pm a "
            f"WHERE {prev} > ? AND {prev} <= ? "
            f"AND EXISTS (SELECT 1 FROM pp WHERE pp.period = {prev} "
            "AND pp.person_id = a.person_id) "
            f"AND NOT EXISTS (SELECT 1 FROM pm b WHERE b.period = {prev} "
            "AND b.person_id = a.person_id AND b.segment = a.segment "
            "AND b.staff_group = a.staff_group) GROUP BY ALL",
            window,
        ),
        "joiners": r.rows(
            "SELECT b.segment, b.staff_group, b.age_band, sum(b.fte), count(*) FROM pm b "
            "WHERE b.period > ? AND b.period <= ? "
            "AND EXISTS (SELECT 1 FROM pp WHERE pp.period = b.period - INTERVAL 1 MONTH) "
            "AND NOT EXISTS (SELECT 1 FROM pp WHERE pp.period = b.period - INTERVAL 1 MONTH "
            "AND pp.person_id = b.person_id) GROUP BY ALL",
            window,
        ),
        "moves_in": r.rows(
            "SELECT b.segment, b.staff_group, b.age_band, sum(b.fte) FROM pm b "
            "WHERE b.period > ? AND b.period <= ? "
            "AND EXISTS (SELECT 1 FROM pp WHERE pp.period = b.period - INTERVAL 1 MONTH "
            "AND pp.person_id = b.person_id) "
            "AND NOT EXISTS (SELECT 1 FROM pm a WHERE a.period = b.period - INTERVAL 1 MONTH "
            "AND a.person_id = b.person_id AND a.segment = b.segment "
            "AND a.staff_group = b.staff_group) GROUP BY ALL",
            window,
        ),
    }


def _aggregate_rows(r: _Reader) -> dict[str, dict[str, float]]:
    """Per aggregate segment, the latest value of each metric up to as_of, by the source rule
    of ``metrics/sources.py``: an area-wide row is the segment's figure (its providers' own
    rows are not added); else the providers' rows are added (rates pooled, or averaged where
    a row lacks its counts)."""
    rows = r.rows(
        "WITH latest AS (SELECT segment, metric, max(period) AS period FROM aggregate "
        "WHERE period <= ? GROUP BY ALL) "
        "SELECT a.segment, a.metric, a.org_code, CASE WHEN a.unit = 'percent' "
        "THEN a.value / 100 ELSE a.value END, a.numerator, a.denominator "
        "FROM aggregate a JOIN latest USING (segment, metric, period)",
        [r.as_of],
    )
    return aggregate_values(rows)


def aggregate_values(rows: list[tuple]) -> dict[str, dict[str, float]]:
    """``(segment, metric, org_code, value, numerator, denominator)`` rows of one month per
    segment and metric (rates as fractions) to a value per segment and metric."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for segment, metric, org, value, num, den in rows:
        grouped.setdefault((segment, metric), []).append(
            {"org_code": org, "value": float(value), "numerator": num, "denominator": den}
        )
    found: dict[str, dict[str, float]] = {}
    for (segment, metric), members in grouped.items():
        chosen, _ = choose(members)
        found.setdefault(segment, {})[metric] = _combined(metric, chosen)
    return found


def _combined(metric: str, rows: list[dict[str, Any]]) -> float:
    if not metric.endswith("_rate"):
        return sum(r["value"] for r in rows)
    if all(r["numerator"] is not None and r["denominator"] for r in rows):
        return sum(float(r["numerator"]) for r in rows) / sum(float(r["denominator"]) for r in rows)
    return sum(r["value"] for r in rows) / len(rows)


def aggregate_fte(values: dict[str, float]) -> float | None:
    if "staff_in_post_fte" in values:
        return values["staff_in_post_fte"]
    for metric in ("staff_in_post_headcount", "filled_posts"):
        if metric in values:
            return values[metric] * FTE_PER_HEAD
    return None


def from_store(home: Home, as_of: date | None = None) -> Baseline:
    """The baseline at ``as_of`` (default: the latest month in the store)."""
    r = _Reader(home, as_of)
    try:
        start = _month_back(r.as_of, 12)
        flows = _flow_rows(r, start)
        stock_rows = r.rows(
            "SELECT segment, staff_group, age_band, sum(fte) FROM pm WHERE period = ? GROUP BY ALL",
            [r.as_of],
        )
        band_rows = r.rows(
            "SELECT o.segment, s.staff_group, s.band, sum(s.fte) FROM staff_in_post s "
            "JOIN organisations o ON o.org_code = s.org_code WHERE s.period = ? "
            "AND s.band IS NOT NULL AND coalesce(s.contract_type, 'permanent') <> 'bank' "
            "GROUP BY ALL",
            [r.as_of],
        )
        est_rows = r.rows(
            "SELECT o.segment, e.staff_group, sum(e.establishment_fte) FROM establishment e "
            "JOIN organisations o ON o.org_code = e.org_code "
            "WHERE e.period = (SELECT max(period) FROM establishment WHERE period <= ?) "
            "AND coalesce(o.partner, true) GROUP BY ALL",
            [r.as_of],
        )
        aggregates = _aggregate_rows(r)
    finally:
        r.close()
    return assemble(
        as_of=r.as_of,
        data_version=_data_version(home),
        flows=flows,
        stock_rows=stock_rows,
        band_rows=band_rows,
        establishment_rows=est_rows,
        aggregates=aggregates,
    )


def assemble(
    *,
    as_of: date,
    data_version: str,
    flows: dict[str, list[tuple]],
    stock_rows: list[tuple],
    band_rows: list[tuple],
    establishment_rows: list[tuple],
    aggregates: dict[str, dict[str, float]],
) -> Baseline:
    """Turn measured rows into rate arrays (kept apart from SQL so tests can feed rows)."""
    seg_codes = vocabulary("segment").codes
    group_codes = vocabulary("staff_group").codes
    # A social care segment with an area-wide estimate is planned from it: the person-level
    # records some of its providers send (ASC-WDS snapshots) cover part of the segment, and a
    # snapshot with no month before it would count every worker as a joiner.
    estimated = {s for s, v in aggregates.items() if s in AGGREGATE_GROUP and aggregate_fte(v)}
    person_segments = {row[0] for row in stock_rows} - estimated
    agg_segments = {
        s for s, v in aggregates.items() if s not in person_segments and aggregate_fte(v)
    }
    segments = tuple(s for s in seg_codes if s in person_segments | agg_segments)
    used_groups = {row[1] for row in stock_rows} | {AGGREGATE_GROUP[s] for s in agg_segments}
    groups = tuple(g for g in group_codes if g in used_groups)
    if not segments:
        raise ValueError("the store has no staff in post to plan from")
    S, G, A = len(segments), len(groups), len(AGE_BANDS)
    si = {s: i for i, s in enumerate(segments)}
    gi = {g: i for i, g in enumerate(groups)}
    ai = {a: i for i, a in enumerate(AGE_BANDS)}

    def cube(rows: list[tuple], col: int = 3) -> np.ndarray:
        out = np.zeros((S, G, A))
        for row in rows:
            if row[0] in si and row[1] in gi and row[0] in person_segments:
                out[si[row[0]], gi[row[1]], ai[row[2]]] += float(row[col] or 0)
        return out

    stock = cube(stock_rows)
    exposure = cube(flows["exposure"])
    leavers = cube(flows["leavers"])
    retirements = cube(flows["leavers"], col=5)
    leavers = leavers - retirements
    leaver_heads = cube(flows["leavers"], col=4).sum(-1)
    moves_out = cube(flows["moves_out"])
    joiners = cube(flows["joiners"])
    joiner_heads = cube(flows["joiners"], col=4).sum(-1)
    moves_in = cube(flows["moves_in"])

    leave, retire = _age_rates(leavers, exposure), _age_rates(retirements, exposure)
    if exposure.sum() == 0:
        retire = np.broadcast_to(monthly(DEFAULT_RETIREMENT), (S, G, A)).copy()
    transfer_out = _age_rates(moves_out, exposure)
    exp_sg = exposure.sum(-1)
    join = _group_rate(joiners.sum(-1), exp_sg)
    transfer_in = _group_rate(moves_in.sum(-1), exp_sg)
    join_mix = _mix(joiners + moves_in)

    demand = stock.sum(-1).copy()
    est = np.zeros((S, G))
    for seg, grp, fte in establishment_rows:
        if seg in si and grp in gi:
            est[si[seg], gi[grp]] += float(fte or 0)
    demand = np.where(est > 0, np.maximum(est, demand), demand)

    person_level = tuple(s in person_segments for s in segments)
    retire_by_age = (
        _pooled(retirements, exposure) if exposure.sum() else monthly(DEFAULT_RETIREMENT)
    )
    for seg in agg_segments:
        values = aggregates[seg]
        s, g = si[seg], gi[AGGREGATE_GROUP[seg]]
        fte = aggregate_fte(values) or 0.0
        stock[s, g] = fte * AGGREGATE_AGE_PROFILE
        annual_leave = values.get("leaver_rate", values.get("turnover_rate"))
        if annual_leave is None and "leavers" in values and values.get("filled_posts"):
            annual_leave = values["leavers"] / values["filled_posts"]
        annual_leave = 0.15 if annual_leave is None else annual_leave
        annual_join = values.get("starter_rate", annual_leave)
        leave[s, g] = monthly(annual_leave)
        retire[s, g] = retire_by_age
        leave[s, g] = np.maximum(leave[s, g] - retire_by_age, 0)
        join[s, g] = annual_join / 12.0
        transfer_in[s, g] = 0.0
        transfer_out[s, g] = 0.0
        join_mix[s, g] = (AGGREGATE_AGE_PROFILE + np.roll(AGGREGATE_AGE_PROFILE, -1)) / 2
        join_mix[s, g, -1] = 0
        join_mix[s, g] /= join_mix[s, g].sum()
        vacancy = values.get("vacancy_rate")
        if "vacancy_fte" in values:
            demand[s, g] = fte + values["vacancy_fte"]
        elif vacancy is not None and vacancy < 1:
            demand[s, g] = fte / (1 - vacancy)
        else:
            demand[s, g] = fte
        heads = fte / FTE_PER_HEAD
        leaver_heads[s, g] = heads * annual_leave
        joiner_heads[s, g] = heads * annual_join

    bands = vocabulary("band").codes
    bi = {b: i for i, b in enumerate(bands)}
    band_mix = np.zeros((S, G, len(bands)))
    for seg, grp, band, fte in band_rows:
        if seg in si and grp in gi and band in bi:
            band_mix[si[seg], gi[grp], bi[band]] += float(fte or 0)
    totals = band_mix.sum(-1, keepdims=True)
    band_mix = np.divide(band_mix, totals, out=np.zeros_like(band_mix), where=totals > 0)

    return Baseline(
        as_of=as_of,
        data_version=data_version,
        segments=segments,
        staff_groups=groups,
        stock=stock,
        demand=demand,
        leave=leave,
        retire=retire,
        transfer_out=transfer_out,
        join=join,
        transfer_in=transfer_in,
        join_mix=join_mix,
        leavers_seen=leaver_heads,
        joiners_seen=joiner_heads,
        band_mix=band_mix,
        bands=bands,
        person_level=person_level,
    )


def _pooled(events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Monthly rate by age band across every segment and staff group."""
    e, x = events.sum((0, 1)), exposure.sum((0, 1))
    overall = events.sum() / exposure.sum() if exposure.sum() else 0.0
    return _shrink(e, x, np.full(e.shape, overall))


def _age_rates(events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Monthly hazards by cell: the cell's own, shrunk toward its segment x staff group's
    rate scaled by the age pattern, which is itself shrunk toward the staff group's."""
    if exposure.sum() == 0:
        return np.zeros_like(events)
    overall = events.sum() / exposure.sum()
    by_age = _pooled(events, exposure)
    age_factor = by_age / overall if overall > 0 else np.ones_like(by_age)
    group = _shrink(events.sum((0, 2)), exposure.sum((0, 2)), np.full(events.shape[1], overall))
    sg = _shrink(events.sum(-1), exposure.sum(-1), np.broadcast_to(group, events.shape[:2]))
    prior = sg[..., None] * age_factor[None, None, :]
    return np.clip(_shrink(events, exposure, prior), 0.0, 0.5)


def _group_rate(events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    if exposure.sum() == 0:
        return np.zeros_like(events)
    overall = events.sum() / exposure.sum()
    group = _shrink(events.sum(0), exposure.sum(0), np.full(events.shape[1], overall))
    return _shrink(events, exposure, np.broadcast_to(group, events.shape))


def _mix(joiners: np.ndarray) -> np.ndarray:
    """Joiners' age mix per cell, shrunk toward the staff group's and the overall mix."""
    overall = joiners.sum((0, 1))
    overall = overall / overall.sum() if overall.sum() else np.full(joiners.shape[-1], 1.0)
    overall = overall / overall.sum()
    weight = PRIOR_FTE_YEARS
    group = joiners.sum(0) + weight * overall
    group = group / group.sum(-1, keepdims=True)
    cell = joiners + weight * group[None, :, :]
    return cell / cell.sum(-1, keepdims=True)


def with_staff_groups(base: Baseline, wanted: set[str]) -> Baseline:
    """The baseline with empty cells for staff groups a scenario names but the data lacks
    (a new role): no staff in post, and each segment's average rates for whoever joins."""
    codes = vocabulary("staff_group").codes
    missing = [g for g in wanted if g not in base.staff_groups]
    if not missing:
        return base
    groups = tuple(g for g in codes if g in base.staff_groups or g in missing)
    old = [groups.index(g) for g in base.staff_groups]
    new = [groups.index(g) for g in missing]
    weights = base.stock.sum(-1, keepdims=True)  # (S, G, 1)

    def widen(array: np.ndarray, average: bool) -> np.ndarray:
        shape = list(array.shape)
        shape[1] = len(groups)
        out = np.zeros(shape)
        out[:, old] = array
        if average:
            w = weights if array.ndim == 3 else weights[..., 0]
            total = w.sum(1, keepdims=True)
            weighted = (array * w).sum(1, keepdims=True) / np.maximum(total, 1e-12)
            out[:, new] = np.where(total > 0, weighted, array.mean(1, keepdims=True))
        return out

    join_mix = widen(base.join_mix, average=False)
    join_mix[:, new] = base.join_mix.reshape(-1, len(AGE_BANDS)).mean(0)
    return Baseline(
        as_of=base.as_of,
        data_version=base.data_version,
        segments=base.segments,
        staff_groups=groups,
        stock=widen(base.stock, False),
        demand=widen(base.demand, False),
        leave=widen(base.leave, True),
        retire=widen(base.retire, True),
        transfer_out=widen(base.transfer_out, True),
        join=widen(base.join, True),
        transfer_in=widen(base.transfer_in, True),
        join_mix=join_mix / join_mix.sum(-1, keepdims=True),
        leavers_seen=widen(base.leavers_seen, False),
        joiners_seen=widen(base.joiners_seen, False),
        band_mix=widen(base.band_mix, False),
        bands=base.bands,
        person_level=base.person_level,
    )
