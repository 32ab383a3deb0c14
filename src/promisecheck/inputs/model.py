"""The proposal (spec.toml) and the team (team.toml) as validated, immutable values."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from promisecheck.errors import did_you_mean, show

Priority = Literal["must", "should", "could"]
Distribution = Literal["pert", "triangular"]
RangeMeaning = Literal["minmax", "p10-p90"]
HistoryUnit = Literal["hours", "days", "minutes"]
# How history corrects estimates: the fitted model (size effect, drift, shared surprises)
# or the earlier resampling of ratios.
HistoryMethod = Literal["fitted", "resample"]
# Columns of a history CSV, by the names promisecheck uses; [history] columns maps them.
HISTORY_COLUMNS: tuple[str, ...] = (
    "estimate_hours",
    "actual_hours",
    "skill",
    "person",
    "date",
    "id",
)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

PRIORITY_ORDER: dict[str, int] = {"must": 0, "should": 1, "could": 2}
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The error type of every message written here for people; loading shows it as it is.
INVALID = "promisecheck_invalid"


def invalid(message: str, hint: str | None = None) -> PydanticCustomError:
    """A validation error whose message and hint are already worded for the user."""
    # Read back from ctx, never from pydantic's formatted text, so braces in input are harmless.
    return PydanticCustomError(INVALID, "{message}", {"hint": hint or "", "message": message})


# Strict: TOML has real numbers and dates, so true, "0.5" or "2027-01-04" in quotes are
# mistakes to point out, not values to coerce.
# Upper bounds keep every sum and product the engine and report form finite (an estimate
# of 1e308 overflowed into "100 %, done on the start day"); see Security in the README.
MAX_HOURS = 100_000  # one item: more than one person can work in the ten-year horizon
MAX_DELAY_DAYS = 3_650
MAX_AMOUNT = 1e12  # a price, a rate, a value
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)

Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Hours = Annotated[float, Strict(), Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Share = Annotated[float, Strict(), Field(gt=0, le=1, allow_inf_nan=False)]
DayHours = Annotated[float, Strict(), Field(gt=0, le=24, allow_inf_nan=False)]


def _plausible(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise invalid(f"got {day}; expected a date from {FIRST_DAY} to {LAST_DAY}")
    return day


Date = Annotated[dt.date, Strict(), AfterValidator(_plausible)]
Name = Annotated[str, Field(min_length=1)]


def _forward(days: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    first, last = days
    if last < first:
        raise invalid(
            f"got [{first}, {last}], which ends before it starts; expected [first day, last day]",
            hint=f"did you mean [{last}, {first}]?",
        )
    return days


DayRange = Annotated[tuple[Date, Date], AfterValidator(_forward)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Project(_Frozen):
    """The promise: what is quoted to whom, from when, by when, at what confidence."""

    name: str = Field(min_length=1, description="Name of the proposal, as the client knows it.")
    client: str | None = Field(default=None, description="Who the promise is made to.")
    start: Date = Field(description="First day production can work on it, a date like 2027-01-04.")
    deadline: Date = Field(description="The promised date: done by the end of that day.")
    target_confidence: Number = Field(
        default=0.85,
        gt=0,
        lt=1,
        description="Probability of being on time that counts as a kept promise.",
    )
    price: Number | None = Field(
        default=None, ge=0, le=MAX_AMOUNT, description="Quoted price, for the margin."
    )
    currency: str | None = Field(default=None, description="Currency of price and rates.")
    team: str | None = Field(
        default=None, description="Team file, relative to this file (default: team.toml beside it)."
    )
    distribution: Distribution = Field(
        default="pert", description='Shape of ranged estimates: "pert" (default) or "triangular".'
    )
    range: RangeMeaning = Field(
        default="minmax",
        description='What low and high of a range are: "minmax" (best and worst case) '
        'or "p10-p90" (10th and 90th percentiles).',
    )

    @field_validator("deadline")
    @classmethod
    def _deadline_not_before_start(cls, deadline: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if isinstance(start, dt.date) and deadline < start:
            raise invalid(
                f"{deadline} is before the start, {start}; expected a deadline on or after it"
            )
        return deadline


def _is_hours(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class Item(_Frozen):
    """One piece of scope, estimated in hours of work."""

    id: str = Field(min_length=1, description="Unique name of the item, used by depends_on.")
    title: str | None = Field(default=None, description="Human-readable title.")
    skill: str | None = Field(
        default=None,
        min_length=1,
        description="Skill needed; optional only when assignee is given.",
    )
    estimate: float | tuple[float, float, float] = Field(
        description="Hours of work: a number if exact, or [low, likely, high]."
    )
    priority: Priority = Field(default="must", description="must, should or could.")
    depends_on: tuple[str, ...] = Field(
        default=(), description="Ids of items that must finish before this one starts."
    )
    assignee: str | None = Field(default=None, description="Only this member does it.")
    value: Hours | None = Field(
        default=None, description="Business value, used when choosing what to defer."
    )
    done: Annotated[bool, Strict()] = Field(
        default=False,
        description="Finished already (portfolio commitments): it leaves the schedule.",
    )
    remaining: float | tuple[float, float, float] | None = Field(
        default=None,
        description="Hours left from the portfolio's as_of (portfolio commitments): "
        "a number or [low, likely, high]; replaces estimate.",
    )

    @field_validator("estimate", mode="before")
    @classmethod
    def _estimate(cls, value: object) -> object:
        return check_estimate(value)

    @field_validator("remaining", mode="before")
    @classmethod
    def _remaining(cls, value: object) -> object:
        # Zero hours left is a fair thing to write of work under way; below zero is not.
        if _is_hours(value) and value == 0:
            return 0.0
        if isinstance(value, list | tuple) and all(map(_is_hours, value)) and max(value) == 0:
            return (0.0, 0.0, 0.0)
        if _is_hours(value) and isinstance(value, int | float) and value < 0:
            raise invalid(f"got {show(value)}; expected hours left of 0 or more")
        return check_estimate(value)

    @model_validator(mode="after")
    def _skill_or_assignee(self) -> Item:
        if self.skill is None and self.assignee is None:
            raise invalid("missing key `skill`", hint="an item needs a skill, an assignee, or both")
        if self.done and self.remaining is not None:
            raise invalid(
                "`done = true` given with `remaining`",
                hint="a finished item has nothing remaining: keep one of the two",
            )
        return self

    @property
    def low(self) -> float:
        return self.estimate[0] if isinstance(self.estimate, tuple) else self.estimate

    @property
    def likely(self) -> float:
        return self.estimate[1] if isinstance(self.estimate, tuple) else self.estimate

    @property
    def high(self) -> float:
        return self.estimate[2] if isinstance(self.estimate, tuple) else self.estimate


def _written_range(text: str) -> tuple[float, float] | None:
    """ "24-40" or "24 to 40", as people write ranges in prose; None otherwise."""
    parts = text.replace("to", "-").replace("–", "-").split("-")
    numbers = [_number_or_none(part.strip()) for part in parts]
    if len(numbers) == 2 and all(isinstance(n, int | float) for n in numbers):
        low, high = sorted(float(n) for n in numbers if n is not None)
        return low, high
    return None


def check_estimate(value: object, unit: str = "hours", most: float = MAX_HOURS) -> object:
    """A number above 0, or [low, likely, high] in order, of `unit`; checked on the raw input."""
    # All checks on the raw input: one message in the user's own numbers, instead of
    # one per branch of the union.
    if _is_hours(value):
        assert isinstance(value, int | float)
        if value <= 0:
            raise invalid(f"got {show(value)}; expected {unit} above 0")
        if value > most:
            raise invalid(
                f"got {show(value)}; expected at most {most:,} {unit}",
                hint="more than anyone can work in the ten-year horizon; split the work",
            )
        return value
    if not (isinstance(value, list | tuple) and len(value) == 3 and all(map(_is_hours, value))):
        hint = None
        if isinstance(value, list | tuple) and len(value) != 3:
            hint = "a range has three numbers: [low, likely, high]"
        elif isinstance(value, str) and _is_hours(_number_or_none(value)):
            hint = "write numbers without quotes"
        elif isinstance(value, str) and (bounds := _written_range(value)) is not None:
            low, high = bounds
            hint = (
                f"write a range as [low, likely, high], e.g. {show([low, (low + high) / 2, high])}"
            )
        raise invalid(
            f"got {show(value)}; expected {unit} as a number, or [low, likely, high]", hint
        )
    low, likely, high = value
    if max(value) > most:
        raise invalid(
            f"got {show(value)}; expected at most {most:,} {unit}",
            hint="more than anyone can work in the ten-year horizon; split the work",
        )
    if min(value) < 0:
        raise invalid(f"got {show(value)}; expected {unit} of 0 or more")
    if not low <= likely <= high:
        raise invalid(
            f"got {show(value)}; expected [low, likely, high] with low ≤ likely ≤ high",
            hint=f"did you mean {show(sorted(value))}?",
        )
    if high <= 0:
        raise invalid(f"got {show(value)}; expected a high estimate above 0 {unit}")
    return tuple(value)


Estimate = float | tuple[float, float, float]


class Risk(_Frozen):
    """Something that may happen, how likely it is, and what it costs when it does."""

    id: str = Field(min_length=1, description="Unique name of the risk.")
    description: str | None = Field(default=None, description="What could happen, in words.")
    probability: Share = Field(description="Chance that it happens, in (0, 1].")
    extra_hours: Estimate | None = Field(
        default=None,
        description="Extra hours of work when it happens: a number, or [low, likely, high]; "
        "shared among the affected items in proportion to their likely estimates.",
    )
    items: tuple[str, ...] = Field(default=(), description="Ids of the items that get the hours.")
    skills: tuple[Name, ...] = Field(default=(), description="Skills whose items get the hours.")
    delay_days: Estimate | None = Field(
        default=None,
        description="Working days the start slips when it happens: a number, "
        "or [low, likely, high].",
    )

    @field_validator("extra_hours", mode="before")
    @classmethod
    def _extra_hours(cls, value: object) -> object:
        return check_estimate(value)

    @field_validator("delay_days", mode="before")
    @classmethod
    def _delay_days(cls, value: object) -> object:
        return check_estimate(value, "working days", MAX_DELAY_DAYS)

    @model_validator(mode="after")
    def _one_impact(self) -> Risk:
        if self.extra_hours is None and self.delay_days is None:
            raise invalid(
                "missing key `extra_hours` or `delay_days`",
                hint="a risk costs extra hours on items or skills, or delays the start",
            )
        if self.extra_hours is not None and not (self.items or self.skills):
            raise invalid(
                "extra_hours given without `items` or `skills`",
                hint="name the items (items = [...]) or skills (skills = [...]) that get them",
            )
        if self.extra_hours is None and (self.items or self.skills):
            raise invalid(
                "`items` or `skills` given without extra_hours",
                hint="say how many hours the risk adds: extra_hours = 16 or [8, 16, 40]",
            )
        return self


LeverFreedom = Literal["fixed", "movable"]


class Levers(_Frozen):
    """What this deal allows the compromise menu to change: a tender's date is fixed."""

    date: LeverFreedom = Field(
        default="movable",
        description='"fixed" (a tender, a launch event) or "movable" (default): may the '
        "menu propose another deadline?",
    )
    scope: LeverFreedom = Field(
        default="movable",
        description='"fixed" or "movable" (default): may the menu propose deferring items?',
    )
    min_margin: Number = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Share of the price the deal must keep after any added cost "
        "(default 0: no loss).",
    )


class Spec(_Frozen):
    """A proposal: the project and its scope."""

    project: Project = Field(description="Name, start and deadline of the promise.")
    levers: Levers = Field(
        default_factory=Levers, description="This deal's limits for the compromise menu."
    )
    items: tuple[Item, ...] = Field(
        min_length=1, description="The scope: one [[items]] table per piece of work."
    )
    deferred: tuple[Item, ...] = Field(
        default=(), description="Scope moved out of this promise; kept for the record, not planned."
    )
    risks: tuple[Risk, ...] = Field(
        default=(), description="Known risks: one [[risks]] table each, sampled per trial."
    )
    scenarios: dict[str, Scenario] = Field(
        default_factory=dict,
        description="Variations to compare with this proposal: one [scenarios.NAME] table each.",
    )


class CalendarSettings(_Frozen):
    """When the team works, unless a member says otherwise."""

    workdays: tuple[Weekday, ...] = Field(
        default=("mon", "tue", "wed", "thu", "fri"), min_length=1, description="Working weekdays."
    )
    hours_per_day: DayHours = Field(default=8, description="Hours in a working day.")
    focus: Share = Field(default=1.0, description="Share of working time that is project work.")
    holidays: tuple[Date, ...] = Field(default=(), description="Days off for everyone.")
    country: str | None = Field(
        default=None, description="Public holidays of this country (ISO code, e.g. DE)."
    )
    region: str | None = Field(default=None, description="Subdivision for public holidays.")


class Member(_Frozen):
    """One person and how much of their time the project gets."""

    name: str = Field(min_length=1, description="Unique name, used by assignee.")
    skills: tuple[Name, ...] = Field(default=(), description="Skills this member can work on.")
    allocation: Share = Field(default=1.0, description="Share of this person on the project.")
    hours_per_day: DayHours | None = Field(
        default=None, description="Hours in this member's working day, instead of the calendar's."
    )
    focus: Share | None = Field(
        default=None, description="Share of their working time that is project work."
    )
    rate: Hours | None = Field(default=None, description="Cost per hour.")
    time_off: tuple[DayRange, ...] = Field(
        default=(), description="Inclusive [first, last] day ranges off."
    )
    joins: Date | None = Field(default=None, description="First day on the project.")
    leaves: Date | None = Field(default=None, description="Last day on the project.")
    ramp_up_weeks: int = Field(
        default=0, ge=0, le=52, description="Weeks after joining at reduced speed (new hires)."
    )
    ramp_up_speed: Share = Field(
        default=0.5, description="Share of full speed during the ramp-up weeks."
    )

    @field_validator("time_off", mode="before")
    @classmethod
    def _ranges_not_days(cls, value: Any) -> Any:
        # [a, b] instead of [[a, b]] is the likely slip; say so once, not once per date.
        if isinstance(value, list) and value and all(isinstance(v, dt.date) for v in value):
            raise invalid(
                f"got {show(value)}; expected a list of [first, last] ranges",
                hint=f"write time_off = [{show(value[:2])}] for one range",
            )
        return value

    @field_validator("leaves")
    @classmethod
    def _leaves_not_before_joins(cls, leaves: dt.date | None, info: ValidationInfo) -> Any:
        joins = info.data.get("joins")
        if leaves is not None and isinstance(joins, dt.date) and leaves < joins:
            raise invalid(f"{leaves} is before joins, {joins}; expected a day on or after it")
        return leaves


class Hiring(_Frozen):
    """What adding a person would look like, for the add-capacity compromise."""

    join_after: int = Field(
        default=10, ge=0, description="Working days after the start before a new member joins."
    )
    ramp_up_weeks: int = Field(default=2, ge=0, le=52, description="Weeks at reduced speed.")
    ramp_up_speed: Share = Field(default=0.5, description="Share of full speed while ramping up.")
    rates: dict[str, Hours] = Field(
        default_factory=dict,
        description="Hourly rate of a new member per skill (default: median rate of the skill).",
    )


class Policy(_Frozen):
    """Production's limits: longer days are never proposed unless the team allows them."""

    overtime: bool = Field(
        default=False, description="May the compromise menu propose longer days? (default false)"
    )
    max_overtime: Number = Field(
        default=0.10,
        gt=0,
        le=1,
        description="When overtime is allowed: at most this much longer days (0.10: 10 %).",
    )


class HistorySettings(_Frozen):
    """Where the team's record of estimated and actual hours is, and how it is written."""

    file: str = Field(min_length=1, description="CSV of finished tasks, relative to the team file.")
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="The CSV's header for each column whose name differs: "
        + ", ".join(HISTORY_COLUMNS)
        + ".",
    )
    unit: HistoryUnit = Field(
        default="hours", description='Unit of estimates and actuals: "hours", "days" or "minutes".'
    )
    method: HistoryMethod = Field(
        default="fitted",
        description='"fitted": size effect, drift and shared surprises (default); '
        '"resample": a ratio actual ÷ estimate drawn per task from the pool.',
    )

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, columns: dict[str, str]) -> dict[str, str]:
        for key in columns:
            if key not in HISTORY_COLUMNS:
                example = 'columns = { estimate_hours = "Their header" }'
                raise invalid(
                    f"unknown column `{key}`; expected one of {', '.join(HISTORY_COLUMNS)}",
                    hint=did_you_mean(key, HISTORY_COLUMNS) or f"write {example}",
                )
        return columns


class Team(_Frozen):
    """Production's capacity: the calendar and the people."""

    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    hiring: Hiring = Field(default_factory=Hiring, description="Defaults for adding a person.")
    policy: Policy = Field(
        default_factory=Policy, description="What the compromise menu may ask of the team."
    )
    history: HistorySettings | None = Field(
        default=None, description="The team's record of estimated and actual hours."
    )
    members: tuple[Member, ...] = Field(
        min_length=1, description="The people: one [[members]] table per person."
    )


def _scenario_estimate(value: object) -> object:
    return check_estimate(value)


class Scenario(_Frozen):
    """A variation of the proposal: less scope, other dates, more people, new estimates."""

    defer: tuple[str, ...] = Field(
        default=(), description="Ids of items left out; items that depend on them are left out too."
    )
    deadline: Date | None = Field(default=None, description="Another promised date.")
    start: Date | None = Field(default=None, description="Another first day of work.")
    price: Number | None = Field(
        default=None, ge=0, description="Another quoted price (a smaller scope, a cheaper deal)."
    )
    add_members: tuple[Member, ...] = Field(
        default=(), description="People added to the team, written like [[members]] in team.toml."
    )
    estimates: dict[str, Annotated[Estimate, BeforeValidator(_scenario_estimate)]] = Field(
        default_factory=dict,
        description="New estimates by item id: hours as a number, or [low, likely, high].",
    )


class Plan(_Frozen):
    """A proposal together with the team that would deliver it."""

    spec: Spec
    team: Team
