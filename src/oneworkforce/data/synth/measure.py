"""Headline rates measured on what was generated, pooled over systems (numerator/denominator).

Definitions follow ``research/metric_definitions.md``: the NHS leaver rate counts people in
post (partners, bank excluded) at the start of 12 months and in post at no partner at the end,
over the mean of the two headcounts; organisation leavers also count moves between partners.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oneworkforce.data.synth import profiles as P
from oneworkforce.data.synth.aggregate import ASC
from oneworkforce.data.synth.people import OrgSet, Spells
from oneworkforce.data.synth.returns import Returns


class Rates:
    """Numerators and denominators, summed over systems, divided at the end."""

    def __init__(self) -> None:
        self.num: defaultdict[str, float] = defaultdict(float)
        self.den: defaultdict[str, float] = defaultdict(float)
        self.totals: defaultdict[str, float] = defaultdict(float)

    def add(self, name: str, numerator: float, denominator: float) -> None:
        self.num[name] += float(numerator)
        self.den[name] += float(denominator)

    def result(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            name: (round(self.num[name] / self.den[name], 4) if self.den[name] else None)
            for name in self.num
        }
        out.update({name: round(float(v), 2) for name, v in self.totals.items()})
        return out

    def panel(self, spells: Spells, orgs: OrgSet, months: int) -> None:
        in_post = (spells.contract != P.BANK) & orgs.partner[spells.org]
        rows = np.minimum(spells.end, months) - spells.start
        self.add("bank_share_of_rows", rows[spells.contract == P.BANK].sum(), rows.sum())
        last = months - 1
        at_last = in_post & (spells.start <= last) & (spells.end > last)
        people, counts = np.unique(spells.person[at_last], return_counts=True)
        self.add("dual_assignment_share", (counts >= 2).sum(), len(people))
        self.totals["staff_in_post_headcount"] += len(people)
        self.totals["staff_in_post_fte"] += float(spells.fte[at_last].sum()) / 100.0
        if months < 13:
            return
        first = last - 12

        def pairs(m: int) -> tuple[np.ndarray, np.ndarray]:
            sel = in_post & (spells.start <= m) & (spells.end > m)
            return np.unique(spells.person[sel]), np.unique(
                spells.person[sel] * orgs.n + spells.org[sel]
            )

        p0, k0 = pairs(first)
        p1, k1 = pairs(last)
        mean_hc = (len(p0) + len(p1)) / 2
        self.add("system_leaver_rate_12m", len(np.setdiff1d(p0, p1)), mean_hc)
        self.add("org_leaver_rate_12m", len(np.setdiff1d(k0, k1)), (len(k0) + len(k1)) / 2)
        left_org = np.setdiff1d(k0, k1) // orgs.n
        self.add("partner_move_rate_12m", len(np.unique(np.intersect1d(left_org, p1))), mean_hc)

    def returns(self, r: Returns, months: int) -> None:
        window = slice(max(0, months - 12), months)
        self.add("sickness_rate_12m", r.lost[:, :, window].sum(), r.available[:, :, window].sum())
        est, fte = r.establishment[:, :, -1].sum(), r.fte[:, :, -1].sum()
        self.add("vacancy_rate", est - fte, est)
        self.add(
            "agency_share_of_paybill_12m",
            r.agency_spend[:, :, window].sum(),
            r.paybill[:, :, window].sum(),
        )

    def aggregate(self, table: pa.Table) -> None:
        asc = table.filter(pc.is_in(table["segment"], pa.array(list(ASC))))
        if asc.num_rows == 0:
            return
        latest = pc.max(asc["period"]).as_py()
        asc = asc.filter(
            pc.and_(pc.equal(asc["period"], latest), pc.equal(asc["metric"], "turnover_rate"))
        )
        self.add(
            "asc_turnover_rate",
            pc.sum(asc["numerator"]).as_py(),
            pc.sum(asc["denominator"]).as_py(),
        )
