"""The synthetic ICS's NHS trusts as NHS England publishes them: one sickness absence
benchmarking CSV per month, in the published layout (see docs/formats.md).

The trusts' own returns use ESR staff groups; the published file uses NHS Workforce
Statistics staff groups. The two do not map one to one, so for this synthetic file each ESR
group is given the NWS group most of its staff would fall in (a simplification only the
synthetic data makes). Each organisation and month has its "All staff groups" total; small
cells (fewer than ``SUPPRESS_BELOW`` FTE days available) are suppressed with ``*``, as
published; and three fictional trusts of a neighbouring ICS are there as peers.
"""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa

from oneworkforce.data.reference import vocabulary
from oneworkforce.data.schemas import published_headings
from oneworkforce.data.synth.organisations import System

HEADINGS = published_headings("sickness_absence")
#: ESR staff group of the synthetic returns -> the NWS staff group used in the published file
NWS_OF = {
    "medical_dental": "hchs_doctors",
    "nursing_midwifery": "nurses_health_visitors",
    "ahp": "scientific_therapeutic_technical",
    "scientific_technical": "scientific_therapeutic_technical",
    "healthcare_scientists": "scientific_therapeutic_technical",
    "healthcare_support": "support_doctors_nurses_midwives",
    "ambulance": "ambulance",
    "admin_clerical": "central_functions",
    "estates_ancillary": "hotel_property_estates",
    "managers": "managers",
    "other": "nws_other",
}
CLUSTERS = {
    "secondary_care": "Acute",
    "nhs_community": "Community Provider Trust",
    "nhs_mental_health": "Mental Health and Learning Disability",
    "ambulance": "Ambulance",
}
SUPPRESS_BELOW = 150.0
REGION = ("Y63", "North East and Yorkshire")
PEER_ICS = ("QZY", "NHS Fellside Integrated Care Board")
PEERS = (
    ("RZY01", "Fellside Teaching Hospitals NHS Foundation Trust", "Acute", 0.052),
    ("RZY02", "Fellside Community and Mental Health NHS Trust", "Community Provider Trust", 0.061),
    ("RZY03", "Tarnmoor Hospitals NHS Trust", "Acute", 0.047),
)


def _month_end(period: str) -> str:
    year, month = (int(x) for x in period.split("-"))
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _row(date: str, ics: tuple[str, str], org: tuple[str, str, str], group: str, lost, avail):
    suppressed = lost is None
    return [
        date,
        *REGION,
        *ics,
        *org,
        f"{org[2]} - Medium",
        group,
        "*" if suppressed else f"{lost:.2f}",
        "*" if suppressed else f"{avail:.2f}",
        "" if suppressed else f"{100 * lost / avail:.2f}",
    ]


def write_sickness_benchmarking(table: pa.Table, system: System, folder: Path) -> list[Path]:
    """One benchmarking CSV per month for the system's NHS trusts (and its peers)."""
    titles = vocabulary("staff_group").titles
    trusts = {o.org_code: o for o in system.organisations if o.segment in CLUSTERS}
    icb = next(o for o in system.organisations if o.segment == "icb_corporate")
    ics = (icb.org_code, icb.org_name)
    cells: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    columns = table.select(
        ["period", "org_code", "staff_group", "fte_days_lost", "fte_days_available"]
    ).to_pydict()
    for period, org, group, lost, avail in zip(*columns.values(), strict=True):
        if org in trusts:
            cell = cells[period, org, NWS_OF.get(group, "nws_other")]
            cell[0] += lost
            cell[1] += avail
    by_month: dict[str, list[list[str]]] = defaultdict(list)
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (period, org, group), (lost, avail) in sorted(cells.items()):
        totals[period, org][0] += lost
        totals[period, org][1] += avail
        o = trusts[org]
        shown = (lost, avail) if avail >= SUPPRESS_BELOW else (None, None)
        by_month[period].append(
            _row(
                _month_end(period),
                ics,
                (org, o.org_name, CLUSTERS[o.segment]),
                titles[group],
                *shown,
            )
        )
    for (period, org), (lost, avail) in sorted(totals.items()):
        o = trusts[org]
        org_cols = (org, o.org_name, CLUSTERS[o.segment])
        by_month[period].append(
            _row(_month_end(period), ics, org_cols, "All staff groups", lost, avail)
        )
    rng = np.random.default_rng(20240331)
    for period in sorted(by_month):
        for code, name, cluster, rate in PEERS:
            available = 30_000.0
            lost = round(available * rate * float(rng.lognormal(0, 0.08)), 2)
            by_month[period].append(
                _row(
                    _month_end(period),
                    PEER_ICS,
                    (code, name, cluster),
                    "All staff groups",
                    lost,
                    available,
                )
            )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for period, rows in sorted(by_month.items()):
        path = folder / f"NHS_Sickness_Absence_benchmarking_{period}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(HEADINGS)
            writer.writerows(rows)
        written.append(path)
    return written


#: The staff in post file's headings, and its peers' FTE a year before the first month
SIP_HEADINGS = published_headings("nws_staff_in_post")
PEER_FTE = {"RZY01": 6200.0, "RZY02": 3100.0, "RZY03": 4400.0}


def write_staff_in_post_published(staff: Path, system: System, folder: Path) -> Path:
    """The NHS Workforce Statistics 'Staff Group and Organisation' CSV for the system's NHS
    trusts and the neighbouring ICS's (one file holding every month, as published): each
    trust's total FTE and headcount ('Total'), the ICS's own from its staff in post extract
    (bank excluded), so the published and the ICS's own figures agree."""
    import duckdb

    trusts = {o.org_code: o for o in system.organisations if o.segment in CLUSTERS}
    icb = next(o for o in system.organisations if o.segment == "icb_corporate")
    reader = "read_parquet" if staff.is_dir() else "read_csv"
    source = str(staff / "*.parquet") if staff.is_dir() else str(staff)
    codes = ", ".join(f"'{c}'" for c in sorted(trusts))
    con = duckdb.connect()
    try:
        totals = con.execute(
            f"SELECT left(CAST(period AS VARCHAR), 7) AS month, org_code, "
            f"sum(CAST(fte AS DOUBLE)), count(DISTINCT person_id) "
            f"FROM {reader}('{source}') WHERE contract_type <> 'bank' "
            f"AND org_code IN ({codes}) GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    rows = []
    for month, org, fte, headcount in totals:
        o = trusts[org]
        cols = [
            _month_end(month),
            *REGION,
            icb.org_code,
            icb.org_name,
            org,
            o.org_name,
            CLUSTERS[o.segment],
            CLUSTERS[o.segment],
            "1",
            "Total",
        ]
        rows += [[*cols, "FTE", f"{fte:.2f}"], [*cols, "HC", str(headcount)]]
    rng = np.random.default_rng(20240401)
    months = sorted({m for m, *_ in totals})
    for code, name, cluster, _rate in PEERS:
        fte = PEER_FTE[code]
        for month in months:
            fte *= 1 + float(rng.normal(0.003, 0.002))  # about 3.6% a year
            cols = [_month_end(month), *REGION, *PEER_ICS, code, name, cluster, cluster, "1"]
            rows += [
                [*cols, "Total", "FTE", f"{fte:.2f}"],
                [*cols, "Total", "HC", str(round(fte * 1.12))],
            ]
    folder.mkdir(parents=True, exist_ok=True)
    last = calendar.month_name[int(months[-1][5:])] + " " + months[-1][:4]
    path = folder / f"NHS Workforce Statistics, {last} Staff Group and Organisation.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(SIP_HEADINGS)
        writer.writerows(rows)
    return path
