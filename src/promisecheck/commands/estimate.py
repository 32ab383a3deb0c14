"""The estimate pipeline as one call: files in, an outcome with its exit code out (no printing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from promisecheck.assess.analysis import Assessment, assess
from promisecheck.assess.estimator import RunSettings, SingleEstimator
from promisecheck.commands import promise_kept
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.forecast import load_history, run_plan
from promisecheck.engine.risks import risk_impacts
from promisecheck.engine.simulate import Progress
from promisecheck.errors import ExitCode, OptionError
from promisecheck.inputs.history import History
from promisecheck.inputs.limits import MAX_CELLS
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import Plan
from promisecheck.inputs.scenarios import select

MAX_TRIALS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class EstimateOutcome:
    """`promisecheck estimate`: the plan as judged (after --scenario) and its assessment.

    The plan travels with the assessment because --apply revises that plan, not the file.
    """

    plan: Plan
    assessment: Assessment

    @property
    def exit_code(self) -> ExitCode:
        """0 only when the promise holds at its target; below it or infeasible is 1."""
        return promise_kept(self.assessment)


def run(
    spec_path: Path,
    team_path: Path | None = None,
    *,
    scenario: str | None = None,
    trials: int = 10_000,
    seed: int = 0,
    confidence: float | None = None,
    progress: Progress | None = None,
    compromises: bool | None = False,
    history: Path | None = None,
    as_of: dt.date | None = None,
) -> EstimateOutcome:
    """Load, simulate and assess one proposal.

    compromises: True always adds the menu, None adds it when below the target, False never.
    history: a history CSV that wins over the team's [history] file; it is read before the
    scenario is applied (a scenario only adds members, so it cannot change which file).
    """
    plan = load(spec_path, team_path)
    evidence = load_history(plan, history)
    if scenario is not None:
        plan = select(plan, scenario, spec_path)
    assessment = estimate_plan(
        plan,
        history=evidence,
        trials=trials,
        seed=seed,
        confidence=confidence,
        progress=progress,
        compromises=compromises,
        as_of=as_of,
    )
    return EstimateOutcome(plan=plan, assessment=assessment)


def estimate_plan(
    plan: Plan,
    *,
    trials: int = 10_000,
    seed: int = 0,
    confidence: float | None = None,
    progress: Progress | None = None,
    compromises: bool | None = False,
    history: History | None = None,
    as_of: dt.date | None = None,
) -> Assessment:
    """Simulate and assess a loaded plan, with the compromise menu when asked for.

    as_of: the day options and passed dates are judged on (None: not judged; the menu
    then takes the plan's start). The schedule itself always starts at the spec's start.
    """
    items = len(plan.spec.items)
    if trials * items > MAX_CELLS:
        raise OptionError(
            "trials",
            f"{trials:,} trials of {items:,} items would not fit in memory",
            hint=f"{max(1, MAX_CELLS // items):,} or fewer fit",
        )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    inputs, result = run_plan(plan, capacity, trials, seed, history, progress)
    assessment = assess(
        plan, result, capacity, seed=seed, confidence=confidence, start_day=inputs.start_day
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

    settings = RunSettings(trials=trials, seed=seed, confidence=confidence, history=history)
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
