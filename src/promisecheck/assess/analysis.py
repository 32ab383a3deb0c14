"""SimulationResult → Assessment: the odds, the dates, the bottleneck and the risky items."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from promisecheck.engine.calendar import DAY_SPAN, HORIZON_YEARS, Capacity
from promisecheck.engine.history_model import HistoryUse
from promisecheck.engine.network import eligibility_class, predecessors_of
from promisecheck.engine.risks import RiskImpact
from promisecheck.engine.simulate import SimulationResult
from promisecheck.errors import closest

# percentile_index is re-exported: the searches and the tests read it beside the analysis.
from promisecheck.inputs.history import percentile_index as percentile_index
from promisecheck.inputs.model import Plan
from promisecheck.notices import (
    BeyondHorizon,
    CostNotShown,
    FewTrials,
    NeverFinishes,
    NobodyHasSkill,
    Notice,
    OnlyMemberNeverWorks,
    Overloaded,
    Reason,
    SkillNeverWorks,
)

SCHEMA = "promisecheck.estimate/1"
PERCENTILES: tuple[tuple[str, float], ...] = (
    ("p50", 0.5),
    ("p70", 0.7),
    ("p85", 0.85),
    ("p95", 0.95),
)
Verdict = Literal["on-track", "at-risk", "unlikely", "infeasible"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, kw_only=True)
class SkillLoad:
    """Demand for one skill against the capacity of everyone who has it, up to the deadline."""

    skill: str
    demand_hours: float  # mean sampled hours of items needing it
    capacity_hours: float  # item-work hours its holders can give up to the deadline
    load: float | None  # demand / capacity; None when nobody can give any hours
    members: tuple[str, ...]
    bottleneck: bool  # the skill most on the critical chain (see chain_share)
    chain_working: float = 0.0  # mean share of the chain's length worked on items needing it
    chain_waiting: float = 0.0  # mean share in which such an item waits for its member

    @property
    def chain_share(self) -> float:
        """The share of the critical chain's length held by items needing this skill."""
        return round(self.chain_working + self.chain_waiting, SHARE_DIGITS)


@dataclass(frozen=True, kw_only=True)
class TimeOffOnChain:
    """One `time_off` period of a member, and how often it holds up the critical chain."""

    first: dt.date
    last: dt.date
    # Share of all trials in which it falls inside a chain item the member works or waits for.
    trials: float


@dataclass(frozen=True, kw_only=True)
class MemberLoad:
    """How busy one member is, on average over trials."""

    name: str
    work_hours: float  # mean hours of item work done
    capacity_hours: float  # mean item-work hours available from start to project finish
    utilisation: float | None  # work / capacity; None with no capacity
    weekly: tuple[float | None, ...] = ()  # planned utilisation per week from the start
    allocation: float = 1.0  # share of this person on the project: below 1, a part-timer
    chain_working: float = 0.0  # mean share of the critical chain's length they work on it
    chain_waiting: float = 0.0  # mean share in which a chain item is ready and waits for them
    chain_trials: float = 0.0  # share of trials in which one of their items is on the chain
    chain_skill: str | None = None  # the skill of most of their chain time; None: never on it
    time_off: tuple[TimeOffOnChain, ...] = ()  # each time_off period, in file order
    bottleneck: bool = False  # the member most on the critical chain

    @property
    def chain_share(self) -> float:
        """The share of the critical chain's length spent working or waiting for them."""
        return round(self.chain_working + self.chain_waiting, SHARE_DIGITS)


@dataclass(frozen=True, kw_only=True)
class ItemRisk:
    """One item's dates and how often it decides or misses the deadline."""

    id: str
    title: str | None
    priority: str
    finish: dict[str, dt.date | None]  # p50, p85
    on_time_probability: float
    criticality: float  # share of trials in which it is on the chain that sets the finish


@dataclass(frozen=True, kw_only=True)
class Bin:
    """One bar of the finish-date histogram."""

    first: dt.date
    last: dt.date
    trials: int
    cumulative: float  # share of trials finished by `last`


CURVE_POINTS = 200  # the most days the delivery curve keeps; a longer span is thinned


@dataclass(frozen=True, kw_only=True)
class CurvePoint:
    """The share of trials finished by the end of one day: a point on the delivery S-curve.

    The histogram's bars are too coarse to draw the curve through (it would look flat where
    it rises), so the assessment keeps the curve itself, exact at every day it lists.
    """

    day: dt.date
    finished: float  # share of all trials (counting the unfinished) done by the end of `day`


CompromiseKind = Literal[
    "move-date",
    "cut-scope",
    "add-hours",
    "add-member",
    "start-earlier",
    "start-later",
    "combination",
]
# keeps-quote: production absorbs it, the client sees the quote as it stands;
# needs-client: the client must agree to less scope or another date.
OptionGroup = Literal["keeps-quote", "needs-client"]
NotOfferedReason = Literal[
    "date-fixed",  # [levers] date = "fixed"
    "scope-fixed",  # [levers] scope = "fixed"
    "needs-overtime",  # only longer days reach the target; [policy] overtime = false
    "below-margin",  # the added cost leaves less than [levers] min_margin of the price
    "before-as-of",  # it would have to start (or end) before the as-of date
    "breaks-commitment",  # in a portfolio: a signed commitment that holds would not
]
MenuStatus = Literal["not-needed", "infeasible", "options", "none", "slack"]


@dataclass(frozen=True, kw_only=True)
class Compromise:
    """One checked way to reach the target confidence, and what it costs.

    Computed by compromises.py; defined here so that the Assessment can carry it. Every
    number is that of a fresh estimate of the plan `--apply` writes, with the same seed.
    """

    kind: CompromiseKind
    group: OptionGroup
    on_time_probability: float  # re-simulated on the same random draws
    size: float  # ranking key within the group: the change in team working-day equivalents
    finish_p85: dt.date | None = None  # P85 finish of the revised plan
    deadline: dt.date | None = None  # new promised date
    start: dt.date | None = None  # new start date
    working_days: int | None = None  # how far the date or start moves
    deferred: tuple[str, ...] = ()  # item ids moved out of the promise
    deferred_hours: float = 0.0  # mean estimated hours deferred
    deferred_value: float | None = None
    skill: str | None = None  # the skill capacity is added to
    people: tuple[str, ...] = ()  # members whose hours change (only those)
    extra_hours_per_week: float | None = None  # added wall-clock hours in a full week
    extra_hours: float | None = None  # added item-work hours offered from start to deadline
    allocations: tuple[tuple[str, float], ...] = ()  # member → new allocation
    hours_per_day: tuple[tuple[str, float], ...] = ()  # member → new hours per day
    new_members: int = 0
    new_member_joins: dt.date | None = None
    new_member_rate: float | None = None
    added_cost: float | None = None  # median cost of the revised plan minus the baseline's
    margin: float | None = None  # price - median cost of the revised plan
    overtime: bool = False
    peak_weekly_load: float | None = None  # highest planned weekly utilisation of anyone
    breaks: tuple[str, ...] = ()  # in a portfolio: signed commitments it breaks, by name


@dataclass(frozen=True, kw_only=True)
class NotOffered:
    """A lever the menu left out on purpose, and the limit that ruled it out."""

    kind: CompromiseKind
    reason: NotOfferedReason
    option: Compromise | None = None  # what it would have been, when the search found one
    floor: float | None = None  # below-margin: the margin floor as a share of the price
    margin_share: float | None = None  # below-margin: the margin the option would leave
    as_of: dt.date | None = None  # before-as-of: the first day an option may use


@dataclass(frozen=True, kw_only=True)
class LeverReach:
    """How far one lever gets alone, at the most the limits allow."""

    kind: CompromiseKind
    reaches_target: bool
    # On-time probability at the lever's furthest allowed setting: on all trials when it
    # reached the target, else on the search's screening trials (the first 1 000).
    best_probability: float
    at_most: bool = False  # best_probability is an upper bound: capacity alone rules it out
    skill: str | None = None  # add-hours, add-member: the skill searched
    new_members: int = 0  # add-member: the most people tried
    priorities: tuple[str, ...] = ()  # cut-scope: the priorities of what was deferred
    overtime: bool = False  # add-hours: the furthest setting included allowed overtime


@dataclass(frozen=True, kw_only=True)
class PriceAdvice:
    """The price that pays for the median cost, and the one that keeps the margin floor."""

    break_even: float
    for_min_margin: float
    min_margin: float
    below_floor: bool  # the quoted price leaves less than the floor at the median cost


@dataclass(frozen=True, kw_only=True)
class Menu:
    """The compromises in two groups, what was left out and why, and the price."""

    target_confidence: float
    status: MenuStatus
    on_time_probability: float
    as_of: dt.date | None  # nothing may start before it; None: not judged (library use)
    options: tuple[Compromise, ...]  # keeps-quote first (cheapest first), then needs-client
    not_offered: tuple[NotOffered, ...] = ()
    levers: tuple[LeverReach, ...] = ()  # each lever searched alone
    price: PriceAdvice | None = None
    probability_per_week_later: float | None = None  # drop in odds per week of late start
    start_passed: bool = False  # the plan's start is before as_of
    deadline_passed: bool = False  # the plan's deadline is before as_of
    # In a portfolio: options that break a signed commitment are left out (not offered).
    judges_commitments: bool = False
    breaks: tuple[str, ...] = ()  # in a portfolio: signed commitments the plan as it is breaks


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """Everything the renderers show; computed once, read-only."""

    schema: str = SCHEMA
    project: str
    client: str | None
    start: dt.date
    deadline: dt.date
    target_confidence: float
    trials: int
    seed: int
    distribution: str
    ranged_items: int = 0  # items estimated as a range; 0: every estimate is one exact number
    range_meaning: str = "minmax"  # what low and high of ranges are: minmax or p10-p90
    on_time_probability: float
    on_time_standard_error: float
    must_on_time_probability: float
    verdict: Verdict
    reasons: tuple[Reason, ...]  # why infeasible
    finish: dict[str, dt.date | None]  # None: past the ten-year horizon
    target_date: dt.date | None  # earliest date reached with the target confidence
    beyond_horizon: int  # trials that did not finish within the horizon
    effort_hours: dict[str, float]
    cost: dict[str, float] | None  # None when some member has no rate
    price: float | None
    currency: str | None
    margin: dict[str, float] | None  # price - cost at each percentile
    skills: tuple[SkillLoad, ...]
    members: tuple[MemberLoad, ...]
    items: tuple[ItemRisk, ...]
    histogram: tuple[Bin, ...]
    # Every day from the first finish to the last within the horizon, in order; a span of more
    # than CURVE_POINTS days keeps every k-th day plus the deadline and the percentile days.
    curve: tuple[CurvePoint, ...]
    warnings: tuple[Notice, ...] = field(default=())
    compromises: Menu | None = None
    as_of: dt.date | None = None  # the day options and passed dates are judged on
    history: HistoryUse | None = None  # how history corrected the estimates; None without
    risks: tuple[RiskImpact, ...] = ()  # each risk's effect on the on-time probability

    @property
    def headline(self) -> Headline:
        """Its headline: every field of Headline is a field of the assessment."""
        return Headline(**{f.name: getattr(self, f.name) for f in fields(Headline)})

    @property
    def bottleneck(self) -> SkillLoad | None:
        """The skill most on the critical chain; None when no trial finishes."""
        return next((s for s in self.skills if s.bottleneck), None)

    @property
    def bottleneck_member(self) -> MemberLoad | None:
        """The member most on the critical chain; None when no trial finishes."""
        return next((m for m in self.members if m.bottleneck), None)

    @property
    def highest_load(self) -> SkillLoad | None:
        """The skill with the highest demand against its capacity (no capacity first)."""
        return max(self.skills, key=lambda s: math.inf if s.load is None else s.load, default=None)


@dataclass(frozen=True, kw_only=True)
class Headline:
    """What a gate needs of an assessment: the odds, the verdict and the dates.

    `check` judges every proposal of a repository by these alone (and draws the curve in
    HTML), so it computes them without the chain walk, loads, cost and histogram that the
    full assessment adds (most of an assessment's time at twenty items).
    """

    project: str
    deadline: dt.date
    target_confidence: float
    trials: int
    on_time_probability: float
    on_time_standard_error: float
    must_on_time_probability: float
    verdict: Verdict
    reasons: tuple[Reason, ...]  # why infeasible
    finish: dict[str, dt.date | None]  # None: past the ten-year horizon
    target_date: dt.date | None  # earliest date reached with the target confidence
    beyond_horizon: int  # trials that did not finish within the horizon
    curve: tuple[CurvePoint, ...]  # as Assessment.curve


def verdict_for(probability: float, target: float) -> Verdict:
    if probability >= target:
        return "on-track"
    return "at-risk" if probability >= 0.5 else "unlikely"


def percentile_days(days: npt.NDArray[np.integer[Any]], shares: dict[str, float]) -> dict[str, int]:
    ordered = np.sort(days)
    return {key: int(ordered[percentile_index(share, days.size)]) for key, share in shares.items()}


def percentile_values(values: FloatArray, shares: dict[str, float]) -> dict[str, float]:
    ordered = np.sort(values)
    return {key: float(ordered[percentile_index(s, values.size)]) for key, s in shares.items()}


def _date_or_none(capacity: Capacity, day: int) -> dt.date | None:
    return capacity.date_of(day) if day < capacity.days else None


def drivers(
    result: SimulationResult, predecessors: Sequence[Sequence[int]]
) -> npt.NDArray[np.int64]:
    """[trials, items]: the finish that let each item start, -1 if it could start at once.

    Either its last-finishing dependency or the member's previous item, whichever finished
    later (the dependency on a tie).
    """
    trials, items = result.finish.shape
    rows = np.arange(trials)[:, None]
    finish, member = result.finish, result.member
    # The member's previous item: sort each trial's items by (member, start).
    key = np.where(member >= 0, member * _MEMBER_SPAN + result.start, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    same = np.take_along_axis(member, order, axis=1)
    previous_sorted = np.full(order.shape, -1, dtype=np.int64)
    previous_sorted[:, 1:] = np.where(
        (same[:, 1:] == same[:, :-1]) & (same[:, 1:] >= 0), order[:, :-1], -1
    )
    previous = np.empty_like(previous_sorted)
    np.put_along_axis(previous, order, previous_sorted, axis=1)
    previous_end = np.where(previous >= 0, finish[rows, np.maximum(previous, 0)], -np.inf)
    dependency = np.full((trials, items), -1, dtype=np.int64)
    dependency_end = np.full((trials, items), -np.inf)
    for i, preds in enumerate(predecessors):
        if preds:
            ends = finish[:, list(preds)]
            latest = ends.argmax(axis=1)
            dependency[:, i] = np.asarray(preds)[latest]
            dependency_end[:, i] = ends[np.arange(trials), latest]
    chosen: npt.NDArray[np.int64] = np.where(previous_end > dependency_end, previous, dependency)
    return chosen


_MEMBER_SPAN = 2.0**17  # above every moment of the ten-year horizon, in DAY_SPAN units


def critical_chain(
    result: SimulationResult, predecessors: Sequence[Sequence[int]]
) -> npt.NDArray[np.bool_]:
    """[trials, items]: on the chain of drivers that ends at the trial's last finish."""
    return walk_chain(result, predecessors).on_chain


@dataclass(frozen=True, eq=False)
class ChainWalk:
    """The critical chain of every trial, as a mask and as its cells (one per chain item)."""

    on_chain: npt.NDArray[np.bool_]  # [trials, items]
    trial: IntArray  # [cells] the trial of each chain item
    item: IntArray  # [cells] the item
    driver: IntArray  # [cells] the item that released it; -1 for the first of the chain


def walk_chain(result: SimulationResult, predecessors: Sequence[Sequence[int]]) -> ChainWalk:
    """Walk each trial's chain back from its last finish, recording every step.

    The cells come from the walk itself: finding them again in the [trials, items] mask
    would cost as much as the walk.
    """
    trials, items = result.finish.shape
    on_chain = np.zeros((trials, items), dtype=bool)
    cells: list[tuple[IntArray, IntArray, IntArray]] = []
    # In blocks of trials: the driver arrays are several times the size of the schedule.
    for first in range(0, trials if items else 0, _CHAIN_BLOCK):
        block = slice(first, min(trials, first + _CHAIN_BLOCK))
        part = SimulationResult(
            efforts=result.efforts[block],
            start=result.start[block],
            finish=result.finish[block],
            member=result.member[block],
        )
        driver = drivers(part, predecessors)
        finish = part.finish
        current = np.where(np.isfinite(finish).all(axis=1), finish.argmax(axis=1), -1)
        chain = on_chain[block]
        for _ in range(items):
            live = np.flatnonzero(current >= 0)
            if not live.size:
                break
            now = current[live]
            chain[live, now] = True
            released_by = driver[live, now]
            cells.append((live + first, now, released_by))
            current[live] = released_by
    return ChainWalk(
        on_chain=on_chain,
        trial=np.concatenate([c[0] for c in cells]) if cells else np.zeros(0, np.int64),
        item=np.concatenate([c[1] for c in cells]) if cells else np.zeros(0, np.int64),
        driver=np.concatenate([c[2] for c in cells]) if cells else np.zeros(0, np.int64),
    )


@dataclass(frozen=True, kw_only=True, eq=False)
class ChainShares:
    """Who and what holds the critical chain: shares of its length, averaged over the
    trials that finish, and how often each member's items and time off are on it."""

    member_working: FloatArray  # [members]
    member_waiting: FloatArray  # [members]
    member_trials: FloatArray  # [members] share of all trials with one of their items on it
    member_skill: tuple[int | None, ...]  # [members] index into skill labels, by chain time
    skill_working: FloatArray  # [skills]
    skill_waiting: FloatArray  # [skills]
    time_off: tuple[tuple[float, ...], ...]  # [members][periods] share of all trials


def skill_labels(plan: Plan) -> tuple[list[str], IntArray]:
    """The skills table's rows (an item's skill, or `(name)` for an assignee without one),
    in order of first use, and each item's row."""
    labels: dict[str, int] = {}
    rows = []
    for item in plan.spec.items:
        label = item.skill if item.skill is not None else f"({item.assignee})"
        rows.append(labels.setdefault(label, len(labels)))
    return list(labels), np.array(rows, dtype=np.int64)


def chain_shares(
    plan: Plan,
    result: SimulationResult,
    capacity: Capacity,
    walk: ChainWalk,
    start_day: IntArray | None = None,
) -> ChainShares:
    """Split each trial's critical chain among the members and skills that hold it.

    Each chain item holds the stretch from the finish of what released it to its own
    finish: worked by its member from its start, waiting for its member before (busy, off
    work, not joined yet). Length is counted in team working days, each the calendar's
    hours_per_day long, so nights, weekends and team holidays belong to nobody while a
    member's own time off and short days count against them. The chain starts at the
    project's start (on a shared calendar, not the calendar's first day), or on the day a
    risk's delay lets work begin (`start_day`, per trial): a late start is nobody's wait.
    All on the chain cells only: a few per trial, never a loop over trials.
    """
    members = len(plan.team.members)
    labels, item_skill = skill_labels(plan)
    skills = len(labels)
    trials = result.trials
    team_days = np.zeros(capacity.days + 1)
    np.cumsum(capacity.team_working, out=team_days[1:])
    day_hours = float(plan.team.calendar.hours_per_day)

    share_of_day = capacity.team_working / day_hours

    def position(moment: FloatArray) -> FloatArray:
        """Team working days from the start to the moment (only finite moments come here)."""
        day = np.minimum((moment * (1 / DAY_SPAN)).astype(np.int64), capacity.days - 1)
        hour = np.minimum(moment - day * DAY_SPAN, day_hours)
        placed: FloatArray = team_days.take(day) + share_of_day.take(day) * hour
        return placed

    trial, item = walk.trial, walk.item
    row = trial * result.finish.shape[1]
    cell = row + item
    # A chain item's stretch begins where what released it finished; the first at the start.
    released = result.finish.take(row + np.maximum(walk.driver, 0))
    first_day = max(0, capacity.day_of(plan.spec.project.start))
    origin = (
        np.full(trials, first_day) if start_day is None else np.maximum(start_day, first_day)
    ).take(trial) * DAY_SPAN
    begin = position(np.where(walk.driver >= 0, released, origin))
    start = position(result.start.take(cell))
    finish = position(result.finish.take(cell))
    work = finish - start
    wait = np.maximum(start - begin, 0.0)
    length = np.bincount(trial, weights=work + wait, minlength=trials)
    counted = length > 0
    finished = max(1, int(np.count_nonzero(counted)))
    weight = np.where(counted, 1.0 / np.where(counted, length, 1.0), 0.0)[trial] / finished
    who = result.member.take(cell).astype(np.int64)
    worked, waited = work * weight, wait * weight
    cell_skill = item_skill.take(item)

    def total(keys: IntArray, values: FloatArray, size: int) -> FloatArray:
        summed: FloatArray = np.bincount(keys, weights=values, minlength=size).astype(np.float64)
        return np.round(summed, SHARE_DIGITS)

    skill_working = total(cell_skill, worked, skills)
    skill_waiting = total(cell_skill, waited, skills)
    # Items done by nobody (absent from a shared schedule) hold their stretch for no member.
    done = np.flatnonzero(who >= 0) if (who < 0).any() else slice(None)
    by, worked, waited = who[done], worked[done], waited[done]
    member_working = total(by, worked, members)
    member_waiting = total(by, waited, members)
    pairs = total(by * skills + cell_skill[done], worked + waited, members * skills)
    member_skill = tuple(
        int(row.argmax()) if row.max(initial=0.0) > 0 else None
        for row in pairs.reshape(members, skills)
    )
    seen = np.zeros(trials * members, dtype=bool)
    seen[trial[done] * members + by] = True
    member_trials = seen.reshape(trials, members).mean(axis=0) if trials else np.zeros(members)
    time_off = []
    for m, member in enumerate(plan.team.members):
        theirs = np.flatnonzero(who == m) if member.time_off else np.zeros(0, np.int64)
        stretch = (trial[theirs], begin[theirs], finish[theirs])
        time_off.append(
            tuple(
                _time_off_share(capacity, team_days, period, *stretch, trials)
                for period in member.time_off
            )
        )
    return ChainShares(
        member_working=member_working,
        member_waiting=member_waiting,
        member_trials=member_trials,
        member_skill=member_skill,
        skill_working=skill_working,
        skill_waiting=skill_waiting,
        time_off=tuple(time_off),
    )


def _label(labels: Sequence[str], index: int | None) -> str | None:
    return None if index is None else labels[index]


def _time_off_share(
    capacity: Capacity,
    team_days: FloatArray,
    period: tuple[dt.date, dt.date],
    trial: IntArray,
    begin: FloatArray,
    finish: FloatArray,
    trials: int,
) -> float:
    """Share of trials in which the period's team working days fall inside the stretch of
    one of the member's chain items (given: from what released it to its finish)."""
    lo = min(max(0, capacity.day_of(period[0])), capacity.days)
    hi = min(max(0, capacity.day_of(period[1]) + 1), capacity.days)
    first, last = team_days[lo], team_days[hi]
    if last <= first or not trials:
        return 0.0
    inside = (begin < last) & (finish > first)
    hit = np.zeros(trials, dtype=bool)  # not np.unique: it imports numpy.ma (7 ms)
    hit[trial[inside]] = True
    return int(np.count_nonzero(hit)) / trials


_CHAIN_BLOCK = 2000
# Shares of the chain are sums of many quotients: rounded, so that a chain held by one
# member all along is 100 %, not 99.99999999 % (shown as "> 99 %").
SHARE_DIGITS = 9


def _infeasibility(plan: Plan, capacity: Capacity) -> list[Reason]:
    """Reasons no trial can ever finish, found without simulating."""
    members = plan.team.members
    reasons: list[Reason] = []
    known_skills = sorted({s for m in members for s in m.skills})
    total = capacity.cumulative[:, -1]
    by_class: dict[str, list[str]] = {}
    for item in plan.spec.items:
        by_class.setdefault(eligibility_class(item), []).append(item.id)
    for name, ids in by_class.items():
        if name.startswith("@"):
            who = name[1:]
            index = next(i for i, m in enumerate(members) if m.name == who)
            if total[index] <= 0:
                reasons.append(OnlyMemberNeverWorks(member=who, items=tuple(ids)))
            continue
        skill = name.removeprefix("skill:")
        holders = [i for i, m in enumerate(members) if skill in m.skills]
        if not holders:
            reasons.append(
                NobodyHasSkill(skill=skill, items=tuple(ids), close=closest(skill, known_skills))
            )
        elif all(total[i] <= 0 for i in holders):
            reasons.append(SkillNeverWorks(skill=skill, items=tuple(ids)))
    return reasons


def _why_never(plan: Plan, result: SimulationResult) -> NeverFinishes:
    """Why no trial finished within the horizon: work nobody could start, or work too long
    to end in ten years."""
    ids = plan.spec.items
    unstarted = [ids[i].id for i in np.flatnonzero(~np.isfinite(result.start).any(axis=0))]
    unfinished = [
        ids[i].id
        for i in np.flatnonzero(
            np.isfinite(result.start).any(axis=0) & ~np.isfinite(result.finish).any(axis=0)
        )
    ]
    return NeverFinishes(
        years=HORIZON_YEARS, unfinished=tuple(unfinished), unstarted=tuple(unstarted)
    )


def _histogram(
    days: npt.NDArray[np.integer[Any]], capacity: Capacity, trials: int, deadline_day: int
) -> tuple[Bin, ...]:
    """Bars of equal width, aligned so that one of them ends on the deadline: the share
    finished "by then" at that bar is the on-time probability."""
    finished = np.sort(days[days < capacity.days])
    if finished.size == 0:
        return ()
    first, last = int(finished[0]), int(finished[-1])
    width = 1
    for candidate in (1, 7, 14, 28, 56, 91, 182, 364):
        width = candidate
        if (last - first) // candidate < 16:
            break
    start = deadline_day + 1 - width * -(-(deadline_day + 1 - first) // width)
    bins = []
    for lo in range(max(start, first - width + 1), last + 1, width):
        hi = min(lo + width - 1, last)
        lo = max(lo, first)
        count = int(np.count_nonzero((finished >= lo) & (finished <= hi)))
        done = int(np.count_nonzero(finished <= hi))
        bins.append(
            Bin(
                first=capacity.date_of(lo),
                last=capacity.date_of(hi),
                trials=count,
                cumulative=done / trials,
            )
        )
    return tuple(bins)


def delivery_curve(
    days: npt.NDArray[np.integer[Any]], capacity: Capacity, trials: int, exact: Sequence[int]
) -> tuple[CurvePoint, ...]:
    """The share of trials finished by each day from the first finish to the last.

    days: each trial's finish day (those at or past the horizon never finished); exact: days
    always kept when a long span is thinned (the deadline, the percentile days), so that the
    marks drawn on the curve sit on it. Every share is counted, not interpolated.
    """
    finished = np.sort(days[days < capacity.days])
    if finished.size == 0:
        return ()
    first, last = int(finished[0]), int(finished[-1])
    step = -(-(last - first + 1) // CURVE_POINTS)
    kept = set(range(first, last + 1, step)) | {last}
    kept |= {day for day in exact if first <= day <= last}
    chosen = np.array(sorted(kept), dtype=np.int64)
    done = np.searchsorted(finished, chosen, side="right")
    return tuple(
        CurvePoint(day=capacity.date_of(int(day)), finished=int(count) / trials)
        for day, count in zip(chosen, done, strict=True)
    )


def headline(
    plan: Plan, result: SimulationResult, capacity: Capacity, confidence: float | None = None
) -> Headline:
    """The odds of finishing by the deadline (all items, and the must items), the verdict
    against the target, why it can never finish, and the percentile dates."""
    spec = plan.spec
    project = spec.project
    target = confidence if confidence is not None else project.target_confidence
    trials = result.trials
    deadline_day = capacity.day_of(project.deadline)
    item_days = result.finish_days
    project_days = item_days.max(axis=1)
    must = np.array([item.priority == "must" for item in spec.items])
    must_days = item_days[:, must].max(axis=1) if must.any() else np.zeros(trials, dtype=np.int64)
    beyond = int(np.count_nonzero(project_days >= capacity.days))
    on_time = float(np.count_nonzero(project_days <= deadline_day)) / trials
    reasons = _infeasibility(plan, capacity)
    if beyond == trials and not reasons:
        reasons.append(_why_never(plan, result))
    finish_days = percentile_days(project_days, dict(PERCENTILES))
    target_day = percentile_days(project_days, {"t": target})["t"]
    exact_days = [deadline_day, target_day, *finish_days.values()]
    return Headline(
        project=project.name,
        deadline=project.deadline,
        target_confidence=target,
        trials=trials,
        on_time_probability=on_time,
        on_time_standard_error=math.sqrt(on_time * (1 - on_time) / trials),
        must_on_time_probability=float(np.count_nonzero(must_days <= deadline_day)) / trials,
        verdict="infeasible" if beyond == trials else verdict_for(on_time, target),
        reasons=tuple(reasons),
        finish={k: _date_or_none(capacity, d) for k, d in finish_days.items()},
        target_date=_date_or_none(capacity, target_day),
        beyond_horizon=beyond,
        curve=delivery_curve(project_days, capacity, trials, exact_days),
    )


def assess(
    plan: Plan,
    result: SimulationResult,
    capacity: Capacity,
    *,
    seed: int,
    confidence: float | None = None,
    start_day: IntArray | None = None,
) -> Assessment:
    """Turn the trials into the numbers a salesperson and a production lead need.

    start_day: per trial, the day work could begin when a risk delayed the start (as
    simulated); only the bottleneck reads it, so that a late start is nobody's wait.
    """
    spec, team = plan.spec, plan.team
    project = spec.project
    trials = result.trials
    deadline_day = capacity.day_of(project.deadline)
    shares = dict(PERCENTILES)
    item_days = result.finish_days
    project_days = item_days.max(axis=1)
    head = headline(plan, result, capacity, confidence)
    target, on_time, verdict = head.target_confidence, head.on_time_probability, head.verdict
    beyond = head.beyond_horizon
    target_day = percentile_days(project_days, {"t": target})["t"]
    effort = result.efforts.sum(axis=1)

    rates = [m.rate for m in team.members]
    cost: dict[str, float] | None = None
    margin: dict[str, float] | None = None
    warnings: list[Notice] = []
    worked = _hours_by_member(result, len(team.members))
    per_trial = trial_costs(plan, result, capacity, worked)
    if per_trial is not None:
        cost = percentile_values(per_trial, shares)
        if project.price is not None:
            margin = {k: project.price - v for k, v in cost.items()}
    elif any(rate is not None for rate in rates) or project.price is not None:
        # Without any rates cost is simply not tracked; a partial set is a slip.
        missing = tuple(m.name for m in team.members if m.rate is None)
        warnings.append(CostNotShown(unrated=missing))
    if beyond and verdict != "infeasible":
        warnings.append(BeyondHorizon(beyond=beyond, trials=trials, years=HORIZON_YEARS))
    standard_error = head.on_time_standard_error
    if trials < 1000:
        warnings.append(FewTrials(trials=trials, standard_error=standard_error))

    walk = walk_chain(result, predecessors_of(spec.items))
    chain = walk.on_chain
    holds = chain_shares(plan, result, capacity, walk, start_day)
    items = tuple(
        ItemRisk(
            id=item.id,
            title=item.title,
            priority=item.priority,
            finish={
                k: _date_or_none(capacity, d)
                for k, d in percentile_days(item_days[:, i], {"p50": 0.5, "p85": 0.85}).items()
            },
            on_time_probability=float(np.count_nonzero(item_days[:, i] <= deadline_day)) / trials,
            criticality=float(chain[:, i].mean()),
        )
        for i, item in enumerate(spec.items)
    )

    finished_by = np.minimum(project_days, capacity.days - 1)
    available = capacity.cumulative[:, finished_by + 1].T  # [trials, members]
    weeks = max(1, min(MAX_WEEKS, -(-(max(deadline_day, target_day) + 1) // 7)))
    weekly = weekly_utilisation(result, capacity, weeks)
    labels, _ = skill_labels(plan)
    held = holds.member_working + holds.member_waiting
    top_member = int(held.argmax()) if held.size and held.max() > 0 else -1
    members = tuple(
        MemberLoad(
            name=member.name,
            work_hours=float(worked[:, m].mean()),
            capacity_hours=float(available[:, m].mean()),
            utilisation=float(worked[:, m].sum() / available[:, m].sum())
            if available[:, m].sum() > 0
            else None,
            weekly=weekly[m],
            allocation=member.allocation,
            chain_working=float(holds.member_working[m]),
            chain_waiting=float(holds.member_waiting[m]),
            chain_trials=float(holds.member_trials[m]),
            chain_skill=_label(labels, holds.member_skill[m]),
            time_off=tuple(
                TimeOffOnChain(first=first, last=last, trials=share)
                for (first, last), share in zip(member.time_off, holds.time_off[m], strict=True)
            ),
            bottleneck=m == top_member,
        )
        for m, member in enumerate(team.members)
    )
    warnings.extend(overload_warnings(members))

    return Assessment(
        project=project.name,
        client=project.client,
        start=project.start,
        deadline=project.deadline,
        target_confidence=target,
        trials=trials,
        seed=seed,
        distribution=project.distribution,
        ranged_items=sum(1 for item in plan.spec.items if item.low != item.high),
        range_meaning=project.range,
        on_time_probability=on_time,
        on_time_standard_error=standard_error,
        must_on_time_probability=head.must_on_time_probability,
        verdict=verdict,
        reasons=head.reasons,
        finish=head.finish,
        target_date=head.target_date,
        beyond_horizon=beyond,
        effort_hours=percentile_values(effort, shares),
        cost=cost,
        price=project.price,
        currency=project.currency,
        margin=margin,
        skills=_skill_loads(plan, result, capacity, deadline_day, holds),
        members=members,
        items=items,
        histogram=_histogram(project_days, capacity, trials, deadline_day),
        curve=head.curve,
        warnings=tuple(warnings),
    )


def trial_costs(
    plan: Plan, result: SimulationResult, capacity: Capacity, worked: FloatArray | None = None
) -> FloatArray | None:
    """Each trial's cost: the hours each member worked on items, paid at their rate (an
    hour of item work takes 1 / focus paid hours). None when some member has no rate."""
    rates = [m.rate for m in plan.team.members]
    if any(rate is None for rate in rates):
        return None
    if worked is None:
        worked = _hours_by_member(result, len(rates))
    hourly = np.array(rates, dtype=np.float64) / capacity.focus
    costs: FloatArray = worked @ hourly
    return costs


MAX_WEEKS = 104
OVERLOAD = 0.9
OVERLOAD_WEEKS = 4
_WEEKLY_CELLS = 200_000  # trials × items × weeks looked at for weekly utilisation


def weekly_utilisation(
    result: SimulationResult, capacity: Capacity, weeks: int
) -> list[tuple[float | None, ...]]:
    """Per member, the mean share of each week's item-work capacity spent on items.

    Uses the first trials only when the project is large: a plan-level average needs
    hundreds of trials, not ten thousand.
    """
    trials, items = result.finish.shape
    members = capacity.window.shape[0]
    sample = max(1, min(trials, _WEEKLY_CELLS // max(1, items * weeks)))
    who = result.member[:sample]
    m = np.where(who >= 0, who, 0)
    start, finish = result.start[:sample], result.finish[:sample]
    focus = capacity.focus[m]

    def position(moment: FloatArray) -> FloatArray:
        """The member's cumulative item work at each moment (within the horizon)."""
        moment = np.clip(moment, 0.0, capacity.days * DAY_SPAN - 1)
        day = (moment // DAY_SPAN).astype(np.int64)
        hour = moment - day * DAY_SPAN
        return capacity.cumulative[m, day] + focus * np.minimum(hour, capacity.window[m, day])

    # Work is monotone in time, so the work done within a week is the item's span of
    # cumulative work clipped to the week's: the same numbers as clipping the moments to
    # each week, with the positions found once rather than once a week.
    began, ended = position(start), position(finish)
    bounds = np.minimum(np.arange(weeks + 1) * 7, capacity.days)
    marks = capacity.cumulative[:, bounds]  # [members, weeks + 1]: work done by each week
    low, high = marks[m, :-1], marks[m, 1:]  # [sample, items, weeks]
    done = np.clip(ended[..., None], low, high) - np.clip(began[..., None], low, high)
    done = np.where((who >= 0)[..., None], done, 0.0)
    work = np.zeros((weeks, members))
    for week in range(weeks):
        work[week] = np.bincount(m.ravel(), weights=done[..., week].ravel(), minlength=members)
    return _shares(work, marks[:, 1:] - marks[:, :-1], weeks, sample)


def _shares(
    work: FloatArray, available: FloatArray, weeks: int, sample: int
) -> list[tuple[float | None, ...]]:
    """Work over available hours per member and week (None for a week without hours)."""
    members = work.shape[1]
    return [
        tuple(
            float(work[w, m] / sample / available[m, w]) if available[m, w] > 0 else None
            for w in range(weeks)
        )
        for m in range(members)
    ]


def overload_warnings(members: Sequence[MemberLoad]) -> list[Overloaded]:
    """People planned above 90 % for four weeks or more in a row: a risk in itself."""
    warnings = []
    for member in members:
        run = longest = 0
        for share in member.weekly:
            run = run + 1 if share is not None and share > OVERLOAD else 0
            longest = max(longest, run)
        if longest >= OVERLOAD_WEEKS:
            warnings.append(Overloaded(member=member.name, above=OVERLOAD, weeks=longest))
    return warnings


def _hours_by_member(result: SimulationResult, members: int) -> FloatArray:
    """[trials, members] hours of item work each member did."""
    trials = result.trials
    hours = np.zeros((trials, members))
    for first in range(0, trials, _CHAIN_BLOCK):
        who = result.member[first : first + _CHAIN_BLOCK]
        rows = who.shape[0]
        flat = np.arange(rows)[:, None] * members + np.where(who >= 0, who, 0)
        weights = np.where(who >= 0, result.efforts[first : first + _CHAIN_BLOCK], 0.0)
        counted = np.bincount(flat.ravel(), weights=weights.ravel(), minlength=rows * members)
        hours[first : first + rows] = counted.reshape(rows, members)
    return hours


def _skill_loads(
    plan: Plan, result: SimulationResult, capacity: Capacity, deadline_day: int, shares: ChainShares
) -> tuple[SkillLoad, ...]:
    """Demand against capacity up to the deadline, per skill; the bottleneck is the skill
    most on the critical chain, not the highest load."""
    members = plan.team.members
    upto = min(deadline_day + 1, capacity.days)
    labels, item_skill = skill_labels(plan)
    mean_efforts = result.efforts.mean(axis=0) if result.trials else np.zeros(len(item_skill))
    demand = np.bincount(item_skill, weights=mean_efforts, minlength=len(labels))
    held = shares.skill_working + shares.skill_waiting
    top = int(held.argmax()) if held.size and held.max() > 0 else -1
    loads = []
    for k, skill in enumerate(labels):
        if skill.startswith("("):
            holders = [i for i, m in enumerate(members) if f"({m.name})" == skill]
        else:
            holders = [i for i, m in enumerate(members) if skill in m.skills]
        available = float(sum(capacity.cumulative[i, upto] for i in holders))
        hours = float(demand[k])
        loads.append(
            SkillLoad(
                skill=skill,
                demand_hours=hours,
                capacity_hours=available,
                load=hours / available if available > 0 else None,
                members=tuple(members[i].name for i in holders),
                bottleneck=k == top,
                chain_working=float(shares.skill_working[k]),
                chain_waiting=float(shares.skill_waiting[k]),
            )
        )
    return tuple(loads)
