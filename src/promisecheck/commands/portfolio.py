"""The portfolio commands: `portfolio` (every commitment in the shared schedule) and
`estimate --portfolio` (a deal scheduled with the commitments, before and after; with
--apply, an option of its menu written as a revised copy of the deal)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from promisecheck.assess.analysis import Assessment, assess
from promisecheck.assess.deal import (
    DEAL_KEY,
    DealEstimator,
    DealImpact,
    DealRun,
    check_size,
    projects_of,
    schedule_deal,
)
from promisecheck.assess.estimator import RunSettings
from promisecheck.assess.portfolio import (
    MemberShare,
    ProjectOdds,
    SharedSkill,
    member_shares,
    project_odds,
    shared_skills,
)
from promisecheck.commands import promise_kept
from promisecheck.commands.estimate import Applied, Apply, Refused, write_revision
from promisecheck.compromises.revision import changes_team
from promisecheck.engine.forecast import load_history
from promisecheck.engine.shared_schedule import Schedule, run_schedule
from promisecheck.engine.simulate import Progress, SimulationResult
from promisecheck.errors import ExitCode, OptionError
from promisecheck.inputs import safefiles
from promisecheck.inputs.history import History
from promisecheck.inputs.loading import load, proposal_path, team_path_for
from promisecheck.inputs.model import Plan, Spec, Team
from promisecheck.inputs.portfolio import Portfolio, check_deal, load_portfolio, under_way
from promisecheck.notices import NeverWon, Notice

if TYPE_CHECKING:
    from promisecheck.compromises.portfolio import LeverMenu
SCHEMA = "promisecheck.portfolio/1"


@dataclass(frozen=True, kw_only=True)
class PortfolioReport:
    """`promisecheck portfolio`: every commitment inside the one shared schedule."""

    schema: str = SCHEMA
    path: Path
    as_of: dt.date
    order: str
    trials: int
    seed: int
    commitments: tuple[ProjectOdds, ...]
    members: tuple[MemberShare, ...]
    skills: tuple[SharedSkill, ...]
    warnings: tuple[Notice, ...]

    @property
    def exit_code(self) -> ExitCode:
        broken = any(c.status == "signed" and not c.holds for c in self.commitments)
        return ExitCode.BELOW_TARGET if broken else ExitCode.ON_TRACK


def _history(portfolio: Portfolio, override: Path | None) -> History | None:
    spec = portfolio.commitments[0].spec if portfolio.commitments else None
    if spec is None and override is None and portfolio.team.history is None:
        return None
    placeholder = spec or Spec.model_validate(
        {
            "project": {"name": "-", "start": portfolio.as_of, "deadline": portfolio.as_of},
            "items": [{"id": "-", "skill": "-", "estimate": 1}],
        }
    )
    return load_history(Plan(spec=placeholder, team=portfolio.team), override)


def skills_of(portfolio: Portfolio) -> tuple[tuple[str, ...], ...]:
    return tuple(m.skills for m in portfolio.team.members)


@dataclass(frozen=True, kw_only=True)
class PortfolioRequest:
    """`promisecheck portfolio`: every commitment in one shared schedule."""

    path: Path = Path(".")  # portfolio.toml, or a folder holding one
    as_of: dt.date | None = None  # the status date; wins over the portfolio's as_of
    # Trials, seed and a history CSV that wins over the team's; each commitment's own
    # target (or hold) is judged, so its confidence is not read.
    settings: RunSettings[Path] = RunSettings()


def run_portfolio(request: PortfolioRequest, progress: Progress | None = None) -> PortfolioReport:
    """Every commitment's odds in the shared schedule, who is shared, and the weekly load."""
    trials, seed = request.settings.trials, request.settings.seed
    portfolio = load_portfolio(request.path, request.as_of)
    projects = projects_of(portfolio)
    check_size(trials, projects)
    schedule = run_schedule(
        projects,
        portfolio.team,
        portfolio.as_of,
        trials=trials,
        seed=seed,
        history=_history(portfolio, request.settings.history),
        progress=progress,
    )
    odds = project_odds(schedule)
    skills = skills_of(portfolio)
    return PortfolioReport(
        path=portfolio.path,
        as_of=portfolio.as_of,
        order=portfolio.order,
        trials=trials,
        seed=seed,
        commitments=odds,
        members=member_shares(schedule, odds, skills),
        skills=shared_skills(schedule, skills),
        warnings=portfolio.warnings + schedule.warnings,
    )


def deal_position(rank: str, portfolio: Portfolio) -> int:
    """Where the deal goes among the commitments (0-based): last, first, N or before:KEY."""
    count = len(portfolio.commitments)
    if rank == "last":
        return count
    if rank == "first":
        return 0
    if rank.startswith("before:"):
        key = rank.removeprefix("before:")
        for index, c in enumerate(portfolio.commitments):
            if key in (c.key, c.project):
                return index
        raise OptionError(
            "rank",
            f"`{key}` is not a commitment of {portfolio.path}",
            hint="commitments: " + ", ".join(f"`{c.key}`" for c in portfolio.commitments),
        )
    if rank.isdigit() and 1 <= int(rank) <= count + 1:
        return int(rank) - 1
    raise OptionError(
        "rank",
        f"got `{rank}`; expected last, first, a position from 1 to {count + 1}, or before:KEY",
        hint="2 puts the deal second in line",
    )


@dataclass(frozen=True, kw_only=True)
class DealEstimate:
    """`estimate --portfolio`: the deal's estimate plus the portfolio block."""

    assessment: Assessment
    impact: DealImpact
    levers: LeverMenu | None = None  # the portfolio's compromise levers, when asked for
    applied: Applied | Refused | None = None  # with --apply: what was written, or why not

    @property
    def exit_code(self) -> ExitCode:
        """With --apply: 0 when written, 2 when refused. Else the estimate's rule
        (promise_kept), and 1 when signing breaks a signed commitment."""
        if isinstance(self.applied, Refused):
            return ExitCode.INVALID_INPUT
        if isinstance(self.applied, Applied):
            return ExitCode.ON_TRACK
        if self.impact.breaks_signed:
            return ExitCode.BELOW_TARGET
        return promise_kept(self.assessment)


@dataclass(frozen=True, kw_only=True)
class DealRequest:
    """`promisecheck estimate --portfolio`: a deal judged against everything already promised."""

    spec: Path  # the deal: spec.toml, or a folder holding one
    portfolio: Path  # portfolio.toml, or a folder holding one
    team: Path | None = None  # the deal's team file; the portfolio's team wins
    settings: RunSettings[Path] = RunSettings()  # its history: a CSV that wins over the team's
    rank: str = "last"  # the deal's place in line: last, first, N or before:KEY
    # True always adds the compromise menu (every option judged inside the shared schedule)
    # and the portfolio levers, None when the deal is below its target or breaks a signed
    # commitment, False never.
    compromises: bool | None = None
    as_of: dt.date | None = None  # the status date; wins over the portfolio's as_of
    # Write the deal with this option of its menu applied (levers are not searched then).
    apply: Apply | None = None


def estimate_deal(request: DealRequest, progress: Progress | None = None) -> DealEstimate:
    """Estimate a deal against everything already promised (the portfolio's team wins);
    with `apply`, write the chosen option of its menu as a revised copy of the deal."""
    spec_path, compromises = proposal_path(request.spec), request.compromises
    with safefiles.recording() as read:
        portfolio = load_portfolio(request.portfolio, request.as_of)
        check_deal(portfolio, spec_path)
        plan = load(spec_path, request.team or portfolio.team_path)
        plan = Plan(spec=plan.spec, team=portfolio.team)
        position = deal_position(request.rank, portfolio)
        settings = request.settings.reading(_history(portfolio, request.settings.history))
        run = schedule_deal(portfolio, plan, DEAL_KEY, position, settings, progress=progress)
    deal = DealEstimate(assessment=run.assessment, impact=run.impact)
    if request.apply is not None:
        if deal.exit_code == ExitCode.ON_TRACK and compromises is not True:
            return dataclasses.replace(
                deal, applied=Refused(number=request.apply.number, reason="on-track")
            )
    elif compromises is False or (compromises is None and deal.exit_code == ExitCode.ON_TRACK):
        return deal
    from promisecheck.compromises.portfolio import find_levers
    from promisecheck.compromises.search import find_compromises

    # The deal as the shared schedule holds it (done items gone), so that the menu's items
    # are the assessment's.
    held = Plan(spec=under_way(plan.spec), team=plan.team)
    estimator = DealEstimator(settings, run, held)
    menu = find_compromises(
        held,
        run.assessment,
        run.after.part(run.after.index(DEAL_KEY)),
        run.after.capacity,
        estimator,
        # On track but breaking someone: the slack (a later start) may be what frees them.
        always=bool(compromises) or bool(run.impact.breaks_signed),
        as_of=portfolio.as_of,
    )
    deal = dataclasses.replace(
        deal, assessment=dataclasses.replace(run.assessment, compromises=menu)
    )
    if request.apply is not None:
        inputs = {
            portfolio.path,
            portfolio.team_path,
            *(c.path for c in portfolio.commitments),
            *read,
        }
        return dataclasses.replace(
            deal,
            applied=write_deal(plan, deal.assessment, request.apply, spec_path, portfolio, inputs),
        )
    levers = find_levers(portfolio, held, run, estimator)
    return dataclasses.replace(deal, levers=levers)


def write_deal(
    plan: Plan,
    assessment: Assessment,
    apply: Apply,
    spec: Path,
    portfolio: Portfolio,
    inputs: set[Path],
) -> Applied | Refused:
    """Write the deal with an offered option of its menu, as --apply writes a spec: only what
    the option changes, never over an input of the run (the deal, portfolio.toml, every
    commitment, the shared team), never over an existing file unless forced, atomically.

    An option that changes the team (hours, a member) is refused: the portfolio's team wins
    over the deal's, so a team copy beside the deal would not change what the portfolio
    schedules; it is the portfolio's team file that has to change. The written spec keeps
    naming the deal's own team; a run with --portfolio never opens it (the shared team is
    read instead), so no file it names can be out of reach."""
    menu = assessment.compromises
    options = menu.options if menu is not None else ()
    if 1 <= apply.number <= len(options) and changes_team(options[apply.number - 1]):
        return Refused(number=apply.number, reason="shared-team", path=portfolio.team_path)
    return write_revision(
        plan,
        assessment,
        apply,
        spec=spec,
        team=team_path_for(plan.spec, spec, None),
        read=inputs,
        edit=True,
        opens_team=False,
    )


def commitment_assessment(
    schedule: Schedule, k: int, team: Team, *, seed: int, confidence: float | None = None
) -> Assessment:
    """One commitment judged inside the shared schedule: over the trials in which it is won."""
    part = schedule.part(k)
    won = np.flatnonzero(schedule.present[:, k])
    note: tuple[Notice, ...] = ()
    if won.size == 0:
        # Never won: its items took no one; judge the trials as they are and say so.
        won = np.arange(schedule.trials)
        note = (NeverWon(),)
    if won.size < schedule.trials:
        part = SimulationResult(
            efforts=part.efforts[won],
            start=part.start[won],
            finish=part.finish[won],
            member=part.member[won],
        )
    plan = Plan(spec=schedule.projects[k].spec, team=team)
    assessment = assess(plan, part, schedule.capacity, seed=seed, confidence=confidence)
    return dataclasses.replace(
        assessment, history=schedule.histories[k], warnings=assessment.warnings + note
    )


def deal_team(portfolio: Portfolio, team: Team) -> Team:
    """The shared team for a deal: the portfolio's, or the deal's own team when it is the
    portfolio's with members added (so every commitment's people are still there)."""
    names = {m.name for m in team.members}
    if team != portfolio.team and all(m.name in names for m in portfolio.team.members):
        return team
    return portfolio.team


def judge_deals(
    portfolio: Portfolio, plans: Sequence[Plan], settings: RunSettings[Path]
) -> list[DealRun]:
    """Each plan as the deal against the same portfolio (last in line), one at a time;
    the settings' history (a CSV) wins over the portfolio team's."""
    run = settings.reading(_history(portfolio, settings.history))
    before = run_schedule(
        projects_of(portfolio),
        portfolio.team,
        portfolio.as_of,
        trials=run.trials,
        seed=run.seed,
        history=run.history,
    )
    return [
        schedule_deal(
            portfolio,
            Plan(spec=plan.spec, team=deal_team(portfolio, plan.team)),
            DEAL_KEY,
            len(portfolio.commitments),
            run,
            before=before,
        )
        for plan in plans
    ]
