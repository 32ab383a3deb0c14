"""The Monte Carlo engine: every trial's event-driven schedule, advanced for all trials at once.

Each step moves every unfinished trial by one event: release one member whose item
finishes now, or judge one ready item of the dispatch pass (start it, or promise it to the
member who would finish it first), or jump to the next moment something can happen. That
is the reference event loop (reference.py), reordered so that numpy does the same step for
ten thousand trials in one go.

Ready items are one bitset per trial in dispatch order, so the next item of a pass costs a
few word operations, not a scan of all items. A pass stops as soon as nobody could start
anything now: the promises it would still make last only until the pass ends.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.engine import compiled
from promisecheck.engine.calendar import DAY_SPAN, EPSILON_HOURS, Capacity, build_capacity, snap
from promisecheck.engine.network import Network, build_network
from promisecheck.engine.planning import planning_efforts
from promisecheck.engine.reference import AVAILABILITY_SLACK
from promisecheck.engine.sampling import sample_efforts
from promisecheck.inputs.model import Plan

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SmallArray = npt.NDArray[np.int32]  # item and member indices: half the memory of int64

Progress = Callable[[int, int], None]

_WORD = 64
_PARALLEL_MIN_TRIALS = 4000


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What happened in every trial. Moments are day * DAY_SPAN + hour; inf means never."""

    efforts: FloatArray  # [trials, items] hours of work sampled
    start: FloatArray  # [trials, items]
    finish: FloatArray  # [trials, items]
    member: SmallArray  # [trials, items] who did it, -1 if never started

    @classmethod
    def empty(cls, efforts: FloatArray) -> SimulationResult:
        """Room for the schedule of `efforts`' trials and items, to be filled in place."""
        shape = efforts.shape
        return cls(
            efforts=efforts,
            start=np.empty(shape),
            finish=np.empty(shape),
            member=np.empty(shape, dtype=np.int32),
        )

    @property
    def trials(self) -> int:
        return int(self.efforts.shape[0])

    @functools.cached_property
    def finish_days(self) -> SmallArray:
        """[trials, items] day index each item finished on; a huge number if never.

        Computed once: analysis, risk impacts and the compromise menu all read it.
        """
        # Dividing by DAY_SPAN (a power of two) is exact, so its floor is the day; never
        # (inf) stays inf, which the bound turns into the huge number.
        days = np.floor(self.finish / DAY_SPAN)
        np.minimum(days, np.iinfo(np.int32).max, out=days)
        result = days.astype(np.int32)
        result.setflags(write=False)
        return result


class _Finisher:
    """Vectorised Capacity.finish_moment: the same arithmetic, so results match exactly.

    Finding the day a stretch of work ends is a search in the member's cumulative hours.
    A table of the first day each whole hour of work is reached narrows it to one or two
    candidate days; the rare rest falls back to a plain binary search.
    """

    def __init__(self, capacity: Capacity) -> None:
        self.capacity = capacity
        cum = capacity.cumulative
        self.days = cum.shape[1] - 1
        self.cells = int(np.ceil(cum[:, -1].max(initial=0.0))) + 2
        grid = np.arange(self.cells, dtype=np.float64)
        self.by_hour = np.stack([np.searchsorted(row[1:], grid, side="left") for row in cum])

    def first_day(self, member: IntArray, key: FloatArray) -> IntArray:
        """The first day j with cumulative work through j ≥ key (`days` if none)."""
        cum = self.capacity.cumulative
        cell = np.clip(np.floor(key), 0, self.cells - 2).astype(np.int64)
        low = self.by_hour[member, cell]
        high = self.by_hour[member, cell + 1]
        fits = (low < self.days) & (cum[member, np.minimum(low, self.days - 1) + 1] >= key)
        end: IntArray = np.where(fits, low, high)
        unsure = np.flatnonzero(~fits & (high > low + 1))
        if unsure.size:
            # Usually only days off lie between: the next working day is the answer.
            m = member[unsure]
            following = self.capacity.next_working_day[m, np.minimum(low[unsure] + 1, self.days)]
            ok = (following < self.days) & (
                cum[m, np.minimum(following, self.days - 1) + 1] >= key[unsure]
            )
            ok &= following <= high[unsure]
            end[unsure[ok]] = following[ok]
            for k in unsure[~ok]:
                end[k] = np.searchsorted(cum[member[k], 1:], key[k], side="left")
        return end

    def __call__(
        self, member: IntArray, day: IntArray, hour: FloatArray, effort: FloatArray
    ) -> FloatArray:
        cap = self.capacity
        cum = cap.cumulative
        focus = cap.focus[member]
        target = cum[member, day] + focus * np.minimum(hour, cap.window[member, day]) + effort
        end = np.maximum(self.first_day(member, target - EPSILON_HOURS), day)
        beyond = end >= self.days
        inside = np.minimum(end, self.days - 1)
        end_hour = (target - cum[member, inside]) / focus
        end_hour = np.minimum(
            np.maximum(end_hour, np.where(end == day, hour, 0.0)), cap.window[member, inside]
        )
        return np.where(beyond, np.inf, snap(inside * DAY_SPAN + end_hour))


class _Calendar:
    """What the engine looks up in a capacity, built once per capacity however many slices
    of trials or compromise variants run on it."""

    def __init__(self, capacity: Capacity) -> None:
        members, days = capacity.window.shape
        self.days = days
        self.finisher = _Finisher(capacity)
        # Day `days` (past the horizon): nobody works, nobody will.
        self.window = np.vstack([capacity.window.T, np.zeros((1, members))])
        self.next_working = np.ascontiguousarray(capacity.next_working_day.T)
        self.capacity = capacity

    @functools.cached_property
    def compiled(self) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, IntArray]:
        """window, focus, cumulative, the hour table and next working day as the compiled
        loop takes them, and for each member the first member with the very same calendar
        (their projected finishes are equal, so the loop computes them once)."""
        cap = self.capacity
        first: dict[tuple[bytes, float], int] = {}
        same_as = np.array(
            [
                first.setdefault((cap.window[m].tobytes(), float(cap.focus[m])), m)
                for m in range(cap.window.shape[0])
            ],
            dtype=np.int64,
        )
        return (
            np.array(cap.window, dtype=np.float64),
            np.array(cap.focus, dtype=np.float64),
            np.array(cap.cumulative, dtype=np.float64),
            np.ascontiguousarray(self.finisher.by_hour, dtype=np.int64),
            np.array(cap.next_working_day, dtype=np.int64),
            same_as,
        )


_CALENDARS: weakref.WeakKeyDictionary[Capacity, _Calendar] = weakref.WeakKeyDictionary()
_CALENDARS_LOCK = threading.Lock()


def _calendar(capacity: Capacity) -> _Calendar:
    with _CALENDARS_LOCK:
        found = _CALENDARS.get(capacity)
        if found is None:
            found = _Calendar(capacity)
            _CALENDARS[capacity] = found
        return found


def _ranked(network: Network, order: IntArray | None) -> Network:
    """The network with an explicit dispatch order (lower first, ties by file order)."""
    if order is None:
        return network
    by_rank = np.argsort(np.asarray(order, dtype=np.int64), kind="stable")
    rank = np.empty_like(by_rank)
    rank[by_rank] = np.arange(by_rank.size)
    return dataclasses.replace(network, rank=rank, by_rank=by_rank)


def _lowest_bit(words: npt.NDArray[np.uint64]) -> IntArray:
    """Position of the lowest set bit of each word (64 when none)."""
    lowest = words & (~words + np.uint64(1))
    return np.bitwise_count(lowest - np.uint64(1)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class _Run:
    """One run's inputs as both engines take them: the network (dispatch order applied),
    the calendar, the efforts, and run_engine's hooks."""

    network: Network
    capacity: Capacity
    efforts: FloatArray  # [trials, items]
    progress: Progress | None
    start_day: IntArray | None  # [trials]
    planning: FloatArray | None  # [items]
    release: FloatArray | None  # [items]
    present: BoolArray | None  # [trials, items]

    @property
    def begin(self) -> FloatArray:
        """Each trial's first moment."""
        trials = self.efforts.shape[0]
        if self.start_day is None:
            return np.zeros(trials)
        begin: FloatArray = (self.start_day * DAY_SPAN).astype(np.float64)
        return begin

    def rows(self, rows: slice, progress: Progress | None) -> _Run:
        """The same run over some of its trials."""
        return dataclasses.replace(
            self,
            efforts=self.efforts[rows],
            progress=progress,
            start_day=None if self.start_day is None else self.start_day[rows],
            present=None if self.present is None else self.present[rows],
        )


def run_engine(
    network: Network,
    capacity: Capacity,
    efforts: FloatArray,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
    out: SimulationResult | None = None,
    *,
    planning: FloatArray | None = None,
    release: FloatArray | None = None,
    present: BoolArray | None = None,
    order: IntArray | None = None,
) -> SimulationResult:
    """Schedule every trial of `efforts` ([trials, items] hours) by the dispatch rule.

    `start_day` (per trial, default 0) is the first day work may begin, as a day index of
    `capacity`: a late start moves everyone's first possible moment, nothing else.
    `out`, when given, receives the schedule (its arrays are filled in place).
    `planning` ([items], default `network.planning`): the hours each item is planned with.
    `release` ([items] moments): no item starts before its own. `present` ([trials,
    items]): an absent item is done at the start (or its release) by nobody, so its
    dependents do not wait for it. `order` ([items]): the dispatch rank, lower first,
    replacing (priority, file order); ties by file order.
    """
    return run_parallel(
        network,
        capacity,
        efforts,
        progress,
        start_day,
        1,
        out=out,
        planning=planning,
        release=release,
        present=present,
        order=order,
    )


def _run_numpy(run: _Run, out: SimulationResult) -> SimulationResult:
    """The numpy engine itself (run_engine's, once the compiled one was not chosen),
    filling `out`."""
    network, capacity, efforts, progress = run.network, run.capacity, run.efforts, run.progress
    planning, release, present = run.planning, run.release, run.present
    trials, items = efforts.shape
    members = capacity.window.shape[0]
    cal = _calendar(capacity)
    finisher = cal.finisher
    plan_hours = network.planning if planning is None else np.asarray(planning, dtype=np.float64)
    eligible = network.eligible  # [classes, members]
    item_class = network.item_class
    words = max(1, -(-items // _WORD))
    word_of = network.rank // _WORD  # [items] the item's word in the ready bitset
    bit_of = np.uint64(1) << (network.rank % _WORD).astype(np.uint64)

    # Successors padded to a rectangle; the pad points at a spare column `items`.
    degree = np.array([len(s) for s in network.successors], dtype=np.int64)
    successors = np.full((items, max(1, int(degree.max(initial=0)))), items, dtype=np.int64)
    for i, succ in enumerate(network.successors):
        successors[i, : len(succ)] = succ

    begin = run.begin
    start, finish, member_of = out.start, out.finish, out.member
    start.fill(np.inf)
    finish.fill(np.inf)
    member_of.fill(-1)

    # Dependencies still to finish, and (with release or absence) the moment before which
    # an item is not ready even when they have.
    waiting = np.zeros((trials, items + 1), dtype=np.int32)
    gated = release is not None or present is not None
    not_before = np.full((trials, items), -np.inf) if gated else None
    if not_before is not None:
        if release is not None:
            not_before[:] = np.asarray(release, dtype=np.float64)[None, :]
        done_at = np.maximum(begin[:, None], not_before)
        here = (
            np.ones((trials, items), dtype=bool)
            if present is None
            else np.asarray(present, dtype=bool)
        )
        start[~here] = done_at[~here]
        finish[~here] = done_at[~here]
        for i, preds in enumerate(network.predecessors):
            for p in preds:
                waiting[:, i] += here[:, p]
                not_before[:, i] = np.where(
                    here[:, p], not_before[:, i], np.maximum(not_before[:, i], done_at[:, p])
                )
        waiting[:, :items][~here] = -1  # never becomes ready
    else:
        here = None
        waiting[:, :items] = [len(p) for p in network.predecessors]

    ready = np.zeros((trials, words), dtype=np.uint64)
    class_ready = np.zeros((trials, len(network.classes)), dtype=np.int32)
    pending_at = np.full((trials, items), np.inf) if not_before is not None else None
    next_release = np.full(trials, np.inf)

    def became_ready(rows: IntArray, item: IntArray, moment: FloatArray) -> None:
        """Dependencies done: ready now, or pending until the item's release."""
        if not_before is not None and pending_at is not None:
            later = not_before[rows, item] > moment
            pending_at[rows[later], item[later]] = not_before[rows[later], item[later]]
            next_release[rows[later]] = np.minimum(
                next_release[rows[later]], not_before[rows[later], item[later]]
            )
            rows, item = rows[~later], item[~later]
        np.bitwise_or.at(ready, (rows, word_of[item]), bit_of[item])
        np.add.at(class_ready, (rows, item_class[item]), 1)

    for i in range(items):
        rows = np.flatnonzero(waiting[:, i] == 0)
        became_ready(rows, np.full(rows.size, i), begin[rows])

    now = begin.copy()
    next_finish = np.full(trials, np.inf)
    next_member = np.zeros(trials, dtype=np.int64)
    busy_until = np.full((trials, members), np.inf)
    busy_item = np.full((trials, members), -1, dtype=np.int32)
    planned_end = np.full((trials, members), np.inf)
    idle_since = np.full((trials, members), -1.0)
    # The pass in progress: the rank judged last, each member's projected start (now, or
    # the planned end of what they hold or were promised), who was promised an item, and
    # who could still start one now.
    in_pass = np.zeros(trials, dtype=bool)
    cursor = np.zeros(trials, dtype=np.int64)
    free_from = np.zeros((trials, members))
    promised = np.zeros((trials, members), dtype=bool)
    can_start = np.zeros((trials, members), dtype=bool)

    active = np.arange(trials)
    step = 0
    while active.size:
        step += 1
        if progress is not None and step % 64 == 0:
            progress(trials - active.size, trials)
        # A trial mid-pass finishes its pass first: an item of no hours started now ends now,
        # and is released at the start of the next pass at this same moment.
        due = (next_finish[active] <= now[active]) & ~in_pass[active]

        # Release one member whose item has finished; its dependents may become ready.
        released = active[due]
        if released.size:
            r = released
            m = next_member[r]
            done = busy_item[r, m]
            moment = next_finish[r]
            busy_item[r, m] = -1
            busy_until[r, m] = np.inf
            planned_end[r, m] = np.inf
            idle_since[r, m] = moment
            following = busy_until[r].argmin(axis=1)
            next_member[r] = following
            next_finish[r] = busy_until[r, following]
            for k in range(int(degree[done].max(initial=0))):
                s = successors[done, k]
                waiting[r, s] -= 1
                became = np.flatnonzero((s < items) & (waiting[r, s] == 0))
                if became.size:
                    became_ready(r[became], s[became], moment[became])

        # Everything at this moment is released: open the dispatch pass.
        opening = active[~due & ~in_pass[active]]
        if opening.size:
            r = opening
            t = now[r]
            if pending_at is not None:
                late = r[next_release[r] <= t]
                if late.size:
                    for_now = pending_at[late] <= now[late, None]
                    rr, ii = np.nonzero(for_now)
                    pending_at[late[rr], ii] = np.inf
                    next_release[late] = pending_at[late].min(axis=1)
                    became_ready(late[rr], ii, now[late[rr]])
            day = np.minimum((t // DAY_SPAN).astype(np.int64), cal.days)
            hour = t - day * DAY_SPAN
            idle = busy_item[r] < 0
            can_start[r] = idle & (cal.window[day] > (hour + AVAILABILITY_SLACK)[:, None])
            free_from[r] = np.where(idle, t[:, None], np.maximum(t[:, None], planned_end[r]))
            promised[r] = False
            cursor[r] = -1
            in_pass[r] = True

        passing = active[~due & in_pass[active]]
        if passing.size:
            r = passing
            # The next ready item after the one judged last, in dispatch order.
            after = cursor[r] + 1
            first_word = after // _WORD
            span = np.arange(words)
            masked = np.where(span[None, :] >= first_word[:, None], ready[r], np.uint64(0))
            cut = np.minimum(first_word, words - 1)
            below = (np.uint64(1) << (after % _WORD).astype(np.uint64)) - np.uint64(1)
            masked[np.arange(r.size), cut] &= np.where(first_word < words, ~below, np.uint64(0))
            nonzero = masked != 0
            has_next = nonzero.any(axis=1)
            word = nonzero.argmax(axis=1)
            rank = word * _WORD + _lowest_bit(masked[np.arange(r.size), word])
            judge = has_next & can_start[r].any(axis=1)

            ending = r[~judge]
            if ending.size:
                _end_pass(
                    ending, now, next_finish, next_release, busy_item, class_ready, eligible, cal
                )
                in_pass[ending] = False

            pick = np.flatnonzero(judge)
            if pick.size:
                r = r[pick]
                t = now[r]
                item = network.by_rank[rank[pick]]
                cursor[r] = rank[pick]
                may = eligible[item_class[item]] & np.isfinite(free_from[r])
                pair, mm = np.nonzero(may)
                at = free_from[r[pair], mm]
                at_day = (at // DAY_SPAN).astype(np.int64)
                projected = np.full((r.size, members), np.inf)
                projected[pair, mm] = finisher(
                    mm, at_day, at - at_day * DAY_SPAN, plan_hours[item[pair]]
                )
                # Finish first; then free longest (an idle member since their last finish,
                # a busy or promised one from their projected start); then file order.
                allowed = eligible[item_class[item]]
                best = np.where(allowed, projected, np.inf).min(axis=1)
                tied = allowed & (projected == best[:, None])
                idle_free = (busy_item[r] < 0) & ~promised[r]
                free_key = np.where(tied, np.where(idle_free, idle_since[r], free_from[r]), np.inf)
                longest = free_key.min(axis=1)
                who = (tied & (free_key == longest[:, None])).argmax(axis=1)
                anyone = allowed.any(axis=1)  # else nobody may do it: it stays ready
                now_starts = can_start[r, who] & anyone

                wait = np.flatnonzero(~now_starts & anyone)
                if wait.size:
                    rw, mw = r[wait], who[wait]
                    free_from[rw, mw] = best[wait]
                    promised[rw, mw] = True
                    can_start[rw, mw] = False

                go = np.flatnonzero(now_starts)
                if go.size:
                    rg, mg, ig, tg = r[go], who[go], item[go], t[go]
                    day_g = (tg // DAY_SPAN).astype(np.int64)
                    hour_g = tg - day_g * DAY_SPAN
                    end = finisher(mg, day_g, hour_g, efforts[rg, ig])
                    planned = finisher(mg, day_g, hour_g, plan_hours[ig])
                    start[rg, ig] = tg
                    finish[rg, ig] = end
                    member_of[rg, ig] = mg
                    busy_item[rg, mg] = ig
                    busy_until[rg, mg] = end
                    planned_end[rg, mg] = planned
                    free_from[rg, mg] = np.maximum(tg, planned)
                    can_start[rg, mg] = False
                    ready[rg, word_of[ig]] &= ~bit_of[ig]
                    class_ready[rg, item_class[ig]] -= 1
                    sooner = (end < next_finish[rg]) | (
                        (end == next_finish[rg]) & (mg < next_member[rg])
                    )
                    next_finish[rg] = np.where(sooner, end, next_finish[rg])
                    next_member[rg] = np.where(sooner, mg, next_member[rg])

        active = active[np.isfinite(now[active])]
    if progress is not None:
        progress(trials, trials)
    return SimulationResult(efforts=efforts, start=start, finish=finish, member=member_of)


def _run_compiled(run: _Run, out: SimulationResult, workers: int) -> SimulationResult | None:
    """`out` filled by a compiled loop, or None to use the numpy engine instead (a small
    run with numba alone, PROMISECHECK_ENGINE=numpy, or no loop that builds and loads)."""
    network, efforts = run.network, run.efforts
    trials, items = efforts.shape
    if not compiled.wanted(trials * items):
        return None
    loop = compiled.kernel()
    if loop is None:
        return None
    schedule = compiled.Schedule(
        loop,
        efforts=efforts,
        begin=run.begin,
        present=run.present,
        plan_hours=network.planning if run.planning is None else run.planning,
        release=run.release,
        rank=network.rank,
        by_rank=network.by_rank,
        predecessors=network.predecessors,
        successors=network.successors,
        item_class=network.item_class,
        eligible=network.eligible,
        calendar=_calendar(run.capacity).compiled,
        start=out.start,
        finish=out.finish,
        member=out.member,
    )
    try:
        schedule.run_all(trials, workers, run.progress)
    except loop.failures:
        compiled.disable(loop)
        return None
    return out


def _end_pass(
    rows: IntArray,
    now: FloatArray,
    next_finish: FloatArray,
    next_release: FloatArray,
    busy_item: SmallArray,
    class_ready: SmallArray,
    eligible: BoolArray,
    cal: _Calendar,
) -> None:
    """Move each trial to its next event: a finish, a release, or the next day start of an
    idle member who may do a ready item (inf when there is none: the trial is over)."""
    t = now[rows]
    day = np.minimum((t // DAY_SPAN).astype(np.int64), cal.days - 1)
    has_ready = class_ready[rows] > 0
    # Members who may do a ready item: a product of counts (exact in float32 for any
    # realistic number of classes), fifty times quicker than the [rows, classes, members] mask.
    may_do = has_ready.astype(np.float32) @ eligible.astype(np.float32)
    wanted = (may_do > 0) & (busy_item[rows] < 0)
    wake_day = np.where(wanted, cal.next_working[day + 1], cal.days).min(axis=1)
    wake = np.where(wake_day < cal.days, wake_day * DAY_SPAN, np.inf)
    now[rows] = np.minimum(np.minimum(next_finish[rows], wake), next_release[rows])


def simulate(
    plan: Plan,
    trials: int = 10_000,
    seed: int = 0,
    *,
    capacity: Capacity | None = None,
    efforts: FloatArray | None = None,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
    planning: FloatArray | None = None,
) -> SimulationResult:
    """Sample efforts (unless given) and schedule every trial on the team's calendar.

    `start_day`: per-trial first working day as a day index of `capacity` (default 0).
    `planning`: the hours each item is planned with (default: `planning_efforts` without
    history; with history, pass the prepared inputs' own).
    """
    spec = plan.spec
    if capacity is None:
        capacity = build_capacity(plan.team, spec.project.start)
    if efforts is None:
        project = spec.project
        efforts = sample_efforts(spec.items, project.distribution, trials, seed, project.range)
    if planning is None:
        planning = planning_efforts(plan)
    network = build_network(spec.items, plan.team.members, planning)
    return run_parallel(network, capacity, efforts, progress, start_day)


def run_parallel(
    network: Network,
    capacity: Capacity,
    efforts: FloatArray,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
    workers: int | None = None,
    *,
    out: SimulationResult | None = None,
    planning: FloatArray | None = None,
    release: FloatArray | None = None,
    present: BoolArray | None = None,
    order: IntArray | None = None,
) -> SimulationResult:
    """run_engine on slices of the trials in threads; numpy releases the GIL in its loops.

    Trials are independent, so the result is identical to one run over all of them. `out`
    and the hooks are run_engine's.
    """
    trials = efforts.shape[0]
    workers = workers or min(os.cpu_count() or 1, 4)
    run = _Run(
        network=_ranked(network, order),
        capacity=capacity,
        efforts=efforts,
        progress=progress,
        start_day=start_day,
        planning=planning,
        release=release,
        present=present,
    )
    whole = out if out is not None else SimulationResult.empty(efforts)
    compiled_result = _run_compiled(run, whole, workers)
    if compiled_result is not None:
        return compiled_result
    if workers < 2 or trials < _PARALLEL_MIN_TRIALS:
        return _run_numpy(run, whole)
    slices = np.array_split(np.arange(trials), workers)
    done = [0] * workers
    lock = threading.Lock()

    def report(worker: int) -> Progress | None:
        if progress is None:
            return None

        def update(finished: int, _total: int) -> None:
            with lock:
                done[worker] = finished
                progress(sum(done), trials)

        return update

    def run_slice(k: int) -> None:
        # Contiguous row slices: each thread fills its own part of the shared result.
        rows = slice(int(slices[k][0]), int(slices[k][-1]) + 1)
        part = SimulationResult(
            efforts=efforts[rows],
            start=whole.start[rows],
            finish=whole.finish[rows],
            member=whole.member[rows],
        )
        _run_numpy(run.rows(rows, report(k)), part)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run_slice, range(workers)))
    return whole
