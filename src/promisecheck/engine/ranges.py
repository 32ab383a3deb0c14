"""What a range's low and high mean: the bounds to sample from when they are P10 and P90.

With `range = "p10-p90"` an estimator's [low, likely, high] says that one task in ten
takes less than low and one in ten more than high. The distribution keeps its shape
(PERT-beta or triangular, mode at likely) and its bounds are stretched until its 10th
and 90th percentiles are low and high. The solve is numeric and numpy-only: the beta CDF
is integrated on a fixed grid (PERT's shape parameters are in [1, 5], so the density is
bounded), and one number, where the mode sits within the stretched range, is found by
bisection.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from promisecheck.inputs.model import Distribution

FloatArray = npt.NDArray[np.float64]

LOW_SHARE = 0.1
HIGH_SHARE = 0.9
# Relative width (high - low) / likely under which a range is suspiciously narrow: real
# tasks rarely land within ±10 % of their estimate one time in ten, let alone always.
NARROW = 0.2

_GRID = np.linspace(0.0, 1.0, 4097)
_BISECTIONS = 48


def pert_parameters(low: float, likely: float, high: float) -> tuple[float, float]:
    """PERT-beta shape parameters (alpha, beta) for a range with low < high."""
    span = high - low
    return 1 + 4 * (likely - low) / span, 1 + 4 * (high - likely) / span


def _beta_cumulative(alpha: float, beta: float) -> FloatArray:
    """The Beta(alpha, beta) CDF on _GRID, for alpha, beta ≥ 1 (trapezoids, normalised)."""
    density = _GRID ** (alpha - 1) * (1 - _GRID) ** (beta - 1)
    cumulative: FloatArray = np.concatenate(([0.0], np.cumsum((density[1:] + density[:-1]) / 2)))
    normalised: FloatArray = cumulative / cumulative[-1]
    return normalised


def cdf(x: float, low: float, likely: float, high: float, distribution: Distribution) -> float:
    """P(effort ≤ x) for the distribution on [low, high] with its mode at likely."""
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    span = high - low
    if distribution == "pert":
        alpha, beta = pert_parameters(low, likely, high)
        return float(np.interp((x - low) / span, _GRID, _beta_cumulative(alpha, beta)))
    if x <= likely:
        return (x - low) ** 2 / (span * (likely - low))
    return 1 - (high - x) ** 2 / (span * (high - likely))


def _standard_quantiles(mode: float, distribution: Distribution) -> tuple[float, float]:
    """P10 and P90 of the shape on [0, 1] with its mode at `mode`."""
    if distribution == "triangular":

        def quantile(p: float) -> float:
            return math.sqrt(p * mode) if p < mode else 1 - math.sqrt((1 - p) * (1 - mode))

        return quantile(LOW_SHARE), quantile(HIGH_SHARE)
    alpha, beta = pert_parameters(0.0, mode, 1.0)
    cumulative = _beta_cumulative(alpha, beta)
    found = np.interp([LOW_SHARE, HIGH_SHARE], cumulative, _GRID)
    return float(found[0]), float(found[1])


def _bisect(error: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of a function that is negative at lo and not at hi."""
    for _ in range(_BISECTIONS):
        middle = (lo + hi) / 2
        if error(middle) < 0:
            lo = middle
        else:
            hi = middle
    return (lo + hi) / 2


@functools.lru_cache(maxsize=4096)
def percentile_bounds(
    low: float, likely: float, high: float, distribution: Distribution
) -> tuple[float, float]:
    """The [min, max] whose distribution has low and high as its P10 and P90.

    The shape on [0, 1] is fixed by where its mode sits, r = (likely - min) / (max - min);
    the P10 and P90 then fix min and max. So one number is solved for: the r at which the
    stretched range puts the mode back at `likely`. The minimum never goes below 0 hours:
    when it would, it stays at 0 and only the P90 holds (the range is then more skewed
    than the shape can be).
    """
    if low == high:
        return low, high
    share = (likely - low) / (high - low)

    def mode_gap(mode: float) -> float:
        # The stretched range's mode minus `mode`, in units of the stretched span: it
        # falls from above 0 at mode 0 to below 0 at mode 1.
        q10, q90 = _standard_quantiles(mode, distribution)
        return mode - (q10 + share * (q90 - q10))

    mode = _bisect(mode_gap, 0.0, 1.0)
    q10, q90 = _standard_quantiles(mode, distribution)
    span = (high - low) / (q90 - q10)
    minimum = low - q10 * span
    if minimum >= 0:
        return minimum, minimum + span

    def above_p90(maximum: float) -> float:
        return (1 - cdf(high, 0.0, likely, maximum, distribution)) - (1 - HIGH_SHARE)

    reach = 2 * high
    while above_p90(reach) < 0:
        reach *= 2
    return 0.0, _bisect(above_p90, high, reach)


def is_narrow(low: float, likely: float, high: float) -> bool:
    """A range narrower than NARROW * likely (an exact number is not a range: never narrow)."""
    return low < high and (high - low) < NARROW * likely and not math.isclose(low, high)
