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
