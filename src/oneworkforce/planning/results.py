"""Plan results on disk and their summaries.

A run writes ``home.root / "planning" / <run_id>/``:

* ``results.parquet``: long over runs, one row per run, variant (``do_nothing`` or
  ``scenario``), year, segment and staff group, with supply, demand, gap, unfilled gap, bank,
  agency, cost and the year's flows; every row carries the scenario name and data version;
* ``levers.parquet``: per run, lever, year and cell, the supply the lever added and the gap
  it closed (the ladder of ``levers.py``);
* ``monthly.parquet``: the system's supply and demand every month of every run;
* ``params.parquet``: every run's parameters in long format (run, parameter, segment, staff
  group, value);
* ``summary.json``: what the pages, the CLI and the board pack read: the run's metadata, P10,
  P50 and P90 by year, segment and staff group (and totals), lever effects and fan data.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from oneworkforce.config import Home
from oneworkforce.planning.baseline import Baseline
from oneworkforce.planning.model import Projection

MEASURES = ("supply_fte", "demand_fte", "gap_fte", "cost")
LEVER_MEASURES = ("supply_added_fte", "gap_closed_fte", "unfilled_closed_fte", "cost_change")
QUANTILES = (0.1, 0.5, 0.9)
ALL = "all"


@dataclass
class PlanRun:
    run_id: str
    path: Path
    meta: dict
    summaries: list[dict] = field(default_factory=list)
    lever_effects: list[dict] = field(default_factory=list)
    fan: dict = field(default_factory=dict)

    @property
    def scenario(self) -> str:
        return str(self.meta["scenario"])


def planning_root(home: Home) -> Path:
    return home.root / "planning"


def year_ending(as_of: date, year: int) -> str:
    k = as_of.year * 12 + as_of.month - 1 + 12 * year
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def _measures(p: Projection) -> dict[str, np.ndarray]:
    return {"supply_fte": p.supply, "demand_fte": p.demand, "gap_fte": p.gap, "cost": p.cost}


def _levels(a: np.ndarray) -> list[tuple[int | None, int | None, np.ndarray]]:
    """(segment index or None, staff group index or None, (R, Y) values) at every level."""
    S, G = a.shape[2:]
    out: list[tuple[int | None, int | None, np.ndarray]] = [(None, None, a.sum((2, 3)))]
    by_segment = a.sum(3)
    out += [(s, None, by_segment[:, :, s]) for s in range(S)]
    out += [(s, g, a[:, :, s, g]) for s in range(S) for g in range(G)]
    return out


def _quantiles(values: np.ndarray, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """P10/P50/P90 over the Monte Carlo runs (run 0, the central case, kept apart)."""
    sampled = values[runs > 0] if (runs > 0).any() else values
    central = values[runs == 0][0] if (runs == 0).any() else None
    return np.quantile(sampled, QUANTILES, axis=0), central


def summarise(
    name: str, base: Baseline, runs: np.ndarray, variants: dict[str, Projection], live: np.ndarray
) -> list[dict]:
    """Summary rows in the CLI's JSON shape (plus ``variant``, ``year_ending``, ``central``)."""
    rows: list[dict] = []
    for variant, projection in variants.items():
        for measure, array in _measures(projection).items():
            for s, g, values in _levels(array):
                if s is not None and g is not None and not live[s, g]:
                    continue
                q, central = _quantiles(values, runs)
                for y in range(array.shape[1]):
                    rows.append(
                        {
                            "scenario": name,
                            "variant": variant,
                            "year": y + 1,
                            "year_ending": year_ending(base.as_of, y + 1),
                            "segment": ALL if s is None else base.segments[s],
                            "staff_group": ALL if g is None else base.staff_groups[g],
                            "measure": measure,
                            "p10": round(float(q[0, y]), 2),
                            "p50": round(float(q[1, y]), 2),
                            "p90": round(float(q[2, y]), 2),
                            "central": None if central is None else round(float(central[y]), 2),
                        }
                    )
    return rows


def lever_deltas(before: Projection, after: Projection) -> dict[str, np.ndarray]:
    return {
        "supply_added_fte": after.supply - before.supply,
        "gap_closed_fte": before.gap - after.gap,
        "unfilled_closed_fte": before.unfilled - after.unfilled,
        "cost_change": after.cost - before.cost,
    }


def summarise_levers(
    name: str,
    base: Baseline,
    runs: np.ndarray,
    ladder: list[tuple[str, str, Projection]],
) -> list[dict]:
    """Per lever, the P10/P50/P90 of what it added, by year, for the system and segments."""
    rows: list[dict] = []
    for (_, _, before), (lever, kind, after) in pairwise(ladder):
        for measure, array in lever_deltas(before, after).items():
            for s, _, values in _levels(array)[: 1 + array.shape[2]]:
                q, central = _quantiles(values, runs)
                for y in range(array.shape[1]):
                    rows.append(
                        {
                            "scenario": name,
                            "lever": lever,
                            "kind": kind,
                            "year": y + 1,
                            "year_ending": year_ending(base.as_of, y + 1),
                            "segment": ALL if s is None else base.segments[s],
                            "staff_group": ALL,
                            "measure": measure,
                            "p10": round(float(q[0, y]), 2),
                            "p50": round(float(q[1, y]), 2),
                            "p90": round(float(q[2, y]), 2),
                            "central": None if central is None else round(float(central[y]), 2),
                        }
                    )
    return rows


def fan(base: Baseline, runs: np.ndarray, variants: dict[str, Projection]) -> dict:
    """Monthly P10/P50/P90 of the system's supply and demand, for the fan charts."""
    out: dict[str, list[dict]] = {}
    for variant, p in variants.items():
        points = []
        for label, series in (("supply", p.supply_monthly), ("demand", p.demand_monthly)):
            q, _ = _quantiles(series, runs)
            for t in range(series.shape[1]):
                k = base.as_of.year * 12 + base.as_of.month + t
                points.append(
                    {
                        "month": f"{k // 12:04d}-{k % 12 + 1:02d}",
                        "series": label,
                        "p10": round(float(q[0, t]), 1),
                        "p50": round(float(q[1, t]), 1),
                        "p90": round(float(q[2, t]), 1),
                    }
                )
        out[variant] = points
    return out


def _cells_table(
    base: Baseline, runs: np.ndarray, arrays: dict[str, np.ndarray], extra: dict[str, str]
) -> pa.Table:
    R, Y, S, G = next(iter(arrays.values())).shape
    n = R * Y * S * G
    idx = np.indices((R, Y, S, G)).reshape(4, -1)
    columns: dict[str, pa.Array] = {
        "run": pa.array(runs[idx[0]]),
        **{k: pa.DictionaryArray.from_arrays(np.zeros(n, np.int32), [v]) for k, v in extra.items()},
        "year": pa.array(idx[1] + 1, pa.int16()),
        "segment": pa.DictionaryArray.from_arrays(idx[2].astype(np.int32), list(base.segments)),
        "staff_group": pa.DictionaryArray.from_arrays(
            idx[3].astype(np.int32), list(base.staff_groups)
        ),
    }
    for key, value in arrays.items():
        columns[key] = pa.array(value.reshape(-1))
    return pa.table(columns)


def write(
    path: Path,
    *,
    meta: dict,
    base: Baseline,
    runs: np.ndarray,
    variants: dict[str, Projection],
    ladder: list[tuple[str, str, Projection]],
    params: dict[str, list],
    summaries: list[dict],
    lever_effects: list[dict],
    fan_data: dict,
) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=False)
    common = {"scenario": meta["scenario"], "data_version": meta["data_version"]}
    parts = []
    for variant, p in variants.items():
        arrays = {
            **_measures(p),
            "unfilled_fte": p.unfilled,
            "bank_fte": p.bank,
            "agency_fte": p.agency,
            **{name: getattr(p, name) for name in Projection.FLOWS},
        }
        parts.append(_cells_table(base, runs, arrays, {**common, "variant": variant}))
    pq.write_table(pa.concat_tables(parts, promote_options="permissive"), tmp / "results.parquet")
    lever_parts = [
        _cells_table(base, runs, lever_deltas(before, after), {**common, "lever": lever})
        for (_, _, before), (lever, _, after) in pairwise(ladder)
    ]
    if lever_parts:
        pq.write_table(
            pa.concat_tables(lever_parts, promote_options="permissive"), tmp / "levers.parquet"
        )
    monthly = []
    for variant, p in variants.items():
        R, M = p.supply_monthly.shape
        idx = np.indices((R, M)).reshape(2, -1)
        monthly.append(
            pa.table(
                {
                    "run": pa.array(runs[idx[0]]),
                    "variant": pa.array([variant] * (R * M)),
                    "month": pa.array(idx[1] + 1, pa.int16()),
                    "supply_fte": pa.array(p.supply_monthly.reshape(-1)),
                    "demand_fte": pa.array(p.demand_monthly.reshape(-1)),
                }
            )
        )
    pq.write_table(pa.concat_tables(monthly), tmp / "monthly.parquet")
    pq.write_table(pa.table(params), tmp / "params.parquet")
    document = {
        "meta": meta,
        "summaries": summaries,
        "lever_effects": lever_effects,
        "fan": fan_data,
    }
    (tmp / "summary.json").write_text(json.dumps(document, default=str), encoding="utf-8")
    os.replace(tmp, path)


def load(home: Home, run_id: str) -> PlanRun:
    path = planning_root(home) / run_id
    if "/" in run_id or run_id.startswith(".") or not (path / "summary.json").is_file():
        raise KeyError(f"no plan run {run_id!r}")
    doc = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    return PlanRun(
        run_id=run_id,
        path=path,
        meta=doc["meta"],
        summaries=doc["summaries"],
        lever_effects=doc["lever_effects"],
        fan=doc["fan"],
    )


def list_runs(home: Home) -> list[dict]:
    """The metadata of every finished run, newest first."""
    root = planning_root(home)
    if not root.is_dir():
        return []
    found = []
    for summary in root.glob("*/summary.json"):
        try:
            doc = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append(doc["meta"])
    return sorted(found, key=lambda m: m.get("created", ""), reverse=True)
