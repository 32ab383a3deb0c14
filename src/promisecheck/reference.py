"""The scheduling rules as a plain event loop over one trial: the definition the engine must match.

Slow and obvious on purpose. Tests run it beside the vectorised engine and require the
same start, finish and member for every item of every trial.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from promisecheck.calendar import DAY_SPAN, Capacity
from promisecheck.model import PRIORITY_ORDER, Item, Member

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
) -> TrialSchedule:
    """Schedule one trial by the documented dispatch rule, event by event."""
    count = len(items)
    index = {item.id: i for i, item in enumerate(items)}
    successors: list[list[int]] = [[] for _ in items]
    waiting = [len(item.depends_on) for item in items]
    for i, item in enumerate(items):
        for dep in item.depends_on:
            successors[index[dep]].append(i)
    order = {i: (PRIORITY_ORDER[item.priority], i) for i, item in enumerate(items)}

    def may_do(i: int, m: int) -> bool:
        item, member = items[i], members[m]
        if item.assignee is not None:
            return member.name == item.assignee
        return item.skill in member.skills

    busy_item = [-1] * len(members)
    busy_until = [math.inf] * len(members)
    idle_since = [-1.0] * len(members)
    start = [math.inf] * count
    finish = [math.inf] * count
    member_of = [-1] * count
    ready = {i for i in range(count) if waiting[i] == 0}
    now = start_day * DAY_SPAN
    while True:
        for m in range(len(members)):
            if busy_item[m] >= 0 and busy_until[m] <= now:
                done = busy_item[m]
                busy_item[m] = -1
                idle_since[m] = busy_until[m]
                busy_until[m] = math.inf
                for s in successors[done]:
                    waiting[s] -= 1
                    if waiting[s] == 0:
                        ready.add(s)
        day = int(now // DAY_SPAN)
        hour = now - day * DAY_SPAN
        for i in sorted(ready, key=order.__getitem__):
            candidates = [
                m
                for m in range(len(members))
                if busy_item[m] < 0
                and may_do(i, m)
                and capacity.window[m, day] > hour + AVAILABILITY_SLACK
            ]
            if not candidates:
                continue
            m = min(candidates, key=lambda c: (idle_since[c], c))
            ready.remove(i)
            start[i] = now
            finish[i] = capacity.finish_moment(m, now, efforts[i])
            member_of[i] = m
            busy_item[m] = i
            busy_until[m] = finish[i]
        upcoming = [busy_until[m] for m in range(len(members)) if busy_item[m] >= 0]
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
