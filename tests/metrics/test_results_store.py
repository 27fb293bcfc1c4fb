"""The results store: stored figures equal a fresh compute, a submission recomputes only the
results it can alter, provenance, atomic writes, and SPC per stored series.

The data is small and written here: three partner organisations of the sample register
(RZA secondary care in North, RZB community in South, B99001 general practice in North) with
staff in post and sickness returns from 2023-01 to 2024-06.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from oneworkforce.data.importer import Importer
from oneworkforce.metrics import compute, spc
from oneworkforce.metrics.impact import SPLITS
from oneworkforce.metrics.store import DIMENSION_COLUMNS, ResultsStore
from tests.data.samples import write

pytestmark = pytest.mark.django_db

MONTHS = [f"2023-{m:02d}" for m in range(1, 13)] + [f"2024-{m:02d}" for m in range(1, 7)]
STAFF_IN_POST_METRICS = {
    "staff_in_post_fte",
    "staff_in_post_headcount",
    "turnover_rate",
    "leaver_rate",
    "joiner_rate",
    "stability_index",
    "vacancy_fte",
    "vacancy_rate",
    "plan_variance_substantive_fte",
    "plan_variance_substantive_fte_pct",
    "wres_bme_share",
}
SICKNESS_METRICS = {"sickness_absence_rate", "sickness_absence_rate_12m"}
ORG = {"RZA": ("North", "secondary_care"), "RZB": ("South", "nhs_community")}
ORG["B99001"] = ("North", "general_practice")


def person(org, period, pid, group, band, ethnic="white", fte=1.0):
    return {
        "period": period,
        "org_code": org,
        "person_id": pid,
        "assignment_id": f"{pid}-{org}",
        "staff_group": group,
        "band": band,
        "fte": fte,
        "contract_type": "permanent",
        "age": 40,
        "sex": "female",
        "ethnic_group": ethnic,
        "disability": "no",
        "start_date": "2015-01-01",
    }


def staff(org, period, drop=(), add=()):
    """Who is in post at an organisation in a month (``drop``/``add`` change the usual)."""
    i = MONTHS.index(period) if period in MONTHS else len(MONTHS)
    if org == "RZA":
        people = [person(org, period, p, "nursing_midwifery", "band_5") for p in ("a1", "a2", "a3")]
        if i < 8:  # a4 leaves after 2023-08
            people.append(person(org, period, "a4", "nursing_midwifery", "band_6", fte=0.5))
        people.append(person(org, period, "a5", "medical_dental", "medical", "bme"))
    elif org == "RZB":
        people = [person(org, period, p, "ahp", "band_6") for p in ("b1", "b2")]
        if i >= 9:  # b3 joins in 2023-10
            people.append(person(org, period, "b3", "ahp", "band_7", "bme", 0.8))
    else:
        people = [person(org, period, p, "admin_clerical", "band_3") for p in ("g1", "g2")]
    people = [p for p in people if p["person_id"] not in drop]
    return people + [person(org, period, p, *spec) for p, spec in add]


def lost(org, period):
    return {"RZA": 30.0, "RZB": 12.0}[org] + MONTHS.index(period)


def sickness(org, period, days_lost=None):
    group = "nursing_midwifery" if org == "RZA" else "ahp"
    return {
        "period": period,
        "org_code": org,
        "staff_group": group,
        "fte_days_lost": lost(org, period) if days_lost is None else days_lost,
        "fte_days_available": 1000.0,
    }


@pytest.fixture
def loaded(importer, tmp_path):
    """The data loaded (no hook), the stored results built; the submission ids by name."""
    ids = {}
    for name, dataset, rows in (
        ("sip", "staff_in_post", [r for m in MONTHS for o in ORG for r in staff(o, m)]),
        ("sick_rza", "sickness_absence", [sickness("RZA", m) for m in MONTHS]),
        ("sick_rzb", "sickness_absence", [sickness("RZB", m) for m in MONTHS]),
    ):
        result = importer.import_file(dataset, write(tmp_path / f"{name}.csv", rows))
        assert result.status == "accepted", result.report.summary()
        ids[name] = result.submission_id
    store = ResultsStore(importer.home.lake)
    assert store.rebuild().mode == "rebuild"
    return importer, store, ids


def snapshot(store):
    """Every stored row of every split, by (split, metric, period, dimensions, origin)."""
    out = {}
    for split in SPLITS:
        for row in store.results(split=split.name):
            key = (
                split.name,
                row["metric"],
                row["period"],
                row["place"],
                row["segment"],
                row["org_code"],
                # the staff dimension of the split: a group, or a cross-sector level (no split
                # has both)
                row["staff_group"] or row["staff_category"],
                row["band_cluster"],
                row["origin"],
            )
            assert key not in out, key
            out[key] = row
    return out


def fresh(importer, split):
    con = importer.lake.connect()
    try:
        return compute(con, by=split.by)
    finally:
        con.close()


def comparable(row):
    dims = {d: row[d] for d in DIMENSION_COLUMNS if row[d] is not None}
    return (
        row["metric"],
        row["period"],
        tuple(sorted(dims.items())),
        row["value"],
        row["numerator"],
        row["denominator"],
        row["unit"],
        row["basis"],
        row["quality"],
        tuple(row["sources"]),
        row["note"],
    )


def assert_matches_fresh_compute(importer, store):
    """Stored rows equal a fresh compute (numbers to 1e-12: DuckDB may add in any order)."""
    for split in SPLITS:
        expected = sorted(
            (
                comparable(
                    {**r.to_dict(), **{d: r.dimensions.get(d) for d in DIMS}, "note": r.note}
                )
                for r in fresh(importer, split)
            ),
            key=str,
        )
        stored = sorted((comparable(r) for r in store.results(split=split.name)), key=str)
        assert len(stored) == len(expected), split.name
        for got, want in zip(stored, expected, strict=True):
            assert got[:3] + got[6:] == want[:3] + want[6:], split.name
            for g, w in zip(got[3:6], want[3:6], strict=True):
                assert g == (w if w is None else pytest.approx(w, rel=1e-12)), (split.name, got)


DIMS = DIMENSION_COLUMNS


def same(a, b):
    return a == b if a is None or b is None else a == pytest.approx(b, rel=1e-12)


def import_file(importer, tmp_path, name, dataset, rows):
    result = importer.import_file(dataset, write(tmp_path / f"{name}.csv", rows))
    assert result.status == "accepted", result.report.summary()
    return result


# --- stored values ------------------------------------------------------------------------------


def test_stored_values_equal_a_fresh_compute_and_hand_figures(loaded):
    importer, store, _ = loaded
    assert_matches_fresh_compute(importer, store)
    system = {
        (r["metric"], r["period"]): r
        for r in store.results(split="system")
        if r["origin"] == "computed"
    }
    # 2023-03: RZA a1-a5 (5 people), RZB b1-b2, B99001 g1-g2 -> 9 people, FTE 8.5
    assert system["staff_in_post_headcount", "2023-03"]["value"] == 9
    assert system["staff_in_post_fte", "2023-03"]["value"] == pytest.approx(8.5)
    # 2024-03: a4 gone, b3 (0.8 FTE) joined -> 9 people, FTE 8.8
    assert system["staff_in_post_fte", "2024-03"]["value"] == pytest.approx(8.8)
    # pooled sickness, 2023-05: (30 + 4) + (12 + 4) days lost of 2000 available
    assert system["sickness_absence_rate", "2023-05"]["value"] == pytest.approx(50 / 2000)
    by_org = store.results("staff_in_post_headcount", "org_code", {"period": "2024-01"})
    assert {r["org_code"]: r["value"] for r in by_org} == {"RZA": 4, "RZB": 3, "B99001": 2}
    status = store.status()
    assert status["built"] and not status["stale"]
    assert {n: s["rows"] for n, s in status["splits"].items()} == {
        s.name: len(store.results(split=s.name)) for s in SPLITS
    }


# --- incremental recompute ----------------------------------------------------------------------


def expected_touch(key, metrics, periods, org):
    """Whether a stored row can change when ``org``'s data changes (worked out by hand)."""
    split, metric, period, place, segment, org_code, _group, _band, _origin = key
    if metric not in metrics or period not in periods:
        return False
    if metric == "leaver_rate":  # leavers are people in no partner organisation: every group
        return True
    own_place, own_segment = ORG[org]
    return {
        "system": True,
        "staff_group": True,
        "staff_category": True,
        "place": place == own_place,
        "segment": segment == own_segment,
        "place_segment": place == own_place and segment == own_segment,
        "segment_staff_group": segment == own_segment,
        "org_code": org_code == org,
        "org_code_staff_group": org_code == org,
    }[split]


def test_a_new_submission_recomputes_only_the_rows_it_can_alter(loaded, tmp_path):
    importer, store, _ = loaded
    before = snapshot(store)
    # RZB resends 2024-02 without b2: a snapshot month of staff in post (p), and the
    # 12-month flows at p (p + 12 has no data, so no rows)
    import_file(importer, tmp_path, "fix", "staff_in_post", staff("RZB", "2024-02", drop=("b2",)))
    report = store.refresh()
    assert report.mode == "incremental"
    after = snapshot(store)
    assert set(after) == set(before)
    computed_at = {r["computed_at"] for r in after.values()} - {
        r["computed_at"] for r in before.values()
    }
    assert len(computed_at) == 1
    touched = {k for k, r in after.items() if r["computed_at"] in computed_at}
    expected = {k for k in after if expected_touch(k, STAFF_IN_POST_METRICS, {"2024-02"}, "RZB")}
    assert touched == expected
    for key in set(after) - expected:
        assert after[key] == before[key], key
    # the recomputed figures are right: RZB has b1 and b3 in 2024-02; the system 8 people
    assert (
        after[
            "org_code",
            "staff_in_post_headcount",
            "2024-02",
            None,
            None,
            "RZB",
            None,
            None,
            "computed",
        ]["value"]
        == 2
    )
    assert (
        after["system", "staff_in_post_headcount", "2024-02", *[None] * 5, "computed"]["value"] == 8
    )
    # RZA's rows at 2024-02 were recomputed only where a group contains RZB
    assert (
        "org_code",
        "staff_in_post_headcount",
        "2024-02",
        None,
        None,
        "RZA",
        None,
        None,
        "computed",
    ) not in touched
    assert_matches_fresh_compute(importer, store)
    assert store.refresh().mode == "unchanged"


def test_a_refresh_rewrites_only_the_files_of_the_families_it_reaches(loaded, tmp_path):
    importer, store, _ = loaded
    before = stored_files(store)
    split_count = len(store.index()["splits"])
    import_file(importer, tmp_path, "fix", "sickness_absence", [sickness("RZA", "2024-02", 9.0)])
    assert store.refresh().mode == "incremental"
    index = store.index()
    new = stored_files(store) - before - {index["manifest"]}
    # the two sickness metrics share one results file and one SPC file in each split
    assert len(new) == 2 * split_count
    for info in index["splits"].values():
        for code, stored in info["metrics"].items():
            rewritten = {stored["results"], stored["spc"]} <= new
            assert rewritten == (code in SICKNESS_METRICS), code
        sickness_files = {info["metrics"][c]["results"] for c in SICKNESS_METRICS}
        assert len(sickness_files) == 1
    # a reader of one metric of the family sees that metric's rows only, and every metric's
    # rows come in catalogue order across the families' files
    rate = store.results("sickness_absence_rate", split="org_code")
    assert rate and {r["metric"] for r in rate} == {"sickness_absence_rate"}
    order = {code: i for i, code in enumerate(store.catalogue.codes)}
    every = [order[r["metric"]] for r in store.results(split="org_code")]
    assert every == sorted(every)
    assert set(every) == {order[c] for c in store.index()["splits"]["org_code"]["metrics"]}
    assert_matches_fresh_compute(importer, store)


def test_superseding_a_month_changes_it_and_the_months_whose_window_reads_it(loaded, tmp_path):
    importer, store, _ = loaded
    before = snapshot(store)
    import_file(importer, tmp_path, "sick", "sickness_absence", [sickness("RZA", "2023-06", 300)])
    store.refresh()
    after = snapshot(store)
    changed = {k for k in after if not same(after[k]["value"], before[k]["value"])}
    rza_groups = {
        ("system", None, None, None),
        ("place", "North", None, None),
        ("segment", None, "secondary_care", None),
        ("org_code", None, None, "RZA"),
    }

    def periods_changed(metric):
        found = defaultdict(set)
        for split, m, period, place, segment, org, _group, _band, _origin in changed:
            if m == metric:
                found[split, place, segment, org].add(period)
        return found

    # the month itself for the monthly rate; 2023-06 to 2024-05 for the 12-month rate
    monthly = periods_changed("sickness_absence_rate")
    rolling = periods_changed("sickness_absence_rate_12m")
    for group in rza_groups:
        assert monthly[group] == {"2023-06"}
        assert rolling[group] == set(MONTHS[5:17])
    assert {k[0] for k in changed} == {s.name for s in SPLITS}
    assert {k[1] for k in changed} == SICKNESS_METRICS
    assert all(
        k[3] in (None, "North") and k[4] in (None, "secondary_care") and k[5] in (None, "RZA")
        for k in changed
    )
    # a hand figure: RZA, 12 months to 2024-05 (indices 5..16, 2023-06 now 300 days lost)
    days = [300.0 if i == 5 else 30.0 + i for i in range(5, 17)]
    row = after[
        "org_code",
        "sickness_absence_rate_12m",
        "2024-05",
        None,
        None,
        "RZA",
        None,
        None,
        "computed",
    ]
    assert row["value"] == pytest.approx(sum(days) / 12000)
    assert_matches_fresh_compute(importer, store)


def test_superseding_staff_in_post_reaches_the_flows_twelve_months_on(loaded, tmp_path):
    importer, store, _ = loaded
    before = snapshot(store)
    # a3 missing from RZA's 2023-03: at 2024-03 a3 is a joiner, not a stayer
    import_file(importer, tmp_path, "fix", "staff_in_post", staff("RZA", "2023-03", drop=("a3",)))
    store.refresh()
    after = snapshot(store)
    new_time = max(r["computed_at"] for r in after.values())
    for metric in ("turnover_rate", "joiner_rate", "stability_index"):
        periods = {
            k[2]
            for k, r in after.items()
            if k[:2] == ("org_code", metric) and k[5] == "RZA" and r["computed_at"] == new_time
        }
        assert periods <= {"2023-03", "2024-03"} and "2024-03" in periods, metric
        moved = {
            k[2]
            for k in after
            if k[:2] == ("org_code", metric) and k[5] == "RZA" and after[k] != before[k]
        }
        assert moved <= periods
    # RZA 2024-03 joiners: a3 (in post at 2024-03, not at 2023-03); mean of 4 and 4 people
    joiners = after["org_code", "joiner_rate", "2024-03", None, None, "RZA", None, None, "computed"]
    assert (joiners["numerator"], joiners["denominator"]) == (1, 4)
    assert (
        before["org_code", "joiner_rate", "2024-03", None, None, "RZA", None, None, "computed"][
            "numerator"
        ]
        == 0
    )
    assert_matches_fresh_compute(importer, store)


def test_provenance_lists_the_submissions_each_row_came_from(loaded, tmp_path):
    importer, store, ids = loaded
    fix = import_file(
        importer, tmp_path, "sick", "sickness_absence", [sickness("RZA", "2023-06", 9)]
    )
    store.refresh()

    def sources(split, metric, period, **group):
        rows = store.results(metric, split, {"period": period, **group})
        assert len(rows) == 1
        return set(rows[0]["sources"])

    new = fix.submission_id
    assert sources("org_code", "sickness_absence_rate", "2023-06", org_code="RZA") == {new}
    assert sources("org_code", "sickness_absence_rate", "2023-07", org_code="RZA") == {
        ids["sick_rza"]
    }
    assert sources("system", "sickness_absence_rate", "2023-06") == {new, ids["sick_rzb"]}
    assert sources("org_code", "sickness_absence_rate_12m", "2024-05", org_code="RZA") == {
        new,
        ids["sick_rza"],
    }
    assert sources("org_code", "sickness_absence_rate_12m", "2024-06", org_code="RZA") == {
        ids["sick_rza"]
    }
    assert sources("place", "staff_in_post_headcount", "2024-01", place="South") == {ids["sip"]}


# --- atomicity ----------------------------------------------------------------------------------


def stored_files(store):
    index = store.index()
    names = {index["manifest"]}
    for info in index["splits"].values():
        for stored in info["metrics"].values():
            names |= {stored["results"], stored["spc"]}
    return names


def test_a_failure_part_way_through_a_recompute_leaves_the_previous_results(
    loaded, tmp_path, monkeypatch
):
    importer, store, _ = loaded
    before, index_text = snapshot(store), store.index_path.read_text()
    import_file(importer, tmp_path, "sick", "sickness_absence", [sickness("RZA", "2023-06", 300)])

    calls = []

    def failing_compute(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("engine died")
        return compute(*args, **kwargs)

    broken = ResultsStore(importer.home.lake, compute=failing_compute)
    with pytest.raises(RuntimeError, match="engine died"):
        broken.refresh()
    assert store.index_path.read_text() == index_text
    assert snapshot(store) == before

    # a failure while the new files are being written: some are on disk, the index is not
    import oneworkforce.metrics.results_writer as module

    real_write, written = module._write_parquet, []

    def failing_write(rows, schema, path):
        written.append(path)
        if len(written) == 3:
            raise OSError("disk full")
        real_write(rows, schema, path)

    monkeypatch.setattr(module, "_write_parquet", failing_write)
    with pytest.raises(OSError, match="disk full"):
        store.refresh()
    assert store.index_path.read_text() == index_text
    assert snapshot(store) == before
    assert status_is_stale(store)
    monkeypatch.setattr(module, "_write_parquet", real_write)

    # the next refresh catches up and cleans up after the failed ones
    previous = stored_files(store)
    assert store.refresh().mode == "incremental"
    assert not status_is_stale(store)
    assert_matches_fresh_compute(importer, store)
    on_disk = {p.name for p in store.root.glob("*.parquet")}
    assert on_disk == stored_files(store) | previous
    assert not any(p.exists() for p in written[:2])


def status_is_stale(store):
    return store.status()["stale"]


# --- SPC ----------------------------------------------------------------------------------------


TARGETS = {  # by hand from the seed targets: ceilings for lower-is-better rates only
    "sickness_absence_rate": 0.045,
    "sickness_absence_rate_12m": 0.045,
    "agency_share_of_paybill": 0.032,
    "agency_share_of_paybill_fytd": 0.032,
}


def test_stored_spc_equals_the_analysis_of_the_stored_series(loaded, tmp_path):
    importer, store, _ = loaded
    import_file(importer, tmp_path, "sick", "sickness_absence", [sickness("RZA", "2023-06", 80)])
    store.refresh()
    from oneworkforce.metrics.catalogue import CATALOGUE

    checked = 0
    for split in SPLITS:
        series = defaultdict(dict)
        for row in store.results(split=split.name):
            key = (row["metric"], *(row[d] for d in DIMS), row["origin"])
            series[key][row["period"]] = row["value"]
        points = defaultdict(list)
        for p in store.spc_points(split=split.name):
            points[(p["metric"], *(p[d] for d in DIMS), p["origin"])].append(p)
        assert set(points) == set(series)
        # the index counts each split's series (after the refresh, as after a rebuild)
        assert store.index()["splits"][split.name]["series"] == len(series)
        for key, values in series.items():
            periods = sorted(values)
            start, end = MONTHS.index(periods[0]), MONTHS.index(periods[-1])
            months = MONTHS[start : end + 1]
            metric = CATALOGUE.get(key[0])
            want = spc.analyse(
                [values.get(m) for m in months],
                improvement=metric.improvement,
                target=TARGETS.get(key[0]),
            )
            got = sorted(points[key], key=lambda p: p["period"])
            assert [p["period"] for p in got] == months
            if not metric.spc:
                # rolling 12-month and year-to-date series: values only, no SPC at all
                assert metric.window in ("rolling_12m", "fytd")
                assert [p["value"] for p in got] == [values.get(m) for m in months]
                assert all(
                    p["mean"] is None
                    and p["lpl"] is None
                    and not p["special_cause_flag"]
                    and p["point_type"] is None
                    and p["variation_icon"] is None
                    and p["assurance"] is None
                    for p in got
                )
                checked += 1
                continue
            for point, expected in zip(got, want.points, strict=True):
                assert point["value"] == expected.value
                assert point["mean"] == expected.mean
                assert (point["lpl"], point["upl"]) == (expected.lpl, expected.upl)
                assert point["special_cause_flag"] == expected.special_cause_flag
                assert point["point_type"] == expected.point_type
                assert point["variation_icon"] == want.variation_icon
                assert point["assurance"] == want.assurance
                assert point["target"] == TARGETS.get(key[0])
                assert point["trial_limits"] == (len(months) < 13)
            checked += 1
    assert checked > 100
    sickness_series = store.series("sickness_absence_rate", "org_code", {"org_code": "RZA"})
    assert [p["period"] for p in sickness_series] == MONTHS
    assert sickness_series[0]["assurance"] in ("consistent_pass", "consistent_fail", "inconsistent")
    turnover = store.series("turnover_rate", "system")
    assert turnover and all(p["target"] is None and p["assurance"] is None for p in turnover)
    latest = {r["metric"]: r for r in store.latest(split="system")}
    system_sickness = store.series("sickness_absence_rate")
    assert latest["sickness_absence_rate"]["period"] == "2024-06"
    assert latest["sickness_absence_rate"]["value"] == system_sickness[-1]["value"]
    assert (
        latest["sickness_absence_rate"]["variation_icon"] == (system_sickness[-1]["variation_icon"])
    )


def test_series_needs_a_whole_group(loaded):
    _, store, _ = loaded
    with pytest.raises(ValueError, match="more than one series"):
        store.series("staff_in_post_headcount", "org_code")
    with pytest.raises(ValueError, match="unknown split"):
        store.results(split="band")


# --- the import hook ----------------------------------------------------------------------------


def test_the_import_hook_refreshes_the_store_and_reports_its_failures(loaded, tmp_path):
    importer, store, _ = loaded
    hooked = Importer(importer.home, submitted_by="tester", after_commit=[store.after_commit])
    import_file(hooked, tmp_path, "sick", "sickness_absence", [sickness("RZB", "2024-01", 99)])
    assert not store.status()["stale"]
    row = store.results(
        "sickness_absence_rate", "org_code", {"org_code": "RZB", "period": "2024-01"}
    )
    assert row[0]["value"] == pytest.approx(99 / 1000)

    def broken(_result):
        raise RuntimeError("no space")

    failing = Importer(importer.home, submitted_by="tester", after_commit=[broken])
    result = import_file(
        failing, tmp_path, "again", "sickness_absence", [sickness("RZB", "2024-02", 98)]
    )
    assert result.hook_errors == ["RuntimeError: no space"]
    assert result.to_dict()["hook_errors"] == ["RuntimeError: no space"]
    assert store.status()["stale"]


def test_a_register_change_rebuilds_everything(loaded, tmp_path):
    importer, store, _ = loaded
    from tests.data.samples import SAMPLES

    register = [dict(r) for r in SAMPLES["organisations"]]
    for r in register:
        if r["org_code"] == "RZB":
            r["place"] = "North"
    import_file(importer, tmp_path, "register", "organisations", register)
    assert store.refresh().mode == "rebuild"
    places = {r["place"] for r in store.results("staff_in_post_headcount", "place")}
    assert places == {"North"}
    assert_matches_fresh_compute(importer, store)


def test_an_empty_lake_builds_an_empty_store(home: Path, db):
    store = ResultsStore(home.lake)
    assert store.status() == {
        "built": False,
        "data_version": None,
        "lake_version": store.status()["lake_version"],
        "stale": True,
    }
    store.rebuild()
    assert store.results(split="org_code") == [] and store.latest() == []


def test_the_writer_keeps_the_files_it_wrote_in_memory_within_its_limit(tmp_path):
    """A refresh reads the files the last one wrote from memory; the memory is bounded (the
    oldest table goes first), and a file the store deletes is forgotten."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from oneworkforce.metrics.results_writer import _Written

    tables = {i: pa.table({"x": list(range(i * 100, i * 100 + 100))}) for i in range(3)}
    cache = _Written(limit=int(tables[0].nbytes * 2.5))
    paths = {i: tmp_path / f"t{i}.parquet" for i in tables}
    for i, table in tables.items():
        pq.write_table(table, paths[i])
        cache.put(paths[i], table)
    assert paths[0] not in cache._tables  # over the limit: the oldest went
    assert set(cache._tables) == {paths[1], paths[2]}
    # a file not held is read from disk, and then held
    assert cache.get(paths[0]).equals(tables[0])
    assert paths[0] in cache._tables
    # a held table is served from memory, not the disk
    pq.write_table(pa.table({"x": [-1]}), paths[0])
    assert cache.get(paths[0]).equals(tables[0])
    cache.forget(paths[0])
    assert cache.get(paths[0]).column("x").to_pylist() == [-1]


def test_a_figure_with_a_dimension_the_store_does_not_keep_is_refused(loaded):
    """A figure grouped by a dimension with no stored column would be written as the total
    of its split: the store refuses the whole write instead, and keeps the results it had."""
    import dataclasses

    importer, store, _ = loaded
    index_text = store.index_path.read_text()

    def with_a_stray_dimension(*args, **kwargs):
        results = compute(*args, **kwargs)
        return [dataclasses.replace(results[0], dimensions={"ward": "7B"}), *results[1:]]

    broken = ResultsStore(importer.home.lake, compute=with_a_stray_dimension)
    with pytest.raises(ValueError, match="dimension 'ward' is not stored"):
        broken.rebuild()
    assert store.index_path.read_text() == index_text
