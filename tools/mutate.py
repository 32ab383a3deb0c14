"""Mutation testing by hand, for the modules whose mistakes tests must catch.

Every test must be able to fail: this applies one small change at a time to a copy of the
source (a comparison flipped, `and` for `or`, `+` for `-`, a number off by one, a `not`
dropped), runs the module's tests against that copy, and lists the changes no test noticed.
A surviving mutant is a missing test, or a change that does not alter behaviour (say why).

    python tools/mutate.py                      # every target below
    python tools/mutate.py calendar judge       # targets by name
    python tools/mutate.py --list               # the mutants, without running them

It copies `src/` into a scratch folder and runs pytest with that copy first on the path, so
it works whatever the install (an editable install points at the work tree, which it never
changes). Run by hand, not in CI: a full run takes several minutes on two cores.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """Functions of one module and the tests that should notice any change to them."""

    name: str
    module: str  # path under src/promisecheck
    functions: tuple[str, ...]  # "name" or "Class.name"
    tests: tuple[str, ...]


TARGETS = (
    Target(
        "calendar",
        "engine/calendar.py",
        (
            "horizon_days",
            "snap_one",
            "Capacity.working_days_between",
            "Capacity.add_working_days",
            "Capacity.day_of",
            "Capacity.date_of",
            "Capacity.finish_moment",
            "_member_window",
            "build_capacity",
        ),
        ("tests/test_calendar.py", "tests/test_simulate.py"),
    ),
    Target(
        "sampling",
        "engine/sampling.py",
        ("item_stream", "sample_item", "sample_range", "mean_effort", "sample_efforts"),
        ("tests/test_sampling.py", "tests/test_ranges.py"),
    ),
    Target(
        "analysis",
        "assess/analysis.py",
        ("verdict_for", "percentile_days", "percentile_values"),
        ("tests/test_analysis.py", "tests/test_outcomes.py"),
    ),
    Target(
        "assess",
        "assess/analysis.py",
        # the on-time odds, verdict, percentiles, cost and margin of one run; the headline
        # (odds, verdict, dates) is what check judges by
        ("assess", "headline"),
        ("tests/test_analysis.py", "tests/test_outcomes.py"),
    ),
    Target(
        "engine-choice",
        "engine/compiled.py",
        ("_forced", "wanted", "by_size", "expect", "kernel", "_get", "_load_native"),
        ("tests/test_compiled.py",),
    ),
    Target(
        "pilot",
        "commands/estimate.py",
        ("menu_likely", "clearly_below"),
        ("tests/test_compiled.py",),
    ),
    Target(
        "percentile",
        "inputs/history.py",
        ("percentile_index", "percentile"),
        ("tests/test_analysis.py", "tests/test_history.py"),
    ),
    Target(
        "judge",
        "commands/check.py",
        ("judge", "_change", "_delta", "_base", "_order"),
        ("tests/test_check_judge.py",),
    ),
)

# Survivors that cannot change behaviour, with the reason: (function, source line stripped,
# old token, new token). Anything else that survives is a missing test.
EQUIVALENT: dict[tuple[str, str, str, str], str] = {
    (
        "Capacity.working_days_between",
        "count = int(np.count_nonzero(self.team_working[lo + 1 : hi + 1])) if hi > lo else 0",
        ">",
        ">=",
    ): "when hi == lo the slice is empty: 0 either way",
    (
        "Capacity.working_days_between",
        "return count if last >= first else -count",
        ">=",
        ">",
    ): "when last == first the count is 0, and -0 is 0",
    (
        "Capacity.working_days_between",
        "lo, hi = max(lo, -1), min(hi, self.days - 1)",
        "-",
        "+",
    ): "a slice past the array's end stops at its end",
    (
        "Capacity.add_working_days",
        "step = 1 if count >= 0 else -1",
        ">=",
        ">",
    ): "with count 0 no step is taken",
    (
        "Capacity.add_working_days",
        "step = 1 if count >= 0 else -1",
        "0",
        "1",
    ): "with count 0 no step is taken",
    (
        "Capacity.finish_moment",
        "day = int(start // DAY_SPAN)",
        "//",
        "/",
    ): "moments are never negative, and int() of a non-negative quotient is its floor",
    (
        "sample_range",
        "return np.where(u < split, rising, falling)",
        "<",
        "<=",
    ): "u == split has probability 0, and both branches give `likely` there",
    (
        "percentile_index",
        "needed = math.ceil(round(share * count, 9))",
        "9",
        "10",
    ): "the rounding only removes float noise (~1e-12), which 10 digits remove too",
    (
        "headline",
        "beyond = int(np.count_nonzero(project_days >= capacity.days))",
        ">=",
        ">",
    ): "no trial finishes on the day after the horizon: past it a finish is never (inf)",
    (
        "assess",
        "for (first, last), share in zip(member.time_off, holds.time_off[m], strict=True)",
        "True",
        "False",
    ): "chain_shares gives one share per time-off period: the lengths are equal",
    (
        "assess",
        "top_member = int(held.argmax()) if held.size and held.max() > 0 else -1",
        "1",
        "2",
    ): "any index that is no member's means nobody is the bottleneck",
    (
        "_order",
        "return (STATUS_ORDER[p.status], probability if probability is not None else -1.0, p.path)",
        "1.0",
        "2.0",
    ): "any value below 0 sorts an unknown probability first",
}

_SWAP_COMPARE = {
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
    ast.Eq: "!=",
    ast.NotEq: "==",
}
_SWAP_BINARY = {ast.Add: "-", ast.Sub: "+", ast.Mult: "/", ast.Div: "*", ast.FloorDiv: "/"}
_TOKENS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
}


@dataclass(frozen=True)
class Mutant:
    """One change: replace text[start:end] (absolute offsets) of the module by `new`."""

    line: int
    start: int
    end: int
    old: str
    new: str
    function: str
    context: str  # the source line, stripped: what EQUIVALENT keys on (lines move)

    def describe(self) -> str:
        return f"{self.function}:{self.line}: `{self.old}` → `{self.new}`"


def _offsets(text: str) -> list[int]:
    starts: list[int] = []
    total = 0
    for line in text.splitlines(keepends=True):
        starts.append(total)
        total += len(line.encode("utf-8"))
    return starts


def _functions(tree: ast.Module, wanted: tuple[str, ...]) -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in wanted:
            yield node.name, node
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and f"{node.name}.{item.name}" in wanted:
                    yield f"{node.name}.{item.name}", item


def mutants(source: str, functions: tuple[str, ...]) -> list[Mutant]:
    """Every single-token change the operators above make inside the named functions."""
    data = source.encode("utf-8")
    starts = _offsets(source)
    tree = ast.parse(source)

    def at(line: int, column: int) -> int:
        return starts[line - 1] + column

    def between(left: ast.expr, right: ast.expr, token: str) -> tuple[int, int] | None:
        """The token's offsets in the text between two operands (skips parentheses)."""
        a = at(left.end_lineno or left.lineno, left.end_col_offset or 0)
        b = at(right.lineno, right.col_offset)
        found = data[a:b].decode("utf-8").find(token)
        if found < 0:
            return None
        begin = a + len(data[a:b].decode("utf-8")[:found].encode("utf-8"))
        return begin, begin + len(token.encode("utf-8"))

    lines = source.splitlines()

    def made(node: ast.expr, span: tuple[int, int], old: str, new: str, name: str) -> Mutant:
        context = lines[node.lineno - 1].strip()
        return Mutant(node.lineno, span[0], span[1], old, new, name, context)

    out: list[Mutant] = []
    seen_names: set[str] = set()
    for name, function in _functions(tree, functions):
        seen_names.add(name)
        for node in ast.walk(function):
            if isinstance(node, ast.Compare):
                left = node.left
                for op, right in zip(node.ops, node.comparators, strict=True):
                    if type(op) in _SWAP_COMPARE:
                        span = between(left, right, _TOKENS[type(op)])
                        if span is not None:
                            new = _SWAP_COMPARE[type(op)]
                            out.append(made(node, span, _TOKENS[type(op)], new, name))
                    left = right
            elif isinstance(node, ast.BinOp) and type(node.op) in _SWAP_BINARY:
                span = between(node.left, node.right, _TOKENS[type(node.op)])
                if span is not None:
                    old = _TOKENS[type(node.op)]
                    out.append(made(node, span, old, _SWAP_BINARY[type(node.op)], name))
            elif isinstance(node, ast.BoolOp):
                token = "and" if isinstance(node.op, ast.And) else "or"
                other = "or" if token == "and" else "and"
                span = between(node.values[0], node.values[1], f" {token} ")
                if span is not None:
                    out.append(made(node, span, f" {token} ", f" {other} ", name))
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                begin = at(node.lineno, node.col_offset)
                end = at(node.operand.lineno, node.operand.col_offset)
                old = data[begin:end].decode("utf-8")
                out.append(made(node, (begin, end), old, "", name))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, int | float)
                and node.end_lineno == node.lineno
            ):
                begin = at(node.lineno, node.col_offset)
                end = at(node.lineno, node.end_col_offset or 0)
                old = data[begin:end].decode("utf-8")
                if isinstance(node.value, bool):
                    new = "False" if node.value else "True"
                else:
                    new = repr(node.value + 1)
                out.append(made(node, (begin, end), old, new, name))
    missing = set(functions) - seen_names
    if missing:
        raise SystemExit(f"no such function(s): {', '.join(sorted(missing))}")
    return out


def apply(source: str, mutant: Mutant) -> str:
    data = source.encode("utf-8")
    return (data[: mutant.start] + mutant.new.encode("utf-8") + data[mutant.end :]).decode()


def run_tests(scratch: Path, tests: tuple[str, ...], timeout: float) -> str:
    """'killed', 'survived' or 'timeout' (a timeout counts as noticed)."""
    # No bytecode: a mutant of the same size written within the same second as the one
    # before would otherwise run as that one's cached .pyc (its stamp is mtime and size).
    env = {
        **os.environ,
        "PYTHONPATH": str(scratch / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PROMISECHECK_ENGINE": "numpy",
    }
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if done.returncode == 0 else "killed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants only")
    parser.add_argument(
        "--timeout", type=float, help="seconds per test run (default: 10× the clean run)"
    )
    args = parser.parse_args()
    # Stopped from outside: unwind, so that the running pytest is killed and the scratch
    # copy removed (subprocess.run and TemporaryDirectory clean up on an exception).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    chosen = [t for t in TARGETS if not args.targets or t.name in args.targets]
    survivors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="promisecheck-mutants-") as folder:
        scratch = Path(folder)
        shutil.copytree(ROOT / "src", scratch / "src", ignore=shutil.ignore_patterns("*.pyc"))
        for target in chosen:
            path = scratch / "src" / "promisecheck" / target.module
            source = path.read_text(encoding="utf-8")
            found = mutants(source, target.functions)
            print(f"{target.name}: {len(found)} mutants of {target.module}", flush=True)
            if args.list:
                for mutant in found:
                    print(f"  {mutant.describe()}")
                continue
            clean = time.monotonic()
            if run_tests(scratch, target.tests, args.timeout or 600.0) != "survived":
                raise SystemExit(f"{target.name}: the tests fail without any mutant")
            # A mutant may loop forever (a step of 0): that counts as noticed, after a while.
            timeout = args.timeout or 10 * (time.monotonic() - clean) + 10
            killed = 0
            began = time.monotonic()
            for mutant in found:
                path.write_text(apply(source, mutant), encoding="utf-8")
                verdict = run_tests(scratch, target.tests, timeout)
                reason = EQUIVALENT.get((mutant.function, mutant.context, mutant.old, mutant.new))
                if verdict == "survived" and reason is not None:
                    print(f"  equivalent {mutant.describe()}: {reason}", flush=True)
                elif verdict == "survived":
                    survivors.append(f"{target.module}:{mutant.describe()}")
                    print(f"  SURVIVED {mutant.describe()}", flush=True)
                else:
                    killed += 1
            path.write_text(source, encoding="utf-8")
            spent = time.monotonic() - began
            print(f"  {killed} of {len(found)} killed ({spent:.0f} s)", flush=True)
    if survivors:
        print(f"{len(survivors)} surviving mutants:")
        for line in survivors:
            print(f"  {line}")
    sys.exit(1 if survivors else 0)


if __name__ == "__main__":
    main()
