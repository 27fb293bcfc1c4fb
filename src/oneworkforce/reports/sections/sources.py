"""Appendix: every source behind the pack, its data version and its date, so a reader can
trace any figure to the submissions and register state it came from."""

from __future__ import annotations

from typing import Any

from oneworkforce.reports.blocks import (
    Section,
    column,
    fields,
    number,
    paragraph,
    results_version,
    section,
    table,
    text,
)
from oneworkforce.reports.context import Context


def build(ctx: Context, manifest: dict[str, Any]) -> Section:
    subs = ctx.inputs.submissions
    full = not ctx.public
    columns = [
        column("Dataset"),
        column("File"),
        column("Submitted"),
        *([column("Submitted by")] if full else []),
        column("Months covered"),
        column("Organisations", "count"),
        *([column("Rows", "count")] if full else []),
        column("Submission"),
    ]
    rows = []
    for s in subs:
        months = s["first_period"] or ""
        if s["last_period"] and s["last_period"] != s["first_period"]:
            months = f"{s['first_period']} to {s['last_period']}"
        rows.append(
            [
                text(s["dataset"]),
                text(s["file_name"]),
                text(s["submitted_at"][:10]),
                *([text(s["submitted_by"])] if full else []),
                text(months),
                number(s["organisations"], "count"),
                *([number(s["rows"], "count")] if full else []),
                text(s["id"][:8]),
            ]
        )
    versions = [
        ("Results data version", results_version(manifest)),
        ("Registers version", manifest["registers"]["version"] or "not installed"),
        ("Planning runs", ", ".join(manifest["planning"]["run_ids"]) or "none"),
        ("Metric catalogue", manifest["catalogue"]["fingerprint"]),
        ("OneWorkforce version", manifest["code"]["display"]),
        ("Made by", f"{manifest['created_by']} at {manifest['created_at'][:16].replace('T', ' ')}"),
    ]
    if ctx.public:
        rules = ctx.figures.metadata()
        versions.append(
            (
                "Disclosure control",
                f"{rules['disclosure_rules']}: counts of 1 to {rules['suppress_below'] - 1} "
                f"suppressed (*), others rounded to the nearest {rules['rounding_base']}; rates "
                "from the rounded counts; pounds to the nearest £1,000",
            )
        )
    return section(
        "sources",
        "Appendix: sources and data versions",
        [
            paragraph(
                "Every figure in this pack comes from the submissions below as current when the "
                "pack was made, and from the registers at the version shown. The pack is frozen: "
                "opening it again gives the same figures whatever has been submitted since."
            ),
            fields(versions),
            table(
                "sources",
                "Submissions behind the figures",
                columns,
                rows,
                empty="No submissions.",
            ),
        ],
    )
