"""The Monte Carlo engine: every trial's event-driven schedule, advanced for all trials at once.

Each step moves every unfinished trial by one event: release one member whose item
finishes now, or dispatch one (item, member) pair, or jump to the next moment something
can happen. That is the reference event loop (reference.py), reordered so that numpy does
the same step for ten thousand trials in one go.

Ready items are kept as bitsets per eligibility class, ordered by dispatch rank, so finding
the first ready item a free member may do costs a few word operations, not a scan of all
items.
"""

from __future__ import annotations

import functools
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.calendar import DAY_SPAN, EPSILON_HOURS, Capacity, build_capacity, snap
from promisecheck.model import Plan
from promisecheck.network import Network, build_network
from promisecheck.reference import AVAILABILITY_SLACK
from promisecheck.sampling import sample_efforts

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int32]  # item and member indices: half the memory of int64

Progress = Callable[[int, int], None]

_WORD = 64
_NO_RANK = np.iinfo(np.int64).max
_PARALLEL_MIN_TRIALS = 4000


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What happened in every trial. Moments are day * DAY_SPAN + hour; inf means never."""

    efforts: FloatArray  # [trials, items] hours of work sampled
    start: FloatArray  # [trials, items]
    finish: FloatArray  # [trials, items]
    member: SmallArray  # [trials, items] who did it, -1 if never started

    @property
    def trials(self) -> int:
        return int(self.efforts.shape[0])

    @functools.cached_property
    def finish_days(self) -> SmallArray:
        """[trials, items] day index each item finished on; a huge number if never.

        Computed once: analysis, risk impacts and the compromise menu all read it.
        """
        finite = np.isfinite(self.finish)
        days = np.floor_divide(np.where(finite, self.finish, 0.0), DAY_SPAN)
        result = np.where(finite, days, np.iinfo(np.int32).max).astype(np.int32)
        result.setflags(write=False)
        return result


@dataclass(frozen=True, eq=False)
class _Bitsets:
    """Where each item lives in the per-class ready bitsets.

    Word `words` is a spare that is never set, used to pad classes to equal width.
    """

    word: IntArray  # [items] word index
    bit: npt.NDArray[np.uint64]  # [items] the item's bit in that word
    class_words: IntArray  # [classes, widest class] word indices, padded with the spare
    rank_at: IntArray  # [(words + 1) * 65] dispatch rank at word * 65 + bit; bit 64 = none
    words: int


def _bitsets(network: Network) -> _Bitsets:
    word = np.empty(network.size, dtype=np.int64)
    bit = np.empty(network.size, dtype=np.uint64)
    spans: list[range] = []
    next_word = 0
    tables: list[IntArray] = []
    for c in range(len(network.classes)):
        members = np.flatnonzero(network.item_class == c)
        members = members[np.argsort(network.rank[members])]
        count = max(1, -(-members.size // _WORD))
        table = np.full((count, _WORD + 1), _NO_RANK, dtype=np.int64)
        for slot, item in enumerate(members):
            word[item] = next_word + slot // _WORD
            bit[item] = np.uint64(1) << np.uint64(slot % _WORD)
            table[slot // _WORD, slot % _WORD] = network.rank[item]
        tables.append(table)
        spans.append(range(next_word, next_word + count))
        next_word += count
    tables.append(np.full((1, _WORD + 1), _NO_RANK, dtype=np.int64))
    widest = max(len(span) for span in spans)
    class_words = np.full((len(spans), widest), next_word, dtype=np.int64)
    for c, span in enumerate(spans):
        class_words[c, : len(span)] = list(span)
    return _Bitsets(
        word=word,
        bit=bit,
        class_words=class_words,
        rank_at=np.concatenate(tables).ravel(),
        words=next_word,
    )


def _first_ready_rank(
    words: npt.NDArray[np.uint64], word_index: IntArray, layout: _Bitsets
) -> IntArray:
    """Rank of the first ready item in the given words (rows × words), or _NO_RANK."""
    lowest = words & (~words + np.uint64(1))
    position = np.bitwise_count(lowest - np.uint64(1)).astype(np.int64)
    ranks: IntArray = np.take(layout.rank_at, word_index * (_WORD + 1) + position).min(axis=-1)
    return ranks


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


class _MemberSets:
    """Sets of members as bit words, so set operations cost O(members / 64) per trial.

    The calendar part (who works when) depends on the capacity only and is built once per
    capacity, however many slices of trials or compromise variants run on it.
    """

    def __init__(self, capacity: Capacity) -> None:
        members, days = capacity.window.shape
        self.count = members
        self.words = max(1, -(-members // _WORD))
        self.word = np.arange(members) // _WORD
        self.bit = np.uint64(1) << (np.arange(members) % _WORD).astype(np.uint64)
        self.finisher = _Finisher(capacity)
        # Who is still working at hour h of day d: the distinct window lengths of the day,
        # longest first, each with the set of members whose window is at least that long.
        # Most days share one of a few patterns, so the work is done per pattern.
        columns = np.ascontiguousarray(capacity.window.T)
        as_bytes = columns.view(np.dtype((np.void, columns.shape[1] * columns.itemsize))).ravel()
        _, first_of, pattern_of = np.unique(as_bytes, return_index=True, return_inverse=True)
        patterns = columns[first_of].T
        pattern_of = np.append(pattern_of.ravel(), patterns.shape[1])  # day `days`: nobody
        levels = [
            np.array(sorted(set(p[p > 0].tolist()), reverse=True), dtype=np.float64)
            for p in patterns.T
        ]
        width = max(1, max((lv.size for lv in levels), default=1))
        level = np.full((len(levels) + 1, width), -1.0)
        level_members = np.zeros((len(levels) + 1, width, self.words), dtype=np.uint64)
        working = np.zeros((len(levels) + 1, self.words), dtype=np.uint64)
        for k, (column, lv) in enumerate(zip(patterns.T, levels, strict=True)):
            level[k, : lv.size] = lv
            for j, value in enumerate(lv):
                level_members[k, j] = self.pack(column >= value)
            working[k] = self.pack(column > 0)
        self.level = level[pattern_of]
        self.level_members = level_members[pattern_of]
        self.working = working[pattern_of]
        # Ends with `days` (nobody, ever): a team off for the whole horizon has no work day.
        any_work = np.append(np.flatnonzero(capacity.window.max(axis=0, initial=0.0) > 0), days)
        positions = np.searchsorted(any_work, np.arange(days + 1))
        self.next_any_work = np.where(
            positions < any_work.size, any_work[np.minimum(positions, any_work.size - 1)], days
        )
        self.next_working_by_day = np.ascontiguousarray(capacity.next_working_day.T)
        self.days = days

    def eligibility(self, eligible: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
        """[classes, members] booleans → [classes, words] member sets."""
        return np.stack([self.pack(row) for row in eligible])

    def pack(self, flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
        words = np.zeros(self.words, dtype=np.uint64)
        for m in np.flatnonzero(flags):
            words[self.word[m]] |= self.bit[m]
        return words

    def unpack(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
        """[trials, words] → [trials, members] booleans."""
        little = np.ascontiguousarray(words.astype("<u8")).view(np.uint8)
        return np.unpackbits(little, axis=1, bitorder="little")[:, : self.count].astype(bool)

    def longest_idle(
        self, candidates: npt.NDArray[np.uint64], idle_order: npt.NDArray[np.int32], rows: IntArray
    ) -> IntArray:
        """The candidate idle longest (smallest idle order) in each row of `candidates`."""
        lowest = candidates & (~candidates + np.uint64(1))
        bit = np.bitwise_count(lowest - np.uint64(1)).astype(np.int64)
        word = (bit == _WORD).argmin(axis=1)
        chosen: IntArray = word * _WORD + bit[np.arange(rows.size), word]
        # Only rows with several candidates need to compare how long each has been idle.
        several = np.flatnonzero(np.bitwise_count(candidates).sum(axis=1) > 1)
        if several.size:
            mask = self.unpack(candidates[several])
            order = np.where(mask, idle_order[rows[several]], np.iinfo(np.int32).max)
            chosen[several] = order.argmin(axis=1)
        return chosen

    def open_at(self, day: IntArray, hour: FloatArray) -> npt.NDArray[np.uint64]:
        """Members whose window on `day` extends beyond `hour` (cf. reference availability)."""
        words = self.working[day]
        # At the start of a day everyone working that day is open; later, look it up.
        later = np.flatnonzero(hour > 0)
        if later.size:
            d = day[later]
            longer = (self.level[d] > (hour[later] + AVAILABILITY_SLACK)[:, None]).sum(axis=1)
            found = self.level_members[d, np.maximum(longer - 1, 0)]
            words[later] = np.where((longer > 0)[:, None], found, np.uint64(0))
        return words

    def wake_day(self, day: IntArray, wanted: npt.NDArray[np.uint64]) -> IntArray:
        """First day after `day` on which one of the wanted members works, else `days`."""
        after = np.minimum(day + 1, self.days)
        result = np.where(wanted.any(axis=1), self.next_any_work[after], self.days)
        pending = np.flatnonzero(result < self.days)
        for _ in range(8):
            if not pending.size:
                return result
            hit = (self.working[result[pending]] & wanted[pending]).any(axis=1)
            pending = pending[~hit]
            result[pending] = self.next_any_work[np.minimum(result[pending] + 1, self.days)]
            pending = pending[result[pending] < self.days]
        if pending.size:  # Long absences: look the answer up member by member.
            who = self.unpack(wanted[pending])
            nxt = self.next_working_by_day[after[pending]]
            result[pending] = np.where(who, nxt, self.days).min(axis=1)
        return result


_SETS: weakref.WeakKeyDictionary[Capacity, _MemberSets] = weakref.WeakKeyDictionary()
_SETS_LOCK = threading.Lock()


def _member_sets(capacity: Capacity) -> _MemberSets:
    with _SETS_LOCK:
        sets = _SETS.get(capacity)
        if sets is None:
            sets = _MemberSets(capacity)
            _SETS[capacity] = sets
        return sets


def run_engine(
    network: Network,
    capacity: Capacity,
    efforts: FloatArray,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
    out: SimulationResult | None = None,
) -> SimulationResult:
    """Schedule every trial of `efforts` ([trials, items] hours) by the dispatch rule.

    `start_day` (per trial, default 0) is the first day work may begin, as a day index of
    `capacity`: a late start moves everyone's first possible moment, nothing else.
    `out`, when given, receives the schedule (its arrays are filled in place).
    """
    trials, items = efforts.shape
    members = capacity.window.shape[0]
    layout = _bitsets(network)
    sets = _member_sets(capacity)
    finisher = sets.finisher
    eligible = sets.eligibility(network.eligible)  # [classes, words]

    # Successors padded to a rectangle; the pad points at a spare column `items`.
    degree = np.array([len(s) for s in network.successors], dtype=np.int64)
    successors = np.full((items, max(1, int(degree.max(initial=0)))), items, dtype=np.int64)
    for i, succ in enumerate(network.successors):
        successors[i, : len(succ)] = succ
    waiting_init = np.array([len(p) for p in network.predecessors] + [0], dtype=np.int32)

    now = np.zeros(trials) if start_day is None else start_day * DAY_SPAN
    next_finish = np.full(trials, np.inf)
    next_member = np.zeros(trials, dtype=np.int64)
    busy_until = np.full((trials, members), np.inf)
    busy_item = np.full((trials, members), -1, dtype=np.int32)
    # Order in which members became idle: "idle longest" is the smallest number. Members
    # who never worked come first, in file order; releases at one moment go in file order.
    idle_order = np.tile(np.arange(members, dtype=np.int32) - members, (trials, 1))
    releases = np.zeros(trials, dtype=np.int32)
    idle = np.tile(sets.pack(np.ones(members, dtype=bool)), (trials, 1))
    waiting = np.tile(waiting_init, (trials, 1))
    ready = np.zeros((trials, layout.words + 1), dtype=np.uint64)
    classes = len(network.classes)
    first_ready = np.full((trials, classes), _NO_RANK, dtype=np.int64)
    for ready_item in np.flatnonzero(waiting_init[:items] == 0):
        ready[:, layout.word[ready_item]] |= layout.bit[ready_item]
        c = network.item_class[ready_item]
        first_ready[:, c] = np.minimum(first_ready[:, c], network.rank[ready_item])
    if out is None:
        out = SimulationResult(
            efforts=efforts,
            start=np.empty((trials, items)),
            finish=np.empty((trials, items)),
            member=np.empty((trials, items), dtype=np.int32),
        )
    start, finish, member_of = out.start, out.finish, out.member
    start.fill(np.inf)
    finish.fill(np.inf)
    member_of.fill(-1)

    active = np.arange(trials)
    step = 0
    while active.size:
        step += 1
        if progress is not None and step % 64 == 0:
            progress(trials - active.size, trials)
        t = now[active]
        upcoming = next_finish[active]
        due = upcoming <= t

        free = np.flatnonzero(~due)
        if free.size:
            rows = active[free]
            tf = t[free]
            day = (tf // DAY_SPAN).astype(np.int64)
            hour = tf - day * DAY_SPAN
            available = idle[rows] & sets.open_at(day, hour)
            first = first_ready[rows]
            reachable = (available[:, None, :] & eligible[None]).any(axis=2)
            candidate = np.where(reachable, first, _NO_RANK)
            chosen_class = candidate.argmin(axis=1)
            best = candidate[np.arange(free.size), chosen_class]
            assigns = best != _NO_RANK

            pick = np.flatnonzero(assigns)
            if pick.size:
                r = rows[pick]
                item = network.by_rank[best[pick]]
                m = sets.longest_idle(available[pick] & eligible[chosen_class[pick]], idle_order, r)
                end = finisher(m, day[pick], hour[pick], efforts[r, item])
                start[r, item] = tf[pick]
                finish[r, item] = end
                member_of[r, item] = m
                busy_item[r, m] = item
                busy_until[r, m] = end
                idle[r, sets.word[m]] &= ~sets.bit[m]
                ready[r, layout.word[item]] &= ~layout.bit[item]
                cls = chosen_class[pick]
                spans = layout.class_words[cls]
                first_ready[r, cls] = _first_ready_rank(ready[r[:, None], spans], spans, layout)
                sooner = (end < next_finish[r]) | ((end == next_finish[r]) & (m < next_member[r]))
                next_finish[r] = np.where(sooner, end, next_finish[r])
                next_member[r] = np.where(sooner, m, next_member[r])

            wait = np.flatnonzero(~assigns)
            if wait.size:
                rw = rows[wait]
                # Wake at the next day start when an idle member may do a ready item then.
                has_ready = first[wait] != _NO_RANK
                wanted = (
                    np.bitwise_or.reduce(
                        np.where(has_ready[:, :, None], eligible[None], np.uint64(0)), axis=1
                    )
                    & idle[rw]
                )
                wake_day = sets.wake_day(day[wait], wanted)
                wake = np.where(wake_day < capacity.days, wake_day * DAY_SPAN, np.inf)
                moment = np.minimum(upcoming[free[wait]], wake)
                now[rw] = moment
                due[free[wait]] = moment == upcoming[free[wait]]

        released = np.flatnonzero(due & np.isfinite(upcoming))
        if released.size:
            r = active[released]
            m = next_member[r]
            done = busy_item[r, m]
            moment = upcoming[released]
            now[r] = moment
            busy_item[r, m] = -1
            busy_until[r, m] = np.inf
            idle[r, sets.word[m]] |= sets.bit[m]
            idle_order[r, m] = releases[r]
            releases[r] += 1
            until_r = busy_until[r]
            following = until_r.argmin(axis=1)
            next_member[r] = following
            next_finish[r] = until_r[np.arange(r.size), following]
            for k in range(int(degree[done].max(initial=0))):
                s = successors[done, k]
                waiting[r, s] -= 1
                became = np.flatnonzero((s < items) & (waiting[r, s] == 0))
                if became.size:
                    rb, sb = r[became], s[became]
                    ready[rb, layout.word[sb]] |= layout.bit[sb]
                    cb = network.item_class[sb]
                    first_ready[rb, cb] = np.minimum(first_ready[rb, cb], network.rank[sb])

        active = active[np.isfinite(now[active])]
    if progress is not None:
        progress(trials, trials)
    return SimulationResult(efforts=efforts, start=start, finish=finish, member=member_of)


def simulate(
    plan: Plan,
    trials: int = 10_000,
    seed: int = 0,
    *,
    capacity: Capacity | None = None,
    efforts: FloatArray | None = None,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
) -> SimulationResult:
    """Sample efforts (unless given) and schedule every trial on the team's calendar.

    `start_day`: per-trial first working day as a day index of `capacity` (default 0).
    """
    spec = plan.spec
    if capacity is None:
        capacity = build_capacity(plan.team, spec.project.start)
    if efforts is None:
        project = spec.project
        efforts = sample_efforts(spec.items, project.distribution, trials, seed, project.range)
    network = build_network(spec.items, plan.team.members)
    return run_parallel(network, capacity, efforts, progress, start_day)


def run_parallel(
    network: Network,
    capacity: Capacity,
    efforts: FloatArray,
    progress: Progress | None = None,
    start_day: IntArray | None = None,
    workers: int | None = None,
) -> SimulationResult:
    """run_engine on slices of the trials in threads; numpy releases the GIL in its loops.

    Trials are independent, so the result is identical to one run over all of them.
    """
    trials = efforts.shape[0]
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers < 2 or trials < _PARALLEL_MIN_TRIALS:
        return run_engine(network, capacity, efforts, progress, start_day)
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

    items = efforts.shape[1]
    whole = SimulationResult(
        efforts=efforts,
        start=np.empty((trials, items)),
        finish=np.empty((trials, items)),
        member=np.empty((trials, items), dtype=np.int32),
    )

    def run_slice(k: int) -> None:
        # Contiguous row slices: each thread fills its own part of the shared result.
        rows = slice(int(slices[k][0]), int(slices[k][-1]) + 1)
        part = SimulationResult(
            efforts=efforts[rows],
            start=whole.start[rows],
            finish=whole.finish[rows],
            member=whole.member[rows],
        )
        run_engine(
            network,
            capacity,
            efforts[rows],
            report(k),
            None if start_day is None else start_day[rows],
            out=part,
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run_slice, range(workers)))
    return whole
