"""Analysis: percentiles, verdicts, the critical chain, loads and overload, by hand."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MONDAY, make_plan
from promisecheck.assess.analysis import (
    CURVE_POINTS,
    CurvePoint,
    MemberLoad,
    _histogram,
    assess,
    critical_chain,
    delivery_curve,
    headline,
    overload_warnings,
    percentile_index,
    verdict_for,
)
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.simulate import SimulationResult, simulate
from promisecheck.inputs.model import MAX_HOURS
from promisecheck.notices import BeyondHorizon, CostNotShown, FewTrials, NeverFinishes, Overloaded


def test_percentile_is_the_earliest_outcome_reached_by_that_share() -> None:
    assert percentile_index(0.5, 10) == 4  # the 5th of 10
    assert percentile_index(0.85, 10_000) == 8499  # 0.85 * 10 000 is not 8500.000…01
    assert percentile_index(0.85, 1) == 0
    assert percentile_index(0.51, 100) == 50


@pytest.mark.parametrize(
    ("p", "verdict"), [(0.85, "on-track"), (0.849, "at-risk"), (0.5, "at-risk"), (0.49, "unlikely")]
)
def test_verdicts(p: float, verdict: str) -> None:
    assert verdict_for(p, 0.85) == verdict


def schedule(start: list[float], finish: list[float], member: list[int]) -> SimulationResult:
    return SimulationResult(
        efforts=np.ones((1, len(start))),
        start=np.array([start]),
        finish=np.array([finish]),
        member=np.array([member], dtype=np.int32),
    )


def test_the_critical_chain_follows_dependencies_and_members_back_from_the_last_finish() -> None:
    # a → b (dependency); c waits for the member who did b; d runs in parallel, finishing early.
    result = schedule(start=[0, 2, 5, 0], finish=[2, 5, 9, 3], member=[0, 0, 0, 1])
    chain = critical_chain(result, predecessors=[(), (0,), (), ()])
    assert chain[0].tolist() == [True, True, True, False]


def test_a_dependency_that_finished_later_than_the_members_previous_item_drives() -> None:
    # c depends on d (other member, finishes at 6) and follows b on member 0 (finished at 5).
    result = schedule(start=[0, 2, 6, 0], finish=[2, 5, 9, 6], member=[0, 0, 0, 1])
    chain = critical_chain(result, predecessors=[(), (0,), (3,), ()])
    assert chain[0].tolist() == [False, False, True, True]


def test_assessment_of_exact_estimates_is_certain_and_dates_are_exact() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": 40},
            {"id": "b", "skill": "x", "estimate": 8, "depends_on": ["a"]},
        ],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=dt.date(2027, 1, 11),
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    a = assess(plan, simulate(plan, 50, 0, capacity=capacity), capacity, seed=0)
    assert a.on_time_probability == 1.0 and a.on_time_standard_error == 0.0
    assert set(a.finish.values()) == {dt.date(2027, 1, 11)}
    assert a.verdict == "on-track"
    assert [i.criticality for i in a.items] == [1.0, 1.0]
    assert a.effort_hours == {"p50": 48.0, "p70": 48.0, "p85": 48.0, "p95": 48.0}
    skill = a.skills[0]
    assert skill.demand_hours == 48.0 and skill.capacity_hours == 48.0 and skill.load == 1.0
    ana = a.members[0]
    # Busy every working hour of the first week, and on Monday of the second.
    assert ana.weekly == pytest.approx((1.0, 0.2))


def test_overload_is_four_weeks_in_a_row_above_90_percent() -> None:
    def member(weekly: tuple[float | None, ...]) -> MemberLoad:
        return MemberLoad(
            name="Ana", work_hours=0, capacity_hours=0, utilisation=None, weekly=weekly
        )

    assert overload_warnings([member((0.95, 0.95, 0.95, None, 0.95))]) == []
    warned = overload_warnings([member((0.5, 0.95, 0.91, 1.0, 0.93, 0.2))])
    assert warned == [Overloaded(member="Ana", above=0.9, weeks=4)]


def test_cost_uses_wall_clock_hours_and_margin_is_price_minus_cost() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 8}],
        [{"name": "Ana", "skills": ["x"], "rate": 100, "focus": 0.8}],
        price=2000,
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    a = assess(plan, simulate(plan, 10, 0, capacity=capacity), capacity, seed=0)
    assert a.cost is not None and a.margin is not None
    for k in ("p50", "p70", "p85", "p95"):
        assert a.cost[k] == pytest.approx(1000.0)
        assert a.margin[k] == pytest.approx(1000.0)


def test_moments_map_to_days() -> None:
    result = schedule(start=[0.0], finish=[3 * DAY_SPAN + 8.0], member=[0])
    assert result.finish_days.tolist() == [[3]]


def test_one_histogram_bar_ends_on_the_deadline_and_reads_the_on_time_odds() -> None:
    plan = make_plan(
        [{"id": f"i{k}", "skill": "x", "estimate": [8, 24, 80]} for k in range(4)],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=dt.date(2027, 1, 22),
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    a = assess(plan, simulate(plan, 2000, 1, capacity=capacity), capacity, seed=1)
    assert 0 < a.on_time_probability < 1
    ending = [b for b in a.histogram if b.last == a.deadline]
    assert len(ending) == 1
    assert ending[0].cumulative == a.on_time_probability
    assert sum(b.trials for b in a.histogram) == 2000


def test_infeasible_says_whether_work_never_started_or_never_ended() -> None:
    leaves_early = make_plan(
        [
            {"id": "api", "skill": "x", "estimate": 40},
            {"id": "ui", "skill": "y", "estimate": 8, "depends_on": ["api"]},
        ],
        [
            {"name": "Ana", "skills": ["x"]},
            {"name": "Bo", "skills": ["y"], "leaves": dt.date(2027, 1, 6)},
        ],
    )
    huge = make_plan(
        [{"id": "big", "skill": "x", "estimate": MAX_HOURS}], [{"name": "Ana", "skills": ["x"]}]
    )
    for plan, expected in [
        (leaves_early, NeverFinishes(years=10, unfinished=(), unstarted=("ui",))),
        (huge, NeverFinishes(years=10, unfinished=("big",), unstarted=())),
    ]:
        capacity = build_capacity(plan.team, plan.spec.project.start)
        a = assess(plan, simulate(plan, 5, 0, capacity=capacity), capacity, seed=0)
        assert a.verdict == "infeasible"
        assert a.reasons == (expected,)


BAR_WIDTHS = (1, 7, 14, 28, 56, 91, 182, 364)


@settings(max_examples=60, deadline=None)
@given(
    first=st.integers(min_value=0, max_value=400),
    spread=st.integers(min_value=0, max_value=2000),
    deadline=st.integers(min_value=0, max_value=2400),
)
def test_histogram_uses_the_narrowest_bars_that_keep_it_short(
    first: int, spread: int, deadline: int
) -> None:
    plan = make_plan([{"id": "a", "skill": "x", "estimate": 8}], [{"name": "Ana", "skills": ["x"]}])
    capacity = build_capacity(plan.team, plan.spec.project.start)
    days = np.array([first, first + spread // 3, first + spread], dtype=np.int32)
    bins = _histogram(days, capacity, 3, deadline)
    width = max((b.last - b.first).days + 1 for b in bins)
    assert width in BAR_WIDTHS
    narrower = BAR_WIDTHS[: BAR_WIDTHS.index(width)]
    # A narrower width would have drawn 16 or more bars; this one draws at most 17.
    assert all(spread // w >= 16 for w in narrower)
    assert len(bins) <= 17
    assert sum(b.trials for b in bins) == 3


def share_by(curve: tuple[CurvePoint, ...], day: dt.date) -> float:
    """The curve read at a day it lists (0 before its first)."""
    return next((p.finished for p in reversed(curve) if p.day <= day), 0.0)


def test_the_delivery_curve_counts_the_trials_finished_by_each_day_by_hand() -> None:
    plan = make_plan([{"id": "a", "skill": "x", "estimate": 8}], [{"name": "Ana", "skills": ["x"]}])
    capacity = build_capacity(plan.team, plan.spec.project.start)
    # Five trials: two finish on day 3, one on day 5, one on day 6, one never (the horizon).
    days = np.array([5, 3, capacity.days, 6, 3], dtype=np.int64)
    curve = delivery_curve(days, capacity, 5, exact=[0, 99])
    assert [(capacity.day_of(p.day), p.finished) for p in curve] == [
        (3, 0.4),
        (4, 0.4),
        (5, 0.6),
        (6, 0.8),  # four of five: the unfinished trial keeps it below 1
    ]
    assert delivery_curve(np.array([capacity.days]), capacity, 1, exact=[]) == ()


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=60),
    unfinished=st.integers(min_value=0, max_value=5),
    deadline=st.integers(min_value=0, max_value=3000),
)
def test_the_delivery_curve_is_exact_short_and_keeps_the_deadline(
    days: list[int], unfinished: int, deadline: int
) -> None:
    plan = make_plan([{"id": "a", "skill": "x", "estimate": 8}], [{"name": "Ana", "skills": ["x"]}])
    capacity = build_capacity(plan.team, plan.spec.project.start)
    finish = np.array(days + [capacity.days] * unfinished, dtype=np.int64)
    trials = finish.size
    curve = delivery_curve(finish, capacity, trials, exact=[deadline])
    numbers = [capacity.day_of(p.day) for p in curve]
    assert numbers == sorted(set(numbers))
    assert numbers[0] == min(days) and numbers[-1] == max(days)
    assert len(curve) <= CURVE_POINTS + 2
    if max(days) - min(days) < CURVE_POINTS:
        assert numbers == list(range(min(days), max(days) + 1))  # every day
    shares = [p.finished for p in curve]
    assert shares == sorted(shares)  # never goes down
    assert shares[-1] == len(days) / trials  # ends at the finished share
    for day, share in zip(numbers, shares, strict=True):  # exact at every day it keeps
        assert share == np.count_nonzero(finish <= day) / trials
    if min(days) <= deadline <= max(days):
        assert deadline in numbers


def test_the_curve_reads_the_on_time_odds_at_the_deadline_and_the_percentiles() -> None:
    plan = make_plan(
        [{"id": f"i{k}", "skill": "x", "estimate": [8, 24, 80]} for k in range(4)],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=dt.date(2027, 1, 22),
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    a = assess(plan, simulate(plan, 2000, 1, capacity=capacity), capacity, seed=1)
    assert 0 < a.on_time_probability < 1
    assert a.deadline in [p.day for p in a.curve]
    assert share_by(a.curve, a.deadline) == a.on_time_probability
    assert a.curve[-1].finished == a.histogram[-1].cumulative
    for key, finish in a.finish.items():
        assert finish is not None
        share = int(key[1:]) / 100
        day_before = finish - dt.timedelta(days=1)
        assert share_by(a.curve, day_before) < share <= share_by(a.curve, finish)


def by_hand(finish_days: Sequence[tuple[float, ...]]) -> SimulationResult:
    """Trials of items done by member 0 on the given days; inf: never finished (nor started)."""
    finish = np.array([[d * DAY_SPAN + 4 for d in trial] for trial in finish_days])
    start = np.where(np.isfinite(finish), finish - 4, np.inf)
    member = np.where(np.isfinite(finish), 0, -1).astype(np.int32)
    return SimulationResult(
        efforts=np.full(finish.shape, 4.0), start=start, finish=finish, member=member
    )


def test_the_odds_of_must_items_late_trials_and_few_trials_by_hand() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": [2, 4, 8], "priority": "must"},
            {"id": "b", "skill": "x", "estimate": [2, 4, 8], "priority": "should"},
        ],
        [
            {"name": "Ana", "skills": ["x"], "rate": 100},
            {"name": "Bo", "skills": ["x"]},
            {"name": "Cy", "skills": ["x"], "leaves": MONDAY - dt.timedelta(days=1)},
            {"name": "Dee", "skills": ["y"], "allocation": 0.01, "leaves": MONDAY},
        ],
        deadline=MONDAY + dt.timedelta(days=4),
    )
    capacity = build_capacity(plan.team, MONDAY)
    trials = [(1, 2), (4, 6), (5, 7), (math.inf, math.inf)]
    a = assess(plan, by_hand(trials), capacity, seed=0, confidence=0.5)
    assert a.on_time_probability == 0.25  # only the first trial finishes by day 4
    assert a.must_on_time_probability == 0.5  # `a` alone: the first two
    assert [i.on_time_probability for i in a.items] == [0.5, 0.25]  # a on the deadline day
    assert a.ranged_items == 2
    ana, bo, cy, dee = a.members
    assert ana.utilisation is not None and 0 < ana.utilisation < 1
    assert bo.utilisation == 0.0
    assert cy.utilisation is None and cy.capacity_hours == 0  # gone before the start
    assert dee.utilisation == 0.0  # a few minutes are still hours to be idle in
    # Hours available from the start through the day the work finished (Mon-Wed, the first
    # week, the first week and Monday; the whole horizon when it never finished).
    horizon = capacity.cumulative[1, -1]
    assert bo.capacity_hours == pytest.approx((24 + 40 + 48 + horizon) / 4)
    assert (ana.bottleneck, bo.bottleneck) == (True, False)  # only Ana is on the chain
    assert a.on_time_standard_error == pytest.approx(math.sqrt(0.25 * 0.75 / 4))
    assert a.verdict == "unlikely" and a.reasons == ()
    assert a.warnings[:3] == (
        CostNotShown(unrated=("Bo", "Cy", "Dee")),
        BeyondHorizon(beyond=1, trials=4, years=10),
        FewTrials(trials=4, standard_error=a.on_time_standard_error),
    )
    # The weekly loads run to the later of the deadline and the target date (day 6 here).
    assert len(a.members[0].weekly) == 1
    never = assess(plan, by_hand([(math.inf, math.inf)] * 2), capacity, seed=0)
    assert never.verdict == "infeasible" and len(never.reasons) == 1
    assert not any(m.bottleneck for m in never.members)  # nobody is on a chain never walked
    assert not any(isinstance(w, BeyondHorizon) for w in never.warnings)  # the verdict says it

    # Never finished: available through the horizon's last day (a working day here).
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    open_plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 4}],
        [{"name": "Ana", "skills": ["x"]}],
        calendar={"workdays": every_day},
    )
    open_capacity = build_capacity(open_plan.team, MONDAY)
    late = assess(open_plan, by_hand([(math.inf,)]), open_capacity, seed=0)
    assert late.members[0].capacity_hours == open_capacity.cumulative[0, -1]
    assert open_capacity.cumulative[0, -1] > open_capacity.cumulative[0, -2]


def test_each_items_finish_percentiles() -> None:
    plan = make_plan([{"id": "a", "skill": "x", "estimate": 4}], [{"name": "Ana", "skills": ["x"]}])
    capacity = build_capacity(plan.team, MONDAY)
    a = assess(plan, by_hand([(day,) for day in range(20)]), capacity, seed=0)
    # The 10th of 20 trials finishes on day 9, the 17th on day 16.
    assert a.items[0].finish == {
        "p50": MONDAY + dt.timedelta(days=9),
        "p85": MONDAY + dt.timedelta(days=16),
    }


@pytest.mark.parametrize(("last", "weeks"), [(6, 1), (7, 2), (13, 2), (14, 3)])
def test_weekly_loads_cover_whole_weeks_up_to_the_deadline(last: int, weeks: int) -> None:
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 4}],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=MONDAY + dt.timedelta(days=last),
    )
    capacity = build_capacity(plan.team, MONDAY)
    done_monday = SimulationResult(
        efforts=np.full((1000, 1), 4.0),
        start=np.zeros((1000, 1)),
        finish=np.full((1000, 1), 4.0),
        member=np.zeros((1000, 1), dtype=np.int32),
    )
    a = assess(plan, done_monday, capacity, seed=0)
    assert len(a.members[0].weekly) == weeks
    assert not any(isinstance(w, FewTrials) for w in a.warnings)  # 1000 trials say enough


@pytest.mark.parametrize(
    "trials",
    [[(1, 2), (4, 6), (5, 7), (math.inf, math.inf)], [(3, 9)] * 3, [(math.inf, math.inf)] * 2],
)
@pytest.mark.parametrize("confidence", [None, 0.5])
def test_the_headline_is_the_assessments_own(
    trials: list[tuple[float, float]], confidence: float | None
) -> None:
    """check judges by the headline alone: it must say what the whole assessment says."""
    plan = make_plan(
        [
            {"id": "a", "skill": "x", "estimate": [2, 4, 8], "priority": "must"},
            {"id": "b", "skill": "x", "estimate": 4, "priority": "could"},
        ],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=MONDAY + dt.timedelta(days=5),
    )
    capacity = build_capacity(plan.team, MONDAY)
    result = by_hand(trials)
    whole = assess(plan, result, capacity, seed=0, confidence=confidence)
    assert headline(plan, result, capacity, confidence) == whole.headline
    assert whole.headline.curve == whole.curve and whole.headline.trials == len(trials)
