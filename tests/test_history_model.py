"""The fitted history model on synthetic histories whose size effect, drift and shared
surprise are known: the fit recovers them, and forecasts cover at their nominal rates."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_plan
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.forecast import prepare
from promisecheck.engine.history_model import (
    BLOCK,
    HALF_LIFE,
    calibrate_efforts,
    drift_exposure,
    fit_history,
    fit_pool,
    median_effort,
    median_factor,
    shared_parts,
)
from promisecheck.engine.planning import planning_efforts
from promisecheck.engine.sampling import sample_efforts
from promisecheck.inputs.history import History, make_history
from promisecheck.inputs.model import Item


@dataclass(frozen=True)
class Truth:
    """log(actual) = alpha + beta·log(estimate) + level + shared + noise."""

    alpha: float = 0.2
    beta: float = 0.85
    noise: float = 0.5  # SD of one task's own surprise
    shared: float = 0.0  # SD of the surprise the BLOCK tasks of a block share
    drift: float = 0.0  # SD of the level's random walk per 100 tasks


def generate(
    truth: Truth, tasks: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimates, actuals and levels of `tasks` consecutive tasks (blocks start at task 0)."""
    estimate = np.exp(rng.uniform(0.0, math.log(80.0), tasks))
    level = np.cumsum(rng.normal(0.0, truth.drift / 10.0, tasks))  # 100 steps: SD drift
    shared = np.repeat(rng.normal(0.0, truth.shared, -(-tasks // BLOCK)), BLOCK)[:tasks]
    noise = rng.normal(0.0, truth.noise, tasks)
    actual = np.exp(truth.alpha + truth.beta * np.log(estimate) + level + shared + noise)
    return estimate, actual, level


def history_of(estimate: np.ndarray, actual: np.ndarray) -> History:
    start = dt.date(2020, 1, 1)
    dates = [start + dt.timedelta(days=i // 3) for i in range(estimate.size)]
    return make_history(list(estimate), list(actual), date=dates, source="synthetic")


# --- the fit recovers what generated the history ------------------------------------------


def test_the_size_effect_is_recovered() -> None:
    truth = Truth(alpha=0.4, beta=0.8, noise=0.4)
    estimate, actual, _ = generate(truth, 3000, np.random.default_rng(1))
    pool = fit_history(history_of(estimate, actual)).everyone
    assert pool.slope_fitted
    assert pool.beta == pytest.approx(0.8, abs=0.06)
    assert pool.alpha == pytest.approx(0.4, abs=0.2)
    # A 40 h task typically takes exp(0.4)·40^0.8 h.
    assert pool.typical(40) == pytest.approx(math.exp(0.4) * 40**0.8, rel=0.1)


def test_the_slope_is_guarded_and_needs_thirty_records() -> None:
    rng = np.random.default_rng(2)
    estimate = np.exp(rng.uniform(0, 4, 200))
    steep = fit_pool("everyone", None, estimate, estimate**2)
    assert steep.beta == 1.2
    flat = fit_pool("everyone", None, estimate, np.full(200, 5.0))
    assert flat.beta == 0.5
    few = fit_pool("everyone", None, estimate[:29], estimate[:29] ** 0.7)
    assert (few.beta, few.slope_fitted) == (1.0, False)


def test_recent_records_weigh_more() -> None:
    # The first half of the tasks took 2×, the recent half 1×: the level follows the recent.
    estimate = np.full(600, 10.0)
    actual = np.concatenate([np.full(300, 20.0), np.full(300, 10.0)])
    pool = fit_pool("everyone", None, estimate, actual)
    assert pool.factor(10) == pytest.approx(1.0)
    assert pool.weights[-1] == pytest.approx(2 * pool.weights[-1 - int(HALF_LIFE)])


def test_the_shared_surprise_is_recovered() -> None:
    truth = Truth(noise=0.5, shared=0.3)
    estimate, actual, _ = generate(truth, 4000, np.random.default_rng(3))
    fit = fit_history(history_of(estimate, actual))
    assert fit.shared_spread == pytest.approx(0.3, abs=0.06)
    assert fit.drift == pytest.approx(0.0, abs=0.08)


def test_no_shared_surprise_is_found_where_there_is_none() -> None:
    estimate, actual, _ = generate(Truth(noise=0.6), 4000, np.random.default_rng(4))
    fit = fit_history(history_of(estimate, actual))
    assert fit.shared_spread is not None and fit.shared_spread < 0.07


def test_the_drift_is_recovered() -> None:
    truth = Truth(noise=0.4, shared=0.1, drift=0.25)
    estimate, actual, _ = generate(truth, 6000, np.random.default_rng(5))
    fit = fit_history(history_of(estimate, actual))
    assert fit.drift == pytest.approx(0.25, abs=0.08)
    assert fit.shared_spread == pytest.approx(0.1, abs=0.06)


def test_too_few_records_measure_no_shared_surprise_nor_drift() -> None:
    few = shared_parts(np.random.default_rng(6).normal(0, 1, 39))
    assert (few.shared, few.drift) == (None, None)
    some = shared_parts(np.random.default_rng(6).normal(0, 1, 150))
    assert some.shared is not None and some.drift is None


def test_drift_exposure_of_one_record_is_the_horizon_and_grows_with_older_levels() -> None:
    assert drift_exposure(np.array([1.0])) == BLOCK / 2
    even = np.full(10, 0.1)
    assert drift_exposure(even) == pytest.approx(
        BLOCK / 2 + sum((k / 10) ** 2 for k in range(1, 10))
    )


def test_round_numbers_are_the_most_frequent_estimates() -> None:
    estimates = [7.0] * 10 + [3.5] * 6 + [14.0] * 4 + [1.0, 2.0, 5.0, 6.0, 9.0, 11.0, 13.0, 15.0]
    fit = fit_history(make_history(estimates, estimates))
    assert fit.round_values[:3] == (7.0, 3.5, 14.0)
    assert fit.round_share == pytest.approx(23 / 28)


# --- forecasts cover at their nominal rates -----------------------------------------------


def coverage(truth: Truth, histories: int, history_tasks: int, seed: int) -> list[float]:
    """Share of fresh blocks at or below the forecast P50, P85, P95 of their total.

    Each round draws a new history and the block of BLOCK tasks that follows it from the
    same generator, so the drift carries on from where the history ended.
    """
    rng = np.random.default_rng(seed)
    shares = (0.5, 0.85, 0.95)
    hits = np.zeros(3)
    trials = 2000
    for round_ in range(histories):
        estimate, actual, _ = generate(truth, history_tasks + BLOCK, rng)
        history = history_of(estimate[:history_tasks], actual[:history_tasks])
        items = [
            Item(id=f"t{k}", skill="dev", estimate=float(e))
            for k, e in enumerate(estimate[history_tasks:])
        ]
        efforts = sample_efforts(items, "pert", trials, seed=round_)
        calibrated, _ = calibrate_efforts(items, efforts, history, seed=round_)
        totals = np.sort(calibrated.sum(axis=1))
        total = actual[history_tasks:].sum()
        for k, share in enumerate(shares):
            hits[k] += total <= totals[math.ceil(share * trials) - 1]
    return list(hits / histories)


@pytest.mark.parametrize(
    ("truth", "seed"),
    [
        (Truth(beta=0.85, noise=0.5), 11),
        (Truth(beta=0.8, noise=0.5, shared=0.25), 12),
        (Truth(beta=0.9, noise=0.4, shared=0.15, drift=0.25), 13),
    ],
    ids=["independent", "shared", "shared-and-drift"],
)
def test_forecast_quantiles_cover_at_their_nominal_rates(truth: Truth, seed: int) -> None:
    p50, p85, p95 = coverage(truth, histories=300, history_tasks=500, seed=seed)
    # 300 blocks: the binomial standard error at 0.85 is 0.02; allow about three.
    assert p50 == pytest.approx(0.50, abs=0.09)
    assert p85 == pytest.approx(0.85, abs=0.07)
    assert p95 == pytest.approx(0.95, abs=0.045)


def test_independent_resampling_under_covers_when_surprises_are_shared() -> None:
    """Why the shift exists: without it a block's total is far too sure of itself."""
    truth = Truth(beta=1.0, noise=0.5, shared=0.35)
    rng = np.random.default_rng(21)
    estimate, actual, _ = generate(truth, 2000, rng)
    history = history_of(estimate, actual)
    fit = fit_history(history)
    assert fit.shift_spread >= 0.3
    items = [Item(id=f"t{k}", skill="dev", estimate=8.0) for k in range(BLOCK)]
    efforts = sample_efforts(items, "pert", 4000, seed=0)
    fitted, _ = calibrate_efforts(items, efforts, history, seed=0)
    resampled, _ = calibrate_efforts(items, efforts, history, seed=0, method="resample")
    spread = [float(np.std(np.log(x.sum(axis=1)))) for x in (fitted, resampled)]
    assert spread[0] > 2 * spread[1]


# --- planning effort ----------------------------------------------------------------------


def test_median_effort_is_the_median_of_the_calibrated_draws() -> None:
    estimate, actual, _ = generate(Truth(beta=0.8, noise=0.5), 1000, np.random.default_rng(31))
    history = history_of(estimate, actual)
    for hours in (1.0, 8.0, 40.0):
        item = Item(id=f"i{hours}", skill="dev", estimate=hours)
        efforts = sample_efforts([item], "pert", 40_000, seed=1)
        calibrated, _ = calibrate_efforts([item], efforts, history, seed=1)
        assert median_effort(item, history) == pytest.approx(float(np.median(calibrated)), rel=0.05)
    big, small = Item(id="b", skill="dev", estimate=40), Item(id="s", skill="dev", estimate=1)
    assert median_factor(big, history) < median_factor(small, history)


def test_median_effort_of_a_range_scales_its_likely_hours_and_resample_uses_the_median() -> None:
    history = make_history([4.0] * 30, [6.0] * 30)
    item = Item(id="r", skill="dev", estimate=(5, 8, 20))
    assert median_effort(item, history) == pytest.approx(12.0)
    assert median_effort(item, history, "resample") == 12.0


# --- invariants ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    estimates=st.lists(st.floats(0.25, 200.0), min_size=20, max_size=120),
    ratios=st.lists(st.floats(0.1, 10.0), min_size=120, max_size=120),
    scale=st.floats(0.2, 5.0),
    sizes=st.lists(st.floats(0.5, 100.0), min_size=1, max_size=6),
)
def test_efforts_are_positive_and_follow_the_history_s_hours(
    estimates: list[float], ratios: list[float], scale: float, sizes: list[float]
) -> None:
    """Had every past task taken `scale` times as long, every forecast effort would too."""
    actual = [e * r for e, r in zip(estimates, ratios, strict=False)]
    items = [Item(id=f"i{k}", skill="dev", estimate=size) for k, size in enumerate(sizes)]
    efforts = sample_efforts(items, "pert", 200, seed=0)
    base, _ = calibrate_efforts(items, efforts, make_history(estimates, actual), seed=0)
    scaled_history = make_history(estimates, [a * scale for a in actual])
    scaled, _ = calibrate_efforts(items, efforts, scaled_history, seed=0)
    assert np.all(np.isfinite(base)) and np.all(base > 0)
    assert np.allclose(scaled, base * scale, rtol=1e-6)


def test_a_range_from_zero_is_read_at_its_mean() -> None:
    estimate, actual, _ = generate(Truth(beta=0.8), 200, np.random.default_rng(41))
    history = history_of(estimate, actual)
    item = Item(id="z", skill="dev", estimate=(0, 0, 12))
    efforts = sample_efforts([item], "pert", 500, seed=0)
    calibrated, used = calibrate_efforts([item], efforts, history, seed=0)
    assert np.all(np.isfinite(calibrated)) and np.all(calibrated >= 0)
    factor = fit_history(history).everyone.factor(2.0)  # (0 + 4·0 + 12) / 6
    assert used.items[0].median_ratio == pytest.approx(factor)
    assert median_effort(item, history) == pytest.approx(2.0 * factor)


def test_planning_with_history_is_the_calibrated_median_of_a_single_number() -> None:
    rng = np.random.default_rng(3)
    estimate = rng.choice([2.0, 4.0, 8.0, 16.0, 40.0], size=120)
    actual = estimate * np.exp(rng.normal(0.2, 0.3, size=120))
    history = make_history(list(estimate), list(actual))
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 24}, {"id": "b", "skill": "x", "estimate": 2}],
        [{"name": "Ana", "skills": ["x"]}],
    )
    planned = planning_efforts(plan, history)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    drawn = prepare(plan, capacity, 4000, 0, history).efforts
    assert planned.tolist() == [
        pytest.approx(median_effort(item, history)) for item in plan.spec.items
    ]
    # The median of the calibrated draws, up to sampling error.
    assert np.median(drawn, axis=0) == pytest.approx(planned, rel=0.05)
