"""Known risks: whether each happens in a trial, what it costs, and how much it moves the odds.

Each risk draws from its own stream keyed by its id (`risk:<id>`): whether it happens,
then how many hours, then how many days of delay, for every trial. Adding or removing
another risk, or an item, leaves its draws alone.

Extra hours go to the affected items, shared in proportion to their likely estimates;
they are work as the risk's owner wrote it, not corrected by history. A start delay
counts team working days; when several risks delay the start, the start waits for the
longest of them (they are reasons to wait, not work in a row).

A risk's impact is the on-time probability minus what it would be without that risk,
on the same trials and draws: only the trials in which it happened can change, so only
those are simulated again. Comparing trials where it happened with trials where it did
not would mix its effect with every other draw those trials differ in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.engine.calendar import Capacity
from promisecheck.engine.sampling import item_stream, sample_range
from promisecheck.engine.simulate import SimulationResult, simulate
from promisecheck.inputs.model import Distribution, Item, Plan, RangeMeaning, Risk

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _triple(value: float | tuple[float, float, float]) -> tuple[float, float, float]:
    return value if isinstance(value, tuple) else (value, value, value)


def affected_items(risk: Risk, items: Sequence[Item]) -> list[int]:
    """Positions of the items that get a risk's extra hours: named, or needing a named skill."""
    return [
        index
        for index, item in enumerate(items)
        if item.id in risk.items or (item.skill is not None and item.skill in risk.skills)
    ]


@dataclass(frozen=True, eq=False)
class RiskDraws:
    """What every risk did in every trial."""

    fired: BoolArray  # [trials, risks] the risk happened
    hours: FloatArray  # [trials, risks] extra hours of work, 0 when it did not happen
    shares: FloatArray  # [risks, items] share of a risk's hours each item gets
    delay: IntArray  # [trials, risks] working days the start slips, 0 when it did not happen

    def extra(self, rows: IntArray | slice = slice(None), without: int | None = None) -> FloatArray:
        """[rows, items] extra hours of work from every risk (but `without`)."""
        hours = self.hours[rows]
        if without is not None:
            hours = hours.copy()
            hours[:, without] = 0.0
        extra: FloatArray = hours @ self.shares
        return extra

    def start_day(
        self,
        capacity: Capacity,
        rows: IntArray | slice = slice(None),
        without: int | None = None,
    ) -> IntArray | None:
        """Per-trial first day of work (a day index), or None when no risk delays the start."""
        if not self.delay.any():
            return None
        delay = self.delay[rows]
        if without is not None:
            delay = delay.copy()
            delay[:, without] = 0
        return delayed_start(capacity, delay.max(axis=1, initial=0))


def delayed_start(capacity: Capacity, delay: IntArray) -> IntArray:
    """The day work starts after `delay` team working days are lost (0: the start day).

    The lost days are the first working days on or after the start, so a delay of one
    day from a Saturday start means work begins on Tuesday, not on Monday.
    """
    working = np.flatnonzero(capacity.team_working)
    past = np.append(working, capacity.days)
    start: IntArray = np.where(delay > 0, past[np.minimum(delay, working.size)], 0)
    return start.astype(np.int64)


def draw_risks(
    risks: Sequence[Risk],
    items: Sequence[Item],
    distribution: Distribution,
    meaning: RangeMeaning,
    trials: int,
    seed: int,
) -> RiskDraws:
    """Sample every risk in every trial, each part from its own keyed stream.

    Separate streams for whether it fires, its hours and its delay keep the draws of the
    first n trials the same whatever the number of trials (compromise searches screen on
    such a prefix), and keep the firing fixed when a range is re-estimated.
    """
    count = len(risks)
    fired = np.zeros((trials, count), dtype=bool)
    hours = np.zeros((trials, count))
    delay = np.zeros((trials, count), dtype=np.int64)
    shares = np.zeros((count, len(items)))
    for k, risk in enumerate(risks):
        fired[:, k] = item_stream(seed, f"risk:{risk.id}").random(trials) < risk.probability
        if risk.extra_hours is not None:
            stream = item_stream(seed, f"risk:{risk.id}:hours")
            drawn = sample_range(_triple(risk.extra_hours), distribution, meaning, stream, trials)
            hours[:, k] = np.where(fired[:, k], drawn, 0.0)
            where = affected_items(risk, items)
            weights = np.array([items[i].likely for i in where], dtype=np.float64)
            if weights.sum() <= 0:
                weights = np.ones(len(where))
            shares[k, where] = weights / weights.sum()
        if risk.delay_days is not None:
            stream = item_stream(seed, f"risk:{risk.id}:delay")
            days = sample_range(_triple(risk.delay_days), distribution, meaning, stream, trials)
            delay[:, k] = np.where(fired[:, k], np.floor(days + 0.5), 0).astype(np.int64)
    return RiskDraws(fired=fired, hours=hours, shares=shares, delay=delay)


@dataclass(frozen=True, kw_only=True)
class RiskImpact:
    """How one risk moves the promise."""

    id: str
    description: str | None
    probability: float  # as written in the spec
    happened: float  # share of trials in which it happened
    mean_extra_hours: float | None  # extra hours of work when it happened
    mean_delay_days: float | None  # working days the start slipped when it happened
    on_time_without: float  # on-time probability on the same draws without this risk
    on_time_change: float  # on-time probability with the risk minus without it


def _on_time(result: SimulationResult, deadline_day: int) -> BoolArray:
    on_time: BoolArray = result.finish_days.max(axis=1) <= deadline_day
    return on_time


def risk_impacts(
    plan: Plan,
    capacity: Capacity,
    efforts: FloatArray,
    draws: RiskDraws,
    result: SimulationResult,
    planning: FloatArray | None = None,
) -> tuple[RiskImpact, ...]:
    """Each risk's effect on the on-time probability, by simulating without it.

    `efforts` are the efforts before any risk ([trials, items]); `result` is the
    simulation with every risk; `planning` the hours the dispatcher planned with there.
    """
    deadline_day = capacity.day_of(plan.spec.project.deadline)
    with_all = _on_time(result, deadline_day)
    trials = result.trials
    impacts = []
    for k, risk in enumerate(plan.spec.risks):
        rows = np.flatnonzero(draws.fired[:, k])
        without = with_all.copy()
        if rows.size:
            again = simulate(
                plan,
                rows.size,
                capacity=capacity,
                efforts=efforts[rows] + draws.extra(rows, without=k),
                start_day=draws.start_day(capacity, rows, without=k),
                planning=planning,
            )
            without[rows] = _on_time(again, deadline_day)
        happened = rows.size / trials
        impacts.append(
            RiskImpact(
                id=risk.id,
                description=risk.description,
                probability=risk.probability,
                happened=happened,
                mean_extra_hours=float(draws.hours[rows, k].mean())
                if rows.size and risk.extra_hours is not None
                else None,
                mean_delay_days=float(draws.delay[rows, k].mean())
                if rows.size and risk.delay_days is not None
                else None,
                on_time_without=float(without.mean()),
                on_time_change=float(with_all.mean() - without.mean()),
            )
        )
    return tuple(impacts)
