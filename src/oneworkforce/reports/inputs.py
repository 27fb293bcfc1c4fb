"""Everything a pack reads, read once when the pack is made (and never when it is rendered).

The registers and the workforce plan come from other parts of OneWorkforce; a section with
nothing to show (no planning run yet) says so instead of failing the pack.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from oneworkforce.config import Home
from oneworkforce.metrics import people_story, targets
from oneworkforce.metrics.catalogue import CATALOGUE, Catalogue
from oneworkforce.metrics.results_reader import ResultsReader

log = logging.getLogger(__name__)
#: scenarios compared in one pack at most (the planning pages compare as many)
MAX_PLAN_RUNS = 4


class NoData(RuntimeError):
    """The results store has nothing to report on (no import yet, or the month is empty)."""


@dataclass
class Inputs:
    home: Home
    store: ResultsReader
    period: str
    periods: list[str]
    data_version: str
    segments: list[dict[str, Any]]
    organisations: list[dict[str, Any]]
    overrides: dict[tuple[str, str], people_story.Override]
    submissions: list[dict[str, Any]]
    registers: dict[str, Any] | None
    registers_note: str = ""
    planning: dict[str, Any] | None = None
    #: the stored results are behind the lake: files accepted since are not in the figures
    stale: bool = False
    planning_note: str = ""
    plan_runs: list[str] = field(default_factory=list)
    previous: dict[str, Any] | None = None  # the content of the last pack of the same kind
    previous_id: str | None = None
    #: the metric catalogue with the ICS's own targets (targets.toml)
    catalogue: Catalogue = CATALOGUE


def month_end(period: str, months_after: int = 0) -> dt.date:
    """The last day of ``period`` (``YYYY-MM``), or of a month ``months_after`` it."""
    from dateutil.relativedelta import relativedelta

    first = dt.date.fromisoformat(f"{period}-01")
    return first + relativedelta(months=months_after, day=31)


def segments() -> list[dict[str, Any]]:
    """The reference segments in board order."""
    from oneworkforce.data.reference import vocabulary

    vocab = vocabulary("segment")
    ordered = sorted(vocab.codes, key=lambda c: int(vocab.extra[c].get("order") or 0))
    return [{"segment": c, "title": vocab.titles[c]} for c in ordered]


def available_periods(store: ResultsReader) -> list[str]:
    rows = store.results("staff_in_post_fte", "system")
    return sorted({r["period"] for r in rows if r["value"] is not None})


def read(
    home: Home,
    *,
    period: str | None,
    public: bool,
    plan_runs: list[str] | None = None,
    as_of: dt.date | None = None,
    meeting: str = "",
    meeting_date: str = "",
) -> Inputs:
    from oneworkforce.data.lake import Lake
    from oneworkforce.data.ledger.service import generation
    from oneworkforce.metrics.group_size import EVERYONE, public_viewer
    from oneworkforce.registers import asof

    # a public pack is for readers who may see no organisation's own figures
    store = ResultsReader(home.lake, viewer=public_viewer() if public else EVERYONE)
    status = store.status(ledger_generation=generation())
    if not status["built"]:
        raise NoData("there are no stored results yet: import data, then make the pack")
    periods = available_periods(store)
    if not periods:
        raise NoData("the stored results hold no staff in post figures to report on")
    chosen = period or periods[-1]
    if chosen not in periods:
        raise NoData(
            f"there are no figures for {chosen}; months with data run from "
            f"{periods[0]} to {periods[-1]}"
        )
    lake = Lake(home)
    # the registers as they stood when the pack was due: the end of the month after its
    # period (today, if that is earlier), never later, so an old period's pack is not
    # dated from the machine clock
    registers, registers_note = _registers(as_of or asof.for_period(chosen))
    if registers is not None:  # the conflicts check of the pack's meeting; risks flagged
        from oneworkforce.registers.conflicts import for_pack
        from oneworkforce.registers.indicators import flags

        registers["conflicts"] = for_pack(meeting, meeting_date)
        registers["indicator_flags"] = flags(store)
    planning, planning_note, runs = _planning(home, plan_runs or [])
    previous, previous_id = _previous(public)
    return Inputs(
        home=home,
        store=store,
        period=chosen,
        periods=periods,
        data_version=str(status["data_version"]),
        stale=bool(status["stale"]),
        segments=segments(),
        organisations=lake.organisations(),
        overrides=_overrides(),
        submissions=_submissions(lake),
        registers=registers,
        registers_note=registers_note,
        planning=planning,
        planning_note=planning_note,
        plan_runs=runs,
        previous=previous,
        previous_id=previous_id,
        catalogue=targets.load(home.root),
    )


def _registers(as_of: dt.date) -> tuple[dict[str, Any] | None, str]:
    from oneworkforce.registers.snapshot import board_snapshot

    return board_snapshot(as_of), ""


def _planning(home: Home, run_ids: list[str]) -> tuple[dict[str, Any] | None, str, list[str]]:
    from oneworkforce.planning import list_runs, pack_section

    ids = list(run_ids)
    if not ids:  # the newest run of each scenario (list_runs is newest first)
        latest: dict[str, str] = {}
        for meta in list_runs(home) or []:
            latest.setdefault(str(meta.get("scenario")), str(meta["run_id"]))
        ids = list(latest.values())[:MAX_PLAN_RUNS]
    if not ids:
        return None, "No workforce plan data: no planning run has been made yet.", []
    return pack_section(home, ids), "", ids


def _overrides() -> dict[tuple[str, str], people_story.Override]:
    """The analysts' data coverage map."""
    from oneworkforce.web.dashboard import coverage

    return dict(coverage.overrides())


def _submissions(lake: Any) -> list[dict[str, Any]]:
    """The submissions whose data is current in the lake (what the figures were built from)."""
    from oneworkforce.data.ledger.models import Submission

    slices = [s for s in lake.read_manifest() if s.status == "accepted"]
    ids = sorted({s.submission_id for s in slices})
    orgs: dict[str, set[str]] = {}
    months: dict[str, set[str]] = {}
    for s in slices:
        if s.org_code:
            orgs.setdefault(s.submission_id, set()).add(str(s.org_code))
        if s.period:
            months.setdefault(s.submission_id, set()).add(s.period.strftime("%Y-%m"))
    out = []
    for sub in Submission.objects.filter(id__in=ids).order_by("dataset", "submitted_at"):
        sid = str(sub.id)
        period_list = sorted(months.get(sid, set()))
        out.append(
            {
                "id": sid,
                "dataset": sub.dataset,
                "file_name": sub.file_name,
                "sha256": sub.sha256,
                "submitted_by": sub.submitted_by,
                "submitted_at": sub.submitted_at.isoformat(),
                "rows": sub.rows,
                "organisations": len(orgs.get(sid, set())),
                "first_period": period_list[0] if period_list else None,
                "last_period": period_list[-1] if period_list else None,
            }
        )
    return out


def _previous(public: bool) -> tuple[dict[str, Any] | None, str | None]:
    from oneworkforce.reports.models import BoardPack

    pack = BoardPack.objects.filter(public=public).order_by("-created_at").first()
    if pack is None:
        return None, None
    return pack.content, str(pack.id)
