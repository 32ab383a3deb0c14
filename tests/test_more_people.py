"""Issue 9's promise on the shipped, realistic teams (part-timers, time off, shared skills):
a member removed does not raise the on-time probability; a full-time member added, or
optional scope deferred, does not lower it.

Finish-first is a greedy list schedule, and such schedules have anomalies (README, "What is
and is not guaranteed"), so each comparison allows three standard errors of the paired
difference (common random numbers: the same seed, so the same draws per item). A
difference that is zero in every trial allows nothing. The one anomaly these teams show is
kept as a strict expected failure, so that a rule that mends it shows up.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.forecast import run_plan
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import Member, Plan
from promisecheck.inputs.scenarios import dependents

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEAMS = {
    "webshop": EXAMPLES / "webshop" / "spec.toml",
    "acme-shop": EXAMPLES / "ci" / "proposals" / "acme-shop" / "spec.toml",
    "city-portal": EXAMPLES / "ci" / "proposals" / "city-portal" / "spec.toml",
}
TRIALS = 1000
SEED = 3


def on_time(plan: Plan) -> npt.NDArray[np.bool_]:
    capacity = build_capacity(plan.team, plan.spec.project.start)
    _, result = run_plan(plan, capacity, TRIALS, SEED, None)
    kept: npt.NDArray[np.bool_] = result.finish_days.max(axis=1) <= capacity.day_of(
        plan.spec.project.deadline
    )
    return kept


def margin(before: npt.NDArray[np.bool_], after: npt.NDArray[np.bool_]) -> float:
    """Three standard errors of the mean paired difference."""
    change = after.astype(float) - before.astype(float)
    return 3 * float(change.std(ddof=1)) / math.sqrt(change.size)


def without(plan: Plan, name: str) -> Plan:
    members = tuple(m for m in plan.team.members if m.name != name)
    return plan.model_copy(update={"team": plan.team.model_copy(update={"members": members})})


def removable() -> list[tuple[str, str]]:
    """(team, member) where the rest still covers every skill and nobody is an assignee."""
    found = []
    for team, path in TEAMS.items():
        plan = load(path)
        needed = {i.skill for i in plan.spec.items if i.skill}
        pinned = {i.assignee for i in plan.spec.items if i.assignee}
        for member in plan.team.members:
            rest = {s for m in plan.team.members if m is not member for s in m.skills}
            if member.name not in pinned and needed <= rest:
                found.append((team, member.name))
    return found


# At Acme shop Ines takes `checkout` (planned to end Mon 3 May, before her week off from
# 10 May); when it runs long, in about 8 % of trials, her week off lands on the critical
# chain and every such trial is late. Without her, Jan (never off) does it: 67 % with her,
# 70 % without (seed 3). A lead judging by the planned hours makes the same choice.
ANOMALIES = {("acme-shop", "Ines")}


@pytest.mark.parametrize(
    ("team", "name"),
    [
        pytest.param(
            team,
            name,
            marks=pytest.mark.xfail(strict=True, reason="a greedy-schedule anomaly, see above")
            if (team, name) in ANOMALIES
            else (),
        )
        for team, name in removable()
    ],
)
def test_removing_a_member_does_not_raise_the_odds(team: str, name: str) -> None:
    plan = load(TEAMS[team])
    before, after = on_time(plan), on_time(without(plan, name))
    assert after.mean() <= before.mean() + margin(before, after)


@pytest.mark.parametrize("team", list(TEAMS))
def test_a_full_time_member_added_does_not_lower_the_odds(team: str) -> None:
    plan = load(TEAMS[team])
    before = on_time(plan)
    for skill in sorted({i.skill for i in plan.spec.items if i.skill}):
        members = (*plan.team.members, Member(name=f"New {skill}", skills=(skill,)))
        hired = plan.model_copy(update={"team": plan.team.model_copy(update={"members": members})})
        after = on_time(hired)
        assert after.mean() >= before.mean() - margin(before, after), skill


@pytest.mark.parametrize("team", list(TEAMS))
def test_deferring_optional_scope_does_not_lower_the_odds(team: str) -> None:
    plan = load(TEAMS[team])
    before = on_time(plan)
    deferred = 0
    for item in plan.spec.items:
        gone = set(dependents(plan.spec, [item.id]))
        if any(i.priority == "must" for i in plan.spec.items if i.id in gone):
            continue
        kept = tuple(
            i.model_copy(update={"depends_on": tuple(d for d in i.depends_on if d not in gone)})
            for i in plan.spec.items
            if i.id not in gone
        )
        smaller = plan.model_copy(update={"spec": plan.spec.model_copy(update={"items": kept})})
        after = on_time(smaller)
        assert after.mean() >= before.mean() - margin(before, after), item.id
        deferred += 1
    assert deferred or team != "webshop"  # the web shop has optional items to try
