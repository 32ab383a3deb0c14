"""Versions of a proposal side by side: each simulated with the same seed, then the differences.

Random draws are keyed by item id and seed, so an item that did not change has the same
efforts in every column: a difference between columns is the change, not sampling noise.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine import compiled
from promisecheck.engine.forecast import load_history
from promisecheck.errors import ExitCode, InputError, Problem
from promisecheck.inputs import gitfiles
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import Plan, Spec, Team
from promisecheck.inputs.portfolio import Portfolio, load_portfolio
from promisecheck.inputs.scenarios import apply

SCHEMA = "promisecheck.compare/1"
BASELINE = "baseline"

Direction = Literal["better", "worse", "same"]
# A version that breaks the deal's own limits ([levers] of its spec): the same limits the
# compromise menu honours.
LimitBreach = Literal["date-fixed", "scope-fixed", "below-margin"]


@dataclass(frozen=True, kw_only=True)
class Version:
    """One column's input: a name for it and the plan."""

    label: str
    plan: Plan


@dataclass(frozen=True, kw_only=True)
class Delta:
    """A column's figure minus the baseline's, and whether that is good news."""

    change: float  # in the figure's unit: a share, calendar days, hours or money
    direction: Direction


@dataclass(frozen=True, kw_only=True)
class Scope:
    """How a column's scope and team differ from the baseline's (all empty for the baseline)."""

    items: int  # planned items in this column
    added: tuple[str, ...] = ()  # item ids planned here and not in the baseline
    removed: tuple[str, ...] = ()  # planned in the baseline, not here
    reestimated: tuple[str, ...] = ()  # in both, with another estimate
    changed: tuple[str, ...] = ()  # in both, same estimate, other skill/priority/deps/assignee
    members: int  # people in the team
    members_added: tuple[str, ...] = ()
    members_removed: tuple[str, ...] = ()
    members_changed: tuple[str, ...] = ()  # same name, other skills, hours, dates or rate


@dataclass(frozen=True, kw_only=True)
class Column:
    """One version: its assessment, how it differs, and its figures against the baseline."""

    label: str
    assessment: Assessment
    scope: Scope
    deltas: dict[str, Delta]  # empty for the baseline; keys as in DELTA_KEYS
    limits: tuple[LimitBreach, ...] = ()  # the deal's limits this version breaks
    breaks: tuple[str, ...] | None = None  # with --portfolio: signed commitments it breaks


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The compare report: columns in order, the first one the baseline."""

    schema: str = SCHEMA
    trials: int
    seed: int
    columns: tuple[Column, ...]

    @property
    def baseline(self) -> Column:
        return self.columns[0]

    @property
    def exit_code(self) -> ExitCode:
        """Always 0: a comparison informs a choice; no column is a promise to fail."""
        return ExitCode.ON_TRACK


# Every figure compared, with the direction that is good news.
DELTA_KEYS: tuple[tuple[str, Literal["up", "down"]], ...] = (
    ("on_time_probability", "up"),
    ("target_date", "down"),
    ("finish_p50", "down"),
    ("finish_p85", "down"),
    ("effort_p50", "down"),
    ("effort_p85", "down"),
    ("cost_p50", "down"),
    ("cost_p85", "down"),
    ("margin_p50", "up"),
    ("margin_p85", "up"),
)


# --- the versions ----------------------------------------------------------------------------


def scenario_versions(spec_path: Path, team_path: Path | None = None) -> list[Version]:
    """The proposal and each of its scenarios."""
    plan = load(spec_path, team_path)
    if not plan.spec.scenarios:
        raise InputError.single(
            spec_path,
            "",
            "has no [scenarios.NAME] tables to compare",
            hint="add scenarios to the spec, or give a second file (or REV:path) to compare with",
        )
    baseline = plan.model_copy(update={"spec": plan.spec.model_copy(update={"scenarios": {}})})
    return [
        Version(label=BASELINE, plan=baseline),
        *(Version(label=name, plan=apply(plan, name)) for name in plan.spec.scenarios),
    ]


def file_versions(arguments: Sequence[str], team_path: Path | None, scratch: Path) -> list[Version]:
    """Each argument a spec file, or `REV:path` as git writes it, loaded in order.

    Every argument is tried, so that all the input errors are reported at once.
    """
    versions: list[Version] = []
    problems: list[Problem] = []
    for index, argument in enumerate(arguments):
        try:
            plan = _load_argument(argument, team_path, scratch / str(index))
        except InputError as error:
            problems += error.problems
        else:
            versions.append(Version(label=argument, plan=plan))
    if problems:
        raise InputError(tuple(problems))
    return versions


def is_revision(argument: str) -> bool:
    """`main:proposals/acme/spec.toml` names a file at a revision; an existing path does not."""
    revision, colon, path = argument.partition(":")
    return bool(colon and revision and path) and not Path(argument).exists()


def _load_argument(argument: str, team_path: Path | None, scratch: Path) -> Plan:
    if not is_revision(argument):
        return load(Path(argument), team_path)
    revision, _, inner = argument.partition(":")
    cwd = Path.cwd().resolve()
    repo = gitfiles.toplevel(cwd, Path(argument))
    gitfiles.verify(revision, repo, Path(argument))
    if inner.startswith(("./", "../")):
        # Git reads ./ and ../ relative to the current directory, anything else from the root.
        inner = PurePosixPath(Path(os.path.relpath(cwd / inner, repo))).as_posix()
    spec = gitfiles.materialize(revision, inner, repo, scratch)
    if spec is None:
        raise InputError.single(
            Path(argument),
            "",
            f"no such file at {revision}",
            hint="a path after REV: is relative to the repository root; start it with ./ "
            "for the current directory",
        )
    try:
        return load(spec, team_path, root=scratch)
    except InputError as error:
        raise InputError(gitfiles.relabel(error.problems, scratch, revision)) from None


@dataclass(frozen=True, kw_only=True)
class CompareRequest:
    """`promisecheck compare`: the versions of a proposal and how to run each."""

    # One spec (its baseline and every scenario), or two or more spec files or REV:path;
    # the first is the baseline.
    versions: tuple[str, ...]
    team: Path | None = None  # the team file for every version
    # The same trials and seed for every version; its history: a CSV that wins over each
    # version's team [history]. Each version's own target is judged (no confidence).
    settings: RunSettings[Path] = RunSettings()
    portfolio: Path | None = None  # judge every version as the deal against this portfolio


def run(request: CompareRequest) -> Comparison:
    """One spec: its baseline and scenarios. Several: each file (or REV:path), the first first.

    With a portfolio, every column is judged as the deal against it (last in line).
    """
    arguments, team_path = request.versions, request.team
    portfolio = load_portfolio(request.portfolio) if request.portfolio is not None else None
    if portfolio is not None and team_path is None:
        # The portfolio's team wins, as for `estimate --portfolio`: every version is read
        # against it, so an assignee it lacks is reported at the assignee, not met mid-run.
        team_path = portfolio.team_path
    if len(arguments) == 1 and not is_revision(arguments[0]):
        versions = scenario_versions(Path(arguments[0]), team_path)
        return compare(versions, request.settings, portfolio=portfolio)
    with tempfile.TemporaryDirectory(prefix="promisecheck-") as scratch:
        # Simulated inside: a team's history file is read from the scratch copy.
        versions = file_versions(arguments, team_path, Path(scratch))
        return compare(versions, request.settings, portfolio=portfolio)


# --- the comparison --------------------------------------------------------------------------


def compare(
    versions: Sequence[Version],
    settings: RunSettings[Path] = RunSettings(),
    *,
    portfolio: Portfolio | None = None,
) -> Comparison:
    """Simulate every version with the same trials and seed and measure it against the first.

    `history` (--history) wins over each version's team [history] file. With `portfolio`,
    each version is scheduled as the deal after every commitment, on the same draws.
    """
    trials, seed, history = settings.trials, settings.seed, settings.history
    compiled.expect(sum(len(v.plan.spec.items) for v in versions) * trials)
    breaks: list[tuple[str, ...] | None] = [None] * len(versions)
    if portfolio is not None:
        from promisecheck.commands.portfolio import judge_deals

        runs = judge_deals(portfolio, [v.plan for v in versions], settings)
        assessments = [run.assessment for run in runs]
        breaks = [tuple(c.project for c in run.impact.breaks_signed) for run in runs]
    else:
        assessments = [
            estimate_plan(v.plan, settings.reading(load_history(v.plan, history))) for v in versions
        ]
    base_plan, base = versions[0].plan, assessments[0]
    columns = tuple(
        Column(
            label=version.label,
            assessment=assessment,
            scope=scope(base_plan, version.plan) if index else _own_scope(version.plan),
            deltas=deltas(base, assessment) if index else {},
            limits=breaches(base_plan, version.plan, assessment),
            breaks=breaks[index],
        )
        for index, (version, assessment) in enumerate(zip(versions, assessments, strict=True))
    )
    return Comparison(trials=trials, seed=seed, columns=columns)


def breaches(base: Plan, plan: Plan, assessment: Assessment) -> tuple[LimitBreach, ...]:
    """The limits of `plan`'s own spec it breaks against the baseline: a fixed date moved,
    a fixed scope cut, or a median margin below the floor."""
    levers, project = plan.spec.levers, plan.spec.project
    found: list[LimitBreach] = []
    if levers.date == "fixed" and project.deadline != base.spec.project.deadline:
        found.append("date-fixed")
    kept = {item.id for item in plan.spec.items}
    if levers.scope == "fixed" and any(item.id not in kept for item in base.spec.items):
        found.append("scope-fixed")
    margin, price = assessment.margin, project.price
    if margin is not None and price is not None and margin["p50"] < levers.min_margin * price:
        found.append("below-margin")
    return tuple(found)


def _own_scope(plan: Plan) -> Scope:
    return Scope(items=len(plan.spec.items), members=len(plan.team.members))


def scope(base: Plan, other: Plan) -> Scope:
    """What `other` plans and staffs differently from `base`."""
    items = _differences(base.spec, other.spec)
    members = _member_differences(base.team, other.team)
    return Scope(
        items=len(other.spec.items),
        added=items[0],
        removed=items[1],
        reestimated=items[2],
        changed=items[3],
        members=len(other.team.members),
        members_added=members[0],
        members_removed=members[1],
        members_changed=members[2],
    )


def _differences(
    base: Spec, other: Spec
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    before = {item.id: item for item in base.items}
    after = {item.id: item for item in other.items}
    both = [i for i in after if i in before]
    return (
        tuple(i for i in after if i not in before),
        tuple(i for i in before if i not in after),
        tuple(i for i in both if after[i].estimate != before[i].estimate),
        tuple(
            i
            for i in both
            if after[i].estimate == before[i].estimate
            and after[i].model_copy(update={"title": None})
            != before[i].model_copy(update={"title": None})
        ),
    )


def _member_differences(
    base: Team, other: Team
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    before = {m.name: m for m in base.members}
    after = {m.name: m for m in other.members}
    return (
        tuple(n for n in after if n not in before),
        tuple(n for n in before if n not in after),
        tuple(n for n in after if n in before and after[n] != before[n]),
    )


def _figures(a: Assessment) -> dict[str, float | dt.date | None]:
    cost = a.cost or {}
    margin = a.margin or {}
    return {
        "on_time_probability": a.on_time_probability,
        "target_date": a.target_date,
        "finish_p50": a.finish.get("p50"),
        "finish_p85": a.finish.get("p85"),
        "effort_p50": a.effort_hours.get("p50"),
        "effort_p85": a.effort_hours.get("p85"),
        "cost_p50": cost.get("p50"),
        "cost_p85": cost.get("p85"),
        "margin_p50": margin.get("p50"),
        "margin_p85": margin.get("p85"),
    }


def deltas(base: Assessment, other: Assessment) -> dict[str, Delta]:
    """Every figure both versions have, as other minus base (dates in calendar days)."""
    before, after = _figures(base), _figures(other)
    found: dict[str, Delta] = {}
    if "infeasible" in (base.verdict, other.verdict):
        # No trial finishes on one side: only the probability is a number on both sides.
        keys = [k for k in DELTA_KEYS if k[0] == "on_time_probability"]
    else:
        keys = list(DELTA_KEYS)
    for key, good in keys:
        old, new = before[key], after[key]
        if isinstance(old, dt.date) and isinstance(new, dt.date):
            change = float((new - old).days)
        elif isinstance(old, float | int) and isinstance(new, float | int):
            change = round(float(new) - float(old), _digits(key))
        else:
            continue
        if change == 0:
            direction: Direction = "same"
        else:
            direction = "better" if (change > 0) == (good == "up") else "worse"
        found[key] = Delta(change=change, direction=direction)
    return found


def _digits(key: str) -> int:
    """The precision the JSON report gives a figure: a change below it is no change."""
    if key == "on_time_probability":
        return 4
    return 1 if key.startswith("effort") else 2
