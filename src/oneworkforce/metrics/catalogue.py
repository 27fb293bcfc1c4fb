"""The v1 metric catalogue (issue 3), as data.

Every entry cites the section of ``shared/research/metric_definitions.md`` it follows. Rates
are fractions (0.084 is 8.4%). Targets are documented defaults; an ICS sets its own in
``targets.toml`` (:mod:`oneworkforce.metrics.targets`, :meth:`Catalogue.with_targets`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from oneworkforce.metrics.definitions import (
    SUBSTANTIVE_CONTRACTS,
    Add,
    AggregateNote,
    AssignmentTotal,
    Basis,
    Col,
    Condition,
    Counting,
    DatasetColumn,
    FlowCount,
    FlowDenominator,
    Gap,
    Improvement,
    Leaving,
    Metric,
    OfficialSource,
    PersonCount,
    PersonFlow,
    PlanComparison,
    Sub,
    TableMeasure,
    Target,
    Total,
    Unit,
    Window,
)

# --- Reference lists ------------------------------------------------------------------------------

#: WRES band clusters (§8 indicator 1; the same as data/reference/bands.csv). Band ``other``
#: and a missing band belong to no cluster; they still count in the ``all`` row.
BAND_CLUSTERS: dict[str, tuple[str, ...]] = {
    "bands_1_4": ("band_1", "band_2", "band_3", "band_4"),
    "bands_5_7": ("band_5", "band_6", "band_7"),
    "bands_8a_8b": ("band_8a", "band_8b"),
    "bands_8c_9_vsm": ("band_8c", "band_8d", "band_9", "vsm"),
    "medical": ("medical",),
}
BAND_CLUSTER_TOTAL = "all"

ALL_SEGMENTS = (
    "volunteers_carers",
    "community_pharmacy",
    "dentistry",
    "support_at_home",
    "personal_care",
    "care_homes",
    "adult_social_work",
    "childrens_social_work",
    "general_practice",
    "nhs_community",
    "secondary_care",
    "nhs_mental_health",
    "ambulance",
    "icb_corporate",
)
NHS_SEGMENTS = (
    "nhs_community",
    "secondary_care",
    "nhs_mental_health",
    "ambulance",
    "icb_corporate",
)
SOCIAL_CARE_SEGMENTS = ("support_at_home", "personal_care", "care_homes", "adult_social_work")
#: the segments that employ staff: sickness absence and agency use can be measured in each,
#: so a gap there is "Not available" (a gap to close), never "Not applicable" (seed 001
#: reports social care sickness and agency as "Not available"). Volunteers and carers are not
#: employed staff.
EMPLOYER_SEGMENTS = tuple(s for s in ALL_SEGMENTS if s != "volunteers_carers")

# --- Official sources (§ = section of metric_definitions.md) --------------------------------------

_WORKFORCE_STATS = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-workforce-statistics"
)
SIP = OfficialSource("NHS Workforce Statistics: staff in post", "§1", _WORKFORCE_STATS)
TURNOVER = OfficialSource(
    "NHS Workforce Statistics: turnover tables (leavers, joiners, stability index)",
    "§2",
    "https://www.nuffieldtrust.org.uk/chart/regional-variation-in-leaver-rates-for-selected-"
    "staff-groups-in-year-to-30-september-2021",
)
SICKNESS = OfficialSource(
    "NHS Sickness Absence Rates",
    "§3",
    "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-sickness-absence-rates",
)
VACANCY = OfficialSource(
    "NHS Vacancy Statistics, England",
    "§4",
    "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-vacancies-survey",
)
AGENCY = OfficialSource(
    "NHS Improvement agency rules and operational planning guidance",
    "§5",
    "https://www.gov.uk/government/publications/nursing-agency-rules",
)
PLAN = OfficialSource(
    "NHS operational planning: workforce plan trajectory (local definition)",
    "§5",
    "https://www.gov.uk/government/publications/nursing-agency-rules",
)
WRES = OfficialSource(
    "Workforce Race Equality Standard, indicator 1",
    "§8",
    "https://www.england.nhs.uk/publication/workforce-race-equality-standard-wres-indicators/",
)

# --- Default targets ----------------------------------------------------------------------------
# Documented defaults, each with its source; an ICS replaces them in targets.toml in its data
# directory (metrics/targets.py, the Targets admin page). Segment-specific targets come first:
# the first target that applies to a segment is its target.

_DEFAULT_BAND = (
    "OneWorkforce's starting band for an ICS that has not set its own (the product brief); "
    "replace it in targets.toml"
)
TURNOVER_TARGET = Target(
    "8-12%", lower=0.08, upper=0.12, source=_DEFAULT_BAND, segments=NHS_SEGMENTS
)
SOCIAL_CARE_TURNOVER_TARGET = Target(
    "at most 24.8%",
    upper=0.248,
    source="England's adult social care turnover, 2023/24 (Skills for Care, "
    "research/metric_definitions.md §6): at or below the national rate",
    segments=SOCIAL_CARE_SEGMENTS,
)
VACANCY_TARGET = Target(
    "8-12%", lower=0.08, upper=0.12, source=_DEFAULT_BAND, segments=NHS_SEGMENTS
)
SOCIAL_CARE_VACANCY_TARGET = Target(
    "at most 8.3%",
    upper=0.083,
    source="England's adult social care vacancy rate, 2023/24 (Skills for Care, "
    "research/metric_definitions.md §6): at or below the national rate",
    segments=SOCIAL_CARE_SEGMENTS,
)
SICKNESS_TARGET = Target(
    "at most 4.5%",
    upper=0.045,
    source="OneWorkforce's starting ceiling for an ICS that has not set its own (the product "
    "brief); replace it in targets.toml",
)
AGENCY_LIMIT = Target(
    "at most 3.2% of pay bill",
    upper=0.032,
    set_by="NHS England",
    source="ICS agency limit 2024/25: 3.2% of pay bill (research/metric_definitions.md §5)",
)

SKILLS_FOR_CARE_TURNOVER = AggregateNote(
    "Skills for Care definition (§6): leavers in the past 12 months over directly employed "
    "staff at the return, moves between care employers counted; not the NHS mean of "
    "headcounts at p-12 and p",
    segments=SOCIAL_CARE_SEGMENTS,
    basis_mentions=("skills for care", "asc-wds"),
)
SKILLS_FOR_CARE_VACANCY = AggregateNote(
    "Skills for Care definition (§6): vacant posts over filled plus vacant posts, counted as "
    "posts; not the NHS establishment gap in FTE",
    segments=SOCIAL_CARE_SEGMENTS,
    basis_mentions=("skills for care", "asc-wds"),
)
SKILLS_FOR_CARE_POSTS = AggregateNote(
    "Skills for Care estimate (§6): filled posts, one person in two jobs counts twice; "
    "not distinct people",
    segments=SOCIAL_CARE_SEGMENTS,
    basis_mentions=("skills for care", "asc-wds"),
)

ASCWDS_SICKNESS = AggregateNote(
    "Skills for Care ASC-WDS (§6): each worker's days sick in the 12 months to the snapshot, "
    "as the employer records them, weighted by contracted FTE, over 365 x FTE, for permanent "
    "and temporary staff whose days are known: a 12-month figure, not the NHS month's FTE "
    "days lost over FTE days available",
    basis_mentions=("asc-wds",),
)
ASCWDS_AGENCY = AggregateNote(
    "Skills for Care ASC-WDS (§6) holds no pay bill: agency workers' FTE over the FTE of all "
    "workers recorded (permanent, temporary, bank, agency and other), not the NHS share of "
    "pay bill",
    basis_mentions=("asc-wds",),
)

# --- Shared pieces --------------------------------------------------------------------------------

SUBSTANTIVE_FTE = AssignmentTotal(
    "fte", where=(Condition("contract_type", "in", SUBSTANTIVE_CONTRACTS),)
)
_TEMP = "temporary_staffing"
_PAYBILL = Total(Add((Col("substantive_spend"), Col("bank_spend"), Col("agency_spend"))))
_STATED = (Condition("ethnic_group", "in", ("white", "bme")),)


def _flow(
    count: FlowCount, denominator: FlowDenominator, counting: Counting, leaving: Leaving = "group"
) -> PersonFlow:
    return PersonFlow(count, denominator, counting, leaving)


def _sickness(code: str, title: str, window: Window, description: str) -> Metric:
    return Metric(
        code=code,
        title=title,
        description=description,
        numerator="FTE days lost to sickness",
        denominator="FTE days available",
        measure=TableMeasure(
            "sickness_absence", Total(Col("fte_days_lost")), Total(Col("fte_days_available"))
        ),
        combine="ratio",
        window=window,
        basis="days",
        unit="fraction",
        improvement="decrease",
        source=SICKNESS,
        segments=EMPLOYER_SEGMENTS,
        targets=(SICKNESS_TARGET,),
        aggregate_notes=(ASCWDS_SICKNESS,),
    )


def _temporary(
    code: str, title: str, column: str, basis: Basis, unit: Unit, improvement: Improvement
) -> Metric:
    return Metric(
        code=code,
        title=title,
        description=f"The sum of {column.replace('_', ' ')} over the month (temporary staffing).",
        numerator=column.replace("_", " "),
        denominator=None,
        measure=TableMeasure(_TEMP, Total(Col(column))),
        combine="amount",
        window="month",
        basis=basis,
        unit=unit,
        improvement=improvement,
        source=AGENCY,
        segments=NHS_SEGMENTS,
    )


def _agency_share(code: str, title: str, window: Window, description: str) -> Metric:
    return Metric(
        code=code,
        title=title,
        description=description,
        numerator="agency spend",
        denominator="substantive plus bank plus agency spend",
        measure=TableMeasure(_TEMP, Total(Col("agency_spend")), _PAYBILL),
        combine="ratio",
        window=window,
        basis="pounds",
        unit="fraction",
        improvement="decrease",
        source=AGENCY,
        segments=EMPLOYER_SEGMENTS,
        targets=(AGENCY_LIMIT,),
        aggregate_notes=(ASCWDS_AGENCY,),
    )


def _plan_variance(
    code: str, what: str, measure: PlanComparison, pct: bool, improvement: Improvement
) -> Metric:
    return Metric(
        code=code,
        title=f"{what} against plan" + (" (% over or under)" if pct else " (FTE)"),
        description=(
            f"Actual {what} minus the operating plan, over the organisations and staff "
            "groups that have both" + (", as a fraction of plan." if pct else ".")
        ),
        numerator=f"actual {what}",
        denominator=f"planned {what}",
        measure=measure,
        combine="relative_difference" if pct else "difference",
        window="snapshot" if isinstance(measure.actual, AssignmentTotal) else "month",
        basis="fte",
        unit="fraction" if pct else "fte",
        improvement=improvement,
        source=PLAN,
        segments=NHS_SEGMENTS,
    )


_SUB_PLAN = PlanComparison("workforce_plan", "plan_substantive_fte", SUBSTANTIVE_FTE)
_AGENCY_PLAN = PlanComparison(
    "workforce_plan", "plan_agency_fte", DatasetColumn(_TEMP, "agency_fte")
)
_VACANCY = Gap(
    "establishment", planned="establishment_fte", reported="vacancy_fte", actual=SUBSTANTIVE_FTE
)

#: The one source rule for NHS staff in post (``metrics/published.py``).
_PUBLISHED_SIP = (
    "An organisation without an ESR extract for a month counts with its published NHS "
    "Workforce Statistics total for that month (not in staff group or band splits); a figure "
    "that includes published totals says so in its note."
)

METRICS: tuple[Metric, ...] = (
    Metric(
        code="staff_in_post_fte",
        title="Staff in post (FTE)",
        description="The sum of FTE over staff-in-post assignments at the month's end; bank "
        "assignments are never staff in post, locums are (§1). " + _PUBLISHED_SIP,
        numerator="FTE of non-bank assignments",
        denominator=None,
        measure=AssignmentTotal("fte"),
        combine="amount",
        window="snapshot",
        basis="fte",
        unit="fte",
        improvement="neutral",
        source=SIP,
        segments=ALL_SEGMENTS,
        aggregate_notes=(SKILLS_FOR_CARE_POSTS,),
    ),
    Metric(
        code="staff_in_post_headcount",
        title="Staff in post (headcount)",
        description="Distinct people with a non-bank assignment, counted once at each level: "
        "once in each staff group they work in and once in the total (§1). " + _PUBLISHED_SIP,
        numerator="distinct people in post",
        denominator=None,
        measure=PersonCount(),
        combine="amount",
        window="snapshot",
        basis="headcount",
        unit="headcount",
        improvement="neutral",
        source=SIP,
        segments=ALL_SEGMENTS,
        aggregate_notes=(SKILLS_FOR_CARE_POSTS,),
    ),
    Metric(
        code="turnover_rate",
        title="Turnover rate (organisation leavers, 12 months)",
        description="Organisation leavers over the 12 months to p: in the organisation (and "
        "staff group, when split so) at p-12 and not at p, so moves to another "
        "partner and changes of staff group count; over the mean of the headcounts "
        "at p-12 and p. Above organisation level, the sum of the organisations' "
        "leavers over the sum of their means (§2, organisation-level leavers).",
        numerator="organisation leavers",
        denominator="mean of headcounts at p-12 and p",
        measure=_flow("leavers", "mean_headcount", "organisation"),
        combine="ratio",
        window="rolling_12m",
        basis="headcount",
        unit="fraction",
        improvement="decrease",
        source=TURNOVER,
        segments=ALL_SEGMENTS,
        targets=(TURNOVER_TARGET, SOCIAL_CARE_TURNOVER_TARGET),
        aggregate_notes=(SKILLS_FOR_CARE_TURNOVER,),
    ),
    Metric(
        code="leaver_rate",
        title="Leaver rate (loss to the system, 12 months)",
        description="People in the group at p-12 who at p are in no partner organisation of "
        "the ICS (in that staff group, when split by staff group): a move between "
        "partners is a transfer. The group is every person in any organisation of "
        "the level at p-12, counted once; over the mean of the level's distinct "
        "headcounts at p-12 and p (§2, NHS leavers).",
        numerator="people lost to the system",
        denominator="mean of headcounts at p-12 and p",
        measure=_flow("leavers", "mean_headcount", "level", "system"),
        combine="ratio",
        window="rolling_12m",
        basis="headcount",
        unit="fraction",
        improvement="decrease",
        source=TURNOVER,
        segments=ALL_SEGMENTS,
    ),
    Metric(
        code="joiner_rate",
        title="Joiner rate (organisation joiners, 12 months)",
        description="In the organisation (and staff group) at p and not at p-12, summed over "
        "organisations, over the same mean as turnover (§2).",
        numerator="organisation joiners",
        denominator="mean of headcounts at p-12 and p",
        measure=_flow("joiners", "mean_headcount", "organisation"),
        combine="ratio",
        window="rolling_12m",
        basis="headcount",
        unit="fraction",
        improvement="neutral",
        source=TURNOVER,
        segments=ALL_SEGMENTS,
    ),
    Metric(
        code="stability_index",
        title="Stability index (12 months)",
        description="People in the group at both p-12 and p over the people in the group at "
        "p-12, counted once at the level asked for (§2).",
        numerator="people in the group at p-12 and at p",
        denominator="people in the group at p-12",
        measure=_flow("stayers", "start_headcount", "level"),
        combine="ratio",
        window="rolling_12m",
        basis="headcount",
        unit="fraction",
        improvement="increase",
        source=TURNOVER,
        segments=ALL_SEGMENTS,
    ),
    _sickness(
        "sickness_absence_rate",
        "Sickness absence rate (month)",
        "month",
        "FTE days lost over FTE days available in the month, pooled over organisations "
        "and staff groups (§3).",
    ),
    _sickness(
        "sickness_absence_rate_12m",
        "Sickness absence rate (12 months)",
        "rolling_12m",
        "FTE days lost over FTE days available in the 12 months to p, pooled: the sums "
        "of days, never an average of monthly rates (§3).",
    ),
    Metric(
        code="vacancy_fte",
        title="Vacancies (FTE)",
        description="The vacancy FTE reported by the organisation where given, otherwise "
        "establishment FTE minus the FTE of permanent and fixed-term assignments, "
        "per organisation and staff group, then summed. Bank and agency cover "
        "still count as vacancies; a negative gap is kept (§4).",
        numerator="vacancy FTE",
        denominator=None,
        measure=_VACANCY,
        combine="amount",
        window="snapshot",
        basis="fte",
        unit="fte",
        improvement="decrease",
        source=VACANCY,
        segments=ALL_SEGMENTS,
    ),
    Metric(
        code="vacancy_rate",
        title="Vacancy rate",
        description="Vacancy FTE (as vacancy_fte) over establishment FTE, over the "
        "organisations and staff groups whose vacancy is known (§4).",
        numerator="vacancy FTE",
        denominator="establishment FTE",
        measure=_VACANCY,
        combine="ratio",
        window="snapshot",
        basis="fte",
        unit="fraction",
        improvement="decrease",
        source=VACANCY,
        segments=ALL_SEGMENTS,
        targets=(VACANCY_TARGET, SOCIAL_CARE_VACANCY_TARGET),
        aggregate_notes=(SKILLS_FOR_CARE_VACANCY,),
    ),
    _temporary("agency_fte", "Agency staff (FTE)", "agency_fte", "fte", "fte", "decrease"),
    _temporary("bank_fte", "Bank staff (FTE)", "bank_fte", "fte", "fte", "neutral"),
    _temporary("agency_spend", "Agency spend", "agency_spend", "pounds", "pounds", "decrease"),
    _agency_share(
        "agency_share_of_paybill",
        "Agency share of pay bill (month)",
        "month",
        "Agency spend over substantive plus bank plus agency spend in the month, "
        "against the agency limit (§5).",
    ),
    _agency_share(
        "agency_share_of_paybill_fytd",
        "Agency share of pay bill (financial year to date)",
        "fytd",
        "Agency spend over substantive plus bank plus agency spend from April to p, pooled (§5).",
    ),
    Metric(
        code="agency_cost_avoided_fytd",
        title="Agency cost avoided (financial year to date)",
        description="Agency spend in the same months of the previous financial year minus "
        "agency spend this financial year to date (§5).",
        numerator="agency spend, same months of the previous financial year",
        denominator="agency spend, this financial year to date",
        measure=TableMeasure(
            _TEMP, Total(Col("agency_spend"), lag_months=12), Total(Col("agency_spend"))
        ),
        combine="difference",
        window="fytd",
        basis="pounds",
        unit="pounds",
        improvement="increase",
        source=AGENCY,
        segments=NHS_SEGMENTS,
    ),
    Metric(
        code="price_cap_compliance",
        title="Agency price cap compliance",
        description="One minus agency shifts over the price cap over agency shifts, over the "
        "returns that give both counts (§5; cap arithmetic is [U]).",
        numerator="agency shifts within the cap",
        denominator="agency shifts",
        measure=TableMeasure(
            _TEMP,
            Total(Sub(Col("agency_shifts"), Col("agency_shifts_over_cap"))),
            Total(Col("agency_shifts")),
            where=(
                Condition("agency_shifts", "not_null"),
                Condition("agency_shifts_over_cap", "not_null"),
            ),
        ),
        combine="ratio",
        window="month",
        basis="shifts",
        unit="fraction",
        improvement="increase",
        source=AGENCY,
        segments=NHS_SEGMENTS,
    ),
    _plan_variance("plan_variance_substantive_fte", "substantive FTE", _SUB_PLAN, False, "neutral"),
    _plan_variance(
        "plan_variance_substantive_fte_pct", "substantive FTE", _SUB_PLAN, True, "neutral"
    ),
    _plan_variance("plan_variance_agency_fte", "agency FTE", _AGENCY_PLAN, False, "decrease"),
    _plan_variance("plan_variance_agency_fte_pct", "agency FTE", _AGENCY_PLAN, True, "decrease"),
    Metric(
        code="wres_bme_share",
        title="BME share of staff by band cluster (WRES indicator 1)",
        description="Distinct BME people over distinct people with a stated ethnic group "
        "(white or BME; not stated is excluded from both), by band cluster (bands "
        "1-4, 5-7, 8a-8b, 8c-9 and VSM, medical) and over all bands (§8).",
        numerator="BME people in post",
        denominator="people in post with a stated ethnic group",
        measure=PersonCount(
            numerator_where=(Condition("ethnic_group", "in", ("bme",)),),
            denominator_where=_STATED,
            split="band_cluster",
            split_total=BAND_CLUSTER_TOTAL,
        ),
        combine="ratio",
        window="snapshot",
        basis="headcount",
        unit="fraction",
        improvement="neutral",
        source=WRES,
        segments=NHS_SEGMENTS,
    ),
)


@dataclass(frozen=True)
class Catalogue:
    """An ordered set of metrics, looked up by code."""

    metrics: tuple[Metric, ...]

    def __iter__(self) -> Iterator[Metric]:
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def __contains__(self, code: object) -> bool:
        return any(m.code == code for m in self.metrics)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.metrics)

    def get(self, code: str) -> Metric:
        for metric in self.metrics:
            if metric.code == code:
                return metric
        raise KeyError(f"no metric {code!r}; the catalogue has {', '.join(self.codes)}")

    def select(self, codes: Sequence[str] | None) -> tuple[Metric, ...]:
        """The metrics named (all when ``codes`` is None), in catalogue order."""
        if codes is None:
            return self.metrics
        wanted = {self.get(c).code for c in codes}
        return tuple(m for m in self.metrics if m.code in wanted)

    def with_targets(self, targets: Mapping[str, Sequence[Target]]) -> Catalogue:
        """This catalogue with the ICS's own targets for the metrics named."""
        for code in targets:
            self.get(code)
        return Catalogue(
            tuple(
                replace(m, targets=tuple(targets[m.code])) if m.code in targets else m
                for m in self.metrics
            )
        )

    def to_list(self) -> list[dict[str, Any]]:
        return [m.to_dict() for m in self.metrics]


CATALOGUE = Catalogue(METRICS)
