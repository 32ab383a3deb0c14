"""History → Calibration: how a team estimates, in numbers, computed once.

A ratio is actual hours / estimated hours of one finished task: 1.0 is spot on, 2.0
took twice as long. Percentiles are of tasks: P85 is the ratio that 85 % of tasks stayed
within (the same "earliest value reached by that share" rule as the estimate report).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from promisecheck.engine.history_model import (
    BLOCK,
    PERIOD,
    ROUND_VALUES,
    HistoryFit,
    PoolFit,
    fit_history,
)
from promisecheck.errors import ExitCode, InputError, OptionError, Problem
from promisecheck.inputs.history import (
    MIN_RECORDS,
    History,
    PoolKind,
    parse_columns,
    percentile,
    read_history,
)
from promisecheck.inputs.loading import load_spec, load_team, read_toml, team_path_for
from promisecheck.inputs.model import HistoryMethod, HistoryUnit
from promisecheck.notices import Notice, UndatedTasks

SCHEMA = "promisecheck.calibrate/1"
# Edges of the ratio chart's bars: "on estimate" is within a factor 1.25 either way.
CHART_EDGES: tuple[float, ...] = (0.5, 0.8, 1.25, 2.0, 3.0, 5.0)
# Periods with fewer tasks than this are shown but not used in the trend sentence.
TREND_MIN_RECORDS = 5

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

    low: float | None
    high: float | None
    records: int
    share: float


@dataclass(frozen=True, kw_only=True)
class SizeExample:
    """What a task of one estimated size typically takes (the fitted median)."""

    estimate: float
    typical: float


@dataclass(frozen=True, kw_only=True)
class PoolFinding:
    """One pool of the fitted model: whose records, how many, its size effect."""

    kind: PoolKind
    name: str | None
    records: int
    beta: float  # actual grows as estimate^beta; 1: the same overrun at every size
    slope_fitted: bool  # False: under 30 records or one size only, beta is 1
    examples: tuple[SizeExample, ...]


@dataclass(frozen=True, kw_only=True)
class ModelFindings:
    """What the history model found: size effect, drift, shared surprises, round numbers."""

    method: HistoryMethod  # what forecasts with this history use
    order: str  # "date" or "file": how records were put in time order
    alpha: float
    beta: float
    slope_fitted: bool
    examples: tuple[SizeExample, ...]  # largest estimate first
    residual_spread: float  # SD of one task's log surprise
    shared_spread: float | None  # SD (log) of the surprise a block of tasks shares
    drift: float | None  # SD (log) of the level's change per `period` tasks
    level_spread: float  # SD (log) of the fitted level's own error
    shift_spread: float  # SD (log) of the per-trial shift all items share
    block: int  # tasks per block for the shared surprise
    period: int  # tasks per period for the drift
    round_share: float  # share of estimates that are one of `round_values`
    round_values: tuple[float, ...]
    pools: tuple[PoolFinding, ...]  # everyone, then each person's, then each skill's


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
    tail_ratio: float  # the typical high overrun (P85, one decimal) the tail is counted above
    tail_share: float  # share of tasks above tail_ratio
    by_skill: tuple[RatioSummary, ...]
    by_person: tuple[RatioSummary, ...]
    trend: tuple[Period, ...]  # empty without dates
    # The first and last periods with TREND_MIN_RECORDS tasks or more, when there are two.
    trend_change: tuple[Period, Period] | None
    chart: tuple[RatioBin, ...]
    model: ModelFindings
    warnings: tuple[Notice, ...]

    @property
    def exit_code(self) -> ExitCode:
        """Always 0: a calibration describes the past; there is no promise for it to miss."""
        return ExitCode.ON_TRACK


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


def _period_of(day: dt.date, span_days: int) -> str:
    if span_days > 3 * 365:
        return f"{day.year}"
    if span_days > 365:
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _trend(
    history: History, ratio: FloatArray
) -> tuple[tuple[Period, ...], tuple[Period, Period] | None]:
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
    return tuple(trend), (solid[0], solid[-1]) if len(solid) >= 2 else None


def _chart(ratio: FloatArray) -> tuple[RatioBin, ...]:
    edges = (None, *CHART_EDGES, None)
    bins = []
    for low, high in itertools.pairwise(edges):
        inside = np.ones(ratio.size, dtype=bool)
        if low is not None:
            inside &= ratio >= low
        if high is not None:
            inside &= ratio < high
        count = int(np.count_nonzero(inside))
        bins.append(RatioBin(low=low, high=high, records=count, share=count / ratio.size))
    return tuple(bins)


def example_sizes(estimate: FloatArray) -> tuple[float, ...]:
    """The history's own small, middle and large estimates (P10, P50, P90), two digits, largest
    first: the size effect is shown where there are records, never extrapolated."""
    ordered = np.sort(estimate)
    sizes = {float(f"{percentile(ordered, share):.2g}") for share in (0.9, 0.5, 0.1)}
    return tuple(sorted(sizes, reverse=True))


def _examples(pool: PoolFit, sizes: Sequence[float]) -> tuple[SizeExample, ...]:
    return tuple(SizeExample(estimate=size, typical=pool.typical(size)) for size in sizes)


def _findings(history: History, fit: HistoryFit, method: HistoryMethod) -> ModelFindings:
    sizes = example_sizes(history.estimate)
    pools = [fit.everyone, *fit.by_person.values(), *fit.by_skill.values()]
    everyone = fit.everyone
    return ModelFindings(
        method=method,
        order=fit.order,
        alpha=everyone.alpha,
        beta=everyone.beta,
        slope_fitted=everyone.slope_fitted,
        examples=_examples(everyone, sizes),
        residual_spread=fit.residual_spread,
        shared_spread=fit.shared_spread,
        drift=fit.drift,
        level_spread=fit.level_spread,
        shift_spread=fit.shift_spread,
        block=BLOCK,
        period=PERIOD,
        round_share=fit.round_share,
        round_values=fit.round_values[:ROUND_VALUES],
        pools=tuple(
            PoolFinding(
                kind=p.kind,
                name=p.name,
                records=p.records,
                beta=p.beta,
                slope_fitted=p.slope_fitted,
                examples=_examples(p, sizes),
            )
            for p in pools
        ),
    )


def calibrate(history: History, method: HistoryMethod = "fitted") -> Calibration:
    """How this team estimates: bias, spread, by skill, by person, over time, and what the
    history model found (`method` is what this team's forecasts use)."""
    ratio = history.ratio
    overall = _summary("everyone", ratio)
    tail_ratio = round(overall.p85, 1)
    tail_share = float(np.count_nonzero(ratio > tail_ratio)) / ratio.size
    trend, trend_change = _trend(history, ratio)
    warnings = list(history.warnings)
    undated = sum(day is None for day in history.date)
    if trend and undated:
        warnings.append(UndatedTasks(tasks=undated))
    return Calibration(
        source=history.source,
        records=history.records,
        estimate_hours=float(history.estimate.sum()),
        actual_hours=float(history.actual.sum()),
        overall=overall,
        over_share=float(np.count_nonzero(ratio > 1.0)) / ratio.size,
        tail_ratio=tail_ratio,
        tail_share=tail_share,
        by_skill=_groups(history.skill, ratio),
        by_person=_groups(history.person, ratio),
        trend=trend,
        trend_change=trend_change,
        chart=_chart(ratio),
        model=_findings(history, fit_history(history), method),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True, kw_only=True)
class CalibrateRequest:
    """`promisecheck calibrate`: which history to read, and how (see load_for_calibration)."""

    history: Path | None = None  # the CSV; None: the team's [history] file
    team: Path | None = None  # the team file whose [history] columns, unit and method apply
    columns: str | None = None  # the CSV's own names as written on the command line (ours=theirs,…)
    unit: HistoryUnit | None = None  # of the estimate and actual columns; None: the team's
    hours_per_day: float | None = None  # with unit days; None: the team's, else 8


def run(request: CalibrateRequest) -> Calibration:
    """`promisecheck calibrate`: read the history (see load_for_calibration) and describe it."""
    columns, unit, hours_per_day = request.columns, request.unit, request.hours_per_day
    try:
        mapping = parse_columns(columns or "")
    except ValueError as error:
        raise OptionError("columns", str(error)) from None
    records, method = load_for_calibration(
        request.history, request.team, mapping, unit, hours_per_day
    )
    return calibrate(records, method)


# --- which file, read how -----------------------------------------------------------------


def load_for_calibration(
    csv: Path | None,
    team_file: Path | None = None,
    columns: Mapping[str, str] | None = None,
    unit: HistoryUnit | None = None,
    hours_per_day: float | None = None,
) -> tuple[History, HistoryMethod]:
    """The history to calibrate, and the method this team's forecasts use.

    A team file (or a proposal, standing for its team file) lends its [history] table:
    the file (unless `csv` names another export), the columns, the unit, the method, and
    its calendar's hours per day. What is given
    explicitly (`columns`, `unit`, `hours_per_day`) wins over the team's settings.
    """
    settings = None
    calendar_hours = 8.0
    if team_file is not None:
        team_file = _team_of(team_file)
        team = load_team(team_file)
        settings = team.history
        calendar_hours = team.calendar.hours_per_day
        if settings is None and csv is None:
            raise InputError.single(
                team_file,
                "history",
                "no [history] table; expected one naming the team's history CSV",
                hint='add [history] with file = "history.csv" and, for an export\'s own '
                'column names, columns = { estimate_hours = "…", actual_hours = "…" }',
            )
    path = csv if csv is not None else Path(settings.file if settings else "")
    mapping = {**(settings.columns if settings else {}), **(columns or {})}
    try:
        history = read_history(
            path,
            mapping,
            unit or (settings.unit if settings else "hours"),
            hours_per_day or calendar_hours,
        )
    except InputError as error:
        if team_file is None and not columns:
            raise _pointing_at_team(error, path) from None
        raise
    return history, settings.method if settings else "fitted"


def _team_of(path: Path) -> Path:
    """A proposal (a TOML file with [project]) stands for its team file."""
    data, _ = read_toml(path)
    if "project" not in data:
        return path
    spec, _, _ = load_spec(path)
    return team_path_for(spec, path, None)


def _pointing_at_team(error: InputError, csv: Path) -> InputError:
    """A header problem gets a pointer to the team file beside the CSV that maps it."""
    if not any(p.message.startswith("not in the header") for p in error.problems):
        return error
    beside = csv.parent / "team.toml"
    try:
        settings = load_team(beside).history if beside.is_file() else None
    except InputError:
        return error
    if settings is None or Path(settings.file).resolve() != csv.resolve():
        return error
    pointer = Problem(
        path=beside,
        location="history",
        message=f"maps the columns of {csv.name}",
        hint=f"calibrate the team file instead: promisecheck calibrate {beside}",
    )
    return InputError((pointer, *error.problems))
