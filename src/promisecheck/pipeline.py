"""The estimate pipeline as one call: files in, Assessment out (no printing, no exit codes)."""

from __future__ import annotations

from pathlib import Path

from promisecheck.analysis import Assessment, assess
from promisecheck.calendar import build_capacity
from promisecheck.loading import load
from promisecheck.simulate import Progress, simulate

MAX_TRIALS = 1_000_000


def estimate(
    spec_path: Path,
    team_path: Path | None = None,
    *,
    trials: int = 10_000,
    seed: int = 0,
    confidence: float | None = None,
    progress: Progress | None = None,
) -> Assessment:
    """Load, simulate and assess one proposal."""
    plan = load(spec_path, team_path)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, trials, seed, capacity=capacity, progress=progress)
    return assess(plan, result, capacity, seed=seed, confidence=confidence)
