"""The sizes a proposal may have, checked on the parsed TOML before anything else reads it.

Said up front (README, Security) so that a hostile or mistaken file gets a located message
instead of minutes of work or gigabytes of memory: the engine's cost grows with items ×
trials and members × days.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from promisecheck.safetext import unsafe_character

# [[items]] and [[deferred]] together: the largest size benchmarked (benchmarks/run.py);
# the engine's time grows faster than the items (2 000 took minutes).
MAX_ITEMS = 1_000
MAX_MEMBERS = 500  # [[members]], and people added by one scenario
MAX_RISKS = 500
MAX_SCENARIOS = 50
MAX_LIST = 10_000  # any other list: holidays, time_off, depends_on, …
MAX_DEPTH = 16  # tables and lists inside each other; the deepest real key has 6

# Trials × items held in memory at once: each float array of the schedule takes 8 bytes a
# cell, and a run keeps several; 50 million cells is about 2 GB in all.
MAX_CELLS = 50_000_000

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str, str | None]

_TABLE_LIMITS: dict[str, tuple[int, str]] = {
    "items": (MAX_ITEMS, "[[items]] tables"),
    "members": (MAX_MEMBERS, "[[members]] tables"),
    "risks": (MAX_RISKS, "[[risks]] tables"),
    "scenarios": (MAX_SCENARIOS, "[scenarios.NAME] tables"),
}


def check(data: Mapping[str, Any]) -> list[Finding]:
    """Nesting, text and size problems of one parsed file, each with its place."""
    found: list[Finding] = []
    items = len(_list(data.get("items"))) + len(_list(data.get("deferred")))
    if items > MAX_ITEMS:
        found.append(
            (
                ("items",),
                f"{items:,} items (with [[deferred]]); expected at most {MAX_ITEMS:,}",
                "split the proposal into several",
            )
        )
    for key, (limit, what) in _TABLE_LIMITS.items():
        value = data.get(key)
        count = len(value) if isinstance(value, list | dict) else 0
        if key != "items" and count > limit:
            found.append(((key,), f"{count:,} {what}; expected at most {limit:,}", None))
    scenarios = data.get("scenarios")
    for name, scenario in scenarios.items() if isinstance(scenarios, dict) else ():
        added = scenario.get("add_members") if isinstance(scenario, dict) else None
        if isinstance(added, list) and len(added) > MAX_MEMBERS:
            found.append(
                (
                    ("scenarios", name, "add_members"),
                    f"{len(added):,} members added; expected at most {MAX_MEMBERS:,}",
                    None,
                )
            )
    # Sizes first: walking a huge file only to refuse it afterwards would waste the time saved.
    return found or list(_walk(data))


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _walk(data: Mapping[str, Any]) -> Iterator[Finding]:
    """Depth-first without recursion: a deeply nested file must not exhaust the stack."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if len(loc) > MAX_DEPTH:
            yield (
                loc[:MAX_DEPTH],
                f"nested more than {MAX_DEPTH} levels deep",
                "no key of a proposal or team file nests this deep",
            )
            return
        if isinstance(node, Mapping):
            for key, value in node.items():
                bad = unsafe_character(key)
                if bad is not None:
                    yield (loc, f"a key holds the control character {bad}", "rename the key")
                    continue
                stack.append(((*loc, key), value))
        elif isinstance(node, list):
            if len(node) > MAX_LIST:
                yield (loc, f"a list of {len(node):,} values; expected at most {MAX_LIST:,}", None)
                continue
            stack.extend(((*loc, index), value) for index, value in enumerate(node))
        elif isinstance(node, str):
            bad = unsafe_character(node)
            if bad is not None:
                yield (
                    loc,
                    f"text holds the control character {bad}",
                    "write names and text on one line, without control characters",
                )
