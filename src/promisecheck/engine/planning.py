"""The hours a lead plans each item with: what the dispatcher judges "who finishes first" on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from promisecheck.engine.history_model import median_factor
from promisecheck.engine.sampling import mean_effort
from promisecheck.inputs.history import History
from promisecheck.inputs.model import Distribution, HistoryMethod, Item, Plan, RangeMeaning

FloatArray = npt.NDArray[np.float64]


def planning_efforts(
    plan: Plan, history: History | None = None, method: HistoryMethod = "fitted"
) -> FloatArray:
    """[items] hours a lead plans each item with: who would finish it first is judged on these.

    Never the trial's sampled effort, which nobody knows in advance. A single number is taken
    as written, a range by its mean (PERT or triangular, as the draws); with history, that
    times the history model's median factor for the item (`method` as the team's), which for
    a single number is exactly the calibrated median. The one place this is decided: the
    engine and every command use it.
    """
    project = plan.spec.project
    planning = planned_hours(plan.spec.items, project.distribution, project.range)
    if history is not None:
        for index, item in enumerate(plan.spec.items):
            planning[index] *= median_factor(item, history, method)
    return planning


def planned_hours(
    items: Sequence[Item], distribution: Distribution = "pert", meaning: RangeMeaning = "minmax"
) -> FloatArray:
    """[items] each estimate's mean, the planning hours without history. The defaults are a
    spec's own, so an engine given no planning (tests, the reference) plans as a plain spec."""
    return np.array(
        [mean_effort((item.low, item.likely, item.high), distribution, meaning) for item in items],
        dtype=np.float64,
    )
