"""Random effort per item and trial, drawn from a stream keyed by the item's id.

Keying by id (not by position) gives common random numbers: the same item keeps the same
draws when other items are added, removed or reordered, so a difference between two
versions of a proposal is the change, not noise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from promisecheck.engine.ranges import percentile_bounds, pert_parameters
from promisecheck.inputs.model import Distribution, Item, RangeMeaning

FloatArray = npt.NDArray[np.float64]


def item_stream(seed: int, key: str) -> np.random.Generator:
    """The random stream of one item (or other named draw) for one seed."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return np.random.default_rng([seed, int.from_bytes(digest, "little")])


def sample_item(
    item: Item, distribution: Distribution, trials: int, seed: int, meaning: RangeMeaning = "minmax"
) -> FloatArray:
    """Hours of work for one item in each trial."""
    if item.low == item.high:
        return np.full(trials, float(item.low))
    estimate = (item.low, item.likely, item.high)
    return sample_range(estimate, distribution, meaning, item_stream(seed, item.id), trials)


def sample_range(
    estimate: tuple[float, float, float],
    distribution: Distribution,
    meaning: RangeMeaning,
    stream: np.random.Generator,
    trials: int,
) -> FloatArray:
    """Draws from a [low, likely, high] range, read as min-max or as P10-P90."""
    low, likely, high = estimate
    if low == high:
        return np.full(trials, float(low))
    if meaning == "p10-p90":
        low, high = percentile_bounds(low, likely, high, distribution)
    if distribution == "pert":
        alpha, beta = pert_parameters(low, likely, high)
        return low + (high - low) * stream.beta(alpha, beta, trials)
    # Inverse CDF of the triangular distribution, so one uniform draw maps to one effort.
    u = stream.random(trials)
    span = high - low
    split = (likely - low) / span
    rising = low + np.sqrt(u * span * (likely - low))
    falling = high - np.sqrt((1 - u) * span * (high - likely))
    return np.where(u < split, rising, falling)


def mean_effort(
    estimate: tuple[float, float, float], distribution: Distribution, meaning: RangeMeaning
) -> float:
    """The mean of the distribution `sample_range` draws from (a single number: itself).

    PERT-beta on [min, max] with mode `likely` has mean (min + 4 likely + max) / 6; the
    triangular one (min + likely + max) / 3. For P10-P90 ranges, min and max are the
    stretched bounds the draws use.
    """
    low, likely, high = estimate
    if low == high:
        return float(low)
    if meaning == "p10-p90":
        low, high = percentile_bounds(low, likely, high, distribution)
    if distribution == "pert":
        return (low + 4 * likely + high) / 6
    return (low + likely + high) / 3


def sample_efforts(
    items: Sequence[Item],
    distribution: Distribution,
    trials: int,
    seed: int,
    meaning: RangeMeaning = "minmax",
) -> FloatArray:
    """[trials, items] hours of work, each item from its own keyed stream."""
    efforts = np.empty((trials, len(items)))
    for index, item in enumerate(items):
        efforts[:, index] = sample_item(item, distribution, trials, seed, meaning)
    return efforts
