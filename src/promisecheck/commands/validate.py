"""`promisecheck validate`: every input error of a proposal at once, and a reviewer's warnings."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from promisecheck.engine.calendar import build_capacity, public_holidays
from promisecheck.engine.forecast import load_history
from promisecheck.errors import ExitCode, InputError, Problem, closest
from promisecheck.inputs import safefiles
from promisecheck.inputs.loading import (
    KeyLines,
    Loc,
    describe,
    load,
    load_spec,
    load_team,
    proposal_path,
    read_toml,
    team_path_for,
)
from promisecheck.inputs.model import WEEKDAYS, Plan
from promisecheck.notices import (
    AbsentHolders,
    BigItem,
    DatePassed,
    DayOff,
    DeadlineOnDayOff,
    Finding,
    FindingKind,
    LateJoiner,
    NeverOnProposal,
    PublicHoliday,
    TightRange,
    UnknownSkill,
)

BIG_ITEM_HOURS = 80  # a likely estimate above this is several items in one
NARROW_RANGE = 0.10  # a range within ±10 % of its likely value claims more certainty than exists


@dataclass(frozen=True, kw_only=True)
class Validation:
    """What validate found in one file (and the team file it names)."""

    path: Path
    kind: str  # "proposal", "team" or "portfolio"
    errors: tuple[Problem, ...]
    warnings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Located:
    """A file's parsed data and key lines, to place a warning on its line."""

    path: Path
    data: Any
    lines: KeyLines

    def finding(self, loc: Loc, kind: FindingKind) -> Finding:
        return Finding(
            path=self.path, location=describe(loc, self.data), line=self.lines.line(loc), kind=kind
        )


@dataclass(frozen=True, kw_only=True)
class ValidationReport:
    """`promisecheck validate`: what was found in each file given, in the order given."""

    results: tuple[Validation, ...]
    strict: bool  # warnings fail too

    @property
    def exit_code(self) -> ExitCode:
        """2 when any file has an error (or, strict, a warning); there is no promise to miss."""
        failed = any(r.errors or (self.strict and r.warnings) for r in self.results)
        return ExitCode.INVALID_INPUT if failed else ExitCode.ON_TRACK


@dataclass(frozen=True, kw_only=True)
class ValidateRequest:
    """`promisecheck validate`: the files to check, every one of them."""

    paths: tuple[Path, ...]  # proposals (spec.toml or a folder holding one), team files
    team: Path | None = None  # wins over each spec's `team` key
    strict: bool = False  # warnings fail too


def run(request: ValidateRequest) -> ValidationReport:
    """Validate every file; a broken one is a finding, never a stop: the others are read too."""
    return ValidationReport(
        results=tuple(validate(path, request.team) for path in request.paths),
        strict=request.strict,
    )


def is_team_file(data: dict[str, Any]) -> bool:
    """A team file has members or a calendar and no [project]."""
    return "project" not in data and ("members" in data or "calendar" in data)


def validate(path: Path, team_path: Path | None = None) -> Validation:
    """Load a proposal (or a team file) collecting every error; lint it when it loads."""
    path = proposal_path(path)
    try:
        data, _ = read_toml(path)
    except InputError as error:
        kind = "team" if path.name == "team.toml" else "proposal"
        return Validation(path=path, kind=kind, errors=error.problems, warnings=())
    if path.name == "portfolio.toml" or "commitments" in data:
        return _validate_portfolio(path)
    if is_team_file(data):
        return Validation(
            path=path, kind="team", errors=_errors(lambda: load_team(path)), warnings=()
        )
    try:
        spec, _, _ = load_spec(path)
    except InputError as error:
        # The spec is broken, but its team file may be broken too: report both now.
        team = team_path or path.parent / _raw_team_key(data)
        inside = team_path is not None or _inside(team, safefiles.root_of(path))
        team_errors = _errors(lambda: load_team(team)) if inside and team.is_file() else ()
        return Validation(
            path=path, kind="proposal", errors=error.problems + team_errors, warnings=()
        )
    try:
        plan = load(path, team_path)
        # The team's [history] file is input too: read it now rather than at estimate time.
        load_history(plan)
    except InputError as error:
        return Validation(path=path, kind="proposal", errors=error.problems, warnings=())
    resolved = team_path_for(spec, path, team_path)
    return Validation(path=path, kind="proposal", errors=(), warnings=lint(plan, path, resolved))


def _validate_portfolio(path: Path) -> Validation:
    """A portfolio: its own rules, its team and every commitment's spec."""
    from promisecheck.inputs.portfolio import load_portfolio

    try:
        portfolio = load_portfolio(path)
    except InputError as error:
        return Validation(path=path, kind="portfolio", errors=error.problems, warnings=())
    return Validation(path=path, kind="portfolio", errors=(), warnings=portfolio.warnings)


def _errors(action: Callable[[], object]) -> tuple[Problem, ...]:
    try:
        action()
    except InputError as error:
        return error.problems
    return ()


def _inside(path: Path, root: Path) -> bool:
    """Whether a path the broken spec names may be read (load says why when it may not)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def _raw_team_key(data: dict[str, Any]) -> str:
    project = data.get("project")
    team = project.get("team") if isinstance(project, dict) else None
    return team if isinstance(team, str) and team else "team.toml"


def lint(
    plan: Plan, spec_path: Path, team_path: Path, today: dt.date | None = None
) -> tuple[Finding, ...]:
    """Warnings on a valid proposal: things that load but that a reviewer would question.

    today: for the dates that have passed (default: the system's date).
    """
    spec_data, spec_lines = read_toml(spec_path)
    team_data, team_lines = read_toml(team_path)
    spec = _Located(spec_path, spec_data, spec_lines)
    team = _Located(team_path, team_data, team_lines)
    found = [
        *_unknown_skills(plan, spec, team_path),
        *_late_joiners(plan, team),
        *_absent_holders(plan, spec, team),
        *_estimates(plan, spec),
        *_deadline_day(plan, spec),
        *_idle_members(plan, team),
        *_passed(plan, spec, today or dt.date.today()),
    ]
    # In reading order: the spec first, then the team file, each from the top.
    order = {spec_path: 0, team_path: 1}
    return tuple(sorted(found, key=lambda f: (order.get(f.path, 2), f.line or 0)))


def _unknown_skills(plan: Plan, spec: _Located, team_path: Path) -> list[Finding]:
    known = sorted({skill for member in plan.team.members for skill in member.skills})
    return [
        spec.finding(
            ("items", index, "skill"),
            UnknownSkill(skill=item.skill, team=team_path, close=closest(item.skill, known)),
        )
        for index, item in enumerate(plan.spec.items)
        if item.skill is not None and item.assignee is None and item.skill not in known
    ]


def _late_joiners(plan: Plan, team: _Located) -> list[Finding]:
    deadline = plan.spec.project.deadline
    return [
        team.finding(
            ("members", index, "joins"),
            LateJoiner(member=member.name, joins=member.joins, deadline=deadline),
        )
        for index, member in enumerate(plan.team.members)
        if member.joins is not None and member.joins > deadline
    ]


def _absent_holders(plan: Plan, spec: _Located, team: _Located) -> list[Finding]:
    """Skills whose every holder has no working hours from the start to the deadline."""
    project = plan.spec.project
    members = plan.team.members
    capacity = build_capacity(plan.team, project.start)
    last = min(capacity.day_of(project.deadline) + 1, capacity.days)
    present = [bool(capacity.window[m, :last].sum() > 0) for m in range(len(members))]
    found: list[Finding] = []
    reported: set[str] = set()
    for index, item in enumerate(plan.spec.items):
        skill = item.skill
        if skill is None or item.assignee is not None or skill in reported:
            continue
        holders = [m for m, member in enumerate(members) if skill in member.skills]
        if not holders or any(present[m] for m in holders):
            continue
        reported.add(skill)
        needed = sum(1 for i in plan.spec.items if i.skill == skill and i.assignee is None)
        found.append(
            spec.finding(
                ("items", index, "skill"),
                AbsentHolders(
                    skill=skill,
                    holders=tuple(members[m].name for m in holders),
                    start=project.start,
                    deadline=project.deadline,
                    items=needed,
                    team=team.path,
                ),
            )
        )
    return found


def _estimates(plan: Plan, spec: _Located) -> list[Finding]:
    found: list[Finding] = []
    for index, item in enumerate(plan.spec.items):
        loc: Loc = ("items", index, "estimate")
        if item.likely > BIG_ITEM_HOURS:
            found.append(spec.finding(loc, BigItem(likely=item.likely, limit=BIG_ITEM_HOURS)))
        if isinstance(item.estimate, tuple):
            low, likely, high = item.estimate
            spread = NARROW_RANGE * likely
            if likely - low < spread and high - likely < spread:
                tight = TightRange(low=low, likely=likely, high=high, within=NARROW_RANGE)
                found.append(spec.finding(loc, tight))
    return found


def _deadline_day(plan: Plan, spec: _Located) -> list[Finding]:
    project = plan.spec.project
    deadline = project.deadline
    why = _day_off(plan, deadline)
    if why is None:
        return []
    before = deadline - dt.timedelta(days=1)
    while before > project.start and _day_off(plan, before) is not None:
        before -= dt.timedelta(days=1)
    off = DeadlineOnDayOff(deadline=deadline, why=why, before=before)
    return [spec.finding(("project", "deadline"), off)]


def _day_off(plan: Plan, day: dt.date) -> DayOff | None:
    """Why the team calendar has no work on this day, or None when it is a working day."""
    calendar = plan.team.calendar
    if WEEKDAYS[day.weekday()] not in calendar.workdays:
        return "not-a-workday"
    if day in calendar.holidays:
        return "team-holiday"
    if calendar.country is not None and day in public_holidays(
        calendar.country, calendar.region, day, 1
    ):
        region = calendar.country + (f"-{calendar.region}" if calendar.region else "")
        return PublicHoliday(region=region)
    return None


def _idle_members(plan: Plan, team: _Located) -> list[Finding]:
    """Members who can never work on this proposal: no skill and no item, or no hours."""
    project = plan.spec.project
    members = plan.team.members
    assigned = {item.assignee for item in plan.spec.items if item.assignee is not None}
    capacity = build_capacity(plan.team, project.start)
    last = min(capacity.day_of(project.deadline) + 1, capacity.days)
    present = [bool(capacity.window[m, :last].sum() > 0) for m in range(len(members))]
    # Skills nobody present holds are already a warning on the items that need them.
    covered = {
        skill
        for member in members
        for skill in member.skills
        if not any(present[m] for m, other in enumerate(members) if skill in other.skills)
    }
    found: list[Finding] = []
    for index, member in enumerate(members):
        if not member.skills and member.name not in assigned:
            why: Literal["no-skills", "no-hours"] = "no-skills"
            loc: Loc = ("members", index, "skills")
        elif (
            not present[index]
            and not set(member.skills) <= covered
            and not (member.joins is not None and member.joins > project.deadline)
        ):
            why, loc = "no-hours", ("members", index)
        else:
            continue
        idle = NeverOnProposal(
            member=member.name, why=why, start=project.start, deadline=project.deadline
        )
        found.append(team.finding(loc, idle))
    return found


def _passed(plan: Plan, spec: _Located, today: dt.date) -> list[Finding]:
    """A start or deadline in the past: likely a copied proposal nobody updated."""
    project = plan.spec.project
    if project.deadline < today:
        passed = DatePassed(which="deadline", day=project.deadline, today=today)
        return [spec.finding(("project", "deadline"), passed)]
    if project.start < today:
        passed = DatePassed(which="start", day=project.start, today=today)
        return [spec.finding(("project", "start"), passed)]
    return []
