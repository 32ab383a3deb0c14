"""The shared schedule's numbers: each project's odds and dates, who is shared, and the
paired change a deal makes to every commitment (same trials, same draws)."""

from __future__ import annotations

import datetime as dt
import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.assess.analysis import (
    MAX_WEEKS,
    OVERLOAD,
    PERCENTILES,
    percentile_days,
    weekly_utilisation,
)
from promisecheck.engine.calendar import DAY_SPAN
from promisecheck.engine.shared_schedule import Role, Schedule

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ITEM_PERCENTILES: dict[str, float] = {"p50": 0.5, "p85": 0.85}
# A member counts as working for a project when they give it this many hours on average.
SHARED_HOURS = 1.0
HELD_CELLS = 1_000_000  # trials × items looked at for the no-pre-emption note
_HELD_BLOCK = 64_000  # trials × items looked at together


@dataclass(frozen=True, kw_only=True)
class ItemFinish:
    """When one item of a project finishes in the shared schedule."""

    id: str
    finish: dict[str, dt.date | None]  # p50, p85


@dataclass(frozen=True, kw_only=True, eq=False)
class ProjectOdds:
    """One project's odds in one shared schedule."""

    key: str  # the spec path as written in portfolio.toml (the deal's path as given)
    project: str
    rank: int  # 1-based position in the order of claims
    status: Role
    win_probability: float
    start: dt.date  # first day it may be worked on: max(its start, as_of)
    deadline: dt.date
    hold: float  # below this on-time probability it counts as broken
    trials: int  # trials in which it is part of the schedule (won)
    on_time_probability: float  # over those trials
    on_time_standard_error: float
    finish: dict[str, dt.date | None]  # p50, p70, p85, p95; None past the horizon
    items: tuple[ItemFinish, ...]
    # Share of its trials in which an item waited for lower-ranked work (the no-pre-emption
    # note); None where it was not looked for: a deal's schedules, whose reports never show it.
    held_share: float | None
    on_time: BoolArray  # [trials of the schedule] on time (False when not won)
    present: BoolArray  # [trials of the schedule] won

    @property
    def holds(self) -> bool:
        return self.on_time_probability >= self.hold


@dataclass(frozen=True, kw_only=True)
class MemberShare:
    """One member across every project: hours for each, and the weekly load of all of them."""

    name: str
    skills: tuple[str, ...]
    projects: tuple[str, ...]  # keys of the projects they work on, by mean hours
    hours: tuple[float, ...]  # mean hours given to each of those projects
    weekly: tuple[float | None, ...]  # planned utilisation per week from as_of
    overloaded_weeks: int  # weeks above the overload share

    @property
    def shared(self) -> bool:
        return len(self.projects) > 1


@dataclass(frozen=True, kw_only=True)
class SharedSkill:
    """A skill that items of several projects need."""

    skill: str
    projects: tuple[str, ...]
    members: tuple[str, ...]


def _held(schedule: Schedule) -> BoolArray:
    """[trials, items] the item waited (no pre-emption) while the member who then did it
    was busy with an item of a lower-ranked project that had started before it was ready.

    Looked at in the first trials only when the schedule is large: it is a note in the
    report, and a share over a few thousand trials says as much as one over all of them.
    Trials are independent, so they are looked at a block at a time: small temporaries
    that stay in the cache cost a fraction of whole-size ones in fresh memory.
    """
    whole = schedule.result
    items = whole.start.shape[1]
    trials = max(1, min(whole.trials, HELD_CELLS // max(1, items)))
    project_of = np.empty(items, dtype=np.int64)
    for k, cols in enumerate(schedule.columns):
        project_of[cols.start : cols.stop] = k
    # Each item's dependencies (columns) and the moment its project is released.
    depends: list[list[int]] = []
    released = np.empty(items)
    for k, cols in enumerate(schedule.columns):
        spec = schedule.projects[k].spec
        index = {item.id: cols.start + i for i, item in enumerate(spec.items)}
        depends += [[index[dep] for dep in item.depends_on] for item in spec.items]
        released[cols.start : cols.stop] = schedule.release_day[k] * DAY_SPAN
    held = np.empty((trials, items), dtype=bool)
    rows = max(1, _HELD_BLOCK // max(1, items))
    for lo in range(0, trials, rows):
        block = slice(lo, min(trials, lo + rows))
        held[block] = _held_rows(
            whole.start[block],
            whole.finish[block],
            whole.member[block],
            depends,
            released,
            project_of,
        )
    return held


def _held_rows(
    start: FloatArray,
    finish: FloatArray,
    member: npt.NDArray[np.int32],
    depends: Sequence[Sequence[int]],
    released: FloatArray,
    project_of: IntArray,
) -> BoolArray:
    """_held for some trials (rows) of the schedule."""
    trials, items = start.shape
    ready = np.empty((trials, items))
    for i, deps in enumerate(depends):
        moment = np.full(trials, released[i])
        for dep in deps:
            moment = np.maximum(moment, finish[:, dep])
        ready[:, i] = moment
    # One sort by (member, start): member spans whole multiples of a bound above every start.
    span = float(np.nanmax(np.where(np.isfinite(start), start, 0.0))) + 1.0
    order = np.argsort(member * span + np.minimum(start, span - 0.5), axis=1)
    who = np.take_along_axis(member, order, axis=1)
    previous = np.full((trials, items), -1, dtype=np.int64)
    same = (who[:, 1:] == who[:, :-1]) & (who[:, 1:] >= 0)
    hit, positions = np.nonzero(same)
    previous[hit, order[hit, positions + 1]] = order[hit, positions]
    has = previous >= 0
    prev = np.where(has, previous, 0)
    prev_start = np.take_along_axis(start, prev, axis=1)
    prev_finish = np.take_along_axis(finish, prev, axis=1)
    lower = project_of[prev] > project_of[None, :]
    held: BoolArray = (
        has & lower & (start > ready) & (prev_start < ready) & (prev_finish > ready) & (member >= 0)
    )
    return held


def _share(held: BoolArray, present: BoolArray) -> float:
    """Share of the won trials (of those looked at) in which some item was held."""
    won = int(np.count_nonzero(present))
    if not won or not held.shape[1]:
        return 0.0
    return float(np.count_nonzero(held[present].any(axis=1))) / won


def _finish_day(schedule: Schedule, k: int) -> IntArray:
    """[trials] the day project k's last item finishes (its release day when it has none)."""
    cols = schedule.columns[k]
    if cols.stop == cols.start:
        return np.full(schedule.trials, schedule.release_day[k], dtype=np.int64)
    days: IntArray = schedule.result.finish_days[:, cols.start : cols.stop].max(axis=1)
    return days


def on_time_shares(schedule: Schedule) -> tuple[tuple[float, int], ...]:
    """Each project's on-time probability over the trials it is won in, and their number:
    the numbers `project_odds` gives, without the dates (cheap enough for a search)."""
    shares = []
    for k, project in enumerate(schedule.projects):
        present = schedule.present[:, k]
        trials = int(np.count_nonzero(present))
        deadline = schedule.capacity.day_of(project.spec.project.deadline)
        on_time = int(np.count_nonzero(present & (_finish_day(schedule, k) <= deadline)))
        shares.append((on_time / trials if trials else 0.0, trials))
    return tuple(shares)


# project_odds of each schedule still in use, with and without the note. The schedule
# without a deal is one for every deal that check judges and every variant the deal's menu
# and levers try: its odds are computed once.
_ODDS: weakref.WeakKeyDictionary[Schedule, dict[bool, tuple[ProjectOdds, ...]]] = (
    weakref.WeakKeyDictionary()
)
_ODDS_LOCK = threading.Lock()


def project_odds(schedule: Schedule, *, note: bool = True) -> tuple[ProjectOdds, ...]:
    """Every project's odds, dates and item dates in the shared schedule; with `note`, the
    share of trials in which it waited for lower-ranked work too (the dearest part).

    A schedule is never changed, so its odds are remembered while it is in use.
    """
    with _ODDS_LOCK:
        known = _ODDS.setdefault(schedule, {}).get(note)
    if known is None:
        known = _project_odds(schedule, _held(schedule) if note else None)
        for odds in known:
            odds.on_time.setflags(write=False)
            odds.present.setflags(write=False)
        with _ODDS_LOCK:
            _ODDS.setdefault(schedule, {})[note] = known
    return known


def _project_odds(schedule: Schedule, held: BoolArray | None) -> tuple[ProjectOdds, ...]:
    capacity = schedule.capacity
    days = schedule.result.finish_days
    outcomes = []
    for k, project in enumerate(schedule.projects):
        cols = schedule.columns[k]
        present = schedule.present[:, k]
        trials = int(np.count_nonzero(present))
        spec = project.spec
        part = days[:, cols.start : cols.stop]
        finish_day = _finish_day(schedule, k)
        on_time = present & (finish_day <= capacity.day_of(spec.project.deadline))
        p = float(np.count_nonzero(on_time)) / trials if trials else 0.0
        won_days = finish_day[present]

        def date(day: int) -> dt.date | None:
            return capacity.date_of(day) if day < capacity.days else None

        finish: dict[str, dt.date | None] = {key: None for key, _ in PERCENTILES}
        if trials:
            finish = {k: date(d) for k, d in percentile_days(won_days, dict(PERCENTILES)).items()}
        items = tuple(
            ItemFinish(
                id=item.id,
                finish=(
                    {
                        key: date(d)
                        for key, d in percentile_days(part[present, i], ITEM_PERCENTILES).items()
                    }
                    if trials
                    else {key: None for key in ITEM_PERCENTILES}
                ),
            )
            for i, item in enumerate(spec.items)
        )
        outcomes.append(
            ProjectOdds(
                key=project.key,
                project=spec.project.name,
                rank=k + 1,
                status=project.role,
                win_probability=project.win_probability,
                start=capacity.date_of(schedule.release_day[k]),
                deadline=spec.project.deadline,
                hold=project.hold,
                trials=trials,
                on_time_probability=p,
                on_time_standard_error=math.sqrt(p * (1 - p) / trials) if trials else 0.0,
                finish=finish,
                items=items,
                held_share=(
                    None
                    if held is None
                    else _share(held[:, cols.start : cols.stop], present[: held.shape[0]])
                ),
                on_time=on_time,
                present=present,
            )
        )
    return tuple(outcomes)


def _mean_hours(schedule: Schedule, members: int) -> FloatArray:
    """[members, projects] mean hours of item work each member gives each project."""
    result = schedule.result
    hours = np.zeros((members, len(schedule.projects)))
    for k, cols in enumerate(schedule.columns):
        who = result.member[:, cols.start : cols.stop]
        work = np.where(who >= 0, result.efforts[:, cols.start : cols.stop], 0.0)
        hours[:, k] = np.bincount(
            np.where(who >= 0, who, 0).ravel(), weights=work.ravel(), minlength=members
        )[:members] / max(1, schedule.trials)
    return hours


def member_shares(
    schedule: Schedule, odds: Sequence[ProjectOdds], skills: Sequence[tuple[str, ...]]
) -> tuple[MemberShare, ...]:
    """Each member's hours per project and weekly load over all of them, from as_of."""
    capacity = schedule.capacity
    names = capacity.members
    hours = _mean_hours(schedule, len(names))
    last = max(
        (
            capacity.day_of(d)
            for o in odds
            for d in (o.finish.get("p85"), o.deadline)
            if d is not None
        ),
        default=0,
    )
    weeks = max(1, min(MAX_WEEKS, -(-(last + 1) // 7)))
    weekly = weekly_utilisation(schedule.result, capacity, weeks)
    shares = []
    for m, name in enumerate(names):
        mine = [k for k in np.argsort(-hours[m], kind="stable") if hours[m, k] >= SHARED_HOURS]
        shares.append(
            MemberShare(
                name=name,
                skills=skills[m],
                projects=tuple(schedule.projects[k].key for k in mine),
                hours=tuple(float(hours[m, k]) for k in mine),
                weekly=weekly[m],
                overloaded_weeks=sum(1 for s in weekly[m] if s is not None and s > OVERLOAD),
            )
        )
    return tuple(shares)


def shared_skills(schedule: Schedule, skills: Sequence[tuple[str, ...]]) -> tuple[SharedSkill, ...]:
    """Skills needed by items of more than one project, with the members who have them."""
    needed: dict[str, list[str]] = {}
    for project in schedule.projects:
        for skill in dict.fromkeys(i.skill for i in project.spec.items if i.skill is not None):
            needed.setdefault(skill, []).append(project.key)
    names = schedule.capacity.members
    return tuple(
        SharedSkill(
            skill=skill,
            projects=tuple(keys),
            members=tuple(n for n, own in zip(names, skills, strict=True) if skill in own),
        )
        for skill, keys in needed.items()
        if len(keys) > 1
    )


@dataclass(frozen=True, kw_only=True)
class Change:
    """What scheduling the deal does to one commitment, on the same trials and draws."""

    key: str
    project: str
    status: Role
    hold: float
    before: ProjectOdds
    after: ProjectOdds
    change: float  # after − before on-time probability (paired)
    change_standard_error: float
    breaks: bool  # held before, does not after
    shared: tuple[tuple[str, str], ...]  # (member, skill) who worked on both it and the deal


def paired_change(before: ProjectOdds, after: ProjectOdds) -> tuple[float, float]:
    """Mean and standard error of the per-trial change in on time, over its won trials."""
    won = before.present
    n = int(np.count_nonzero(won))
    if n == 0:
        return 0.0, 0.0
    diff = after.on_time[won].astype(np.float64) - before.on_time[won].astype(np.float64)
    mean = float(diff.mean())
    spread = float(diff.std(ddof=1)) if n > 1 else 0.0
    return mean, spread / math.sqrt(n)


def changes(
    before: Schedule,
    after: Schedule,
    deal_key: str,
    skills: Sequence[tuple[str, ...]],
) -> tuple[ProjectOdds, tuple[Change, ...]]:
    """The deal's own odds in `after`, and every commitment's change from `before`."""
    odds_before = {o.key: o for o in project_odds(before, note=False)}
    odds_after = project_odds(after, note=False)
    deal = next(o for o in odds_after if o.key == deal_key)
    hours = _mean_hours(after, len(after.capacity.members))
    deal_index = after.index(deal_key)
    result = []
    for o in odds_after:
        if o.key == deal_key:
            continue
        b = odds_before[o.key]
        change, error = paired_change(b, o)
        k = after.index(o.key)
        project = after.projects[k]
        needed = {i.skill for i in project.spec.items} & {
            i.skill for i in after.projects[deal_index].spec.items
        }
        # Most shared first: the member giving both the most hours (the lesser of the two).
        both = [
            m
            for m in range(len(skills))
            if hours[m, k] >= SHARED_HOURS and hours[m, deal_index] >= SHARED_HOURS
        ]
        both.sort(key=lambda m: -min(hours[m, k], hours[m, deal_index]))
        names = after.capacity.members
        shared = tuple(
            (
                names[m],
                next((s for s in skills[m] if s in needed), skills[m][0] if skills[m] else ""),
            )
            for m in both
        )
        result.append(
            Change(
                key=o.key,
                project=o.project,
                status=o.status,
                hold=o.hold,
                before=b,
                after=o,
                change=change,
                change_standard_error=error,
                breaks=b.holds and not o.holds,
                shared=shared,
            )
        )
    return deal, tuple(result)
