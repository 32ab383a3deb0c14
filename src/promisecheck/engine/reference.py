"""The scheduling rules as a plain event loop over one trial: the definition the engine must match.

Slow and obvious on purpose. Tests run it beside the vectorised engine and require the
same start, finish and member for every item of every trial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from promisecheck.engine.calendar import DAY_SPAN, Capacity
from promisecheck.engine.planning import planned_hours
from promisecheck.inputs.model import PRIORITY_ORDER, Item, Member

# A member is available at a moment if their window that day extends beyond it by more
# than this (hours). It must exceed the rounding of moments to the grid (half of 2**-20 h),
# or someone whose window just ended (at 6.4 h, say, which no grid point equals) would be
# offered a sliver of the day.
AVAILABILITY_SLACK = 1e-6


@dataclass(frozen=True)
class TrialSchedule:
    """When each item (file order) started and finished, and who did it; inf/-1 if never."""

    start: tuple[float, ...]
    finish: tuple[float, ...]
    member: tuple[int, ...]


def reference_schedule(
    items: Sequence[Item],
    members: Sequence[Member],
    capacity: Capacity,
    efforts: Sequence[float],
    start_day: int = 0,
    *,
    planning: Sequence[float] | None = None,
    release: Sequence[float] | None = None,
    present: Sequence[bool] | None = None,
    order: Sequence[int] | None = None,
) -> TrialSchedule:
    """Schedule one trial by the documented dispatch rule, event by event.

    `planning`: hours each item is planned with (default `planned_hours`); `release`:
    the earliest moment each item may start; `present`: False for an item absent from this
    trial (done at the start, by nobody); `order`: dispatch rank replacing (priority, file
    order), ties by file order.
    """
    count = len(items)
    plan_hours = [float(h) for h in (planning if planning is not None else planned_hours(items))]
    index = {item.id: i for i, item in enumerate(items)}
    successors: list[list[int]] = [[] for _ in items]
    for i, item in enumerate(items):
        for dep in item.depends_on:
            successors[index[dep]].append(i)
    if order is None:
        order_key = {i: (PRIORITY_ORDER[item.priority], i) for i, item in enumerate(items)}
    else:
        order_key = {i: (int(order[i]), i) for i in range(count)}
    begin = start_day * DAY_SPAN
    not_before = [-math.inf] * count if release is None else [float(r) for r in release]
    here = [True] * count if present is None else [bool(p) for p in present]

    def may_do(i: int, m: int) -> bool:
        item, member = items[i], members[m]
        if item.assignee is not None:
            return member.name == item.assignee
        return item.skill in member.skills

    start = [math.inf] * count
    finish = [math.inf] * count
    member_of = [-1] * count
    # An absent item is done at the start (or at its release), by nobody; its dependents
    # do not wait for it, but are not ready before that moment either.
    done_at = [max(begin, not_before[i]) for i in range(count)]
    waiting = [0] * count
    for i, item in enumerate(items):
        if not here[i]:
            start[i] = finish[i] = done_at[i]
        for dep in item.depends_on:
            if here[index[dep]]:
                waiting[i] += 1
            else:
                not_before[i] = max(not_before[i], done_at[index[dep]])

    busy_item = [-1] * len(members)
    busy_until = [math.inf] * len(members)
    planned_end = [math.inf] * len(members)
    idle_since = [-1.0] * len(members)
    pending = {i for i in range(count) if here[i] and waiting[i] == 0}
    ready: set[int] = set()
    now = begin
    while True:
        for m in range(len(members)):
            if busy_item[m] >= 0 and busy_until[m] <= now:
                done = busy_item[m]
                busy_item[m] = -1
                idle_since[m] = busy_until[m]
                busy_until[m] = math.inf
                planned_end[m] = math.inf
                for s in successors[done]:
                    waiting[s] -= 1
                    if waiting[s] == 0 and here[s]:
                        pending.add(s)
        for i in [i for i in pending if not_before[i] <= now]:
            pending.remove(i)
            ready.add(i)
        day = int(now // DAY_SPAN)
        hour = now - day * DAY_SPAN
        # Who could start what, as a lead would judge it now: each member's projected start
        # is now, or the planned end of what they hold or were promised earlier this pass.
        free_from = [
            now if busy_item[m] < 0 else max(now, planned_end[m]) for m in range(len(members))
        ]
        promised = [False] * len(members)
        for i in sorted(ready, key=order_key.__getitem__):
            candidates = [m for m in range(len(members)) if may_do(i, m)]
            if not candidates:
                continue

            # Finish first; then free longest (an idle member since their last finish, a
            # busy or promised one from their projected start); then file order.
            judged = [
                (
                    capacity.finish_moment(c, free_from[c], plan_hours[i])
                    if math.isfinite(free_from[c])
                    else math.inf,
                    idle_since[c] if busy_item[c] < 0 and not promised[c] else free_from[c],
                    c,
                )
                for c in candidates
            ]
            projected, _, m = min(judged)
            starts_now = (
                busy_item[m] < 0
                and not promised[m]
                and capacity.window[m, day] > hour + AVAILABILITY_SLACK
            )
            if not starts_now:
                free_from[m] = projected
                promised[m] = True
                continue
            ready.remove(i)
            start[i] = now
            finish[i] = capacity.finish_moment(m, now, efforts[i])
            member_of[i] = m
            busy_item[m] = i
            busy_until[m] = finish[i]
            planned_end[m] = capacity.finish_moment(m, now, plan_hours[i])
            free_from[m] = max(now, planned_end[m])
        upcoming = [busy_until[m] for m in range(len(members)) if busy_item[m] >= 0]
        upcoming += [not_before[i] for i in pending if not_before[i] > now]
        for m in range(len(members)):
            if busy_item[m] < 0 and any(may_do(i, m) for i in ready):
                next_day = int(capacity.next_working_day[m, day + 1])
                if next_day < capacity.days:
                    upcoming.append(next_day * DAY_SPAN)
        following = min(upcoming, default=math.inf)
        if math.isinf(following):
            break
        now = following
    return TrialSchedule(start=tuple(start), finish=tuple(finish), member=tuple(member_of))
