"""The models: estimate shapes, defaults, range checks, strict types, immutability."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from promisecheck.inputs.model import (
    INVALID,
    CalendarSettings,
    Item,
    Member,
    Project,
    Spec,
    Team,
)

START = dt.date(2027, 1, 4)


def item(**fields: Any) -> Item:
    return Item.model_validate({"id": "a", "skill": "backend", "estimate": 8, **fields})


def only_error(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    errors = exc.value.errors()
    assert len(errors) == 1, errors
    return dict(errors[0])


def user_message(error: dict[str, Any]) -> str:
    assert error["type"] == INVALID
    return str(error["ctx"]["message"])


# --- estimates ----------------------------------------------------------------------------


def test_a_number_is_an_exact_estimate() -> None:
    exact = item(estimate=12)
    assert exact.estimate == 12.0
    assert (exact.low, exact.likely, exact.high) == (12.0, 12.0, 12.0)


def test_three_numbers_are_low_likely_high() -> None:
    ranged = item(estimate=[4, 8.5, 20])
    assert ranged.estimate == (4.0, 8.5, 20.0)
    assert (ranged.low, ranged.likely, ranged.high) == (4.0, 8.5, 20.0)


def test_a_range_may_start_at_zero() -> None:
    assert item(estimate=[0, 0, 4]).high == 4.0


@pytest.mark.parametrize(
    ("estimate", "expected_start"),
    [
        (True, "got true; expected hours"),
        ([8, 16], "got [8, 16]; expected hours"),
        ([1, 2, 3, 4], "got [1, 2, 3, 4]; expected hours"),
        ("8", 'got "8"; expected hours'),
        ([1, True, 3], "got [1, true, 3]; expected hours"),
        (float("nan"), "got nan; expected hours"),
        (0, "got 0; expected hours above 0"),
        (-3, "got -3; expected hours above 0"),
        ([-1, 2, 3], "got [-1, 2, 3]; expected hours of 0 or more"),
        ([5, 3, 8], "got [5, 3, 8]; expected [low, likely, high] with low ≤ likely ≤ high"),
        ([1, 2, 1.5], "got [1, 2, 1.5]; expected [low, likely, high]"),
        ([0, 0, 0], "got [0, 0, 0]; expected a high estimate above 0 hours"),
    ],
)
def test_bad_estimates_get_one_message(estimate: object, expected_start: str) -> None:
    with pytest.raises(ValidationError) as raised:
        item(estimate=estimate)
    error = only_error(raised)
    assert error["loc"] == ("estimate",)
    assert user_message(error).startswith(expected_start)


def test_a_pair_is_told_a_range_has_three_numbers() -> None:
    with pytest.raises(ValidationError) as raised:
        item(estimate=[8, 16])
    assert only_error(raised)["ctx"]["hint"] == "a range has three numbers: [low, likely, high]"


def test_an_unordered_range_suggests_the_sorted_one() -> None:
    with pytest.raises(ValidationError) as raised:
        item(estimate=[32, 24, 48])
    assert only_error(raised)["ctx"]["hint"] == "did you mean [24, 32, 48]?"


# --- defaults -----------------------------------------------------------------------------


def test_project_defaults() -> None:
    project = Project.model_validate({"name": "P", "start": START, "deadline": START})
    assert project.target_confidence == 0.85
    assert project.distribution == "pert"
    assert (project.client, project.price, project.currency, project.team) == (None,) * 4


def test_item_defaults() -> None:
    plain = item()
    assert plain.priority == "must"
    assert plain.depends_on == ()
    assert (plain.title, plain.assignee, plain.value) == (None, None, None)


def test_calendar_defaults() -> None:
    calendar = Team.model_validate({"members": [{"name": "Ana"}]}).calendar
    assert calendar == CalendarSettings()
    assert calendar.workdays == ("mon", "tue", "wed", "thu", "fri")
    assert calendar.hours_per_day == 8
    assert calendar.focus == 1.0
    assert calendar.holidays == ()
    assert (calendar.country, calendar.region) == (None, None)


def test_member_defaults() -> None:
    member = Member.model_validate({"name": "Ana"})
    assert member.allocation == 1.0
    assert member.skills == ()
    assert member.time_off == ()
    assert (member.hours_per_day, member.focus, member.rate) == (None, None, None)
    assert (member.joins, member.leaves) == (None, None)


# --- rules within one table ---------------------------------------------------------------


def test_an_item_needs_a_skill_or_an_assignee() -> None:
    assert Item.model_validate({"id": "a", "estimate": 1, "assignee": "Ana"}).skill is None
    with pytest.raises(ValidationError) as raised:
        Item.model_validate({"id": "a", "estimate": 1})
    assert user_message(only_error(raised)) == "missing key `skill`"


def test_deadline_before_start_is_reported_on_the_deadline() -> None:
    with pytest.raises(ValidationError) as raised:
        Project.model_validate(
            {"name": "P", "start": START, "deadline": START - dt.timedelta(days=1)}
        )
    error = only_error(raised)
    assert error["loc"] == ("deadline",)
    assert user_message(error).startswith("2027-01-03 is before the start, 2027-01-04")


def test_deadline_on_the_start_day_is_allowed() -> None:
    assert (
        Project.model_validate({"name": "P", "start": START, "deadline": START}).deadline == START
    )


def test_a_reversed_time_off_range_is_located_by_its_index() -> None:
    ok = [START, START]
    reversed_ = [START + dt.timedelta(days=4), START]
    with pytest.raises(ValidationError) as raised:
        Member.model_validate({"name": "Ana", "time_off": [ok, reversed_]})
    error = only_error(raised)
    assert error["loc"] == ("time_off", 1)
    assert error["ctx"]["hint"] == "did you mean [2027-01-04, 2027-01-08]?"


def test_time_off_written_as_one_flat_range_gets_one_message() -> None:
    with pytest.raises(ValidationError) as raised:
        Member.model_validate({"name": "Ana", "time_off": [START, START]})
    error = only_error(raised)
    assert error["loc"] == ("time_off",)
    assert error["ctx"]["hint"] == "write time_off = [[2027-01-04, 2027-01-04]] for one range"


def test_leaves_before_joins_is_reported_on_leaves() -> None:
    with pytest.raises(ValidationError) as raised:
        Member.model_validate({"name": "Ana", "joins": START, "leaves": dt.date(2027, 1, 1)})
    assert only_error(raised)["loc"] == ("leaves",)


@pytest.mark.parametrize(
    ("key", "value"),
    [("allocation", 0), ("allocation", 1.01), ("focus", 0), ("focus", 80), ("hours_per_day", 0)],
)
def test_member_shares_and_hours_are_bounded(key: str, value: float) -> None:
    with pytest.raises(ValidationError) as raised:
        Member.model_validate({"name": "Ana", key: value})
    assert only_error(raised)["loc"] == (key,)


@pytest.mark.parametrize(("key", "value"), [("allocation", 1), ("focus", 1), ("hours_per_day", 24)])
def test_upper_bounds_are_inclusive(key: str, value: float) -> None:
    assert getattr(Member.model_validate({"name": "Ana", key: value}), key) == value


def test_hours_per_day_above_24_is_rejected() -> None:
    with pytest.raises(ValidationError):
        CalendarSettings.model_validate({"hours_per_day": 24.5})


# --- strict types: TOML has real numbers and dates ----------------------------------------


@pytest.mark.parametrize("value", ["0.5", True])
def test_numbers_are_not_coerced(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        Member.model_validate({"name": "Ana", "allocation": value})
    assert only_error(raised)["type"] == "float_type"


@pytest.mark.parametrize("value", ["2027-01-04", dt.datetime(2027, 1, 4, 9, 0), 0])
def test_dates_are_not_coerced(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        Project.model_validate({"name": "P", "start": value, "deadline": START})
    assert only_error(raised)["loc"] == ("start",)


def test_integers_are_numbers() -> None:
    assert Member.model_validate({"name": "Ana", "rate": 95}).rate == 95.0


# --- shape of the values ------------------------------------------------------------------


def test_models_are_frozen() -> None:
    plain = item()
    with pytest.raises(ValidationError):
        plain.estimate = 3  # type: ignore[misc]


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        item(depnds_on=["b"])
    error = only_error(raised)
    assert (error["type"], error["loc"]) == ("extra_forbidden", ("depnds_on",))


def test_a_spec_needs_at_least_one_item() -> None:
    project = {"name": "P", "start": START, "deadline": START}
    with pytest.raises(ValidationError) as raised:
        Spec.model_validate({"project": project, "items": []})
    assert only_error(raised)["loc"] == ("items",)


def test_a_team_needs_at_least_one_member() -> None:
    with pytest.raises(ValidationError) as raised:
        Team.model_validate({"members": []})
    assert only_error(raised)["loc"] == ("members",)


def test_a_range_written_as_text_gets_a_hint_in_toml(tmp_path: Path) -> None:
    from promisecheck.errors import InputError
    from promisecheck.inputs.loading import load_spec

    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[project]\nname = "x"\nstart = 2027-01-04\ndeadline = 2027-02-26\n'
        '[[items]]\nid = "a"\nskill = "x"\nestimate = "24-40"\n'
    )
    with pytest.raises(InputError) as raised:
        load_spec(spec)
    hint = raised.value.problems[0].hint
    assert hint == "write a range as [low, likely, high], e.g. [24, 32, 40]"
