"""Productive hours per member per working day, and where in time a stretch of work ends."""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.inputs.model import WEEKDAYS, Member, Team

HORIZON_YEARS = 10
# A moment is day * DAY_SPAN + hour. The span exceeds 24 so that work ending at hour 24
# of day d still belongs to day d.
DAY_SPAN = 32.0
# Moments are rounded to this grid so that equal moments reached by different arithmetic
# compare equal (ties are broken by file order, not by floating-point noise).
GRID = float(2**20)
# Work within this many hours of a day's capacity fits in that day: a 32 h item at focus
# 0.8 on 8 h days ends at the end of day 5, not a rounding error into day 6.
EPSILON_HOURS = 1e-6

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def horizon_days(start: dt.date) -> int:
    """Days from start up to (not including) the same date ten years later."""
    try:
        end = start.replace(year=start.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + HORIZON_YEARS, day=28)
    return (end - start).days


def snap(moment: FloatArray) -> FloatArray:
    """Round moments to the shared grid (see GRID)."""
    return np.round(moment * GRID) / GRID


def snap_one(moment: float) -> float:
    return round(moment * GRID) / GRID


@dataclass(frozen=True, eq=False)
class Capacity:
    """Each member's working window (wall-clock hours from the start of each day) and focus.

    Arrays cover day 0 (the project start) up to the ten-year horizon.
    """

    start: dt.date
    members: tuple[str, ...]
    window: FloatArray  # [members, days] wall-clock hours worked on each day
    focus: FloatArray  # [members] hours of item work per wall-clock hour
    cumulative: FloatArray  # [members, days + 1] item-work hours available before each day
    next_working_day: IntArray  # [members, days + 1] first day ≥ d with hours, else `days`
    team_working: npt.NDArray[np.bool_]  # [days] a working day of the team calendar

    def working_days_between(self, first: int, last: int) -> int:
        """Team working days d with first < d ≤ last (negative when last < first)."""
        lo, hi = sorted((first, last))
        lo, hi = max(lo, -1), min(hi, self.days - 1)
        count = int(np.count_nonzero(self.team_working[lo + 1 : hi + 1])) if hi > lo else 0
        return count if last >= first else -count

    def add_working_days(self, day: int, count: int) -> int:
        """The day `count` team working days after `day` (before it when negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += step
            if day < 0 or day >= self.days or self.team_working[day]:
                remaining -= 1
        return day

    @property
    def days(self) -> int:
        return int(self.window.shape[1])

    def day_of(self, date: dt.date) -> int:
        return (date - self.start).days

    def date_of(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def work_hours(self) -> FloatArray:
        """[members, days] hours of item work each member can do each day."""
        return self.window * self.focus[:, None]

    def finish_moment(self, member: int, start: float, effort: float) -> float:
        """When `effort` hours of work started at moment `start` end (inf past the horizon).

        The scalar twin of simulate's vectorised version; the reference scheduler uses it.
        """
        day = int(start // DAY_SPAN)
        hour = start - day * DAY_SPAN
        focus = float(self.focus[member])
        row = self.cumulative[member]
        target = row[day] + focus * min(hour, float(self.window[member, day])) + effort
        end_day = int(np.searchsorted(row[1:], target - EPSILON_HOURS, side="left"))
        end_day = max(end_day, day)
        if end_day >= self.days:
            return math.inf
        end_hour = (target - row[end_day]) / focus
        end_hour = min(max(end_hour, hour if end_day == day else 0.0), self.window[member, end_day])
        return snap_one(end_day * DAY_SPAN + end_hour)


def public_holidays(country: str, region: str | None, start: dt.date, days: int) -> set[dt.date]:
    """Public holidays from the `holidays` package (offline data shipped with it)."""
    end = start + dt.timedelta(days=days)
    return set(_holidays_in_years(country, region, start.year, end.year))


@functools.cache
def _holidays_in_years(
    country: str, region: str | None, first: int, last: int
) -> frozenset[dt.date]:
    # Cached: compromises rebuild capacity for many start dates of the same team.
    import holidays

    calendar = holidays.country_holidays(country, subdiv=region, years=range(first, last + 1))
    return frozenset(calendar.keys())


def _member_window(
    member: Member, team: Team, start: dt.date, days: int, closed: npt.NDArray[np.bool_]
) -> FloatArray:
    hours = (member.hours_per_day or team.calendar.hours_per_day) * member.allocation
    open_ = ~closed  # a new array: the team calendar stays as it is
    if member.joins is not None:
        open_[: max(0, min(days, (member.joins - start).days))] = False
    if member.leaves is not None:
        open_[max(0, (member.leaves - start).days + 1) :] = False
    for first, last in member.time_off:
        lo, hi = (first - start).days, (last - start).days + 1
        open_[max(0, lo) : max(0, min(days, hi))] = False
    window = np.where(open_, hours, 0.0)
    if member.ramp_up_weeks:
        # A new member at reduced speed does proportionally less in a day; modelled as a
        # shorter window so that everything downstream stays one rate per member.
        joined = (member.joins - start).days if member.joins is not None else 0
        lo, hi = max(0, joined), max(0, min(days, joined + 7 * member.ramp_up_weeks))
        window[lo:hi] *= member.ramp_up_speed
    return window


def build_capacity(team: Team, start: dt.date) -> Capacity:
    """The team's capacity from `start` to the horizon, on the real calendar."""
    days = horizon_days(start)
    workdays = [WEEKDAYS.index(name) for name in team.calendar.workdays]
    off = set(team.calendar.holidays)
    if team.calendar.country:
        off |= public_holidays(team.calendar.country, team.calendar.region, start, days)
    closed = ~np.isin((start.weekday() + np.arange(days)) % 7, workdays)
    closed[[d for day in off if 0 <= (d := (day - start).days) < days]] = True
    window = np.array(
        [_member_window(m, team, start, days, closed) for m in team.members], dtype=np.float64
    )
    focus = np.array(
        [m.focus if m.focus is not None else team.calendar.focus for m in team.members],
        dtype=np.float64,
    )
    cumulative = np.zeros((len(team.members), days + 1))
    np.cumsum(window * focus[:, None], axis=1, out=cumulative[:, 1:])
    next_working_day = np.full((len(team.members), days + 1), days, dtype=np.int64)
    for m in range(len(team.members)):
        working = np.flatnonzero(window[m] > 0)
        # For each day, the index of the first working day at or after it.
        positions = np.searchsorted(working, np.arange(days + 1), side="left")
        has_next = positions < working.size
        next_working_day[m, has_next] = working[positions[has_next]]
    team_working = ~closed
    for array in (window, focus, cumulative, next_working_day, team_working):
        array.setflags(write=False)
    return Capacity(
        start=start,
        members=tuple(m.name for m in team.members),
        window=window,
        focus=focus,
        cumulative=cumulative,
        next_working_day=next_working_day,
        team_working=team_working,
    )
