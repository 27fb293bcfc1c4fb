"""Property: whatever is thrown at an importer, it never crashes, never half-loads and never
changes earlier data. Files are the valid samples, mangled: cells replaced by random text or
numbers, columns dropped, junk columns added, headings garbled, or plain random bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneworkforce.data.lake import ALL_DATASETS
from tests.data.samples import SAMPLES, write

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "2024-13",
            "Mar-24",
            "n/a",
            "RZA",
            "rza ",
            "1,5",
            "£12",
            "-0",
            "",
            " ",
            "TRUE",
            "band_9",
            "nursing_midwifery",
            "1e309",
            "0x10",
            "NULL",
            "😀",
        ]
    ),
)


@st.composite
def mangled(draw, dataset: str):
    rows = [dict(r) for r in SAMPLES[dataset]]
    columns = list(rows[0])
    for row in rows:
        for column in columns:
            if draw(st.integers(0, 5)) == 0:
                row[column] = draw(cell)
    if draw(st.booleans()):
        rows = [*rows, dict(draw(st.sampled_from(rows)))]  # a duplicated row
    if draw(st.integers(0, 4)) == 0:
        columns.remove(draw(st.sampled_from(columns)))
    if draw(st.integers(0, 4)) == 0:
        columns.append(draw(st.text(min_size=1, max_size=10)))
    if draw(st.integers(0, 6)) == 0 and columns:
        i = draw(st.integers(0, len(columns) - 1))
        columns[i] = columns[i].upper().replace("_", " ")  # a harmless spelling
    suffix = draw(st.sampled_from(["csv", "xlsx", "parquet", "bytes"]))
    return rows, columns, suffix, draw(st.binary(max_size=200))


def snapshot(importer) -> dict[str, list]:
    con = importer.lake.connect()
    try:
        return {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
            for name in ALL_DATASETS
        }
    finally:
        con.close()


def published(importer) -> set[str]:
    return {str(p) for p in importer.lake.root.rglob("submission=*")}


@pytest.mark.parametrize("dataset", sorted(SAMPLES))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_importers_survive_malformed_files(importer, dataset, data):
    rows, columns, suffix, junk = data.draw(mangled(dataset))
    with tempfile.TemporaryDirectory() as tmp:
        if suffix == "bytes":
            path = Path(tmp) / f"junk.{data.draw(st.sampled_from(['csv', 'xlsx', 'parquet']))}"
            path.write_bytes(junk)
        else:
            try:
                path = write(Path(tmp) / f"f.{suffix}", rows, columns)
            except Exception:  # the writer itself refused (e.g. mixed types in Parquet)
                return
        before, folders = snapshot(importer), published(importer)
        result = importer.import_file(dataset, path)  # must not raise
        after = snapshot(importer)
    assert result.status in ("accepted", "rejected", "duplicate")
    if result.status != "accepted":
        assert after == before, "a rejected file changed the store"
        assert published(importer) == folders
        assert result.status == "duplicate" or result.report.total > 0
        return
    # accepted: exactly the file's rows were added, and no slice outside it changed
    assert result.rows > 0
    if dataset == "organisations":
        return

    def slice_of(row: tuple) -> tuple:  # (segment, organisation or area, period)
        if dataset == "aggregate":
            return (row[1], row[2] or row[3], row[0])
        return (None, row[1], row[0])

    new_slices = {slice_of(r) for r in after[dataset] if r[-1] == result.submission_id}
    untouched = lambda rows: [r for r in rows if slice_of(r) not in new_slices]  # noqa: E731
    assert untouched(after[dataset]) == untouched(before[dataset])
    assert sum(1 for r in after[dataset] if r[-1] == result.submission_id) == result.rows
    for other in ALL_DATASETS:
        if other != dataset:
            assert after[other] == before[other]


@pytest.mark.parametrize(
    "content",
    [
        b"period,org\rcode,person_id\n2024-04,RZA,p1\n",  # a bare carriage return in a heading
        b"period,org_code\rperson_id\n",
    ],
)
def test_a_carriage_return_in_the_headings_is_a_report_not_a_crash(importer, tmp_path, content):
    # found by the property test above: Python's csv module raised on these headings
    path = tmp_path / "leavers.csv"
    path.write_bytes(content)
    result = importer.import_file("leavers", path)
    assert result.status == "rejected"
    assert result.report.errors, "the rejection names what is wrong"
