"""Are the forecasts calibrated? A back-test on the SiP task data, read in place.

    python benchmarks/backtest.py [--data ../shared/data/sip] [--trials 10000]

The protocol, fixed before any number was looked at (and the same for every method):

- tasks: the distinct tasks of each project with at least 100 of them, ordered by the
  day they were estimated (then by task number); a task's person is the developer who
  booked most of its hours, its skill its sub-category (Enhancement, Bug, Support, …);
- history: the first half of each project's tasks, with their estimate dates;
- forecasts: the second half, cut into consecutive blocks of 20 tasks (a remainder under
  20 is dropped); each block's total actual hours is forecast from its tasks' estimates
  with promisecheck's own `calibrate_efforts`, 10 000 trials, seed 0;
- scores: the share of blocks whose actual total came in at or below the forecast P50,
  P85 and P95 (targets: about 0.50, 0.85, 0.95), the share at or below the plain sum of
  the estimates, and the median over blocks of P85 ÷ the sum of the estimates (the width:
  lower is better at the same coverage).

The data set's licence (CC BY-NC-ND 4.0) forbids modified copies: it is read where it
lies and nothing derived from it is written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from promisecheck.engine.history_model import calibrate_efforts
from promisecheck.engine.sampling import sample_efforts
from promisecheck.inputs.history import History, make_history
from promisecheck.inputs.model import HistoryMethod, Item

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sip"
MIN_TASKS = 100
BLOCK = 20
SHARES = (0.5, 0.85, 0.95)


@dataclass(frozen=True)
class Task:
    number: int
    estimated_on: dt.date
    estimate: float
    actual: float
    developer: str  # who booked the most hours on it
    kind: str  # SubCategory: Enhancement, Bug, Support, ...


def read_tasks(folder: Path) -> dict[str, list[Task]]:
    """Distinct tasks per project, in the order they were estimated."""
    with (folder / "est-act-dates.csv").open(encoding="cp1252", newline="") as stream:
        estimated_on = {
            row["TaskNumber"]: dt.datetime.strptime(row["EstimateOn"], "%d-%b-%y").date()
            for row in csv.DictReader(stream)
        }
    rows: dict[str, list[dict[str, str]]] = {}
    with (folder / "Sip-task-info.csv").open(encoding="cp1252", newline="") as stream:
        for row in csv.DictReader(stream):
            rows.setdefault(row["TaskNumber"], []).append(row)
    projects: dict[str, list[Task]] = {}
    for number, booked in rows.items():
        first = booked[0]
        lead = max(booked, key=lambda r: float(r["DeveloperHoursActual"] or 0))
        projects.setdefault(first["ProjectCode"], []).append(
            Task(
                number=int(number),
                estimated_on=estimated_on[number],
                estimate=float(first["HoursEstimate"]),
                actual=float(first["HoursActual"]),
                developer=f"dev{lead['DeveloperID']}",
                kind=first["SubCategory"],
            )
        )
    for tasks in projects.values():
        tasks.sort(key=lambda t: (t.estimated_on, t.number))
    return projects


# How a past task and a task to forecast are described to promisecheck: which person and
# which skill its ratio pool may come from.
Describe = Callable[[Task], tuple[str | None, str | None]]
POOLS: dict[str, Describe] = {
    "person, then skill, then everyone (shipped rule)": lambda t: (t.developer, t.kind),
    "person, then everyone": lambda t: (t.developer, None),
    "everyone": lambda t: (None, None),
}
METHODS: tuple[HistoryMethod, ...] = ("fitted", "resample")


def history_of(tasks: list[Task], describe: Describe) -> History:
    who = [describe(t) for t in tasks]
    return make_history(
        [t.estimate for t in tasks],
        [t.actual for t in tasks],
        person=[p for p, _ in who],
        skill=[s for _, s in who],
        date=[t.estimated_on for t in tasks],
    )


def forecast(
    block: list[Task], history: History, describe: Describe, method: HistoryMethod, trials: int
) -> list[float]:
    """P50, P85 and P95 of the block's total hours."""
    items = []
    for task in block:
        person, skill = describe(task)
        items.append(
            Item(id=str(task.number), skill=skill or "any", assignee=person, estimate=task.estimate)
        )
    efforts = sample_efforts(items, "pert", trials, seed=0)
    calibrated, _ = calibrate_efforts(items, efforts, history, seed=0, method=method)
    totals = np.sort(calibrated.sum(axis=1))
    return [float(totals[max(0, int(np.ceil(s * trials)) - 1)]) for s in SHARES]


@dataclass(frozen=True)
class Outcome:
    project: str
    actual: float
    estimate: float
    percentiles: list[float]


def backtest(
    projects: dict[str, list[Task]],
    describe: Describe,
    method: HistoryMethod,
    trials: int,
    block_size: int = BLOCK,
    history_share: float = 0.5,
) -> list[Outcome]:
    outcomes = []
    for code, tasks in sorted(projects.items()):
        if len(tasks) < MIN_TASKS:
            continue
        half = int(len(tasks) * history_share)
        history = history_of(tasks[:half], describe)
        future = tasks[half:]
        for first in range(0, len(future) - block_size + 1, block_size):
            block = future[first : first + block_size]
            outcomes.append(
                Outcome(
                    project=code,
                    actual=sum(t.actual for t in block),
                    estimate=sum(t.estimate for t in block),
                    percentiles=forecast(block, history, describe, method, trials),
                )
            )
    return outcomes


def coverage(outcomes: list[Outcome]) -> tuple[list[float], float, float]:
    """Share of blocks at or below each percentile and the plain sum; median P85/estimate."""
    count = len(outcomes)
    shares = [sum(o.actual <= o.percentiles[k] for o in outcomes) / count for k in range(3)]
    plain = sum(o.actual <= o.estimate for o in outcomes) / count
    width = statistics.median(o.percentiles[1] / o.estimate for o in outcomes)
    return shares, plain, width


def sensitivity(used: dict[str, list[Task]], trials: int) -> None:
    """The shipped pool rule under other protocol choices: not to pick constants by, but to
    show whether the fixed protocol's result is an accident of its own choices."""
    print()
    print("Sensitivity, shipped pool rule:")
    print()
    print("| method | block | history | blocks | P50 | P85 | P95 | median P85 ÷ estimate |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    describe = POOLS["person, then skill, then everyone (shipped rule)"]
    for block_size, share in ((5, 0.5), (10, 0.5), (40, 0.5), (20, 1 / 3), (20, 2 / 3)):
        for method in METHODS:
            outcomes = backtest(used, describe, method, trials, block_size, share)
            (p50, p85, p95), _, width = coverage(outcomes)
            print(
                f"| {method} | {block_size} | {share:.2f} | {len(outcomes)} | {p50:.3f} "
                f"| {p85:.3f} | {p95:.3f} | {width:.2f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the SiP CSV files")
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="also other block sizes and history shares (shipped pool rule), to see how much "
        "the result depends on the protocol's own choices",
    )
    args = parser.parse_args()
    projects = read_tasks(args.data)
    used = {c: t for c, t in projects.items() if len(t) >= MIN_TASKS}
    print(
        f"SiP: {sum(map(len, projects.values()))} tasks in {len(projects)} projects; "
        f"{len(used)} projects with ≥ {MIN_TASKS} tasks; blocks of {BLOCK}; {args.trials} trials"
    )
    print()
    print("| method | pool | blocks | P50 | P85 | P95 | sum of estimates | median P85 ÷ estimate |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    shipped: dict[HistoryMethod, list[Outcome]] = {}
    for name, describe in POOLS.items():
        for method in METHODS:
            outcomes = backtest(used, describe, method, args.trials)
            shipped.setdefault(method, outcomes)
            (p50, p85, p95), plain, width = coverage(outcomes)
            print(
                f"| {method} | {name} | {len(outcomes)} | {p50:.3f} | {p85:.3f} | {p95:.3f} "
                f"| {plain:.3f} | {width:.2f} |"
            )
    if args.sensitivity:
        sensitivity(used, args.trials)
    print()
    print("Per project, shipped pool rule (fitted | resample):")
    print()
    print("| project | tasks | blocks | P50 | P85 | P95 | sum of estimates |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for code in sorted(used, key=lambda c: -len(used[c])):
        cells = []
        for method in METHODS:
            mine = [o for o in shipped[method] if o.project == code]
            if not mine:
                break
            cells.append(coverage(mine))
        if len(cells) < len(METHODS):
            continue
        blocks = sum(o.project == code for o in shipped["fitted"])
        p50, p85, p95 = (r" \| ".join(f"{c[0][k]:.2f}" for c in cells) for k in range(3))
        print(
            f"| {code} | {len(used[code])} | {blocks} | {p50} | {p85} | {p95} | {cells[0][1]:.2f} |"
        )


if __name__ == "__main__":
    main()
