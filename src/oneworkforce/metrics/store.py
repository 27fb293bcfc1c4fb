"""The results store: computed metrics and their SPC, kept in the lake for readers.

It is split by responsibility, with the files on disk as the only interface between the two:

* :mod:`oneworkforce.metrics.results_layout`: the layout, schemas and index (what a generation
  is, and whether it is stale);
* :mod:`oneworkforce.metrics.results_writer`: the write path (one writer at a time, rebuild,
  incremental refresh, SPC, the commit of a new generation);
* :mod:`oneworkforce.metrics.results_reader`: the read path (what pages, the API and board
  packs ask for).

:class:`ResultsStore` is both, for commands and tests that write and then read.
"""

from __future__ import annotations

from oneworkforce.metrics.results_layout import (
    DIMENSION_COLUMNS,
    FORMAT,
    MANIFEST_COLUMNS,
    RESULTS_SCHEMA,
    SERIES_COLUMNS,
    SPC_SCHEMA,
    catalogue_fingerprint,
    data_version,
    series_key,
    spc_target,
)
from oneworkforce.metrics.results_reader import ResultsReader
from oneworkforce.metrics.results_writer import (
    RefreshReport,
    ResultsWriter,
    after_commit_hook,
    refresh_after_commit,
    repair_if_stale,
)

__all__ = [
    "DIMENSION_COLUMNS",
    "FORMAT",
    "MANIFEST_COLUMNS",
    "RESULTS_SCHEMA",
    "SERIES_COLUMNS",
    "SPC_SCHEMA",
    "RefreshReport",
    "ResultsReader",
    "ResultsStore",
    "ResultsWriter",
    "after_commit_hook",
    "catalogue_fingerprint",
    "data_version",
    "refresh_after_commit",
    "repair_if_stale",
    "series_key",
    "spc_target",
]


class ResultsStore(ResultsWriter, ResultsReader):
    """The write path and the read path of one lake's stored results together (made as a
    :class:`ResultsWriter` is, which sets up everything the reader reads)."""
