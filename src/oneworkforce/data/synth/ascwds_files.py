"""The synthetic ICS's social care employers as ASC-WDS bulk upload files.

Each employer of the register with an ASC-WDS workplace ID keeps its records in ASC-WDS: the
independent care homes, home care and personal care providers, and the councils' adult
social services (local authorities complete ASC-WDS too, main service 16, social work and
care management). The generator writes the month's snapshot as the two files ASC-WDS takes
(``ascwds/workplace_YYYY-MM.csv`` and ``ascwds/worker_YYYY-MM.csv``), in the real layouts of
``data/ascwds.py``. Rates follow the segment's Skills for Care figures for the year
(``aggregate.ASC`` and ``aggregate.LA_SOCIAL_WORK``): vacancies, leavers, starters and days
sick; a share of workers are bank, agency, zero-hours and "other".
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from oneworkforce.data.ascwds import WORKER_HEADINGS, WORKPLACE_HEADINGS
from oneworkforce.data.synth.aggregate import ASC, LA_SOCIAL_WORK

#: (MAINSERVICE, workers (low, high), zero-hours share of staff in post) per segment
PROVIDERS = {
    "care_homes": ("2", (45, 90), 0.05),
    "support_at_home": ("8", (60, 130), 0.35),
    "personal_care": ("55", (20, 45), 0.20),
    "adult_social_work": ("16", (170, 230), 0.02),
}
#: the sectors whose employers are councils, not independent providers
COUNCIL_SEGMENTS = frozenset({"adult_social_work"})
#: EMPLSTATUS shares: permanent, temporary, pool/bank, agency, other
EMPLOYMENT_SHARES = (0.78, 0.06, 0.08, 0.06, 0.02)
EMPLOYMENT_CODES = ("1", "2", "3", "4", "7")
#: MAINJOBROLE shares for staff: care worker, senior care worker, registered nurse,
#: registered manager (one per provider), ancillary, administrative
ROLES = (("8", 0.66), ("7", 0.16), ("16", 0.06), ("26", 0.08), ("25", 0.04))
#: a council's adult social services: social worker, occupational therapist, care worker,
#: first line manager (and a senior manager first), administrative
COUNCIL_ROLES = (("6", 0.45), ("15", 0.10), ("8", 0.20), ("3", 0.10), ("25", 0.15))


def cqc_location_id(org_code: str) -> str:
    """A made-up CQC location ID in the real shape (``1-`` and ten digits), the same for an
    organisation at every scale."""
    digest = int(hashlib.sha256(org_code.encode()).hexdigest(), 16)
    return f"1-{1_000_000_000 + digest % 9_000_000_000:010d}"


def write(
    folder: Path,
    providers: Sequence[dict[str, str]],
    period: str,
    year: int,
    rng: np.random.Generator,
) -> list[Path]:
    """Write the workplace and worker files of ``providers`` (register rows) for ``period``;
    ``year`` indexes the Skills for Care year (0, 1, 2) the rates come from."""
    folder.mkdir(parents=True, exist_ok=True)
    workplaces: list[dict[str, Any]] = []
    workers: list[dict[str, Any]] = []
    for provider in providers:
        segment = provider["segment"]
        service, (low, high), zero_share = PROVIDERS[segment]
        council = segment in COUNCIL_SEGMENTS
        sector = LA_SOCIAL_WORK if council else ASC[segment]
        mix = COUNCIL_ROLES if council else ROLES
        local = provider["ascwds_local_id"]
        n = int(rng.integers(low, high + 1))
        statuses = rng.choice(EMPLOYMENT_CODES, size=n, p=EMPLOYMENT_SHARES)
        roles = rng.choice([c for c, _ in mix], size=n, p=[share for _, share in mix])
        # the registered manager (a council's senior manager), permanent
        roles[0], statuses[0] = ("1" if council else "4"), "1"
        in_post = 0
        for i in range(n):
            status = str(statuses[i])
            staff = status in ("1", "2")
            in_post += staff
            zero = staff and rng.random() < zero_share
            hours = float(np.clip(rng.normal(31, 7), 8, 48)) if not zero else None
            average = float(np.clip(rng.normal(24, 8), 4, 48))
            # days sick in 12 months: about the sector's sickness rate x 365 per FTE, spread
            days = int(rng.poisson(sector.sickness[year] / 100 * 365 * (hours or average) / 37.5))
            workers.append(
                {
                    "LOCALESTID": local,
                    "UNIQUEWORKERID": f"{local}-{i + 1:04d}",
                    "STATUS": "UNCHECKED" if i % 5 else "UPDATE",
                    "EMPLSTATUS": status,
                    "ZEROHRCONT": ("1" if zero else "2") if staff else "",
                    "MAINJOBROLE": str(roles[i]),
                    "CONTHOURS": f"{hours:.1f}" if staff and hours is not None else "",
                    "AVGHOURS": "" if staff and not zero else f"{average:.1f}",
                    "DAYSSICK": str(min(days, 366)) if staff else "",
                }
            )
        role_codes = ["6", "15", "8"] if council else ["8", "7", "4"]
        vacancies = rng.binomial(in_post, sector.vacancy[year] / 100 * np.array([0.8, 0.15, 0.05]))
        leavers = rng.binomial(in_post, sector.turnover[year] / 100 * np.array([0.8, 0.15, 0.05]))
        starters = rng.binomial(in_post, sector.turnover[year] / 100 * np.array([0.8, 0.15, 0.05]))
        workplaces.append(
            {
                "LOCALESTID": local,
                "STATUS": "UNCHECKED",
                "ESTNAME": provider["org_name"],
                "LOCATIONID": provider["cqc_location_id"],
                "MAINSERVICE": service,
                "TOTALPERMTEMP": str(in_post),
                "ALLJOBROLES": ";".join(role_codes),
                "STARTERS": ";".join(str(v) for v in starters),
                "LEAVERS": ";".join(str(v) for v in leavers),
                "VACANCIES": ";".join(str(v) for v in vacancies),
            }
        )
    paths = [folder / f"workplace_{period}.csv", folder / f"worker_{period}.csv"]
    for path, headings, rows in (
        (paths[0], WORKPLACE_HEADINGS, workplaces),
        (paths[1], WORKER_HEADINGS, workers),
    ):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(headings)
            for row in rows:
                writer.writerow([row.get(h, "") for h in headings])
    return paths
