"""Organisation returns built from the panel: sickness, establishment, bank and agency, plans.

Only NHS partner organisations send these (the ICB included); general practice is outside the
NHS sickness and vacancy collections, and a non-partner does not submit to this ICS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oneworkforce.data.schemas import DATASETS, own_columns
from oneworkforce.data.synth import profiles as P
from oneworkforce.data.synth.calendar import Calendar
from oneworkforce.data.synth.people import N_GROUPS, OrgSet, Spells

SHIFTS_PER_FTE_MONTH = 13.5  # 37.5 hours x 52 weeks / 12 months / 12-hour shifts
_GP = {
    name: np.array([getattr(P.PROFILES[g], name) for g in P.STAFF_GROUPS])
    for name in ("sickness", "vacancy", "bank_share", "agency_share", "agency_premium", "over_cap")
}
_BAND_PAY = np.array([P.BAND_PAY[b] for b in P.BANDS], dtype=np.float64)


def monthly_sum(
    spells: Spells, n_orgs: int, months: int, weight: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """Sum of ``weight`` over the spells open at each month, shape (orgs, groups, months)."""
    s = spells.take(np.flatnonzero(mask))
    w = weight[mask]
    width = months + 1
    key = (s.org.astype(np.int64) * N_GROUPS + s.group) * width
    size = n_orgs * N_GROUPS * width
    diff = np.bincount(key + s.start, w, minlength=size) - np.bincount(
        key + np.minimum(s.end, months), w, minlength=size
    )
    return np.cumsum(diff.reshape(n_orgs, N_GROUPS, width), axis=2)[:, :, :months]


@dataclass
class Returns:
    tables: dict[str, pa.Table]
    # raw figures for the headline rates (partner NHS orgs, all staff groups)
    fte: np.ndarray  # non-bank FTE, (orgs, groups, months)
    establishment: np.ndarray
    lost: np.ndarray
    available: np.ndarray
    paybill: np.ndarray  # substantive + bank + agency
    agency_spend: np.ndarray


def _r2(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)


def build(spells: Spells, orgs: OrgSet, cal: Calendar, rng: np.random.Generator) -> Returns:
    M = cal.months
    n_o = orgs.n
    fte_w = spells.fte / 100.0
    nonbank = spells.contract != P.BANK
    fte = monthly_sum(spells, n_o, M, fte_w, nonbank)
    substantive = monthly_sum(
        spells, n_o, M, fte_w, (spells.contract == P.PERMANENT) | (spells.contract == P.FIXED_TERM)
    )
    pay_factor = cal.factor(P.PAY_AWARD_BY_FY) * P.ON_COSTS / 12.0
    pay = monthly_sum(spells, n_o, M, fte_w * _BAND_PAY[spells.band], nonbank) * pay_factor
    segments = [o.segment for o in orgs.orgs]
    nhs = np.array([seg in P.NHS_SEGMENTS for seg in segments]) & orgs.partner
    shape = (n_o, N_GROUPS, M)
    present = (fte > 0) & nhs[:, None, None]

    # sickness: segment base x staff group x season x year x organisation x noise
    base = np.array([P.SICKNESS_BASE.get(seg, 0.05) for seg in segments])
    season = np.array(P.SICKNESS_SEASON)[cal.month_of_year[:M] - 1]
    rate = (
        base[:, None, None]
        * _GP["sickness"][None, :, None]
        * (season * cal.factor(P.SICKNESS_BY_FY))[None, None, :]
        * rng.lognormal(0, 0.08, (n_o, 1, 1))
        * rng.lognormal(0, 0.07, shape)
    )
    available = _r2(fte * cal.days[:M][None, None, :])
    lost = _r2(np.minimum(rate, 0.3) * available)

    # establishment: the year's mean FTE grossed up by the year's vacancy rate
    vacancy = (
        _GP["vacancy"][None, :, None]
        * rng.uniform(0.8, 1.2, (n_o, 1, 1))
        * cal.factor(P.VACANCY_BY_FY)[None, None, :]
    )
    establishment = np.zeros(shape)
    for fy in np.unique(cal.fy[:M]):
        months = np.flatnonzero(cal.fy[:M] == fy)
        mean = fte[:, :, months].mean(axis=2, keepdims=True)
        establishment[:, :, months] = mean / (1 - vacancy[:, :, months[:1]])
    establishment = _r2(establishment * rng.lognormal(0, 0.003, shape))
    reports_vacancy = np.array([code.endswith(("B", "F")) for code in orgs.codes])
    vacancy_fte = _r2(np.maximum(establishment - substantive, 0))

    # bank and agency: shares of FTE, more where vacancies are high, agency falling by year
    gap = np.where(establishment > 0, 1 - fte / np.maximum(establishment, 1e-9), 0)
    pressure = np.clip(gap / np.maximum(vacancy, 1e-9), 0.3, 2.5) ** 0.5
    bank_fte = _r2(
        fte
        * _GP["bank_share"][None, :, None]
        * orgs.bank[:, None, None]
        * pressure
        * rng.lognormal(0, 0.10, shape)
    )
    agency_fte = _r2(
        fte
        * _GP["agency_share"][None, :, None]
        * pressure
        * cal.factor(P.AGENCY_BY_FY)[None, None, :]
        * rng.lognormal(0, 0.15, shape)
    )
    cost = np.where(fte > 0, pay / np.maximum(fte, 1e-9), 0)
    substantive_spend = _r2(pay)
    bank_spend = _r2(bank_fte * cost)
    agency_spend = _r2(agency_fte * cost * _GP["agency_premium"][None, :, None])
    shifts = np.round(agency_fte * SHIFTS_PER_FTE_MONTH * rng.lognormal(0, 0.05, shape)).astype(
        np.int64
    )
    cap_factor = cal.factor((1.2, 1.0, 0.8))[None, None, :]
    over_cap = rng.binomial(shifts, np.clip(_GP["over_cap"][None, :, None] * cap_factor, 0, 1))

    m_i, o_i, g_i = np.nonzero(present.transpose(2, 0, 1))  # by period, org, staff group
    idx = (o_i, g_i, m_i)

    def keys() -> dict[str, pa.Array]:
        return {
            "period": pa.array([cal.periods[m] for m in m_i], pa.string()),
            "org_code": pa.array([orgs.codes[o] for o in o_i], pa.string()),
            "staff_group": pa.array([P.STAFF_GROUPS[g] for g in g_i], pa.string()),
        }

    def table(name: str, values: dict[str, pa.Array]) -> pa.Table:
        cols = {**keys(), **values}
        names = own_columns(DATASETS[name])
        return pa.table([cols[c] for c in names], names=list(names))

    tables = {
        "sickness_absence": table(
            "sickness_absence",
            {"fte_days_lost": pa.array(lost[idx]), "fte_days_available": pa.array(available[idx])},
        ),
        "establishment": table(
            "establishment",
            {
                "establishment_fte": pa.array(establishment[idx]),
                "vacancy_fte": pa.array(vacancy_fte[idx], mask=~reports_vacancy[o_i]),
            },
        ),
        "temporary_staffing": table(
            "temporary_staffing",
            {
                "bank_fte": pa.array(bank_fte[idx]),
                "agency_fte": pa.array(agency_fte[idx]),
                "substantive_spend": pa.array(substantive_spend[idx]),
                "bank_spend": pa.array(bank_spend[idx]),
                "agency_spend": pa.array(agency_spend[idx]),
                "agency_shifts": pa.array(shifts[idx]),
                "agency_shifts_over_cap": pa.array(over_cap[idx]),
            },
        ),
        "workforce_plan": _plans(
            orgs, cal, rng, present, fte, bank_fte, agency_fte, agency_spend, segments
        ),
    }
    mask = present.astype(np.float64)
    return Returns(
        tables,
        fte * mask,
        establishment * mask,
        lost * mask,
        available * mask,
        (substantive_spend + bank_spend + agency_spend) * mask,
        agency_spend * mask,
    )


def _plans(
    orgs: OrgSet,
    cal: Calendar,
    rng: np.random.Generator,
    present: np.ndarray,
    fte: np.ndarray,
    bank: np.ndarray,
    agency: np.ndarray,
    agency_spend: np.ndarray,
    segments: list[str],
) -> pa.Table:
    """Operating-plan trajectories per financial year, from the position at its first month.

    Plans expect more growth than happens and steeper cuts in agency. The ICB plans only its
    substantive workforce, and the smallest acute trust sent no plan for the first year.
    """
    M = cal.months
    rows: dict[str, list] = {c: [] for c in DATASETS["workforce_plan"].column_names}
    fys = np.unique(cal.fy[:M])
    growth = rng.uniform(0.015, 0.04, (orgs.n, len(fys)))
    late = [i for i, seg in enumerate(segments) if seg == "secondary_care" and orgs.partner[i]]
    no_first_plan = min(late, key=lambda i: orgs.staff[i]) if late else -1
    for f, fy in enumerate(fys):
        months = np.flatnonzero(cal.fy[:M] == fy)
        first = months[0]
        # the plan covers the whole financial year, beyond the window if the window ends early
        calendar_months = [(int(fy) + (3 + k) // 12, (3 + k) % 12 + 1) for k in range(12)]
        for k, (year, month) in enumerate(calendar_months):
            period = f"{year:04d}-{month:02d}"
            if period < cal.periods[0]:
                continue
            step = (k + 1) / 12
            for o in range(orgs.n):
                if (o == no_first_plan and f == 0) or not present[o, :, first].any():
                    continue
                icb = segments[o] == "icb_corporate"
                for g in np.flatnonzero(present[o, :, first]):
                    rows["period"].append(period)
                    rows["org_code"].append(orgs.codes[o])
                    rows["staff_group"].append(P.STAFF_GROUPS[g])
                    rows["plan_substantive_fte"].append(
                        round(float(fte[o, g, first]) * (1 + growth[o, f] * step), 2)
                    )
                    cut_bank, cut_agency = 1 - 0.10 * step, 1 - 0.30 * step
                    rows["plan_bank_fte"].append(
                        None if icb else round(float(bank[o, g, first]) * cut_bank, 2)
                    )
                    rows["plan_agency_fte"].append(
                        None if icb else round(float(agency[o, g, first]) * cut_agency, 2)
                    )
                    rows["plan_agency_spend"].append(
                        None if icb else round(float(agency_spend[o, g, first]) * cut_agency, 2)
                    )
    types = {"period": pa.string(), "org_code": pa.string(), "staff_group": pa.string()}
    table = pa.table({c: pa.array(v, types.get(c, pa.float64())) for c, v in rows.items()})
    return table.sort_by(
        [("period", "ascending"), ("org_code", "ascending"), ("staff_group", "ascending")]
    )
