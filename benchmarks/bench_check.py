"""Speed of `check` and `compare` end to end, through the installed command: medians.

    python benchmarks/bench_check.py [--repeat N] [--proposals N]

check: 100 generated proposals of 20 items (5 members each) at 10 000 trials, target 20 s.
compare: two webshop-sized specs (the web-shop example and a copy with one item
re-estimated) at 10 000 trials, target 1 s. Proposals come from benchmarks/generate.py and
are written to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import write

ROOT = Path(__file__).resolve().parent.parent


def command() -> list[str]:
    found = shutil.which("promisecheck", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "promisecheck"]


def median_seconds(args: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time of `repeat` runs, and the exit code of the last one."""
    times = []
    code = 0
    for _ in range(repeat):
        began = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - began)
        code = done.returncode
        if code == 2:
            sys.exit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--proposals", type=int, default=100)
    args = parser.parse_args()
    exe = command()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    work = Path(tempfile.mkdtemp(prefix="promisecheck-bench-check-"))
    try:
        for index in range(args.proposals):
            write(work / "proposals" / f"p{index:03d}", 20, 5, seed=index + 1)
        shop = work / "shop"
        shutil.copytree(ROOT / "examples" / "webshop", shop)
        revised = (shop / "spec.toml").read_text(encoding="utf-8")
        revised = revised.replace("estimate = [32, 48, 88]", "estimate = [40, 56, 96]", 1)
        (shop / "revised.toml").write_text(revised, encoding="utf-8")
        cases = [
            (
                f"check, {args.proposals} proposals x 20 items, 10 000 trials",
                [*exe, "check", str(work / "proposals"), "-f", "json"],
                20.0,
            ),
            (
                "compare, two webshop-sized specs, 10 000 trials",
                [
                    *exe,
                    "compare",
                    str(shop / "spec.toml"),
                    str(shop / "revised.toml"),
                    "-f",
                    "json",
                ],
                1.0,
            ),
        ]
        print(f"{'case':<55} {'median':>8} {'target':>8} {'ratio':>6}")
        for name, argv, target in cases:
            seconds, _ = median_seconds(argv, args.repeat)
            print(f"{name:<55} {seconds:>7.2f}s {target:>7.1f}s {seconds / target:>6.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
