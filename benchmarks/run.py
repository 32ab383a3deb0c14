"""Speed of promisecheck end to end, through the installed command: medians of repeated runs.

    python benchmarks/run.py [--repeat N] [--quick] [--engines]

Prints one line per case: median wall time, the issue's target, and the ratio to it. The
generated projects come from benchmarks/generate.py and are written to a temporary folder.
With --engines each case also runs on the numba loop and on the numpy engine
(PROMISECHECK_ENGINE=numba, =numpy), interleaved with the default runs (the C loop where it
was built) so that the shared machine's load falls on all alike, and the ratios to the
default are printed. A fresh numba cache is timed once for numba's one-time compile.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import write, write_portfolio

ROOT = Path(__file__).resolve().parent.parent
# A fixed as-of day: the menu judges its options on it, and today would drift.
AS_OF = ["--as-of", "2026-11-30"]


def command() -> list[str]:
    found = shutil.which("promisecheck", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "promisecheck"]


def once(args: list[str], env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    subprocess.run(
        args,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )
    return time.perf_counter() - began


def timed(args: list[str], repeat: int) -> tuple[float, float]:
    """Median seconds and the peak resident memory (MiB) of the child processes."""
    times = [once(args) for _ in range(repeat)]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


def against_engines(args: list[str], repeat: int) -> tuple[float, float, float]:
    """Medians of the default engine, of the numba loop and of the numpy engine, runs
    interleaved."""
    default, numba, numpy = [], [], []
    for _ in range(repeat):
        default.append(once(args))
        numba.append(once(args, {"PROMISECHECK_ENGINE": "numba"}))
        numpy.append(once(args, {"PROMISECHECK_ENGINE": "numpy"}))
    return statistics.median(default), statistics.median(numba), statistics.median(numpy)


_ENGINE_ALONE = """
import sys, time
from promisecheck.engine.simulate import simulate
from promisecheck.inputs.loading import load
plan = load(sys.argv[1])
simulate(plan, 100, 1)  # load the compiled loop first
began = time.perf_counter()
simulate(plan, 10_000, 0)
print(time.perf_counter() - began)
"""


def engine_alone(spec: Path) -> float:
    """Seconds to sample and schedule 10 000 trials of `spec`, measured inside the process."""
    done = subprocess.run(
        [sys.executable, "-c", _ENGINE_ALONE, str(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the 1000-item project")
    parser.add_argument(
        "--engines", action="store_true", help="also time the numpy engine, interleaved"
    )
    args = parser.parse_args()
    exe = command()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    work = Path(tempfile.mkdtemp(prefix="promisecheck-bench-"))
    medium = write(work / "p200", 200, 50)
    large = write(work / "p1000", 1000, 50)
    cases: list[tuple[str, list[str], float, int]] = [
        ("--version", [*exe, "--version"], 0.020, args.repeat * 2),
        ("--help", [*exe, "--help"], 0.150, args.repeat),
        (
            "webshop, 10 000 trials",
            [*exe, "estimate", "examples/webshop/spec.toml", "-f", "json", "--no-compromises"],
            0.35,
            args.repeat,
        ),
        (
            "webshop + compromise menu",
            [*exe, "estimate", "examples/webshop/spec.toml", "-f", "json", "--compromises", *AS_OF],
            1.0,
            args.repeat,
        ),
        (
            "200 items / 50 members",
            [*exe, "estimate", str(medium), "-f", "json", "--no-compromises"],
            0.7,
            max(1, args.repeat // 2),
        ),
        (
            "200 items / 50 members + menu",
            [*exe, "estimate", str(medium), "-f", "json", "--compromises", *AS_OF],
            4.0,
            max(1, args.repeat // 2),
        ),
    ]
    portfolio, deals = write_portfolio(work / "portfolio", deals=10)
    cases += [
        (
            "portfolio 10×25 items / 12",
            [*exe, "portfolio", str(portfolio), "-f", "json"],
            1.0,
            max(1, args.repeat // 2),
        ),
        (
            "estimate --portfolio (+25), plain",
            [
                *exe,
                "estimate",
                str(deals[0]),
                "--portfolio",
                str(portfolio),
                "-f",
                "json",
                "--no-compromises",
            ],
            1.5,
            max(1, args.repeat // 2),
        ),
        (
            "  the same with menu and levers",
            [*exe, "estimate", str(deals[0]), "--portfolio", str(portfolio), "-f", "json"],
            6.0,
            max(1, args.repeat // 2),
        ),
        (
            "check portfolio + 10 deals",
            [*exe, "check", str(portfolio.parent), "-f", "json"],
            20.0,
            1,
        ),
    ]
    if not args.quick:
        cases.append(
            (
                "1000 items / 50 members",
                [*exe, "estimate", str(large), "-f", "json", "--no-compromises"],
                3.0,
                1,
            )
        )
    if args.engines:
        print(
            f"{'case':32} {'median':>9} {'target':>8} {'ratio':>6} "
            f"{'numba':>9} {'×':>6} {'numpy':>9} {'×':>6}"
        )
    else:
        print(f"{'case':32} {'median':>9} {'target':>8} {'ratio':>6}")
    medians: dict[str, float] = {}
    for name, argv, target, repeat in cases:
        versus = ""
        if args.engines and argv[len(exe)] not in ("--version", "--help"):
            median, numba, numpy = against_engines(argv, repeat)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            versus = f" {numba:8.3f}s {numba / median:5.2f}x {numpy:8.3f}s {numpy / median:5.2f}x"
        else:
            median, peak = timed(argv, repeat)
        medians[name] = median
        extra = f"   peak RSS {peak:.0f} MiB" if name.startswith("1000") else ""
        print(f"{name:32} {median:8.3f}s {target:7.3f}s {median / target:6.2f}{versus}{extra}")
    # Reference rows: the engine alone (sampling and scheduling, in process), to tell how
    # much of each end-to-end time the schedule itself takes.
    for label, spec in (("200 / 50", medium), *(() if args.quick else (("1000 / 50", large),))):
        seconds = engine_alone(spec)
        print(f"{'  engine alone, ' + label:32} {seconds:8.3f}s")
    if args.engines:
        # The one-time compile: the 200-item estimate with an empty numba cache.
        cold_cache = Path(tempfile.mkdtemp(prefix="promisecheck-numba-"))
        argv = [*exe, "estimate", str(medium), "-f", "json", "--no-compromises"]
        numba = {"NUMBA_CACHE_DIR": str(cold_cache), "PROMISECHECK_ENGINE": "numba"}
        cold = once(argv, numba)
        warm = once(argv, numba)
        print(
            f"200 items on numba, empty cache: {cold:.2f}s, then {warm:.2f}s "
            "(its compile ≈ the difference)"
        )
        shutil.rmtree(cold_cache, ignore_errors=True)
    # The menu's own target is relative: at most twice the plain estimate it extends.
    for plain, menu in (
        ("webshop, 10 000 trials", "webshop + compromise menu"),
        ("200 items / 50 members", "200 items / 50 members + menu"),
    ):
        print(f"{menu} / plain: {medians[menu] / medians[plain]:.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
