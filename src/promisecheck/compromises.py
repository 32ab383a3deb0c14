"""Levers re-simulated on the same random draws → a ranked menu of ways to keep the promise.

Every option's probability comes from the engine run on the sampled efforts of the
baseline (common random numbers keyed by item id), so a revised file estimated afresh with
the same seed gives exactly the claimed probability.

Searches screen candidates on the first `SCREEN_TRIALS` trials (a prefix of the same
draws) and confirm the winner on all trials; a candidate is screened out only when it
misses the target by more than three standard errors.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from promisecheck.analysis import (
    Assessment,
    Compromise,
    CompromiseKind,
    Menu,
    percentile_index,
)
from promisecheck.calendar import Capacity, build_capacity, format_day
from promisecheck.forecast import prepare
from promisecheck.history import History
from promisecheck.model import Item, Plan, Team
from promisecheck.network import build_network
from promisecheck.revision import new_hires, with_changes
from promisecheck.simulate import SimulationResult, run_parallel

SCREEN_TRIALS = 1000
EXHAUSTIVE_LIMIT = 20  # optional items up to which the scope cut is provably minimal
SEARCH_BUDGET = 400  # scope-cut candidates simulated before settling for the heuristic
MAX_START_SHIFT = 130  # working days (about six months)
MAX_NEW_MEMBERS = 3
OVERTIME_LIMIT = 0.25  # longest day: 25 % above the usual hours
LOOKBACK_DAYS = 400

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def mean_hours(item: Item, distribution: str) -> float:
    """The mean of the item's effort distribution: what deferring it saves, on average."""
    if distribution == "triangular":
        return (item.low + item.likely + item.high) / 3
    return (item.low + 4 * item.likely + item.high) / 6


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Evaluator:
    """Estimates variants of the plan exactly as a fresh run of their files would, on the
    baseline's seed: same sampling, history and risks, same engine; calendars cached."""

    def __init__(
        self, seed: int, trials: int, history: History | None, baseline: Plan, capacity: Capacity
    ) -> None:
        self.seed = seed
        self.trials = trials
        self.history = history
        # The baseline's calendar is already built; variants that keep team and start reuse it.
        self._capacities: dict[tuple[str, dt.date], Capacity] = {
            (baseline.team.model_dump_json(), baseline.spec.project.start): capacity
        }

    def capacity(self, team: Team, start: dt.date) -> Capacity:
        key = (team.model_dump_json(), start)
        cached = self._capacities.get(key)
        if cached is None:
            cached = build_capacity(team, start)
            self._capacities[key] = cached
        return cached

    def finish_days(self, variant: Plan, trials: int) -> IntArray:
        """Each trial's finish as a day index from the variant's start."""
        capacity = self.capacity(variant.team, variant.spec.project.start)
        inputs = prepare(variant, capacity, trials, self.seed, self.history)
        network = build_network(variant.spec.items, variant.team.members, inputs.planning)
        result = run_parallel(network, capacity, inputs.efforts, start_day=inputs.start_day)
        days: IntArray = result.finish_days.max(axis=1).astype(np.int64)
        return days

    def probability(self, variant: Plan, trials: int) -> float:
        days = self.finish_days(variant, trials)
        project = variant.spec.project
        return float(np.count_nonzero(days <= (project.deadline - project.start).days)) / days.size

    def passes(self, variant: Plan, target: float) -> float | None:
        """The full-trial probability when the variant reaches the target, else None."""
        screen = min(SCREEN_TRIALS, self.trials)
        if screen < self.trials:
            p = self.probability(variant, screen)
            if p < target - 3 * math.sqrt(max(p * (1 - p), 1e-4) / screen):
                return None
        full = self.probability(variant, self.trials)
        return full if full >= target else None


@dataclass(frozen=True)
class _Context:
    plan: Plan
    assessment: Assessment
    result: SimulationResult
    capacity: Capacity
    evaluator: Evaluator
    target: float
    all_items: tuple[int, ...]
    daily_capacity: float  # team item-work hours per working day, for ranking

    @property
    def start(self) -> dt.date:
        return self.plan.spec.project.start

    @property
    def deadline(self) -> dt.date:
        return self.plan.spec.project.deadline

    def variant(self, **changes: Any) -> Plan:
        return with_changes(self.plan, **changes)


def _move_date(ctx: _Context) -> Compromise | None:
    days = ctx.result.finish_days.max(axis=1)
    ordered = np.sort(days)
    day = int(ordered[percentile_index(ctx.target, days.size)])
    if day >= ctx.capacity.days:
        return None
    deadline_day = ctx.capacity.day_of(ctx.deadline)
    new = ctx.capacity.date_of(day)
    later = ctx.capacity.working_days_between(deadline_day, day)
    p = float(np.count_nonzero(days <= day)) / days.size
    summary = (
        f"Move the date to {format_day(new)}, {later} working days later than promised."
        if later > 0
        else f"The date has slack: {_percent(ctx.target)} is reached by {format_day(new)}, "
        f"{-later} working days before the deadline."
    )
    return Compromise(
        kind="move-date",
        summary=summary,
        on_time_probability=p,
        size=float(later),
        deadline=new,
        working_days=later,
    )


def _start_shifted(ctx: _Context, shift: int) -> dt.date:
    """The start moved `shift` team working days earlier (later when negative)."""
    base = ctx.start - dt.timedelta(days=LOOKBACK_DAYS)
    extended = ctx.evaluator.capacity(ctx.plan.team, base)
    day = extended.add_working_days(LOOKBACK_DAYS, -shift)
    return base + dt.timedelta(days=day)


def _start_earlier(ctx: _Context) -> tuple[Compromise | None, float | None]:
    ev = ctx.evaluator
    p_later = ev.probability(ctx.variant(start=_start_shifted(ctx, -5)), ev.trials)
    per_week = ctx.assessment.on_time_probability - p_later
    screen = min(SCREEN_TRIALS, ev.trials)

    def screened(shift: int) -> float:
        return ev.probability(ctx.variant(start=_start_shifted(ctx, shift)), screen)

    on_track = ctx.assessment.on_time_probability >= ctx.target
    # The smallest shift (working days earlier; negative: later) that keeps the target.
    low, high = (-MAX_START_SHIFT, 0) if on_track else (0, MAX_START_SHIFT)
    if not on_track and screened(high) < ctx.target:
        return None, per_week
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
        p = ev.probability(ctx.variant(start=start), ev.trials)
        if p < ctx.target:
            continue
        if shift > 0:
            kind: CompromiseKind = "start-earlier"
            summary = (
                f"Start {shift} working days earlier: production must start by {format_day(start)}."
            )
        else:
            kind = "start-later"
            summary = (
                f"Production could start as late as {format_day(start)}, {-shift} working "
                f"days after the planned start, and still keep {_percent(ctx.target)}."
            )
        option = Compromise(
            kind=kind,
            summary=summary,
            on_time_probability=p,
            size=float(shift),
            start=start,
            working_days=shift,
        )
        return option, per_week
    return None, per_week


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
        self._bounds = _CapacityBound(ctx)
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
    """An optimistic on-time probability: per trial, can the remaining work of each skill
    and in total even fit into the capacity up to the deadline?  Never simulates."""

    def __init__(self, ctx: _Context) -> None:
        plan, capacity = ctx.plan, ctx.capacity
        upto = min(capacity.day_of(ctx.deadline) + 1, capacity.days)
        self.available = capacity.cumulative[:, upto]
        self.efforts = ctx.result.efforts[: min(SCREEN_TRIALS, ctx.result.trials)]
        members = plan.team.members
        self.who: list[npt.NDArray[np.bool_]] = []
        for item in plan.spec.items:
            if item.assignee is not None:
                self.who.append(np.array([m.name == item.assignee for m in members]))
            else:
                self.who.append(np.array([item.skill in m.skills for m in members]))

    def optimistic(self, kept: Sequence[int]) -> float:
        fits = self.efforts[:, list(kept)].sum(axis=1) <= self.available.sum()
        groups: dict[bytes, list[int]] = {}
        for i in kept:
            groups.setdefault(self.who[i].tobytes(), []).append(i)
        for members in groups.values():
            capacity = self.available[self.who[members[0]]].sum()
            fits &= self.efforts[:, members].sum(axis=1) <= capacity
        return float(fits.mean())


def _cut_scope(ctx: _Context) -> Compromise | None:
    items = ctx.plan.spec.items
    units = deferral_units(ctx.plan)
    if not units:
        return None
    search = _ScopeCut(ctx)
    could_only = {
        i: closure
        for i, closure in units.items()
        if all(items[j].priority == "could" for j in closure)
    }
    found = search.cheapest(could_only) if could_only else None
    if found is None:
        found = search.cheapest(units)
    if found is None:
        return None
    deferred, p = found
    ids = [items[i].id for i in sorted(deferred)]
    hours = sum(search.hours_of[i] for i in deferred)
    value = sum(items[i].value or 0.0 for i in deferred) if search.use_value else None
    return Compromise(
        kind="cut-scope",
        summary=(
            f"Defer {_names(ids)} (about {hours:.0f} h of work"
            + (f", value {value:g}" if value is not None else "")
            + ") to a later phase; the date stays."
        ),
        on_time_probability=p,
        size=hours / ctx.daily_capacity,
        deferred=tuple(ids),
        deferred_hours=hours,
        deferred_value=value,
    )


def _added_cost(
    ctx: _Context, before: Capacity, after: Capacity, rates: Sequence[float | None]
) -> float | None:
    """Paid wall-clock hours added up to the deadline, times each member's rate."""
    upto = min(ctx.capacity.day_of(ctx.deadline) + 1, before.days)
    if any(rate is None for rate in rates):
        return None
    added = after.window[:, :upto].sum(axis=1)
    added[: before.window.shape[0]] -= before.window[:, :upto].sum(axis=1)
    return float(sum(h * (r or 0.0) for h, r in zip(added, rates, strict=True)))


def _margin(ctx: _Context, added: float | None) -> float | None:
    a = ctx.assessment
    if a.price is None or a.cost is None or added is None:
        return None
    return a.price - a.cost["p50"] - added


def _add_hours(ctx: _Context, skill: str) -> Compromise | None:
    team = ctx.plan.team
    holders = [m for m in team.members if skill in m.skills]
    if not holders:
        return None
    low_z = 0.0 if any(m.allocation < 1 for m in holders) else 1.0

    def changes(z: float) -> tuple[dict[str, float], dict[str, float]]:
        """z in [0, 1] takes up spare allocation; z in (1, 2] lengthens days (overtime)."""
        share, longer = min(z, 1.0), max(z - 1.0, 0.0) * OVERTIME_LIMIT
        allocations = {m.name: m.allocation + share * (1 - m.allocation) for m in holders}
        hours = {
            m.name: min(24.0, (m.hours_per_day or team.calendar.hours_per_day) * (1 + longer))
            for m in holders
            if longer
        }
        return allocations, hours

    def variant(z: float) -> Plan:
        allocations, hours = changes(z)
        return ctx.variant(allocations=allocations, hours_per_day=hours)

    ev = ctx.evaluator
    screen = min(SCREEN_TRIALS, ev.trials)
    if ev.probability(variant(2.0), screen) < ctx.target:
        return None
    low, high = low_z, 2.0
    for _ in range(9):
        middle = (low + high) / 2
        if ev.probability(variant(middle), screen) >= ctx.target:
            high = middle
        else:
            low = middle
    z = high
    p = ev.probability(variant(z), ev.trials)
    while p < ctx.target and z < 2.0:
        z = min(2.0, z + 0.05)
        p = ev.probability(variant(z), ev.trials)
    if p < ctx.target:
        return None
    allocations, hours = changes(z)
    revised = variant(z).team
    cal = team.calendar.hours_per_day
    workweek = len(team.calendar.workdays)
    extra = sum(
        (
            (hours.get(m.name) or m.hours_per_day or cal) * allocations[m.name]
            - (m.hours_per_day or cal) * m.allocation
        )
        * workweek
        for m in holders
    )
    added = _added_cost(
        ctx, ctx.capacity, ev.capacity(revised, ctx.start), [m.rate for m in revised.members]
    )
    overtime = z > 1.0
    return Compromise(
        kind="add-hours",
        summary=(
            f"Add {extra:.0f} {skill} hours per week{_cost_text(ctx, added)} from "
            f"{_names([m.name for m in holders])}"
            + ("; this needs overtime." if overtime else ", up to their full allocation.")
        ),
        on_time_probability=p,
        size=extra / max(workweek, 1) * _weeks(ctx) / ctx.daily_capacity * (2 if overtime else 1),
        skill=skill,
        extra_hours_per_week=extra,
        allocations=tuple(allocations.items()),
        hours_per_day=tuple(hours.items()),
        added_cost=added,
        margin=_margin(ctx, added),
        overtime=overtime,
    )


def _cost_text(ctx: _Context, added: float | None) -> str:
    if not added:
        return ""
    currency = f" {ctx.assessment.currency}" if ctx.assessment.currency else ""
    return f" (≈ {added:,.0f}{currency})"


def _weeks(ctx: _Context) -> float:
    return max(1.0, (ctx.deadline - ctx.start).days / 7)


def _add_member(ctx: _Context, skill: str) -> Compromise | None:
    team = ctx.plan.team
    hiring = team.hiring
    rates = [m.rate for m in team.members if skill in m.skills and m.rate is not None]
    rate = hiring.rates.get(skill, statistics.median(rates) if rates else None)
    joins = _start_shifted(ctx, -hiring.join_after)
    ev = ctx.evaluator
    for count in range(1, MAX_NEW_MEMBERS + 1):
        variant = ctx.variant(added=new_hires(team, skill, count, joins, rate))
        p = ev.passes(variant, ctx.target)
        if p is None:
            continue
        revised = variant.team
        added = _added_cost(
            ctx,
            ctx.capacity,
            ev.capacity(revised, ctx.start),
            [m.rate for m in revised.members],
        )
        after = ev.capacity(revised, ctx.start)
        upto = min(after.day_of(ctx.deadline) + 1, after.days)
        hours = float(after.work_hours()[len(team.members) :, :upto].sum())
        who = "a new" if count == 1 else f"{count} new"
        ramp = (
            f", at {_percent(hiring.ramp_up_speed)} speed for the first "
            f"{hiring.ramp_up_weeks} weeks"
            if hiring.ramp_up_weeks
            else ""
        )
        return Compromise(
            kind="add-member",
            summary=(
                f"Bring in {who} {skill} {'person' if count == 1 else 'people'} from "
                f"{format_day(joins)}{ramp}{_cost_text(ctx, added)}."
            ),
            on_time_probability=p,
            size=hours / ctx.daily_capacity,
            skill=skill,
            new_members=count,
            new_member_joins=joins,
            new_member_rate=rate,
            added_cost=added,
            margin=_margin(ctx, added),
        )
    return None


def _constraining_skills(ctx: _Context) -> list[str]:
    """The bottleneck by load, and the skill doing most of the work on the critical chain."""
    skills: list[str] = []
    bottleneck = ctx.assessment.bottleneck
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
    """Defer one small piece of scope and move the date a little."""
    if move is None or (move.working_days or 0) <= 5:
        return []
    items = ctx.plan.spec.items
    units = deferral_units(ctx.plan)
    distribution = ctx.plan.spec.project.distribution
    cheapest = sorted(
        units.values(), key=lambda c: sum(mean_hours(items[i], distribution) for i in c)
    )
    options: list[Compromise] = []
    deadline_day = ctx.capacity.day_of(ctx.deadline)
    for closure in cheapest[:4]:
        if len(closure) == len(items):
            continue
        ids = [items[i].id for i in sorted(closure)]
        days = ctx.evaluator.finish_days(ctx.variant(deferred=ids), ctx.evaluator.trials)
        day = int(np.sort(days)[percentile_index(ctx.target, days.size)])
        if day >= ctx.capacity.days:
            continue
        later = max(0, ctx.capacity.working_days_between(deadline_day, day))
        if later >= (move.working_days or 0):
            continue
        new_day = max(day, deadline_day)
        p = float(np.count_nonzero(days <= new_day)) / days.size
        hours = sum(mean_hours(items[i], distribution) for i in closure)
        new = ctx.capacity.date_of(new_day)
        options.append(
            Compromise(
                kind="combination",
                summary=(
                    f"Defer {_names(ids)} (about {hours:.0f} h) and move the date to "
                    f"{format_day(new)}, {later} working days later."
                ),
                on_time_probability=p,
                size=later + hours / ctx.daily_capacity,
                deadline=new,
                working_days=later,
                deferred=tuple(ids),
                deferred_hours=hours,
            )
        )
    return sorted(options, key=lambda o: o.size)[:2]


def find_compromises(
    plan: Plan,
    assessment: Assessment,
    result: SimulationResult,
    capacity: Capacity,
    *,
    history: History | None = None,
    always: bool = False,
) -> Menu:
    """The menu of checked options that reach the target confidence, smallest change first."""
    target = assessment.target_confidence
    if assessment.verdict == "on-track" and not always:
        return Menu(
            target_confidence=target,
            options=(),
            note=(
                f"On track at {_percent(assessment.on_time_probability)} "
                f"(target {_percent(target)}): no compromise needed."
            ),
        )
    if assessment.verdict == "infeasible":
        return Menu(
            target_confidence=target,
            options=(),
            note="No compromise can help until the reasons above are fixed.",
        )
    upto = max(1, min(capacity.day_of(plan.spec.project.deadline) + 1, capacity.days))
    working = max(1, int(np.count_nonzero(capacity.team_working[:upto])))
    ctx = _Context(
        plan=plan,
        assessment=assessment,
        result=result,
        capacity=capacity,
        evaluator=Evaluator(assessment.seed, result.trials, history, plan, capacity),
        target=target,
        all_items=tuple(range(len(plan.spec.items))),
        daily_capacity=max(float(capacity.cumulative[:, upto].sum()) / working, 1e-9),
    )
    options: list[Compromise] = []
    move = _move_date(ctx)
    if move is not None:
        options.append(move)
    below = assessment.on_time_probability < target
    if below:
        # Already on track, cutting scope or buying capacity is no compromise.
        cut = _cut_scope(ctx)
        if cut is not None:
            options.append(cut)
        for lever in (_add_hours, _add_member):
            found = [o for o in (lever(ctx, skill) for skill in _constraining_skills(ctx)) if o]
            if found:
                options.append(min(found, key=lambda o: o.size))
    start, per_week = _start_earlier(ctx)
    if start is not None:
        options.append(start)
    if below:
        options.extend(_combinations(ctx, move))
    options.sort(key=lambda o: (o.size, o.kind))
    if not below:
        note = f"Already on track at {_percent(assessment.on_time_probability)}; the slack:"
    elif options:
        note = f"{_percent(target)} needs one of these {len(options)} changes, smallest first."
    else:
        note = f"No single lever reaches {_percent(target)}: the scope needs a rethink."
    return Menu(
        target_confidence=target,
        options=tuple(options),
        note=note,
        probability_per_week_later=per_week,
    )
