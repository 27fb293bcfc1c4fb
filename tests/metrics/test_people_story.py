"""The People Story matrix from stored rows: which figure a cell shows, its comparator, its
plan, and its availability state. The store here is a stub holding hand-written rows."""

from __future__ import annotations

from oneworkforce.metrics import people_story, published


def row(metric, segment, period, value, *, origin="computed", quality="actual", basis="fte"):
    return {
        "metric": metric,
        "segment": segment,
        "period": period,
        "value": value,
        "origin": origin,
        "quality": quality,
        "basis": basis,
        "note": None,
        "sources": ["s1"],
        "org_code": None,
    }


class StubStore:
    def __init__(self, rows, org_rows=()):
        self.rows, self.org_rows = rows, list(org_rows)

    def results(self, metrics, split, filters=None):
        filters = filters or {}
        source = self.org_rows if split == "org_code" else self.rows
        wanted = {metrics} if isinstance(metrics, str) else set(metrics)
        return [
            r
            for r in source
            if r["metric"] in wanted and all(r.get(k) == v for k, v in filters.items())
        ]

    def latest(self, metrics, split, filters=None):
        return [
            {**r, "variation_icon": "common_cause", "assurance": None}
            for r in self.results(metrics, split, filters)
        ]


SEGMENTS = [
    {"segment": "secondary_care", "title": "Secondary care"},
    {"segment": "care_homes", "title": "Care homes"},
    {"segment": "volunteers_carers", "title": "Volunteers and carers"},
]
REGISTER = [
    {"org_code": "A", "segment": "secondary_care", "place": "North", "partner": True},
    {"org_code": "B", "segment": "secondary_care", "place": "South", "partner": True},
]


def test_cells_show_value_comparator_plan_and_availability():
    store = StubStore(
        [
            row("staff_in_post_fte", "secondary_care", "2025-03", 980.0),
            row("staff_in_post_fte", "secondary_care", "2024-03", 1000.0),
            row("plan_variance_substantive_fte_pct", "secondary_care", "2025-03", -0.012),
            row(
                "vacancy_rate",
                "care_homes",
                "2025-03",
                0.084,
                origin="aggregate",
                quality="estimate",
                basis="Skills for Care",
            ),
        ],
        # only A of the two secondary care partners has a computed figure this month
        org_rows=[{**row("staff_in_post_fte", None, "2025-03", 500.0), "org_code": "A"}],
    )
    matrix = people_story.build(store, SEGMENTS, organisations=REGISTER)
    assert matrix.period == "2025-03"
    sip = matrix.cell("secondary_care", "staff_in_post_fte")
    assert (sip.display, sip.comparator_display, sip.change_display) == (
        "980.0",
        "1,000.0",
        "-2.0%",
    )
    assert sip.plan == "1.2% under plan"
    assert (sip.organisations_reporting, sip.organisations_expected) == (1, 2)
    assert sip.availability == "partial"
    homes = matrix.cell("care_homes", "vacancy_rate")
    assert (homes.display, homes.availability) == ("8.4%", "estimate")
    # no figure: sickness is not collected for volunteers; vacancies could be
    assert matrix.cell("volunteers_carers", "sickness_absence_rate").availability == (
        "not_applicable"
    )
    assert matrix.cell("volunteers_carers", "vacancy_rate").availability == "not_available"


def test_the_coverage_map_says_what_happens_to_a_gap():
    store = StubStore([row("staff_in_post_fte", "secondary_care", "2025-03", 10.0)])
    planned = people_story.Override("planned", "Breakthrough research", "VCSE lead", "Q3 survey")
    matrix = people_story.build(
        store, SEGMENTS, overrides={("volunteers_carers", "vacancy_rate"): planned}
    )
    cell = matrix.cell("volunteers_carers", "vacancy_rate")
    assert (cell.availability, cell.owner, cell.next_step) == ("planned", "VCSE lead", "Q3 survey")
    # an override cannot claim a figure the data does not have ...
    assert matrix.cell("secondary_care", "staff_in_post_fte").availability == "available"
    # ... but may mark one an estimate
    estimate = people_story.Override("estimate")
    matrix = people_story.build(
        store, SEGMENTS, overrides={("secondary_care", "staff_in_post_fte"): estimate}
    )
    assert matrix.cell("secondary_care", "staff_in_post_fte").availability == "estimate"


def _stored(results):
    """Engine results as the results store keeps them (origin from the sources' dataset)."""
    rows = []
    for r in results:
        aggregate = all(s.startswith("aggregate:") for s in r.sources)
        rows.append(
            {
                **r.to_dict(),
                "segment": r.dimensions.get("segment"),
                "org_code": r.dimensions.get("org_code"),
                "origin": "aggregate" if r.sources and aggregate else "computed",
                "note": r.note,
                "coverage": r.coverage,
            }
        )
    return rows


def test_care_homes_staff_in_post_comes_from_the_estimate_in_both_years():
    """The demo's shape (issue 11): Skills for Care's estimate for the care homes in both
    Marches, and in 2025-03 one care home's ASC-WDS worker file (1.6 FTE) and another's own
    return (40 FTE). The cell read 1.6 against 13,028.8 (-100%) when the computed figure was
    preferred."""
    from oneworkforce.metrics.engines import get_engine
    from tests.metrics.spec.test_aggregate import estimated_source

    engine = get_engine("duckdb")
    segment = engine.compute(estimated_source(), ["staff_in_post_fte"], None, ["segment"])
    orgs = engine.compute(estimated_source(), ["staff_in_post_fte"], None, ["org_code"])
    store = StubStore(_stored(segment), _stored(orgs))
    register = [
        {"org_code": code, "segment": "care_homes", "place": "North", "partner": True}
        for code in ("H1", "H2", "H3")
    ]
    matrix = people_story.build(store, SEGMENTS, organisations=register)
    cell = matrix.cell("care_homes", "staff_in_post_fte")
    # 13,444.0 now against 13,028.8 a year before, both the estimate:
    # (13444.0 - 13028.8) / 13028.8 = 415.2 / 13028.8 = +3.2%
    assert (cell.value, cell.comparator) == (13444.0, 13028.8)
    assert cell.change_display == "+3.2%"
    assert (cell.coverage, cell.availability) == ("area", "estimate")
    assert cell.coverage_note == (
        "estimate for the whole area; 2 providers also report their own figures"
    )


def test_an_estimate_is_never_compared_with_the_providers_own_figures():
    estimate = {**row("staff_in_post_fte", "care_homes", "2025-03", 13444.0), "coverage": "area"}
    estimate.update(origin="aggregate", quality="estimate")
    providers = {**row("staff_in_post_fte", "care_homes", "2024-03", 1.6), "coverage": "providers"}
    matrix = people_story.build(StubStore([estimate, providers]), SEGMENTS)
    cell = matrix.cell("care_homes", "staff_in_post_fte")
    # the year before is the providers' own 1.6 FTE: no comparator, no change
    assert (cell.value, cell.comparator, cell.change_display) == (13444.0, None, "")


def test_a_cell_shows_the_figure_it_can_compare_with_the_year_before():
    """Adult social work: this March the councils' ASC-WDS worker files (computed, 480 FTE)
    and their own returns (aggregate, 549.5 FTE); a year before only the returns (564.5 FTE).
    The cell shows the returns, against the returns: (549.5 - 564.5) / 564.5 = -2.7%."""

    def council(period, value, origin):
        figure = {**row("staff_in_post_fte", "adult_social_work", period, value)}
        figure.update(origin=origin, coverage="providers")
        return figure

    store = StubStore(
        [
            council("2025-03", 480.0, "computed"),
            council("2025-03", 549.5, "aggregate"),
            council("2024-03", 564.5, "aggregate"),
        ]
    )
    segments = [{"segment": "adult_social_work", "title": "Adult social work"}]
    cell = people_story.build(store, segments).cell("adult_social_work", "staff_in_post_fte")
    assert (cell.value, cell.comparator, cell.change_display) == (549.5, 564.5, "-2.7%")
    assert cell.origin == "aggregate"


class OrgStore(StubStore):
    """A stub whose organisation rows answer a list of periods, as the results store does."""

    def results(self, metrics, split, filters=None):
        filters = dict(filters or {})
        periods = filters.pop("period", None)
        found = super().results(metrics, split, filters)
        if isinstance(periods, list):
            return [r for r in found if r["period"] in periods]
        return [r for r in found if periods is None or r["period"] == periods]


def test_a_headline_is_not_compared_when_other_organisations_report():
    """The system's staff in post: 1,845.4 FTE from the NHS a year before; this month 2,458.0
    with the councils' ASC-WDS worker records (C1) as well, which were not there before: the
    +33.2% is new records, not growth, so there is no comparator."""

    def org(code, period, value):
        return {**row("staff_in_post_fte", None, period, value), "org_code": code}

    system = [
        row("staff_in_post_fte", None, "2025-03", 2458.0),
        row("staff_in_post_fte", None, "2024-03", 1845.4),
    ]
    orgs = [org("A", "2024-03", 1845.4), org("A", "2025-03", 1900.0), org("C1", "2025-03", 558.0)]
    (cell,) = [
        c
        for c in people_story.headlines(OrgStore(system, orgs), period="2025-03")
        if c.metric == "staff_in_post_fte"
    ]
    assert (cell.value, cell.comparator, cell.change_display) == (2458.0, None, "")
    # the same organisations both months: compared, (1900.0 - 1845.4) / 1845.4 = +3.0%
    same = [org("A", "2024-03", 1845.4), org("A", "2025-03", 1900.0)]
    nhs = [
        row("staff_in_post_fte", None, "2025-03", 1900.0),
        row("staff_in_post_fte", None, "2024-03", 1845.4),
    ]
    (cell,) = [
        c
        for c in people_story.headlines(OrgStore(nhs, same), period="2025-03")
        if c.metric == "staff_in_post_fte"
    ]
    assert (cell.comparator, cell.change_display) == (1845.4, "+3.0%")


def _sip(code, period, value, sources, note=None, segment=None):
    """A stored staff in post figure: an organisation's (``code``) or a group's (None)."""
    found = row("staff_in_post_fte", segment, period, value)
    return {**found, "org_code": code, "sources": sources, "note": note}


#: the note published.merge gives an organisation's figure taken from NHS Workforce Statistics
PUBLISHED = published.note("staff_in_post_fte", 1, True)


def _headline(store):
    (cell,) = [
        c
        for c in people_story.headlines(store, period="2025-03")
        if c.metric == "staff_in_post_fte"
    ]
    return cell


def test_a_headline_leaves_out_organisations_outside_the_system_total():
    """C1, a council, sends an ASC-WDS worker file this month: its own figure (558.0 FTE) is
    not among the system figure's sources (its segment is sized by its return, so it is left
    out of the total): the same organisations, A and B, are behind both months, so the
    figures are compared: (2,000.0 - 1,845.4) / 1,845.4 = +8.4%."""
    system = [
        _sip(None, "2025-03", 2000.0, ["esr:A:2025-03", "esr:B:2025-03"]),
        _sip(None, "2024-03", 1845.4, ["esr:A:2024-03", "esr:B:2024-03"]),
    ]
    orgs = [
        _sip("A", "2024-03", 1000.0, ["esr:A:2024-03"]),
        _sip("B", "2024-03", 845.4, ["esr:B:2024-03"]),
        _sip("A", "2025-03", 1100.0, ["esr:A:2025-03"]),
        _sip("B", "2025-03", 900.0, ["esr:B:2025-03"]),
        _sip("C1", "2025-03", 558.0, ["ascwds:C1:2025-03"]),
    ]
    cell = _headline(OrgStore(system, orgs))
    assert (cell.comparator, cell.change_display, cell.comparison_note) == (1845.4, "+8.4%", "")


def test_a_headline_is_not_compared_across_a_change_of_source():
    """Trust A sent its ESR extract for March 2024 but none for March 2025, when its figure is
    NHS Workforce Statistics' published total (metrics/published.py): the same organisations
    are behind both months, but A's figure is of another source, so the +8.4% is not shown and
    the headline says why."""
    system = [
        _sip(None, "2025-03", 2000.0, ["esr:B:2025-03", "nws:2025-03"], PUBLISHED),
        _sip(None, "2024-03", 1845.4, ["esr:A:2024-03", "esr:B:2024-03"]),
    ]
    orgs = [
        _sip("A", "2024-03", 1000.0, ["esr:A:2024-03"]),
        _sip("B", "2024-03", 845.4, ["esr:B:2024-03"]),
        _sip("A", "2025-03", 1100.0, ["nws:2025-03"], PUBLISHED),
        _sip("B", "2025-03", 900.0, ["esr:B:2025-03"]),
    ]
    cell = _headline(OrgStore(system, orgs))
    assert (cell.value, cell.comparator, cell.change_display) == (2000.0, None, "")
    assert cell.comparison_note == (
        "not compared with March 2024: a change of source (A is counted from its own ESR "
        "extract in one month and from NHS Workforce Statistics' published figure in the other)"
    )
    # the same sources both months (A published in both): compared
    orgs[0] = _sip("A", "2024-03", 1000.0, ["nws:2024-03"], PUBLISHED)
    system[1] = _sip(None, "2024-03", 1845.4, ["esr:B:2024-03", "nws:2024-03"], PUBLISHED)
    cell = _headline(OrgStore(system, orgs))
    assert (cell.comparator, cell.change_display, cell.comparison_note) == (1845.4, "+8.4%", "")


def test_a_cell_is_not_compared_across_a_change_of_source():
    """The same change in the secondary care cell: A's figure is its ESR extract's in March
    2024 and NHS Workforce Statistics' in March 2025, so the cell shows no comparator and says
    why; B, whose extract is there both months, is compared as before."""
    segment = [
        _sip(
            None, "2025-03", 2000.0, ["esr:B:2025-03", "nws:2025-03"], PUBLISHED, "secondary_care"
        ),
        _sip(None, "2024-03", 1845.4, ["esr:A:2024-03", "esr:B:2024-03"], None, "secondary_care"),
    ]
    orgs = [
        _sip("A", "2024-03", 1000.0, ["esr:A:2024-03"]),
        _sip("B", "2024-03", 845.4, ["esr:B:2024-03"]),
        _sip("A", "2025-03", 1100.0, ["nws:2025-03"], PUBLISHED),
        _sip("B", "2025-03", 900.0, ["esr:B:2025-03"]),
    ]
    matrix = people_story.build(OrgStore(segment, orgs), SEGMENTS, organisations=REGISTER)
    cell = matrix.cell("secondary_care", "staff_in_post_fte")
    assert (cell.value, cell.comparator, cell.change_display) == (2000.0, None, "")
    assert cell.comparison_note.startswith("not compared with March 2024: a change of source (A ")
    # with A's own extract in both months: compared
    orgs[2] = _sip("A", "2025-03", 1100.0, ["esr:A:2025-03"])
    segment[0] = _sip(
        None, "2025-03", 2000.0, ["esr:A:2025-03", "esr:B:2025-03"], None, "secondary_care"
    )
    matrix = people_story.build(OrgStore(segment, orgs), SEGMENTS, organisations=REGISTER)
    cell = matrix.cell("secondary_care", "staff_in_post_fte")
    assert (cell.comparator, cell.change_display, cell.comparison_note) == (1845.4, "+8.4%", "")


def test_a_movement_is_written_as_a_board_paper_writes_it():
    # rates move in points, amounts in per cent, each to one decimal place with its sign
    assert people_story.change(0.051, 0.052, "fraction") == "-0.1 points"
    assert people_story.change(0.093, 0.09, "fraction") == "+0.3 points"
    assert people_story.change(52126.0, 51406.8, "fte") == "+1.4%"
    # a movement that rounds to nothing carries no sign: "-0.0 points" would read as a fall
    assert people_story.change(0.11996, 0.12, "fraction") == "0.0 points"
    assert people_story.change(100.0, 100.01, "fte") == "0.0%"
    assert people_story.change(None, 0.12, "fraction") == ""
