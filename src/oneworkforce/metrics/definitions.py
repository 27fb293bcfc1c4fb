"""Metric definitions as data: small, frozen, typed and serialisable objects.

A metric is not a function. It is a :class:`Metric` that names *what* is counted (its
:data:`Measure`, one of a handful of node types below), over which window, on which basis,
against which targets and following which official definition. The engines in
``oneworkforce.metrics.engines`` turn the same objects into SQL (DuckDB, Spark) or into plain
Python (the reference engine), so a definition is written exactly once.

Section references (``§2``) are to ``shared/research/metric_definitions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal, get_args

Window = Literal["snapshot", "month", "rolling_12m", "fytd"]
#: The windows whose consecutive figures are independent points, so SPC applies to them.
SPC_WINDOWS: tuple[str, ...] = ("snapshot", "month")
Basis = Literal["headcount", "fte", "days", "pounds", "shifts"]
Unit = Literal["headcount", "fte", "fraction", "pounds"]
Improvement = Literal["increase", "decrease", "neutral"]
Combine = Literal["amount", "ratio", "difference", "relative_difference"]
Operator = Literal["in", "not_in", "not_null"]
FlowCount = Literal["leavers", "joiners", "stayers"]
FlowDenominator = Literal["mean_headcount", "start_headcount"]
Counting = Literal["organisation", "level"]
Leaving = Literal["group", "system"]

#: Contract types that make an assignment substantive (§4: "permanent or fixed-term").
SUBSTANTIVE_CONTRACTS = ("permanent", "fixed_term")


def _check(value: object, allowed: Any, what: str) -> None:
    if value not in get_args(allowed):
        raise ValueError(f"{what} must be one of {get_args(allowed)}, not {value!r}")


# --- Provenance and targets ------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialSource:
    """The published definition a metric follows."""

    title: str
    section: str  # section of metric_definitions.md, e.g. "§2"
    url: str


@dataclass(frozen=True)
class Target:
    """A target: a band (``lower``..``upper``), a ceiling or a floor, as fractions (or in
    the metric's unit), with who set it and where it comes from. ``segments`` limits it to
    those segments (social care turnover is not an NHS trust's); empty means every segment.

    The catalogue holds documented defaults; an ICS sets its own in ``targets.toml`` in the
    data directory (:mod:`oneworkforce.metrics.targets`).
    """

    label: str
    lower: float | None = None
    upper: float | None = None
    set_by: str = "OneWorkforce default"
    source: str = ""
    segments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.lower is None and self.upper is None:
            raise ValueError("a target needs a lower or an upper bound")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError("a target's lower bound is above its upper bound")

    @property
    def kind(self) -> str:
        if self.lower is not None and self.upper is not None:
            return "range"
        return "ceiling" if self.upper is not None else "floor"

    def applies_to(self, segment: str | None) -> bool:
        return not self.segments or (segment is not None and segment in self.segments)

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the target (None without a value)."""
        if value is None:
            return None
        if self.lower is not None and value < self.lower:
            return False
        return not (self.upper is not None and value > self.upper)


@dataclass(frozen=True)
class AggregateNote:
    """How an ``aggregate`` figure's definition differs from the catalogue's (e.g. §6).

    It applies to aggregate rows of one of ``segments``, or whose ``basis`` mentions one of
    ``basis_mentions`` (case-insensitive).
    """

    note: str
    segments: tuple[str, ...] = ()
    basis_mentions: tuple[str, ...] = ()

    def applies(self, segment: str | None, basis: str | None) -> bool:
        text = (basis or "").lower()
        return segment in self.segments or any(m.lower() in text for m in self.basis_mentions)


# --- Row filters and expressions --------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A population filter on one column: ``in`` / ``not_in`` a list, or ``not_null``."""

    column: str
    op: Operator
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(self.op, Operator, "a condition's op")
        if (self.op == "not_null") == bool(self.values):
            raise ValueError("not_null takes no values; in/not_in need at least one")

    def holds(self, row: dict[str, Any]) -> bool:
        """The condition in plain Python, with SQL's NULL semantics (NULL never matches)."""
        value = row[self.column]
        if value is None:
            return False
        if self.op == "not_null":
            return True
        return (value in self.values) == (self.op == "in")


@dataclass(frozen=True)
class Col:
    """A numeric column of the measured dataset."""

    name: str


@dataclass(frozen=True)
class Add:
    """The sum of terms (NULL if any term is NULL, as in SQL)."""

    terms: tuple[Expr, ...]


@dataclass(frozen=True)
class Sub:
    """``left - right`` (NULL if either is NULL)."""

    left: Expr
    right: Expr


Expr = Col | Add | Sub


def evaluate(expr: Expr, row: dict[str, Any]) -> float | None:
    """An expression in plain Python, with SQL's NULL propagation."""
    if isinstance(expr, Col):
        value = row[expr.name]
        return None if value is None else float(value)
    parts = expr.terms if isinstance(expr, Add) else (expr.left, expr.right)
    values = [evaluate(p, row) for p in parts]
    if any(v is None for v in values):
        return None
    if isinstance(expr, Add):
        return float(sum(v for v in values if v is not None))
    left, right = values
    assert left is not None and right is not None
    return left - right


# --- Measures: what is counted ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonCount:
    """Distinct people in staff in post at the period, counted once at the level asked for (§1).

    ``numerator_where``/``denominator_where`` filter the assignments a person must hold to be
    counted. ``split`` adds an intrinsic dimension (``band_cluster``) and ``split_total``
    labels a row over all its values.
    """

    numerator_where: tuple[Condition, ...] = ()
    denominator_where: tuple[Condition, ...] | None = None
    split: Literal["band_cluster"] | None = None
    split_total: str | None = None


@dataclass(frozen=True)
class AssignmentTotal:
    """The sum of an assignment column (FTE) over staff in post at the period (§1)."""

    column: str = "fte"
    where: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class PersonFlow:
    """People in a group at ``p-12`` and/or at ``p`` (§2).

    ``counting="organisation"`` counts in each organisation (and person-level dimension) and
    sums over organisations, so moves between partners count. ``counting="level"`` counts
    distinct people in the group at the level asked for. ``leaving="system"`` makes a leaver
    someone in no partner organisation at ``p`` (in the same staff group or band, when split so).
    """

    count: FlowCount
    denominator: FlowDenominator
    counting: Counting
    leaving: Leaving = "group"
    months: int = 12

    def __post_init__(self) -> None:
        _check(self.count, FlowCount, "a flow's count")
        _check(self.denominator, FlowDenominator, "a flow's denominator")
        _check(self.counting, Counting, "a flow's counting")
        _check(self.leaving, Leaving, "a flow's leaving rule")
        if self.leaving == "system" and self.count != "leavers":
            raise ValueError("leaving='system' only applies to leavers")


@dataclass(frozen=True)
class Total:
    """The sum of an expression over a dataset's rows in the window, ``lag_months`` earlier."""

    expr: Expr
    lag_months: int = 0


@dataclass(frozen=True)
class TableMeasure:
    """Sums over an organisation-level dataset (one row per organisation, staff group, month)."""

    dataset: str
    numerator: Total
    denominator: Total | None = None
    where: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class DatasetColumn:
    """A column of another organisation-level dataset, matched on month, org and staff group."""

    dataset: str
    column: str


@dataclass(frozen=True)
class Gap:
    """Reported gap where given, else planned minus actual, per organisation and staff group (§4).

    Cells whose gap is unknown (nothing reported and no staff in post submitted by the
    organisation that month) are left out of numerator and denominator alike.
    """

    dataset: str
    planned: str
    reported: str
    actual: AssignmentTotal


@dataclass(frozen=True)
class PlanComparison:
    """Actual against plan, over the cells where both are known.

    The numerator is the actual, the denominator the plan.
    """

    dataset: str
    planned: str
    actual: AssignmentTotal | DatasetColumn


Measure = PersonCount | AssignmentTotal | PersonFlow | TableMeasure | Gap | PlanComparison

PERSON_DIMENSIONS = ("staff_group", "staff_category", "band")
ORG_DIMENSIONS = ("org_code", "place", "segment")


def measure_datasets(measure: Measure) -> tuple[str, ...]:
    """The datasets a measure reads (besides ``organisations``)."""
    if isinstance(measure, PersonCount | AssignmentTotal | PersonFlow):
        return ("staff_in_post",)
    if isinstance(measure, TableMeasure):
        return (measure.dataset,)
    if isinstance(measure.actual, DatasetColumn):
        return (measure.dataset, measure.actual.dataset)
    return (measure.dataset, "staff_in_post")


def measure_dimensions(measure: Measure) -> tuple[str, ...]:
    """The dimensions a measure can be split by (band only where people are counted)."""
    base = ("system", "place", "segment", "org_code", "staff_group", "staff_category")
    if isinstance(measure, PersonCount | AssignmentTotal | PersonFlow):
        return (*base, "band")
    return base


# --- The metric -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One catalogue entry. ``value`` is derived from numerator and denominator by ``combine``:

    - ``amount``: the numerator (no denominator);
    - ``ratio``: numerator / denominator (None when the denominator is 0);
    - ``difference``: numerator - denominator;
    - ``relative_difference``: (numerator - denominator) / denominator.
    """

    code: str
    title: str
    description: str
    numerator: str
    denominator: str | None
    measure: Measure
    combine: Combine
    window: Window
    basis: Basis
    unit: Unit
    improvement: Improvement
    source: OfficialSource
    segments: tuple[str, ...]
    targets: tuple[Target, ...] = ()
    aggregate_notes: tuple[AggregateNote, ...] = ()
    datasets: tuple[str, ...] = field(default=())
    dimensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        _check(self.combine, Combine, "combine")
        _check(self.window, Window, "window")
        _check(self.basis, Basis, "basis")
        _check(self.unit, Unit, "unit")
        _check(self.improvement, Improvement, "improvement")
        if (self.combine == "amount") != (self.denominator is None):
            raise ValueError(f"{self.code}: only an amount has no denominator")
        if not self.datasets:
            object.__setattr__(self, "datasets", measure_datasets(self.measure))
        if not self.dimensions:
            object.__setattr__(self, "dimensions", measure_dimensions(self.measure))

    @property
    def split_dimensions(self) -> tuple[str, ...]:
        """Dimensions every result of this metric carries, whatever it is split by."""
        if isinstance(self.measure, PersonCount) and self.measure.split:
            return (self.measure.split,)
        return ()

    @property
    def spc(self) -> bool:
        """Whether Making Data Count's SPC applies: only to series of independent monthly
        points (a month's rate or count, a month-end snapshot). Consecutive rolling 12-month
        or year-to-date figures share most of their months, so the rules would flag ordinary
        overlap as special cause; those are drawn as line charts with their comparator."""
        return self.window in SPC_WINDOWS

    def with_targets(self, *targets: Target) -> Metric:
        return replace(self, targets=tuple(targets))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (measure nodes carry their type as ``node``)."""
        encoded = _encode(self)
        assert isinstance(encoded, dict)
        encoded.pop("node", None)
        encoded["spc"] = self.spc
        return encoded


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"node": type(value).__name__}
        out.update({f.name: _encode(getattr(value, f.name)) for f in fields(value)})
        if isinstance(value, Target):
            out["kind"] = value.kind
        return out
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value
