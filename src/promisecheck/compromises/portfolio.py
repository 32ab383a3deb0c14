"""The portfolio's own compromise levers for a deal: its place in line, the earliest start
that breaks no one, and the capacity that lets the deal and every commitment hold.

Every variant is the deal scheduled with the commitments on the same draws as the plain
estimate, against the same schedule of commitments without it (computed once).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Literal

from promisecheck.assess.deal import DEAL_KEY, DealRun, schedule_deal
from promisecheck.compromises.revision import new_hires
from promisecheck.engine.shared_schedule import Schedule
from promisecheck.inputs.history import History
from promisecheck.inputs.model import Plan
from promisecheck.inputs.portfolio import Portfolio

LeverKind = Literal["rank", "start", "capacity"]
MAX_WEEKS_LATER = 26  # the start lever looks this far ahead
MAX_NEW_MEMBERS = 3


@dataclass(frozen=True, kw_only=True)
class Lever:
    """One checked variant of the deal in the shared schedule."""

    kind: LeverKind
    on_time_probability: float  # the deal's, in the shared schedule
    reaches_target: bool
    breaks: tuple[str, ...]  # signed commitments it breaks, by project name
    rank: int | None = None  # 1-based place in line
    last: bool = False  # the rank is last in line
    start: dt.date | None = None
    skill: str | None = None
    new_members: int = 0
    joins: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class LeverMenu:
    """Levers that break no signed commitment (recommended), those that do (apart), and
    those that found nothing, at the furthest setting tried (so the report can say so)."""

    target_confidence: float
    recommended: tuple[Lever, ...]
    breaking: tuple[Lever, ...]
    tried: tuple[Lever, ...] = ()


def _lever(run: DealRun, target: float, kind: LeverKind, **fields: object) -> Lever:
    p = run.assessment.on_time_probability
    return Lever(
        kind=kind,
        on_time_probability=p,
        reaches_target=p >= target,
        breaks=tuple(c.project for c in run.impact.breaks_signed),
        **fields,  # type: ignore[arg-type]
    )


class _Runner:
    """Schedules deal variants against one schedule of the commitments."""

    def __init__(
        self,
        portfolio: Portfolio,
        plan: Plan,
        before: Schedule,
        *,
        trials: int,
        seed: int,
        confidence: float | None,
        history: History | None,
        position: int,
    ) -> None:
        self.portfolio, self.plan, self.before = portfolio, plan, before
        self.position = position
        self.trials, self.seed, self.confidence, self.history = trials, seed, confidence, history
        self.target = confidence if confidence is not None else plan.spec.project.target_confidence

    def run(self, plan: Plan, position: int) -> DealRun:
        return schedule_deal(
            self.portfolio,
            plan,
            DEAL_KEY,
            position,
            trials=self.trials,
            seed=self.seed,
            confidence=self.confidence,
            history=self.history,
            before=self.before,
        )

    @property
    def last(self) -> int:
        return len(self.portfolio.commitments)


def _rank_lever(r: _Runner) -> Lever | None:
    """The latest place in line at which the deal reaches its target and breaks no one, or
    the place that does best for it without breaking anyone."""
    tried: list[Lever] = []
    for position in range(r.last, -1, -1):
        if position == r.position:
            continue  # the estimate itself
        lever = _lever(
            r.run(r.plan, position),
            r.target,
            "rank",
            rank=position + 1,
            last=position == r.last,
        )
        if lever.reaches_target and not lever.breaks:
            return lever
        tried.append(lever)
    safe = [t for t in tried if not t.breaks]
    pool = safe or tried
    return max(pool, key=lambda t: t.on_time_probability, default=None)


def _with_start(plan: Plan, start: dt.date) -> Plan:
    project = plan.spec.project
    deadline = max(project.deadline, start)
    spec = plan.spec.model_copy(
        update={"project": project.model_copy(update={"start": start, "deadline": deadline})}
    )
    return plan.model_copy(update={"spec": spec})


def _start_lever(r: _Runner) -> tuple[Lever | None, Lever | None]:
    """The earliest later start (whole weeks, then days) at which the deal breaks no one;
    else (None, the latest start tried)."""
    start = max(r.plan.spec.project.start, r.portfolio.as_of)

    def probe(days: int) -> Lever:
        day = start + dt.timedelta(days=days)
        return _lever(r.run(_with_start(r.plan, day), r.position), r.target, "start", start=day)

    found: Lever | None = None
    weeks = 0
    lever: Lever | None = None
    for weeks in range(1, MAX_WEEKS_LATER + 1):
        lever = probe(7 * weeks)
        if not lever.breaks:
            found = lever
            break
    if found is None:
        return None, lever
    for days in range(7 * (weeks - 1) + 1, 7 * weeks):
        lever = probe(days)
        if not lever.breaks:
            return lever, None
    return found, None


def _contested_skills(r: _Runner, run: DealRun) -> list[str]:
    """Skills of the people the deal shares with the commitments it breaks, most shared first."""
    skills: list[str] = []
    for change in run.impact.breaks_signed:
        for _, skill in change.shared:
            if skill and skill not in skills:
                skills.append(skill)
    if not skills and run.assessment.highest_load is not None:
        skills.append(run.assessment.highest_load.skill)
    return skills


def _capacity_lever(r: _Runner, baseline: DealRun) -> tuple[Lever | None, tuple[Lever, ...]]:
    """The fewest new people of a contested skill with whom the deal and everyone hold;
    else (None, the most people tried of each skill)."""
    team = r.plan.team
    hiring = team.hiring
    capacity = r.before.capacity
    start = capacity.day_of(max(r.plan.spec.project.start, r.portfolio.as_of))
    joins = capacity.date_of(capacity.add_working_days(start, hiring.join_after))
    tried: list[Lever] = []
    for skill in _contested_skills(r, baseline)[:2]:
        rates = [m.rate for m in team.members if skill in m.skills and m.rate is not None]
        rate = hiring.rates.get(skill, statistics.median(rates) if rates else None)
        for count in range(1, MAX_NEW_MEMBERS + 1):
            bigger = team.model_copy(
                update={"members": team.members + new_hires(team, skill, count, joins, rate)}
            )
            run = r.run(r.plan.model_copy(update={"team": bigger}), r.position)
            lever = _lever(run, r.target, "capacity", skill=skill, new_members=count, joins=joins)
            if lever.reaches_target and not lever.breaks:
                return lever, ()
        tried.append(lever)
    return None, tuple(tried)


def find_levers(
    portfolio: Portfolio,
    plan: Plan,
    baseline: DealRun,
    *,
    trials: int,
    seed: int,
    confidence: float | None = None,
    history: History | None = None,
    position: int,
) -> LeverMenu:
    """The three portfolio levers for a deal estimated at `position` (`baseline`)."""
    r = _Runner(
        portfolio,
        plan,
        baseline.before,
        trials=trials,
        seed=seed,
        confidence=confidence,
        history=history,
        position=position,
    )
    start, start_tried = _start_lever(r) if baseline.impact.breaks_signed else (None, None)
    capacity, capacity_tried = _capacity_lever(r, baseline)
    levers = [lever for lever in (_rank_lever(r), start, capacity) if lever is not None]
    return LeverMenu(
        target_confidence=r.target,
        recommended=tuple(lv for lv in levers if not lv.breaks),
        breaking=tuple(lv for lv in levers if lv.breaks),
        tried=(*((start_tried,) if start_tried is not None else ()), *capacity_tried),
    )
