"""A synthetic integrated care system, written in the submission formats (FORMATS.md v1).

``generate(out_dir, scale=...)`` writes a fictional ICS ("Dalesway", five places) with an
organisation in every segment: person-level staff in post and leavers for the NHS trusts, the
ICB and general practice; sickness, establishment, bank and agency and plan returns for the
NHS partners; and aggregate returns for social care, pharmacy, dentistry and the VCSE sector.
The ``national`` scale adds 24 fictional sister systems (about 1.5 million staff) and writes
staff in post as Parquet chunks, one system at a time, so memory stays bounded.

Everything random comes from one ``numpy.random.default_rng(seed)`` tree, so one seed gives
byte-identical files.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from oneworkforce.data.schemas import DATASETS
from oneworkforce.data.synth import aggregate, errors, returns
from oneworkforce.data.synth.calendar import Calendar, parse_start
from oneworkforce.data.synth.measure import Rates
from oneworkforce.data.synth.organisations import build_systems, register_rows
from oneworkforce.data.synth.panel import _mix, leavers, pseudonyms, staff_in_post
from oneworkforce.data.synth.people import OrgSet, Simulation
from oneworkforce.data.synth.published import (
    write_sickness_benchmarking,
    write_staff_in_post_published,
)
from oneworkforce.data.synth.writer import (
    CsvAppender,
    write_csv,
    write_parquet,
    write_sickness_xlsx,
)

__all__ = ["SCALES", "SynthSummary", "check_options", "generate", "register_csv"]

SCALES = ("small", "ics", "national")
MAX_MONTHS = 240
Progress = Callable[[str, int, int], None]
RETURN_DATASETS = ("sickness_absence", "establishment", "temporary_staffing", "workforce_plan")


@dataclass
class SynthSummary:
    """What ``generate`` wrote, and the headline rates measured on it."""

    out_dir: str
    scale: str
    seed: int
    start: str
    months: int
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    people: int = 0
    organisations: int = 0
    person_level_organisations: int = 0
    systems: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_options(*, scale: str, seed: int, start: str, months: int) -> Calendar:
    """The window the options describe; ValueError with a one-line reason when one is bad."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}, got {months}")
    year, month = parse_start(start)
    return Calendar(year, month, months)


def register_csv(scale: str = "ics") -> str:
    """The organisation register of a scale as CSV text (what ``organisations.csv`` holds)."""
    rows = register_rows(build_systems(scale))
    names = list(rows[0])
    lines = [",".join(names)] + [",".join(r[n] for n in names) for r in rows]
    return "\n".join(lines) + "\n"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(
    out_dir: Path,
    *,
    scale: str = "small",
    seed: int = 1,
    start: str = "2022-04",
    months: int = 36,
    with_errors: bool = False,
    progress: Progress | None = None,
) -> SynthSummary:
    """Write the synthetic ICS into ``out_dir`` (created if missing) and summarise it."""
    began = time.perf_counter()
    cal = check_options(scale=scale, seed=seed, start=start, months=months)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    systems = build_systems(scale)
    national = scale == "national"
    summary = SynthSummary(str(out), scale, seed, start, months, systems=len(systems))
    report = progress or (lambda stage, done, total: None)

    root = np.random.default_rng(seed)
    keys_rng, *system_rngs = root.spawn(1 + len(systems))
    person_key, employee_key = (int(k) for k in keys_rng.integers(0, 2**63, 2))

    files: list[Path] = []
    (out / "organisations.csv").write_text(register_csv(scale), encoding="utf-8")
    files.append(out / "organisations.csv")
    summary.organisations = sum(len(s.organisations) for s in systems)

    # staff in post is a CSV or a folder of Parquet chunks: remove only our own stale copy of
    # the other form, so that the folder holds one run
    panel_dir = out / "staff_in_post"
    for stale in (*panel_dir.glob("part-*.parquet"), out / "staff_in_post.csv"):
        stale.unlink(missing_ok=True)
    if national:
        panel_dir.mkdir(exist_ok=True)
        panel_sink = None
    else:
        panel_sink = CsvAppender(
            out / "staff_in_post.csv", list(DATASETS["staff_in_post"].column_names)
        )
    leaver_sink = CsvAppender(out / "leavers.csv", list(DATASETS["leavers"].column_names))
    parts: dict[str, list[pa.Table]] = {name: [] for name in (*RETURN_DATASETS, "aggregate")}
    rates = Rates()
    samples: dict[str, pa.Table] = {}
    rows_sip = 0
    person_offset = 0
    try:
        for k, (system, rng) in enumerate(zip(systems, system_rngs, strict=True)):
            sim_rng, returns_rng, aggregate_rng = rng.spawn(3)
            orgs = OrgSet(system.person_level)
            summary.person_level_organisations += orgs.n
            growth = sim_rng.normal(0.015, 0.01, orgs.n)
            spells, people = Simulation(orgs, cal, sim_rng).run(growth)
            index = np.arange(person_offset, person_offset + len(people), dtype=np.int64)
            person_offset += len(people)
            person_ids = pseudonyms(index, person_key)
            employee = pa.array(
                10_000_000 + (_mix(index, employee_key) % np.uint64(90_000_000)).astype(np.int64)
            ).cast(pa.string())
            summary.people += len(people)
            rates.panel(spells, orgs, cal.months)

            panel = staff_in_post(spells, people, orgs, cal, person_ids, employee)
            rows_sip += panel.num_rows
            if k == 0:
                samples["staff_in_post"] = panel.slice(0, 50)
            if panel_sink is None:
                part = out / "staff_in_post" / f"part-{k:04d}.parquet"
                write_parquet(panel, part)
                files.append(part)
            else:
                panel_sink.append(panel)
            del panel
            leaver_sink.append(leavers(spells, orgs, cal, person_ids))
            built = returns.build(spells, orgs, cal, returns_rng)
            del spells, people
            rates.returns(built, cal.months)
            for name in RETURN_DATASETS:
                parts[name].append(built.tables[name])
            del built
            agg = aggregate.build(system, cal, aggregate_rng)
            rates.aggregate(agg)
            parts["aggregate"].append(agg)
            report("people", k + 1, len(systems))
    finally:
        if panel_sink is not None:
            panel_sink.close()
        leaver_sink.close()
    if panel_sink is not None:
        files.append(panel_sink.path)
    files.append(leaver_sink.path)
    summary.rows["staff_in_post"] = rows_sip
    summary.rows["leavers"] = leaver_sink.rows

    tables: dict[str, pa.Table] = {}
    names = (*RETURN_DATASETS, "aggregate")
    for i, name in enumerate(names):
        tables[name] = pa.concat_tables(parts.pop(name))
        summary.rows[name] = write_csv(tables[name], out / f"{name}.csv")
        files.append(out / f"{name}.csv")
        report("returns", i + 1, len(names))

    # the trusts' sickness as NHS England publishes it, one benchmarking CSV a month
    files += write_sickness_benchmarking(
        tables["sickness_absence"], systems[0], out / "published" / "sickness_absence"
    )
    # and their staff in post, as NHS Workforce Statistics publishes it (one file)
    staff = out / "staff_in_post.csv" if panel_sink is not None else panel_dir
    files.append(
        write_staff_in_post_published(staff, systems[0], out / "published" / "nws_staff_in_post")
    )

    # independent social care providers keep ASC-WDS: the last month's snapshot as its two
    # bulk upload files (own random stream, so the other files do not change)
    from oneworkforce.data.synth import ascwds_files
    from oneworkforce.data.synth.aggregate import _year

    last = cal.months - 1
    providers = [r for r in register_rows(systems) if r["ascwds_local_id"]]
    if providers:
        files += ascwds_files.write(
            out / "ascwds",
            providers,
            cal.date(last).strftime("%Y-%m"),
            _year(cal, last),
            np.random.default_rng([seed, 11]),
        )

    if with_errors:
        report("errors", 0, 1)
        files += errors.write(out / "errors", {**tables, **samples})
        variants = out / "variants"
        variants.mkdir(exist_ok=True)
        write_sickness_xlsx(
            tables["sickness_absence"], variants / "sickness_absence.xlsx", cal.date(0)
        )
        write_parquet(tables["establishment"], variants / "establishment.parquet")
        files += [variants / "sickness_absence.xlsx", variants / "establishment.parquet"]
        report("errors", 1, 1)

    summary.files = [str(f.relative_to(out)) for f in files]
    summary.rates = rates.result()
    summary.seconds = round(time.perf_counter() - began, 2)
    summary.peak_rss_mb = round(_peak_rss_mb(), 1)
    return summary
