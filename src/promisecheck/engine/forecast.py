"""The engine's inputs from the evidence: sampled efforts, corrected by history, plus risks.

Every command that simulates a plan (estimate, compare, check) builds its inputs here, so
history and risks mean the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from promisecheck.engine.calendar import Capacity
from promisecheck.engine.history_model import HistoryUse, calibrate_efforts
from promisecheck.engine.planning import planning_efforts
from promisecheck.engine.ranges import HIGH_SHARE, LOW_SHARE, NARROW, is_narrow
from promisecheck.engine.risks import RiskDraws, draw_risks
from promisecheck.engine.sampling import sample_efforts
from promisecheck.engine.simulate import Progress, SimulationResult, simulate
from promisecheck.errors import InputError, OptionError
from promisecheck.inputs.history import History, Pools, percentile, read_history
from promisecheck.inputs.model import Plan
from promisecheck.notices import HistoryBand, IdleMember, NarrowRanges, Notice, RiskDelayPastHorizon

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Inputs:
    """What the engine is given, and what the report says about where it came from."""

    efforts: FloatArray  # [trials, items] hours: sampled, history-corrected, plus risks
    planning: FloatArray  # [items] hours the dispatcher plans with (planning_efforts)
    base_efforts: FloatArray  # [trials, items] the same before risks
    start_day: IntArray | None  # per-trial first day of work; None: the start, always
    risks: RiskDraws
    history: HistoryUse | None
    warnings: tuple[Notice, ...]


def load_history(plan: Plan, override: Path | None = None) -> History | None:
    """The team's history: --history wins over the team's [history] file.

    The [history] table's columns and unit apply to either file; loading has already
    resolved its `file` against the team file's folder.
    """
    settings = plan.team.history
    path = override if override is not None else (Path(settings.file) if settings else None)
    if path is None:
        return None
    if not path.exists() and override is not None:
        raise OptionError("history", "history file not found", path=path)
    if not path.exists():
        hint = "named by [history] file, which is relative to the team file"
        raise InputError.single(path, "", "history file not found", hint=hint)
    return read_history(
        path,
        columns=settings.columns if settings else None,
        unit=settings.unit if settings else "hours",
        hours_per_day=plan.team.calendar.hours_per_day,
    )


def _narrow_ranges(plan: Plan, history: History | None) -> list[Notice]:
    narrow = [item for item in plan.spec.items if is_narrow(item.low, item.likely, item.high)]
    if not narrow:
        return []
    band = None
    if history is not None:
        ratios = Pools.of(history).everyone
        band = HistoryBand(
            share=HIGH_SHARE - LOW_SHARE,
            low=percentile(ratios, LOW_SHARE),
            high=percentile(ratios, HIGH_SHARE),
        )
    listed = tuple((item.id, item.estimate) for item in narrow)
    return [NarrowRanges(items=listed, within=NARROW / 2, history=band)]


def _idle_members(plan: Plan, capacity: Capacity) -> list[Notice]:
    """Members who never work: `skills = []` with nothing assigned, or no hours at all."""
    assigned = {item.assignee for item in plan.spec.items}
    found: list[Notice] = []
    for index, member in enumerate(plan.team.members):
        if not member.skills and member.name not in assigned:
            found.append(IdleMember(member=member.name, why="no-skills"))
        elif not capacity.window[index].any():
            found.append(IdleMember(member=member.name, why="no-hours"))
    return found


def prepare(
    plan: Plan, capacity: Capacity, trials: int, seed: int, history: History | None = None
) -> Inputs:
    """Sample the plan's efforts, correct them by history, and draw its risks."""
    project = plan.spec.project
    items = plan.spec.items
    efforts = sample_efforts(items, project.distribution, trials, seed, project.range)
    used: HistoryUse | None = None
    warnings: list[Notice] = list(history.warnings) if history is not None else []
    method = plan.team.history.method if plan.team.history is not None else "fitted"
    if history is not None:
        efforts, used = calibrate_efforts(items, efforts, history, seed, method)
    warnings += _narrow_ranges(plan, history)
    warnings += _idle_members(plan, capacity)
    draws = draw_risks(plan.spec.risks, items, project.distribution, project.range, trials, seed)
    working_days = int(capacity.team_working.sum())
    for k, risk in enumerate(plan.spec.risks):
        if draws.delay[:, k].max(initial=0) >= working_days:
            warnings.append(RiskDelayPastHorizon(risk=risk.id, working_days=working_days))
    total = efforts + draws.extra() if plan.spec.risks else efforts
    if not np.isfinite(total).all():
        # Every input number is bounded so that this cannot happen; if it ever does, a wrong
        # "on track" would be worse than refusing.
        raise InputError.single(
            None, "", "the sampled efforts overflow", hint="estimates or history are too large"
        )
    return Inputs(
        efforts=total,
        planning=planning_efforts(plan, history, method),
        base_efforts=efforts,
        start_day=draws.start_day(capacity),
        risks=draws,
        history=used,
        warnings=tuple(warnings),
    )


def run_plan(
    plan: Plan,
    capacity: Capacity,
    trials: int,
    seed: int,
    history: History | None = None,
    progress: Progress | None = None,
) -> tuple[Inputs, SimulationResult]:
    """The one composition of a plan's run: its prepared inputs, then every trial scheduled.

    The estimate and every variant the compromise search tries go through here, so a
    variant's odds are those a fresh estimate of its files would give.
    """
    inputs = prepare(plan, capacity, trials, seed, history)
    result = simulate(
        plan,
        trials,
        seed,
        capacity=capacity,
        efforts=inputs.efforts,
        start_day=inputs.start_day,
        planning=inputs.planning,
        progress=progress,
    )
    return inputs, result
