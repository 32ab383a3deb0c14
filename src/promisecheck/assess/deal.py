"""A deal scheduled with the commitments: the schedule without it and with it on the same
draws, the deal's own assessment inside the shared schedule, and what it does to everyone;
and `DealEstimator`, which runs variants of the deal there for the compromise search.

Below compromises (which re-schedule variants of the deal) and commands (which load the
files): it only needs the loaded portfolio, the plan and the run's settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from promisecheck.assess.analysis import Assessment, assess
from promisecheck.assess.estimator import Calendars, RunSettings, on_time, schedule_key
from promisecheck.assess.portfolio import Change, ProjectOdds, changes, on_time_shares
from promisecheck.engine.calendar import Capacity
from promisecheck.engine.shared_schedule import Project, Schedule, run_schedule, shared_capacity
from promisecheck.engine.simulate import Progress, SimulationResult
from promisecheck.errors import OptionError
from promisecheck.inputs.history import History
from promisecheck.inputs.limits import MAX_CELLS
from promisecheck.inputs.model import Plan, Spec, Team
from promisecheck.inputs.portfolio import Portfolio, under_way

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


@dataclass(frozen=True, kw_only=True)
class DealOdds:
    """The deal's odds in one shared schedule, and the signed commitments it breaks."""

    on_time_probability: float
    breaks: tuple[str, ...]  # by project name
    trials: int  # all trials (exact), or a screen's first few (`breaks`: clearly broken only)


class DealEstimator:
    """The deal inside the shared schedule: each variant scheduled at the deal's place in
    line (or another, for the rank lever) with every commitment, on the shared team's
    calendar from the status date and the draws the deal run keys (`<deal>:<item id>`);
    judged against the schedule of the commitments without the deal (computed once, by
    the deal run).

    A variant with more people puts them on the shared team: a hire is there for everyone.
    """

    def __init__(self, settings: RunSettings[History], baseline: DealRun, plan: Plan) -> None:
        self._settings = settings
        self._as_of = baseline.before.as_of
        self._commitments = baseline.before.projects
        self.position = baseline.impact.rank - 1
        # Who can be broken: signed commitments that hold without the deal, with their hold.
        self._held = {
            c.key: (c.project, c.hold)
            for c in baseline.impact.commitments
            if c.status == "signed" and c.before.holds
        }
        self._calendars = Calendars()
        self._calendars.keep(plan.team, self._as_of, baseline.after.capacity)
        self._baseline = ((schedule_key(plan), self.position), baseline.after)
        self._last: tuple[tuple[str, int], Schedule] | None = None

    @property
    def settings(self) -> RunSettings[History]:
        return self._settings

    @property
    def judges_commitments(self) -> bool:
        return True

    @property
    def commitments(self) -> int:
        return len(self._commitments)

    def calendar(self, team: Team, start: dt.date) -> Capacity:
        return self._calendars.get(team, start)

    def frame(self, variant: Plan) -> Capacity:
        return self._calendars.get(variant.team, self._as_of)

    def schedule(self, variant: Plan, trials: int, position: int | None = None) -> Schedule:
        """The shared schedule with this variant of the deal at `position` (0-based; None:
        the deal's own place in line)."""
        at = self.position if position is None else position
        full = trials == self._settings.trials
        key = (schedule_key(variant), at) if full else ("", at)
        for kept in (self._baseline, self._last):
            if full and kept is not None and kept[0] == key:
                return kept[1]
        projects = list(self._commitments)
        projects.insert(at, deal_project(variant.spec, DEAL_KEY))
        s = self._settings
        after = run_schedule(
            projects,
            variant.team,
            self._as_of,
            trials=trials,
            seed=s.seed,
            history=s.history,
            capacity=self.frame(variant),
        )
        if full:
            self._last = (key, after)
        return after

    def run(self, variant: Plan, trials: int) -> SimulationResult:
        after = self.schedule(variant, trials)
        return after.part(after.index(DEAL_KEY))

    def on_time(self, variant: Plan, trials: int) -> float:
        return on_time(self, variant, trials)

    def workload(self, variant: Plan) -> SimulationResult:
        return self.schedule(variant, self._settings.trials).result

    def odds(self, variant: Plan, trials: int, position: int | None = None) -> DealOdds:
        """The deal's on-time share and whom it breaks. On all trials, exactly as the deal
        run says it; on a screen's first trials, only the commitments clearly broken (more
        than three standard errors below their hold), so that a screen never rules out
        what all trials might keep."""
        after = self.schedule(variant, trials, position)
        shares = on_time_shares(after)
        full = trials == self._settings.trials
        broken: list[str] = []
        for k, project in enumerate(after.projects):
            held = self._held.get(project.key)
            if held is None or project.key == DEAL_KEY:
                continue
            p, n = shares[k]
            margin = 0.0 if full else 3 * math.sqrt(max(p * (1 - p), 1e-4) / max(n, 1))
            if p < held[1] - margin:
                broken.append(held[0])
        deal, _ = shares[after.index(DEAL_KEY)]
        return DealOdds(on_time_probability=deal, breaks=tuple(broken), trials=trials)

    def breaks(self, variant: Plan) -> tuple[str, ...]:
        return self.odds(variant, self._settings.trials).breaks
