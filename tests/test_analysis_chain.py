"""Analysis: who and what holds the critical chain, and whose time off or part time sets the
date, counted by hand on small schedules (MONDAY is Mon 4 Jan 2027)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from conftest import MONDAY, make_plan
from promisecheck.assess.analysis import (
    Assessment,
    MemberLoad,
    SkillLoad,
    assess,
    chain_shares,
    walk_chain,
)
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.network import build_network
from promisecheck.engine.simulate import SimulationResult, simulate
from promisecheck.inputs.model import Plan, Risk
from promisecheck.report._kit import words
from promisecheck.report.estimate import json as json_report
from test_properties import plans


def assessed(plan: Plan, trials: int = 20) -> Assessment:
    capacity = build_capacity(plan.team, plan.spec.project.start)
    return assess(plan, simulate(plan, trials, 0, capacity=capacity), capacity, seed=0)


def member(a: Assessment, name: str) -> MemberLoad:
    return next(m for m in a.members if m.name == name)


def skill(a: Assessment, name: str) -> SkillLoad:
    return next(s for s in a.skills if s.skill == name)


def chain_of_three(time_off: list[list[dt.date]]) -> Plan:
    return make_plan(
        [
            {"id": "a", "skill": "x", "estimate": 40},
            {"id": "b", "skill": "x", "estimate": 40, "depends_on": ["a"]},
            {"id": "c", "skill": "x", "estimate": 40, "depends_on": ["b"]},
        ],
        [{"name": "Ana", "skills": ["x"], "time_off": time_off}],
        deadline=dt.date(2027, 3, 26),
    )


def test_a_holiday_in_the_middle_of_one_persons_chain_is_on_it_in_every_trial() -> None:
    # a Mon 4 - Fri 8 Jan; Ana off Mon 11 - Fri 15; b 18-22; c 25-29 Jan. The chain is 20
    # team working days: 15 worked, and b waits 5 for Ana. The second holiday comes after
    # the finish, the third falls on a weekend only.
    holiday = [dt.date(2027, 1, 11), dt.date(2027, 1, 15)]
    later = [dt.date(2027, 2, 8), dt.date(2027, 2, 12)]
    weekend = [dt.date(2027, 1, 23), dt.date(2027, 1, 24)]
    a = assessed(chain_of_three([holiday, later, weekend]))
    assert a.finish["p50"] == dt.date(2027, 1, 29)
    ana = member(a, "Ana")
    assert ana.chain_working == pytest.approx(15 / 20)
    assert ana.chain_waiting == pytest.approx(5 / 20)
    assert ana.chain_trials == 1.0
    assert ana.chain_skill == "x"
    assert ana.bottleneck
    assert [(t.first, t.last, t.trials) for t in ana.time_off] == [
        (dt.date(2027, 1, 11), dt.date(2027, 1, 15), 1.0),
        (dt.date(2027, 2, 8), dt.date(2027, 2, 12), 0.0),
        (dt.date(2027, 1, 23), dt.date(2027, 1, 24), 0.0),
    ]
    assert skill(a, "x").chain_share == pytest.approx(1.0)


def test_a_holiday_that_ends_the_day_before_the_chain_starts_is_not_on_it() -> None:
    a = assessed(chain_of_three([[dt.date(2027, 1, 1), dt.date(2027, 1, 3)]]))
    assert member(a, "Ana").time_off[0].trials == 0.0
    assert member(a, "Ana").chain_waiting == 0.0


def two_people() -> Plan:
    # Dee designs d1 (Mon-Tue 4-5 Jan), then d2 on her own (Wed 6 - Thu 14 Jan). Ana
    # builds a1 (6-12 Jan) and a2 (13-19 Jan) after d1; Ben could too but they are pinned
    # to Ana. The chain d1 → a1 → a2 is 12 team working days: Dee 2, Ana 10.
    return make_plan(
        [
            {"id": "d1", "skill": "design", "estimate": 16},
            {"id": "a1", "skill": "backend", "estimate": 40, "depends_on": ["d1"]},
            {"id": "a2", "skill": "backend", "estimate": 40, "depends_on": ["a1"]},
            {"id": "d2", "skill": "design", "estimate": 56},
        ],
        [
            {"name": "Ana", "skills": ["backend"]},
            {"name": "Ben", "skills": ["backend"]},
            {"name": "Dee", "skills": ["design"]},
        ],
        deadline=dt.date(2027, 1, 29),
    )


def test_of_two_people_the_one_the_chain_waits_on_longest_is_the_bottleneck() -> None:
    plan = two_people()
    items = [dict(i.model_dump(exclude_none=True)) for i in plan.spec.items]
    for item in items[1:3]:
        item["assignee"] = "Ana"
    plan = make_plan(
        items,
        [m.model_dump(exclude_none=True) for m in plan.team.members],
        deadline=dt.date(2027, 1, 29),
    )
    a = assessed(plan)
    assert a.finish["p50"] == dt.date(2027, 1, 19)
    ana, ben, dee = (member(a, n) for n in ("Ana", "Ben", "Dee"))
    shares = (ana.chain_share, dee.chain_share, ben.chain_share)
    assert shares == pytest.approx((10 / 12, 2 / 12, 0))
    assert ana.chain_waiting == 0 and dee.chain_waiting == 0
    assert (ana.chain_skill, dee.chain_skill, ben.chain_skill) == ("backend", "design", None)
    assert [m.name for m in a.members if m.bottleneck] == ["Ana"]
    assert a.bottleneck_member is ana
    # Design has the higher load (72 h on one person, 80 h of backend on two), but the
    # chain waits on backend: the mark follows the chain.
    design, backend = skill(a, "design"), skill(a, "backend")
    assert design.load is not None and backend.load is not None and design.load > backend.load
    assert backend.chain_share == pytest.approx(10 / 12)
    assert design.chain_share == pytest.approx(2 / 12)
    assert a.highest_load is design
    assert a.bottleneck is backend and not design.bottleneck


def test_a_part_timer_on_the_chain_holds_it_in_every_trial() -> None:
    # Pat works 4 h a day: a (16 h) Mon 4 - Thu 7 Jan, ending at noon; b starts Fri 8 and
    # ends Wed 13 at noon. Measured in whole team days the chain is 7.5 long: 7 worked, and
    # Thursday afternoon b waits for Pat. Sam, the other part-timer, is never on it.
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": 16},
            {"id": "b", "skill": "x", "estimate": 16, "depends_on": ["a"]},
            {"id": "s", "skill": "y", "estimate": 4},
        ],
        [
            {"name": "Pat", "skills": ["x"], "allocation": 0.5},
            {"name": "Sam", "skills": ["y"], "allocation": 0.5},
        ],
    )
    a = assessed(plan)
    assert a.finish["p50"] == dt.date(2027, 1, 13)
    pat, sam = member(a, "Pat"), member(a, "Sam")
    assert (pat.allocation, pat.chain_trials, sam.chain_trials) == (0.5, 1.0, 0.0)
    assert pat.chain_working == pytest.approx(7 / 7.5)
    assert pat.chain_waiting == pytest.approx(0.5 / 7.5)
    assert pat.bottleneck and not sam.bottleneck


def test_shares_are_averaged_over_trials_and_count_only_trials_that_finish() -> None:
    # Two trials by hand, one member each on a one-item chain, and a third that never ends.
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 8}],
        [{"name": "Ana", "skills": ["x"]}, {"name": "Ben", "skills": ["x"]}],
    )
    capacity = build_capacity(plan.team, MONDAY)
    end = 8.0
    result = SimulationResult(
        efforts=np.full((3, 1), 8.0),
        start=np.array([[0.0], [DAY_SPAN], [0.0]]),
        finish=np.array([[end], [DAY_SPAN + end], [np.inf]]),
        member=np.array([[0], [1], [0]], dtype=np.int32),
    )
    walk = walk_chain(result, build_network(plan.spec.items, plan.team.members).predecessors)
    shares = chain_shares(plan, result, capacity, walk)
    # Trial 1: Ana works its whole day. Trial 2: Ben starts a day late, so the chain waits
    # for him for half its length.
    assert shares.member_working.tolist() == pytest.approx([0.5, 0.25])
    assert shares.member_waiting.tolist() == pytest.approx([0.0, 0.25])
    assert shares.member_trials.tolist() == pytest.approx([1 / 3, 1 / 3])


def test_nobody_is_the_bottleneck_when_no_trial_finishes() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 8}],
        [{"name": "Ana", "skills": ["x"], "joins": dt.date(2040, 1, 1)}],
    )
    a = assessed(plan)
    assert a.bottleneck is None and a.bottleneck_member is None
    assert member(a, "Ana").chain_share == 0.0


def test_the_json_report_carries_the_chain_numbers() -> None:
    holiday = [dt.date(2027, 1, 11), dt.date(2027, 1, 15)]
    report = json_report.to_dict(assessed(chain_of_three([holiday])))
    (ana,) = report["members"]
    assert (ana["bottleneck"], ana["allocation"], ana["chain_skill"]) == (True, 1.0, "x")
    assert (ana["chain_share"], ana["chain_working"], ana["chain_waiting"]) == (1.0, 0.75, 0.25)
    assert ana["chain_trials"] == 1.0
    assert ana["time_off"] == [{"first": "2027-01-11", "last": "2027-01-15", "chain_trials": 1.0}]
    (x,) = report["skills"]
    assert (x["bottleneck"], x["chain_share"], x["chain_working"]) == (True, 1.0, 0.75)
    assert report["bottleneck"] == {
        "member": "Ana",
        "member_share": 1.0,
        "skill": "x",
        "skill_share": 1.0,
    }
    assert words.what_sets_the_date(assessed(chain_of_three([holiday]))) == [
        "Ana (x) is on the critical chain for 100 % of its length: working 75 %, "
        "waiting for Ana 25 %.",
        "Ana's time off (11–15 Jan 2027) is on the critical chain in 100 % of trials.",
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_the_chain_is_shared_out_whole_among_members_and_skills(plan: Plan) -> None:
    a = assessed(plan, trials=30)
    if a.bottleneck_member is None:
        return
    assert sum(m.chain_share for m in a.members) == pytest.approx(1.0)
    assert sum(s.chain_share for s in a.skills) == pytest.approx(1.0)
    top = max(m.chain_share for m in a.members)
    assert a.bottleneck_member.chain_share == top
    assert a.bottleneck is not None
    assert a.bottleneck.chain_share == max(s.chain_share for s in a.skills)
    for m in a.members:
        assert m.chain_working >= 0 and m.chain_waiting >= 0
        assert all(t.trials <= m.chain_trials for t in m.time_off)
        assert (m.chain_skill is None) == (m.chain_share == 0)


def test_a_start_delayed_by_a_risk_is_nobodys_wait() -> None:
    # The risk always costs the first 5 working days: a starts Mon 11 Jan, c ends Fri 29 Jan,
    # and the chain (a, b, c: 15 team working days) is all Ana's work.
    plan = chain_of_three([])
    risk = Risk(id="late-kickoff", probability=1.0, delay_days=5)
    plan = plan.model_copy(update={"spec": plan.spec.model_copy(update={"risks": (risk,)})})
    a = estimate_plan(plan, RunSettings(trials=20))
    assert a.finish["p50"] == dt.date(2027, 1, 29)
    ana = member(a, "Ana")
    assert (ana.chain_working, ana.chain_waiting) == (1.0, 0.0)


def test_on_a_shared_calendar_the_chain_starts_at_the_projects_start() -> None:
    # The calendar starts a week before the project (as a portfolio's does): the week
    # before the start is not a wait for Ana.
    plan = chain_of_three([])
    capacity = build_capacity(plan.team, MONDAY - dt.timedelta(days=7))
    begins = 7 * DAY_SPAN
    result = SimulationResult(
        efforts=np.full((1, 3), 40.0),
        start=np.array([[begins, begins + 7 * DAY_SPAN, begins + 14 * DAY_SPAN]]),
        finish=np.array(
            [[begins + 4 * DAY_SPAN + 8, begins + 11 * DAY_SPAN + 8, begins + 18 * DAY_SPAN + 8]]
        ),
        member=np.zeros((1, 3), dtype=np.int32),
    )
    walk = walk_chain(result, build_network(plan.spec.items, plan.team.members).predecessors)
    shares = chain_shares(plan, result, capacity, walk)
    assert (shares.member_working[0], shares.member_waiting[0]) == (1.0, 0.0)
