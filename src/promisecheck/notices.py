"""What a run tells its reader beside the numbers: warnings and reasons, as typed values.

Every layer may raise a notice (inputs, engine, assess, commands), so the types live here,
beside errors.py, and carry only data: names, ids, counts, shares. The words for each kind
are made in one place, report/_kit/notices.py, so that every format says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

from promisecheck.errors import Problem

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


# A located finding in an input file (the portfolio's team mismatch, say): its text is the
# located input message, made where the file was read, as with InputError.
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
    | Problem
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
