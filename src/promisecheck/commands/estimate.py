"""`promisecheck estimate`: a request in, an outcome with its exit code out (no printing);
with --apply, the chosen compromise written beside the inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from promisecheck.assess.analysis import Assessment, Compromise, Headline, assess, headline
from promisecheck.assess.estimator import RunSettings, SingleEstimator
from promisecheck.commands import promise_kept
from promisecheck.commands.files import write_atomically
from promisecheck.compromises.revision import Revision, revised_files
from promisecheck.engine import compiled
from promisecheck.engine.calendar import Capacity, build_capacity
from promisecheck.engine.forecast import Inputs, load_history, run_plan
from promisecheck.engine.risks import risk_impacts
from promisecheck.engine.simulate import Progress, SimulationResult
from promisecheck.errors import ExitCode, OptionError
from promisecheck.inputs import safefiles
from promisecheck.inputs.history import History
from promisecheck.inputs.limits import MAX_CELLS
from promisecheck.inputs.loading import load, proposal_path, team_path_for
from promisecheck.inputs.model import Plan
from promisecheck.inputs.scenarios import select

MAX_TRIALS = 1_000_000
PILOT_TRIALS = 500  # trials that guess whether the compromise menu will follow


@dataclass(frozen=True, kw_only=True)
class Apply:
    """Write the plan with one option of the compromise menu applied (--apply)."""

    number: int  # the option's number in the menu, from 1
    output: Path  # the revised spec; a team file goes beside it when the option changes it
    force: bool = False  # whether a file that exists may be replaced (never an input)


@dataclass(frozen=True, kw_only=True)
class EstimateRequest:
    """`promisecheck estimate`: one proposal and how to judge it."""

    spec: Path  # spec.toml, or a folder holding one
    team: Path | None = None  # wins over the spec's `team` key
    settings: RunSettings[Path] = RunSettings()  # its history: a CSV that wins over the team's
    scenario: str | None = None  # a [scenarios.NAME] of the spec, applied first
    # True always adds the compromise menu, None when below the target, False never.
    compromises: bool | None = None
    as_of: dt.date | None = None  # the day options are judged on; None: not judged
    apply: Apply | None = None  # write the plan with this option of the menu


@dataclass(frozen=True, kw_only=True)
class Applied:
    """What --apply wrote: the option and the files (the spec first)."""

    number: int
    option: Compromise
    revision: Revision


Refusal = Literal[
    "on-track",
    "no-menu",
    "no-such-option",
    "original-input",
    "exists",
    "out-of-reach",
    "shared-team",
]


@dataclass(frozen=True, kw_only=True)
class Refused:
    """Why --apply wrote nothing: the plan needs no compromise (and none was asked for),
    there is no menu or no such option, a file is an input of the run or exists, the
    revised plan would name a file that a run of it may not open (out-of-reach), or (for a
    deal in a portfolio) the option changes the team the portfolio shares (shared-team)."""

    number: int
    reason: Refusal
    # The file: for original-input, exists and out-of-reach; for shared-team the
    # portfolio's team file, the one to edit instead.
    path: Path | None = None


@dataclass(frozen=True, kw_only=True)
class EstimateOutcome:
    """`promisecheck estimate`: the plan as judged (after --scenario) and its assessment.

    The plan travels with the assessment because --apply revises that plan, not the file.
    """

    plan: Plan
    assessment: Assessment
    applied: Applied | Refused | None = None  # with --apply: what was written, or why not

    @property
    def exit_code(self) -> ExitCode:
        """With --apply: 0 when written, 2 when refused. Else 0 only when the promise holds
        at its target; below it or infeasible is 1."""
        if isinstance(self.applied, Refused):
            return ExitCode.INVALID_INPUT
        if isinstance(self.applied, Applied):
            return ExitCode.ON_TRACK
        return promise_kept(self.assessment)


def run(request: EstimateRequest, progress: Progress | None = None) -> EstimateOutcome:
    """Load, simulate and assess one proposal; with `apply`, write the chosen compromise.

    The history file is read before the scenario is applied (a scenario only adds
    members, so it cannot change which file).
    """
    spec_path = proposal_path(request.spec)
    with safefiles.recording() as read:
        plan = load(spec_path, request.team)
        evidence = load_history(plan, request.settings.history)
        if request.scenario is not None:
            plan = select(plan, request.scenario, spec_path)
        assessment = estimate_plan(
            plan,
            request.settings.reading(evidence),
            progress=progress,
            compromises=True if request.apply is not None else request.compromises,
            as_of=request.as_of,
        )
    outcome = EstimateOutcome(plan=plan, assessment=assessment)
    if request.apply is None:
        return outcome
    if assessment.verdict == "on-track" and request.compromises is not True:
        return dataclasses.replace(
            outcome, applied=Refused(number=request.apply.number, reason="on-track")
        )
    applied = write_revision(
        plan,
        assessment,
        request.apply,
        spec=spec_path,
        team=team_path_for(plan.spec, spec_path, request.team),
        read=read,
        edit=request.scenario is None,
    )
    return dataclasses.replace(outcome, applied=applied)


def write_revision(
    plan: Plan,
    assessment: Assessment,
    apply: Apply,
    *,
    spec: Path,
    team: Path,
    read: Collection[Path],
    edit: bool,
    opens_team: bool = True,
) -> Applied | Refused:
    """Write the plan with option `apply.number` applied: never over an input of the run
    (the spec, its team file, any other file it read), never over an existing file unless
    forced, each file whole or not at all; nothing when any file is refused.

    edit: revise the author's files in place of a copy (False after a scenario, whose plan
    is not the file as written).
    opens_team: whether a run of the revised plan opens the team file it names (not a deal
    run with --portfolio, where the portfolio's team is read instead), so that the files
    it names must stay within reach."""
    menu = assessment.compromises
    options = menu.options if menu is not None else ()
    if not options:
        return Refused(number=apply.number, reason="no-menu")
    if apply.number > len(options):
        return Refused(number=apply.number, reason="no-such-option")
    option = options[apply.number - 1]
    revision = revised_files(plan, option, apply.output, team, original_spec=spec if edit else None)
    protected = {p.resolve() for p in (spec, team, *read)}
    for path in revision.files:
        if path.resolve() in protected:
            return Refused(number=apply.number, reason="original-input", path=path)
        if path.exists() and not apply.force:
            return Refused(number=apply.number, reason="exists", path=path)
    if opens_team and (far := out_of_reach(plan, apply.output, team, revision)) is not None:
        return Refused(number=apply.number, reason="out-of-reach", path=far)
    for path, text in revision.files.items():
        write_atomically(path, text)
    return Applied(number=apply.number, option=option, revision=revision)


def out_of_reach(plan: Plan, output: Path, team: Path, revision: Revision) -> Path | None:
    """The file the revised plan names that a run of it would refuse, if any: a path in a
    file must stay inside the repository (or, outside one, the folder) that holds the file
    given, so a plan written elsewhere could not be estimated as the menu claimed.

    The spec names the original team file, or the revised copy beside it, which names the
    team's history file."""
    root = Path(os.path.realpath(safefiles.root_of(output)))
    copied = len(revision.files) > 1
    history = plan.team.history
    named = [team.parent / history.file] if copied and history is not None else []
    if not copied:
        named.append(team)
    return next((p for p in named if not Path(os.path.realpath(p)).is_relative_to(root)), None)


def _simulated(
    plan: Plan, settings: RunSettings[History], progress: Progress | None = None
) -> tuple[Capacity, Inputs, SimulationResult]:
    """The plan's calendar, prepared inputs and every trial, within the memory limit."""
    trials = settings.trials
    items = len(plan.spec.items)
    if trials * items > MAX_CELLS:
        raise OptionError(
            "trials",
            f"{trials:,} trials of {items:,} items would not fit in memory",
            hint=f"{max(1, MAX_CELLS // items):,} or fewer fit",
        )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    inputs, result = run_plan(plan, capacity, trials, settings.seed, settings.history, progress)
    return capacity, inputs, result


def estimate_headline(plan: Plan, settings: RunSettings[History] = RunSettings()) -> Headline:
    """The odds, verdict and dates of a loaded plan, as `estimate_plan` would give them,
    without the rest of the assessment (what `check` judges by)."""
    capacity, _, result = _simulated(plan, settings)
    return headline(plan, result, capacity, settings.confidence)


def menu_likely(plan: Plan, settings: RunSettings[History]) -> bool:
    """Whether the first PILOT_TRIALS trials put the promise clearly (three standard errors)
    below its target, so that the compromise menu will follow the estimate.

    The menu runs the plan dozens of times on the compiled engine; knowing that before the
    estimate's own run spares that run the numpy engine (0.4 s at the web shop's size). The
    guess chooses an engine, never a number: both give the same schedules. A run large
    enough for the compiled engine by itself, or one whose engine does not depend on size (the
    native loop, or an engine forced), needs no guess.
    """
    trials = settings.trials
    if trials < 2 * PILOT_TRIALS or trials * len(plan.spec.items) >= compiled.COMPILED_MIN_SIZE:
        return False
    if not compiled.by_size():
        return False
    capacity, _, result = _simulated(plan, dataclasses.replace(settings, trials=PILOT_TRIALS))
    head = headline(plan, result, capacity, settings.confidence)
    return head.verdict != "infeasible" and clearly_below(
        head.on_time_probability, head.target_confidence, PILOT_TRIALS
    )


def clearly_below(on_time: float, target: float, trials: int) -> bool:
    """Whether odds measured over `trials` trials lie more than three standard errors (at
    the target) below the target."""
    return on_time < target - 3 * math.sqrt(target * (1 - target) / trials)


def estimate_plan(
    plan: Plan,
    settings: RunSettings[History] = RunSettings(),
    *,
    progress: Progress | None = None,
    compromises: bool | None = False,
    as_of: dt.date | None = None,
) -> Assessment:
    """Simulate and assess a loaded plan, with the compromise menu when asked for.

    as_of: the day options and passed dates are judged on (None: not judged; the menu
    then takes the plan's start). The schedule itself always starts at the spec's start.
    """
    if compromises is True or (compromises is None and menu_likely(plan, settings)):
        compiled.expect(compiled.COMPILED_MIN_SIZE)
    capacity, inputs, result = _simulated(plan, settings, progress)
    assessment = assess(
        plan,
        result,
        capacity,
        seed=settings.seed,
        confidence=settings.confidence,
        start_day=inputs.start_day,
    )
    assessment = dataclasses.replace(
        assessment,
        history=inputs.history,
        risks=risk_impacts(
            plan, capacity, inputs.base_efforts, inputs.risks, result, inputs.planning
        ),
        warnings=assessment.warnings + inputs.warnings,
        as_of=as_of,
    )
    if compromises is False:
        return assessment
    from promisecheck.compromises.search import find_compromises

    menu = find_compromises(
        plan,
        assessment,
        result,
        capacity,
        SingleEstimator(settings, plan, capacity, result),
        always=bool(compromises),
        as_of=as_of,
    )
    return dataclasses.replace(assessment, compromises=menu)
