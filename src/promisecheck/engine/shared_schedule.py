"""One schedule on the shared team: every project's items in one plan, ranked by claim.

Items are keyed `<project key>:<item id>`, so each has its own random stream whatever else
is scheduled beside it (common random numbers between the schedule with and without a
deal). A project is released at max(its start, as_of); a tentative project takes part in a
trial when its own `win:<key>` draw falls below its win probability.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from promisecheck.engine.calendar import DAY_SPAN, Capacity, build_capacity
from promisecheck.engine.forecast import Inputs, prepare
from promisecheck.engine.history_model import HistoryUse
from promisecheck.engine.network import build_network
from promisecheck.engine.sampling import item_stream
from promisecheck.engine.simulate import Progress, SimulationResult, run_parallel
from promisecheck.inputs.history import History
from promisecheck.inputs.model import PRIORITY_ORDER, Item, Plan, Risk, Spec, Team
from promisecheck.notices import InProject, Notice, StartDelaysNotShared

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Role = Literal["signed", "tentative", "deal"]


@dataclass(frozen=True)
class Project:
    """One project in the shared schedule, in the order of claim on people."""

    key: str  # names its draws; the spec path as written in portfolio.toml
    spec: Spec  # as it stands at as_of (done items gone, remaining hours as estimates)
    role: Role
    win_probability: float  # 1.0 unless tentative
    hold: float  # below this on-time probability it counts as broken


def keyed(key: str, item_id: str) -> str:
    """The id of a project's item in the shared schedule, which names its random stream."""
    return f"{key}:{item_id}"


def keyed_spec(key: str, spec: Spec) -> Spec:
    """The spec with every item and risk renamed into the project's key space."""

    def item(it: Item) -> Item:
        return it.model_copy(
            update={
                "id": keyed(key, it.id),
                "depends_on": tuple(keyed(key, d) for d in it.depends_on),
            }
        )

    def risk(r: Risk) -> Risk:
        return r.model_copy(
            update={"id": keyed(key, r.id), "items": tuple(keyed(key, i) for i in r.items)}
        )

    return spec.model_copy(
        update={
            "items": tuple(item(it) for it in spec.items),
            "deferred": (),
            "risks": tuple(risk(r) for r in spec.risks),
            "scenarios": {},
        }
    )


@dataclass(frozen=True, eq=False)
class Schedule:
    """Every trial of the shared schedule, and where each project's items are in it."""

    projects: tuple[Project, ...]
    as_of: dt.date
    capacity: Capacity  # day 0 is as_of
    result: SimulationResult  # columns: every project's items, project by project
    columns: tuple[range, ...]  # per project, its columns in result
    release_day: tuple[int, ...]  # per project, the first day it may be worked on
    present: BoolArray  # [trials, projects] the project is in the trial (won)
    histories: tuple[HistoryUse | None, ...]
    warnings: tuple[Notice, ...]

    @property
    def trials(self) -> int:
        return self.result.trials

    def index(self, key: str) -> int:
        return next(k for k, p in enumerate(self.projects) if p.key == key)

    def part(self, k: int) -> SimulationResult:
        """Project k's own columns, as a single-project result."""
        cols = self.columns[k]
        r = self.result
        return SimulationResult(
            efforts=r.efforts[:, cols.start : cols.stop],
            start=r.start[:, cols.start : cols.stop],
            finish=r.finish[:, cols.start : cols.stop],
            member=r.member[:, cols.start : cols.stop],
        )


def shared_capacity(team: Team, as_of: dt.date) -> Capacity:
    """The team's calendar from the status date: nothing is scheduled before it."""
    return build_capacity(team, as_of)


def won(key: str, win_probability: float, trials: int, seed: int) -> BoolArray:
    """[trials] whether a tentative project is won, from its own `win:<key>` stream."""
    if win_probability >= 1:
        return np.ones(trials, dtype=bool)
    if win_probability <= 0:
        return np.zeros(trials, dtype=bool)
    draws: BoolArray = item_stream(seed, f"win:{key}").random(trials) < win_probability
    return draws


def dispatch_order(projects: Sequence[Project]) -> IntArray:
    """[items] dispatch rank in the combined plan: (project rank, priority, file order)."""
    keys: list[tuple[int, int, int]] = []
    for rank, project in enumerate(projects):
        for index, item in enumerate(project.spec.items):
            keys.append((rank, PRIORITY_ORDER[item.priority], index))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank_of = np.empty(len(keys), dtype=np.int64)
    rank_of[order] = np.arange(len(keys))
    return rank_of


# Each project's prepared inputs by calendar: a commitment's draws are the same in the
# schedule without the deal, with it, and with every variant the deal's menu, its levers or
# check try, so they are sampled once while the calendar is in use. An entry keeps the spec,
# team and history it was drawn for, and is used only for those very objects.
_Drawn = tuple[Spec, Team, History | None, int, int, Inputs]
_PREPARED: weakref.WeakKeyDictionary[Capacity, dict[str, _Drawn]] = weakref.WeakKeyDictionary()
_PREPARED_LOCK = threading.Lock()


def _prepared(
    project: Project,
    spec: Spec,
    team: Team,
    capacity: Capacity,
    trials: int,
    seed: int,
    history: History | None,
) -> Inputs:
    """prepare() of the project's keyed spec (`spec`), remembered (see _PREPARED)."""
    with _PREPARED_LOCK:
        drawn = _PREPARED.setdefault(capacity, {}).get(project.key)
    if drawn is not None:
        for_spec, for_team, for_history, for_trials, for_seed, inputs = drawn
        same = for_spec is project.spec and for_team is team and for_history is history
        if same and (for_trials, for_seed) == (trials, seed):
            return inputs
    inputs = prepare(Plan(spec=spec, team=team), capacity, trials, seed, history)
    for shared in (inputs.efforts, inputs.planning, inputs.base_efforts):
        shared.setflags(write=False)
    with _PREPARED_LOCK:
        _PREPARED.setdefault(capacity, {})[project.key] = (
            project.spec,
            team,
            history,
            trials,
            seed,
            inputs,
        )
    return inputs


def run_schedule(
    projects: Sequence[Project],
    team: Team,
    as_of: dt.date,
    *,
    trials: int,
    seed: int,
    history: History | None = None,
    capacity: Capacity | None = None,
    progress: Progress | None = None,
) -> Schedule:
    """Sample every project's items from their keyed streams and schedule them together."""
    capacity = capacity if capacity is not None else shared_capacity(team, as_of)
    efforts: list[FloatArray] = []
    planning: list[FloatArray] = []
    columns: list[range] = []
    releases: list[int] = []
    histories: list[HistoryUse | None] = []
    warnings: list[Notice] = []
    items: list[Item] = []
    present = np.ones((trials, len(projects)), dtype=bool)
    for k, project in enumerate(projects):
        spec = keyed_spec(project.key, project.spec)
        inputs = _prepared(project, spec, team, capacity, trials, seed, history)
        efforts.append(inputs.efforts)
        planning.append(inputs.planning)
        histories.append(inputs.history)
        name = project.spec.project.name
        warnings += [InProject(project=name, notice=w) for w in inputs.warnings]
        if any(r.delay_days is not None for r in spec.risks):
            warnings.append(InProject(project=name, notice=StartDelaysNotShared()))
        columns.append(range(len(items), len(items) + len(spec.items)))
        items.extend(spec.items)
        releases.append(max(0, capacity.day_of(max(project.spec.project.start, as_of))))
        if project.role == "tentative":
            present[:, k] = won(project.key, project.win_probability, trials, seed)
    network = build_network(items, team.members)
    release = np.zeros(len(items))
    item_present = np.ones((trials, len(items)), dtype=bool)
    for k, cols in enumerate(columns):
        release[cols.start : cols.stop] = releases[k] * DAY_SPAN
        item_present[:, cols.start : cols.stop] = present[:, k : k + 1]
    all_present = bool(item_present.all())
    result = run_parallel(
        network,
        capacity,
        np.concatenate(efforts, axis=1) if efforts else np.zeros((trials, 0)),
        progress,
        release=release,
        present=None if all_present else item_present,
        order=dispatch_order(projects),
        planning=np.concatenate(planning) if planning else np.zeros(0),
    )
    return Schedule(
        projects=tuple(projects),
        as_of=as_of,
        capacity=capacity,
        result=result,
        columns=tuple(columns),
        release_day=tuple(releases),
        present=present,
        histories=tuple(histories),
        warnings=tuple(warnings),
    )
