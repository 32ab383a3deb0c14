"""Shared builders: small plans written in code, so each test shows its whole input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from promisecheck.inputs.model import CalendarSettings, Item, Member, Plan, Project, Spec, Team

MONDAY = dt.date(2027, 1, 4)


def make_plan(
    items: list[dict[str, Any]],
    members: list[dict[str, Any]],
    *,
    start: dt.date = MONDAY,
    deadline: dt.date | None = None,
    calendar: dict[str, Any] | None = None,
    **project: Any,
) -> Plan:
    return Plan(
        spec=Spec(
            project=Project(
                name="Test",
                start=start,
                deadline=deadline or start + dt.timedelta(days=27),
                **project,
            ),
            items=tuple(Item(**item) for item in items),
        ),
        team=Team(
            calendar=CalendarSettings(**(calendar or {})),
            members=tuple(Member(**member) for member in members),
        ),
    )


ENGINES = ("numpy", "numba", "native")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once on each engine (PROMISECHECK_ENGINE forces the choice)."""
    name: str = request.param
    monkeypatch.setenv("PROMISECHECK_ENGINE", name)
    return name
