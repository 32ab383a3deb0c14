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

from promisecheck.model import Distribution, Item

FloatArray = npt.NDArray[np.float64]


def item_stream(seed: int, key: str) -> np.random.Generator:
    """The random stream of one item (or other named draw) for one seed."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return np.random.default_rng([seed, int.from_bytes(digest, "little")])


def pert_parameters(low: float, likely: float, high: float) -> tuple[float, float]:
    """PERT-beta shape parameters α, β for a range with low < high."""
    span = high - low
    return 1 + 4 * (likely - low) / span, 1 + 4 * (high - likely) / span


def sample_item(
    item: Item, distribution: Distribution, trials: int, seed: int
) -> FloatArray:
    """Hours of work for one item in each trial."""
    low, likely, high = item.low, item.likely, item.high
    if low == high:
        return np.full(trials, float(low))
    stream = item_stream(seed, item.id)
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


def sample_efforts(
    items: Sequence[Item], distribution: Distribution, trials: int, seed: int
) -> FloatArray:
    """[trials, items] hours of work, each item from its own keyed stream."""
    efforts = np.empty((trials, len(items)))
    for index, item in enumerate(items):
        efforts[:, index] = sample_item(item, distribution, trials, seed)
    return efforts
