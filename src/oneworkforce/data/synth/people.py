"""People and their assignments, simulated as spells: one assignment, one org, months [start, end).

The panel (one row per person per assignment per month) is the expansion of the spells, so
the simulation is vectorised over people and never loops over person-months. Each month only
adds joiners to hold every organisation and staff group near its target size; leaving, moves
between partners and staff-group changes come from each spell's drawn length and outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from oneworkforce.data.synth import profiles as P
from oneworkforce.data.synth.calendar import Calendar
from oneworkforce.data.synth.organisations import Organisation

N_GROUPS = len(P.STAFF_GROUPS)

# Outcomes of a spell that ends inside the window.
LEAVE, TRANSFER, NONPARTNER, CHANGE = range(4)


@dataclass
class Spells:
    """Assignment spells as parallel arrays."""

    person: np.ndarray  # int64, index into People
    org: np.ndarray  # int32, index into OrgSet
    group: np.ndarray  # int8
    band: np.ndarray  # int8
    fte: np.ndarray  # int16, hundredths of an FTE
    contract: np.ndarray  # int8
    kind: np.ndarray  # int8: PRIMARY, SECONDARY, BANK_SECOND, BANK_ONLY
    start: np.ndarray  # int32, first month in post
    end: np.ndarray  # int32, first month not in post (>= months: still in post)
    org_start: np.ndarray  # int32, days since 1970-01-01: started with this organisation
    reason: np.ndarray  # int8, index into profiles.REASONS (0 while in post)
    dest: np.ndarray  # int8, index into profiles.DESTINATIONS
    end_day: np.ndarray  # int8, day of the month of leaving (0 while in post)

    def __len__(self) -> int:
        return len(self.person)

    def take(self, index: np.ndarray) -> Spells:
        return Spells(*(getattr(self, f.name)[index] for f in fields(self)))

    @classmethod
    def concat(cls, parts: Sequence[Spells]) -> Spells:
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    @classmethod
    def new(
        cls,
        person: np.ndarray,
        org: np.ndarray,
        group: np.ndarray,
        start: np.ndarray,
        org_start: np.ndarray,
        kind: int,
    ) -> Spells:
        n = len(person)
        zeros = np.zeros(n, dtype=np.int8)
        return cls(
            person.astype(np.int64),
            org.astype(np.int32),
            group.astype(np.int8),
            zeros.copy(),
            np.zeros(n, dtype=np.int16),
            zeros.copy(),
            np.full(n, kind, dtype=np.int8),
            start.astype(np.int32),
            np.zeros(n, dtype=np.int32),
            org_start.astype(np.int32),
            zeros.copy(),
            zeros.copy(),
            zeros.copy(),
        )


@dataclass
class People:
    birth: np.ndarray  # int32, month index of birth (relative to the window's month 0)
    retire: np.ndarray  # int32, month index of retirement
    sex: np.ndarray  # int8
    ethnic_group: np.ndarray
    disability: np.ndarray

    def __len__(self) -> int:
        return len(self.birth)


class OrgSet:
    """The organisations with person-level data, as arrays the simulation indexes."""

    def __init__(self, orgs: Sequence[Organisation]):
        self.orgs = sorted(orgs, key=lambda o: o.org_code)
        self.codes = [o.org_code for o in self.orgs]
        self.n = len(self.orgs)
        self.partner = np.array([o.partner for o in self.orgs])
        self.staff = np.array([o.staff for o in self.orgs], dtype=np.float64)
        self.gp = np.array([o.segment == "general_practice" for o in self.orgs])
        # trusts run staff banks; practices and the ICB do not
        self.bank = np.array(
            [o.segment in P.NHS_SEGMENTS and o.segment != "icb_corporate" for o in self.orgs]
        )
        self.mix = np.zeros((self.n, N_GROUPS))
        for i, o in enumerate(self.orgs):
            for group, share in P.SEGMENT_MIX[o.segment].items():
                self.mix[i, P.G[group]] = share


def _table(pairs: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([v for v, _ in pairs])
    weights = np.array([w for _, w in pairs], dtype=np.float64)
    return values, weights / weights.sum()


_LEAVE_REASONS = _table(P.LEAVE_REASONS)
_RETIRE_REASONS = _table(P.RETIRE_REASONS)
_MOVE_REASONS = _table(P.MOVE_REASONS)
_BANK_REASONS = _table(P.BANK_REASONS)
_LEAVE_DESTS = _table(P.LEAVE_DESTINATIONS)
_RETIRE_AGES = _table(tuple(zip(P.RETIREMENT_AGES, P.RETIREMENT_WEIGHTS, strict=True)))
_GROUP_PARAMS = {
    name: np.array([getattr(P.PROFILES[g], name) for g in P.STAFF_GROUPS])
    for name in (
        "female",
        "bme",
        "age_mean",
        "leave_hazard",
        "fixed_term",
        "locum",
        "full_time",
        "bank_second",
        "bank_only",
    )
}
_BAND_TABLES = [
    (
        np.array([P.B[b] for b in P.PROFILES[g].bands]),
        np.array(list(P.PROFILES[g].bands.values())) / sum(P.PROFILES[g].bands.values()),
    )
    for g in P.STAFF_GROUPS
]
_PART_TIME = (np.array(P.PART_TIME_FTE) * 100).round().astype(np.int16)
MEDICAL = P.G["medical_dental"]


class Simulation:
    """Simulates one system's person-level organisations over the window."""

    BANK_HAZARD = 0.30  # bank-only workers come and go faster
    RETURN_TO_BANK = 0.12  # retirees who come back on the bank
    DUAL = 0.05  # chance a substantive assignment gains a concurrent one
    DUAL_GP = 0.10

    def __init__(self, orgs: OrgSet, cal: Calendar, rng: np.random.Generator):
        self.o = orgs
        self.cal = cal
        self.rng = rng
        self.M = cal.months
        self.parts: list[Spells] = []
        self.bank_parts: list[Spells] = []
        self.people: list[People] = []
        self.n_people = 0
        self.stock = np.zeros(orgs.n * N_GROUPS * (self.M + 1), dtype=np.int64)
        nonpartner = np.flatnonzero(~orgs.partner)
        self.nonpartner = nonpartner

    # -- people -------------------------------------------------------------------------
    def _new_people(self, group: np.ndarray, age: np.ndarray, month: np.ndarray) -> np.ndarray:
        rng, n = self.rng, len(group)
        u = rng.random((n, 4))
        sex = np.where(u[:, 0] < 0.015, 2, np.where(u[:, 1] < _GROUP_PARAMS["female"][group], 0, 1))
        eth = np.where(u[:, 2] < 0.04, 2, np.where(u[:, 3] < _GROUP_PARAMS["bme"][group], 1, 0))
        v = rng.random(n)
        dis = np.where(v < 0.05, 0, np.where(v < 0.20, 2, 1))
        birth = month - age.astype(np.int32) * 12 - rng.integers(0, 12, n)
        values, weights = _RETIRE_AGES
        retire = birth + rng.choice(values, n, p=weights) * 12 + rng.integers(0, 12, n)
        late = retire <= month
        retire[late] = (
            month[late] + 1 + 12 * rng.poisson(1.5, late.sum()) + rng.integers(0, 12, late.sum())
        )
        self.people.append(
            People(
                birth.astype(np.int32),
                retire.astype(np.int32),
                sex.astype(np.int8),
                eth.astype(np.int8),
                dis.astype(np.int8),
            )
        )
        first = self.n_people
        self.n_people += n
        return np.arange(first, first + n, dtype=np.int64)

    def _retire_month(self, person: np.ndarray) -> np.ndarray:
        retire = np.concatenate([p.retire for p in self.people])
        return retire[person]

    # -- attributes of new assignments ----------------------------------------------------
    def _bands(self, spells: Spells) -> None:
        rng = self.rng
        for g in np.unique(spells.group):
            sel = np.flatnonzero(spells.group == g)
            values, weights = _BAND_TABLES[g]
            spells.band[sel] = rng.choice(values, len(sel), p=weights)
        spells.band[self.o.gp[spells.org]] = P.B["other"]

    def _ftes(self, spells: Spells) -> None:
        rng, n, g = self.rng, len(spells), spells.group
        full = rng.random(n) < _GROUP_PARAMS["full_time"][g]
        fte = rng.choice(_PART_TIME, n)
        extra = np.where(rng.random(n) < 0.6, 110, 120)
        fte_full = np.where((g == MEDICAL) & (rng.random(n) < 0.2), extra, 100)
        spells.fte[:] = np.where(full, fte_full, fte)

    def _contracts(self, spells: Spells, fixed_term_factor: float = 1.0) -> None:
        u = self.rng.random(len(spells))
        ft = _GROUP_PARAMS["fixed_term"][spells.group] * fixed_term_factor
        locum = _GROUP_PARAMS["locum"][spells.group]
        spells.contract[:] = np.where(
            u < ft, P.FIXED_TERM, np.where(u < ft + locum, P.LOCUM, P.PERMANENT)
        )

    def _describe(self, spells: Spells, fixed_term_factor: float = 1.0) -> Spells:
        self._bands(spells)
        self._ftes(spells)
        self._contracts(spells, fixed_term_factor)
        return spells

    # -- where people go ------------------------------------------------------------------
    def _pick_org(self, src: np.ndarray, group: np.ndarray) -> np.ndarray:
        """Another partner organisation with this staff group (-1 if there is none)."""
        rng, out = self.rng, np.full(len(src), -1, dtype=np.int32)
        for g in np.unique(group):
            sel = np.flatnonzero(group == g)
            weight = self.o.staff * self.o.mix[:, g] * self.o.partner
            cands = np.flatnonzero(weight > 0)
            if len(cands) < 2 and not (len(cands) == 1 and (src[sel] != cands[0]).any()):
                continue
            cum = np.cumsum(weight[cands])
            pos = np.searchsorted(cum, rng.random(len(sel)) * cum[-1], side="right")
            pos = np.minimum(pos, len(cands) - 1)
            same = cands[pos] == src[sel]
            pos[same] = (pos[same] + 1 + rng.integers(0, max(1, len(cands) - 1), same.sum())) % len(
                cands
            )
            pick = cands[pos]
            pick[pick == src[sel]] = -1
            out[sel] = pick
        return out

    def _pick_group(self, org: np.ndarray, group: np.ndarray) -> np.ndarray:
        """A new staff group in the same organisation (-1 if the group has nowhere to go)."""
        rng, out = self.rng, np.full(len(org), -1, dtype=np.int8)
        for g in np.unique(group):
            targets = P.PROFILES[P.STAFF_GROUPS[g]].moves_to
            if not targets:
                continue
            sel = np.flatnonzero(group == g)
            codes = np.array([P.G[t] for t, _ in targets])
            weights = np.array([w for _, w in targets]) * (self.o.mix[org[sel]][:, codes] > 0)
            total = weights.sum(axis=1)
            cum = np.cumsum(weights, axis=1)
            u = rng.random(len(sel)) * total
            pos = np.minimum((u[:, None] >= cum).sum(axis=1), len(codes) - 1)
            out[sel] = np.where(total > 0, codes[pos], -1)
        return out

    # -- spells ---------------------------------------------------------------------------
    def _close(self, s: Spells, early: float) -> dict[str, np.ndarray]:
        """Draw each spell's length and what happens at its end; returns the movers."""
        rng, M, n = self.rng, self.M, len(s)
        hazard = _GROUP_PARAMS["leave_hazard"][s.group].copy()
        trainee = (s.group == MEDICAL) & (s.contract == P.FIXED_TERM)
        hazard[trainee] = 0.33
        hazard = np.clip(hazard * np.where(rng.random(n) < early, 2.6, 0.87), 0.005, 0.95)
        s.end[:] = s.start + rng.geometric(1 - (1 - hazard) ** (1 / 12))
        retire = np.maximum(self._retire_month(s.person), s.start + 1)
        retiring = retire < s.end
        s.end[retiring] = retire[retiring]
        ends = s.end < M
        # outcome probabilities: leave, move to a partner, move to a non-partner, change group
        prob = np.tile([0.74, 0.16, 0.03, 0.07], (n, 1))
        prob[trainee] = [0.40, 0.50, 0.10, 0.0]
        no_np = self.o.gp[s.org] | ~self.o.partner[s.org] | (len(self.nonpartner) == 0)
        prob[no_np, LEAVE] += prob[no_np, NONPARTNER]
        prob[no_np, NONPARTNER] = 0
        outcome = (rng.random(n)[:, None] >= np.cumsum(prob, axis=1)).sum(axis=1)
        outcome = np.minimum(outcome, CHANGE)
        outcome[~ends | retiring] = -1
        new_group = np.full(n, -1, dtype=np.int8)
        change = np.flatnonzero(outcome == CHANGE)
        new_group[change] = self._pick_group(s.org[change], s.group[change])
        outcome[change[new_group[change] < 0]] = TRANSFER
        dest = np.full(n, -1, dtype=np.int32)
        move = np.flatnonzero(outcome == TRANSFER)
        dest[move] = self._pick_org(s.org[move], s.group[move])
        outcome[move[dest[move] < 0]] = LEAVE
        away = np.flatnonzero(outcome == NONPARTNER)
        if len(away):
            dest[away] = rng.choice(self.nonpartner, len(away))
            allowed = self.o.mix[dest[away], s.group[away]] > 0
            outcome[away[~allowed]] = LEAVE
            dest[away[~allowed]] = -1
        self._reasons(s, outcome, retiring & ends, trainee, dest)
        return {
            "outcome": outcome,
            "dest": dest,
            "new_group": new_group,
            "retiring": retiring & ends,
        }

    def _reasons(
        self,
        s: Spells,
        outcome: np.ndarray,
        retiring: np.ndarray,
        trainee: np.ndarray,
        dest: np.ndarray,
    ) -> None:
        rng, n = self.rng, len(s)
        ends = s.end < self.M
        s.end_day[ends] = rng.integers(1, self.cal.days[s.end[ends]]).astype(np.int8)
        leave = outcome == LEAVE
        s.reason[leave] = rng.choice(_LEAVE_REASONS[0], leave.sum(), p=_LEAVE_REASONS[1])
        s.dest[leave] = rng.choice(_LEAVE_DESTS[0], leave.sum(), p=_LEAVE_DESTS[1])
        fixed = leave & (s.contract == P.FIXED_TERM) & (rng.random(n) < 0.5)
        s.reason[fixed] = P.R["End of Fixed Term Contract"]
        moved = (outcome == TRANSFER) | (outcome == NONPARTNER)
        s.reason[moved] = rng.choice(_MOVE_REASONS[0], moved.sum(), p=_MOVE_REASONS[1])
        rotation = moved & trainee
        s.reason[rotation] = P.R["End of Fixed Term Contract - Completion of Training Scheme"]
        to_gp = moved & (dest >= 0) & self.o.gp[np.maximum(dest, 0)]
        s.dest[moved] = P.D["NHS Organisation"]
        s.dest[to_gp] = P.D["General Practice"]
        s.reason[retiring] = rng.choice(_RETIRE_REASONS[0], retiring.sum(), p=_RETIRE_REASONS[1])
        s.dest[retiring] = P.D["No Employment"]

    def _count(self, s: Spells) -> None:
        """Keep the running headcount of substantive primary assignments per org and group."""
        width = self.M + 1
        og = (s.org.astype(np.int64) * N_GROUPS + s.group) * width
        size = len(self.stock)
        self.stock += np.bincount(og + s.start, minlength=size)
        self.stock -= np.bincount(og + np.minimum(s.end, self.M), minlength=size)

    def _run(self, batch: Spells, early: float) -> None:
        """Close a batch of primary spells and follow the people who move, until none do."""
        rng, M = self.rng, self.M
        while len(batch):
            out = self._close(batch, early)
            self._count(batch)
            self.parts.append(batch)
            outcome, dest = out["outcome"], out["dest"]
            # retirees who return on the bank
            back = np.flatnonzero(
                out["retiring"]
                & self.o.bank[batch.org]
                & (rng.random(len(batch)) < self.RETURN_TO_BANK)
            )
            if len(back):
                start = batch.end[back] + rng.integers(1, 4, len(back))
                back = back[start < M]
                start = start[start < M]
                self._bank_spells(
                    batch.person[back],
                    batch.org[back],
                    batch.group[back],
                    start,
                    self._day_in(start),
                )
            # movers to another organisation: a new spell, a new start date
            moving = np.flatnonzero((outcome == TRANSFER) | (outcome == NONPARTNER))
            gap = (rng.random(len(moving)) < 0.1).astype(np.int32)
            move_start = batch.end[moving] + gap
            org_start = np.where(
                gap == 0,
                self.cal.first_day[batch.end[moving]] + batch.end_day[moving],
                self._day_in(move_start),
            )
            movers = Spells.new(
                batch.person[moving],
                dest[moving],
                batch.group[moving],
                move_start,
                org_start,
                P.PRIMARY,
            )
            self._describe(movers)
            keep = rng.random(len(moving)) < 0.8
            movers.fte[keep] = batch.fte[moving][keep]
            same_pay = self.o.gp[movers.org] == self.o.gp[batch.org[moving]]
            keep = same_pay & (rng.random(len(moving)) < 0.7)
            movers.band[keep] = batch.band[moving][keep]
            rotating = (
                batch.reason[moving]
                == P.R["End of Fixed Term Contract - Completion of Training Scheme"]
            )
            movers.contract[rotating] = P.FIXED_TERM
            promoted = batch.reason[moving] == P.R["Voluntary Resignation - Promotion"]
            up = promoted & np.isin(
                batch.band[moving] + 1,
                [
                    P.B[b]
                    for b in (
                        "band_5",
                        "band_6",
                        "band_7",
                        "band_8a",
                        "band_8b",
                        "band_8c",
                        "band_8d",
                    )
                ],
            )
            movers.band[up] = batch.band[moving][up] + 1
            # staff-group changes: same organisation, same start date with it
            changing = np.flatnonzero(outcome == CHANGE)
            changers = Spells.new(
                batch.person[changing],
                batch.org[changing],
                out["new_group"][changing],
                batch.end[changing],
                batch.org_start[changing],
                P.PRIMARY,
            )
            self._describe(changers)
            changers.fte[:] = batch.fte[changing]
            batch = Spells.concat([movers, changers])
            batch = batch.take(np.flatnonzero(batch.start < M))
            early = 0.15

    def _day_in(self, month: np.ndarray) -> np.ndarray:
        month = np.asarray(month)
        return self.cal.first_day[month] + self.rng.integers(0, self.cal.days[month])

    def _bank_spells(
        self,
        person: np.ndarray,
        org: np.ndarray,
        group: np.ndarray,
        start: np.ndarray,
        org_start: np.ndarray,
    ) -> None:
        s = Spells.new(person, org, group, start, org_start, P.BANK_ONLY)
        self._bands(s)
        s.fte[:] = self.rng.choice(np.array([10, 15, 20, 25, 30], dtype=np.int16), len(s))
        s.contract[:] = P.BANK
        self.bank_parts.append(s)

    # -- the whole simulation -------------------------------------------------------------
    def run(self, growth: np.ndarray) -> tuple[Spells, People]:
        rng, o, M, cal = self.rng, self.o, self.M, self.cal
        noise = rng.lognormal(0.0, 0.05, (o.n, N_GROUPS))
        size = np.round(o.staff[:, None] * o.mix * noise).astype(np.int64)
        size[(o.mix > 0) & (size == 0)] = 1
        # the stock at month 0
        org, group = np.divmod(np.repeat(np.arange(o.n * N_GROUPS), size.ravel()), N_GROUPS)
        n = len(org)
        age_mean = _GROUP_PARAMS["age_mean"][group]
        age = np.clip(rng.normal(age_mean, 10.5), 19, 67).astype(np.int32)
        person = self._new_people(group, age, np.zeros(n, dtype=np.int32))
        tenure = np.minimum(rng.exponential(8.0, n), age - 18)
        org_start = cal.first_day[0] - np.floor(tenure * 365.25).astype(np.int32)
        stock = Spells.new(person, org, group, np.zeros(n, dtype=np.int32), org_start, P.PRIMARY)
        self._run(self._describe(stock), early=0.10)
        # joiners, month by month, to hold each org and staff group near its target size
        target = size.ravel()[:, None] * (1.0 + growth.repeat(N_GROUPS)[:, None]) ** (
            np.arange(M)[None, :] / 12.0
        )
        width = M + 1
        diff = self.stock.reshape(-1, width)
        level = diff[:, 0].copy()
        for m in range(1, M):
            level_m = level + diff[:, m]
            deficit = np.clip(target[:, m] - level_m, 0, None)
            joiners = rng.poisson(deficit)
            if joiners.sum():
                og = np.repeat(np.arange(len(joiners)), joiners)
                j_org, j_group = np.divmod(og, N_GROUPS)
                k = len(og)
                mean = np.minimum(_GROUP_PARAMS["age_mean"][j_group] - 9, 33)
                age = np.clip(rng.normal(mean, 8.0), 19, 64).astype(np.int32)
                month = np.full(k, m, dtype=np.int32)
                person = self._new_people(j_group, age, month)
                batch = Spells.new(person, j_org, j_group, month, self._day_in(month), P.PRIMARY)
                self._run(self._describe(batch, fixed_term_factor=1.5), early=0.35)
            level = level + diff[:, m]
        primaries = Spells.concat(self.parts)
        self._bank_only(size)
        derived = [self._secondary(primaries), self._bank_second(primaries)]
        bank = (
            Spells.concat(self.bank_parts)
            if self.bank_parts
            else primaries.take(np.array([], dtype=np.int64))
        )
        self._close_bank(bank)
        spells = Spells.concat([primaries, bank, *derived])
        people = People(
            *(np.concatenate([getattr(p, f.name) for p in self.people]) for f in fields(People))
        )
        return spells, people

    def _bank_only(self, size: np.ndarray) -> None:
        """People whose only assignment is on the bank: a stock plus steady joiners."""
        rng, o, M = self.rng, self.o, self.M
        share = _GROUP_PARAMS["bank_only"][None, :] * o.bank[:, None]
        n0 = rng.poisson(size * share)
        for m in range(M):
            counts = n0 if m == 0 else rng.poisson(n0 * self.BANK_HAZARD / 12)
            og = np.repeat(np.arange(counts.size), counts.ravel())
            if not len(og):
                continue
            org, group = np.divmod(og, N_GROUPS)
            k = len(og)
            age = np.clip(rng.normal(42, 13, k), 19, 72).astype(np.int32)
            month = np.full(k, m, dtype=np.int32)
            person = self._new_people(group, age, month)
            if m == 0:
                org_start = self.cal.first_day[0] - (rng.exponential(3.0, k) * 365.25).astype(
                    np.int32
                )
            else:
                org_start = self._day_in(month)
            self._bank_spells(person, org, group, month, org_start)

    def _close_bank(self, s: Spells) -> None:
        rng, n = self.rng, len(s)
        if not n:
            return
        s.end[:] = s.start + rng.geometric(1 - (1 - self.BANK_HAZARD) ** (1 / 12), n)
        ends = s.end < self.M
        s.end_day[ends] = rng.integers(1, self.cal.days[s.end[ends]]).astype(np.int8)
        s.reason[ends] = rng.choice(_BANK_REASONS[0], ends.sum(), p=_BANK_REASONS[1])
        s.dest[ends] = P.D["Unknown"]

    def _overlay(self, base: Spells, chosen: np.ndarray, mean_months: float) -> Spells:
        """Spells that run alongside chosen base spells, ending no later than they do."""
        rng, M = self.rng, self.M
        b = base.take(chosen)
        span = np.minimum(b.end, M) - b.start
        start = b.start + (rng.random(len(b)) * (span // 2 + 1)).astype(np.int32)
        end = np.minimum(b.end, start + rng.geometric(1 / mean_months, len(b)))
        s = Spells.new(b.person, b.org, b.group, start, b.org_start, P.SECONDARY)
        s.band[:] = b.band
        s.end[:] = end
        # an overlay ending with its base spell ends for the same reason, on the same day
        same = end == b.end
        s.reason[:] = np.where(same, b.reason, P.R["Voluntary Resignation - Work Life Balance"])
        s.dest[:] = np.where(same, b.dest, P.D["Unknown"])
        ends = (end < M) & ~same
        s.end_day[:] = b.end_day
        s.end_day[ends] = rng.integers(1, self.cal.days[end[ends]]).astype(np.int8)
        return s

    def _secondary(self, primaries: Spells) -> Spells:
        """Concurrent second assignments: another staff group, or another partner org."""
        rng = self.rng
        p = np.where(self.o.gp[primaries.org], self.DUAL_GP, self.DUAL)
        chosen = np.flatnonzero(
            (rng.random(len(primaries)) < p)
            & self.o.partner[primaries.org]
            & (primaries.contract != P.BANK)
        )
        s = self._overlay(primaries, chosen, mean_months=30)
        other_group = self._pick_group(s.org, s.group)
        same_org = (rng.random(len(s)) < np.where(self.o.gp[s.org], 0.2, 0.5)) & (other_group >= 0)
        other_org = self._pick_org(s.org, s.group)
        s.group[same_org] = other_group[same_org]
        moved = ~same_org & (other_org >= 0)
        s.org[moved] = other_org[moved]
        s.org_start[moved] = self._day_in(s.start[moved])
        keep = np.flatnonzero((same_org | moved) & (s.start < s.end))
        s, same_org = s.take(keep), same_org[keep]
        regrade = s.take(np.flatnonzero(same_org))  # a new staff group: a band in that group
        self._bands(regrade)
        s.band[same_org] = regrade.band
        self._contracts(s)
        s.fte[:] = rng.choice(np.array([10, 20, 20, 30, 40, 50], dtype=np.int16), len(s))
        return s

    def _bank_second(self, primaries: Spells) -> Spells:
        """Substantive staff who also hold a bank assignment in the same organisation."""
        rng = self.rng
        p = _GROUP_PARAMS["bank_second"][primaries.group] * self.o.bank[primaries.org]
        chosen = np.flatnonzero((rng.random(len(primaries)) < p) & (primaries.contract != P.LOCUM))
        s = self._overlay(primaries, chosen, mean_months=24)
        s.kind[:] = P.BANK_SECOND
        s.contract[:] = P.BANK
        s.fte[:] = rng.choice(np.array([10, 15, 20, 25, 30], dtype=np.int16), len(s))
        return s.take(np.flatnonzero(s.start < s.end))
