"""One way to estimate variants of a plan, injected into the compromise search: alone
(`SingleEstimator`, over `engine.forecast.run_plan`) or inside the shared schedule of a
portfolio (`assess.deal.DealEstimator`), so that the search never knows which it is.

Both estimate a variant exactly as a fresh run of its files would, on the baseline's
seed and draws (common random numbers), and keep the runs a search asks for twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import numpy as np

from promisecheck.engine.calendar import Capacity, build_capacity
from promisecheck.engine.forecast import run_plan
from promisecheck.engine.simulate import SimulationResult
from promisecheck.inputs.history import History
from promisecheck.inputs.model import Plan, Team

H = TypeVar("H", Path, History)


@dataclass(frozen=True, kw_only=True)
class RunSettings(Generic[H]):
    """What every run of one estimate shares, at two stages that differ only in `history`:
    a command's request names the file (`RunSettings[Path]`, --history), and a run holds
    the records read from it or from the team's [history] (`RunSettings[History]`)."""

    trials: int = 10_000  # trials of a full run; searches screen on a prefix of them
    seed: int = 0  # names every random stream: same seed, same draws
    confidence: float | None = None  # target override; None: the spec's target_confidence
    # The file that wins over the team's [history]; once read, the records that correct
    # the efforts. None: the team's own file, if it names one.
    history: H | None = None

    def reading(self, history: History | None) -> RunSettings[History]:
        """The same settings with the history records this run read."""
        return RunSettings(
            trials=self.trials, seed=self.seed, confidence=self.confidence, history=history
        )


class Estimator(Protocol):
    """What the compromise search needs to judge a variant of the plan."""

    @property
    def settings(self) -> RunSettings[History]: ...

    @property
    def judges_commitments(self) -> bool:
        """Whether `breaks` can name anyone: options are judged against commitments."""
        ...

    def calendar(self, team: Team, start: dt.date) -> Capacity:
        """The team's calendar from `start` (to count working days)."""
        ...

    def frame(self, variant: Plan) -> Capacity:
        """The calendar the variant's trials are counted on (their day 0)."""
        ...

    def run(self, variant: Plan, trials: int) -> SimulationResult:
        """The variant's items on the first `trials` trials, days counted on its frame."""
        ...

    def on_time(self, variant: Plan, trials: int) -> float:
        """The share of the first `trials` trials in which the variant meets its deadline."""
        ...

    def workload(self, variant: Plan) -> SimulationResult:
        """Every item the team works on beside the variant, on all trials (its days on the
        variant's frame): the plan's own alone; every project's in a portfolio."""
        ...

    def breaks(self, variant: Plan) -> tuple[str, ...]:
        """The signed commitments (by project name) that hold without the deal and do not
        with this variant of it, on all trials; always empty for a plan alone."""
        ...


def on_time(estimator: Estimator, variant: Plan, trials: int) -> float:
    """The share of trials whose last item finishes by the deadline, on the variant's frame."""
    days = estimator.run(variant, trials).finish_days.max(axis=1)
    deadline = estimator.frame(variant).day_of(variant.spec.project.deadline)
    return float(np.count_nonzero(days <= deadline)) / int(days.size)


def schedule_key(plan: Plan) -> str:
    """What the schedule depends on: everything but the deadline, price and limits."""
    spec = plan.spec
    project = spec.project.model_copy(update={"deadline": spec.project.start, "price": None})
    return (
        spec.model_copy(update={"project": project, "scenarios": {}}).model_dump_json()
        + plan.team.model_dump_json()
    )


class Calendars:
    """Calendars by team and start, built once each."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, dt.date], Capacity] = {}

    def get(self, team: Team, start: dt.date) -> Capacity:
        key = (team.model_dump_json(), start)
        found = self._built.get(key)
        if found is None:
            found = build_capacity(team, start)
            self._built[key] = found
        return found

    def keep(self, team: Team, start: dt.date, capacity: Capacity) -> None:
        self._built[(team.model_dump_json(), start)] = capacity


class SingleEstimator:
    """The plan alone: each variant through `run_plan` on its own calendar, as `estimate`
    runs a file. The baseline's run and the last full run are kept, since the winner of a
    search is usually the run just made."""

    def __init__(
        self,
        settings: RunSettings[History],
        baseline: Plan,
        capacity: Capacity,
        result: SimulationResult,
    ) -> None:
        self._settings = settings
        self._calendars = Calendars()
        # The baseline's calendar is already built; variants that keep team and start reuse it.
        self._calendars.keep(baseline.team, baseline.spec.project.start, capacity)
        self._baseline = (schedule_key(baseline), result)
        self._last: tuple[str, SimulationResult] | None = None

    @property
    def settings(self) -> RunSettings[History]:
        return self._settings

    @property
    def judges_commitments(self) -> bool:
        return False

    def calendar(self, team: Team, start: dt.date) -> Capacity:
        return self._calendars.get(team, start)

    def frame(self, variant: Plan) -> Capacity:
        return self._calendars.get(variant.team, variant.spec.project.start)

    def run(self, variant: Plan, trials: int) -> SimulationResult:
        full = trials == self._settings.trials
        key = schedule_key(variant) if full else ""
        for kept in (self._baseline, self._last):
            if full and kept is not None and kept[0] == key:
                return kept[1]
        s = self._settings
        _, result = run_plan(variant, self.frame(variant), trials, s.seed, s.history)
        if full:
            self._last = (key, result)
        return result

    def on_time(self, variant: Plan, trials: int) -> float:
        return on_time(self, variant, trials)

    def workload(self, variant: Plan) -> SimulationResult:
        return self.run(variant, self._settings.trials)

    def breaks(self, variant: Plan) -> tuple[str, ...]:
        return ()
