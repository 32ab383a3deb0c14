"""What a run tells its reader beside the numbers: warnings and reasons, as typed values.

Every layer may raise a notice (inputs, engine, assess, commands), so the types live here,
beside errors.py, and carry only data: names, ids, counts, shares. The words for each kind
are made in one place, report/_kit/notices.py, so that every format says the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

Estimate: TypeAlias = float | tuple[float, float, float]


# --- warnings: the run went ahead, but the reader should know ------------------------------


@dataclass(frozen=True, kw_only=True)
class HistoryBand:
    """How widely the team's own tasks missed their estimates: the central `share` of
    actual/estimate ratios lies between `low` and `high`."""

    share: float  # e.g. 0.8: the middle 80 % of tasks
    low: float
    high: float


@dataclass(frozen=True, kw_only=True)
class NarrowRanges:
    """Ranges so narrow (under ±`within` of the likely hours) that few tasks land in them."""

    items: tuple[tuple[str, Estimate], ...]  # every narrow item: id and estimate as written
    within: float  # half the narrowest width that is not suspicious, as a share of likely
    history: HistoryBand | None  # the team's record to set against them; None without history


@dataclass(frozen=True, kw_only=True)
class IdleMember:
    """A member who can never work on the plan: no skills and nothing assigned, or no
    working hours at all within the horizon."""

    member: str
    why: Literal["no-skills", "no-hours"]


@dataclass(frozen=True, kw_only=True)
class RiskDelayPastHorizon:
    """A risk's start delay can reach past every working day of the horizon."""

    risk: str
    working_days: int  # the team's working days in the horizon


@dataclass(frozen=True, kw_only=True)
class StartDelaysNotShared:
    """The shared schedule applies a project's risks' extra hours but not their start delays."""


@dataclass(frozen=True, kw_only=True)
class NeverWon:
    """A tentative commitment with a win probability of 0: it never takes anyone's time, so
    it is judged on trials in which it is not part of the shared schedule."""


@dataclass(frozen=True, kw_only=True)
class RepeatedIds:
    """History rows that repeat an earlier row's id; only the first of each is kept."""

    path: Path
    rows: int


@dataclass(frozen=True, kw_only=True)
class UndatedTasks:
    """History tasks without a date, left out of the trend (which needs dates)."""

    tasks: int


@dataclass(frozen=True, kw_only=True)
class CostNotShown:
    """Some members have a rate and some do not: cost is left out rather than undercounted."""

    unrated: tuple[str, ...]  # members without a rate, in team order


@dataclass(frozen=True, kw_only=True)
class BeyondHorizon:
    """Some (not all) trials did not finish within the horizon; they count as late."""

    beyond: int
    trials: int
    years: int


@dataclass(frozen=True, kw_only=True)
class FewTrials:
    """Too few trials for a steady probability: its standard error, as a share."""

    trials: int
    standard_error: float


@dataclass(frozen=True, kw_only=True)
class Overloaded:
    """A member planned above `above` of their capacity for `weeks` weeks in a row."""

    member: str
    above: float  # the share above which a week counts as overloaded
    weeks: int  # the longest such run


@dataclass(frozen=True, kw_only=True)
class InProject:
    """A notice about one project of a shared schedule."""

    project: str  # the project's name
    notice: Notice


# --- findings: located in an input file, as a reviewer would question it --------------------


@dataclass(frozen=True, kw_only=True)
class UnknownSkill:
    """An item needs a skill nobody in the team has: the estimate will be infeasible."""

    skill: str
    team: Path
    close: str | None  # a skill the team has that is spelled nearly the same


@dataclass(frozen=True, kw_only=True)
class LateJoiner:
    """A member who joins after the deadline."""

    member: str
    joins: dt.date
    deadline: dt.date


@dataclass(frozen=True, kw_only=True)
class AbsentHolders:
    """Every holder of a skill has no working hours from the start to the deadline."""

    skill: str
    holders: tuple[str, ...]
    start: dt.date
    deadline: dt.date
    items: int  # items that need the skill (and name no assignee)
    team: Path


@dataclass(frozen=True, kw_only=True)
class BigItem:
    """A likely estimate above `limit` hours: several items in one."""

    likely: float
    limit: float


@dataclass(frozen=True, kw_only=True)
class TightRange:
    """A range within ±`within` of its likely hours: more certainty than real effort has."""

    low: float
    likely: float
    high: float
    within: float


@dataclass(frozen=True, kw_only=True)
class PublicHoliday:
    """A public holiday of the team's calendar."""

    region: str  # COUNTRY or COUNTRY-REGION, as the team file gives it


# Why the team does not work on a day: not one of its workdays, one of its own holidays
# (`holidays` in the team file), or a public holiday where it is.
DayOff: TypeAlias = Literal["not-a-workday", "team-holiday"] | PublicHoliday


@dataclass(frozen=True, kw_only=True)
class DeadlineOnDayOff:
    """The deadline is a day the team does not work; work ends on the working day `before`."""

    deadline: dt.date
    why: DayOff
    before: dt.date


@dataclass(frozen=True, kw_only=True)
class NeverOnProposal:
    """A member who never works on this proposal: no skills and nothing assigned, or no
    working hours from the start to the deadline."""

    member: str
    why: Literal["no-skills", "no-hours"]
    start: dt.date
    deadline: dt.date


@dataclass(frozen=True, kw_only=True)
class DatePassed:
    """The proposal's start or deadline is before today: likely a copy nobody updated."""

    which: Literal["start", "deadline"]
    day: dt.date
    today: dt.date


@dataclass(frozen=True, kw_only=True)
class OwnTeam:
    """A commitment's spec names another team file than the portfolio's, which is used."""

    spec: str  # as written in portfolio.toml
    own: Path
    team: Path


@dataclass(frozen=True, kw_only=True)
class TentativeWithoutOdds:
    """A tentative commitment without `win_probability`: it counts as won in every trial."""


FindingKind: TypeAlias = (
    UnknownSkill
    | LateJoiner
    | AbsentHolders
    | BigItem
    | TightRange
    | DeadlineOnDayOff
    | NeverOnProposal
    | DatePassed
    | OwnTeam
    | TentativeWithoutOdds
)


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A warning placed in an input file, the way an input error is: validate lists it
    beside the file's errors, and reports that read the file show it too."""

    path: Path
    location: str  # the key, named as input errors name it (`items[0] "a".skill`)
    line: int | None
    kind: FindingKind


Notice: TypeAlias = (
    NarrowRanges
    | IdleMember
    | RiskDelayPastHorizon
    | StartDelaysNotShared
    | NeverWon
    | RepeatedIds
    | UndatedTasks
    | CostNotShown
    | BeyondHorizon
    | FewTrials
    | Overloaded
    | InProject
    | Finding
)


# --- reasons: why no trial can finish ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OnlyMemberNeverWorks:
    """Items assigned to a member who never has working hours."""

    member: str
    items: tuple[str, ...]  # every such item's id, in file order


@dataclass(frozen=True, kw_only=True)
class NobodyHasSkill:
    """Items needing a skill no member has."""

    skill: str
    items: tuple[str, ...]
    close: str | None  # a skill the team has that is spelled nearly the same


@dataclass(frozen=True, kw_only=True)
class SkillNeverWorks:
    """Items needing a skill whose every holder never has working hours."""

    skill: str
    items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NeverFinishes:
    """No trial finished within the horizon, though someone could work on every item:
    work too long to end in time, or items nobody could start."""

    years: int
    unfinished: tuple[str, ...]  # started in some trial, finished in none
    unstarted: tuple[str, ...]  # started in no trial


Reason: TypeAlias = OnlyMemberNeverWorks | NobodyHasSkill | SkillNeverWorks | NeverFinishes
