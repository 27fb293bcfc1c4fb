"""The submission formats as a Markdown reference, generated from ``schemas``.

``docs/formats.md`` is this module's output; a test keeps the two the same, so the docs can
never drift from what the validator checks. Regenerate with
``python -m oneworkforce.data.formats_doc > docs/formats.md``.
"""

from __future__ import annotations

from oneworkforce.data.headings import IDENTIFIER_WORDS, match_headings
from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.data.reference import (
    CLASSIFICATIONS,
    NWS_ROLLUPS,
    RETIRED_STAFF_GROUPS,
    STAFF_CATEGORIES,
    SUBTOTAL_CLASSIFICATION,
    aggregate_metric_codes,
    vocabulary,
)
from oneworkforce.data.schemas import PUBLISHED_LAYOUTS, Column, Dataset
from oneworkforce.data.validation import DATE_FORMATS, PERIOD_FORMATS, SUPPRESSION_MARKERS

KIND_WORDS = {
    "month": "month",
    "org_code": "ODS code in the register",
    "code": "code",
    "vocab": "coded value",
    "enum": "one of a list",
    "text": "text",
    "decimal": "number",
    "money": "pounds",
    "integer": "whole number",
    "date": "date",
    "boolean": "true/false",
}


def _rule(column: Column) -> str:
    parts = []
    if column.minimum is not None:
        op = ">" if column.exclusive_minimum else ">="
        parts.append(f"{op} {column.minimum:g}")
    if column.maximum is not None:
        parts.append(f"<= {column.maximum:g}")
    if column.values:
        parts.append(", ".join(f"`{v}`" for v in column.values))
    if column.vocabulary:
        parts.append(f"see {column.vocabulary.replace('_', ' ')}s below")
    if column.suppressible:
        parts.append("may be suppressed (blank, `*`, `-`, `..`)")
    if column.default is not None:
        parts.append(f"default `{column.default}`")
    if column.blank_meaning:
        parts.append(column.blank_meaning)
    return "; ".join(parts)


def _dataset(ds: Dataset) -> list[str]:
    lines = [
        f"## `{ds.name}`: {ds.title}",
        "",
        ds.description,
        "",
        "| column | type | required | rule | also accepted as heading |",
        "|---|---|---|---|---|",
    ]
    for c in ds.columns:
        synonyms = ", ".join(f"`{s}`" for s in c.synonyms)
        required = "yes" if c.required and c.name not in ds.exactly_one_of else "no"
        lines.append(
            f"| `{c.name}` | {KIND_WORDS[c.kind]} | {required} | {_rule(c)} | {synonyms} |"
        )
    lines += ["", f"Each row is unique on ({', '.join(ds.key)}): otherwise {ds.key_message}."]
    for rule in ds.rules:
        lines.append(f"Rule `{rule.code}`: rejected when {rule.message}.")
    if ds.exactly_one_of:
        lines.append(f"Each row gives exactly one of {' or '.join(ds.exactly_one_of)}.")
    if ds.at_least_one_of:
        lines.append(f"Each row gives at least one of {', '.join(ds.at_least_one_of)}.")
    if ds.slice_by:
        lines.append(
            f"A later accepted file supersedes this one slice by slice: "
            f"per {', '.join(ds.slice_by)}."
        )
    lines.append("")
    return lines


def _published() -> list[str]:
    lines = [
        "## NHS England's published files",
        "",
        "Read unedited by the dataset named. Organisations in a national file that are not in "
        "the register are registered as **peers** from the file's own columns (code, name, "
        "ICS, cluster; the `peers` view): they are in no system, place or segment figure of "
        "the ICS. A published organisation total ('All staff groups') is the organisation's "
        "figure for that month; suppressed cells (blank, "
        + ", ".join(f"`{m}`" for m in SUPPRESSION_MARKERS if m)
        + ") stay suppressed, never zero, and mark the figures they stand behind as "
        "`partly_suppressed`.",
        "",
    ]
    for layout in PUBLISHED_LAYOUTS:
        dataset = ALL_DATASETS[layout.dataset]
        found = match_headings(dataset, layout.headings, "published")
        read_as = {heading: name for name, heading in found.columns.items()}
        lines += [
            f"### {layout.title}: `oneworkforce import {layout.dataset} FILE.csv`",
            "",
            f"Source: {layout.source}. {layout.note}"
            + ("" if layout.verified else " The headings were not checked against a download."),
            "",
            "| heading in the file | read as |",
            "|---|---|",
        ]
        for heading in layout.headings:
            column = read_as.get(heading)
            lines.append(
                f"| `{heading}` | " + (f"`{column}`" if column else "ignored (not stored)") + " |"
            )
        lines.append("")
    return lines


def _classifications() -> list[str]:
    vocab = vocabulary("staff_group")
    lines = [
        "## Staff groups",
        "",
        "Staff groups come from several official classifications, kept side by side and never "
        "merged: a row carries the group of the classification its source uses (a trust's ESR "
        "extract ESR staff groups, NHS England's publications NHS Workforce Statistics staff "
        "groups). Each group rolls up to a small cross-sector level that general practice, "
        "social care, pharmacy and dental roles map to as well; NHS Workforce Statistics "
        "groups also carry their published roll-up. Spellings are matched ignoring case and "
        "punctuation, with `&` read as `and`.",
        "",
        "| classification | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {v} |" for k, v in CLASSIFICATIONS.items()]
    lines += ["", "| cross-sector level | title |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in STAFF_CATEGORIES.items()]
    lines += [
        "",
        "| code | title | classification | cross-sector level | NWS roll-up | also accepted |",
        "|---|---|---|---|---|---|",
    ]
    for code in vocab.codes:
        extra = vocab.extra[code]
        rollup = NWS_ROLLUPS.get(extra.get("rollup") or "", "")
        others = sorted(a for a, c in vocab.aliases.items() if c == code and a != code)
        lines.append(
            f"| `{code}` | {vocab.titles[code]} | `{extra['classification']}` | "
            f"{extra.get('category') or ''} | {rollup} | {', '.join(others)} |"
        )
    published = vocabulary("published_staff_group")
    lines += [
        "",
        "### Published staff groups (sub-totals)",
        "",
        "`nws_staff_in_post` accepts the staff groups above and also the sub-totals NHS "
        "England's staff in post file publishes beside them, stored as published and never "
        "added to the groups they sum (no other dataset accepts them):",
        "",
        "| code | title | part of | also accepted |",
        "|---|---|---|---|",
    ]
    for code in published.codes:
        extra = published.extra[code]
        if extra["classification"] != SUBTOTAL_CLASSIFICATION:
            continue
        part_of = vocab.titles.get(extra.get("rollup") or "", "")
        others = sorted(a for a, c in published.aliases.items() if c == code and a != code)
        lines.append(f"| `{code}` | {published.titles[code]} | {part_of} | {', '.join(others)} |")
    lines += [
        "",
        "Retired codes, moved over in stored data by the lake migration: "
        + ", ".join(f"`{old}` -> `{new}`" for old, new in RETIRED_STAFF_GROUPS.items())
        + " (it merged two ESR groups, which cannot be told apart again).",
        "",
    ]
    return lines


def render_markdown() -> str:
    lines = [
        "# Submission formats (v1)",
        "",
        "<!-- generated by `python -m oneworkforce.data.formats_doc`; do not edit by hand -->",
        "",
        "What partner organisations send, as CSV (UTF-8; a BOM and Windows line endings are "
        "fine), Excel (.xlsx: the sheet named after the dataset, else the first) or Parquet. "
        "Column order does not matter; headings are matched ignoring case and punctuation, "
        "and the spellings listed are accepted. A file is checked in full before anything is "
        "stored and is accepted whole or not at all.",
        "",
        "Months may be written "
        + ", ".join(f"`{f}`" for f in PERIOD_FORMATS)
        + " (strftime notation: `2024-03`, `Mar-24`, `March 2024`, `2024-03-31` ...). "
        "Dates may be written " + ", ".join(f"`{f}`" for f in DATE_FORMATS) + ". "
        "Organisation and area codes are matched ignoring case and stored upper-case; coded "
        "values (staff groups, bands, segments) accept the spellings listed below.",
        "",
        "Errors name the file, the row as a spreadsheet shows it (the heading is row 1), the "
        "column, the value and the rule; the first 100 are listed with a count of the rest.",
        "",
        "Columns a format does not name are not an error: they are dropped before anything is "
        "read or stored and listed in the report as *ignored*. Columns whose heading looks "
        "like a person's direct identifier ("
        + ", ".join(f"`{w}`" for w in IDENTIFIER_WORDS[:12])
        + " and the like, any heading containing `address`, `postcode`, `surname`, "
        "`forename` or `birth`) are dropped the same way and listed as *identifiers dropped*. "
        "`oneworkforce import --strict` (and the upload page's 'Refuse the file' option) "
        "refuses a file with any such column instead.",
        "",
    ]
    for ds in ALL_DATASETS.values():
        lines += _dataset(ds)
    lines += _published()
    lines += _classifications()
    for name in ("segment", "band"):
        vocab = vocabulary(name)
        lines += [
            f"## {name.replace('_', ' ').capitalize()}s",
            "",
            "| code | title | also accepted |",
            "|---|---|---|",
        ]
        for code in vocab.codes:
            others = sorted(a for a, c in vocab.aliases.items() if c == code and a != code)
            lines.append(f"| `{code}` | {vocab.titles[code]} | {', '.join(others)} |")
        lines.append("")
    lines += ["## Metric codes in aggregate returns", "", "| metric | units |", "|---|---|"]
    lines += [f"| `{m}` | {', '.join(u)} |" for m, u in aggregate_metric_codes().items()]
    lines += _ascwds()
    return "\n".join(lines) + "\n"


REGISTER_SEGMENT = "the register's segment"


def _ascwds() -> list[str]:
    """The two ASC-WDS bulk upload layouts, column by column (``data/ascwds.py``)."""
    from oneworkforce.data import ascwds

    lines = [
        "",
        "## ASC-WDS bulk upload files (`ascwds_workplace`, `ascwds_worker`)",
        "",
        "Skills for Care's ASC-WDS bulk upload files, read unedited: "
        "`oneworkforce import ascwds_workplace WORKPLACE.csv --period YYYY-MM`, then "
        "`oneworkforce import ascwds_worker WORKER.csv --period YYYY-MM` (a file is one "
        "snapshot, so the month is given; the upload page asks for it too). A workplace is "
        "matched to the register by "
        "`LOCATIONID` (the register's `cqc_location_id`), else by `LOCALESTID` (its "
        "`ascwds_local_id`, spaces ignored); a worker by `LOCALESTID`. An establishment not in "
        "the register is refused with its row and value. `STATUS` DELETE rows are not counted "
        "or checked; NEW, UPDATE, NOCHANGE and UNCHECKED rows count as written. The worker "
        "file is stored as staff in post (pseudonymised) and aggregate figures, both in one "
        "transaction (both or neither); the workplace "
        "file as aggregate figures with Skills for Care's definitions; each figure says so. "
        "A workplace whose TOTALPERMTEMP differs from its permanent and temporary worker "
        "records is a warning, as in ASC-WDS. A worker whose hours (`CONTHOURS`, or "
        "`AVGHOURS` where those are read) are 999 (not known) or blank is accepted, as ASC-WDS "
        "accepts it: counted in staff in post headcount, left out of every FTE sum (FTE comes "
        "from known hours only), and the report says how many workers had hours not known. "
        "Columns not listed as read are never stored.",
        "",
    ]
    for title, headings, read in (
        ("Workplace file", ascwds.WORKPLACE_HEADINGS, ascwds.WORKPLACE_READ),
        ("Worker file", ascwds.WORKER_HEADINGS, ascwds.WORKER_READ),
    ):
        lines += [f"### {title}", "", "| # | column | read | meaning |", "|---|---|---|---|"]
        for i, heading in enumerate(headings, 1):
            used = heading in read
            lines.append(
                f"| {i} | `{heading}` | {'yes' if used else 'no'} | {read.get(heading, '')} |"
            )
        lines.append("")
    lines += [
        "### Codes",
        "",
        "| EMPLSTATUS | ASC-WDS | counted as |",
        "|---|---|---|",
        *(f"| {c} | {name} | {as_} |" for c, (name, as_) in ascwds.EMPLOYMENT.items()),
        "",
        "| MAINSERVICE | ASC-WDS service | segment |",
        "|---|---|---|",
        *(
            f"| {c} | {name} | {seg or REGISTER_SEGMENT} |"
            for c, (name, seg) in ascwds.MAIN_SERVICES.items()
        ),
        "",
        "| MAINJOBROLE | ASC-WDS job role | staff group |",
        "|---|---|---|",
        *(f"| {c} | {name} | `{group}` |" for c, (name, group) in ascwds.JOB_ROLES.items()),
    ]
    return lines


if __name__ == "__main__":
    print(render_markdown(), end="")
