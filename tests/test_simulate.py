"""Hand-computed schedules, and the fast engine against the reference, trial by trial."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import MONDAY, make_plan
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.reference import reference_schedule
from promisecheck.engine.simulate import SimulationResult, simulate
from promisecheck.inputs.model import Plan


def run(plan: Plan, trials: int = 1) -> SimulationResult:
    return simulate(plan, trials=trials, seed=0)


def moment(day: int, hour: float) -> float:
    return day * DAY_SPAN + hour


def by_id(plan: Plan, result: SimulationResult, field: str) -> dict[str, object]:
    values = getattr(result, field)[0]
    return {item.id: values[i] for i, item in enumerate(plan.spec.items)}


ANA = {"name": "Ana", "skills": ["backend"]}
BO = {"name": "Bo", "skills": ["backend"]}


def test_32h_at_focus_08_finishes_on_day_5_not_day_6() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "backend", "estimate": 32}], [ANA], calendar={"focus": 0.8}
    )
    assert run(plan).finish[0, 0] == moment(4, 8.0)


def test_time_off_mid_item_pauses_the_work() -> None:
    ana = {**ANA, "time_off": [(dt.date(2027, 1, 6), dt.date(2027, 1, 7))]}
    plan = make_plan([{"id": "a", "skill": "backend", "estimate": 24}], [ana])
    assert run(plan).finish[0, 0] == moment(4, 8.0)  # Mon, Tue, (Wed, Thu off), Fri


def test_part_time_member_works_the_first_hours_of_each_day() -> None:
    ana = {**ANA, "allocation": 0.5}
    plan = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": 6},
            {"id": "b", "skill": "backend", "estimate": 2, "depends_on": ["a"]},
        ],
        [ana],
    )
    result = run(plan)
    assert result.finish[0, 0] == moment(1, 2.0)
    assert result.start[0, 1] == moment(1, 2.0)
    assert result.finish[0, 1] == moment(1, 4.0)


def test_four_day_week_and_late_joiner() -> None:
    ana = {**ANA, "joins": dt.date(2027, 1, 5)}
    plan = make_plan(
        [{"id": "a", "skill": "backend", "estimate": 32}],
        [ana],
        calendar={"workdays": ["mon", "tue", "wed", "thu"]},
    )
    # Tue, Wed, Thu, (Fri–Sun off), Mon
    assert run(plan).finish[0, 0] == moment(7, 8.0)


def test_hand_over_the_same_day_at_the_moment_the_dependency_finished() -> None:
    plan = make_plan(
        [
            {"id": "api", "skill": "backend", "estimate": 3, "assignee": "Ana"},
            {"id": "ui", "skill": "frontend", "estimate": 4, "depends_on": ["api"]},
        ],
        [ANA, {"name": "Cy", "skills": ["frontend"]}],
    )
    result = run(plan)
    assert result.start[0, 1] == moment(0, 3.0)
    assert result.member[0, 1] == 1
    assert result.finish[0, 1] == moment(0, 7.0)


def test_dependency_ending_at_end_of_day_starts_its_successor_next_working_day() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": 40},
            {"id": "b", "skill": "backend", "estimate": 1, "depends_on": ["a"]},
        ],
        [ANA],
    )
    result = run(plan)
    assert result.finish[0, 0] == moment(4, 8.0)
    assert result.start[0, 1] == moment(7, 0.0)  # Friday evening → Monday morning


def test_must_goes_before_should_before_could_then_file_order() -> None:
    plan = make_plan(
        [
            {"id": "nice", "skill": "backend", "estimate": 8, "priority": "could"},
            {"id": "good", "skill": "backend", "estimate": 8, "priority": "should"},
            {"id": "core", "skill": "backend", "estimate": 8},
            {"id": "core2", "skill": "backend", "estimate": 8},
        ],
        [ANA],
    )
    starts = by_id(plan, run(plan), "start")
    assert [starts[k] for k in ("core", "core2", "good", "nice")] == [
        moment(0, 0),
        moment(1, 0),
        moment(2, 0),
        moment(3, 0),
    ]


def test_the_member_idle_longest_gets_the_item_ties_by_file_order() -> None:
    plan = make_plan(
        [
            {"id": "first", "skill": "backend", "estimate": 2, "assignee": "Bo"},
            {"id": "x", "skill": "backend", "estimate": 4, "depends_on": ["first"]},
            {"id": "y", "skill": "backend", "estimate": 4},
        ],
        [ANA, BO],
    )
    result = run(plan)
    members = by_id(plan, result, "member")
    # At the start Ana (file order) takes y; Bo does `first`, then takes x himself
    # because Ana is busy.
    assert members == {"first": 1, "x": 1, "y": 0}
    plan2 = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": 1, "assignee": "Ana"},
            {"id": "b", "skill": "backend", "estimate": 3, "assignee": "Bo"},
            {"id": "c", "skill": "backend", "estimate": 2, "depends_on": ["a", "b"]},
        ],
        [ANA, BO],
    )
    # Ana has been idle since hour 1, Bo since hour 3: Ana gets c.
    assert by_id(plan2, run(plan2), "member")["c"] == 0


def test_an_item_with_an_assignee_waits_for_them_through_time_off() -> None:
    ana = {**ANA, "time_off": [(MONDAY, dt.date(2027, 1, 8))]}
    plan = make_plan([{"id": "a", "skill": "backend", "estimate": 8, "assignee": "Ana"}], [ana, BO])
    result = run(plan)
    assert result.member[0, 0] == 0
    assert result.start[0, 0] == moment(7, 0.0)


def test_unassigned_work_goes_to_whoever_is_available_not_to_the_absent() -> None:
    ana = {**ANA, "time_off": [(MONDAY, dt.date(2027, 1, 8))]}
    plan = make_plan([{"id": "a", "skill": "backend", "estimate": 8}], [ana, BO])
    result = run(plan)
    assert result.member[0, 0] == 1
    assert result.start[0, 0] == moment(0, 0.0)


def test_a_lower_priority_item_does_not_leave_a_member_idle() -> None:
    # Bo cannot do the must item; he starts the could item instead of waiting.
    plan = make_plan(
        [
            {"id": "must", "skill": "backend", "estimate": 8, "assignee": "Ana"},
            {"id": "could", "skill": "backend", "estimate": 8, "priority": "could"},
        ],
        [ANA, BO],
    )
    result = run(plan)
    assert result.start[0, 1] == moment(0, 0.0)
    assert result.member[0, 1] == 1


def test_nobody_with_the_skill_means_the_item_never_starts() -> None:
    plan = make_plan([{"id": "a", "skill": "design", "estimate": 8}], [ANA])
    result = run(plan, trials=3)
    assert np.isinf(result.finish).all()


def test_same_seed_same_result_and_other_seed_differs() -> None:
    plan = make_plan(
        [{"id": f"i{k}", "skill": "backend", "estimate": [4, 8, 20]} for k in range(6)],
        [ANA, BO],
    )
    a, b = simulate(plan, 200, seed=7), simulate(plan, 200, seed=7)
    c = simulate(plan, 200, seed=8)
    assert np.array_equal(a.finish, b.finish)
    assert not np.array_equal(a.finish, c.finish)


@pytest.mark.parametrize("example", ["webshop", "tight"])
def test_engine_equals_reference_on_the_examples(example: str) -> None:
    from promisecheck.inputs.loading import load

    plan = load(f"examples/{example}/spec.toml")
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, 150, seed=3, capacity=capacity)
    for n in range(result.trials):
        ref = reference_schedule(plan.spec.items, plan.team.members, capacity, result.efforts[n])
        assert ref.member == tuple(result.member[n])
        assert ref.start == tuple(result.start[n])
        assert ref.finish == tuple(result.finish[n])


def test_a_late_start_per_trial_shifts_only_those_trials() -> None:
    from promisecheck.engine.network import build_network
    from promisecheck.engine.simulate import run_engine

    plan = make_plan([{"id": "a", "skill": "backend", "estimate": 8}], [ANA])
    capacity = build_capacity(plan.team, plan.spec.project.start)
    network = build_network(plan.spec.items, plan.team.members)
    result = run_engine(network, capacity, np.full((3, 1), 8.0), start_day=np.array([0, 2, 5]))
    # Day 5 is a Saturday: the late start waits for Monday (day 7).
    assert list(result.start[:, 0]) == [moment(0, 0), moment(2, 0), moment(7, 0)]
    ref = reference_schedule(plan.spec.items, plan.team.members, capacity, [8.0], start_day=5)
    assert ref.start == (moment(7, 0),)


def test_a_member_whose_window_just_ended_is_not_offered_a_sliver_of_the_day() -> None:
    # Ana works 6.4 h a day (allocation 0.8): her item ends exactly at the end of her
    # window, which no binary fraction represents exactly. She must not take the next item
    # that same day; the next morning Cy, idle since the start, gets it.
    plan = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": 6.4, "assignee": "Ana"},
            {"id": "long", "skill": "backend", "estimate": 8, "assignee": "Bo"},
            {"id": "b", "skill": "backend", "estimate": 4, "depends_on": ["a"]},
        ],
        [
            {**ANA, "allocation": 0.8},
            BO,
            {"name": "Cy", "skills": ["backend"], "time_off": [(MONDAY, MONDAY)]},
        ],
    )
    members = by_id(plan, run(plan), "member")
    assert members["b"] == 2
    assert by_id(plan, run(plan), "start")["b"] == moment(1, 0.0)


def test_vectorised_finish_equals_the_scalar_definition_on_awkward_calendars() -> None:
    from promisecheck.engine.simulate import _Finisher

    plan = make_plan(
        [{"id": "a", "skill": "backend", "estimate": 1}],
        [
            {**ANA, "allocation": 0.1},  # 0.8 h a day: several days per hour of work
            {**BO, "focus": 0.7, "time_off": [(dt.date(2027, 1, 11), dt.date(2027, 2, 5))]},
            {"name": "Cy", "skills": ["backend"], "leaves": dt.date(2027, 3, 1)},
        ],
        calendar={"workdays": ["mon", "wed", "fri"], "holidays": [dt.date(2027, 1, 13)]},
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    finisher = _Finisher(capacity)
    rng = np.random.default_rng(4)
    size = 4000
    member = rng.integers(0, 3, size)
    day = rng.integers(0, 60, size)
    hour = np.round(rng.uniform(0, 0.8, size), 3)
    effort = np.where(rng.random(size) < 0.3, rng.integers(1, 40, size), rng.uniform(0, 300, size))
    fast = finisher(member, day, hour, effort)
    slow = [
        capacity.finish_moment(int(m), d * 32.0 + h, e)
        for m, d, h, e in zip(member, day, hour, effort, strict=True)
    ]
    assert fast.tolist() == slow


def test_teams_of_more_than_64_members_match_the_reference() -> None:
    # Member sets are bit words; past 64 members they span several words.
    members = [
        {
            "name": f"m{k}",
            "skills": ["backend" if k % 3 else "frontend"],
            "allocation": 0.5 + (k % 2) / 2,
        }
        for k in range(70)
    ]
    items = [
        {
            "id": f"i{k}",
            "skill": "backend" if k % 4 else "frontend",
            "estimate": [4, 8 + k % 5, 30],
            "depends_on": [f"i{k - 7}"] if k >= 7 else [],
        }
        for k in range(90)
    ]
    items[5]["assignee"] = "m68"  # the 69th member: in the second word
    items[5]["skill"] = "backend"
    plan = make_plan(items, members)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, 12, seed=5, capacity=capacity)
    for n in range(result.trials):
        ref = reference_schedule(plan.spec.items, plan.team.members, capacity, result.efforts[n])
        assert ref.member == tuple(result.member[n])
        assert ref.finish == tuple(result.finish[n])


# --- who does what: the member who would finish it first ---------------------------------

MARCH_1 = dt.date(2027, 3, 1)  # a Monday
INTERN = {"name": "Ida", "skills": ["backend"], "allocation": 0.2}
CHAIN = [
    {"id": "a", "skill": "backend", "estimate": 40},
    {"id": "b", "skill": "backend", "estimate": 40, "depends_on": ["a"]},
    {"id": "c", "skill": "backend", "estimate": 40, "depends_on": ["b"]},
]


def test_adding_an_intern_to_a_chain_changes_nothing() -> None:
    # 120 h for Ana alone: three weeks, ending Fri 19 Mar. The intern at 0.2 would need 25
    # working days for any one item, so each item waits (over a weekend) for Ana instead.
    alone = make_plan(CHAIN, [ANA], start=MARCH_1, deadline=dt.date(2027, 3, 19))
    with_intern = make_plan(CHAIN, [INTERN, ANA], start=MARCH_1, deadline=dt.date(2027, 3, 19))
    a, b = run(alone), run(with_intern)
    assert a.finish[0, 2] == moment(18, 8.0)  # Fri 19 Mar, end of day
    assert b.finish[0, 2] == a.finish[0, 2]
    assert b.start[0, 1] == moment(7, 0.0)  # Monday, after Friday evening
    assert list(b.member[0]) == [1, 1, 1]


def test_a_full_timer_gets_the_item_before_a_part_timer_listed_first() -> None:
    bo_half = {**BO, "allocation": 0.5}
    plan = make_plan([{"id": "a", "skill": "backend", "estimate": 8}], [bo_half, ANA])
    result = run(plan)
    assert result.member[0, 0] == 1
    assert result.finish[0, 0] == moment(0, 8.0)


def test_an_item_waits_for_the_better_person_who_is_busy() -> None:
    # Ana holds a 2 h item; the intern is idle but would need five days for x, Ana one.
    plan = make_plan(
        [
            {"id": "warm-up", "skill": "backend", "estimate": 2, "assignee": "Ana"},
            {"id": "x", "skill": "backend", "estimate": 8, "priority": "should"},
        ],
        [ANA, INTERN],
    )
    result = run(plan)
    assert result.member[0, 1] == 0
    assert result.start[0, 1] == moment(0, 2.0)
    assert result.finish[0, 1] == moment(1, 2.0)


def test_items_promised_to_one_person_count_against_her_free_time() -> None:
    # Five 8 h items. Ana would finish the k-th at the end of day k-1; the intern finishes
    # one item at hour 1.6 of day 4. Items 1-4 are planned on Ana; the fifth would end
    # later with her (day 4, hour 8), so the intern starts it at once.
    items = [{"id": f"p{k}", "skill": "backend", "estimate": 8} for k in range(1, 6)]
    result = run(make_plan(items, [ANA, INTERN]))
    assert list(result.member[0]) == [0, 0, 0, 0, 1]
    assert list(result.start[0]) == [moment(d, 0.0) for d in (0, 1, 2, 3)] + [moment(0, 0.0)]
    assert result.finish[0, 4] == pytest.approx(moment(4, 1.6))


def test_equal_projections_go_to_the_member_free_longest_then_file_order() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": 1, "assignee": "Bo"},
            {"id": "b", "skill": "backend", "estimate": 1, "assignee": "Ana"},
            {"id": "c", "skill": "backend", "estimate": 2, "depends_on": ["a", "b"]},
            {"id": "d", "skill": "backend", "estimate": 2, "depends_on": ["a", "b"]},
        ],
        [ANA, BO],
    )
    # Both are free at hour 1 and would finish c at hour 3; both finished at hour 1, so
    # file order decides: Ana gets c, Bo d.
    members = by_id(plan, run(plan), "member")
    assert (members["c"], members["d"]) == (0, 1)


def test_neutral_hooks_give_the_same_schedule_as_none() -> None:
    from promisecheck.engine.network import build_network
    from promisecheck.engine.simulate import run_engine
    from promisecheck.inputs.loading import load
    from promisecheck.inputs.model import PRIORITY_ORDER

    plan = load("examples/webshop/spec.toml")
    capacity = build_capacity(plan.team, plan.spec.project.start)
    network = build_network(plan.spec.items, plan.team.members)
    efforts = simulate(plan, 300, seed=4, capacity=capacity).efforts
    plain = run_engine(network, capacity, efforts)
    items = plan.spec.items
    hooked = run_engine(
        network,
        capacity,
        efforts,
        planning=network.planning.copy(),
        release=np.zeros(len(items)),
        present=np.ones(efforts.shape, dtype=bool),
        order=np.array([PRIORITY_ORDER[item.priority] for item in items]),
    )
    for field in ("start", "finish", "member"):
        assert np.array_equal(getattr(plain, field), getattr(hooked, field))


def test_one_planning_rule_the_engine_default_is_a_plain_specs_planning_efforts() -> None:
    """network and reference plan with planned_hours when given none: a spec's defaults."""
    from promisecheck.engine.network import build_network, predecessors_of
    from promisecheck.engine.planning import planned_hours, planning_efforts

    plan = make_plan(
        [
            {"id": "a", "skill": "dev", "estimate": [4, 10, 40]},
            {"id": "b", "skill": "dev", "estimate": 6, "depends_on": ["a"]},
            {"id": "c", "skill": "dev", "estimate": [1, 2, 9], "depends_on": ["a", "b"]},
        ],
        [{"name": "Ana", "skills": ["dev"]}],
    )
    items = plan.spec.items
    assert planned_hours(items).tolist() == planning_efforts(plan).tolist()
    assert planned_hours(items).tolist() == pytest.approx([(4 + 40 + 40) / 6, 6.0, (1 + 8 + 9) / 6])
    assert planned_hours(items, "triangular")[0] == pytest.approx((4 + 10 + 40) / 3)
    network = build_network(items, plan.team.members)
    assert network.planning.tolist() == planned_hours(items).tolist()
    assert predecessors_of(items) == network.predecessors == ((), (0,), (0, 1))
