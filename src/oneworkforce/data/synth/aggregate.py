"""The aggregate return: sectors that send totals, not people.

- independent adult social care (care homes, support at home, personal assistants): Skills
  for Care ASC-WDS estimates by local-authority area, annual at March;
- local-authority adult social work: the ASC-WDS local authority return, by council, March;
- children's social work: the DfE workforce census by area, as at 30 September (fractions);
- community pharmacy and dentistry: workforce surveys, partial returns by organisation
  (the dental survey starts in the year to March 2024);
- volunteers and carers: a VCSE survey by organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from oneworkforce.data.schemas import DATASETS
from oneworkforce.data.synth.calendar import Calendar
from oneworkforce.data.synth.organisations import System

SFC_ESTIMATE = "Skills for Care ASC-WDS estimate"
SFC_LA_RETURN = "Skills for Care ASC-WDS local authority return"
DFE_CENSUS = "DfE children's social work workforce census"
PHARMACY_SURVEY = "NHSE Community Pharmacy Workforce Survey"
DENTAL_SURVEY = "NHSE dental workforce survey"
VCSE_SURVEY = "VCSE survey"


@dataclass(frozen=True)
class AscSector:
    """Independent adult social care, per year (2022/23, 2023/24, 2024/25), Dalesway-sized."""

    posts: int
    fte_ratio: float
    vacancy: tuple[float, float, float]
    turnover: tuple[float, float, float]
    sickness: tuple[float, float, float]


ASC = {
    "care_homes": AscSector(16_000, 0.80, (9.2, 7.9, 7.4), (29.2, 27.4, 26.0), (6.4, 5.8, 5.5)),
    "support_at_home": AscSector(
        12_500, 0.68, (11.6, 9.8, 8.9), (29.6, 28.0, 26.6), (5.0, 4.8, 4.6)
    ),
    "personal_care": AscSector(4_500, 0.55, (6.5, 6.0, 5.6), (27.5, 26.5, 25.8), (3.9, 3.6, 3.5)),
}
ASC_TURNOVER_BOUNDS = (25.2, 29.8)
#: councils' adult social work (the ASC-WDS local authority return), per year; sickness as a
#: rate, from about 11.7, 11.0 and 10.4 days a worker over 365 days
LA_SOCIAL_WORK = AscSector(522, 0.88, (7.8, 7.2, 6.6), (19.2, 17.5, 16.4), (3.2, 3.0, 2.8))


def _year(cal: Calendar, m: int) -> int:
    return int(np.clip(cal.fy[m] - 2022, 0, 2))


def build(system: System, cal: Calendar, rng: np.random.Generator) -> pa.Table:
    rows: list[dict[str, Any]] = []
    M = cal.months
    march = [m for m in range(M) if cal.month_of_year[m] == 3]
    september = [m for m in range(M) if cal.month_of_year[m] == 9]

    def add(
        m: int,
        segment: str,
        metric: str,
        value: float,
        unit: str,
        *,
        org: str = "",
        area: str = "",
        numerator: float | None = None,
        denominator: float | None = None,
        basis: str,
        quality: str,
    ) -> None:
        rows.append(
            {
                "period": cal.periods[m],
                "segment": segment,
                "org_code": org or None,
                "area_code": area or None,
                "metric": metric,
                "value": float(value),
                "unit": unit,
                "numerator": numerator,
                "denominator": denominator,
                "basis": basis,
                "quality": quality,
            }
        )

    for m in march:
        y = _year(cal, m)
        growth = 1.015 ** (cal.fy[m] - 2022)
        for segment, spec in ASC.items():
            for area in system.areas:
                posts = round(
                    spec.posts * area.share * system.size * growth * rng.lognormal(0, 0.03)
                )
                vacancy_rate = spec.vacancy[y] + rng.normal(0, 0.5)
                vacant = round(posts * vacancy_rate / (100 - vacancy_rate))
                lo, hi = ASC_TURNOVER_BOUNDS
                turnover = float(np.clip(spec.turnover[y] + rng.normal(0, 0.6), lo, hi))
                leavers = round(posts * turnover / 100)
                starters = round(posts * (turnover + rng.uniform(3, 6)) / 100)
                kw: dict[str, Any] = {
                    "area": area.area_code,
                    "basis": SFC_ESTIMATE,
                    "quality": "estimate",
                }
                add(m, segment, "filled_posts", posts, "headcount", **kw)
                add(
                    m,
                    segment,
                    "staff_in_post_fte",
                    round(posts * spec.fte_ratio, 1),
                    "fte",
                    **kw,
                )
                add(m, segment, "vacancy_posts", vacant, "headcount", **kw)
                add(
                    m,
                    segment,
                    "vacancy_rate",
                    round(100 * vacant / (posts + vacant), 1),
                    "percent",
                    numerator=vacant,
                    denominator=posts + vacant,
                    **kw,
                )
                add(m, segment, "leavers", leavers, "headcount", **kw)
                add(
                    m,
                    segment,
                    "turnover_rate",
                    round(100 * leavers / posts, 1),
                    "percent",
                    numerator=leavers,
                    denominator=posts,
                    **kw,
                )
                add(
                    m,
                    segment,
                    "starter_rate",
                    round(100 * starters / posts, 1),
                    "percent",
                    numerator=starters,
                    denominator=posts,
                    **kw,
                )
                add(
                    m,
                    segment,
                    "sickness_days_per_worker",
                    round(spec.sickness[y] + rng.normal(0, 0.3), 1),
                    "days",
                    **kw,
                )
        # adult social work: each council's own return
        for area in system.areas:
            fte = round(
                LA_SOCIAL_WORK.posts * area.share * system.size * growth * rng.lognormal(0, 0.03),
                1,
            )
            vacancy = LA_SOCIAL_WORK.vacancy[y] + rng.normal(0, 0.6)
            vacant = round(fte * vacancy / (100 - vacancy), 1)
            turnover = LA_SOCIAL_WORK.turnover[y] + rng.normal(0, 1.0)
            headcount = round(fte / LA_SOCIAL_WORK.fte_ratio)
            leavers = round(headcount * turnover / 100)
            kw = {"org": area.la_code, "basis": SFC_LA_RETURN, "quality": "actual"}
            add(m, "adult_social_work", "staff_in_post_fte", fte, "fte", **kw)
            add(m, "adult_social_work", "staff_in_post_headcount", headcount, "headcount", **kw)
            add(m, "adult_social_work", "vacancy_fte", vacant, "fte", **kw)
            add(
                m,
                "adult_social_work",
                "vacancy_rate",
                round(100 * vacant / (fte + vacant), 1),
                "percent",
                numerator=vacant,
                denominator=round(fte + vacant, 1),
                **kw,
            )
            add(
                m,
                "adult_social_work",
                "turnover_rate",
                round(100 * leavers / headcount, 1),
                "percent",
                numerator=leavers,
                denominator=headcount,
                **kw,
            )
            add(
                m,
                "adult_social_work",
                "sickness_days_per_worker",
                round((11.7, 11.0, 10.4)[y] + rng.normal(0, 0.8), 1),
                "days",
                **kw,
            )
            add(
                m,
                "adult_social_work",
                "agency_fte",
                round(fte * rng.uniform(0.04, 0.08), 1),
                "fte",
                **kw,
            )
        # community pharmacy and VCSE surveys: partial returns by organisation
        for org in system.segment("community_pharmacy"):
            if rng.random() < 0.3:
                continue
            headcount = max(3, round(rng.lognormal(np.log(9), 0.35)))
            kw = {
                "org": org.org_code,
                "basis": PHARMACY_SURVEY,
                "quality": "partial",
            }
            add(m, "community_pharmacy", "staff_in_post_headcount", headcount, "headcount", **kw)
            add(
                m,
                "community_pharmacy",
                "staff_in_post_fte",
                round(headcount * 0.75, 1),
                "fte",
                **kw,
            )
            add(
                m,
                "community_pharmacy",
                "vacancy_rate",
                round(float(np.clip(rng.normal(10, 3), 0, 30)), 1),
                "percent",
                **kw,
            )
        if cal.periods[m] >= "2024-03":
            for org in system.segment("dentistry"):
                if rng.random() < 0.4:
                    continue
                kw = {
                    "org": org.org_code,
                    "basis": DENTAL_SURVEY,
                    "quality": "partial",
                }
                add(
                    m,
                    "dentistry",
                    "staff_in_post_headcount",
                    max(4, round(rng.lognormal(np.log(14), 0.4))),
                    "headcount",
                    **kw,
                )
                add(
                    m,
                    "dentistry",
                    "vacancy_rate",
                    round(float(np.clip(rng.normal(9, 4), 0, 40)), 1),
                    "percent",
                    **kw,
                )
        for org in system.segment("volunteers_carers"):
            kw = {"org": org.org_code, "basis": VCSE_SURVEY, "quality": "estimate"}
            add(
                m,
                "volunteers_carers",
                "volunteer_headcount",
                round(rng.lognormal(np.log(250), 0.6)),
                "headcount",
                **kw,
            )
            add(
                m,
                "volunteers_carers",
                "staff_in_post_headcount",
                round(rng.lognormal(np.log(20), 0.6)),
                "headcount",
                **kw,
            )

    # children's social work: the DfE census, as at 30 September, rates as fractions
    for m in september:
        y = _year(cal, m)
        for area in system.areas:
            fte = round(390 * area.share * system.size * rng.lognormal(0, 0.03), 1)
            kw = {"area": area.area_code, "basis": DFE_CENSUS, "quality": "actual"}
            add(m, "childrens_social_work", "staff_in_post_fte", fte, "fte", **kw)
            add(
                m,
                "childrens_social_work",
                "vacancy_rate",
                round((0.19, 0.18, 0.165)[y] + rng.normal(0, 0.01), 3),
                "fraction",
                **kw,
            )
            add(
                m,
                "childrens_social_work",
                "turnover_rate",
                round((0.17, 0.16, 0.155)[y] + rng.normal(0, 0.01), 3),
                "fraction",
                **kw,
            )
            add(
                m,
                "childrens_social_work",
                "agency_fte",
                round(fte * rng.uniform(0.12, 0.2), 1),
                "fte",
                **kw,
            )

    names = DATASETS["aggregate"].column_names
    rows.sort(
        key=lambda r: (
            r["period"],
            r["segment"],
            r["org_code"] or "",
            r["area_code"] or "",
            r["metric"],
        )
    )
    types = {"value": pa.float64(), "numerator": pa.float64(), "denominator": pa.float64()}
    return pa.table({c: pa.array([r[c] for r in rows], types.get(c, pa.string())) for c in names})
