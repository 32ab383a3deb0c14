"""The engine's portfolio hooks (release, present, order) equal the reference, trial by trial."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_plan
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.network import build_network
from promisecheck.engine.reference import reference_schedule
from promisecheck.engine.sampling import sample_efforts
from promisecheck.engine.simulate import run_engine, run_parallel
from promisecheck.inputs.model import Plan
from test_properties import plans


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans(), st.integers(0, 2**32 - 1), st.data())
def test_hooks_match_reference(engine: str, plan: Plan, seed: int, data: st.DataObject) -> None:
    items = plan.spec.items
    count = len(items)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    trials = 16
    efforts = sample_efforts(items, "pert", trials, seed)
    release = np.array(
        [data.draw(st.sampled_from([0.0, 0.0, 2 * DAY_SPAN, 3.5, 9 * DAY_SPAN])) for _ in items]
    )
    present = data.draw(
        st.one_of(
            st.none(),
            st.lists(st.booleans(), min_size=trials * count, max_size=trials * count).map(
                lambda flags: np.array(flags).reshape(trials, count)
            ),
        )
    )
    order = np.array(data.draw(st.permutations(range(count))), dtype=np.int64)
    # Planning hours apart from the sampled ones: the lead judges with one, work takes the other.
    planning = data.draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from([0.0, 2.0, 7.5, 16.0, 60.0]), min_size=count, max_size=count),
        )
    )
    result = run_engine(
        build_network(items, plan.team.members),
        capacity,
        efforts,
        release=release,
        present=present,
        order=order,
        planning=None if planning is None else np.array(planning),
    )
    for n in range(trials):
        ref = reference_schedule(
            items,
            plan.team.members,
            capacity,
            efforts[n],
            planning=planning,
            release=list(release),
            present=None if present is None else list(present[n]),
            order=list(order),
        )
        assert ref.start == tuple(result.start[n])
        assert ref.finish == tuple(result.finish[n])
        assert ref.member == tuple(result.member[n])


def test_absent_item_is_done_at_its_release_and_takes_no_one() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": 8},
            {"id": "b", "skill": "x", "estimate": 8, "depends_on": ["a"]},
        ],
        [{"name": "Ana", "skills": ["x"]}],
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    efforts = np.array([[8.0, 8.0], [8.0, 8.0]])
    result = run_engine(
        build_network(plan.spec.items, plan.team.members),
        capacity,
        efforts,
        release=np.array([2 * DAY_SPAN, 0.0]),
        present=np.array([[False, True], [True, True]]),
    )
    # Trial 0: a is absent, done at its release (day 2); b starts then, on day 2.
    assert result.member[0, 0] == -1
    assert result.start[0, 0] == result.finish[0, 0] == 2 * DAY_SPAN
    assert result.start[0, 1] == 2 * DAY_SPAN
    # Trial 1: a starts at its release and b follows the next day.
    assert result.start[1, 0] == 2 * DAY_SPAN
    assert result.start[1, 1] == 3 * DAY_SPAN


def test_no_hooks_equal_hooks_at_their_neutral_values() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": [4, 8, 20]},
            {"id": "b", "skill": "x", "estimate": [4, 8, 20], "priority": "could"},
            {"id": "c", "skill": "x", "estimate": [4, 8, 20], "depends_on": ["a"]},
        ],
        [{"name": "Ana", "skills": ["x"]}, {"name": "Ben", "skills": ["x"], "allocation": 0.5}],
    )
    items = plan.spec.items
    capacity = build_capacity(plan.team, plan.spec.project.start)
    efforts = sample_efforts(items, "pert", 5000, 3)
    network = build_network(items, plan.team.members)
    plain = run_parallel(network, capacity, efforts)
    hooked = run_parallel(
        network,
        capacity,
        efforts,
        release=np.zeros(3),
        present=np.ones((5000, 3), dtype=bool),
        order=network.rank,
    )
    assert np.array_equal(plain.finish, hooked.finish)
    assert np.array_equal(plain.member, hooked.member)
