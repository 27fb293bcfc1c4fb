"""Every run's parameters, drawn up front from one master seed (the nhp_model way).

Run ``i`` draws from its own stream, ``SeedSequence(seed, spawn_key=(i,))``, which is what
``SeedSequence(seed).spawn(n)[i]`` gives for any ``n > i``: so run 7 has the same parameters
whether 10 or 10,000 runs are asked for, on one machine or spread over Spark. Each stream
draws the same number of standard normals in the same order; run 0, the central case, uses
zeros (every factor 1, every range at its middle).

What varies between runs:

* the history's rates: a common factor for all leaver rates and one per segment x staff
  group, lognormal with median 1 and a spread that shrinks with the evidence (one over the
  square root of the leavers seen, never below the scenario's floor); the same for joiners;
  one factor for retirement;
* every ``Range`` in the scenario (demand growth, lever sizes, fill shares, pay growth):
  normal with the range's middle as mean and (p90 - p10) / 2.563 as standard deviation,
  clipped to what makes sense (shares between 0 and 1, sizes not below 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oneworkforce.planning.baseline import Baseline
from oneworkforce.planning.scenario import Interval, Range, Scenario

Z80 = 2 * 1.2815515655446004  # p90 - p10 of a standard normal
MAX_SIGMA = 0.5


@dataclass(frozen=True)
class RangeSpec:
    """One uncertain input of the scenario, addressed by a readable path."""

    path: str
    value: Range
    low: float = -np.inf
    high: float = np.inf

    def mid_sd(self) -> tuple[float, float]:
        if isinstance(self.value, Interval):
            return (self.value.p10 + self.value.p90) / 2, (self.value.p90 - self.value.p10) / Z80
        return float(self.value), 0.0


def ranges(scenario: Scenario) -> list[RangeSpec]:
    """The scenario's uncertain inputs, in a fixed order (the order draws are taken)."""
    found = [
        RangeSpec(f"demand.growth[{i}].annual", g.annual, -0.5, 1.0)
        for i, g in enumerate(scenario.demand.growth)
    ]
    for lever in scenario.levers:
        for field, low, high in (
            ("change", -1.0, 10.0),
            ("fte_per_year", 0.0, np.inf),
            ("intake_per_year", 0.0, np.inf),
            ("attrition", 0.0, 1.0),
            ("ratio", 0.0, 10.0),
            ("bank_fill", 0.0, 1.0),
            ("agency_fill", 0.0, 1.0),
            ("fte", 0.0, np.inf),
        ):
            if hasattr(lever, field):
                found.append(RangeSpec(f"{lever.name}.{field}", getattr(lever, field), low, high))
    found += [
        RangeSpec("bank_fill", scenario.bank_fill, 0.0, 1.0),
        RangeSpec("agency_fill", scenario.agency_fill, 0.0, 1.0),
        RangeSpec("costs.pay_growth", scenario.costs.pay_growth, -0.2, 0.5),
    ]
    return found


@dataclass
class Draws:
    """Parameters for a set of runs (rows in ``runs`` order)."""

    runs: np.ndarray  # (R,) run indices
    leave_factor: np.ndarray  # (R, S, G)
    join_factor: np.ndarray  # (R, S, G)
    retire_factor: np.ndarray  # (R,)
    values: dict[str, np.ndarray]  # RangeSpec.path -> (R,)

    def scalar_table(self) -> dict[str, list]:
        """The per-run scalar parameters in long format (run, parameter, value)."""
        run, name, value = [], [], []
        items = {"retire_factor": self.retire_factor, **self.values}
        for key, column in items.items():
            run += self.runs.tolist()
            name += [key] * len(self.runs)
            value += column.tolist()
        return {"run": run, "parameter": name, "value": value}


def sigmas(baseline: Baseline, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Spread of the per-cell leaver and joiner factors: 1/sqrt(evidence), floored."""
    u = scenario.uncertainty
    leave = np.clip(1.0 / np.sqrt(baseline.leavers_seen + 1.0), u.leaver_rate_floor, MAX_SIGMA)
    join = np.clip(1.0 / np.sqrt(baseline.joiners_seen + 1.0), u.joiner_rate_floor, MAX_SIGMA)
    return leave, join


def draw(scenario: Scenario, baseline: Baseline, seed: int, runs: np.ndarray | list[int]) -> Draws:
    """Draw the parameters of the given run indices (any subset, any order)."""
    runs = np.asarray(runs, dtype=np.int64)
    specs = ranges(scenario)
    S, G = baseline.stock.shape[:2]
    cells = S * G
    width = 2 + 2 * cells + 1 + len(specs)
    z = np.zeros((len(runs), width))
    for row, i in enumerate(runs):
        if i > 0:
            stream = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(i),)))
            )
            z[row] = stream.standard_normal(width)
    u = scenario.uncertainty
    leave_sigma, join_sigma = sigmas(baseline, scenario)
    k = 0
    common_leave = np.exp(u.leaver_rate_floor * z[:, k])
    common_join = np.exp(u.joiner_rate_floor * z[:, k + 1])
    k += 2
    leave = z[:, k : k + cells].reshape(-1, S, G)
    k += cells
    join = z[:, k : k + cells].reshape(-1, S, G)
    k += cells
    leave_factor = common_leave[:, None, None] * np.exp(leave_sigma[None] * leave)
    join_factor = common_join[:, None, None] * np.exp(join_sigma[None] * join)
    retire_factor = np.exp(u.retirement_rate * z[:, k])
    k += 1
    values: dict[str, np.ndarray] = {}
    for spec in specs:
        mid, sd = spec.mid_sd()
        values[spec.path] = np.clip(mid + sd * z[:, k], spec.low, spec.high)
        k += 1
    return Draws(runs, leave_factor, join_factor, retire_factor, values)
