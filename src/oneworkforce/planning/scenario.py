"""Scenarios as typed documents: what a planner writes in TOML (or YAML), checked by pydantic.

A scenario says how far to look (the horizon), how demand moves (growth from a population
projection or a service plan, or an explicit trajectory such as an operating plan), which
levers are pulled, how gaps are filled by bank and agency staff, and what staff cost. The
baseline (staff in post, joiner, leaver and retirement rates) is never written here: it is
read from the store when the scenario runs, so one scenario file works on any ICS's data.

Uncertain inputs are a ``Range``: a plain number (no uncertainty) or ``{p10 = .., p90 = ..}``,
the interval the planner is 80% sure of; every Monte Carlo run draws its own value from it
(see ``montecarlo.py``), and run 0 takes the middle.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from oneworkforce.data.reference import vocabulary

AGE_BANDS: tuple[str, ...] = ("under_25", "25_34", "35_44", "45_54", "55_64", "65_plus")
AGE_LOWER: tuple[int, ...] = (16, 25, 35, 45, 55, 65)
MAX_HORIZON_YEARS = 15


class ScenarioError(ValueError):
    """A scenario file that cannot be read or does not follow the schema (one line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Strict):
    """An 80% interval: the value is below p10 one time in ten and above p90 one time in ten."""

    p10: float
    p90: float

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.p10 > self.p90:
            raise ValueError("p10 must not be above p90")
        return self


Range = float | Interval


def central(value: Range) -> float:
    """The value run 0 (the central case) uses: the number itself or the interval's middle."""
    return value if isinstance(value, float | int) else (value.p10 + value.p90) / 2


def _vocab_check(values: tuple[str, ...], name: str) -> tuple[str, ...]:
    codes = set(vocabulary(name).codes)
    unknown = [v for v in values if v not in codes]
    if unknown:
        raise ValueError(f"unknown {name} {', '.join(unknown)}")
    return values


class Target(_Strict):
    """Which part of the workforce a lever or demand line applies to (empty means all)."""

    segments: tuple[str, ...] = ()
    staff_groups: tuple[str, ...] = ()

    @field_validator("segments")
    @classmethod
    def _segments(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _vocab_check(v, "segment")

    @field_validator("staff_groups")
    @classmethod
    def _groups(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _vocab_check(v, "staff_group")


class Horizon(_Strict):
    years: int = Field(5, ge=1, le=MAX_HORIZON_YEARS)
    step: Literal["month"] = "month"


class Growth(Target):
    """Annual demand growth for the targeted cells, e.g. from a population projection."""

    annual: Range = 0.0


class TrajectoryPoint(Target):
    """Demand at a month after the baseline, as an index on today's demand (1.0 = today)."""

    month: int = Field(ge=1, le=MAX_HORIZON_YEARS * 12)
    index: float = Field(gt=0)


class Demand(_Strict):
    """Today's demand and how it moves.

    ``base``: "establishment" (funded posts, where a partner reports them; staff in post
    plus vacancies elsewhere) or "staff_in_post". ``method``: "growth" applies ``growth``
    lines (the last matching line wins, so put specific lines after general ones);
    "trajectory" interpolates ``trajectory`` points linearly between months and holds the
    last point, and applies ``growth`` after the last point.
    """

    base: Literal["establishment", "staff_in_post"] = "establishment"
    method: Literal["growth", "trajectory"] = "growth"
    growth: tuple[Growth, ...] = ()
    trajectory: tuple[TrajectoryPoint, ...] = ()

    @model_validator(mode="after")
    def _trajectory_needed(self) -> Demand:
        if self.method == "trajectory" and not self.trajectory:
            raise ValueError("method 'trajectory' needs at least one trajectory point")
        return self


class _Lever(Target):
    name: str = Field(min_length=1, max_length=60)
    start_month: int = Field(1, ge=1, le=MAX_HORIZON_YEARS * 12)


class LeaverRate(_Lever):
    """Change the leaver rate by a relative amount (-0.1 = a tenth fewer leavers), reached
    linearly over ``phase_in_months``."""

    kind: Literal["leaver_rate"]
    change: Range = 0.0
    phase_in_months: int = Field(12, ge=1, le=120)
    #: leavers avoided (FTE) in each month from ``start_month`` (a retention programme's
    #: trajectory); when given it replaces ``change``: each month the targeted cells lose that
    #: many FTE fewer to leaving (never more than would have left)
    profile: tuple[float, ...] = ()

    @field_validator("change")
    @classmethod
    def _change(cls, v: Range) -> Range:
        low = v if isinstance(v, float | int) else v.p10
        if low < -1:
            raise ValueError("change cannot remove more than all leavers (>= -1)")
        return v


class Recruitment(_Lever):
    """FTE a year recruited into the targeted staff groups (spread over segments by their
    current staff in post), arriving in ``age_band``."""

    kind: Literal["international_recruitment", "return_to_practice"]
    fte_per_year: Range
    age_band: str = "25_34"
    years: int = Field(MAX_HORIZON_YEARS, ge=1, le=MAX_HORIZON_YEARS)
    #: FTE arriving in each month from ``start_month`` (a programme's trajectory); when given
    #: it replaces ``fte_per_year`` and ``years``
    profile: tuple[float, ...] = ()

    @field_validator("age_band")
    @classmethod
    def _band(cls, v: str) -> str:
        if v not in AGE_BANDS:
            raise ValueError(f"age_band must be one of {', '.join(AGE_BANDS)}")
        return v


class TrainingPipeline(_Lever):
    """Extra training places: ``intake_per_year`` starts from ``start_month``; the share
    ``attrition`` never qualifies; the rest join ``years_to_qualify`` later."""

    kind: Literal["training_pipeline"]
    intake_per_year: Range
    attrition: Range = 0.15
    years_to_qualify: float = Field(3, ge=0, le=10)
    fte_per_qualifier: float = Field(0.9, gt=0, le=1.5)
    age_band: str = "under_25"
    years: int = Field(MAX_HORIZON_YEARS, ge=1, le=MAX_HORIZON_YEARS)
    #: qualified FTE joining in each month from ``start_month`` (a programme's trajectory of
    #: delivered staff); when given it replaces the intake, attrition and delay
    profile: tuple[float, ...] = ()

    @field_validator("age_band")
    @classmethod
    def _band(cls, v: str) -> str:
        if v not in AGE_BANDS:
            raise ValueError(f"age_band must be one of {', '.join(AGE_BANDS)}")
        return v


class NewRoles(_Lever):
    """New roles in ``staff_groups`` that take on work of ``substitutes``: each FTE in post
    in the new role removes ``ratio`` FTE of demand from the substituted group and adds one
    FTE of demand to the role. Staff come by recruitment, or by development from
    ``develop_from`` (a transfer between staff groups in the same segment)."""

    kind: Literal["new_roles"]
    fte_per_year: Range
    substitutes: str
    ratio: Range = 1.0
    develop_from: str | None = None
    age_band: str = "25_34"
    years: int = Field(MAX_HORIZON_YEARS, ge=1, le=MAX_HORIZON_YEARS)
    #: FTE recruited (or developed) into the role in each month from ``start_month`` (a
    #: programme's trajectory); when given it replaces ``fte_per_year`` and ``years``
    profile: tuple[float, ...] = ()

    @field_validator("substitutes", "develop_from")
    @classmethod
    def _group(cls, v: str | None) -> str | None:
        if v is not None:
            _vocab_check((v,), "staff_group")
        return v

    @model_validator(mode="after")
    def _one_role(self) -> NewRoles:
        if len(self.staff_groups) != 1:
            raise ValueError("new_roles needs exactly one staff group (the new role)")
        return self


class TemporaryFill(_Lever):
    """Bank and agency fill policy: the shares of the gap filled by bank and agency staff."""

    kind: Literal["bank_agency"]
    bank_fill: Range
    agency_fill: Range


class AgencyReduction(_Lever):
    """Agency work moved to bank: ``fte`` agency FTE a month (or ``profile``, month by month
    from ``start_month``) of the targeted cells are filled by bank staff instead, never more
    than the agency staff those cells would have had."""

    kind: Literal["agency_reduction"]
    fte: Range = 0.0
    years: int = Field(MAX_HORIZON_YEARS, ge=1, le=MAX_HORIZON_YEARS)
    #: agency FTE moved to bank in each month from ``start_month``; replaces ``fte``
    profile: tuple[float, ...] = ()


Lever = Annotated[
    LeaverRate | Recruitment | TrainingPipeline | NewRoles | TemporaryFill | AgencyReduction,
    Field(discriminator="kind"),
]


class Uncertainty(_Strict):
    """How much the history's rates are allowed to vary between runs, beyond what the
    history itself shows (relative standard deviations, floors)."""

    leaver_rate_floor: float = Field(0.05, ge=0, le=1)
    joiner_rate_floor: float = Field(0.08, ge=0, le=1)
    retirement_rate: float = Field(0.10, ge=0, le=1)


class Costs(_Strict):
    """Annual pay per FTE by pay band (defaults in ``DEFAULT_PAY``), on-costs and premiums."""

    pay_by_band: dict[str, float] = Field(default_factory=dict)
    pay_by_staff_group: dict[str, float] = Field(default_factory=dict)
    on_costs: float = Field(0.28, ge=0, le=1)
    bank_premium: float = Field(0.0, ge=-0.5, le=3)
    agency_premium: float = Field(0.6, ge=0, le=5)
    pay_growth: Range = 0.025

    @field_validator("pay_by_band")
    @classmethod
    def _bands(cls, v: dict[str, float]) -> dict[str, float]:
        _vocab_check(tuple(v), "band")
        return v

    @field_validator("pay_by_staff_group")
    @classmethod
    def _groups(cls, v: dict[str, float]) -> dict[str, float]:
        _vocab_check(tuple(v), "staff_group")
        return v


class Scenario(_Strict):
    """One planning scenario. ``name`` is its identifier in results and pages."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,59}$")
    title: str = ""
    description: str = ""
    horizon: Horizon = Horizon()
    demand: Demand = Demand()
    levers: tuple[Lever, ...] = ()
    bank_fill: Range = 0.3
    agency_fill: Range = 0.15
    costs: Costs = Costs()
    uncertainty: Uncertainty = Uncertainty()

    @model_validator(mode="after")
    def _unique_levers(self) -> Scenario:
        names = [lever.name for lever in self.levers]
        if len(set(names)) != len(names):
            raise ValueError("lever names must be unique")
        return self

    @property
    def months(self) -> int:
        return self.horizon.years * 12


def schema() -> dict:
    """The JSON Schema of a scenario document, generated from the models above."""
    return Scenario.model_json_schema()


def parse_scenario(data: dict, source: str = "scenario") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ScenarioError(f"{source}: {where}: {first['msg']}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from TOML (.toml), YAML (.yaml/.yml) or JSON (.json)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read {p}: {exc.strerror}") from None
    try:
        if p.suffix == ".toml":
            data = tomllib.loads(text)
        elif p.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        elif p.suffix == ".json":
            data = json.loads(text)
        else:
            raise ScenarioError(f"{p.name}: a scenario is a .toml, .yaml or .json file")
    except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        first = (str(exc).strip().splitlines() or ["syntax error"])[0]
        raise ScenarioError(f"{p.name}: {first}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{p.name}: a scenario is a table of settings")
    return parse_scenario(data, p.name)
