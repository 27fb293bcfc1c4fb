"""Which organisations a file holds, read before it is imported.

An organisation data lead may submit only for the organisations they hold SUBMIT_DATA for,
and a file is accepted whole or not at all, so the check comes first: the file is read with
the importer's own readers and heading matcher, and its distinct organisation codes (and, in
the ``aggregate`` dataset, area codes, which name the slice just as an organisation does)
are compared with the user's. Codes are normalised as the validator normalises them (trimmed,
upper case, blank is no code).

Until the importer offers a hook between validation and commit, this reads the file once
more; see the report to the lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from oneworkforce.config import Home
from oneworkforce.data.headings import match_headings
from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.data.readers import UnreadableFile, open_source

#: columns whose values name the slice a row belongs to
SLICE_COLUMNS = ("org_code", "area_code")


@dataclass(frozen=True)
class FileOrganisations:
    """The codes found, or ``readable=False`` when the importer will reject the file anyway
    (it cannot be read, or its headings are wrong) and will say why."""

    codes: frozenset[str]
    readable: bool


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def file_organisations(home: Home, dataset_name: str, path: Path) -> FileOrganisations:
    dataset = ALL_DATASETS[dataset_name]
    con = duckdb.connect(config={"memory_limit": "1GB", "temp_directory": str(home.tmp)})
    try:
        try:
            source = open_source(con, path, dataset=dataset.name)
        except UnreadableFile:
            return FileOrganisations(frozenset(), readable=False)
        headings = match_headings(dataset, source.headings, path.name)
        if headings.errors:
            return FileOrganisations(frozenset(), readable=False)
        columns = [h for c in SLICE_COLUMNS if (h := headings.heading(c)) is not None]
        if not columns:
            return FileOrganisations(frozenset(), readable=False)
        selects = " UNION ".join(
            f"SELECT DISTINCT upper(NULLIF(TRIM({_quoted(h)}), '')) AS code "
            f"FROM {source.relation_sql}"
            for h in columns
        )
        rows = con.execute(f"SELECT code FROM ({selects}) WHERE code IS NOT NULL").fetchall()
        return FileOrganisations(frozenset(str(r[0]) for r in rows), readable=True)
    finally:
        con.close()
