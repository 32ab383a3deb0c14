"""Speed of the analysis alone (SimulationResult → Assessment) on the generated 200-item plan.

    python benchmarks/bench_analysis.py [--repeat N] [--trials N]

Simulates once, then times `assess` on that result (median of repeated runs): the part of
an estimate after the engine. Also times the bottleneck's own step (`chain_shares`, the
split of each trial's critical chain among members and skills) and its share of `assess`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from generate import write
from promisecheck.assess.analysis import assess, chain_shares, walk_chain
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.forecast import prepare
from promisecheck.engine.network import build_network
from promisecheck.engine.simulate import simulate
from promisecheck.inputs.loading import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--trials", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    spec = write(Path(tempfile.mkdtemp(prefix="promisecheck-bench-")) / "p200", 200, 50)
    plan = load(spec, None)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    inputs = prepare(plan, capacity, args.trials, 0, None)
    began = time.perf_counter()
    result = simulate(
        plan,
        args.trials,
        0,
        capacity=capacity,
        efforts=inputs.efforts,
        start_day=inputs.start_day,
        planning=inputs.planning,
    )
    print(f"simulate, {args.trials:,} trials: {time.perf_counter() - began:.2f} s (once)")
    walk = walk_chain(result, build_network(plan.spec.items, plan.team.members).predecessors)
    whole, part = [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        assess(plan, result, capacity, seed=0)
        whole.append(time.perf_counter() - began)
        began = time.perf_counter()
        chain_shares(plan, result, capacity, walk)
        part.append(time.perf_counter() - began)
    assessed, shared = statistics.median(whole), statistics.median(part)
    print(f"assess: median {assessed:.3f} s of {args.repeat} runs")
    print(f"of which chain_shares: median {shared:.4f} s ({shared / assessed:.1%})")


if __name__ == "__main__":
    main()
