"""The results store on disk: the one interface between its write path
(:mod:`oneworkforce.metrics.results_writer`) and its read path
(:mod:`oneworkforce.metrics.results_reader`).

Layout under ``lake/_results/``::

    index.json                             the current generation: which files hold what
    results-<split>-<family>-<token>.parquet  one row per period and group of each metric
    spc-<split>-<family>-<token>.parquet      one row per point of each metric's monthly series
    manifest-<token>.parquet               the lake's slices the results were computed from
    .lock                                  one writer at a time

One file per split and metric family (:func:`families`: a run of consecutive catalogue metrics
reading the same datasets, such as the seven of temporary staffing), each metric one row group
of it, so that a change of one dataset rewrites only the files of the metrics that read it,
in a few files rather than one per metric (writing a Parquet file costs about 2 ms however
small it is, and a refresh of staff in post wrote about 200); the index names, per split,
the files holding each metric with data, and a reader filters them by metric.

Results are in long format: ``metric``, ``period``, the dimension columns (``place``,
``segment``, ``org_code``, ``staff_group``, ``staff_category``; ``band_cluster`` for WRES;
those outside the split are null), ``origin`` (``computed``, or ``aggregate`` for figures
entered through the ``aggregate`` dataset), ``value``, ``numerator``, ``denominator``,
``unit``, ``basis``, ``quality``, ``sources`` (the submission ids behind the figure),
``note``, ``coverage`` (for segment figures, ``area`` for an area-wide figure or
``providers`` for the providers' own, see ``metrics/sources.py``), ``contributors`` and
``contributor_count`` (the organisations behind the figure and how many, see
``metrics/contributors.py``; SPC points carry them too), ``computed_at`` and
``data_version`` (a hash of the manifest slices the row was computed from).

**Format.** ``index.json`` records the layout's :data:`FORMAT`. A store of another format is
read as not built (:func:`read_index` gives None), and
:func:`oneworkforce.metrics.results_writer.repair_if_stale` (run when a command opens the data
directory) and the next refresh rebuild it in the current format.

**Atomicity.** A write puts new files under new names, then replaces ``index.json`` in one
``os.replace``; readers read the index once and then only the files it names, which are never
rewritten. A reader therefore sees one whole generation, and a failure or crash part-way
leaves the previous generation in place.

**Freshness.** The index records the ``data_version`` of the lake's manifest (the ledger's
accepted and superseded slices) it was computed from; :func:`lake_version` is the manifest's
current one. They differ when the store is stale: a writer was killed or failed between the
ledger's commit and the store's.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oneworkforce.metrics.catalogue import Catalogue
from oneworkforce.metrics.definitions import Metric

#: 1: one file per split; 2: before the staff_category column; 3: before coverage; 4: before
#: the contributors columns; 5: one file per split and metric, not per split and family
FORMAT = 6
DIMENSION_COLUMNS = (
    "place",
    "segment",
    "org_code",
    "staff_group",
    "staff_category",
    "band_cluster",
)
SERIES_COLUMNS = ("metric", *DIMENSION_COLUMNS, "origin")
_TIME = pa.timestamp("us", tz="UTC")

RESULTS_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("period", pa.string()),
        *[(d, pa.string()) for d in DIMENSION_COLUMNS],
        ("origin", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("unit", pa.string()),
        ("basis", pa.string()),
        ("quality", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("note", pa.string()),
        ("coverage", pa.string()),
        ("contributors", pa.list_(pa.string())),
        ("contributor_count", pa.int32()),
        ("computed_at", _TIME),
        ("data_version", pa.string()),
    ]
)
SPC_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        *[(d, pa.string()) for d in DIMENSION_COLUMNS],
        ("origin", pa.string()),
        ("period", pa.string()),
        ("index", pa.int32()),
        ("value", pa.float64()),
        ("mean", pa.float64()),
        ("lpl", pa.float64()),
        ("upl", pa.float64()),
        ("outside_limits", pa.bool_()),
        ("close_to_limits", pa.bool_()),
        ("relative_to_mean", pa.int8()),
        ("special_cause_flag", pa.bool_()),
        ("point_type", pa.string()),
        ("rule", pa.string()),
        ("trial_limits", pa.bool_()),
        ("variation_icon", pa.string()),
        ("assurance", pa.string()),
        ("improvement", pa.string()),
        ("target", pa.float64()),
        ("contributors", pa.list_(pa.string())),
        ("contributor_count", pa.int32()),
        ("computed_at", _TIME),
    ]
)
MANIFEST_COLUMNS = ("submission_id", "dataset", "segment", "org_code", "period", "rows", "status")

Row = dict[str, Any]
SeriesKey = tuple[str | None, ...]


def families(catalogue: Catalogue) -> dict[str, str]:
    """Each metric's family, named by its first metric: the run of consecutive catalogue
    metrics reading the same datasets. A split's results (and SPC points) of one family are
    one file; families follow the catalogue's order, so files read in that order give rows in
    catalogue order."""
    out: dict[str, str] = {}
    first, datasets = "", None
    for metric in catalogue:
        if set(metric.datasets) != datasets:
            first, datasets = metric.code, set(metric.datasets)
        out[metric.code] = first
    return out


def files_of(index: Mapping[str, Any]) -> set[str]:
    """The names of every file a generation's index refers to."""
    files = {index["manifest"]}
    for info in index["splits"].values():
        for stored in info["metrics"].values():
            files.update((stored["results"], stored["spc"]))
    return files


def results_root(lake_root: Path | str) -> Path:
    return Path(lake_root) / "_results"


def index_path(lake_root: Path | str) -> Path:
    return results_root(lake_root) / "index.json"


def read_index(lake_root: Path | str) -> dict[str, Any] | None:
    """The current generation's index (None before the first write)."""
    try:
        text = index_path(lake_root).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data: dict[str, Any] = json.loads(text)
    return data if data.get("format") == FORMAT else None


def stored_format(lake_root: Path | str) -> int | None:
    """The format of the stored generation, whatever it is (None before the first write)."""
    try:
        data = json.loads(index_path(lake_root).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    value = data.get("format") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def manifest_path(lake_root: Path | str) -> Path:
    return Path(lake_root) / "_manifest" / "slices.parquet"


def read_manifest_table(lake_root: Path | str) -> pa.Table:
    """The lake's manifest as a table (empty, with its columns, before the first import)."""
    from oneworkforce.data.lake import read_manifest_file

    return read_manifest_file(manifest_path(lake_root))


def data_version(slices: Sequence[Mapping[str, Any]]) -> str:
    """A hash of the manifest's slices (order does not matter): :func:`table_version` of
    them."""
    from oneworkforce.data.lake import MANIFEST_SCHEMA

    return table_version(pa.Table.from_pylist(list(slices), schema=MANIFEST_SCHEMA))


def manifest_lines(manifest: pa.Table) -> pa.Array:
    """One string per slice of a manifest table: its columns as ``str()`` spells them
    (``None`` for a missing value), joined by U+001F, column by column rather than row by row
    (a ledger of years of monthly files has tens of thousands of slices)."""
    if manifest.num_rows == 0:
        return pa.array([], pa.string())
    parts = [pc.fill_null(pc.cast(manifest[c], pa.string()), "None") for c in MANIFEST_COLUMNS]
    return pc.binary_join_element_wise(*parts, "\x1f").combine_chunks()


def table_version(manifest: pa.Table) -> str:
    """The data version of a manifest table: a hash of its slices' lines
    (:func:`manifest_lines`) in sorted order, so the slices' order does not matter."""
    lines = manifest_lines(manifest)
    ordered = lines.take(pc.sort_indices(lines)).to_pylist()
    return hashlib.sha256("\n".join(ordered).encode()).hexdigest()[:16]


def lake_version(lake_root: Path | str) -> str:
    """The data version of the lake's current manifest."""
    return table_version(read_manifest_table(lake_root))


def catalogue_fingerprint(catalogue: Catalogue) -> str:
    text = json.dumps(catalogue.to_list(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_stale(index: Mapping[str, Any] | None, lake: str, catalogue: Catalogue) -> bool:
    """Whether a stored generation is behind the lake's data or the catalogue."""
    return (
        index is None
        or index["data_version"] != lake
        or index.get("catalogue") != catalogue_fingerprint(catalogue)
    )


def stored_generation(index: Mapping[str, Any], fallback: int | None = None) -> int | None:
    """The ledger generation a stored generation reflects: the number of slices in the
    manifest it was computed from (the ledger only ever adds slices, so the count grows with
    every accepted file). ``fallback`` for an index written before it was recorded."""
    value = index.get("ledger_generation")
    return fallback if value is None else int(value)


def spc_target(metric: Metric, segment: str | None = None) -> float | None:
    """The target SPC assurance is judged against: the first of the metric's targets that
    applies to the segment (system-wide targets when none), if it is on the side that matters
    (a ceiling when lower is better, a floor when higher is better)."""
    applying = [t for t in metric.targets if t.applies_to(segment)]
    for target in applying[:1]:
        if metric.improvement == "decrease" and target.kind == "ceiling":
            return target.upper
        if metric.improvement == "increase" and target.kind == "floor":
            return target.lower
    return None


def series_key(row: Mapping[str, Any]) -> SeriesKey:
    return tuple(row[c] for c in SERIES_COLUMNS)


def sort_key(order: Mapping[str, int]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Catalogue order, then group, then period."""

    def key(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            order.get(row["metric"], len(order)),
            *("" if row[c] is None else row[c] for c in (*DIMENSION_COLUMNS, "origin")),
            row["period"],
        )

    return key


def fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def read_parquet(path: Path, filters: list[tuple[str, str, Any]] | None = None) -> list[Row]:
    table = pq.read_table(path, filters=filters or None)
    return table.to_pylist()
