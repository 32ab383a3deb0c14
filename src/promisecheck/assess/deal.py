"""A deal scheduled with the commitments: the schedule without it and with it on the same
draws, the deal's own assessment inside the shared schedule, and what it does to everyone.

Below compromises (which re-schedule variants of the deal) and commands (which load the
files): it only needs the loaded portfolio, the plan and the run's settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from promisecheck.assess.analysis import Assessment, assess
from promisecheck.assess.portfolio import Change, ProjectOdds, changes
from promisecheck.engine.shared_schedule import Project, Schedule, run_schedule, shared_capacity
from promisecheck.engine.simulate import Progress
from promisecheck.errors import OptionError
from promisecheck.inputs.history import History
from promisecheck.inputs.limits import MAX_CELLS
from promisecheck.inputs.model import Plan, Spec
from promisecheck.inputs.portfolio import Portfolio, under_way

if TYPE_CHECKING:
    # Annotations only: the estimator builds on this module.
    from promisecheck.assess.estimator import RunSettings

# The deal's key (its draws are `<deal>:<item id>`): the same whatever its path, so that
# estimate, compare and check give one deal the same draws, and no spec path can equal it.
DEAL_KEY = "<deal>"


@dataclass(frozen=True, kw_only=True)
class DealImpact:
    """What signing the deal does: its own odds in the shared schedule, and every change."""

    as_of: dt.date
    rank: int  # 1-based position of the deal in the order of claims
    last: bool  # the deal is last in line
    deal: ProjectOdds
    commitments: tuple[Change, ...]

    @property
    def breaks_signed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.commitments if c.breaks and c.status == "signed")


def projects_of(portfolio: Portfolio) -> list[Project]:
    return [
        Project(
            key=c.key,
            spec=c.spec,
            role=c.status,
            win_probability=c.win_probability,
            hold=c.hold,
        )
        for c in portfolio.commitments
    ]


def check_size(trials: int, projects: list[Project]) -> None:
    items = sum(len(p.spec.items) for p in projects)
    if items and trials * items > MAX_CELLS:
        raise OptionError(
            "trials",
            f"{trials:,} trials of {items:,} items in the shared schedule would not fit in memory",
            hint=f"{max(1, MAX_CELLS // items):,} or fewer fit",
        )


def deal_project(spec: Spec, key: str) -> Project:
    return Project(
        key=key,
        spec=under_way(spec),
        role="deal",
        win_probability=1.0,
        hold=spec.project.target_confidence,
    )


@dataclass(frozen=True, eq=False)
class DealRun:
    """The two schedules of a deal estimate and what they say."""

    assessment: Assessment
    impact: DealImpact
    before: Schedule
    after: Schedule


def schedule_deal(
    portfolio: Portfolio,
    plan: Plan,
    key: str,
    position: int,
    settings: RunSettings[History],
    *,
    before: Schedule | None = None,
    progress: Progress | None = None,
) -> DealRun:
    """The schedule without the deal (reused when given) and with it, on the same draws.

    The schedule with the deal runs on the plan's team: the portfolio's, or the portfolio's
    with members added (a compare scenario that adds people).
    """
    trials, seed, history = settings.trials, settings.seed, settings.history
    commitments = projects_of(portfolio)
    deal = deal_project(plan.spec, key)
    with_deal = [*commitments[:position], deal, *commitments[position:]]
    check_size(trials, with_deal)
    capacity = (
        before.capacity if before is not None else shared_capacity(portfolio.team, portfolio.as_of)
    )
    if before is None:
        before = run_schedule(
            commitments,
            portfolio.team,
            portfolio.as_of,
            trials=trials,
            seed=seed,
            history=history,
            capacity=capacity,
        )
    team = plan.team
    after_capacity = capacity if team == portfolio.team else shared_capacity(team, portfolio.as_of)
    after = run_schedule(
        with_deal,
        team,
        portfolio.as_of,
        trials=trials,
        seed=seed,
        history=history,
        capacity=after_capacity,
        progress=progress,
    )
    deal_odds, moved = changes(before, after, key, tuple(m.skills for m in team.members))
    index = after.index(key)
    deal_plan = Plan(spec=deal.spec, team=team)
    assessment = assess(
        deal_plan, after.part(index), after_capacity, seed=seed, confidence=settings.confidence
    )
    assessment = dataclasses.replace(
        assessment,
        history=after.histories[index],
        warnings=assessment.warnings + after.warnings,
    )
    impact = DealImpact(
        as_of=portfolio.as_of,
        rank=position + 1,
        last=position == len(commitments),
        deal=deal_odds,
        commitments=moved,
    )
    return DealRun(assessment=assessment, impact=impact, before=before, after=after)
