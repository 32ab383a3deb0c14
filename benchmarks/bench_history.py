"""Speed of history: calibrate on 60 000 records, and the cost of history in an estimate.

    python benchmarks/bench_history.py [--repeat N]

Runs the installed command (medians of repeated runs) on a generated history written to a
temporary folder: `calibrate` on 60 000 records (target ≤ 2 s), and the web-shop example
at 10 000 trials with and without --history (target: at most 30 % slower).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from run import ROOT, command

SKILLS = ("design", "frontend", "backend", "qa")
PEOPLE = ("Lena", "Ana", "Jonas", "Tom", "Mehmet", "Sofia", "Kim", "Noah")


def write_history(path: Path, records: int, seed: int = 0) -> Path:
    """A plausible export: log-normal ratios, a little drift over three years."""
    rng = np.random.default_rng(seed)
    estimate = rng.choice([1, 2, 4, 6, 8, 12, 16, 24, 40], records).astype(float)
    ratio = np.exp(rng.normal(0.1, 0.55, records))
    start = np.datetime64("2023-01-02")
    days = np.sort(rng.integers(0, 3 * 365, records))
    with path.open("w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(["id", "estimate_hours", "actual_hours", "skill", "person", "date"])
        for k in range(records):
            out.writerow(
                [
                    f"T{k}",
                    estimate[k],
                    round(estimate[k] * ratio[k], 2),
                    SKILLS[k % len(SKILLS)],
                    PEOPLE[k % len(PEOPLE)],
                    str(start + days[k]),
                ]
            )
    return path


def median_seconds(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = command()
    work = Path(tempfile.mkdtemp(prefix="promisecheck-history-"))
    big = write_history(work / "big.csv", 60_000)
    small = write_history(work / "team.csv", 400, seed=1)
    calibrate = median_seconds([*exe, "calibrate", str(big), "-f", "json"], args.repeat)
    print(f"calibrate, 60 000 records: {calibrate:.2f} s (target 2 s, {calibrate / 2:.0%})")
    webshop = [*exe, "estimate", "examples/webshop/spec.toml", "-f", "json", "--no-compromises"]
    # Interleaved, so that load on the machine hits both alike.
    plain, with_history = [], []
    for _ in range(args.repeat):
        plain.append(median_seconds(webshop, 1))
        with_history.append(median_seconds([*webshop, "--history", str(small)], 1))
    a, b = statistics.median(plain), statistics.median(with_history)
    print(
        f"webshop, 10 000 trials: {a:.2f} s; with --history: {b:.2f} s "
        f"({b / a - 1:+.0%}, target ≤ +30 %)"
    )


if __name__ == "__main__":
    main()
