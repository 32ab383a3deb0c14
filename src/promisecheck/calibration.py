"""History → Calibration: how a team estimates, in numbers and one sentence, computed once.

A ratio is actual hours / estimated hours of one finished task: 1.0 is spot on, 2.0
took twice as long. Percentiles are of tasks: P85 is the ratio that 85 % of tasks stayed
within (the same "earliest value reached by that share" rule as the estimate report).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.history import MIN_RECORDS, History, percentile

SCHEMA = "promisecheck.calibrate/1"
# Edges of the ratio chart's bars: "on estimate" is within a factor 1.25 either way.
CHART_EDGES: tuple[float, ...] = (0.5, 0.8, 1.25, 2.0, 3.0, 5.0)
# Periods with fewer tasks than this are shown but not used in the trend sentence.
TREND_MIN_RECORDS = 5
_NUMBER_WORDS: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven")
_NUMBER_WORDS += ("eight", "nine")
_NUMBER_WORDS += ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")
_NUMBER_WORDS += ("seventeen", "eighteen", "nineteen", "twenty")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class RatioSummary:
    """The ratios of one group of tasks: everyone's, one skill's or one person's."""

    name: str
    records: int
    median: float
    p85: float
    p95: float
    pooled: bool  # enough records to be used on its own when forecasting


@dataclass(frozen=True, kw_only=True)
class Period:
    """The ratios of the tasks dated within one period."""

    label: str  # "2024", "2024 Q3" or "2024-05"
    first: dt.date
    last: dt.date
    records: int
    median: float
    p85: float


@dataclass(frozen=True, kw_only=True)
class RatioBin:
    """One bar of the ratio chart: tasks with low ≤ ratio < high."""

    label: str
    low: float | None
    high: float | None
    records: int
    share: float


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """Everything the calibrate renderers show; read-only."""

    schema: str = SCHEMA
    source: str
    records: int
    estimate_hours: float  # total estimated
    actual_hours: float  # total actual
    overall: RatioSummary
    over_share: float  # share of tasks that took longer than estimated
    tail_ratio: float  # the ratio the sentence's "one task in N" takes more than
    tail_share: float  # share of tasks above tail_ratio
    sentence: str  # the bias in one sentence
    by_skill: tuple[RatioSummary, ...]
    by_person: tuple[RatioSummary, ...]
    trend: tuple[Period, ...]  # empty without dates
    trend_sentence: str | None
    chart: tuple[RatioBin, ...]
    warnings: tuple[str, ...]


def _summary(name: str, ratios: FloatArray) -> RatioSummary:
    ordered = np.sort(ratios)
    return RatioSummary(
        name=name,
        records=int(ordered.size),
        median=percentile(ordered, 0.5),
        p85=percentile(ordered, 0.85),
        p95=percentile(ordered, 0.95),
        pooled=ordered.size >= MIN_RECORDS,
    )


def _groups(names: Sequence[str | None], ratio: FloatArray) -> tuple[RatioSummary, ...]:
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name is not None:
            positions.setdefault(name, []).append(index)
    ordered = sorted(positions.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(_summary(name, ratio[where]) for name, where in ordered)


def times(ratio: float) -> str:
    """A ratio as people say it: 1.3×."""
    return f"{ratio:.1f}×"


def _in_words(count: int) -> str:
    return _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)


def bias_sentence(median: float, tail_ratio: float, tail_share: float) -> str:
    """ "estimates run 1.3× over at the median; one task in seven takes over 2.5× its estimate"."""
    shown = round(median, 1)
    if shown > 1.0:
        first = f"estimates run {times(median)} over at the median"
    elif shown < 1.0:
        first = f"tasks take {times(median)} their estimate at the median (estimates run high)"
    else:
        first = "estimates are right at the median"
    if tail_share <= 0:
        return f"{first}; no task took over {times(tail_ratio)} its estimate"
    one_in = max(2, round(1 / tail_share))
    return f"{first}; one task in {_in_words(one_in)} takes over {times(tail_ratio)} its estimate"


def _period_of(day: dt.date, span_days: int) -> str:
    if span_days > 3 * 365:
        return f"{day.year}"
    if span_days > 365:
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _trend(history: History, ratio: FloatArray) -> tuple[tuple[Period, ...], str | None]:
    dated = [(day, i) for i, day in enumerate(history.date) if day is not None]
    if not dated:
        return (), None
    dated.sort()
    span = (dated[-1][0] - dated[0][0]).days
    periods: dict[str, list[tuple[dt.date, int]]] = {}
    for day, index in dated:
        periods.setdefault(_period_of(day, span), []).append((day, index))
    trend = []
    for label, members in periods.items():
        ordered = np.sort(ratio[[index for _, index in members]])
        trend.append(
            Period(
                label=label,
                first=members[0][0],
                last=members[-1][0],
                records=len(members),
                median=percentile(ordered, 0.5),
                p85=percentile(ordered, 0.85),
            )
        )
    solid = [p for p in trend if p.records >= TREND_MIN_RECORDS]
    sentence = None
    if len(solid) >= 2:
        first, last = solid[0], solid[-1]
        sentence = (
            f"the median went from {times(first.median)} in {first.label} "
            f"to {times(last.median)} in {last.label}; "
            f"P85 from {times(first.p85)} to {times(last.p85)}"
        )
    return tuple(trend), sentence


def _chart(ratio: FloatArray) -> tuple[RatioBin, ...]:
    edges = (None, *CHART_EDGES, None)
    bins = []
    for low, high in itertools.pairwise(edges):
        inside = np.ones(ratio.size, dtype=bool)
        if low is not None:
            inside &= ratio >= low
        if high is not None:
            inside &= ratio < high
        if low is None:
            label = f"under {high:g}×"
        elif high is None:
            label = f"{low:g}× and over"
        else:
            label = f"{low:g} to {high:g}×"
        count = int(np.count_nonzero(inside))
        bins.append(
            RatioBin(label=label, low=low, high=high, records=count, share=count / ratio.size)
        )
    return tuple(bins)


def calibrate(history: History) -> Calibration:
    """How this team estimates: bias, spread, by skill, by person, over time."""
    ratio = history.ratio
    overall = _summary("everyone", ratio)
    tail_ratio = round(overall.p85, 1)
    tail_share = float(np.count_nonzero(ratio > tail_ratio)) / ratio.size
    trend, trend_sentence = _trend(history, ratio)
    warnings = list(history.warnings)
    undated = sum(day is None for day in history.date)
    if trend and undated:
        warnings.append(f"{undated} tasks have no date and are left out of the trend")
    return Calibration(
        source=history.source,
        records=history.records,
        estimate_hours=float(history.estimate.sum()),
        actual_hours=float(history.actual.sum()),
        overall=overall,
        over_share=float(np.count_nonzero(ratio > 1.0)) / ratio.size,
        tail_ratio=tail_ratio,
        tail_share=tail_share,
        sentence=bias_sentence(overall.median, tail_ratio, tail_share),
        by_skill=_groups(history.skill, ratio),
        by_person=_groups(history.person, ratio),
        trend=trend,
        trend_sentence=trend_sentence,
        chart=_chart(ratio),
        warnings=tuple(warnings),
    )
