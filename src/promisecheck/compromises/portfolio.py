"""The portfolio's own compromise levers for a deal: its place in line, the earliest start
that breaks no one, and the capacity that lets the deal and every commitment hold.

Every variant is the deal scheduled with the commitments on the same draws as the plain
estimate (the injected `DealEstimator`), against the same schedule of commitments without
it (computed once). As in the compromise search, variants are screened on the first
`SCREEN_TRIALS` trials and only those that may work are confirmed on all of them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Literal

from promisecheck.assess.deal import DealEstimator, DealOdds, DealRun
from promisecheck.compromises.revision import new_hires
from promisecheck.compromises.search import SCREEN_TRIALS
from promisecheck.inputs.model import Plan
from promisecheck.inputs.portfolio import Portfolio

LeverKind = Literal["rank", "start", "capacity"]
MAX_WEEKS_LATER = 26  # the start lever looks this far ahead
MAX_NEW_MEMBERS = 3


@dataclass(frozen=True, kw_only=True)
class Lever:
    """One checked variant of the deal in the shared schedule."""

    kind: LeverKind
    # The deal's, in the shared schedule: on all trials when confirmed (every recommended
    # lever), else on the screen's first trials (a lever only tried or kept apart may be).
    on_time_probability: float
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


def _lever(odds: DealOdds, target: float, kind: LeverKind, **fields: object) -> Lever:
    p = odds.on_time_probability
    return Lever(
        kind=kind,
        on_time_probability=p,
        reaches_target=p >= target,
        breaks=odds.breaks,
        **fields,  # type: ignore[arg-type]
    )


class _Runner:
    """Screens and confirms deal variants on the one estimator of the deal."""

    def __init__(self, estimator: DealEstimator, plan: Plan, target: float) -> None:
        self.estimator, self.plan, self.target = estimator, plan, target
        self.position = estimator.position
        self.trials = estimator.settings.trials
        self.screen = min(SCREEN_TRIALS, self.trials)

    def odds(
        self, plan: Plan, position: int | None = None, *, needs_target: bool = True
    ) -> tuple[DealOdds, bool]:
        """The variant's odds, and whether they are confirmed on all trials: only when the
        screen leaves it a chance (nobody clearly broken and, when `needs_target`, the
        deal not clearly below its target)."""
        if self.screen < self.trials:
            seen = self.estimator.odds(plan, self.screen, position)
            p = seen.on_time_probability
            below = p < self.target - 3 * (max(p * (1 - p), 1e-4) / self.screen) ** 0.5
            if seen.breaks or (needs_target and below):
                return seen, False
        return self.estimator.odds(plan, self.trials, position), True

    @property
    def last(self) -> int:
        return self.estimator.commitments


def _rank_lever(r: _Runner) -> Lever | None:
    """The latest place in line at which the deal reaches its target and breaks no one, or
    the place that does best for it without breaking anyone (confirmed on all trials)."""
    tried: list[tuple[int, Lever]] = []
    for position in range(r.last, -1, -1):
        if position == r.position:
            continue  # the estimate itself
        odds, _ = r.odds(r.plan, position)
        lever = _lever(odds, r.target, "rank", rank=position + 1, last=position == r.last)
        if lever.reaches_target and not lever.breaks:
            return lever
        tried.append((position, lever))
    safe = [t for t in tried if not t[1].breaks]
    pool = safe or tried
    if not pool:
        return None
    position, best = max(pool, key=lambda t: t[1].on_time_probability)
    odds = r.estimator.odds(r.plan, r.trials, position)
    return _lever(odds, r.target, "rank", rank=best.rank, last=best.last)


def _with_start(plan: Plan, start: dt.date) -> Plan:
    project = plan.spec.project
    deadline = max(project.deadline, start)
    spec = plan.spec.model_copy(
        update={"project": project.model_copy(update={"start": start, "deadline": deadline})}
    )
    return plan.model_copy(update={"spec": spec})


def _start_lever(r: _Runner, as_of: dt.date) -> tuple[Lever | None, Lever | None]:
    """The earliest later start (whole weeks, then days) at which the deal breaks no one;
    else (None, the latest start tried)."""
    start = max(r.plan.spec.project.start, as_of)

    def probe(days: int) -> Lever:
        day = start + dt.timedelta(days=days)
        odds, _ = r.odds(_with_start(r.plan, day), needs_target=False)
        return _lever(odds, r.target, "start", start=day)

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


def _contested_skills(run: DealRun) -> list[str]:
    """Skills of the people the deal shares with the commitments it breaks, most shared first."""
    skills: list[str] = []
    for change in run.impact.breaks_signed:
        for _, skill in change.shared:
            if skill and skill not in skills:
                skills.append(skill)
    if not skills and run.assessment.highest_load is not None:
        skills.append(run.assessment.highest_load.skill)
    return skills


def _capacity_lever(
    r: _Runner, baseline: DealRun, as_of: dt.date
) -> tuple[Lever | None, tuple[Lever, ...]]:
    """The fewest new people of a contested skill with whom the deal and everyone hold;
    else (None, the most people tried of each skill)."""
    team = r.plan.team
    hiring = team.hiring
    capacity = baseline.before.capacity
    start = capacity.day_of(max(r.plan.spec.project.start, as_of))
    joins = capacity.date_of(capacity.add_working_days(start, hiring.join_after))
    tried: list[Lever] = []
    for skill in _contested_skills(baseline)[:2]:
        rates = [m.rate for m in team.members if skill in m.skills and m.rate is not None]
        rate = hiring.rates.get(skill, statistics.median(rates) if rates else None)
        for count in range(1, MAX_NEW_MEMBERS + 1):
            bigger = team.model_copy(
                update={"members": team.members + new_hires(team, skill, count, joins, rate)}
            )
            odds, _ = r.odds(r.plan.model_copy(update={"team": bigger}))
            lever = _lever(odds, r.target, "capacity", skill=skill, new_members=count, joins=joins)
            if lever.reaches_target and not lever.breaks:
                return lever, ()
        tried.append(lever)
    return None, tuple(tried)


def find_levers(
    portfolio: Portfolio, plan: Plan, baseline: DealRun, estimator: DealEstimator
) -> LeverMenu:
    """The three portfolio levers for a deal estimated at the estimator's place in line
    (`baseline`), each variant run by `estimator`."""
    r = _Runner(estimator, plan, baseline.assessment.target_confidence)
    as_of = portfolio.as_of
    start, start_tried = _start_lever(r, as_of) if baseline.impact.breaks_signed else (None, None)
    capacity, capacity_tried = _capacity_lever(r, baseline, as_of)
    levers = [lever for lever in (_rank_lever(r), start, capacity) if lever is not None]
    return LeverMenu(
        target_confidence=r.target,
        recommended=tuple(lv for lv in levers if not lv.breaks),
        breaking=tuple(lv for lv in levers if lv.breaks),
        tried=(*((start_tried,) if start_tried is not None else ()), *capacity_tried),
    )
