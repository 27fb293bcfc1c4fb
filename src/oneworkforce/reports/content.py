"""Build a pack's structured content from the inputs: the sections in board order, the
index the next pack compares against, and the manifest of what was read."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
from pathlib import Path
from typing import Any

from oneworkforce.metrics.catalogue import CATALOGUE
from oneworkforce.metrics.results_layout import catalogue_fingerprint
from oneworkforce.reports.context import Context, month_name
from oneworkforce.reports.figures import Figures
from oneworkforce.reports.inputs import Inputs
from oneworkforce.reports.options import PackOptions
from oneworkforce.reports.sections import (
    agency,
    benefits,
    changes,
    cover,
    coverage,
    mdc,
    overdue,
    people_story,
    planning,
    programmes,
    risks,
    sources,
)

SCHEMA = 1

#: the body of the pack in reading order (the cover sheet goes first, the appendix last)
BODY = (
    people_story,
    mdc,
    agency,
    programmes,
    benefits,
    risks,
    overdue,
    coverage,
    planning,
)


@functools.cache
def code_version() -> dict[str, Any]:
    """The package version and, when run from a git checkout, the commit."""
    from oneworkforce import __version__

    commit = None
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if done.returncode == 0:
            commit = done.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    display = __version__ + (f" ({commit[:12]})" if commit else "")
    return {"version": __version__, "commit": commit, "display": display}


def manifest(
    inputs: Inputs, options: PackOptions, *, created_by: str, created_at: dt.datetime
) -> dict[str, Any]:
    """What the pack was made from: enough to say why its figures are what they are."""
    return {
        "schema": SCHEMA,
        "period": inputs.period,
        "public": options.public,
        "created_by": created_by,
        "created_at": created_at.isoformat(),
        "submissions": [
            {k: s[k] for k in ("id", "dataset", "file_name", "sha256", "submitted_at", "rows")}
            for s in inputs.submissions
        ],
        "results": {"data_version": inputs.data_version, "stale": inputs.stale},
        "registers": {
            "version": (inputs.registers or {}).get("version"),
            "as_of": (inputs.registers or {}).get("as_of"),
        },
        "planning": {"run_ids": list(inputs.plan_runs)},
        "catalogue": {"fingerprint": catalogue_fingerprint(CATALOGUE)},
        "code": code_version(),
        "previous_pack": inputs.previous_id,
        "options": options.to_dict(),
    }


def build(
    inputs: Inputs, options: PackOptions, *, created_by: str, created_at: dt.datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pack's content and manifest (both JSON-able)."""
    ctx = Context(inputs=inputs, options=options, figures=Figures(public=options.public))
    made = manifest(inputs, options, created_by=created_by, created_at=created_at)
    body = [module.build(ctx) for module in BODY]
    body.append(changes.build(ctx))
    appendix = sources.build(ctx, made)
    content = {
        "schema": SCHEMA,
        "title": options.title,
        "subtitle": f"{month_name(inputs.period)}"
        + (" – public version" if options.public else ""),
        "period": inputs.period,
        "period_label": month_name(inputs.period),
        "public": options.public,
        "created_at": made["created_at"],
        "created_by": created_by,
        "meeting": options.meeting,
        "meeting_date": options.meeting_date,
        "disclosure": ctx.figures.metadata(),
        "sections": [cover.build(ctx), *body, appendix],
        "index": ctx.index,
        "previous_pack": inputs.previous_id,
    }
    return content, made
