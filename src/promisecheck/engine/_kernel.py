"""The reference event loop (reference.py) compiled with numba: one trial after another.

A line-by-line port of `reference_schedule` and `Capacity.finish_moment`, with the same
floating-point operations in the same order, so that every start, finish and member equals
the reference's bit for bit. Imported only by `compiled.py`, and only when a run is large
enough to pay numba's import; nothing else in the package imports numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.core.errors import NumbaError as BuildError  # what a failed build raises
from numba.cpython.unsafe.numbers import trailing_zeros

from promisecheck.engine.calendar import DAY_SPAN, EPSILON_HOURS, GRID
from promisecheck.engine.reference import AVAILABILITY_SLACK

_WORD = 64

__all__ = ["BuildError", "schedule"]


@njit(cache=True, nogil=True)
def schedule(  # type: ignore[no-untyped-def]
    lo,
    hi,
    efforts,
    begin,
    present,
    has_present,
    plan_hours,
    release,
    rank,
    by_rank,
    pred_ptr,
    pred_idx,
    succ_ptr,
    succ_idx,
    item_class,
    window,
    focus,
    cumulative,
    by_hour,
    next_working,
    same_as,
    class_ptr,
    class_members,
    member_ptr,
    member_classes,
    start,
    finish,
    member_of,
):
    """Schedule trials lo..hi-1 into start/finish/member_of, as reference_schedule does."""
    count = efforts.shape[1]
    members = window.shape[0]
    days = window.shape[1]
    classes = class_ptr.shape[0] - 1
    words = max(1, (count + _WORD - 1) // _WORD)

    def finish_moment(m, moment, effort):  # type: ignore[no-untyped-def]
        """Capacity.finish_moment, for member m starting at `moment`.

        A closure over the calendar arrays rather than a function of them: numba then
        inlines it without counting references to the arrays on every call, which cost a
        third of the loop. The search for the end day starts from the first day on which
        the member's cumulative work reaches the whole hour below the target (`by_hour`),
        never past the answer, and steps forward: it finds the same first day as
        searchsorted. moment / DAY_SPAN is exact (a power of two), so its floor is
        Python's moment // DAY_SPAN, at a fraction of the cost.
        """
        day = int(np.floor(moment / DAY_SPAN))
        hour = moment - day * DAY_SPAN
        f = focus[m]
        target = cumulative[m, day] + f * min(hour, window[m, day]) + effort
        key = target - EPSILON_HOURS
        cells = by_hour.shape[1]
        cell = min(max(np.floor(key), 0.0), cells - 2.0)
        # Every j < end has cumulative[m, j + 1] < key; `days` stands for "none". Work mostly
        # ends within a day of the hour table's guess: step day by day, then gallop and bisect
        # across long stretches without hours (time off).
        end = max(day, by_hour[m, int(cell)])
        limit = min(end + 16, days)
        while end < limit and cumulative[m, end + 1] < key:
            end += 1
        if end == limit and end < days:
            lo = end
            hi = lo
            step = 1
            while True:
                if hi >= days:
                    hi = days
                    break
                if cumulative[m, hi + 1] >= key:
                    break
                lo = hi + 1
                hi = hi + step
                step *= 2
            while lo < hi:
                mid = (lo + hi) // 2
                if cumulative[m, mid + 1] >= key:
                    hi = mid
                else:
                    lo = mid + 1
            end = lo
        if end >= days:
            return np.inf
        end_hour = (target - cumulative[m, end]) / f
        lowest = hour if end == day else 0.0
        end_hour = min(max(end_hour, lowest), window[m, end])
        return np.rint((end * DAY_SPAN + end_hour) * GRID) / GRID

    not_before = np.empty(count)
    done_at = np.empty(count)
    here = np.ones(count, dtype=np.bool_)
    waiting = np.zeros(count, dtype=np.int64)
    pending = np.empty(count, dtype=np.int64)
    ready = np.zeros(words, dtype=np.uint64)
    class_ready = np.zeros(classes, dtype=np.int64)
    remaining = np.zeros(classes, dtype=np.int64)
    class_startable = np.zeros(classes, dtype=np.int64)
    busy_item = np.empty(members, dtype=np.int64)
    busy_until = np.empty(members)
    planned_end = np.empty(members)
    idle_since = np.empty(members)
    free_from = np.empty(members)
    promised = np.zeros(members, dtype=np.bool_)
    can_start = np.zeros(members, dtype=np.bool_)
    one = np.uint64(1)
    # The projected finish of item i by member m from moment memo_from[i, m]. Pure, so it
    # holds across passes (a busy member's projected start stays the same while busy) and
    # across trials; NaN equals nothing: empty. shared_*: the same by calendar (same_as), so
    # that members of one calendar judged from the same moment share one computation.
    # Item-major, so that judging one item reads its members' entries side by side.
    memo_from = np.full((count, members), np.nan)
    shared_from = np.full((count, members), np.nan)
    shared_finish = np.empty((count, members))
    memo_finish = np.empty((count, members))

    for t in range(lo, hi):
        b = begin[t]
        for i in range(count):
            not_before[i] = release[i]
            done_at[i] = max(b, release[i])
            here[i] = present[t, i] if has_present else True
            waiting[i] = 0
            start[t, i] = np.inf
            finish[t, i] = np.inf
            member_of[t, i] = -1
        # An absent item is done at the start (or its release), by nobody; its dependents
        # do not wait for it, but are not ready before that moment either.
        npending = 0
        for i in range(count):
            if not here[i]:
                start[t, i] = done_at[i]
                finish[t, i] = done_at[i]
            for k in range(pred_ptr[i], pred_ptr[i + 1]):
                p = pred_idx[k]
                if here[p]:
                    waiting[i] += 1
                else:
                    not_before[i] = max(not_before[i], done_at[p])
        for i in range(count):
            if here[i] and waiting[i] == 0:
                pending[npending] = i
                npending += 1
        for w in range(words):
            ready[w] = 0
        for c in range(classes):
            class_ready[c] = 0
        for m in range(members):
            busy_item[m] = -1
            busy_until[m] = np.inf
            planned_end[m] = np.inf
            idle_since[m] = -1.0

        now = b
        while True:
            for m in range(members):
                if busy_item[m] >= 0 and busy_until[m] <= now:
                    done = busy_item[m]
                    busy_item[m] = -1
                    idle_since[m] = busy_until[m]
                    busy_until[m] = np.inf
                    planned_end[m] = np.inf
                    for k in range(succ_ptr[done], succ_ptr[done + 1]):
                        s = succ_idx[k]
                        waiting[s] -= 1
                        if waiting[s] == 0 and here[s]:
                            pending[npending] = s
                            npending += 1
            kept = 0
            for j in range(npending):
                i = pending[j]
                if not_before[i] <= now:
                    r = rank[i]
                    ready[r // _WORD] |= one << np.uint64(r % _WORD)
                    class_ready[item_class[i]] += 1
                else:
                    pending[kept] = i
                    kept += 1
            npending = kept

            day = int(np.floor(now / DAY_SPAN))
            hour = now - day * DAY_SPAN
            for c in range(classes):
                remaining[c] = class_ready[c]
                class_startable[c] = 0
            for m in range(members):
                idle = busy_item[m] < 0
                free_from[m] = now if idle else max(now, planned_end[m])
                promised[m] = False
                can_start[m] = idle and day < days and window[m, day] > hour + AVAILABILITY_SLACK
                if can_start[m]:
                    for k in range(member_ptr[m], member_ptr[m + 1]):
                        class_startable[member_classes[k]] += 1
            # Classes with an item still to judge in this pass and someone who may start it.
            live = 0
            for c in range(classes):
                if remaining[c] > 0 and class_startable[c] > 0:
                    live += 1

            # The dispatch pass in order. It stops once no item still to judge could be
            # started now by anyone: the promises it would still make last only until the
            # pass ends, and change no start.
            for w in range(words):
                if live == 0:
                    break
                bits = ready[w]
                while bits != 0 and live > 0:
                    bit = trailing_zeros(bits)  # type: ignore[call-arg,var-annotated]
                    bits &= bits - one
                    i = by_rank[w * _WORD + bit]
                    c = item_class[i]
                    remaining[c] -= 1
                    if remaining[c] == 0 and class_startable[c] > 0:
                        live -= 1
                    if class_ptr[c] == class_ptr[c + 1]:
                        continue
                    # Finish first; then free longest (an idle member since their last
                    # finish, a busy or promised one from their projected start); then
                    # file order (members come in file order: a tie keeps the first).
                    best_m = -1
                    best_p = np.inf
                    best_key = np.inf
                    for k in range(class_ptr[c], class_ptr[c + 1]):
                        m = class_members[k]
                        ff = free_from[m]
                        # The projected finish, remembered (inline: a call costs more).
                        g = same_as[m]
                        if memo_from[i, m] == ff:
                            p = memo_finish[i, m]
                        elif shared_from[i, g] == ff:
                            p = shared_finish[i, g]
                        else:
                            p = finish_moment(m, ff, plan_hours[i]) if np.isfinite(ff) else np.inf
                            shared_from[i, g] = ff
                            shared_finish[i, g] = p
                        memo_from[i, m] = ff
                        memo_finish[i, m] = p
                        if p > best_p:
                            continue
                        key = idle_since[m] if busy_item[m] < 0 and not promised[m] else ff
                        if best_m < 0 or p < best_p or key < best_key:
                            best_m = m
                            best_p = p
                            best_key = key
                    m = best_m
                    if not can_start[m]:
                        free_from[m] = best_p
                        promised[m] = True
                        continue
                    ready[w] &= ~(one << np.uint64(rank[i] % _WORD))
                    class_ready[c] -= 1
                    start[t, i] = now
                    end = finish_moment(m, now, efforts[t, i])
                    finish[t, i] = end
                    member_of[t, i] = m
                    busy_item[m] = i
                    busy_until[m] = end
                    planned_end[m] = finish_moment(m, now, plan_hours[i])
                    free_from[m] = max(now, planned_end[m])
                    can_start[m] = False
                    for k in range(member_ptr[m], member_ptr[m + 1]):
                        c2 = member_classes[k]
                        class_startable[c2] -= 1
                        if class_startable[c2] == 0 and remaining[c2] > 0:
                            live -= 1

            following = np.inf
            for m in range(members):
                if busy_item[m] >= 0:
                    following = min(following, busy_until[m])
            for j in range(npending):
                following = min(following, not_before[pending[j]])
            if day + 1 <= days:
                for m in range(members):
                    if busy_item[m] >= 0:
                        continue
                    wanted = False
                    for k in range(member_ptr[m], member_ptr[m + 1]):
                        if class_ready[member_classes[k]] > 0:
                            wanted = True
                            break
                    if wanted:
                        next_day = next_working[m, day + 1]
                        if next_day < days:
                            following = min(following, next_day * DAY_SPAN)
            if following == np.inf:
                break
            now = following
