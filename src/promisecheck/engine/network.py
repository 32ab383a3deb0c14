"""The scope as arrays for scheduling: dispatch order, dependencies, and who may do what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from promisecheck.engine.planning import planned_hours
from promisecheck.inputs.model import PRIORITY_ORDER, Item, Member

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def eligibility_class(item: Item) -> str:
    """Items are interchangeable for dispatch when the same members may do them."""
    return f"@{item.assignee}" if item.assignee is not None else f"skill:{item.skill}"


@dataclass(frozen=True, eq=False)
class Network:
    """Items in file order, with what the dispatcher needs to know about each."""

    ids: tuple[str, ...]
    rank: IntArray  # [items] position in dispatch order: priority, then file order
    by_rank: IntArray  # [items] item index at each rank
    predecessors: tuple[tuple[int, ...], ...]
    successors: tuple[tuple[int, ...], ...]
    item_class: IntArray  # [items] index into classes
    classes: tuple[str, ...]
    eligible: BoolArray  # [classes, members] may member m do items of class c
    planning: FloatArray  # [items] hours each item is planned with (who finishes first)

    @property
    def size(self) -> int:
        return len(self.ids)


def predecessors_of(items: Sequence[Item]) -> tuple[tuple[int, ...], ...]:
    """For each item, the positions of the items it depends on (ids already checked)."""
    position = {item.id: index for index, item in enumerate(items)}
    return tuple(tuple(position[d] for d in item.depends_on) for item in items)


def build_network(
    items: Sequence[Item], members: Sequence[Member], planning: FloatArray | None = None
) -> Network:
    """Index the items and work out, once, which members are eligible for which items.

    `planning` defaults to `planned_hours` (commands pass `planning_efforts`).
    """
    ids = tuple(item.id for item in items)
    order = sorted(range(len(items)), key=lambda i: (PRIORITY_ORDER[items[i].priority], i))
    rank = np.empty(len(items), dtype=np.int64)
    rank[order] = np.arange(len(items))
    predecessors = predecessors_of(items)
    successors_lists: list[list[int]] = [[] for _ in items]
    for index, preds in enumerate(predecessors):
        for pred in preds:
            successors_lists[pred].append(index)
    class_names: list[str] = []
    item_class = np.empty(len(items), dtype=np.int64)
    for index, item in enumerate(items):
        name = eligibility_class(item)
        if name not in class_names:
            class_names.append(name)
        item_class[index] = class_names.index(name)
    eligible = np.zeros((len(class_names), len(members)), dtype=bool)
    for c, name in enumerate(class_names):
        kind, _, value = name.partition(":") if name.startswith("skill:") else ("@", "", name[1:])
        for m, member in enumerate(members):
            eligible[c, m] = value in member.skills if kind == "skill" else member.name == value
    return Network(
        ids=ids,
        rank=rank,
        by_rank=np.array(order, dtype=np.int64),
        predecessors=predecessors,
        successors=tuple(tuple(s) for s in successors_lists),
        item_class=item_class,
        classes=tuple(class_names),
        eligible=eligible,
        planning=planned_hours(items) if planning is None else np.asarray(planning, np.float64),
    )
