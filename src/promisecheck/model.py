"""The proposal (spec.toml) and the team (team.toml) as validated, immutable values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Priority = Literal["must", "should", "could"]
Distribution = Literal["pert", "triangular"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

PRIORITY_ORDER: dict[str, int] = {"must": 0, "should": 1, "could": 2}
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Hours = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
DayHours = Annotated[float, Field(gt=0, le=24, allow_inf_nan=False)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Project(_Frozen):
    """The promise: what is quoted to whom, from when, by when, at what confidence."""

    name: str = Field(min_length=1, description="Name of the proposal, as the client knows it.")
    client: str | None = Field(default=None, description="Who the promise is made to.")
    start: dt.date = Field(description="First day production can work on it (a TOML date).")
    deadline: dt.date = Field(
        description="The promised date: done by the end of that day (a TOML date)."
    )
    target_confidence: float = Field(
        default=0.85,
        gt=0,
        lt=1,
        description="Probability of being on time that counts as a kept promise, in (0, 1).",
    )
    price: float | None = Field(default=None, ge=0, description="Quoted price, for the margin.")
    currency: str | None = Field(default=None, description="Currency of price and rates.")
    team: str | None = Field(
        default=None, description="Team file, relative to this file (default: team.toml beside it)."
    )
    distribution: Distribution = Field(
        default="pert", description='Shape of ranged estimates: "pert" (default) or "triangular".'
    )

    @model_validator(mode="after")
    def _deadline_not_before_start(self) -> Project:
        if self.deadline < self.start:
            raise ValueError(
                f"deadline {self.deadline} is before start {self.start}; "
                "expected a deadline on or after the start"
            )
        return self


class Item(_Frozen):
    """One piece of scope, estimated in hours of work."""

    id: str = Field(min_length=1, description="Unique name of the item, used by depends_on.")
    title: str | None = Field(default=None, description="Human-readable title.")
    skill: str | None = Field(
        default=None, description="Skill needed; optional only when assignee is given."
    )
    estimate: float | tuple[float, float, float] = Field(
        description="Hours of work: a number (exact) or [low, likely, high]."
    )
    priority: Priority = Field(default="must", description="must | should | could.")
    depends_on: tuple[str, ...] = Field(
        default=(), description="Ids of items that must finish before this one starts."
    )
    assignee: str | None = Field(default=None, description="Only this member does it.")
    value: float | None = Field(
        default=None, ge=0, description="Business value, used when choosing what to defer."
    )

    @field_validator("estimate", mode="before")
    @classmethod
    def _estimate_shape(cls, value: object) -> object:
        # One clear message instead of pydantic's one-per-union-branch errors.
        def is_number(x: object) -> bool:
            return isinstance(x, int | float) and not isinstance(x, bool)

        if is_number(value):
            return value
        if isinstance(value, list | tuple) and len(value) == 3 and all(map(is_number, value)):
            return tuple(value)
        raise ValueError(f"got {value!r}; expected hours as a number or [low, likely, high]")

    @field_validator("estimate")
    @classmethod
    def _estimate_is_ordered(
        cls, value: float | tuple[float, float, float]
    ) -> float | tuple[float, float, float]:
        if isinstance(value, tuple):
            low, likely, high = value
            if min(value) < 0:
                raise ValueError(f"negative hours in {list(value)}; expected hours ≥ 0")
            if not low <= likely <= high:
                raise ValueError(
                    f"range {list(value)} is not ordered; expected [low, likely, high] "
                    "with low ≤ likely ≤ high"
                )
            if high <= 0:
                raise ValueError("expected a high estimate above 0 hours")
        elif not value > 0:
            raise ValueError(f"{value} hours; expected a number of hours above 0")
        return value

    @model_validator(mode="after")
    def _skill_or_assignee(self) -> Item:
        if self.skill is None and self.assignee is None:
            raise ValueError("missing key `skill`: an item needs a skill, an assignee, or both")
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


class Spec(_Frozen):
    """A proposal: the project and its scope."""

    project: Project
    items: tuple[Item, ...] = Field(min_length=1, description="The scope, in priority file order.")
    deferred: tuple[Item, ...] = Field(
        default=(), description="Scope moved out of this promise; kept for the record, not planned."
    )


class CalendarSettings(_Frozen):
    """When the team works, unless a member says otherwise."""

    workdays: tuple[Weekday, ...] = Field(
        default=("mon", "tue", "wed", "thu", "fri"), min_length=1, description="Working weekdays."
    )
    hours_per_day: DayHours = Field(default=8, description="Hours in a working day, in (0, 24].")
    focus: Share = Field(
        default=1.0, description="Share of working time that is project work, in (0, 1]."
    )
    holidays: tuple[dt.date, ...] = Field(default=(), description="Days off for everyone.")
    country: str | None = Field(
        default=None, description="Public holidays of this country (ISO code, e.g. DE)."
    )
    region: str | None = Field(default=None, description="Subdivision for public holidays.")


class Member(_Frozen):
    """One person and how much of their time the project gets."""

    name: str = Field(min_length=1, description="Unique name, used by assignee.")
    skills: tuple[str, ...] = Field(default=(), description="Skills this member can work on.")
    allocation: Share = Field(default=1.0, description="Share of this person on the project.")
    hours_per_day: DayHours | None = Field(default=None, description="Overrides the calendar.")
    focus: Share | None = Field(default=None, description="Overrides the calendar.")
    rate: float | None = Field(default=None, ge=0, description="Cost per hour.")
    time_off: tuple[tuple[dt.date, dt.date], ...] = Field(
        default=(), description="Inclusive [first, last] day ranges off."
    )
    joins: dt.date | None = Field(default=None, description="First day on the project.")
    leaves: dt.date | None = Field(default=None, description="Last day on the project.")

    @field_validator("time_off")
    @classmethod
    def _ranges_forward(
        cls, ranges: tuple[tuple[dt.date, dt.date], ...]
    ) -> tuple[tuple[dt.date, dt.date], ...]:
        for first, last in ranges:
            if last < first:
                raise ValueError(
                    f"range [{first}, {last}] is reversed; expected [first day, last day]"
                )
        return ranges

    @model_validator(mode="after")
    def _joins_before_leaves(self) -> Member:
        if self.joins and self.leaves and self.leaves < self.joins:
            raise ValueError(f"leaves {self.leaves} is before joins {self.joins}")
        return self


class Team(_Frozen):
    """Production's capacity: the calendar and the people."""

    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    members: tuple[Member, ...] = Field(min_length=1, description="The people.")


class Plan(_Frozen):
    """A proposal together with the team that would deliver it."""

    spec: Spec
    team: Team
