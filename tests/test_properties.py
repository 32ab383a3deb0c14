"""Invariants on random projects: the engine keeps calendar and rules, like the reference."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MONDAY, make_plan
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.network import build_network
from promisecheck.engine.reference import reference_schedule
from promisecheck.engine.sampling import sample_efforts
from promisecheck.engine.simulate import run_engine, simulate
from promisecheck.inputs.model import Plan

SKILLS = ["backend", "frontend", "qa"]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    member_count = draw(st.integers(1, 4))
    members: list[dict[str, Any]] = []
    for m in range(member_count):
        member: dict[str, Any] = {
            "name": f"m{m}",
            "skills": draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True)),
            "allocation": draw(st.sampled_from([1.0, 0.5, 0.8, 0.3])),
        }
        if draw(st.booleans()):
            first = MONDAY + dt.timedelta(days=draw(st.integers(0, 20)))
            member["time_off"] = [(first, first + dt.timedelta(days=draw(st.integers(0, 6))))]
        if draw(st.integers(0, 4)) == 0:
            member["joins"] = MONDAY + dt.timedelta(days=draw(st.integers(1, 10)))
        if draw(st.integers(0, 3)) == 0:
            member["focus"] = draw(st.sampled_from([0.7, 0.85]))
        members.append(member)
    holders = {s for m in members for s in m["skills"]}
    item_count = draw(st.integers(1, 9))
    items: list[dict[str, Any]] = []
    for i in range(item_count):
        skill = draw(st.sampled_from(sorted(holders)))
        low = draw(st.integers(1, 16))
        estimate: Any = draw(
            st.one_of(
                st.just(float(low)),
                st.tuples(st.just(low), st.integers(low, low + 8), st.integers(low + 9, low + 40)),
            )
        )
        item: dict[str, Any] = {
            "id": f"i{i}",
            "skill": skill,
            "estimate": estimate,
            "priority": draw(st.sampled_from(["must", "should", "could"])),
        }
        if i:
            item["depends_on"] = draw(
                st.lists(st.sampled_from([f"i{k}" for k in range(i)]), max_size=2, unique=True)
            )
        if draw(st.integers(0, 5)) == 0:
            item["assignee"] = draw(
                st.sampled_from([m["name"] for m in members if skill in m["skills"]])
            )
        items.append(item)
    workdays = draw(st.sampled_from([None, ["mon", "tue", "wed", "thu"]]))
    calendar: dict[str, Any] = {"holidays": [MONDAY + dt.timedelta(days=2)]}
    if workdays:
        calendar["workdays"] = workdays
    return make_plan(items, members, calendar=calendar)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans(), st.integers(0, 2**32 - 1))
def test_engine_obeys_calendar_and_rules_and_matches_reference(
    engine: str, plan: Plan, seed: int
) -> None:
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, 24, seed, capacity=capacity)
    items = plan.spec.items
    index = {item.id: i for i, item in enumerate(items)}
    assert np.isfinite(result.finish).all()
    for n in range(result.trials):
        ref = reference_schedule(items, plan.team.members, capacity, result.efforts[n])
        assert ref.start == tuple(result.start[n])
        assert ref.finish == tuple(result.finish[n])
        assert ref.member == tuple(result.member[n])
        for i, item in enumerate(items):
            m = int(result.member[n, i])
            start, end = result.start[n, i], result.finish[n, i]
            day = int(start // DAY_SPAN)
            hour = start - day * DAY_SPAN
            # Starts inside the member's working window of that day.
            assert capacity.window[m, day] > hour

            # Hours worked between start and finish equal the sampled effort: work only
            # happens in working windows, never beyond the daily hours.
            def position(t: float, m: int = m) -> float:
                d = int(t // DAY_SPAN)
                h = t - d * DAY_SPAN
                return float(
                    capacity.cumulative[m, d] + capacity.focus[m] * min(h, capacity.window[m, d])
                )

            assert abs(position(end) - position(start) - result.efforts[n, i]) < 1e-5
            for dep in item.depends_on:
                assert start >= result.finish[n, index[dep]]
            if item.assignee is not None:
                assert plan.team.members[m].name == item.assignee
            else:
                assert item.skill in plan.team.members[m].skills
        # One item at a time per member.
        for m in range(len(plan.team.members)):
            mine = sorted(
                (result.start[n, i], result.finish[n, i])
                for i in range(len(items))
                if result.member[n, i] == m
            )
            for (_, end_a), (start_b, _) in itertools.pairwise(mine):
                assert start_b >= end_a


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans(), st.integers(0, 2**32 - 1), st.data())
def test_engine_hooks_match_the_reference(
    engine: str, plan: Plan, seed: int, data: st.DataObject
) -> None:
    """release, present and order (the portfolio's hooks) mean the same in both engines."""
    items = plan.spec.items
    count = len(items)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    trials = 12
    release = np.array(
        [data.draw(st.sampled_from([0.0, 2 * DAY_SPAN, 3 * DAY_SPAN + 4.0])) for _ in items]
    )
    order = np.array([data.draw(st.integers(0, 3)) for _ in items])
    present = np.array(
        data.draw(st.lists(st.booleans(), min_size=trials * count, max_size=trials * count))
    ).reshape(trials, count)
    network = build_network(items, plan.team.members)
    efforts = sample_efforts(items, "pert", trials, seed)
    result = run_engine(network, capacity, efforts, release=release, present=present, order=order)
    for n in range(trials):
        ref = reference_schedule(
            items,
            plan.team.members,
            capacity,
            efforts[n],
            release=release.tolist(),
            present=present[n].tolist(),
            order=order.tolist(),
        )
        assert ref.start == tuple(result.start[n])
        assert ref.finish == tuple(result.finish[n])
        assert ref.member == tuple(result.member[n])
        for i in range(count):
            assert result.start[n, i] >= release[i]
            if not present[n, i]:
                assert result.member[n, i] == -1
                assert result.finish[n, i] == result.start[n, i] == release[i]
