"""Capacity on the real calendar: workdays, holidays, time off, joins/leaves, focus."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import MONDAY
from promisecheck.engine.calendar import DAY_SPAN, build_capacity, horizon_days
from promisecheck.inputs.model import CalendarSettings, Member, Team


def capacity_of(member: dict[str, object], **calendar: object):  # type: ignore[no-untyped-def]
    team = Team(calendar=CalendarSettings(**calendar), members=(Member(name="A", **member),))
    return build_capacity(team, MONDAY)


def test_weekends_are_off_and_weekdays_full() -> None:
    cap = capacity_of({})
    assert list(cap.window[0, :7]) == [8, 8, 8, 8, 8, 0, 0]


def test_allocation_and_hours_per_day_set_the_window() -> None:
    cap = capacity_of({"allocation": 0.5, "hours_per_day": 6})
    assert cap.window[0, 0] == 3.0


def test_team_holiday_time_off_joins_and_leaves() -> None:
    cap = capacity_of(
        {
            "time_off": [(dt.date(2027, 1, 12), dt.date(2027, 1, 13))],
            "joins": dt.date(2027, 1, 5),
            "leaves": dt.date(2027, 1, 14),
        },
        holidays=[dt.date(2027, 1, 7)],
    )
    # Mon 4 (before joining) … Fri 15 (after leaving)
    assert list(cap.window[0, :12]) == [0, 8, 8, 0, 8, 0, 0, 8, 0, 0, 8, 0]


def test_public_holidays_come_from_the_country_and_region() -> None:
    # 6 January (Epiphany) is a public holiday in Bavaria, not in Berlin.
    bavaria = capacity_of({}, country="DE", region="BY")
    berlin = capacity_of({}, country="DE", region="BE")
    assert bavaria.window[0, 2] == 0
    assert berlin.window[0, 2] == 8


def test_four_day_week() -> None:
    cap = capacity_of({}, workdays=["mon", "tue", "wed", "thu"])
    assert list(cap.window[0, :7]) == [8, 8, 8, 8, 0, 0, 0]


def test_cumulative_work_hours_include_focus() -> None:
    cap = capacity_of({}, focus=0.8)
    assert cap.cumulative[0, 5] == pytest.approx(32.0)
    assert cap.next_working_day[0, 5] == 7  # Saturday → Monday


def test_32_hours_at_focus_08_end_exactly_at_the_end_of_day_5() -> None:
    cap = capacity_of({}, focus=0.8)
    end = cap.finish_moment(0, 0.0, 32.0)
    assert end == 4 * DAY_SPAN + 8.0


def test_finish_within_the_same_day_and_across_a_weekend() -> None:
    cap = capacity_of({})
    assert cap.finish_moment(0, 2.0, 3.0) == 5.0
    # Friday at hour 6 plus 4 hours: 2 on Friday, 2 on Monday.
    assert cap.finish_moment(0, 4 * DAY_SPAN + 6.0, 4.0) == 7 * DAY_SPAN + 2.0


def test_work_past_the_horizon_never_finishes() -> None:
    cap = capacity_of({"leaves": dt.date(2027, 1, 8)})
    assert cap.finish_moment(0, 0.0, 41.0) == float("inf")


def test_horizon_is_ten_years_also_from_29_february() -> None:
    assert horizon_days(dt.date(2027, 1, 4)) == (dt.date(2037, 1, 4) - dt.date(2027, 1, 4)).days
    assert horizon_days(dt.date(2028, 2, 29)) == (dt.date(2038, 2, 28) - dt.date(2028, 2, 29)).days


def test_day_of_and_date_of_are_inverse_from_the_start() -> None:
    cap = capacity_of({})
    assert cap.day_of(MONDAY) == 0
    assert cap.day_of(MONDAY + dt.timedelta(days=10)) == 10
    assert cap.day_of(MONDAY - dt.timedelta(days=3)) == -3
    assert cap.date_of(10) == MONDAY + dt.timedelta(days=10)
    assert cap.date_of(cap.day_of(dt.date(2027, 3, 26))) == dt.date(2027, 3, 26)


def test_working_days_between_counts_team_days_after_first_up_to_last() -> None:
    """What the compromise menu's 'moves the date by N working days' rests on."""
    cap = capacity_of({}, holidays=[dt.date(2027, 1, 6)])  # day 0 is Monday 4 January
    assert cap.working_days_between(0, 0) == 0
    assert cap.working_days_between(0, 1) == 1
    assert cap.working_days_between(0, 4) == 3  # Tue, Thu, Fri (Wednesday a holiday)
    assert cap.working_days_between(0, 7) == 4  # the weekend does not count, Monday does
    assert cap.working_days_between(7, 0) == -4
    assert cap.working_days_between(-1, 0) == 1  # the first day itself, from before it
    assert cap.working_days_between(-9, 1) == 2  # days before the calendar count as none
    end = cap.days - 1
    assert cap.working_days_between(end - 7, end + 30) == cap.working_days_between(end - 7, end)


def test_add_working_days_skips_days_off_both_ways() -> None:
    cap = capacity_of({}, holidays=[dt.date(2027, 1, 6)])
    assert cap.add_working_days(0, 0) == 0
    assert cap.add_working_days(0, 1) == 1
    assert cap.add_working_days(1, 1) == 3  # over the Wednesday holiday
    assert cap.add_working_days(4, 1) == 7  # Friday to Monday
    assert cap.add_working_days(7, -1) == 4
    assert cap.add_working_days(3, -2) == 0
    assert cap.add_working_days(0, -2) == -2  # before the calendar every day counts
    end = cap.days - 1
    assert cap.add_working_days(end, 3) == end + 3  # and past its end


def test_joins_leaves_and_time_off_outside_the_calendar_are_clipped() -> None:
    before = MONDAY - dt.timedelta(days=10)
    joined_earlier = capacity_of({"joins": before})
    assert joined_earlier.window[0, 0] == 8
    left_earlier = capacity_of({"leaves": before})
    assert left_earlier.window[0].sum() == 0
    away = capacity_of({"time_off": [(before, MONDAY + dt.timedelta(days=1))]})
    assert list(away.window[0, :3]) == [0, 0, 8]


def test_ramp_up_slows_the_first_weeks_from_joining_or_from_the_start() -> None:
    ramp: dict[str, object] = {"ramp_up_weeks": 2, "ramp_up_speed": 0.5}
    new = capacity_of({**ramp, "joins": MONDAY + dt.timedelta(days=2)})
    assert list(new.window[0, :3]) == [0, 0, 4]  # joins Wednesday, at half speed
    assert new.window[0, 15] == 4  # Friday of the second week: still ramping up
    assert new.window[0, 16] == 8  # two weeks after joining: full speed
    there = capacity_of(ramp)
    assert there.window[0, 11] == 4 and there.window[0, 14] == 8


def test_a_few_minutes_a_day_are_still_working_days() -> None:
    cap = capacity_of({"allocation": 0.1})  # 0.8 h a day
    assert cap.next_working_day[0, 0] == 0
    assert cap.next_working_day[0, 5] == 7


def test_capacity_cannot_be_changed_once_built() -> None:
    """Commands share one Capacity across many runs: a write would leak between them."""
    cap = capacity_of({})
    for array in (cap.window, cap.cumulative, cap.next_working_day, cap.focus):
        with pytest.raises(ValueError):
            array[0] = 1
    with pytest.raises(ValueError):
        cap.team_working[0] = False


def test_working_days_at_the_edges_of_the_calendar() -> None:
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cap = capacity_of({}, workdays=every_day)
    end = cap.days - 1
    assert cap.working_days_between(end - 1, end) == 1  # the horizon's last day counts
    assert cap.working_days_between(end - 3, end + 5) == 3  # days past it do not
    closed = capacity_of({}, holidays=[MONDAY])  # day 0 itself is off
    assert closed.add_working_days(2, -2) == -1  # Tuesday, then before the calendar
    assert closed.working_days_between(-1, 1) == 1


def test_what_lies_wholly_before_the_start_leaves_the_first_day_alone() -> None:
    long_ago = MONDAY - dt.timedelta(days=60)
    away = capacity_of({"time_off": [(long_ago, MONDAY - dt.timedelta(days=1))]})
    assert away.window[0, 0] == 8
    ramped = capacity_of({"joins": long_ago, "ramp_up_weeks": 2, "ramp_up_speed": 0.5})
    assert ramped.window[0, 0] == 8
    fresh = capacity_of({"ramp_up_weeks": 1, "ramp_up_speed": 0.5})
    assert list(fresh.window[0, :8]) == [4, 4, 4, 4, 4, 0, 0, 8]


def test_holidays_before_the_start_or_past_the_horizon_are_ignored() -> None:
    days = horizon_days(MONDAY)
    edges = [MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=days)]
    plain = capacity_of({})
    cap = capacity_of({}, holidays=[*edges, MONDAY + dt.timedelta(days=days - 1)])
    assert cap.days == plain.days == days
    assert (cap.window[0, :-1] == plain.window[0, :-1]).all()
    assert cap.window[0, -1] == 0  # the last day of the horizon is a holiday like any other
