"""The history model: how actual hours follow estimates, and how a forecast draws from it.

Measured on real task data, three things decide whether a forecast is right at every
level, and a pool of ratios resampled independently per task gets all three wrong:

- overrun depends on size: small tasks overrun a lot, big ones hardly, and big ones hold
  most of the hours. So each pool is fitted on the log scale,
  log(actual) = α + β·log(estimate) + r, instead of one ratio for every size;
- a team's level drifts: recent records weigh more (half of the weight every
  `HALF_LIFE` tasks), and the level's uncertainty grows with the age of that estimate;
- tasks done together share part of their surprise: one shift per trial moves every item
  of the proposal together, so summing many items does not average the risk away.

`method = "resample"` keeps the earlier rule (a ratio drawn per trial from the pool, the
pool's median ratio for ranges), for teams that want to compare.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from promisecheck.engine.sampling import item_stream
from promisecheck.inputs.history import MIN_RECORDS, History, PoolKind, Pools, percentile
from promisecheck.inputs.model import HistoryMethod, Item

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Recency: a record HALF_LIFE tasks older than the newest weighs half as much.
HALF_LIFE = 100.0
# Below this many records the size effect is not fitted: β = 1 (one ratio for every size).
MIN_SLOPE_RECORDS = 30
# β outside these bounds is read as noise or an outlier-driven fit, not a size effect.
SLOPE_BOUNDS = (0.5, 1.2)
# Tasks done one after the other stand for a proposal's items: blocks of this many tasks.
BLOCK = 20
# Drift is measured between consecutive periods of this many tasks (five blocks).
PERIOD = 100
# The proposal's own tasks lie this many tasks past the history's newest record, on average.
HORIZON = BLOCK / 2
# The share of estimates taken by this many most frequent values: round numbers.
ROUND_VALUES = 6
# The shared stream of the per-trial shift: one draw per trial, common to all items.
SHIFT_KEY = "history-shift"


@dataclass(frozen=True, kw_only=True, eq=False)
class PoolFit:
    """One pool's fit: log(actual) = alpha + beta·log(estimate) + residual."""

    kind: PoolKind
    name: str | None  # the person or skill; None for everyone
    records: int
    alpha: float
    beta: float
    slope_fitted: bool  # False: too few records (or one size only), beta is 1
    residuals: FloatArray  # [records] oldest first
    weights: FloatArray  # [records] recency weights, summing to 1
    median_residual: float  # weighted median: the typical task's residual

    def typical(self, estimate: float) -> float:
        """The median hours a task estimated at `estimate` takes, by this pool's record."""
        return math.exp(self.alpha + self.beta * math.log(estimate) + self.median_residual)

    def factor(self, estimate: float) -> float:
        """The median actual ÷ estimate at this size."""
        return self.typical(estimate) / estimate


@dataclass(frozen=True, kw_only=True, eq=False)
class HistoryFit:
    """A history fitted: every pool's size effect, and what items share within a trial."""

    order: Literal["date", "file"]  # how the records were put in time order
    everyone: PoolFit
    by_person: dict[str, PoolFit]
    by_skill: dict[str, PoolFit]
    residual_spread: float  # SD of the everyone pool's residuals (log scale)
    shared_spread: float | None  # SD of the surprise a block of tasks shares; None: too few
    drift: float | None  # SD of the level's change per PERIOD tasks; None: too few records
    level_spread: float  # SD of the fitted level's own error (few or old records)
    shift_spread: float  # SD of the per-trial shift: shared, drift and level together
    round_share: float  # share of estimates that are one of the round values
    round_values: tuple[float, ...]  # the ROUND_VALUES most frequent estimates, most first

    def for_item(self, item: Item) -> PoolFit:
        """The assignee's pool when it has enough records, else the skill's, else everyone's.

        The same rule as the ratio pools: an item without an assignee uses its skill's
        pool, because who does it is only known once the schedule is drawn.
        """
        own = self.by_person.get(item.assignee or "")
        if own is not None:
            return own
        return self.by_skill.get(item.skill or "", self.everyone)


def _order(history: History) -> tuple[IntArray, Literal["date", "file"]]:
    """Records oldest first: by date when every record has one, else as the file lists them."""
    if history.records and all(day is not None for day in history.date):
        ordinals = np.array([day.toordinal() for day in history.date if day is not None])
        return np.argsort(ordinals, kind="stable").astype(np.int64), "date"
    return np.arange(history.records, dtype=np.int64), "file"


def _recency(count: int) -> FloatArray:
    age = np.arange(count - 1, -1, -1, dtype=np.float64)
    weights = np.power(0.5, age / HALF_LIFE)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _weighted_median(values: FloatArray, weights: FloatArray) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, 0.5 * cumulative[-1]))
    return float(values[order][min(index, values.size - 1)])


def fit_pool(kind: PoolKind, name: str | None, estimate: FloatArray, actual: FloatArray) -> PoolFit:
    """Weighted least squares on the log scale, newest records weighing most.

    `estimate` and `actual` are oldest first. The slope is kept within SLOPE_BOUNDS and
    is 1 below MIN_SLOPE_RECORDS records or when every estimate is the same size.
    """
    x, y = np.log(estimate), np.log(actual)
    weights = _recency(x.size)
    # Sums of products, not `@`: a BLAS call for a dot product of this size costs more in
    # thread hand-offs than it saves.
    x_mean, y_mean = float(np.sum(weights * x)), float(np.sum(weights * y))
    spread = float(np.sum(weights * (x - x_mean) ** 2))
    fitted = x.size >= MIN_SLOPE_RECORDS and spread > 1e-9
    beta = 1.0
    if fitted:
        slope = float(np.sum(weights * (x - x_mean) * (y - y_mean))) / spread
        beta = min(max(slope, SLOPE_BOUNDS[0]), SLOPE_BOUNDS[1])
    alpha = y_mean - beta * x_mean
    residuals = y - alpha - beta * x
    return PoolFit(
        kind=kind,
        name=name,
        records=int(x.size),
        alpha=alpha,
        beta=beta,
        slope_fitted=fitted,
        residuals=residuals,
        weights=weights,
        median_residual=_weighted_median(residuals, weights),
    )


def _pools(
    kind: PoolKind, names: Sequence[str | None], history: History, order: IntArray
) -> dict[str, PoolFit]:
    codes: dict[str, int] = {}
    keys = np.array([-1 if n is None else codes.setdefault(n, len(codes)) for n in names])
    in_order = keys[order] if keys.size else keys
    fits = {}
    for name, code in sorted(codes.items()):
        where = order[in_order == code]
        if where.size >= MIN_RECORDS:
            fits[name] = fit_pool(kind, name, history.estimate[where], history.actual[where])
    return fits


@dataclass(frozen=True, kw_only=True)
class SharedParts:
    """What a block of consecutive tasks shares, measured on residuals oldest first."""

    within: float  # variance of one task's residual around its block's mean
    shared: float | None  # variance of the surprise a block shares (noise removed)
    drift: float | None  # random-walk variance of the level per task


def shared_parts(residuals: FloatArray) -> SharedParts:
    """Method-of-moments estimates of the shared surprise and the drift.

    Blocks of BLOCK consecutive tasks, counted back from the newest. Within a block, a
    task's residual varies around the block's mean (`within`). Block means vary around
    their period's mean by the shared surprise plus `within`/BLOCK of noise; that noise
    is subtracted (the items draw their own residuals already). Periods of PERIOD tasks
    differ by the drift plus their own noise; for a random walk of variance q per task
    the mean of L tasks moves by q·(2L² + 1)/(3L) between neighbouring periods. Too few
    blocks (3) or periods (2) to measure: None.
    """
    blocks = residuals.size // BLOCK
    if blocks < 2:
        return SharedParts(within=float(np.var(residuals, ddof=1)), shared=None, drift=None)
    used = residuals[residuals.size - blocks * BLOCK :].reshape(blocks, BLOCK)
    within = float(np.mean(np.var(used, axis=1, ddof=1)))
    means = used.mean(axis=1)
    per_period = PERIOD // BLOCK
    periods = blocks // per_period
    if periods == 0 and blocks < 3:
        return SharedParts(within=within, shared=None, drift=None)
    # Block means within one period (or all of them, when there is not one full period).
    if periods == 0:
        grouped = means.reshape(1, blocks)
    else:
        grouped = means[blocks - periods * per_period :].reshape(periods, per_period)
    between = float(np.mean(np.var(grouped, axis=1, ddof=1)))
    shared = max(0.0, between - within / BLOCK)
    if periods < 2:
        return SharedParts(within=within, shared=shared, drift=None)
    moves = float(np.mean(np.diff(grouped.mean(axis=1)) ** 2))
    noise = 2 * between / per_period
    drift = max(0.0, moves - noise) * 3 * PERIOD / (2 * PERIOD**2 + 1)
    return SharedParts(within=within, shared=shared, drift=drift)


def drift_exposure(weights: FloatArray) -> float:
    """How many tasks' worth of random-walk drift separate the fitted level from the proposal.

    The level is a weighted mean of past records; the proposal lies HORIZON tasks past the
    newest. For a random walk of variance q per task, the error of the weighted mean is
    q·Σₖ Sₖ², where Sₖ is the weight of the records at least k tasks old.
    """
    tail = np.cumsum(weights)[:-1]  # weights are oldest first: S_k for k = records-1 … 1
    return float(np.sum(tail**2)) + HORIZON


def _round_numbers(estimate: FloatArray) -> tuple[float, tuple[float, ...]]:
    values, counts = np.unique(np.round(estimate, 6), return_counts=True)
    top = np.argsort(-counts, kind="stable")[:ROUND_VALUES]
    return float(counts[top].sum()) / estimate.size, tuple(float(values[i]) for i in top)


@functools.lru_cache(maxsize=16)
def fit_history(history: History) -> HistoryFit:
    """Fit every pool and the shared parts; cached, since every re-run of a plan uses it."""
    order, how = _order(history)
    everyone = fit_pool("everyone", None, history.estimate[order], history.actual[order])
    parts = shared_parts(everyone.residuals)
    level = parts.within * float(np.sum(everyone.weights**2))
    variance = level + (parts.shared or 0.0)
    if parts.drift is not None:
        variance += parts.drift * drift_exposure(everyone.weights)
    share, values = _round_numbers(history.estimate)
    return HistoryFit(
        order=how,
        everyone=everyone,
        by_person=_pools("person", history.person, history, order),
        by_skill=_pools("skill", history.skill, history, order),
        residual_spread=float(np.sqrt(np.average(everyone.residuals**2))),
        shared_spread=None if parts.shared is None else math.sqrt(parts.shared),
        drift=(None if parts.drift is None else math.sqrt(parts.drift * PERIOD)),
        level_spread=math.sqrt(level),
        shift_spread=math.sqrt(variance),
        round_share=share,
        round_values=values,
    )


# --- use in a forecast --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ItemCalibration:
    """How history changed one item's effort."""

    id: str
    pool: PoolKind  # whose records: the assignee's, the skill's or everyone's
    name: str | None  # the person or skill of the pool
    records: int  # tasks in the pool
    method: Literal["resampled", "scaled"]  # drawn per trial, or the range's draws scaled
    median_ratio: float  # the item's median effort ÷ estimate (at its size, without the shift)


@dataclass(frozen=True, kw_only=True)
class HistoryUse:
    """The history behind a forecast, for the report."""

    source: str
    records: int
    median_ratio: float
    p85_ratio: float
    p95_ratio: float
    items: tuple[ItemCalibration, ...]
    method: HistoryMethod = "fitted"
    shift_spread: float = 0.0  # SD (log scale) of the shift all items share in a trial


def size_of(item: Item) -> float:
    """The hours the size effect is read at: the likely hours, as the estimator would say
    them; for a range whose likely hours are 0, like [0, 0, 8], its PERT mean instead."""
    if item.likely > 0:
        return float(item.likely)
    return (item.low + 4 * item.likely + item.high) / 6


@functools.lru_cache(maxsize=16)
def ratio_pools(history: History) -> Pools:
    """The history's ratio pools, built once per history (planning asks item by item)."""
    return Pools.of(history)


def median_factor(item: Item, history: History, method: HistoryMethod = "fitted") -> float:
    """The calibrated median of the item's effort ÷ its size (`size_of`: the likely hours).

    For a single number this is exactly the median of its calibrated effort (the shared
    shift has median 0); for a range, the factor its draws are multiplied by.
    """
    if method == "resample":
        return percentile(ratio_pools(history).for_item(item).ratios, 0.5)
    return fit_history(history).for_item(item).factor(size_of(item))


def median_effort(item: Item, history: History, method: HistoryMethod = "fitted") -> float:
    """Planning hours of an item with history: its size (`size_of`: the likely hours) at the
    calibrated median."""
    return size_of(item) * median_factor(item, history, method)


def _resample(
    items: Sequence[Item], efforts: FloatArray, history: History, seed: int
) -> tuple[FloatArray, list[ItemCalibration]]:
    pools = ratio_pools(history)
    calibrated = np.empty_like(efforts)
    trials = efforts.shape[0]
    used = []
    for index, item in enumerate(items):
        pool = pools.for_item(item)
        median = percentile(pool.ratios, 0.5)
        if item.low == item.high:
            draws = item_stream(seed, f"history:{item.id}").integers(0, pool.ratios.size, trials)
            calibrated[:, index] = efforts[:, index] * pool.ratios[draws]
        else:
            calibrated[:, index] = efforts[:, index] * median
        used.append(
            ItemCalibration(
                id=item.id,
                pool=pool.kind,
                name=pool.name,
                records=int(pool.ratios.size),
                method="resampled" if item.low == item.high else "scaled",
                median_ratio=median,
            )
        )
    return calibrated, used


def shift_draws(seed: int, trials: int) -> FloatArray:
    """The per-trial standard-normal draws of the shared shift (its own keyed stream)."""
    return item_stream(seed, SHIFT_KEY).standard_normal(trials)


def _fitted(
    items: Sequence[Item], efforts: FloatArray, history: History, seed: int
) -> tuple[FloatArray, list[ItemCalibration], float]:
    fit = fit_history(history)
    trials = efforts.shape[0]
    shift = np.exp(fit.shift_spread * shift_draws(seed, trials)) if items else np.ones(trials)
    calibrated = np.empty_like(efforts)
    used = []
    for index, item in enumerate(items):
        pool = fit.for_item(item)
        single = item.low == item.high
        if single:
            # exp(α + β·log e + r) = e · exp(α + (β − 1)·log e) · exp(r), r drawn ∝ weight.
            cumulative = np.cumsum(pool.weights)
            u = item_stream(seed, f"history:{item.id}").random(trials) * cumulative[-1]
            drawn = np.minimum(np.searchsorted(cumulative, u, side="right"), pool.records - 1)
            level = math.exp(pool.alpha + (pool.beta - 1) * math.log(item.likely))
            calibrated[:, index] = efforts[:, index] * level * np.exp(pool.residuals[drawn])
        else:
            # A range states its own spread: only its location is corrected, at its size.
            calibrated[:, index] = efforts[:, index] * pool.factor(size_of(item))
        calibrated[:, index] *= shift
        used.append(
            ItemCalibration(
                id=item.id,
                pool=pool.kind,
                name=pool.name,
                records=pool.records,
                method="resampled" if single else "scaled",
                median_ratio=pool.factor(size_of(item)),
            )
        )
    return calibrated, used, fit.shift_spread


def calibrate_efforts(
    items: Sequence[Item],
    efforts: FloatArray,
    history: History,
    seed: int,
    method: HistoryMethod = "fitted",
) -> tuple[FloatArray, HistoryUse]:
    """Sampled efforts corrected by the team's record, by the fitted model or by resampling.

    Each item's own draws come from a stream keyed by its id (`history:<id>`) and the
    shared shift from `history-shift`, so adding, removing or changing other items leaves
    an item's draws as they were, and compare, check and compromises keep their common
    random numbers.
    """
    shift = 0.0
    if method == "resample":
        calibrated, used = _resample(items, efforts, history, seed)
    else:
        calibrated, used, shift = _fitted(items, efforts, history, seed)
    everyone = np.sort(history.ratio)
    return calibrated, HistoryUse(
        source=history.source,
        records=history.records,
        median_ratio=percentile(everyone, 0.5),
        p85_ratio=percentile(everyone, 0.85),
        p95_ratio=percentile(everyone, 0.95),
        items=tuple(used),
        method=method,
        shift_spread=shift,
    )
