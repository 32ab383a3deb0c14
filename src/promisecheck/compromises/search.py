"""Levers re-simulated on the same random draws → the menu of ways to keep the promise.

Every option's numbers come from the engine run on the sampled efforts of the baseline
(common random numbers keyed by item id), on exactly the plan `--apply` writes, so a
revised file estimated afresh with the same seed gives the claimed probability and margin.

The deal's limits ([levers] in the spec, [policy] in the team, the as-of date) decide what
is offered; what a limit rules out is listed with its reason, never silently dropped.

Searches screen candidates on the first `SCREEN_TRIALS` trials (a prefix of the same
draws) and confirm the winner on all trials; a candidate is screened out only when it
misses the target by more than three standard errors.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from promisecheck.assess.analysis import (
    MAX_WEEKS,
    Assessment,
    Compromise,
    CompromiseKind,
    LeverReach,
    Menu,
    MenuStatus,
    NotOffered,
    OptionGroup,
    PriceAdvice,
    percentile_days,
    percentile_index,
    percentile_values,
    trial_costs,
    weekly_utilisation,
)
from promisecheck.assess.estimator import Estimator
from promisecheck.compromises.revision import new_hires, with_changes
from promisecheck.engine import compiled
from promisecheck.engine.calendar import Capacity
from promisecheck.engine.simulate import SimulationResult
from promisecheck.inputs.model import Item, Plan, Team

SCREEN_TRIALS = 1000
EXHAUSTIVE_LIMIT = 20  # optional items up to which the scope cut is provably minimal
SEARCH_BUDGET = 400  # scope-cut candidates simulated before settling for the heuristic
MAX_START_SHIFT = 130  # working days (about six months)
MAX_NEW_MEMBERS = 3
COMBINATION_CANDIDATES = 3  # smallest pieces of scope considered for a smaller date move
COMBINATION_SAVES = 2  # working days of date move a combination must save to be worth asking
LOOKBACK_DAYS = 400
PROBE_OVERTIME = 0.25  # longer days tried only to name what overtime would buy
# A revised plan is written as a person would write it; its odds are those of these numbers.
ALLOCATION_STEP = 0.05
HOURS_STEP = 0.25

GROUP: dict[CompromiseKind, OptionGroup] = {
    "start-earlier": "keeps-quote",
    "start-later": "keeps-quote",
    "add-hours": "keeps-quote",
    "add-member": "keeps-quote",
    "move-date": "needs-client",
    "cut-scope": "needs-client",
    "combination": "needs-client",
}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def mean_hours(item: Item, distribution: str) -> float:
    """The mean of the item's effort distribution: what deferring it saves, on average."""
    if distribution == "triangular":
        return (item.low + item.likely + item.high) / 3
    return (item.low + 4 * item.likely + item.high) / 6


def round_up(value: float, step: float) -> float:
    """`value` rounded up to a multiple of `step` (0.87 → 0.9 for allocations)."""
    return round(math.ceil(value / step - 1e-9) * step, 10)


class Evaluator:
    """Screens and confirms variants of the plan on the injected estimator, which runs
    them alone or inside a portfolio's shared schedule (the search does not know which)."""

    def __init__(self, estimator: Estimator) -> None:
        self.estimator = estimator
        self.trials = estimator.settings.trials

    def calendar(self, team: Team, start: dt.date) -> Capacity:
        return self.estimator.calendar(team, start)

    def frame(self, variant: Plan) -> Capacity:
        return self.estimator.frame(variant)

    def run(self, variant: Plan, trials: int) -> SimulationResult:
        return self.estimator.run(variant, trials)

    def finish_days(self, variant: Plan, trials: int) -> IntArray:
        """Each trial's finish as a day index on the variant's frame."""
        days: IntArray = self.run(variant, trials).finish_days.max(axis=1).astype(np.int64)
        return days

    def probability(self, variant: Plan, trials: int) -> float:
        return self.estimator.on_time(variant, trials)

    def breaks(self, variant: Plan) -> tuple[str, ...]:
        return self.estimator.breaks(variant)

    @property
    def screen(self) -> int:
        return min(SCREEN_TRIALS, self.trials)

    def check(self, variant: Plan, target: float) -> tuple[bool, float]:
        """Whether the variant reaches the target, with its probability: on all trials
        when it passed the screen, else on the screen's trials."""
        if self.screen < self.trials:
            p = self.probability(variant, self.screen)
            if p < target - 3 * math.sqrt(max(p * (1 - p), 1e-4) / self.screen):
                return False, p
        full = self.probability(variant, self.trials)
        return full >= target, full

    def passes(self, variant: Plan, target: float) -> float | None:
        """The full-trial probability when the variant reaches the target, else None."""
        reached, p = self.check(variant, target)
        return p if reached else None


@dataclass(frozen=True)
class _Context:
    plan: Plan
    assessment: Assessment
    result: SimulationResult
    capacity: Capacity
    evaluator: Evaluator
    target: float
    as_of: dt.date | None
    bound: _CapacityBound
    all_items: tuple[int, ...]
    daily_capacity: float  # team item-work hours per working day, for ranking

    @property
    def start(self) -> dt.date:
        return self.plan.spec.project.start

    @property
    def deadline(self) -> dt.date:
        return self.plan.spec.project.deadline

    @property
    def upto(self) -> int:
        """Days from the start up to and including the deadline, within the horizon."""
        return max(1, min(self.capacity.day_of(self.deadline) + 1, self.capacity.days))

    def variant(self, **changes: Any) -> Plan:
        return with_changes(self.plan, **changes)


def _settle(
    ctx: _Context, kind: CompromiseKind, variant: Plan, size: float, **fields: Any
) -> Compromise:
    """The option as a fresh estimate of `variant` sees it: odds, P85 finish, the median
    cost of the hours actually worked (so the margin is the one the revised file shows),
    and the busiest week anyone is planned for."""
    result = ctx.evaluator.run(variant, ctx.evaluator.trials)
    capacity = ctx.evaluator.frame(variant)
    project = variant.spec.project
    days = result.finish_days.max(axis=1)
    deadline_day = capacity.day_of(project.deadline)
    p = float(np.count_nonzero(days <= deadline_day)) / days.size
    p85 = percentile_days(days, {"p85": 0.85})["p85"]
    added: float | None = None
    margin: float | None = None
    costs = trial_costs(variant, result, capacity)
    if costs is not None:
        median = percentile_values(costs, {"p50": 0.5})["p50"]
        if ctx.assessment.cost is not None:
            added = median - ctx.assessment.cost["p50"]
        if project.price is not None:
            margin = project.price - median
    target_day = percentile_days(days, {"t": ctx.target})["t"]
    weeks = max(1, min(MAX_WEEKS, -(-(max(deadline_day, target_day) + 1) // 7)))
    workload = ctx.evaluator.estimator.workload(variant)
    loads = [
        x for row in weekly_utilisation(workload, capacity, weeks) for x in row if x is not None
    ]
    return Compromise(
        kind=kind,
        group=GROUP[kind],
        on_time_probability=p,
        size=size,
        finish_p85=capacity.date_of(p85) if p85 < capacity.days else None,
        added_cost=added,
        margin=margin,
        peak_weekly_load=max(loads) if loads else None,
        breaks=ctx.evaluator.breaks(variant),
        **fields,
    )


def _move_date(ctx: _Context) -> Compromise | None:
    """The earliest deadline kept with the target confidence (earlier than promised: slack)."""
    days = ctx.result.finish_days.max(axis=1)
    day = int(np.sort(days)[percentile_index(ctx.target, days.size)])
    if day >= ctx.capacity.days:
        return None
    later = ctx.capacity.working_days_between(ctx.capacity.day_of(ctx.deadline), day)
    new = ctx.capacity.date_of(day)
    return _settle(
        ctx, "move-date", ctx.variant(deadline=new), float(later), deadline=new, working_days=later
    )


def _start_shifted(ctx: _Context, shift: int) -> dt.date:
    """The start moved `shift` team working days earlier (later when negative)."""
    base = ctx.start - dt.timedelta(days=LOOKBACK_DAYS)
    extended = ctx.evaluator.calendar(ctx.plan.team, base)
    day = extended.add_working_days(LOOKBACK_DAYS, -shift)
    return base + dt.timedelta(days=day)


def _shift_allowed(ctx: _Context) -> int:
    """The most team working days the start can move earlier without passing as-of."""
    if ctx.as_of is None:
        return MAX_START_SHIFT
    if ctx.as_of >= ctx.start:
        return 0
    base = ctx.start - dt.timedelta(days=LOOKBACK_DAYS)
    extended = ctx.evaluator.calendar(ctx.plan.team, base)
    first = max((ctx.as_of - base).days, 0)
    return min(MAX_START_SHIFT, extended.working_days_between(first - 1, LOOKBACK_DAYS - 1))


def _per_week_later(ctx: _Context) -> float:
    """About what a week's delay costs: the odds lost when the deadline comes five team
    working days sooner, read off the baseline's trials (a rate, not a promise; a start a
    week later differs only where the calendar is not the same from week to week)."""
    days = ctx.result.finish_days.max(axis=1)
    deadline_day = ctx.capacity.day_of(ctx.deadline)
    sooner = ctx.capacity.add_working_days(deadline_day, -5)
    on_time = int(np.count_nonzero(days <= deadline_day)) - int(np.count_nonzero(days <= sooner))
    return on_time / int(days.size)


def _start_earlier(
    ctx: _Context, guess: int | None = None
) -> tuple[Compromise | None, float | None, LeverReach | None]:
    """The latest start that keeps the target (earlier than planned when below it; the
    slack when on track). `guess`: working days the date would move, which bounds the
    shift the bisection first looks within."""
    ev = ctx.evaluator
    screen = ev.screen
    per_week = _per_week_later(ctx)

    def screened(shift: int) -> float:
        return ev.probability(ctx.variant(start=_start_shifted(ctx, shift)), screen)

    on_track = ctx.assessment.on_time_probability >= ctx.target
    allowed = _shift_allowed(ctx)

    def reach(found: Compromise | None) -> LeverReach | None:
        if on_track:
            return None
        if found is not None and not _too_early(found, ctx.as_of):
            return LeverReach(
                kind="start-earlier",
                reaches_target=True,
                best_probability=found.on_time_probability,
            )
        earliest = ctx.variant(start=_start_shifted(ctx, allowed))
        best = ctx.bound.optimistic(ctx.all_items, earliest)
        at_most = best < ctx.target
        if not at_most:
            best = ev.probability(earliest, screen)
        return LeverReach(
            kind="start-earlier", reaches_target=False, best_probability=best, at_most=at_most
        )

    # The smallest shift (working days earlier; negative: later) that keeps the target.
    low, high = (-MAX_START_SHIFT, 0) if on_track else (0, MAX_START_SHIFT)
    if not on_track:
        if (
            ctx.bound.optimistic(ctx.all_items, ctx.variant(start=_start_shifted(ctx, high)))
            < ctx.target
        ):
            return None, per_week, reach(None)
        # Starting as much earlier as the date would move usually does it; twice that is a
        # safe first bracket, and the whole range is searched only when it is not enough.
        hint = min(MAX_START_SHIFT, 2 * guess + 2) if guess and guess > 0 else MAX_START_SHIFT
        if hint < MAX_START_SHIFT and screened(hint) >= ctx.target:
            high = hint
        elif screened(MAX_START_SHIFT) < ctx.target:
            return None, per_week, reach(None)
        elif hint < MAX_START_SHIFT:
            low = hint
    if on_track and screened(low) >= ctx.target:
        high = low
    while high - low > 1:
        middle = (low + high) // 2
        if screened(middle) >= ctx.target:
            high = middle
        else:
            low = middle
    for shift in range(high, MAX_START_SHIFT + 1):
        start = _start_shifted(ctx, shift)
        variant = ctx.variant(start=start)
        if ev.probability(variant, ev.trials) < ctx.target:
            continue
        kind: CompromiseKind = "start-earlier" if shift > 0 else "start-later"
        option = _settle(ctx, kind, variant, float(shift), start=start, working_days=shift)
        return option, per_week, reach(option)
    return None, per_week, reach(None)


def deferral_units(plan: Plan) -> dict[int, frozenset[int]]:
    """Each deferrable item with everything that depends on it (deferred along with it).

    An item is deferrable when neither it nor anything depending on it is a `must`.
    """
    items = plan.spec.items
    index = {item.id: i for i, item in enumerate(items)}
    dependents: list[list[int]] = [[] for _ in items]
    for i, item in enumerate(items):
        for dep in item.depends_on:
            dependents[index[dep]].append(i)
    units: dict[int, frozenset[int]] = {}
    for i, item in enumerate(items):
        if item.priority == "must":
            continue
        closure, stack = {i}, [i]
        while stack:
            for j in dependents[stack.pop()]:
                if j not in closure:
                    closure.add(j)
                    stack.append(j)
        if all(items[j].priority != "must" for j in closure):
            units[i] = frozenset(closure)
    return units


class _ScopeCut:
    """Finds the cheapest set of items to defer that reaches the target."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        spec = ctx.plan.spec
        items = spec.items
        self.use_value = all(
            item.value is not None for item in items if item.priority != "must"
        ) and any(item.priority != "must" for item in items)
        self.cost_of = [
            float(item.value or 0.0)
            if self.use_value
            else mean_hours(item, spec.project.distribution)
            for item in items
        ]
        self.hours_of = [mean_hours(item, spec.project.distribution) for item in items]
        self._bounds = ctx.bound
        self.tried: dict[frozenset[int], float | None] = {}

    def cost(self, deferred: frozenset[int]) -> float:
        return sum(self.cost_of[i] for i in deferred)

    def reaches(self, deferred: frozenset[int]) -> float | None:
        if deferred in self.tried:
            return self.tried[deferred]
        ctx = self.ctx
        kept = [i for i in ctx.all_items if i not in deferred]
        outcome: float | None = None
        if kept and self._bounds.optimistic(kept) >= ctx.target:
            ids = [ctx.plan.spec.items[i].id for i in deferred]
            outcome = ctx.evaluator.passes(ctx.variant(deferred=ids), ctx.target)
        self.tried[deferred] = outcome
        return outcome

    def cheapest(self, units: dict[int, frozenset[int]]) -> tuple[frozenset[int], float] | None:
        if not units:
            return None
        # Deferring more never makes the rest later (one member per item, priority
        # dispatch), so if deferring everything deferrable misses, every subset does.
        if self.reaches(frozenset().union(*units.values())) is None:
            return None
        if len(units) > EXHAUSTIVE_LIMIT:
            return self.greedy(units)
        closures = sorted(units.values(), key=self.cost)
        heap: list[tuple[float, int, int, frozenset[int]]] = []
        counter = 0
        for k, closure in enumerate(closures):
            heapq.heappush(heap, (self.cost(closure), counter, k, closure))
            counter += 1
        seen: set[frozenset[int]] = set()
        evaluated = 0
        while heap and evaluated < SEARCH_BUDGET:
            _, _, last, deferred = heapq.heappop(heap)
            for k in range(last + 1, len(closures)):
                grown = deferred | closures[k]
                heapq.heappush(heap, (self.cost(grown), counter, k, grown))
                counter += 1
            if deferred in seen:
                continue
            seen.add(deferred)
            evaluated += 1
            p = self.reaches(deferred)
            if p is not None:
                return deferred, p
        return self.greedy(units) if heap else None

    def greedy(self, units: dict[int, frozenset[int]]) -> tuple[frozenset[int], float] | None:
        """Above the exhaustive limit: defer cheapest-first until the target is reached,
        then drop from the set whatever is not needed (most expensive first)."""
        order = sorted(units.values(), key=self.cost)
        deferred: frozenset[int] = frozenset()
        reached: float | None = None
        for closure in order:
            deferred |= closure
            reached = self.reaches(deferred)
            if reached is not None:
                break
        if reached is None:
            return None
        for closure in sorted(order, key=self.cost, reverse=True):
            if not closure <= deferred:
                continue
            smaller = deferred - closure
            # Whatever still depends on a remaining deferred item must stay deferred.
            if any(units.get(i, frozenset({i})) - smaller for i in smaller if i in units):
                continue
            p = self.reaches(smaller) if smaller else None
            if p is not None:
                deferred, reached = smaller, p
        return deferred, reached


class _CapacityBound:
    """An optimistic on-time probability: per trial, can the work of each group of items
    (by who may do them) and all of it even fit into the capacity up to the deadline?
    Never simulates, so a lever that cannot possibly reach the target costs nothing."""

    def __init__(self, plan: Plan, efforts: FloatArray, evaluator: Evaluator) -> None:
        self.plan = plan
        self.efforts = efforts[: min(SCREEN_TRIALS, efforts.shape[0])]
        self.evaluator = evaluator
        self._who: dict[str, list[npt.NDArray[np.bool_]]] = {}

    def who(self, team: Team) -> list[npt.NDArray[np.bool_]]:
        key = team.model_dump_json()
        found = self._who.get(key)
        if found is None:
            members = team.members
            found = [
                np.array([m.name == item.assignee for m in members])
                if item.assignee is not None
                else np.array([item.skill in m.skills for m in members])
                for item in self.plan.spec.items
            ]
            self._who[key] = found
        return found

    def optimistic(self, kept: Sequence[int], variant: Plan | None = None) -> float:
        """The bound for the baseline's items `kept`, on `variant`'s team and start."""
        plan = variant or self.plan
        capacity = self.evaluator.frame(plan)
        upto = max(0, min(capacity.day_of(self.plan.spec.project.deadline) + 1, capacity.days))
        available = capacity.cumulative[:, upto]
        who = self.who(plan.team)
        fits = self.efforts[:, list(kept)].sum(axis=1) <= available.sum()
        groups: dict[bytes, list[int]] = {}
        for i in kept:
            groups.setdefault(who[i].tobytes(), []).append(i)
        for members in groups.values():
            hours = available[who[members[0]]].sum()
            fits &= self.efforts[:, members].sum(axis=1) <= hours
        return float(fits.mean())


def _cut_scope(ctx: _Context) -> tuple[Compromise | None, LeverReach | None]:
    items = ctx.plan.spec.items
    units = deferral_units(ctx.plan)
    if not units:
        return None, None
    search = _ScopeCut(ctx)
    could_only = {
        i: closure
        for i, closure in units.items()
        if all(items[j].priority == "could" for j in closure)
    }
    found = search.cheapest(could_only) if could_only else None
    if found is None:
        found = search.cheapest(units)
    everything = frozenset().union(*units.values())
    priorities = tuple(
        p for p in ("should", "could") if any(items[i].priority == p for i in everything)
    )
    if found is None:
        every = [items[i].id for i in sorted(everything)]
        kept = [i for i in ctx.all_items if i not in everything]
        best = ctx.bound.optimistic(kept) if kept else 1.0
        at_most = best < ctx.target
        if not at_most:
            best = ctx.evaluator.probability(ctx.variant(deferred=every), ctx.evaluator.screen)
        return None, LeverReach(
            kind="cut-scope",
            reaches_target=False,
            best_probability=best,
            at_most=at_most,
            priorities=priorities,
        )
    deferred, _ = found
    ids = tuple(items[i].id for i in sorted(deferred))
    hours = sum(search.hours_of[i] for i in deferred)
    value = sum(items[i].value or 0.0 for i in deferred) if search.use_value else None
    option = _settle(
        ctx,
        "cut-scope",
        ctx.variant(deferred=ids),
        hours / ctx.daily_capacity,
        deferred=ids,
        deferred_hours=hours,
        deferred_value=value,
    )
    reach = LeverReach(
        kind="cut-scope",
        reaches_target=True,
        best_probability=option.on_time_probability,
        priorities=priorities,
    )
    return option, reach


@dataclass(frozen=True)
class _Capacity:
    """A lever's result: the option when it reached the target, and the best it got to."""

    option: Compromise | None
    reach: LeverReach


def _add_hours(
    ctx: _Context, skill: str, overtime: float, *, probe: bool = False
) -> _Capacity | None:
    """More hours from the skill's holders: first their spare allocation, then (when
    `overtime` > 0) days up to that much longer. Allocations are rounded up to 0.05 and
    hours to 0.25, as a person would write them, and the odds are those of the rounded plan.

    probe: only to name an option the limits rule out: found on the screen's trials and
    never confirmed or priced (it is not offered)."""
    team = ctx.plan.team
    holders = [m for m in team.members if skill in m.skills]
    if not holders:
        return None
    low_z = 0.0 if any(m.allocation < 1 for m in holders) else 1.0
    top = 2.0 if overtime > 0 else 1.0
    if low_z >= top:
        return None
    cal = team.calendar.hours_per_day

    def changes(z: float) -> tuple[dict[str, float], dict[str, float]]:
        """z in [0, 1] takes up spare allocation; z in (1, 2] lengthens days (overtime)."""
        share, longer = min(z, 1.0), max(z - 1.0, 0.0) * overtime
        allocations: dict[str, float] = {}
        hours: dict[str, float] = {}
        for m in holders:
            wanted = round_up(m.allocation + share * (1 - m.allocation), ALLOCATION_STEP)
            if min(wanted, 1.0) > m.allocation:
                allocations[m.name] = min(wanted, 1.0)
            usual = m.hours_per_day or cal
            # Rounded up to a quarter hour, but never past the policy's longest day.
            longest = min(24.0, math.floor(usual * (1 + overtime) / HOURS_STEP + 1e-9) * HOURS_STEP)
            day = min(round_up(usual * (1 + longer), HOURS_STEP), longest)
            if longer and day > usual:
                hours[m.name] = day
        return allocations, hours

    def variant(z: float) -> Plan:
        allocations, hours = changes(z)
        return ctx.variant(allocations=allocations, hours_per_day=hours)

    ev = ctx.evaluator
    screen = min(SCREEN_TRIALS, ev.trials)
    reach = LeverReach(
        kind="add-hours",
        reaches_target=False,
        best_probability=0.0,
        skill=skill,
        overtime=overtime > 0,
    )
    bound = ctx.bound.optimistic(ctx.all_items, variant(top))
    if bound < ctx.target:
        return _Capacity(None, _replace_reach(reach, best_probability=bound, at_most=True))
    best = ev.probability(variant(top), screen)
    if best < ctx.target:
        return _Capacity(None, _replace_reach(reach, best_probability=best))
    low, high = low_z, top
    for _ in range(5 if probe else 9):
        middle = (low + high) / 2
        if ev.probability(variant(middle), screen) >= ctx.target:
            high = middle
        else:
            low = middle
    z = high
    p = ev.probability(variant(z), screen if probe else ev.trials)
    while p < ctx.target and z < top and not probe:
        z = min(top, z + 0.05)
        p = ev.probability(variant(z), ev.trials)
    if p < ctx.target:
        return _Capacity(None, _replace_reach(reach, best_probability=p))
    allocations, hours = changes(z)
    revised = variant(z)
    people = tuple(m.name for m in holders if m.name in allocations or m.name in hours)
    workweek = len(team.calendar.workdays)
    per_week = sum(
        (
            (hours.get(m.name) or m.hours_per_day or cal) * allocations.get(m.name, m.allocation)
            - (m.hours_per_day or cal) * m.allocation
        )
        * workweek
        for m in holders
    )
    after = ev.frame(revised)
    upto = ctx.upto
    extra = float(after.cumulative[:, upto].sum() - ctx.capacity.cumulative[:, upto].sum())
    on_overtime = bool(hours)
    fields: dict[str, Any] = {
        "skill": skill,
        "people": people,
        "extra_hours_per_week": per_week,
        "extra_hours": extra,
        "allocations": tuple(allocations.items()),
        "hours_per_day": tuple(hours.items()),
        "overtime": on_overtime,
    }
    size = extra / ctx.daily_capacity * (2 if on_overtime else 1)
    if probe:
        option = Compromise(
            kind="add-hours", group=GROUP["add-hours"], on_time_probability=p, size=size, **fields
        )
    else:
        option = _settle(ctx, "add-hours", revised, size, **fields)
    return _Capacity(
        option,
        _replace_reach(reach, reaches_target=True, best_probability=option.on_time_probability),
    )


def _replace_reach(reach: LeverReach, **changes: Any) -> LeverReach:
    fields = {**reach.__dict__, **changes}
    return LeverReach(**fields)


def _joins(ctx: _Context) -> dt.date:
    """A new member joins `[hiring] join_after` working days after the start, or after
    the as-of day when that is later: nobody can be hired in the past."""
    join_after = ctx.plan.team.hiring.join_after
    if ctx.as_of is None or ctx.as_of <= ctx.start:
        return _start_shifted(ctx, -join_after)
    day = ctx.capacity.add_working_days(ctx.capacity.day_of(ctx.as_of), join_after)
    return ctx.capacity.date_of(day)


def _add_member(ctx: _Context, skill: str) -> _Capacity | None:
    team = ctx.plan.team
    hiring = team.hiring
    rates = [m.rate for m in team.members if skill in m.skills and m.rate is not None]
    rate = hiring.rates.get(skill, statistics.median(rates) if rates else None)
    joins = _joins(ctx)
    ev = ctx.evaluator
    most = ctx.variant(added=new_hires(team, skill, MAX_NEW_MEMBERS, joins, rate))
    best = ctx.bound.optimistic(ctx.all_items, most)
    at_most = best < ctx.target
    for count in range(1, MAX_NEW_MEMBERS + 1 if not at_most else 1):
        variant = ctx.variant(added=new_hires(team, skill, count, joins, rate))
        if ctx.bound.optimistic(ctx.all_items, variant) < ctx.target:
            continue
        reached, best = ev.check(variant, ctx.target)
        if not reached:
            continue
        after = ev.frame(variant)
        hours = float(after.cumulative[len(team.members) :, ctx.upto].sum())
        option = _settle(
            ctx,
            "add-member",
            variant,
            hours / ctx.daily_capacity,
            skill=skill,
            extra_hours=hours,
            new_members=count,
            new_member_joins=joins,
            new_member_rate=rate,
        )
        reach = LeverReach(
            kind="add-member",
            reaches_target=True,
            best_probability=option.on_time_probability,
            skill=skill,
            new_members=count,
        )
        return _Capacity(option, reach)
    reach = LeverReach(
        kind="add-member",
        reaches_target=False,
        best_probability=best,
        at_most=at_most,
        skill=skill,
        new_members=MAX_NEW_MEMBERS,
    )
    return _Capacity(None, reach)


def _constraining_skills(ctx: _Context) -> list[str]:
    """The skill with the highest load, and the one doing most work on the critical chain."""
    skills: list[str] = []
    bottleneck = ctx.assessment.highest_load
    if bottleneck is not None and not bottleneck.skill.startswith("("):
        skills.append(bottleneck.skill)
    distribution = ctx.plan.spec.project.distribution
    weight: dict[str, float] = {}
    for item, risk in zip(ctx.plan.spec.items, ctx.assessment.items, strict=True):
        if item.skill is not None:
            weight[item.skill] = weight.get(item.skill, 0.0) + risk.criticality * mean_hours(
                item, distribution
            )
    if weight:
        critical = max(weight, key=lambda s: weight[s])
        if critical not in skills:
            skills.append(critical)
    return skills


def _combinations(ctx: _Context, move: Compromise | None) -> list[Compromise]:
    """Defer one small piece of scope and move the date a little. One candidate is
    simulated: of the smallest pieces, the one most often on the chain that sets the
    finish (deferring what never decides the date moves nothing)."""
    if move is None or (move.working_days or 0) <= 5:
        return []
    items = ctx.plan.spec.items
    distribution = ctx.plan.spec.project.distribution
    hours_of = [mean_hours(item, distribution) for item in items]
    critical = [risk.criticality * hours_of[i] for i, risk in enumerate(ctx.assessment.items)]
    pieces = sorted(
        (c for c in deferral_units(ctx.plan).values() if len(c) < len(items)),
        key=lambda c: (sum(hours_of[i] for i in c), sorted(c)),
    )[:COMBINATION_CANDIDATES]
    if not pieces:
        return []
    piece = max(pieces, key=lambda c: sum(critical[i] for i in c))
    ids = tuple(items[i].id for i in sorted(piece))
    deadline_day = ctx.capacity.day_of(ctx.deadline)

    def moved_by(trials: int) -> tuple[int, int] | None:
        """The day the target is reached without the piece, and the working days moved."""
        days = ctx.evaluator.finish_days(ctx.variant(deferred=ids), trials)
        day = int(np.sort(days)[percentile_index(ctx.target, days.size)])
        if day >= ctx.capacity.days:
            return None
        moved = max(0, ctx.capacity.working_days_between(deadline_day, day))
        saves = (move.working_days or 0) - moved
        return (day, moved) if saves >= COMBINATION_SAVES else None

    # A piece that moves the date no less than moving it alone is screened out cheaply.
    if ctx.evaluator.screen < ctx.evaluator.trials and moved_by(ctx.evaluator.screen) is None:
        return []
    found = moved_by(ctx.evaluator.trials)
    if found is None:
        return []
    day, moved = found
    hours = sum(hours_of[i] for i in piece)
    new = ctx.capacity.date_of(max(day, deadline_day))
    option = _settle(
        ctx,
        "combination",
        ctx.variant(deferred=ids, deadline=new),
        moved + hours / ctx.daily_capacity,
        deadline=new,
        working_days=moved,
        deferred=ids,
        deferred_hours=hours,
    )
    return [option]


def _too_early(option: Compromise, as_of: dt.date | None) -> bool:
    if as_of is None:
        return False
    dates = (option.start, option.deadline, option.new_member_joins)
    return any(day is not None and day < as_of for day in dates)


def _judge(
    ctx: _Context, options: Sequence[Compromise]
) -> tuple[list[Compromise], list[NotOffered]]:
    """Keep what the as-of day, the signed commitments and the margin floor allow; say
    why the rest is left out.

    The floor rules out an option only when its own added cost takes the margin below it:
    an option that costs nothing extra is no worse than the deal as quoted (whose price
    the menu's price line speaks to)."""
    levers = ctx.plan.spec.levers
    price = ctx.plan.spec.project.price
    kept: list[Compromise] = []
    left: list[NotOffered] = []
    for option in options:
        if _too_early(option, ctx.as_of):
            left.append(
                NotOffered(kind=option.kind, reason="before-as-of", option=option, as_of=ctx.as_of)
            )
        elif option.breaks:
            left.append(NotOffered(kind=option.kind, reason="breaks-commitment", option=option))
        elif (
            price
            and option.margin is not None
            and (option.added_cost or 0.0) > 0.005
            and option.margin < levers.min_margin * price
        ):
            left.append(
                NotOffered(
                    kind=option.kind,
                    reason="below-margin",
                    option=option,
                    floor=levers.min_margin,
                    margin_share=option.margin / price,
                )
            )
        else:
            kept.append(option)
    return kept, left


def _ordered(options: Sequence[Compromise]) -> tuple[Compromise, ...]:
    """What keeps the quote first, cheapest first; then what needs the client, smallest
    change first."""
    keeps = sorted(
        (o for o in options if o.group == "keeps-quote"),
        key=lambda o: (o.added_cost or 0.0, o.size, o.kind),
    )
    needs = sorted(
        (o for o in options if o.group == "needs-client"), key=lambda o: (o.size, o.kind)
    )
    return (*keeps, *needs)


def price_advice(plan: Plan, assessment: Assessment) -> PriceAdvice | None:
    """The price at which the median cost breaks even, and the one keeping the floor."""
    price, cost = plan.spec.project.price, assessment.cost
    if price is None or cost is None:
        return None
    floor = plan.spec.levers.min_margin
    return PriceAdvice(
        break_even=cost["p50"],
        for_min_margin=cost["p50"] / (1 - floor),
        min_margin=floor,
        below_floor=price - cost["p50"] < floor * price,
    )


CapacityLever = Callable[[_Context, str], "_Capacity | None"]


def _best_capacity(
    ctx: _Context, lever: CapacityLever, skills: Sequence[str]
) -> tuple[Compromise | None, LeverReach | None]:
    """The smallest option of one capacity lever over the constraining skills, and how far
    the lever got when none reached the target."""
    found = [c for c in (lever(ctx, skill) for skill in skills) if c is not None]
    options = [c.option for c in found if c.option is not None]
    if options:
        best = min(options, key=lambda o: o.size)
        return best, next(c.reach for c in found if c.option is best)
    if found:
        return None, max((c.reach for c in found), key=lambda r: r.best_probability)
    return None, None


def find_compromises(
    plan: Plan,
    assessment: Assessment,
    result: SimulationResult,
    capacity: Capacity,
    estimator: Estimator,
    *,
    always: bool = False,
    as_of: dt.date | None = None,
) -> Menu:
    """The menu of checked options that reach the target confidence, within the deal's
    limits, in two groups; what the limits ruled out; how far each lever gets alone.

    estimator: how every variant is run (the plan alone, or the deal inside a portfolio's
    shared schedule); `result` and `capacity` are the baseline's run and its frame. An
    option that breaks a signed commitment is listed apart, never offered.
    as_of: the day the options are judged on (None: not judged). Only options are
    judged; the schedule still starts at the spec's start."""
    project = plan.spec.project
    day = as_of
    target = assessment.target_confidence
    base = Menu(
        target_confidence=target,
        status="not-needed",
        on_time_probability=assessment.on_time_probability,
        as_of=day,
        options=(),
        price=price_advice(plan, assessment),
        start_passed=day is not None and project.start < day,
        deadline_passed=day is not None and project.deadline < day,
        judges_commitments=estimator.judges_commitments,
        breaks=estimator.breaks(plan),
    )
    if assessment.verdict == "on-track" and not always:
        return base
    if assessment.verdict == "infeasible":
        return Menu(**{**base.__dict__, "status": "infeasible"})
    compiled.expect(compiled.COMPILED_MIN_SIZE)  # a search: many runs of this plan
    upto = max(1, min(capacity.day_of(project.deadline) + 1, capacity.days))
    working = max(1, int(np.count_nonzero(capacity.team_working[:upto])))
    evaluator = Evaluator(estimator)
    ctx = _Context(
        plan=plan,
        assessment=assessment,
        result=result,
        capacity=capacity,
        evaluator=evaluator,
        target=target,
        bound=_CapacityBound(plan, result.efforts, evaluator),
        as_of=day,
        all_items=tuple(range(len(plan.spec.items))),
        daily_capacity=max(float(capacity.cumulative[:, upto].sum()) / working, 1e-9),
    )
    levers, policy = plan.spec.levers, plan.team.policy
    below = assessment.on_time_probability < target
    candidates: list[Compromise] = []
    left: list[NotOffered] = []
    reaches: list[LeverReach] = []
    move = _move_date(ctx) if levers.date == "movable" or below else None
    if levers.date == "movable":
        if move is not None:
            candidates.append(move)
    elif below:
        left.append(NotOffered(kind="move-date", reason="date-fixed", option=move))
    if below:
        # Already on track, cutting scope or buying capacity is no compromise.
        if levers.scope == "movable":
            cut, reach = _cut_scope(ctx)
            candidates.extend([cut] if cut is not None else [])
            reaches.extend([reach] if reach is not None else [])
        elif deferral_units(plan):
            left.append(NotOffered(kind="cut-scope", reason="scope-fixed"))
        skills = _constraining_skills(ctx)
        allowed = policy.max_overtime if policy.overtime else 0.0
        hours, reach = _best_capacity(ctx, lambda c, s: _add_hours(c, s, allowed), skills)
        if hours is None and not policy.overtime:
            # What overtime would take, to say why it is not offered: days up to a quarter
            # longer (the team set no limit of its own, having allowed none).
            longer, _ = _best_capacity(
                ctx, lambda c, s: _add_hours(c, s, PROBE_OVERTIME, probe=True), skills
            )
            if longer is not None:
                left.append(NotOffered(kind="add-hours", reason="needs-overtime", option=longer))
        candidates.extend([hours] if hours is not None else [])
        reaches.extend([reach] if reach is not None else [])
        member, reach = _best_capacity(ctx, _add_member, skills)
        candidates.extend([member] if member is not None else [])
        reaches.extend([reach] if reach is not None else [])
    start, per_week, reach = _start_earlier(ctx, move.working_days if move is not None else None)
    candidates.extend([start] if start is not None else [])
    reaches.extend([reach] if reach is not None else [])
    if below and levers.date == "movable" and levers.scope == "movable":
        candidates.extend(_combinations(ctx, move))
    if not below:
        # Slack of no days (the date reached exactly on the deadline, the start already the
        # latest) is no option to show.
        candidates = [c for c in candidates if c.working_days]
    kept, judged = _judge(ctx, candidates)
    status: MenuStatus = ("options" if kept else "none") if below else "slack"
    return Menu(
        **{
            **base.__dict__,
            "status": status,
            "options": _ordered(kept),
            "not_offered": (*left, *judged),
            "levers": tuple(r for r in reaches if not r.reaches_target)
            + tuple(r for r in reaches if r.reaches_target),
            "probability_per_week_later": per_week,
        }
    )
