"""Sampling: the distributions' shapes, keyed streams, and Monte Carlo odds against closed forms."""

from __future__ import annotations

import datetime as dt

import numpy as np

from conftest import make_plan
from promisecheck.assess.analysis import assess
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.sampling import sample_efforts, sample_item
from promisecheck.engine.simulate import simulate
from promisecheck.inputs.model import Item

ANA = {"name": "Ana", "skills": ["backend"]}
WEDNESDAY = dt.date(2027, 1, 6)  # Mon start, Wed deadline: 24 hours of capacity


def odds(estimate: list[float], distribution: str, trials: int = 200_000) -> tuple[float, float]:
    plan = make_plan(
        [{"id": "a", "skill": "backend", "estimate": estimate}],
        [ANA],
        deadline=WEDNESDAY,
        distribution=distribution,
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, trials, seed=11, capacity=capacity)
    a = assess(plan, result, capacity, seed=11)
    return a.on_time_probability, a.on_time_standard_error


def test_pert_odds_match_the_beta_cdf() -> None:
    # [0, 40, 80] is PERT-beta with α = β = 3, whose CDF is 10x³ − 15x⁴ + 6x⁵.
    x = 24 / 80
    exact = 10 * x**3 - 15 * x**4 + 6 * x**5
    p, se = odds([0, 40, 80], "pert")
    assert abs(p - exact) < 4 * se


def test_triangular_odds_match_the_closed_form() -> None:
    # Triangular [0, 20, 80] at 24 h, above the mode: 1 − (b − x)² / ((b − a)(b − m)).
    exact = 1 - (80 - 24) ** 2 / (80 * 60)
    p, se = odds([0, 20, 80], "triangular")
    assert abs(p - exact) < 4 * se


def test_exact_estimates_give_exactly_zero_or_one() -> None:
    assert odds([24, 24, 24], "pert", 50) == (1.0, 0.0)
    assert odds([25, 25, 25], "pert", 50) == (0.0, 0.0)


def test_samples_stay_in_range_with_the_expected_mean() -> None:
    item = Item(id="a", skill="x", estimate=(10, 20, 60))
    pert = sample_item(item, "pert", 100_000, seed=1)
    tri = sample_item(item, "triangular", 100_000, seed=1)
    assert pert.min() >= 10 and pert.max() <= 60
    assert tri.min() >= 10 and tri.max() <= 60
    assert abs(pert.mean() - (10 + 4 * 20 + 60) / 6) < 0.2
    assert abs(tri.mean() - (10 + 20 + 60) / 3) < 0.2


def test_draws_are_keyed_by_item_id_not_position() -> None:
    a = Item(id="alpha", skill="x", estimate=(1, 2, 9))
    b = Item(id="beta", skill="x", estimate=(1, 2, 9))
    forward = sample_efforts([a, b], "pert", 100, seed=5)
    backward = sample_efforts([b, a], "pert", 100, seed=5)
    assert np.array_equal(forward[:, 0], backward[:, 1])
    assert not np.array_equal(forward[:, 0], forward[:, 1])


def test_two_items_done_in_parallel_are_on_time_with_the_product_of_their_odds() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "backend", "estimate": [0, 20, 80]},
            {"id": "b", "skill": "frontend", "estimate": [8, 16, 40]},
        ],
        [ANA, {"name": "Bo", "skills": ["frontend"]}],
        deadline=WEDNESDAY,
        distribution="triangular",
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    a = assess(plan, simulate(plan, 200_000, seed=2, capacity=capacity), capacity, seed=2)
    first = 1 - (80 - 24) ** 2 / (80 * 60)
    second = 1 - (40 - 24) ** 2 / (32 * 24)
    assert abs(a.on_time_probability - first * second) < 4 * a.on_time_standard_error
