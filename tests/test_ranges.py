"""P10-P90 ranges: the stretched bounds give the stated percentiles; narrow ranges are flagged."""

from __future__ import annotations

import numpy as np
import pytest

from promisecheck.engine.ranges import cdf, is_narrow, percentile_bounds
from promisecheck.engine.sampling import sample_item
from promisecheck.inputs.model import Item

CASES = [(16.0, 20.0, 40.0), (10.0, 10.0, 40.0), (30.0, 32.0, 34.0), (8.0, 16.0, 24.0)]


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
@pytest.mark.parametrize("estimate", CASES)
def test_bounds_put_low_and_high_at_p10_and_p90(
    estimate: tuple[float, float, float], distribution: str
) -> None:
    low, likely, high = estimate
    a, b = percentile_bounds(low, likely, high, distribution)
    assert a < low and b > high
    assert cdf(low, a, likely, b, distribution) == pytest.approx(0.1, abs=1e-6)  # type: ignore[arg-type]
    assert cdf(high, a, likely, b, distribution) == pytest.approx(0.9, abs=1e-6)  # type: ignore[arg-type]


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_samples_have_the_stated_percentiles(distribution: str) -> None:
    item = Item(id="x", skill="s", estimate=(20, 30, 45))
    draws = sample_item(item, distribution, 200_000, seed=2, meaning="p10-p90")  # type: ignore[arg-type]
    p10, p90 = np.quantile(draws, [0.1, 0.9])
    assert p10 == pytest.approx(20, rel=0.01)
    assert p90 == pytest.approx(45, rel=0.01)
    assert sample_item(item, distribution, 1000, seed=2).min() >= 20  # type: ignore[arg-type]


def test_a_range_too_skewed_for_the_shape_keeps_its_p90_and_stops_at_zero() -> None:
    a, b = percentile_bounds(1.0, 2.0, 10.0, "pert")
    assert a == 0
    assert cdf(10.0, a, 2.0, b, "pert") == pytest.approx(0.9, abs=1e-6)


def test_exact_estimates_are_left_alone() -> None:
    assert percentile_bounds(5.0, 5.0, 5.0, "pert") == (5.0, 5.0)


def test_narrow_ranges() -> None:
    assert is_narrow(38, 40, 42)
    assert not is_narrow(30, 40, 60)
    assert not is_narrow(40, 40, 40)
